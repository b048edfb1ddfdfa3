/*
 * How PostgreSQL is handled on a site by drconsole's own scripts: where its
 * data folder is (configured, else learnt by the probe), who owns it (the
 * scripts run its tools as that account: runuser as root, sudo -n
 * otherwise), where its programs are, and how it is started and stopped
 * (configured commands, else pg_ctlcluster on Debian, else pg_ctl).
 */
#ifndef DR_PGSITE_H
#define DR_PGSITE_H

#include "conf.h"

char *pgsite_prelude(const struct site *s, const char *answer);
char *pgsite_conninfo(const struct site *s, const char *application_name);

#endif
