/*
 * Remote commands on an SSH session, run concurrently and never blocking.
 *
 * Each command is a session channel with an "exec" request (no PTY, so
 * stderr stays separate). An exec is a small state machine moved along by
 * sshconn_poll(): queued (sshd allows 10 session channels per connection, so
 * at most SSHCONN_MAX_SESSIONS run at once and the rest wait their turn),
 * opening the channel, requesting the exec, running, then done or failed.
 * libssh's non-blocking calls return SSH_AGAIN until the server answers, and
 * are simply called again on the next pass.
 *
 * Output, exit status and exit signal arrive through channel callbacks. The
 * data callback consumes everything (so the server's window never closes and
 * a chatty command cannot stall the session) but keeps at most max_bytes of
 * each stream, flagging the rest as truncated. The callbacks struct lives in
 * the exec and is removed from the channel before the channel is let go, so
 * libssh never calls into freed memory.
 *
 * An exec outlives its session: when the session dies or is freed, running
 * execs fail with the reason and are detached; the caller still frees them.
 * sshconn_exec() is the simple form: start, drive the loop until done or the
 * deadline, and say what was being waited for when time ran out.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "shquote.h"
#include "sshexec.h"
#include "xmalloc.h"

enum sshexec_state {
	SSHEXEC_QUEUED,
	SSHEXEC_OPENING,
	SSHEXEC_REQUESTING,
	SSHEXEC_RUNNING,
	SSHEXEC_DONE,
	SSHEXEC_FAILED,
};

/* One output stream, bounded. */
struct sshexec_stream {
	char *buf;
	size_t len, cap;
	int truncated;
};

struct sshexec {
	struct sshconn *conn; /* NULL once detached */
	TAILQ_ENTRY(sshexec) entry;
	ssh_channel channel;
	struct ssh_channel_callbacks_struct cb; /* must outlive the channel's use of it */
	enum sshexec_state state;
	char *cmd;
	size_t max_bytes;
	struct sshexec_stream out, err;
	int status;
	char *signal;
	int core_dumped;
	int closed; /* the server closed the channel */
	int64_t started_ms, ended_ms;
	char *error;
};

/* Keeps what fits of a chunk of output; the rest only sets the truncated flag. */
static void sshexec_keep(struct sshexec_stream *st, const char *data, size_t len, size_t max)
{
	size_t room = max > st->len ? max - st->len : 0;
	size_t n = len < room ? len : room;
	if (n < len)
		st->truncated = 1;
	if (n == 0)
		return;
	if (st->len + n + 1 > st->cap) {
		size_t cap = st->cap ? st->cap : 256;
		while (cap < st->len + n + 1)
			cap *= 2;
		st->buf = xrealloc(st->buf, cap);
		st->cap = cap;
	}
	memcpy(st->buf + st->len, data, n);
	st->len += n;
	st->buf[st->len] = '\0';
}

/* Channel callback: output arrived; consumes all of it. */
static int sshexec_on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len, int is_stderr,
                           void *userdata)
{
	struct sshexec *e = userdata;
	sshexec_keep(is_stderr ? &e->err : &e->out, data, len, e->max_bytes);
	return (int)len;
}

/* Channel callback: the command exited with a status. */
static void sshexec_on_exit_status(ssh_session s, ssh_channel ch, int status, void *userdata)
{
	struct sshexec *e = userdata;
	e->status = status;
}

/* Channel callback: the command was killed by a signal. */
static void sshexec_on_exit_signal(ssh_session s, ssh_channel ch, const char *signal, int core,
                                   const char *errmsg, const char *lang, void *userdata)
{
	struct sshexec *e = userdata;
	free(e->signal);
	e->signal = xstrdup(signal != NULL ? signal : "?");
	e->core_dumped = core;
}

/* Channel callback: the server closed the channel (the command is over). */
static void sshexec_on_close(ssh_session s, ssh_channel ch, void *userdata)
{
	struct sshexec *e = userdata;
	e->closed = 1;
}

/*
 * Lets go of the channel: callbacks off, then freed (which queues a close),
 * or kept as an orphan while its open is still unanswered.
 */
static void sshexec_release(struct sshexec *e, int open_pending)
{
	if (e->channel == NULL)
		return;
	ssh_remove_channel_callbacks(e->channel, &e->cb);
	if (e->conn != NULL) {
		if (open_pending) {
			sshconn_orphan(e->conn, e->channel, 1);
		} else {
			ssh_channel_free(e->channel);
			if (e->conn->n_sessions > 0)
				e->conn->n_sessions--;
		}
	}
	e->channel = NULL;
}

/* Ends an exec with an error message. */
static void __attribute__((format(printf, 2, 3)))
sshexec_fail(struct sshexec *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(e->error);
	e->error = xvasprintf(fmt, ap);
	va_end(ap);
	sshexec_release(e, 0);
	e->state = SSHEXEC_FAILED;
	e->ended_ms = clock_mono_ms();
}

/* Returns libssh's last error on the exec's session. */
static const char *sshexec_libssh_error(struct sshexec *e)
{
	const char *err = ssh_get_error(e->conn->session);
	return err != NULL && *err != '\0' ? err : "no reason given";
}

/* Moves one exec as far as it can go without waiting. */
static void sshexec_step(struct sshexec *e)
{
	struct sshconn *c = e->conn;
	int rc;

	switch (e->state) {
	case SSHEXEC_QUEUED:
		if (c->n_sessions >= SSHCONN_MAX_SESSIONS)
			return;
		e->channel = ssh_channel_new(c->session);
		if (e->channel == NULL) {
			sshexec_fail(e, "cannot create a channel: %s", sshexec_libssh_error(e));
			return;
		}
		ssh_callbacks_init(&e->cb);
		e->cb.userdata = e;
		e->cb.channel_data_function = sshexec_on_data;
		e->cb.channel_exit_status_function = sshexec_on_exit_status;
		e->cb.channel_exit_signal_function = sshexec_on_exit_signal;
		e->cb.channel_close_function = sshexec_on_close;
		ssh_set_channel_callbacks(e->channel, &e->cb);
		c->n_sessions++;
		e->state = SSHEXEC_OPENING;
		/* FALLTHROUGH */
	case SSHEXEC_OPENING:
		rc = ssh_channel_open_session(e->channel);
		if (rc == SSH_AGAIN)
			return;
		if (rc != SSH_OK) {
			if (sshconn_check(c) == -1)
				return; /* the session died: detached with the reason */
			/*
			 * sshd counts a session until its command exits, even after
			 * we closed the channel (a command that timed out).
			 */
			sshexec_fail(e,
			             "the server refused a session channel (%s); commands that "
			             "timed out may still hold sshd's sessions (MaxSessions) "
			             "until they exit, and a new connection starts afresh",
			             sshexec_libssh_error(e));
			return;
		}
		e->state = SSHEXEC_REQUESTING;
		/* FALLTHROUGH */
	case SSHEXEC_REQUESTING:
		rc = ssh_channel_request_exec(e->channel, e->cmd);
		if (rc == SSH_AGAIN)
			return;
		if (rc != SSH_OK) {
			if (sshconn_check(c) == -1)
				return;
			sshexec_fail(e, "the server refused to run the command: %s",
			             sshexec_libssh_error(e));
			return;
		}
		e->state = SSHEXEC_RUNNING;
		/* FALLTHROUGH */
	case SSHEXEC_RUNNING:
		if (!e->closed)
			return;
		sshexec_release(e, 0);
		e->state = SSHEXEC_DONE;
		e->ended_ms = clock_mono_ms();
		return;
	case SSHEXEC_DONE:
	case SSHEXEC_FAILED:
		return;
	}
}

/* Moves every exec on the session along (called by sshconn_poll). */
void sshexec_step_all(struct sshconn *c)
{
	struct sshexec *e, *next;
	for (e = TAILQ_FIRST(&c->execs); e != NULL; e = next) {
		next = TAILQ_NEXT(e, entry);
		if (sshconn_check(c) == -1)
			return; /* every exec was detached */
		sshexec_step(e);
	}
}

/* Fails every unfinished exec with why and detaches all from the session. */
void sshexec_detach_all(struct sshconn *c, const char *why)
{
	struct sshexec *e;
	while ((e = TAILQ_FIRST(&c->execs)) != NULL) {
		if (e->state != SSHEXEC_DONE && e->state != SSHEXEC_FAILED) {
			free(e->error);
			e->error = xstrdup(why);
			e->state = SSHEXEC_FAILED;
			e->ended_ms = clock_mono_ms();
		}
		if (e->channel != NULL) {
			/* libssh frees its channels with the session. */
			ssh_remove_channel_callbacks(e->channel, &e->cb);
			e->channel = NULL;
		}
		TAILQ_REMOVE(&c->execs, e, entry);
		e->conn = NULL;
	}
	c->n_sessions = 0;
}

/*
 * Starts cmd on the session (queued if all session channels are busy); at
 * most max_bytes of stdout and of stderr are kept. Progress happens in
 * sshconn_poll. Returns NULL and *cause if the session is dead.
 */
struct sshexec *sshexec_start(struct sshconn *c, const char *cmd, size_t max_bytes, char **cause)
{
	if (sshconn_check(c) == -1) {
		*cause = xstrdup(sshconn_error(c));
		return NULL;
	}
	struct sshexec *e = xcalloc(1, sizeof *e);
	e->conn = c;
	e->cmd = xstrdup(cmd);
	e->max_bytes = max_bytes;
	e->status = -1;
	e->state = SSHEXEC_QUEUED;
	e->started_ms = clock_mono_ms();
	TAILQ_INSERT_TAIL(&c->execs, e, entry);
	sshexec_step(e);
	sshconn_check(c);
	return e;
}

/* Tells whether the exec has finished (successfully or not). */
int sshexec_done(const struct sshexec *e)
{
	return e->state == SSHEXEC_DONE || e->state == SSHEXEC_FAILED;
}

/* Returns why the exec failed, or NULL (a non-zero exit status is not a failure). */
const char *sshexec_error(const struct sshexec *e)
{
	return e->state == SSHEXEC_FAILED ? e->error : NULL;
}

/* Returns the stdout kept so far ("" when none), its length and truncation. */
const char *sshexec_stdout(const struct sshexec *e, size_t *len, int *truncated)
{
	if (len != NULL)
		*len = e->out.len;
	if (truncated != NULL)
		*truncated = e->out.truncated;
	return e->out.buf != NULL ? e->out.buf : "";
}

/* Returns the stderr kept so far ("" when none), its length and truncation. */
const char *sshexec_stderr(const struct sshexec *e, size_t *len, int *truncated)
{
	if (len != NULL)
		*len = e->err.len;
	if (truncated != NULL)
		*truncated = e->err.truncated;
	return e->err.buf != NULL ? e->err.buf : "";
}

/* Returns the exit status, or -1 if none was reported (yet, or killed by a signal). */
int sshexec_status(const struct sshexec *e)
{
	return e->status;
}

/* Returns the name of the signal that killed the command ("TERM"), or NULL. */
const char *sshexec_signal(const struct sshexec *e)
{
	return e->signal;
}

/* Says what an unfinished exec is waiting for (for timeout messages). */
const char *sshexec_waiting_for(const struct sshexec *e)
{
	switch (e->state) {
	case SSHEXEC_QUEUED:
		return "it was still queued behind other commands";
	case SSHEXEC_OPENING:
		return "the server did not open a channel";
	case SSHEXEC_REQUESTING:
		return "the server did not answer the exec request";
	case SSHEXEC_RUNNING:
		return e->out.len + e->err.len > 0 ? "the command was still running"
		                                   : "the command was still running, no output";
	case SSHEXEC_DONE:
	case SSHEXEC_FAILED:
		break;
	}
	return "nothing";
}

/* Tells whether the command runs (its stdin can be written to). */
int sshexec_running(const struct sshexec *e)
{
	return e->state == SSHEXEC_RUNNING && e->conn != NULL && !e->closed;
}

/*
 * Sends a few bytes to a running command's stdin, whole or not at all; -1
 * and *cause when it does not run or the server's window cannot take them.
 */
int sshexec_write(struct sshexec *e, const char *data, size_t len, char **cause)
{
	if (!sshexec_running(e)) {
		*cause = xstrdup("the command is not running");
		return -1;
	}
	if (ssh_channel_window_size(e->channel) < len) {
		*cause = xstrdup("the command does not read its input");
		return -1;
	}
	if (ssh_channel_write(e->channel, data, (uint32_t)len) != (int)len) {
		*cause = xasprintf("cannot write to the command: %s", sshexec_libssh_error(e));
		return -1;
	}
	return 0;
}

/* Drops the first n bytes of the stdout kept so far, and all the stderr. */
void sshexec_consume(struct sshexec *e, size_t n)
{
	if (n > e->out.len)
		n = e->out.len;
	if (e->out.buf != NULL) {
		memmove(e->out.buf, e->out.buf + n, e->out.len - n + 1);
		e->out.len -= n;
	}
	if (e->err.buf != NULL)
		e->err.buf[0] = '\0';
	e->err.len = 0;
}

/* Moves the output and status of a finished exec into r. */
void sshexec_take(struct sshexec *e, struct sshexec_result *r)
{
	memset(r, 0, sizeof *r);
	r->out = e->out.buf != NULL ? e->out.buf : xstrdup("");
	r->out_len = e->out.len;
	r->out_truncated = e->out.truncated;
	r->err = e->err.buf != NULL ? e->err.buf : xstrdup("");
	r->err_len = e->err.len;
	r->err_truncated = e->err.truncated;
	r->status = e->status;
	r->signal = e->signal;
	r->core_dumped = e->core_dumped;
	r->elapsed_ms = (e->ended_ms ? e->ended_ms : clock_mono_ms()) - e->started_ms;
	memset(&e->out, 0, sizeof e->out);
	memset(&e->err, 0, sizeof e->err);
	e->signal = NULL;
}

/* Frees an exec, closing its channel if the command still runs. */
void sshexec_free(struct sshexec *e)
{
	if (e == NULL)
		return;
	if (e->conn != NULL) {
		sshexec_release(e, e->state == SSHEXEC_OPENING);
		TAILQ_REMOVE(&e->conn->execs, e, entry);
	}
	free(e->cmd);
	free(e->out.buf);
	free(e->err.buf);
	free(e->signal);
	free(e->error);
	free(e);
}

/* Frees what a result holds. */
void sshexec_result_free(struct sshexec_result *r)
{
	free(r->out);
	free(r->err);
	free(r->signal);
	memset(r, 0, sizeof *r);
}

/*
 * Returns the exec line that runs a POSIX sh script with /bin/sh whatever the
 * account's login shell: "exec /bin/sh -c 'SCRIPT'" (newly allocated).
 */
char *sshexec_sh_line(const char *script)
{
	char *q = shquote(script);
	char *line = xasprintf("exec /bin/sh -c %s", q);
	free(q);
	return line;
}

/* Tells whether the exec's stdout has come to a line holding mark near its end. */
static int sshexec_reached(const struct sshexec *e, const char *mark)
{
	size_t len;
	const char *out = sshexec_stdout(e, &len, NULL);
	const char *from = len > 512 ? out + len - 512 : out;
	return mark != NULL && len > 0 && out[len - 1] == '\n' && strstr(from, mark) != NULL;
}

/*
 * Runs cmd and waits for it, driving the session's loop (other execs and the
 * bridge keep moving meanwhile), until it ends, or until its stdout comes to
 * a line holding end_mark (NULL: none), or until the deadline, or (silent_ms
 * > 0) until the site has sent nothing for silent_ms (sshconn_heard_by: sshd
 * is asked for a reply meanwhile, so a live site with a slow command keeps
 * the deadline); then, and when the session failed, *unheard is set.
 */
static int sshexec_wait(struct sshconn *c, const char *cmd, int64_t timeout_ms, int64_t silent_ms,
                        size_t max_bytes, const char *end_mark, struct sshexec_result *r,
                        int *unheard, char **cause)
{
	int64_t start = clock_mono_ms(), deadline = start + timeout_ms, pinged = 0;
	int rc = -1;
	memset(r, 0, sizeof *r);
	r->status = -1;
	*unheard = 0;
	struct sshexec *e = sshexec_start(c, cmd, max_bytes, cause);
	if (e == NULL) {
		*unheard = 1;
		return -1;
	}
	/* The wake descriptor is for the idle loop: here it would end every wait at once. */
	int wake = c->wake_fd;
	c->wake_fd = -1;
	for (;;) {
		if (sshexec_done(e) || sshexec_reached(e, end_mark)) {
			rc = e->state == SSHEXEC_FAILED ? -1 : 0;
			if (rc == -1) {
				*cause = xstrdup(e->error ? e->error : "the command failed");
				*unheard = !sshconn_alive(c);
			}
			break;
		}
		int left = clock_left_ms(deadline);
		if (silent_ms > 0 &&
		    clock_left_ms(sshconn_heard_by(c, start, silent_ms, &pinged)) == 0) {
			*cause = xasprintf("the site sent nothing for %.1f s (%s)",
			                   (double)silent_ms / 1000.0, sshexec_waiting_for(e));
			*unheard = 1;
			break;
		}
		if (left == 0) {
			*cause = xasprintf("command timed out after %.1f s (%s)",
			                   (double)(clock_mono_ms() - start) / 1000.0,
			                   sshexec_waiting_for(e));
			break;
		}
		if (silent_ms > 0 && left > silent_ms / 3)
			left = (int)(silent_ms / 3); /* back in time for the next ping */
		if (sshconn_poll(c, left) == -1 && !sshexec_done(e)) {
			*cause = xstrdup(sshconn_error(c));
			*unheard = 1;
			break;
		}
	}
	c->wake_fd = wake;
	sshexec_take(e, r);
	sshexec_free(e);
	return rc;
}

/*
 * Runs cmd and waits for it (sshexec_wait, with no bound on silence: a
 * supervisor prints end_mark last, so a process it left holding the channel
 * cannot hold the wait). *r holds what came in every case (free it). Returns
 * 0 when it ended (whatever its exit status) or reached end_mark; -1 and
 * *cause when the deadline passed or the session failed.
 */
int sshconn_exec_until(struct sshconn *c, const char *cmd, int64_t timeout_ms, size_t max_bytes,
                       const char *end_mark, struct sshexec_result *r, char **cause)
{
	int unheard;
	return sshexec_wait(c, cmd, timeout_ms, 0, max_bytes, end_mark, r, &unheard, cause);
}

/*
 * Runs cmd as sshconn_exec, but gives up as soon as the site has sent
 * nothing for silent_ms (a frozen site): then, or when the session failed,
 * *unheard is set (the site is unreachable, not merely slow).
 */
int sshconn_exec_heard(struct sshconn *c, const char *cmd, int64_t timeout_ms, int64_t silent_ms,
                       struct sshexec_result *r, int *unheard, char **cause)
{
	int rc = sshexec_wait(c, cmd, timeout_ms, silent_ms, SSHEXEC_MAX_OUTPUT, NULL, r, unheard,
	                      cause);
	if (rc == -1) {
		sshexec_result_free(r);
		r->status = -1;
	}
	return rc;
}

/*
 * Runs cmd and waits for it, as sshconn_exec_until with no end mark. Returns
 * 0 with *r filled once the command finished, whatever its exit status; -1
 * and *cause (*r empty) if the deadline passed or the session failed.
 */
int sshconn_exec(struct sshconn *c, const char *cmd, int64_t timeout_ms, struct sshexec_result *r,
                 char **cause)
{
	int rc = sshconn_exec_until(c, cmd, timeout_ms, SSHEXEC_MAX_OUTPUT, NULL, r, cause);
	if (rc == -1) {
		sshexec_result_free(r);
		r->status = -1;
	}
	return rc;
}
