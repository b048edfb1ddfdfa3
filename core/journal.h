/*
 * The run journal: one file per guided run, <state_dir>/runs/<UTC stamp>-<n>.jsonl,
 * one JSON record per line, each chained to the line before it by SHA-256,
 * its tail anchored by a run_sealed record and a head file beside it
 * (<stamp>-<n>.head). Writing and resuming are in journal.c, reading,
 * checking and finding runs in journal_read.c, the head file and the checks
 * of the tail in journal_tail.c, what state a run is in in journal_state.c.
 */
#ifndef DR_JOURNAL_H
#define DR_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "diag.h"

#define JOURNAL_LINE_MAX  65536 /* bytes of one line, its newline included */
#define JOURNAL_HASH_HEX  64    /* a SHA-256 in lowercase hex */
#define JOURNAL_REDACTED  "[redacted: looked like a secret]"
#define JOURNAL_HASH_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * The record types the runbook engine writes, and what their data holds. The
 * journal itself does not interpret data: any type made of a-z, 0-9 and _ is
 * accepted, so that older readers can still verify newer runs.
 */
#define JOURNAL_RUN_STARTED      "run_started" /* scenario, mode, operator, origin, config_digest */
#define JOURNAL_STEP_CONFIRMED   "step_confirmed"   /* step, action, site, how it was confirmed */
#define JOURNAL_STEP_STARTED     "step_started"     /* step, action, site, command */
#define JOURNAL_STEP_OUTPUT      "step_output"      /* step, text (bounded) */
#define JOURNAL_STEP_FINISHED    "step_finished"    /* step, result, exit_status, duration_ms */
#define JOURNAL_GUARD_OVERRIDE   "guard_override"   /* step, guard, reason */
#define JOURNAL_NOTE             "note"             /* text */
#define JOURNAL_LOCK_TAKEN_OVER  "lock_taken_over"  /* lock, previous holder */
#define JOURNAL_HOSTKEY_ACCEPTED "hostkey_accepted" /* site, host, fingerprint */
#define JOURNAL_RUN_FINISHED     "run_finished"     /* result: done or aborted, reason */
#define JOURNAL_RUN_RESUMED      "run_resumed"      /* steps_done, steps */
#define JOURNAL_DETACHED         "detached"         /* why: the console quit during the run */
#define JOURNAL_RUN_SEALED       "run_sealed"       /* records (before it), last_hash */

/* One record as read back. */
struct journal_record {
	int line; /* 1-based line in the file */
	int64_t seq;
	char *ts; /* RFC 3339 UTC with milliseconds, as written */
	char *type;
	json_t *data;                    /* owned: an object */
	char hash[JOURNAL_HASH_HEX + 1]; /* the SHA-256 of its line */
};

/* Every record of a journal, and what resuming it needs. */
struct journal_records {
	struct journal_record *items;
	size_t n;
	size_t lines;    /* complete lines (ending in a newline) */
	int torn;        /* the file ends in a line without its newline (not in items) */
	size_t good_len; /* bytes up to the end of the last complete line */
	char last_hash[JOURNAL_HASH_HEX + 1]; /* the next record's prev */
};

/* What a run's journal says about it (journal_state). */
enum journal_state {
	JOURNAL_IS_EMPTY,      /* no record yet */
	JOURNAL_IS_DAMAGED,    /* journal_verify finds errors */
	JOURNAL_IS_UNFINISHED, /* no run_finished: the console stopped (killed, crashed) */
	JOURNAL_IS_DETACHED,   /* no run_finished, and the console quit during the run */
	JOURNAL_IS_LIVE,       /* unfinished or detached, and a console holds its run lock now */
	JOURNAL_IS_FINISHED,   /* a run_finished (not aborted), whatever follows it */
	JOURNAL_IS_ABORTED,    /* a run_finished with result aborted */
};

/* The runs in a state dir, newest first. */
struct journal_runs {
	char *dir;                  /* <state_dir>/runs */
	char **names;               /* file names in dir */
	enum journal_state *states; /* journal_unfinished only, else NULL */
	size_t n;
};

/* What a head file says: how many records the journal had, and the last one's hash. */
struct journal_head {
	int64_t records;
	char last_hash[JOURNAL_HASH_HEX + 1];
};

struct journal;

struct journal *journal_create(const char *state_dir, int64_t (*now_ms)(void), char **path_out,
                               char **cause);
struct journal *journal_resume(const char *path, int64_t (*now_ms)(void), struct diag *d);
int journal_append(struct journal *j, const char *type, json_t *data, char **cause);
int journal_seal(struct journal *j, char **cause);
int journal_detach(struct journal *j, const char *why, char **cause);
void journal_unlink(const char *path);
int64_t journal_seq(const struct journal *j);
void journal_close(struct journal *j);
void journal_hash(const char *s, size_t len, char *hex);
int journal_type_ok(const char *type);
char *journal_stamp(int64_t ms, int compact);

int journal_parse(const char *text, size_t len, const char *file, struct journal_records *out,
                  struct diag *d);
const char *journal_text(json_t *data, const char *key, const char *otherwise);
int journal_read(const char *path, struct journal_records *out, struct diag *d);
int journal_read_fd(int fd, const char *file, struct journal_records *out, struct diag *d);
void journal_records_free(struct journal_records *r);

int journal_list(const char *state_dir, struct journal_runs *out, char **cause);
void journal_runs_free(struct journal_runs *runs);
int journal_find(const char *state_dir, const char *run, char **path, char **cause);
int journal_last(const char *state_dir, char **path, char **cause);

char *journal_head_path(const char *path);
int journal_head_read(const char *path, struct journal_head *h, char **cause);
int journal_head_write(const char *path, int64_t records, const char *last_hash, char **cause);
int journal_check_head(const char *path, const struct journal_records *r, struct diag *d);
int journal_check_seal(const char *path, const struct journal_records *r, struct diag *d);
int journal_verify(const char *path, struct journal_records *out, struct diag *d);

enum journal_state journal_state_of(const struct journal_records *r);
enum journal_state journal_state_load(const char *state_dir, const char *path,
                                      struct journal_records *r);
enum journal_state journal_state(const char *state_dir, const char *path,
                                 const struct journal_records *r, int damaged);
const char *journal_state_name(enum journal_state s);
int journal_unfinished(const char *state_dir, struct journal_runs *out, char **cause);
int journal_resumable(const char *state_dir, char **path, char **cause);

#endif
