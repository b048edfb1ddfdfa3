/*
 * The DR settings shared by drconsole.yml's "dr:" block and the seed's
 * Kubernetes ConfigMap (PRIMARY_SITE, DR_SITE, FAILOVER_MODE, SYNC_INTERVAL).
 */
#ifndef DR_CONFIGMAP_H
#define DR_CONFIGMAP_H

#include <stdint.h>

#include "diag.h"
#include "yfield.h"

enum failover_mode { FAILOVER_MANUAL, FAILOVER_AUTOMATIC };

struct dr_settings {
	char *primary_site;
	char *dr_site;
	enum failover_mode failover_mode;
	int64_t sync_interval_ms; /* replication-lag budget (the RPO) */
	char *source;             /* file the settings came from */
	int line, col;            /* where PRIMARY_SITE / primary_site was given */
	int dr_line, dr_col;      /* where DR_SITE / dr_site was given */
};

int configmap_load(struct dr_settings *dr, const char *file, struct diag *d);
int configmap_read_dr(struct yctx *c, const struct ynode *map, struct dr_settings *dr);
void configmap_free(struct dr_settings *dr);
const char *configmap_mode_name(enum failover_mode mode);

#endif
