/*
 * The restore test: a backup file restored with pg_restore into a scratch
 * database, its tables and rows counted (count(*) per table, under a
 * deadline) and an optional canary query asked, the scratch database dropped
 * again. The script runs on the site; its answer is read strictly: anything
 * that is not the answer's grammar is an error, never a number.
 */
#ifndef DR_RESTORETEST_H
#define DR_RESTORETEST_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* What the site answered. */
struct restoretest_answer {
	int ok;               /* restored, counted, the canary (if any) returned a row */
	char failed_at[16];   /* when not ok: read, changed, createdb, pg_restore, count, canary */
	int64_t size;         /* the file restored, as the site saw it; -1 unknown */
	int64_t mtime_s;      /* ... its modification time (epoch seconds); -1 unknown */
	int64_t tables, rows; /* user tables restored and their rows; -1 unknown */
	int64_t duration_ms;  /* createdb + pg_restore on the site; -1 the site could not time it */
	int canary;           /* 1: the canary query returned a row; 0: no canary configured */
	char left[64];        /* a scratch database that could not be dropped, or "" */
};

/* The file to restore: its name in the backup folder and its identity when listed. */
struct restoretest_file {
	const char *name;
	int64_t size;    /* -1: not checked */
	int64_t mtime_s; /* -1: not checked */
};

char *restoretest_script(const struct site *s, const struct restoretest_file *f,
                         int64_t timeout_ms);
int restoretest_parse(const char *out, struct restoretest_answer *a, char *detail, size_t len);
char *restoretest_target(const struct site *s);
char *restoretest_path(const struct site *s, const char *name);

#endif
