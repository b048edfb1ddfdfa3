/*
 * The remote loop. The command started on the site is
 *
 *   exec /bin/sh -c 'while IFS= read -r drseq; do drout=$(BODY); printf ...; done'
 *
 * so each line sent ("17\n") runs BODY once, and its output comes back whole,
 * followed by a line "drseq 17": one packet out and usually one back per
 * cycle. The output before that line is the answer (the first one may begin
 * with a chatty shell startup file's text, which the body's parser skips).
 *
 * The loop is started again when its body changes, when it ended, when its
 * session was lost, and after an answer that did not come in time (which may
 * still be running and would answer late): an answer is never mistaken for
 * another's. Every wait is bounded by the caller's timeout.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "shquote.h"
#include "sshloop.h"
#include "xmalloc.h"

struct sshloop {
	struct sshexec *exec;
	char *body;        /* the body the running loop was started with */
	unsigned long seq; /* of the last line sent */
	int starts;        /* loops started, for tests and benchmarks */
};

/* Creates a loop holder; nothing runs until the first sshloop_ask. */
struct sshloop *sshloop_new(void)
{
	return xcalloc(1, sizeof(struct sshloop));
}

/* Stops the remote loop (its channel is closed); the next ask starts another. */
void sshloop_reset(struct sshloop *l)
{
	sshexec_free(l->exec);
	l->exec = NULL;
	free(l->body);
	l->body = NULL;
}

/* Returns how many times a remote loop was started. */
int sshloop_starts(const struct sshloop *l)
{
	return l->starts;
}

/* Frees the holder, stopping its loop. */
void sshloop_free(struct sshloop *l)
{
	if (l == NULL)
		return;
	sshloop_reset(l);
	free(l);
}

/* Starts the remote loop for body on c; -1 and *cause when the session is dead. */
static int sshloop_start(struct sshloop *l, struct sshconn *c, const char *body, char **cause)
{
	char *loop = xasprintf("while IFS= read -r drseq; do drout=$(%s); "
	                       "printf '%%s\\ndrseq %%s\\n' \"$drout\" \"$drseq\"; done",
	                       body);
	/* Run by /bin/sh whatever the account's login shell (csh and fish read the quoting alike). */
	char *cmd = sshexec_sh_line(loop);
	free(loop);
	l->exec = sshexec_start(c, cmd, SSHEXEC_MAX_OUTPUT, cause);
	free(cmd);
	if (l->exec == NULL)
		return -1;
	l->body = xstrdup(body);
	l->starts++;
	return 0;
}

/* Returns the length of the answer to seq when its closing line has come, else -1. */
static long sshloop_answer_len(const struct sshexec *e, unsigned long seq)
{
	char mark[40];
	const char *out = sshexec_stdout(e, NULL, NULL);
	snprintf(mark, sizeof mark, "drseq %lu\n", seq);
	for (const char *p = out; (p = strstr(p, mark)) != NULL; p++)
		if (p == out || p[-1] == '\n')
			return p - out;
	return -1;
}

/* Says why a loop that was waited for gave no answer. */
static char *sshloop_failure(const struct sshexec *e, int64_t start)
{
	if (sshexec_error(e) != NULL)
		return xstrdup(sshexec_error(e));
	if (sshexec_done(e) && sshexec_signal(e) != NULL)
		return xasprintf("the remote command loop was killed (signal %s)",
		                 sshexec_signal(e));
	if (sshexec_done(e))
		return xasprintf("the remote command loop ended (exit status %d)",
		                 sshexec_status(e));
	return xasprintf("command timed out after %.1f s (%s)",
	                 (double)(clock_mono_ms() - start) / 1000.0, sshexec_waiting_for(e));
}

/*
 * Runs body once on the site through the loop (started first if needed) and
 * waits for its output, driving the session meanwhile. Returns 0 with *out
 * (the caller frees it); -1 and *cause after the timeout or a failure, the
 * loop then stopped.
 */
int sshloop_ask(struct sshloop *l, struct sshconn *c, const char *body, int64_t timeout_ms,
                char **out, char **cause)
{
	int64_t start = clock_mono_ms(), deadline = start + timeout_ms;
	*out = NULL;
	*cause = NULL;
	if (l->exec != NULL && (sshexec_done(l->exec) || strcmp(l->body, body) != 0))
		sshloop_reset(l);
	if (l->exec == NULL && sshloop_start(l, c, body, cause) == -1)
		return -1;
	/* The wake descriptor is for the idle loop: here it would end every wait at once. */
	int wake = c->wake_fd, sent = 0;
	c->wake_fd = -1;
	long n = -1;
	char line[32];
	snprintf(line, sizeof line, "%lu\n", ++l->seq);
	while (!sshexec_done(l->exec)) {
		if (!sent && sshexec_running(l->exec)) {
			if (sshexec_write(l->exec, line, strlen(line), cause) == -1)
				break;
			sent = 1;
		}
		if (sent && (n = sshloop_answer_len(l->exec, l->seq)) >= 0)
			break;
		int left = clock_left_ms(deadline);
		if (left == 0 || sshconn_poll(c, left) == -1)
			break;
	}
	c->wake_fd = wake;
	if (n < 0) {
		if (*cause == NULL)
			*cause = sshloop_failure(l->exec, start);
		sshloop_reset(l);
		return -1;
	}
	const char *text = sshexec_stdout(l->exec, NULL, NULL);
	*out = xstrndup(text, (size_t)n);
	sshexec_consume(l->exec, (size_t)n + strlen(line) + strlen("drseq "));
	return 0;
}
