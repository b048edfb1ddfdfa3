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
	OP_EXEC,     /* a shell command over SSH */
	OP_FENCE,    /* stop PostgreSQL on the site and see it down */
	OP_PROMOTE,  /* SELECT pg_promote(true, N) */
	OP_WRITABLE, /* a write succeeds */
	OP_RESTORE,  /* the restore test: its script in command, its answer parsed */
};

/* One operation and, once done, its outcome. Strings are owned by the op. */
struct op {
	unsigned id;
	enum op_kind kind;
	char *command; /* OP_EXEC */
	int64_t timeout_ms;
	int on_return; /* OP_FENCE: held by the agent until the site answers as a writable primary */
	/* the outcome */
	int ok;
	int exit_status; /* -1: none */
	int timed_out;   /* the deadline passed while it ran */
	int lost;        /* the session dropped while it ran */
	char *output;    /* the tail of stdout and stderr, or NULL */
	char *detail;    /* one sentence, or NULL */
	int64_t lsn;     /* OP_PROMOTE: the replay position it was promoted at; -1 */
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
void op_set_output(struct op *op, const char *out, size_t len, const char *err, size_t err_len);

#endif
