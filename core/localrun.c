/*
 * The local runner. One thread takes OP_EXEC operations in order and runs
 * each as "/bin/sh -c COMMAND" in a process group of its own, stdin from
 * /dev/null, stdout and stderr read through pipes (the tail of each kept,
 * with the count of what was cut).
 * A command still running at its timeout gets SIGTERM, then SIGKILL two
 * seconds later, to its whole group, and is reported timed out. The
 * finished operation goes back through a queue, and one byte on the wake
 * descriptor tells the console.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "localrun.h"
#include "thread.h"
#include "xmalloc.h"

#define LOCALRUN_KEEP    (64 * 1024) /* of each stream: the tail is what is shown */
#define LOCALRUN_KILL_MS 2000        /* from SIGTERM to SIGKILL */

extern char **environ;

struct localrun {
	int wake_fd;
	int kick[2]; /* an op was queued, or stopping (never drained once stopping) */
	struct opqueue todo, done;
	pthread_t thread;
	pthread_mutex_t mu;
	int stopping;
};

/* One output stream: the last LOCALRUN_KEEP bytes. */
struct localrun_stream {
	int fd;
	char buf[LOCALRUN_KEEP];
	size_t len;
	int64_t total; /* bytes read in all */
};

/* Reads what a pipe holds, keeping the tail: 1 when it read, -1 when it would wait, 0 at its end.
 */
static int localrun_read(struct localrun_stream *s)
{
	char chunk[4096];
	ssize_t n = read(s->fd, chunk, sizeof chunk);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -1 : 0;
	if (n == 0)
		return 0;
	size_t k = (size_t)n;
	s->total += n;
	if (s->len + k > sizeof s->buf) {
		size_t drop = s->len + k - sizeof s->buf;
		drop = drop > s->len ? s->len : drop;
		memmove(s->buf, s->buf + drop, s->len - drop);
		s->len -= drop;
	}
	if (k > sizeof s->buf)
		k = sizeof s->buf;
	memcpy(s->buf + s->len, chunk + (size_t)n - k, k);
	s->len += k;
	return 1;
}

/* Starts /bin/sh -c cmd in a group of its own; its pid, or -1 with errno. */
static pid_t localrun_spawn(const char *cmd, int out_fd, int err_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none); /* the thread blocks all; the command must not */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Fills a failed op's outcome. */
static void localrun_fail(struct op *op, const char *what)
{
	op->ok = 0;
	op->exit_status = -1;
	free(op->detail);
	op->detail = xasprintf("on this host: %s", what);
}

/* Reads each open stream until it would block or ends; returns how many are still open. */
static int localrun_drain(struct localrun_stream *s, const struct pollfd *pfd)
{
	int open_fds = 0;
	for (int i = 0; i < 2; i++) {
		if (s[i].fd < 0)
			continue;
		if (pfd == NULL || pfd[i].revents) {
			int r;
			while ((r = localrun_read(&s[i])) == 1 && pfd == NULL)
				;
			if (r == 0) {
				close(s[i].fd);
				s[i].fd = -1;
				continue;
			}
		}
		open_fds++;
	}
	return open_fds;
}

/*
 * Waits for the command: until it exits (what it wrote is then read to the
 * end of what is there: a daemon it left behind may hold the pipes), or
 * until its timeout (SIGTERM to its group, SIGKILL two seconds later). The
 * process is waited for, never the pipes: a command that closed its output
 * is still stopped at its deadline. Returns its wait status.
 */
static int localrun_wait(struct op *op, pid_t pid, struct localrun_stream *s)
{
	int64_t deadline = clock_mono_ms() + op->timeout_ms;
	int status = 0;
	for (;;) {
		struct pollfd pfd[2] = {{s[0].fd, POLLIN, 0}, {s[1].fd, POLLIN, 0}};
		int left = clock_left_ms(deadline);
		/* poll ignores negative descriptors: with both pipes closed it only sleeps */
		if (poll(pfd, 2, left < 50 ? left : 50) > 0)
			localrun_drain(s, pfd);
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			localrun_drain(s, NULL);
			return status;
		}
		if (clock_left_ms(deadline) > 0)
			continue;
		if (op->timed_out) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
				;
			return status;
		}
		op->timed_out = 1;
		kill(-pid, SIGTERM);
		deadline = clock_mono_ms() + LOCALRUN_KILL_MS;
	}
}

/* Runs one command to its end or its timeout, filling the op's outcome. */
void localrun_exec(struct op *op)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) == -1) {
		localrun_fail(op, strerror(errno));
		return;
	}
	if (pipe2(err, O_CLOEXEC) == -1) {
		localrun_fail(op, strerror(errno));
		close(out[0]);
		close(out[1]);
		return;
	}
	pid_t pid = localrun_spawn(op->command ? op->command : "true", out[1], err[1]);
	int spawn_errno = errno;
	close(out[1]);
	close(err[1]);
	if (pid == -1) {
		localrun_fail(op, strerror(spawn_errno));
		close(out[0]);
		close(err[0]);
		return;
	}
	struct localrun_stream *s = xcalloc(2, sizeof *s);
	s[0].fd = out[0];
	s[1].fd = err[0];
	for (int i = 0; i < 2; i++)
		fcntl(s[i].fd, F_SETFL, fcntl(s[i].fd, F_GETFL) | O_NONBLOCK);
	int status = localrun_wait(op, pid, s);
	for (int i = 0; i < 2; i++)
		if (s[i].fd >= 0)
			close(s[i].fd);
	op_set_output(op, s[0].buf, s[0].len, s[1].buf, s[1].len, s[0].total + s[1].total);
	free(s);
	op->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	op->ok = !op->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (op->timed_out) {
		/* its group was killed and its leader reaped: nothing of it runs any more */
		op->stopped = 1;
		char what[96];
		snprintf(what, sizeof what, "timed out after %.1f s, stopped",
		         (double)op->timeout_ms / 1000);
		localrun_fail(op, what);
	} else if (WIFSIGNALED(status))
		localrun_fail(op, strsignal(WTERMSIG(status)));
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
		localrun_exec(&op);
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
	if (thread_start(&l->thread, localrun_main, l) != 0) {
		*cause = xstrdup("cannot start the local command thread");
		close(l->kick[0]);
		close(l->kick[1]);
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

/* Stops the runner once the command it runs, if any, has ended; frees it. */
void localrun_stop(struct localrun *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	l->stopping = 1;
	pthread_mutex_unlock(&l->mu);
	ssize_t w = write(l->kick[1], "", 1);
	(void)w;
	pthread_join(l->thread, NULL);
	close(l->kick[0]);
	close(l->kick[1]);
	opqueue_free(&l->todo);
	opqueue_free(&l->done);
	pthread_mutex_destroy(&l->mu);
	free(l);
}
