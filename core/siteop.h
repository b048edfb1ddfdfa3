/*
 * Carrying out a recovery step's operations on a site, inside its agent's
 * threads: commands and the fence over the SSH session, the promotion and the
 * write test over the PostgreSQL connection. Each fills the op's outcome.
 */
#ifndef DR_SITEOP_H
#define DR_SITEOP_H

#include "conf.h"
#include "opqueue.h"
#include "pgconn.h"
#include "sshconn.h"

char *siteop_fence_script(const char *data_dir, long port, int wait_s);
int siteop_fence_parse(const char *out, char *detail, size_t len);
void siteop_ssh(struct sshconn *conn, struct op *op, const char *site, const char *data_dir,
                long port);
void siteop_sql(struct pgconn *pg, struct op *op, const char *site);
void siteop_fail(struct op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
