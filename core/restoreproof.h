/*
 * Proven restores: per backup file (site, path, size and mtime as its
 * identity), when a restore test last restored and checked it, how long the
 * restore took, and how many tables and rows came back. Kept in
 * <state_dir>/restores.json, shared by every drconsole process of the config.
 */
#ifndef DR_RESTOREPROOF_H
#define DR_RESTOREPROOF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf.h"
#include "snapshot.h"

#define RESTOREPROOF_FILE "restores.json"
#define RESTOREPROOF_LOCK "restores.lock"
#define RESTOREPROOF_KEEP 64 /* proofs kept per site, the newest */

/* One backup file proven restorable. Strings are owned. */
struct restoreproof {
	char *site;
	char *file;          /* the backup's path on the site */
	int64_t size;        /* bytes */
	int64_t mtime_s;     /* epoch seconds */
	int64_t proven_ms;   /* when it was restored and checked (wall clock) */
	int64_t duration_ms; /* the restore's time on the site; -1 not known */
	int64_t tables, rows;
	int canary;   /* the canary query returned a row (0: none configured) */
	char *target; /* HOST:PORT of the scratch database's server, as the site reached it */
	char *run;    /* the run that proved it, or NULL */
};

struct restoreproofs {
	struct restoreproof *items;
	size_t n;
};

/* How the newest backup of a site stands. */
enum restoreproof_state {
	RESTOREPROOF_PROVEN,   /* the newest backup is proven */
	RESTOREPROOF_UNPROVEN, /* the newest backup is not; an older one is */
	RESTOREPROOF_NEVER,    /* no backup of the site was ever proven */
	RESTOREPROOF_UNKNOWN,  /* the newest backup is not known (not listed) */
};

/* A backup file as listed: path on the site, size, mtime. */
struct restoreproof_file {
	const char *path;
	int64_t size, mtime_s;
};

void restoreproof_clear(struct restoreproof *p);
void restoreproofs_free(struct restoreproofs *set);
int restoreproof_parse(const char *text, struct restoreproofs *set, char **cause);
char *restoreproof_format(const struct restoreproofs *set);
void restoreproof_put(struct restoreproofs *set, const struct restoreproof *p);
int restoreproof_read(const char *state_dir, struct restoreproofs *set, char **cause);
int restoreproof_add(const char *state_dir, const struct restoreproof *p, char **cause);
const struct restoreproof *restoreproof_last(const struct restoreproofs *set, const char *site);
const struct restoreproof *restoreproof_find(const struct restoreproofs *set, const char *site,
                                             const struct restoreproof_file *f);
enum restoreproof_state restoreproof_judge(const struct restoreproofs *set, const char *site,
                                           const struct restoreproof_file *newest,
                                           const struct restoreproof **last);
json_t *restoreproof_json(const struct restoreproof *p);
int restoreproof_newest(const struct site *s, const struct snap_backups *b,
                        struct restoreproof_file *f);
enum restoreproof_state restoreproof_line(const struct restoreproofs *proofs, const char *why,
                                          const struct site *s, const struct snap_backups *b,
                                          int64_t now_ms, char *buf, size_t len);
json_t *restoreproof_status_json(const struct restoreproofs *proofs, const char *why,
                                 const struct site *s, const struct snap_backups *b,
                                 int64_t now_ms);

#endif
