/*
 * Running one local command. It is waited for, never its pipes: a command
 * that closed its output, or left a daemon holding it, is still stopped at
 * its deadline, and what it wrote is read as it comes so it never blocks on
 * a full pipe.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "proc.h"
#include "xmalloc.h"

extern char **environ;

/* Reads what a pipe holds, keeping the tail: 1 when it read, -1 when it would wait, 0 at its end.
 */
static int proc_read(struct proc_stream *s)
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

/* Starts /bin/sh -c cmd in a group of its own (stdin: in_fd, or /dev/null when -1); its pid, or -1
 * with errno. */
static pid_t proc_spawn(const char *cmd, int in_fd, int out_fd, int err_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	sigset_t none, pipe;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none); /* the thread blocks all; the command must not */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &pipe); /* drconsole ignores it; the command must not */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                    POSIX_SPAWN_SETSIGDEF);
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

/* Reads each open stream until it would block or ends; returns how many are still open. */
static int proc_drain(struct proc_stream *s, const struct pollfd *pfd)
{
	int open_fds = 0;
	for (int i = 0; i < 2; i++) {
		if (s[i].fd < 0)
			continue;
		if (pfd == NULL || pfd[i].revents) {
			int r;
			while ((r = proc_read(&s[i])) == 1 && pfd == NULL)
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
 * until its timeout or stop_fd readable (-1: none), when its group gets
 * SIGTERM, and SIGKILL kill_ms later. The process is waited for, never the
 * pipes: a command that closed its output is still stopped at its deadline.
 * Returns its wait status.
 */
static int proc_wait(pid_t pid, struct proc_stream *s, int stop_fd, int64_t timeout_ms,
                     int64_t kill_ms, int *timed_out, int *stopped)
{
	int64_t deadline = clock_mono_ms() + timeout_ms;
	int status = 0, termed = 0;
	for (;;) {
		struct pollfd pfd[3] = {
		    {s[0].fd, POLLIN, 0}, {s[1].fd, POLLIN, 0}, {termed ? -1 : stop_fd, POLLIN, 0}};
		int left = clock_left_ms(deadline);
		/* poll ignores negative descriptors: with both pipes closed it only sleeps */
		if (poll(pfd, 3, left < 50 ? left : 50) > 0)
			proc_drain(s, pfd);
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			proc_drain(s, NULL);
			return status;
		}
		if (pfd[2].revents != 0 && !termed)
			*stopped = 1;
		else if (clock_left_ms(deadline) > 0)
			continue;
		if (termed) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
				;
			return status;
		}
		termed = 1;
		*timed_out = !*stopped;
		kill(-pid, SIGTERM);
		deadline = clock_mono_ms() + kill_ms;
	}
}

/*
 * Runs cmd to its end, its timeout or stop_fd readable (-1: none): 0 with r
 * filled, or -1 with *cause when it cannot start.
 */
int proc_run(const char *cmd, int in_fd, int stop_fd, int64_t timeout_ms, int64_t kill_ms,
             struct proc_result *r, char **cause)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) == -1) {
		*cause = xstrdup(strerror(errno));
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) == -1) {
		*cause = xstrdup(strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	pid_t pid = proc_spawn(cmd, in_fd, out[1], err[1]);
	int spawn_errno = errno;
	close(out[1]);
	close(err[1]);
	if (pid == -1) {
		*cause = xstrdup(strerror(spawn_errno));
		close(out[0]);
		close(err[0]);
		return -1;
	}
	memset(r, 0, sizeof *r);
	r->s[0].fd = out[0];
	r->s[1].fd = err[0];
	for (int i = 0; i < 2; i++)
		fcntl(r->s[i].fd, F_SETFL, fcntl(r->s[i].fd, F_GETFL) | O_NONBLOCK);
	r->status = proc_wait(pid, r->s, stop_fd, timeout_ms, kill_ms, &r->timed_out, &r->stopped);
	for (int i = 0; i < 2; i++)
		if (r->s[i].fd >= 0)
			close(r->s[i].fd);
	return 0;
}
