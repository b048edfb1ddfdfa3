/* The operation queue: first in, first out, under a mutex; ops move in and out by value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "opqueue.h"
#include "utf8.h"
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
	free(op->run);
	free(op->output);
	free(op->errout);
	free(op->detail);
	op->command = op->run = op->output = op->errout = op->detail = NULL;
}

/*
 * Returns a copy of the last OPQUEUE_OUTPUT_MAX bytes of text, starting on a
 * whole character, with each NUL byte made U+FFFD (a C string would end
 * there and lose the rest); *kept is how many bytes of text it holds.
 */
static char *op_tail(const char *text, size_t len, size_t *kept)
{
	size_t skip = utf8_tail(text, len, OPQUEUE_OUTPUT_MAX); /* between characters */
	char *out = xmalloc((len - skip) * 3 + 1), *p = out;
	for (size_t i = skip; i < len; i++) {
		if (text[i] == '\0') {
			memcpy(p, "\xEF\xBF\xBD", 3);
			p += 3;
		} else {
			*p++ = text[i];
		}
	}
	*p = '\0';
	*kept = len - skip;
	return out;
}

/*
 * Keeps the tail of stdout and of stderr apart; total is how many bytes the
 * command wrote in all (-1: only what is given), so that what was cut is told.
 */
void op_set_output(struct op *op, const char *out, size_t len, const char *err, size_t err_len,
                   int64_t total)
{
	free(op->output);
	free(op->errout);
	size_t kept_out = 0, kept_err = 0;
	op->output = op_tail(out ? out : "", out ? len : 0, &kept_out);
	op->errout = err != NULL && err_len > 0 ? op_tail(err, err_len, &kept_err) : NULL;
	int64_t kept = (int64_t)kept_out + (int64_t)kept_err;
	int64_t all = total >= 0 ? total : (int64_t)(len + err_len);
	op->cut = all > kept ? all - kept : 0;
}
