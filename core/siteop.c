/*
 * Site operations. The fence finds the postmaster by its data folder's
 * postmaster.pid (the folder PostgreSQL reported), else by the socket lock
 * file of its port, asks it for a fast shutdown (SIGINT), then an immediate
 * one (SIGQUIT) if it lingers, and reports what it saw: the fence succeeds
 * only when no postmaster is left running. The promotion reads the replay
 * position first, so that the data lost can be measured against it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "probe_sql.h"
#include "rebuild.h"
#include "restoretest.h"
#include "shquote.h"
#include "switchback.h"
#include "siteop.h"
#include "supervise.h"
#include "xmalloc.h"

/* Fails an op that could not run (it had no effect), with why. */
void siteop_fail(struct op *op, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(op->detail);
	op->detail = xvasprintf(fmt, ap);
	va_end(ap);
	op->ok = 0;
	op->exit_status = -1;
}

/* Returns the fence's sh script: one line "fence down|stopped PID|alive PID|lost" on stdout. */
char *siteop_fence_script(const char *data_dir, long port, int wait_s)
{
	char *d = shquote(data_dir ? data_dir : "");
	char *s = xasprintf(
	    "D=%s; pid=; "
	    "if [ -n \"$D\" ] && [ -r \"$D/postmaster.pid\" ]; then pid=$(head -n 1 "
	    "\"$D/postmaster.pid\"); fi; "
	    "if [ -z \"$pid\" ]; then for f in /var/run/postgresql/.s.PGSQL.%ld.lock "
	    "/tmp/.s.PGSQL.%ld.lock; do "
	    "if [ -r \"$f\" ]; then pid=$(head -n 1 \"$f\"); break; fi; done; fi; "
	    "if [ -z \"$pid\" ]; then if [ -n \"$D\" ] && [ -d \"$D\" ]; then echo 'fence down'; "
	    "else echo 'fence lost'; fi; exit 0; fi; "
	    "if ! kill -0 \"$pid\" 2>/dev/null; then echo 'fence down'; exit 0; fi; "
	    "kill -INT \"$pid\"; i=0; "
	    "while kill -0 \"$pid\" 2>/dev/null && [ $i -lt %d ]; do "
	    "sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; "
	    "if kill -0 \"$pid\" 2>/dev/null; then kill -QUIT \"$pid\"; sleep 1; fi; "
	    "if kill -0 \"$pid\" 2>/dev/null; then echo \"fence alive $pid\"; exit 1; fi; "
	    "echo \"fence stopped $pid\"",
	    d, port, port, (wait_s > 0 ? wait_s : 1) * 10);
	free(d);
	return s;
}

/* Reads the fence's answer; returns 1 when PostgreSQL is down, 0 otherwise, with a sentence. */
int siteop_fence_parse(const char *out, char *detail, size_t len)
{
	const char *line = out ? strstr(out, "fence ") : NULL;
	long pid = 0;
	if (line == NULL) {
		snprintf(detail, len, "the fence gave no answer");
		return 0;
	}
	if (strncmp(line, "fence down", 10) == 0) {
		snprintf(detail, len, "PostgreSQL was already down (no postmaster running)");
		return 1;
	}
	if (sscanf(line, "fence stopped %ld", &pid) == 1) {
		snprintf(detail, len, "PostgreSQL stopped (postmaster %ld is gone)", pid);
		return 1;
	}
	if (sscanf(line, "fence alive %ld", &pid) == 1) {
		snprintf(detail, len, "postmaster %ld is still running after SIGINT and SIGQUIT",
		         pid);
		return 0;
	}
	snprintf(detail, len,
	         "the postmaster cannot be found (data folder not known, no socket lock file)");
	return 0;
}

/* Removes the supervisor's own line from stderr: what is left is the shell's and the step's. */
static void siteop_errout(struct sshexec_result *r, const char *nonce)
{
	char mark[64];
	snprintf(mark, sizeof mark, "drsup %s err\n", nonce);
	char *p = strstr(r->err, mark);
	if (p != NULL && (p == r->err || p[-1] == '\n')) {
		size_t m = strlen(mark);
		memmove(p, p + m, r->err_len - (size_t)(p - r->err) - m + 1);
		r->err_len -= m;
	}
}

/* Runs one of drconsole's own scripts (the run lock) with /bin/sh, unsupervised. */
static void siteop_script(struct sshconn *conn, struct op *op, const char *site)
{
	struct sshexec_result r;
	char *cause = NULL, *line = sshexec_sh_line(op->command ? op->command : "true");
	int64_t start = clock_mono_ms();
	int rc =
	    sshconn_exec_until(conn, line, op->timeout_ms, SSHEXEC_MAX_OUTPUT, NULL, &r, &cause);
	free(line);
	op_set_output(op, r.out, r.out_len, r.err, r.err_len, -1);
	if (rc == -1) {
		int timed_out = clock_mono_ms() - start >= op->timeout_ms;
		siteop_fail(op, "%s: %s", site, cause);
		op->timed_out = timed_out;
		op->lost = !timed_out;
		free(cause);
	} else {
		op->exit_status = r.status;
		op->ok = r.status == 0;
	}
	sshexec_result_free(&r);
}

/* Reads the answer line of one of drconsole's own supervised scripts; 1 when it succeeded. */
static int siteop_answer(struct op *op, char *detail, size_t len)
{
	enum rebuild_method m;
	switch (op->kind) {
	case OP_FENCE:
		return siteop_fence_parse(op->output, detail, len);
	case OP_RESTORE: {
		struct restoretest_answer answer;
		return restoretest_parse(op->output, &answer, detail, len);
	}
	case OP_REBUILD:
		return rebuild_parse(op->output, &m, detail, len);
	default:
		return switchback_stop_parse(op->output, &op->lsn, detail, len);
	}
}

/* Fills a supervised op's outcome from the supervisor's end: how it ended, and what it wrote. */
static void siteop_ended(struct op *op, const char *site, const struct supervise_result *sr)
{
	char detail[320];
	struct restoretest_answer answer;
	double secs = (double)op->timeout_ms / 1000;
	op->pid = sr->pid;
	switch (sr->end) {
	case SUPERVISE_EXITED:
		op->exit_status = sr->status;
		if (op->kind == OP_EXEC) {
			op->ok = sr->status == 0;
			return;
		}
		op->ok = siteop_answer(op, detail, sizeof detail);
		free(op->detail);
		op->detail = xasprintf("%s: %s", site, detail);
		return;
	case SUPERVISE_STOPPED:
		siteop_fail(op,
		            "%s: timed out after %.1f s; the site stopped it (its process group "
		            "is gone)",
		            site, secs);
		op->timed_out = op->stopped = 1;
		return;
	case SUPERVISE_ALIVE:
		siteop_fail(op,
		            "%s: timed out after %.1f s; still running after TERM and KILL "
		            "(process group %ld)",
		            site, secs, sr->pid);
		op->timed_out = op->may_run = 1;
		return;
	case SUPERVISE_GONE:
		siteop_fail(op,
		            "%s: the command ended without an exit status (killed from outside "
		            "its supervisor)",
		            site);
		return;
	case SUPERVISE_REFUSED:
		siteop_fail(op, "%s: not run: %s", site, sr->error);
		op->not_run = 1;
		return;
	default:
		siteop_fail(op, "%s: the supervisor gave no answer", site);
		op->lost = op->may_run = 1;
		return;
	}
}

/* Asks the site how an earlier supervised op stands (OP_STATUS). */
static void siteop_status(struct op *op, const char *site, int rc, const char *cause,
                          const struct supervise_result *sr)
{
	op->status_end = sr->end;
	op->pid = sr->pid;
	op->exit_status = sr->end == SUPERVISE_EXITED ? sr->status : -1;
	if (rc == -1)
		siteop_fail(op, "%s: the step's state cannot be asked: %s", site, cause);
	else if (sr->end == SUPERVISE_NONE)
		siteop_fail(op, "%s: the step's state cannot be told (no answer)", site);
	op->ok = rc == 0 && sr->end != SUPERVISE_NONE;
}

/*
 * Runs a step's command, the fence or the restore test on the site under
 * its supervisor (or asks how one stands), filling the outcome. A command
 * whose end did not come back (the session dropped, no answer in time) is
 * lost: it may still be running, under the site's deadline.
 */
void siteop_ssh(struct sshconn *conn, struct op *op, const char *site, const char *data_dir,
                long port)
{
	struct sshexec_result r;
	struct supervise_result sr;
	char nonce[SUPERVISE_NONCE_LEN + 1], *cause = NULL, *line;
	if (op->kind == OP_SCRIPT) {
		siteop_script(conn, op, site);
		return;
	}
	supervise_nonce(nonce, sizeof nonce);
	if (op->kind == OP_STATUS) {
		line = supervise_status_command(op->run, op->of, nonce);
	} else {
		char *fence =
		    op->kind == OP_FENCE
		        ? siteop_fence_script(data_dir, port, (int)(op->timeout_ms / 1000) - 3)
		        : NULL;
		/* drconsole's PostgreSQL scripts fall back on the data folder the probe learnt */
		char *learnt = NULL;
		if (op->kind == OP_REBUILD || op->kind == OP_STOPWRITES) {
			char *q = shquote(data_dir ? data_dir : "");
			learnt = xasprintf("DRC_LEARNT=%s\n%s", q, op->command ? op->command : "");
			free(q);
		}
		line = supervise_command(op->run, op->id, nonce, op->timeout_ms,
		                         fence ? fence : learnt ? learnt : op->command);
		free(fence);
		free(learnt);
	}
	int64_t budget = op->kind == OP_STATUS ? op->timeout_ms
	                                       : op->timeout_ms + (SUPERVISE_GRACE_S + 5) * 1000;
	char mark[64]; /* the supervisor's last line: its end */
	snprintf(mark, sizeof mark, "\ndrsup %s end ", nonce);
	int rc = sshconn_exec_until(conn, line, budget, SUPERVISE_KEEP + 65536, mark, &r, &cause);
	free(line);
	supervise_parse(r.out, r.out_len, nonce, &sr);
	siteop_errout(&r, nonce);
	int64_t total = sr.out_bytes >= 0 && sr.err_bytes >= 0 ? sr.out_bytes + sr.err_bytes : -1;
	op_set_output(op, r.out + sr.out_start, sr.out_end - sr.out_start, r.err, r.err_len, total);
	if (op->kind == OP_STATUS) {
		siteop_status(op, site, rc, cause, &sr);
	} else if (sr.end == SUPERVISE_NONE && rc == -1) {
		siteop_fail(op, "%s: %s", site, cause);
		op->pid = sr.pid;
		op->lost = op->may_run = 1;
	} else {
		siteop_ended(op, site, &sr);
	}
	free(cause);
	sshexec_result_free(&r);
}

/* Runs one query for a value; -1 (op failed, lost) when the connection failed. */
static int siteop_query(struct pgconn *pg, struct op *op, const char *site, const char *sql,
                        char **value)
{
	char *cause = NULL;
	if (pgconn_query_value(pg, sql, clock_mono_ms() + op->timeout_ms, value, &cause) == 0)
		return 0;
	siteop_fail(op, "%s: %s", site, cause);
	free(cause);
	return -1;
}

/*
 * Before a promotion back: proves the standby received past the DR
 * site's final checkpoint (op->min_lsn); 1 when so, else the op failed
 * (not run: nothing was promoted).
 */
static int siteop_received(struct pgconn *pg, struct op *op, const char *site)
{
	char *text = NULL, detail[256];
	int64_t received = -1;
	if (siteop_query(pg, op, site, "SELECT pg_last_wal_receive_lsn()::text", &text) == -1)
		return -1;
	if (text != NULL && lsn_parse(text, &received) == -1)
		received = -1;
	free(text);
	if (switchback_received(received, op->min_lsn, detail, sizeof detail))
		return 1;
	siteop_fail(op, "%s: %s", site, detail);
	op->not_run = 1;
	return 0;
}

/* Promotes the site's PostgreSQL, noting where its replay stood. */
static void siteop_promote(struct pgconn *pg, struct op *op, const char *site)
{
	char *lsn = NULL, *done = NULL, *sql;
	if (siteop_query(pg, op, site, "SELECT pg_last_wal_replay_lsn()::text", &lsn) == -1)
		return;
	if (lsn == NULL || lsn_parse(lsn, &op->lsn) == -1) {
		siteop_fail(op, "%s is not a standby (no replay position)", site);
		free(lsn);
		return;
	}
	if (op->min_lsn > 0 && siteop_received(pg, op, site) != 1) {
		free(lsn);
		return;
	}
	sql = xasprintf("SELECT pg_promote(true, %lld)::text", (long long)(op->timeout_ms / 1000));
	int rc = siteop_query(pg, op, site, sql, &done);
	free(sql);
	if (rc == 0 && done != NULL && strcmp(done, "true") == 0) {
		op->ok = 1;
		op->detail = xasprintf("%s promoted at %s", site, lsn);
	} else if (rc == 0) {
		siteop_fail(op, "%s: pg_promote did not finish within %lld s", site,
		            (long long)(op->timeout_ms / 1000));
	}
	/* The promotion was asked for: whether it happens is for the check to tell. */
	op->lost = !op->ok;
	free(lsn);
	free(done);
}

/* Runs a promotion or a write test over the PostgreSQL connection. */
void siteop_sql(struct pgconn *pg, struct op *op, const char *site)
{
	char *xid = NULL;
	op->exit_status = -1;
	op->lsn = -1;
	if (op->kind == OP_PROMOTE) {
		siteop_promote(pg, op, site);
		return;
	}
	/* Taking a transaction id writes WAL at commit: it fails on a standby. */
	if (siteop_query(pg, op, site, "SELECT txid_current()::text", &xid) == -1)
		return;
	op->ok = 1;
	op->detail = xasprintf("%s accepts writes (transaction %s)", site, xid ? xid : "?");
	free(xid);
}
