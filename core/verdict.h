/*
 * The overall status: one pure judgement of every site's latest snapshot,
 * with the reasons behind it, for the header, drconsole status and its exit
 * code (monitoring-plugin convention).
 */
#ifndef DR_VERDICT_H
#define DR_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "snapshot.h"

#define VERDICT_MAX_REASONS 32

enum verdict_level { VERDICT_OK, VERDICT_WARNING, VERDICT_CRITICAL, VERDICT_UNKNOWN };

/* One finding: its own level, the site it is about ("" for all) and a sentence. */
struct verdict_reason {
	enum verdict_level level;
	char site[64];
	char text[1024];
};

/* The judgement: the overall level and its reasons, most severe first. */
struct verdict {
	enum verdict_level level;
	struct verdict_reason reasons[VERDICT_MAX_REASONS];
	size_t n;
	size_t dropped; /* less severe reasons left out for want of room */
};

void verdict_judge(const struct conf *cf, const struct site_status *sites, size_t n,
                   int64_t now_wall_ms, struct verdict *v);
int verdict_exit_code(enum verdict_level level);
const char *verdict_name(enum verdict_level level);

enum pg_role verdict_site_role(const struct site_status *s);
const char *verdict_role_name(enum pg_role role);
int verdict_primary(const struct conf *cf, const struct site_status *sites, size_t n);
int verdict_match_standby(const struct conf *cf, const struct site_status *sites, size_t n,
                          size_t primary, size_t standby);
int verdict_lag_ms(const struct site_status *s, int64_t *lag_ms);
int verdict_backup_age_s(const struct snap_backups *b, int64_t now_wall_ms, int64_t *age_s);

#endif
