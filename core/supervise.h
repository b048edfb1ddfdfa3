/*
 * The step supervisor: every remote step runs on its site under a small
 * POSIX sh script that puts it in a process group of its own (setsid),
 * records the group in a per-run folder on the site, enforces the step's
 * deadline there (TERM, then KILL, to the whole group) and says, in lines
 * tagged with a random nonce, how it ended. A step whose deadline passed is
 * "stopped" only once the site saw its group gone; the same folder answers
 * later questions ("is it still running?") after a lost connection or a
 * console that died.
 */
#ifndef DR_SUPERVISE_H
#define DR_SUPERVISE_H

#include <stddef.h>
#include <stdint.h>

#define SUPERVISE_NONCE_LEN 16            /* hex digits */
#define SUPERVISE_KEEP      (1024 * 1024) /* bytes of each stream's tail sent back */
#define SUPERVISE_GRACE_S   3             /* from TERM to KILL */

/* How a supervised step ended, as the site told it. */
enum supervise_end {
	SUPERVISE_NONE,    /* no answer (yet): the outcome is not known */
	SUPERVISE_EXITED,  /* it exited with a status */
	SUPERVISE_STOPPED, /* its deadline passed and its group is gone */
	SUPERVISE_ALIVE,   /* its deadline passed and its group still runs after KILL */
	SUPERVISE_GONE,    /* its group ended without an exit status (killed from outside) */
	SUPERVISE_RUNNING, /* a status query: it still runs */
	SUPERVISE_ABSENT,  /* a status query: it never started on the site */
	SUPERVISE_REFUSED, /* the supervisor could not start it: nothing ran (why in error) */
};

/* What the supervisor's lines say. */
struct supervise_result {
	enum supervise_end end;
	long pid;          /* the step's process group, 0 when not known */
	int status;        /* EXITED: the exit status */
	int64_t out_bytes; /* what the step wrote to stdout in all, -1 when not known */
	int64_t err_bytes; /* ... to stderr */
	char error[160];   /* REFUSED: why */
	size_t out_start;  /* the step's stdout tail is out[out_start, out_end) */
	size_t out_end;
};

void supervise_nonce(char *hex, size_t size);
char *supervise_command(const char *run, unsigned id, const char *nonce, int64_t timeout_ms,
                        const char *command);
char *supervise_status_command(const char *run, unsigned id, const char *nonce);
void supervise_parse(const char *out, size_t len, const char *nonce, struct supervise_result *r);
const char *supervise_end_name(enum supervise_end e);

#endif
