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

/*
 * What a reason is about, in the order it endangers recovery: reasons of one
 * level are listed in this order.
 */
enum verdict_kind {
	VERDICT_KIND_SPLIT,   /* two primaries at once */
	VERDICT_KIND_PRIMARY, /* the primary down, unreachable, or none */
	VERDICT_KIND_STANDBY, /* the DR side unreachable, not streaming, or unknown */
	VERDICT_KIND_LAG,     /* replay behind, unknown, or paused */
	VERDICT_KIND_BACKUPS, /* backups missing, old, failing, expired */
	VERDICT_KIND_OTHER,   /* hosts, services, disks, stale data, configuration */
};

/*
 * One finding: its own level and kind, the site it is about ("" for all) and
 * a sentence: in English (text: status --json, journals, the watcher) and in
 * the reader's language (shown: the screen and the tables for people; empty
 * when read back from a capture, then text stands in).
 */
struct verdict_reason {
	enum verdict_level level;
	enum verdict_kind kind;
	char site[64];
	char text[1024];
	char shown[1024];
};

/* Whether a standby streams from the primary, as far as fresh data tells. */
enum verdict_stream_state { VERDICT_STREAM_UNKNOWN, VERDICT_STREAM_YES, VERDICT_STREAM_NO };

/* One stream from the primary to a standby site, and what that rests on. */
struct verdict_stream {
	enum verdict_stream_state state;
	int row;       /* the primary's pg_stat_replication row for the standby, or -1 */
	int row_fresh; /* that row comes from a primary answering within two probe intervals */
	char why[512]; /* NO: why not; UNKNOWN: why it cannot be told */
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
void verdict_note(struct verdict *v, enum verdict_level level, enum verdict_kind kind,
                  const char *site, const char *text);
int verdict_exit_code(enum verdict_level level);
size_t verdict_more(const struct verdict *v);
const struct verdict_reason *verdict_top(const struct verdict *v);
const char *verdict_name(enum verdict_level level);
const char *verdict_shown(const struct verdict_reason *r);

enum pg_role verdict_site_role(const struct site_status *s);
const char *verdict_role_name(enum pg_role role);
int verdict_primary(const struct conf *cf, const struct site_status *sites, size_t n);
int verdict_match_standby(const struct conf *cf, const struct site_status *sites, size_t n,
                          size_t primary, size_t standby);
void verdict_stream(const struct conf *cf, const struct site_status *sites, size_t n,
                    size_t primary, size_t standby, int64_t now_wall_ms,
                    struct verdict_stream *out);
int verdict_fresh_at(const struct conf *cf, int64_t at_ms, int64_t now_wall_ms);
int64_t verdict_replayed_lsn(const struct snap_pg *pg);
int verdict_lag_ms(const struct site_status *s, int64_t *lag_ms);
int verdict_backup_age_s(const struct snap_backups *b, int64_t now_wall_ms, int64_t *age_s);

#endif
