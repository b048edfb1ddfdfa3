/*
 * Sending one event to the operator's command: "/bin/sh -c COMMAND" on this
 * host, the event's JSON on its stdin (written whole into the pipe before the
 * command starts, so no write can block or raise SIGPIPE), its output
 * discarded but for the tail of stderr, kept for the cause. The whole send,
 * stopping included, stays within its timeout: SIGTERM to the command's group
 * a grace before the deadline, SIGKILL at it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert.h"
#include "proc.h"
#include "xmalloc.h"

#define ALERT_GRACE_MS  1000 /* at most, from SIGTERM to SIGKILL */
#define ALERT_CAUSE_MAX 200  /* bytes of stderr kept in the cause */

/* Fills a pipe with text and closes its writing end; the reading end, or -1 with *cause. */
static int alert_stdin(const char *text, char **cause)
{
	int p[2];
	size_t len = strlen(text);
	if (pipe2(p, O_CLOEXEC) == -1) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
#ifdef F_SETPIPE_SZ
	if (len > 0 && fcntl(p[1], F_GETPIPE_SZ) < (int)len)
		fcntl(p[1], F_SETPIPE_SZ, (int)len);
#endif
	fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(p[1], text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(p[1]);
	if (done < len) {
		*cause = xasprintf("the event (%zu bytes) does not fit in a pipe", len);
		close(p[0]);
		return -1;
	}
	return p[0];
}

/* Returns the last line of what the command wrote to stderr, cut to ALERT_CAUSE_MAX bytes. */
static char *alert_last_line(const struct proc_stream *s)
{
	size_t end = s->len;
	while (end > 0 && (s->buf[end - 1] == '\n' || s->buf[end - 1] == '\r'))
		end--;
	size_t start = end;
	while (start > 0 && s->buf[start - 1] != '\n' && end - start < ALERT_CAUSE_MAX)
		start--;
	return xstrndup(s->buf + start, end - start);
}

/* Tells why a finished command failed, or NULL when it succeeded. */
static char *alert_failure(const struct proc_result *r, int64_t timeout_ms)
{
	if (r->timed_out)
		return xasprintf("the event command did not finish within %.1f s and was stopped",
		                 (double)timeout_ms / 1000);
	if (WIFSIGNALED(r->status))
		return xasprintf("the event command was killed by %s",
		                 strsignal(WTERMSIG(r->status)));
	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)
		return NULL;
	char *line = alert_last_line(&r->s[1]);
	char *why = xasprintf("the event command exited with status %d%s%s",
	                      WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1,
	                      line[0] ? ": " : "", line);
	free(line);
	return why;
}

/*
 * Runs command with event_json on its stdin, for at most timeout_ms in all;
 * 0 when it exits with status 0, else -1 with *cause (it could not start,
 * exited non-zero or by a signal, or was stopped at its timeout).
 */
int alert_send(const char *command, const char *event_json, int64_t timeout_ms, char **cause)
{
	int64_t grace = timeout_ms / 4 < ALERT_GRACE_MS ? timeout_ms / 4 : ALERT_GRACE_MS;
	int in = alert_stdin(event_json, cause);
	if (in == -1)
		return -1;
	struct proc_result *r = xmalloc(sizeof *r);
	char *why = NULL;
	if (proc_run(command, in, -1, timeout_ms - grace, grace, r, &why) == -1) {
		char *start = xasprintf("cannot start the event command: %s", why);
		free(why);
		why = start;
	} else
		why = alert_failure(r, timeout_ms);
	close(in);
	free(r);
	if (why == NULL)
		return 0;
	*cause = why;
	return -1;
}
