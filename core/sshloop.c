/*
 * The remote loop. The command started on the site is
 *
 *   exec /bin/sh -c 'echo drloop; while IFS= read -r drseq && IFS= read -r drbody;
 *                    do drout=$(eval "$drbody"); printf ...; done'
 *
 * so the lines "17" and BODY sent run BODY once, and its output comes back
 * whole, followed by a line "drseq TOKEN 17": one packet out and usually one back
 * per cycle. Each ask sends its own body, so a body that changes (the data
 * folder learnt from PostgreSQL) never restarts the loop.
 *
 * Starting a loop pays the site's shell startup (its startup files, banners,
 * a slow home folder) once: the "drloop TOKEN" line says the shell runs, and until
 * it comes the wait is bounded by the start budget, not by the answer's
 * timeout; whatever the startup printed before it is dropped. A shell that
 * refuses the command (a restricted shell) ends it with its own words on
 * stderr, which become the cause.
 *
 * An answer that does not come in time leaves the loop running: the next
 * ask sends nothing and waits for that answer, so a site that is merely slow
 * keeps its loop and its startup is not paid again. An answer that misses
 * twice in a row drops the loop (the site may be frozen). An answer is never
 * mistaken for another's: one probe is outstanding at a time, and its closing
 * line carries its number. Every wait is bounded by the caller's limits.
 *
 * TOKEN is random, new with each loop, and both markers must stand at the
 * start of a line: a banner or a startup file that prints "drloop" or
 * "drseq 1" (by chance, or to mimic the loop) is never taken for the loop's
 * own lines.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "sshexec.h"
#include "nonce.h"
#include "sshloop.h"
#include "xmalloc.h"


struct sshloop {
	struct sshexec *exec;
	unsigned long seq;  /* of the last probe sent */
	int waiting;        /* that probe is not answered yet */
	int misses;         /* asks in a row that found no answer in time */
	int ready;          /* the loop's shell printed its ready line */
	int64_t started_ms; /* when the loop was started */
	int64_t shell_ms;   /* how long its shell took to start; -1 until known */
	int starts;         /* loops started, for tests and benchmarks */
	char token[20];     /* the running loop's random token, in both its markers */
};

/* Sets a new random token (hex) for the next loop. */
static void sshloop_new_token(struct sshloop *l)
{
	nonce_hex(l->token, sizeof l->token);
}

/* Finds line (its newline included) at the start of a line of out; returns it or NULL. */
static const char *sshloop_find_line(const char *out, const char *line)
{
	for (const char *p = out; (p = strstr(p, line)) != NULL; p++)
		if (p == out || p[-1] == '\n')
			return p;
	return NULL;
}

/* Creates a loop holder; nothing runs until the first sshloop_ask. */
struct sshloop *sshloop_new(void)
{
	struct sshloop *l = xcalloc(1, sizeof(struct sshloop));
	l->shell_ms = -1;
	return l;
}

/* Stops the remote loop (its channel is closed); the next ask starts another. */
void sshloop_reset(struct sshloop *l)
{
	sshexec_free(l->exec);
	l->exec = NULL;
	l->waiting = 0;
	l->misses = 0;
	l->ready = 0;
}

/* Returns how many times a remote loop was started. */
int sshloop_starts(const struct sshloop *l)
{
	return l->starts;
}

/* Tells whether a loop runs whose shell has started (an ask then needs no start budget). */
int sshloop_ready(const struct sshloop *l)
{
	return l->exec != NULL && l->ready && !sshexec_done(l->exec);
}

/* Returns how long the shell of the last loop took to start, or -1 when it did not. */
int64_t sshloop_shell_ms(const struct sshloop *l)
{
	return l->shell_ms;
}

/* Frees the holder, stopping its loop. */
void sshloop_free(struct sshloop *l)
{
	if (l == NULL)
		return;
	sshloop_reset(l);
	free(l);
}

/* Starts the remote loop on c; -1 and *cause when the session is dead. */
static int sshloop_start(struct sshloop *l, struct sshconn *c, char **cause)
{
	/* Run by /bin/sh whatever the account's login shell (csh and fish read the quoting alike).
	 */
	sshloop_new_token(l);
	char *line = xasprintf("echo drloop %s; "
	                       "while IFS= read -r drseq && IFS= read -r drbody; do "
	                       "drout=$(eval \"$drbody\"); "
	                       "printf '%%s\\ndrseq %s %%s\\n' \"$drout\" \"$drseq\"; done",
	                       l->token, l->token);
	char *cmd = sshexec_sh_line(line);
	free(line);
	l->exec = sshexec_start(c, cmd, SSHEXEC_MAX_OUTPUT, cause);
	free(cmd);
	if (l->exec == NULL)
		return -1;
	l->started_ms = clock_mono_ms();
	l->shell_ms = -1;
	l->starts++;
	return 0;
}

/* Sends the next probe (its number, then its one-line body); -1 and *cause on failure. */
static int sshloop_send(struct sshloop *l, const char *body, char **cause)
{
	char *msg = xasprintf("%lu\n%s\n", ++l->seq, body);
	int rc = sshexec_write(l->exec, msg, strlen(msg), cause);
	free(msg);
	if (rc == 0)
		l->waiting = 1;
	return rc;
}

/* Notices the ready line (dropping what the shell's startup printed); 1 the first time. */
static int sshloop_take_ready(struct sshloop *l)
{
	if (l->ready)
		return 0;
	char ready[40];
	snprintf(ready, sizeof ready, "drloop %s\n", l->token);
	const char *out = sshexec_stdout(l->exec, NULL, NULL);
	const char *p = sshloop_find_line(out, ready);
	if (p == NULL)
		return 0;
	sshexec_consume(l->exec, (size_t)(p - out) + strlen(ready));
	l->ready = 1;
	l->shell_ms = clock_mono_ms() - l->started_ms;
	return 1;
}

/* Returns the length of the answer to the last probe when its closing line has come, else -1. */
static long sshloop_answer_len(const struct sshloop *l)
{
	char mark[64];
	if (!l->ready || !l->waiting)
		return -1;
	const char *out = sshexec_stdout(l->exec, NULL, NULL);
	snprintf(mark, sizeof mark, "drseq %s %lu\n", l->token, l->seq);
	const char *p = sshloop_find_line(out, mark);
	return p != NULL ? p - out : -1;
}

/* Returns the last non-empty line the loop wrote on stderr (at most 200 bytes), or NULL. */
static char *sshloop_stderr_tail(const struct sshexec *e)
{
	size_t len;
	const char *err = sshexec_stderr(e, &len, NULL);
	while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == '\r' || err[len - 1] == ' '))
		len--;
	if (len == 0)
		return NULL;
	size_t from = len;
	while (from > 0 && err[from - 1] != '\n')
		from--;
	if (len - from > 200)
		from = len - 200;
	return xstrndup(err + from, len - from);
}

/* Says why a loop ended on the site: its exit status or signal, and its last words. */
static char *sshloop_ended(const struct sshloop *l)
{
	const struct sshexec *e = l->exec;
	char how[64];
	if (sshexec_signal(e) != NULL)
		snprintf(how, sizeof how, "killed by signal %s", sshexec_signal(e));
	else
		snprintf(how, sizeof how, "exit status %d", sshexec_status(e));
	char *said = sshloop_stderr_tail(e);
	char *cause = l->ready ? xasprintf("the remote command loop ended (%s)%s%s", how,
	                                   said ? ": " : "", said ? said : "")
	                       : xasprintf("the site's shell would not run the probe loop (%s)%s%s",
	                                   how, said ? ": " : "", said ? said : "");
	free(said);
	return cause;
}

/*
 * Says why no answer came in time, and whether the loop is kept: a shell
 * that did not start, or a second miss, drops it (SSHLOOP_FAILED).
 */
static int sshloop_missed(struct sshloop *l, int silent, const struct sshloop_limits *lim,
                          int64_t start, int fresh, char **cause)
{
	const char *what = sshexec_waiting_for(l->exec);
	double waited = (double)(clock_mono_ms() - start) / 1000.0;
	if (!l->ready && silent) {
		*cause = xasprintf("the site sent nothing for %.1f s while its shell started "
		                   "(probe.timeout; %s)",
		                   (double)lim->timeout_ms / 1000.0, what);
		return SSHLOOP_FAILED;
	}
	if (!l->ready) {
		*cause = xasprintf(
		    "the site's shell takes more than %.1f s to start (probe.start_timeout;"
		    " %s)",
		    (double)lim->start_ms / 1000.0, what);
		return SSHLOOP_FAILED;
	}
	char shell[80] = "";
	if (fresh && l->shell_ms >= 1000)
		snprintf(shell, sizeof shell, "; the site's shell took %.1f s to start",
		         (double)l->shell_ms / 1000.0);
	if (++l->misses >= 2) {
		*cause = xasprintf("command timed out after %.1f s, twice in a row (%s)%s", waited,
		                   what, shell);
		return SSHLOOP_FAILED;
	}
	*cause = xasprintf("command timed out after %.1f s (%s)%s", waited, what, shell);
	return SSHLOOP_LATE;
}

/* Moves the answer to the last probe into *out and drops it from the loop's output. */
static void sshloop_take(struct sshloop *l, long n, char **out)
{
	char mark[64];
	*out = xstrndup(sshexec_stdout(l->exec, NULL, NULL), (size_t)n);
	snprintf(mark, sizeof mark, "drseq %s %lu\n", l->token, l->seq);
	sshexec_consume(l->exec, (size_t)n + strlen(mark));
	l->waiting = 0;
	l->misses = 0;
}

/*
 * Runs body (one line of sh) once on the site through the loop, started
 * first if needed, and waits for its output, driving the session meanwhile:
 * a new loop's shell has lim->start_ms to start, then the answer has
 * lim->timeout_ms. An answer still owed from an earlier ask is waited for
 * instead, and stands for this one. Returns SSHLOOP_ANSWERED with *out (the
 * caller frees it), or another enum sshloop_result with *cause.
 */
int sshloop_ask(struct sshloop *l, struct sshconn *c, const char *body,
                const struct sshloop_limits *lim, char **out, char **cause)
{
	int64_t start = clock_mono_ms(), deadline = start + lim->timeout_ms;
	*out = NULL;
	*cause = NULL;
	if (strchr(body, '\n') != NULL) {
		*cause = xstrdup("the probe command holds a newline");
		return SSHLOOP_ENDED;
	}
	if (l->exec != NULL && sshexec_done(l->exec))
		sshloop_reset(l);
	if (l->exec == NULL && sshloop_start(l, c, cause) == -1)
		return SSHLOOP_FAILED;
	int64_t ready_by = l->started_ms + lim->start_ms;
	/* The wake descriptor is for the idle loop: here it would end every wait at once. */
	int wake = c->wake_fd, fresh = 0;
	char *unsent = NULL; /* why the probe could not be sent: the loop may be ending */
	int64_t pinged = 0;  /* when sshd was last asked for a sign of life */
	int silent = 0;      /* the site sent nothing for a whole timeout while the shell started */
	c->wake_fd = -1;
	long n = -1;
	for (;;) {
		if (!l->waiting && unsent == NULL && sshexec_running(l->exec))
			sshloop_send(l, body, &unsent);
		if (sshloop_take_ready(l)) {
			fresh = 1;
			deadline = clock_mono_ms() + lim->timeout_ms;
		}
		if ((n = sshloop_answer_len(l)) >= 0 || sshexec_done(l->exec))
			break;
		/*
		 * While the shell starts, its budget holds only as long as the site
		 * is heard from: a frozen site ends the wait within the timeout.
		 */
		int64_t until = deadline;
		if (!l->ready) {
			int64_t heard_by = sshconn_heard_by(c, start, lim->timeout_ms, &pinged);
			silent = clock_left_ms(heard_by) == 0;
			until = heard_by < ready_by ? heard_by : ready_by;
		}
		int left = clock_left_ms(until);
		if (!l->ready && left > lim->timeout_ms / 3)
			left = (int)(lim->timeout_ms / 3); /* back in time for the next ping */
		if (left == 0 || sshconn_poll(c, left) == -1)
			break;
	}
	c->wake_fd = wake;
	if (n >= 0) {
		free(unsent);
		sshloop_take(l, n, out);
		return SSHLOOP_ANSWERED;
	}
	int rc = SSHLOOP_FAILED;
	if (sshexec_error(l->exec) != NULL) {
		*cause = xstrdup(sshexec_error(l->exec));
	} else if (sshexec_done(l->exec)) {
		*cause = sshloop_ended(l);
		rc = SSHLOOP_ENDED;
	} else if (unsent != NULL) {
		*cause = unsent;
		unsent = NULL;
	} else {
		rc = sshloop_missed(l, silent, lim, start, fresh, cause);
	}
	free(unsent);
	if (rc != SSHLOOP_LATE)
		sshloop_reset(l);
	return rc;
}
