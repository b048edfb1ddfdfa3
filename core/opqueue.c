/* The operation queue: first in, first out, under a mutex; ops move in and out by value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "opqueue.h"
#include "xmalloc.h"

/* Makes an empty queue. */
void opqueue_init(struct opqueue *q)
{
	memset(q, 0, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
}

/* Frees the queue and the ops still in it. */
void opqueue_free(struct opqueue *q)
{
	for (size_t i = 0; i < q->n; i++)
		op_free(&q->items[i]);
	free(q->items);
	pthread_mutex_destroy(&q->mu);
	memset(q, 0, sizeof *q);
}

/* Appends an op; the queue takes its strings (op is cleared). */
void opqueue_push(struct opqueue *q, struct op *op)
{
	pthread_mutex_lock(&q->mu);
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 8;
		q->items = xreallocarray(q->items, q->cap, sizeof *q->items);
	}
	q->items[q->n++] = *op;
	pthread_mutex_unlock(&q->mu);
	memset(op, 0, sizeof *op);
}

/* Takes the oldest op into *out (the caller then owns its strings); 0 when the queue is empty. */
int opqueue_pop(struct opqueue *q, struct op *out)
{
	pthread_mutex_lock(&q->mu);
	int got = q->n > 0;
	if (got) {
		*out = q->items[0];
		memmove(q->items, q->items + 1, (q->n - 1) * sizeof *q->items);
		q->n--;
	}
	pthread_mutex_unlock(&q->mu);
	return got;
}

/* Frees what an op holds. */
void op_free(struct op *op)
{
	free(op->command);
	free(op->output);
	free(op->detail);
	op->command = op->output = op->detail = NULL;
}

/* Keeps the tail of stdout then stderr, at most OPQUEUE_OUTPUT_MAX bytes. */
void op_set_output(struct op *op, const char *out, size_t len, const char *err, size_t err_len)
{
	size_t total = len + err_len,
	       skip = total > OPQUEUE_OUTPUT_MAX ? total - OPQUEUE_OUTPUT_MAX : 0;
	char *buf = xmalloc(total - skip + 1), *p = buf;
	if (skip < len) {
		memcpy(p, out + skip, len - skip);
		p += len - skip;
		skip = 0;
	} else {
		skip -= len;
	}
	if (err_len > skip) {
		memcpy(p, err + skip, err_len - skip);
		p += err_len - skip;
	}
	*p = '\0';
	free(op->output);
	op->output = buf;
}
