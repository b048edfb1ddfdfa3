/*
 * The on_event queue and its sender thread (alertq.h).
 */
#include "config.h"

#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alertq.h"
#include "clock.h"
#include "textout.h"
#include "thread.h"
#include "xmalloc.h"

struct alertq {
	char *command;
	int64_t timeout_ms;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *items[ALERTQ_MAX];
	size_t head, n;
	int stopping;
	int busy; /* the sender is inside a send */
	uint64_t sent, failed, dropped;
	pthread_t thread;
	int started;
};

/* Takes the next event, waiting for one; NULL once stopping and empty. */
static char *alertq_pop(struct alertq *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == 0 && !q->stopping)
		pthread_cond_wait(&q->cv, &q->mu);
	char *e = NULL;
	if (q->n > 0) {
		e = q->items[q->head];
		q->head = (q->head + 1) % ALERTQ_MAX;
		q->n--;
		q->busy = 1;
	}
	pthread_mutex_unlock(&q->mu);
	return e;
}

/* The sender: one event at a time, each bounded by the timeout. */
static void *alertq_main(void *arg)
{
	struct alertq *q = arg;
	char *e;
	while ((e = alertq_pop(q)) != NULL) {
		char *cause = NULL;
		int rc = alert_send(q->command, e, q->timeout_ms, &cause);
		pthread_mutex_lock(&q->mu);
		q->busy = 0;
		if (rc == 0)
			q->sent++;
		else
			q->failed++;
		uint64_t dropped = q->dropped;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (rc != 0)
			textout_printf(stderr, "drconsole watch: on_event: %s (%llu events dropped so far)\n",
			               cause, (unsigned long long)dropped);
		free(cause);
		free(e);
	}
	return NULL;
}

/* Starts the sender for command (each send bounded by timeout_ms); NULL when there is none. */
struct alertq *alertq_start(const char *command, int64_t timeout_ms)
{
	if (command == NULL)
		return NULL;
	struct alertq *q = xcalloc(1, sizeof *q);
	q->command = xstrdup(command);
	q->timeout_ms = timeout_ms;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (thread_start(&q->thread, alertq_main, q) != 0) {
		textout_printf(stderr, "drconsole watch: cannot start the on_event thread\n");
		q->started = 0;
	} else {
		q->started = 1;
	}
	return q;
}

/* Queues a copy of an event (the oldest waiting one dropped when full); never blocks. */
void alertq_push(struct alertq *q, const char *event_json)
{
	if (q == NULL || !q->started)
		return;
	pthread_mutex_lock(&q->mu);
	if (q->n == ALERTQ_MAX) {
		free(q->items[q->head]);
		q->head = (q->head + 1) % ALERTQ_MAX;
		q->n--;
		q->dropped++;
	}
	q->items[(q->head + q->n) % ALERTQ_MAX] = xstrdup(event_json);
	q->n++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* Reads the counters: sent, failed (including timed out), dropped from a full queue. */
void alertq_counts(struct alertq *q, uint64_t *sent, uint64_t *failed, uint64_t *dropped)
{
	*sent = *failed = *dropped = 0;
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	*sent = q->sent;
	*failed = q->failed;
	*dropped = q->dropped;
	pthread_mutex_unlock(&q->mu);
}

/*
 * Stops the sender, giving the waiting events up to grace_ms in all; what
 * is left is dropped. Each send stops at its own timeout, so the wait ends.
 */
void alertq_stop(struct alertq *q, int64_t grace_ms)
{
	if (q == NULL)
		return;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until); /* the condition variable's clock */
	until.tv_sec += grace_ms / 1000;
	until.tv_nsec += (grace_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&q->mu);
	/* the sender broadcasts after each send: woken as the queue drains, or at the grace's end */
	while ((q->n > 0 || q->busy) && q->started &&
	       pthread_cond_timedwait(&q->cv, &q->mu, &until) == 0)
		;
	while (q->n > 0) {
		free(q->items[q->head]);
		q->head = (q->head + 1) % ALERTQ_MAX;
		q->n--;
		q->dropped++;
	}
	q->stopping = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	if (q->started)
		pthread_join(q->thread, NULL); /* at most one send, bounded by its timeout */
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->command);
	free(q);
}
