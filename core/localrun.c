/*
 * The local runner. One thread takes OP_EXEC operations in order and runs
 * each as "/bin/sh -c COMMAND" in a process group of its own, stdin from
 * /dev/null, stdout and stderr read through pipes (the tail of each kept,
 * with the count of what was cut).
 * A command still running at its timeout gets SIGTERM, then SIGKILL two
 * seconds later, to its whole group, and is reported timed out; so does a
 * command still running when the runner is stopped (nothing of it is left
 * behind). The
 * finished operation goes back through a queue, and one byte on the wake
 * descriptor tells the console.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "localrun.h"
#include "proc.h"
#include "thread.h"
#include "xmalloc.h"

#define LOCALRUN_KILL_MS 2000 /* from SIGTERM to SIGKILL */

struct localrun {
	int wake_fd;
	int kick[2]; /* an op was queued, or stopping (never drained once stopping) */
	int stop[2]; /* readable once stopping: ends the command under way */
	struct opqueue todo, done;
	pthread_t thread;
	pthread_mutex_t mu;
	int stopping;
};

/* Fills a failed op's outcome. */
static void localrun_fail(struct op *op, const char *what)
{
	op->ok = 0;
	op->exit_status = -1;
	free(op->detail);
	op->detail = xasprintf("on this host: %s", what);
}

/* Runs one command to its end, its timeout or stop_fd readable (-1: none), filling its outcome. */
static void localrun_run(struct op *op, int stop_fd)
{
	struct proc_result *r = xmalloc(sizeof *r);
	char *cause = NULL;
	if (proc_run(op->command ? op->command : "true", -1, stop_fd, op->timeout_ms,
	             LOCALRUN_KILL_MS, r, &cause) == -1) {
		localrun_fail(op, cause);
		free(cause);
		free(r);
		return;
	}
	int status = r->status;
	int stopped = r->stopped;
	op->timed_out = r->timed_out;
	op_set_output(op, r->s[0].buf, r->s[0].len, r->s[1].buf, r->s[1].len,
	              r->s[0].total + r->s[1].total);
	free(r);
	op->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	op->ok = !op->timed_out && !stopped && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (op->timed_out || stopped) {
		/* its group was killed and its leader reaped: nothing of it runs any more */
		op->stopped = 1;
		char what[96];
		if (stopped)
			snprintf(what, sizeof what, "stopped before its end: drconsole stopped");
		else
			snprintf(what, sizeof what, "timed out after %.1f s, stopped",
			         (double)op->timeout_ms / 1000);
		localrun_fail(op, what);
	} else if (WIFSIGNALED(status))
		localrun_fail(op, strsignal(WTERMSIG(status)));
}

/* Runs one command to its end or its timeout, filling the op's outcome. */
void localrun_exec(struct op *op)
{
	localrun_run(op, -1);
}

/* Tells whether the runner is stopping. */
static int localrun_stopping(struct localrun *l)
{
	pthread_mutex_lock(&l->mu);
	int s = l->stopping;
	pthread_mutex_unlock(&l->mu);
	return s;
}

/* The runner's thread: one command at a time, in order. */
static void *localrun_main(void *arg)
{
	struct localrun *l = arg;
	while (!localrun_stopping(l)) {
		struct op op;
		if (!opqueue_pop(&l->todo, &op)) {
			struct pollfd pfd = {l->kick[0], POLLIN, 0};
			poll(&pfd, 1, -1);
			char buf[64];
			if (!localrun_stopping(l))
				while (read(l->kick[0], buf, sizeof buf) > 0)
					;
			continue;
		}
		localrun_run(&op, l->stop[0]);
		opqueue_push(&l->done, &op);
		ssize_t w = write(l->wake_fd, "", 1);
		(void)w; /* a full pipe already holds a wakeup */
	}
	return NULL;
}

/* Starts the runner; NULL with *cause when it cannot. */
struct localrun *localrun_start(int wake_fd, char **cause)
{
	struct localrun *l = xcalloc(1, sizeof *l);
	l->wake_fd = wake_fd;
	pthread_mutex_init(&l->mu, NULL);
	opqueue_init(&l->todo);
	opqueue_init(&l->done);
	if (pipe2(l->kick, O_CLOEXEC | O_NONBLOCK) == -1) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		free(l);
		return NULL;
	}
	if (pipe2(l->stop, O_CLOEXEC | O_NONBLOCK) == -1) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		close(l->kick[0]);
		close(l->kick[1]);
		free(l);
		return NULL;
	}
	if (thread_start(&l->thread, localrun_main, l) != 0) {
		*cause = xstrdup("cannot start the local command thread");
		for (int i = 0; i < 2; i++) {
			close(l->kick[i]);
			close(l->stop[i]);
		}
		free(l);
		return NULL;
	}
	return l;
}

/* Queues a command (the runner takes its strings); its outcome comes back through localrun_take. */
void localrun_submit(struct localrun *l, struct op *op)
{
	opqueue_push(&l->todo, op);
	ssize_t w = write(l->kick[1], "", 1);
	(void)w;
}

/* Takes a finished operation (the caller frees it with op_free); 0 when none is waiting. */
int localrun_take(struct localrun *l, struct op *out)
{
	return opqueue_pop(&l->done, out);
}

/*
 * Stops the runner: the command it runs, if any, is stopped as at its
 * timeout (SIGTERM, SIGKILL two seconds later, to its group) and waited
 * for; frees it.
 */
void localrun_stop(struct localrun *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	l->stopping = 1;
	pthread_mutex_unlock(&l->mu);
	ssize_t w = write(l->kick[1], "", 1);
	w = write(l->stop[1], "", 1);
	(void)w;
	pthread_join(l->thread, NULL);
	for (int i = 0; i < 2; i++) {
		close(l->kick[i]);
		close(l->stop[i]);
	}
	opqueue_free(&l->todo);
	opqueue_free(&l->done);
	pthread_mutex_destroy(&l->mu);
	free(l);
}
