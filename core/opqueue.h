/*
 * Operations a recovery step asks of a site, and their results, passed
 * between the main thread and a site agent's threads: a small locked queue.
 */
#ifndef DR_OPQUEUE_H
#define DR_OPQUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define OPQUEUE_OUTPUT_MAX 4096 /* the tail of an operation's output that is kept */

enum op_kind {
	OP_EXEC,     /* a step's shell command over SSH, under the site's supervisor */
	OP_SCRIPT,   /* drconsole's own short script (the run lock) under /bin/sh, unsupervised */
	OP_STATUS,   /* asks the site's supervisor how the earlier op "of" stands */
	OP_FENCE,    /* stop PostgreSQL on the site and see it down (supervised) */
	OP_PROMOTE,  /* SELECT pg_promote(true, N) */
	OP_WRITABLE, /* a write succeeds */
	OP_RESTORE,  /* the restore test: its script in command, its answer parsed (supervised) */
	OP_REBUILD,  /* rebuild_standby: its script in command, its answer parsed (supervised) */
	OP_STOPWRITES, /* stop_dr_writes: its script in command; its answer's LSN in lsn */
};

/* One operation and, once done, its outcome. Strings are owned by the op. */
struct op {
	unsigned id;
	enum op_kind kind;
	char *command; /* OP_EXEC, OP_SCRIPT, OP_RESTORE */
	char *run;     /* the run it belongs to: names its folder on the site (supervised ops) */
	unsigned of;   /* OP_STATUS: the op asked about */
	int64_t timeout_ms;
	int on_return; /* OP_FENCE: held by the agent until the site answers as a writable primary
	                */
	/* the outcome */
	int ok;
	int exit_status; /* -1: none */
	int timed_out;   /* the deadline passed while it ran */
	int lost;        /* the session dropped while it ran */
	int not_run;     /* it certainly did not run (refused before it started) */
	int stopped;     /* timed out, and the site saw its process group gone */
	int may_run;     /* an invocation may still be running on the site (pid, if known) */
	long pid;        /* its process group on the site, 0 when not known */
	int status_end;  /* OP_STATUS: the supervisor's answer (enum supervise_end) */
	char *output;    /* the tail of stdout, or NULL */
	char *errout;    /* the tail of stderr, or NULL */
	int64_t cut;     /* bytes of output not kept (0: all of it is in output and errout) */
	char *detail;    /* one sentence, or NULL */
	int64_t lsn;     /* OP_PROMOTE: the replay position it was promoted at; OP_STOPWRITES: the
	                    final checkpoint's; -1 */
	int64_t min_lsn; /* OP_PROMOTE: refused unless the received position is past it; 0: none */
};

struct opqueue {
	pthread_mutex_t mu;
	struct op *items;
	size_t n, cap;
};

void opqueue_init(struct opqueue *q);
void opqueue_free(struct opqueue *q);
void opqueue_push(struct opqueue *q, struct op *op);
int opqueue_pop(struct opqueue *q, struct op *out);
void op_free(struct op *op);
void op_set_output(struct op *op, const char *out, size_t len, const char *err, size_t err_len,
                   int64_t total);

#endif
