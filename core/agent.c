/*
 * Site agents. Each site has two threads:
 *   - the SSH thread owns the libssh session: it connects (again every probe
 *     interval after a failure), serves the PostgreSQL bridge between probes, and runs the
 *     host probe (health, services, backup listing) once per cycle through
 *     a long-lived remote loop (sshloop.h),
 *     plus a pg_restore --list exec only when new backup files appear;
 *   - the PostgreSQL thread owns the libpq connection through the bridge: one
 *     query round trip per cycle, and between cycles it watches the socket so
 *     a dead postmaster is published at once.
 * Both write their part of the site's snapshot under the agent's mutex, bump
 * its generation and write one byte to the main thread's wakeup pipe. Every
 * remote wait has a deadline (the probe timeout, plus probe.start_timeout while a
 * new probe loop's shell starts); a thread notices agent_stop()
 * within a fraction of a second.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "backup_cache.h"
#include "clock.h"
#include "pgconn.h"
#include "probe_host.h"
#include "probe_sql.h"
#include "rundir.h"
#include "siteop.h"
#include "sshconn.h"
#include "sshloop.h"
#include "thread.h"
#include "xmalloc.h"

#define AGENT_PUMP_SLICE_MS 1000 /* a bound only: the stop pipe ends a slice at once */

struct agent {
	const struct conf *cf;
	const struct site *site;
	int wake_fd;
	int stop_pipe[2]; /* readable once stopping, never drained */
	int ssh_kick[2];  /* wakes the SSH thread: a retry, an operation (drained) */
	int pg_kick[2];   /* wakes the PostgreSQL thread: an operation (drained) */
	struct opqueue ssh_ops, pg_ops, done;
	pthread_t ssh_thread, pg_thread;
	int threads;

	pthread_mutex_t mu; /* guards everything below */
	struct site_status st;
	struct site_status shown; /* st as of the last wakeup of the main thread */
	int eager;                /* wake the main thread on every publication */
	struct op armed;          /* a fence held until the site answers writable ... */
	int has_armed;            /* ... when set */
	int stopping;
	int bridge_ready; /* the bridge listens: the PostgreSQL thread may connect */
	char bridge_dir[128];
	char data_dir[256];     /* from PostgreSQL, for the disk probe */
	char bridge_error[256]; /* why the last tunnel failed, until the PostgreSQL thread reads it
	                         */
	int bridge_refused;     /* ... because nothing listened at the port */
	int ssh_rounds, pg_rounds;
	int verifying;       /* new backup files are being verified after a published round */
	int64_t round_until; /* the SSH thread's round ends by then at the latest (mono clock) */
};

/* Wakes a thread through its kick pipe (a full pipe already holds a wakeup). */
static void agent_kick(int fd)
{
	ssize_t w = write(fd, "", 1);
	(void)w;
}

/* Wakes the main thread, if it listens. */
static void agent_wake(struct agent *a)
{
	if (a->wake_fd >= 0)
		agent_kick(a->wake_fd);
}

/* Copies a message into a fixed buffer. */
static void agent_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/*
 * Publishes: bumps the generation, and wakes the main thread when something
 * changed (or always, when eager). A round that only refreshed the data is
 * picked up by the main thread's clock tick within a second, which spares it
 * a wakeup per site and probe side every cycle. Call with mu held.
 */
static void agent_publish_locked(struct agent *a)
{
	a->st.generation++;
	a->st.at_ms = clock_wall_ms();
	if (!a->eager && !snapshot_news(&a->shown, &a->st))
		return;
	a->shown = a->st;
	agent_wake(a);
}

/* Makes every publication wake the main thread (on), or only those bringing news (off). */
void agent_set_eager(struct agent *a, int on)
{
	pthread_mutex_lock(&a->mu);
	a->eager = on;
	pthread_mutex_unlock(&a->mu);
}

/* Tells whether the agent is stopping. */
static int agent_stopping(struct agent *a)
{
	pthread_mutex_lock(&a->mu);
	int s = a->stopping;
	pthread_mutex_unlock(&a->mu);
	return s;
}

/*
 * Sleeps up to ms, returning early when the agent is stopped (1) or when the
 * thread's kick pipe is written to (0): an agent_retry, an operation, the
 * bridge made ready.
 */
static int agent_sleep(struct agent *a, int64_t ms, int kick_fd)
{
	struct pollfd pfd[2] = {{a->stop_pipe[0], POLLIN, 0}, {kick_fd, POLLIN, 0}};
	int64_t deadline = clock_mono_ms() + ms;
	while (!agent_stopping(a)) {
		int left = clock_left_ms(deadline);
		if (left == 0)
			return 0;
		if (poll(pfd, 2, left) > 0)
			return pfd[0].revents ? 1
			                      : 0; /* the kick is drained by the ops that follow */
	}
	return 1;
}

/*
 * Sets the SSH side's reachability (and why not), keeping since_ms at the last
 * change; an unreachable site also marks its host probe failed. Call with mu held.
 */
static void agent_reach_locked(struct agent *a, int reachable, const char *error)
{
	if (a->st.reachable != reachable || a->st.since_ms == 0)
		a->st.since_ms = clock_wall_ms();
	a->st.reachable = reachable;
	agent_copy(a->st.error, sizeof a->st.error, reachable ? "" : error);
	if (reachable)
		return;
	a->bridge_ready = 0;
	a->st.health.ok = 0;
	agent_copy(a->st.health.error, sizeof a->st.health.error, error);
	a->st.backups.ok = 0;
	agent_copy(a->st.backups.error, sizeof a->st.backups.error, error);
}

/* Publishes that the site cannot be reached, which ends this SSH round. */
static void agent_set_unreachable(struct agent *a, const char *error)
{
	pthread_mutex_lock(&a->mu);
	agent_reach_locked(a, 0, error);
	a->ssh_rounds++;
	agent_publish_locked(a);
	pthread_mutex_unlock(&a->mu);
}

/* Sets how long the SSH thread's current round may last at most (mono clock). */
static void agent_round_until(struct agent *a, int64_t ms)
{
	pthread_mutex_lock(&a->mu);
	a->round_until = clock_mono_ms() + ms;
	pthread_mutex_unlock(&a->mu);
}

/*
 * Marks the site reachable, and the bridge ready again after a late answer
 * had marked it unreachable; returns whether the PostgreSQL thread must be
 * woken. Call with mu held.
 */
static int agent_reached_locked(struct agent *a)
{
	int again = !a->st.reachable && a->site->pg.via == PG_VIA_SSH && !a->bridge_ready;
	agent_reach_locked(a, 1, NULL);
	if (again)
		a->bridge_ready = 1;
	return again;
}

/*
 * Publishes a host probe that got no answer while the session still holds:
 * a late one keeps the loop but says the site did not answer in time (the
 * deadline's word); a loop the site's shell refused leaves the site reachable
 * (the session and the tunnel work) with the shell's own words as the
 * probe's failure.
 */
static void agent_probe_missed(struct agent *a, int rc, const char *cause)
{
	if (rc == SSHLOOP_LATE) {
		agent_set_unreachable(a, cause);
		return;
	}
	pthread_mutex_lock(&a->mu);
	int kick = agent_reached_locked(a);
	a->st.health.ok = 0;
	a->st.health.at_ms = clock_wall_ms();
	agent_copy(a->st.health.error, sizeof a->st.health.error, cause);
	a->st.backups.ok = 0;
	a->st.backups.at_ms = a->st.health.at_ms;
	agent_copy(a->st.backups.error, sizeof a->st.backups.error, cause);
	a->st.execs_last_cycle = 1;
	a->ssh_rounds++;
	agent_publish_locked(a);
	pthread_mutex_unlock(&a->mu);
	if (kick)
		agent_kick(a->pg_kick[1]);
}

/*
 * Runs the host probe through the site's probe loop and verifies new backups;
 * -1 when the session must be dropped (published).
 */
static int agent_probe_host(struct agent *a, struct sshconn *conn, struct sshloop *loop,
                            struct backup_cache *cache)
{
	char data_dir[256], *cause = NULL;
	pthread_mutex_lock(&a->mu);
	agent_copy(data_dir, sizeof data_dir, a->data_dir);
	pthread_mutex_unlock(&a->mu);

	/* Service checks must end within the probe, or a slow check would look like a hung site. */
	int check_s = (int)(a->cf->probe_timeout_ms / 1000) - 1;
	char *script =
	    probe_host_script(a->site, data_dir[0] ? data_dir : NULL, check_s > 0 ? check_s : 1);
	char *out = NULL;
	struct sshloop_limits lim = {a->cf->probe_timeout_ms, a->cf->probe_start_ms};
	agent_round_until(a, lim.timeout_ms + (sshloop_ready(loop) ? 0 : lim.start_ms));
	int64_t t0 = clock_mono_ms();
	int starts = sshloop_starts(loop);
	int rc = sshloop_ask(loop, conn, script, &lim, &out, &cause);
	int64_t rtt = clock_mono_ms() - t0;
	if (sshloop_starts(loop) != starts && sshloop_shell_ms(loop) > 0)
		rtt -= sshloop_shell_ms(loop); /* the round trip, not the shell's startup */
	free(script);
	if (rc != SSHLOOP_ANSWERED) {
		if (rc == SSHLOOP_FAILED)
			agent_set_unreachable(a, cause);
		else
			agent_probe_missed(a, rc, cause);
		free(cause);
		return rc == SSHLOOP_FAILED ? -1 : 0;
	}
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	int64_t now = clock_wall_ms();
	int parsed = probe_host_parse(out, a->site, now, &h, &b, &files, &cause);
	free(out);
	int execs = sshloop_starts(loop) - starts; /* 0 once the loop runs */
	if (parsed == 0)
		backup_cache_summarize(cache, &files, &b); /* new files count as not verified yet */
	int verify = parsed == 0 && b.unverified > 0;
	pthread_mutex_lock(&a->mu);
	a->verifying = verify;
	if (parsed == 0) {
		/* probe_host_parse set ok and at_ms of each part: a failed listing stays failed. */
		h.rtt_ms = (struct opt_i64){1, rtt};
		a->st.health = h;
		a->st.backups = b;
	} else {
		a->st.health.ok = 0;
		agent_copy(a->st.health.error, sizeof a->st.health.error, cause);
	}
	int kick = agent_reached_locked(a);
	a->st.execs_last_cycle = execs;
	a->ssh_rounds++;
	agent_publish_locked(a);
	pthread_mutex_unlock(&a->mu);
	if (kick)
		agent_kick(a->pg_kick[1]);
	if (parsed != 0)
		free(cause);
	/*
	 * Then the new files are verified: an exec of its own, for which a slow
	 * shell starts again, so the answered round is published first.
	 */
	int rc_verify = 0;
	if (verify) {
		/* Its own shell may start slowly, but a frozen site ends it within the timeout. */
		char *lost = NULL;
		int ran =
		    backup_cache_verify(cache, conn, a->site, &files, lim.timeout_ms + lim.start_ms,
		                        lim.timeout_ms, &b, &lost);
		pthread_mutex_lock(&a->mu);
		a->st.backups = b;
		a->st.execs_last_cycle += ran;
		a->verifying = 0;
		agent_publish_locked(a);
		pthread_mutex_unlock(&a->mu);
		if (lost != NULL) {
			agent_set_unreachable(a, lost);
			free(lost);
			rc_verify = -1;
		}
	}
	probe_host_files_free(&files);
	return rc_verify;
}

/* Keeps why a tunnel failed, for the PostgreSQL thread whose connection it ends (SSH thread). */
static void agent_bridge_error(void *arg, const char *message, int refused)
{
	struct agent *a = arg;
	pthread_mutex_lock(&a->mu);
	agent_copy(a->bridge_error, sizeof a->bridge_error, message);
	a->bridge_refused = refused;
	pthread_mutex_unlock(&a->mu);
}

/* Offers the operator an unknown host key (and only an unknown one). Call with mu held. */
static void agent_hostkey_locked(struct agent *a, const struct sshconn_failure *f)
{
	struct snap_hostkey *k = &a->st.hostkey;
	memset(k, 0, sizeof *k);
	if (f->kind != SSHCONN_FAIL_HOSTKEY_UNKNOWN || f->known_entry == NULL ||
	    f->fingerprint == NULL || f->known_file == NULL ||
	    strlen(f->known_entry) >= sizeof k->entry)
		return;
	k->offered = 1;
	agent_copy(k->host_port, sizeof k->host_port, f->host_port);
	agent_copy(k->key_type, sizeof k->key_type, f->key_type);
	agent_copy(k->fingerprint, sizeof k->fingerprint, f->fingerprint);
	agent_copy(k->file, sizeof k->file, f->known_file);
	agent_copy(k->entry, sizeof k->entry, f->known_entry);
	if (f->jump != NULL)
		agent_copy(k->jump, sizeof k->jump, f->jump);
}

/* Opens the session and, unless PostgreSQL is reached directly, the bridge. */
static struct sshconn *agent_connect(struct agent *a)
{
	struct sshconn_failure fail;
	agent_round_until(a, a->cf->probe_timeout_ms);
	struct sshconn *conn = sshconn_open(a->site, a->cf->probe_timeout_ms, &fail);
	if (conn == NULL) {
		pthread_mutex_lock(&a->mu);
		agent_hostkey_locked(a, &fail);
		pthread_mutex_unlock(&a->mu);
		agent_set_unreachable(a, fail.message);
		sshconn_failure_free(&fail);
		return NULL;
	}
	if (a->site->pg.via == PG_VIA_SSH) {
		char *cause = NULL;
		if (sshconn_bridge_open(conn, a->bridge_dir, (unsigned)a->site->pg.port, &cause) ==
		    -1) {
			agent_set_unreachable(a, cause);
			free(cause);
			sshconn_free(conn);
			return NULL;
		}
		sshconn_bridge_on_error(conn, agent_bridge_error, a);
	}
	sshconn_wake_on(conn, a->ssh_kick[0]);
	/* Reachable from now on: a PostgreSQL failure here means PostgreSQL is down. */
	pthread_mutex_lock(&a->mu);
	memset(&a->st.hostkey, 0, sizeof a->st.hostkey);
	agent_reach_locked(a, 1, NULL);
	a->bridge_ready = a->site->pg.via == PG_VIA_SSH;
	agent_publish_locked(a);
	pthread_mutex_unlock(&a->mu);
	agent_kick(a->pg_kick[1]); /* the PostgreSQL thread connects now, not at its next try */
	return conn;
}

/* Hands a finished op back to the main thread and wakes it. */
static void agent_finish_op(struct agent *a, struct op *op)
{
	opqueue_push(&a->done, op);
	agent_wake(a);
}

/*
 * Sends the armed fence the moment the site answers as a writable primary
 * (an old primary back after a failover): queued for the SSH thread at once,
 * without a round trip through the main thread. Call with mu held.
 */
static void agent_fire_locked(struct agent *a)
{
	if (!a->has_armed || !a->st.pg.up || a->st.pg.role != PG_ROLE_PRIMARY)
		return;
	a->has_armed = 0;
	opqueue_push(&a->ssh_ops, &a->armed);
	agent_kick(a->ssh_kick[1]);
}

/*
 * Returns how long to wait before connecting again: one probe interval, or
 * a fifth of it while a fence is armed (a site that comes back must be
 * caught at once; a refused connection costs one round trip).
 */
static int64_t agent_retry_ms(struct agent *a)
{
	pthread_mutex_lock(&a->mu);
	int armed = a->has_armed;
	pthread_mutex_unlock(&a->mu);
	return armed ? a->cf->probe_interval_ms / 5 : a->cf->probe_interval_ms;
}

/* Empties a kick pipe. */
static void agent_drain(int fd)
{
	char buf[64];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Runs the SSH thread's pending ops on conn, or fails them (not run) when there is no session. */
static void agent_ssh_ops(struct agent *a, struct sshconn *conn)
{
	struct op op;
	if (conn == NULL || sshconn_woken(conn))
		agent_drain(a->ssh_kick[0]); /* a kick left in the pipe ends the next poll */
	while (!agent_stopping(a) && opqueue_pop(&a->ssh_ops, &op)) {
		char data_dir[256], error[sizeof a->st.error];
		pthread_mutex_lock(&a->mu);
		agent_copy(data_dir, sizeof data_dir, a->data_dir);
		agent_copy(error, sizeof error, a->st.error);
		pthread_mutex_unlock(&a->mu);
		if (conn == NULL) {
			siteop_fail(&op, "%s is not connected, nothing was run: %s", a->site->name,
			            error);
			op.not_run = 1;
		} else
			siteop_ssh(conn, &op, a->site->name, data_dir, a->site->pg.port);
		agent_finish_op(a, &op);
	}
}

/* Runs the PostgreSQL thread's pending ops on pg, or fails them (not run) without a connection. */
static void agent_pg_ops(struct agent *a, struct pgconn *pg)
{
	struct op op;
	agent_drain(a->pg_kick[0]);
	while (!agent_stopping(a) && opqueue_pop(&a->pg_ops, &op)) {
		if (pg == NULL) {
			pthread_mutex_lock(&a->mu);
			siteop_fail(&op, "PostgreSQL at %s is not connected, nothing was run: %s",
			            a->site->name,
			            a->st.pg.error[0] ? a->st.pg.error : "not connected yet");
			pthread_mutex_unlock(&a->mu);
		} else {
			siteop_sql(pg, &op, a->site->name);
		}
		agent_finish_op(a, &op);
	}
}

/*
 * Serves the session for one slice, at most until the deadline, then runs
 * the operations that came; -1 when the session was lost (published).
 */
static int agent_ssh_pump(struct agent *a, struct sshconn *conn, int64_t until)
{
	int slice = clock_left_ms(until);
	if (sshconn_poll(conn, slice < AGENT_PUMP_SLICE_MS ? slice : AGENT_PUMP_SLICE_MS) == -1) {
		agent_set_unreachable(a, sshconn_error(conn));
		return -1;
	}
	agent_ssh_ops(a, conn);
	return 0;
}

/*
 * Serves the session (the bridge, operations) until the next host probe is
 * due; -1 when the session was lost (published). The probe is due one
 * interval after the last. While PostgreSQL answers through the bridge, it
 * waits instead for the PostgreSQL thread's next probe query, from 4/5 of an
 * interval on and at most 6/5: both probes then go out in one wakeup of this
 * thread per cycle instead of two.
 */
static int agent_ssh_idle(struct agent *a, struct sshconn *conn, int64_t last)
{
	int64_t interval = a->cf->probe_interval_ms;
	pthread_mutex_lock(&a->mu);
	int follow = a->site->pg.via == PG_VIA_SSH && a->st.pg.up;
	pthread_mutex_unlock(&a->mu);
	int64_t early = last + interval * 4 / 5;
	int64_t until = last + (follow ? interval * 6 / 5 : interval);
	while (!agent_stopping(a) && clock_left_ms(until) > 0) {
		unsigned long reads = sshconn_bridge_reads(conn);
		if (agent_ssh_pump(a, conn, until) == -1)
			return -1;
		if (follow && sshconn_bridge_reads(conn) != reads && clock_left_ms(early) == 0)
			return 0;
	}
	return 0;
}

/*
 * Right after a connection, with a fence armed: serves the bridge until the
 * PostgreSQL thread's first round, and runs the fence that round may have
 * fired, before the host probe would hold the session for its own round
 * trip. -1 when the session was lost (published).
 */
static int agent_ssh_first_round(struct agent *a, struct sshconn *conn)
{
	pthread_mutex_lock(&a->mu);
	int armed = a->has_armed, rounds = a->pg_rounds;
	pthread_mutex_unlock(&a->mu);
	if (!armed || a->site->pg.via != PG_VIA_SSH)
		return 0;
	int64_t until = clock_mono_ms() + a->cf->probe_timeout_ms;
	while (!agent_stopping(a) && clock_left_ms(until) > 0) {
		pthread_mutex_lock(&a->mu);
		int seen = a->pg_rounds != rounds;
		pthread_mutex_unlock(&a->mu);
		if (agent_ssh_pump(a, conn, until) == -1)
			return -1;
		if (seen)
			return 0; /* and the fence it fired, queued before the round, has run */
	}
	return 0;
}

/* The SSH thread: connect, probe every interval, serve the bridge in between. */
static void *agent_ssh_main(void *arg)
{
	struct agent *a = arg;
	struct sshconn *conn = NULL;
	struct sshloop *loop = sshloop_new();
	struct backup_cache cache;

	backup_cache_init(&cache);
	while (!agent_stopping(a)) {
		if (conn == NULL) {
			if ((conn = agent_connect(a)) == NULL) {
				/*
				 * Tried again every probe interval, no slower (more often
				 * with a fence armed): a site that comes back is seen at once.
				 */
				agent_sleep(a, agent_retry_ms(a), a->ssh_kick[0]);
				agent_ssh_ops(a, NULL);
				continue;
			}
			if (agent_ssh_first_round(a, conn) == -1) {
				sshconn_free(conn);
				conn = NULL;
				continue;
			}
		}
		int64_t last = clock_mono_ms();
		if (agent_probe_host(a, conn, loop, &cache) == -1 ||
		    agent_ssh_idle(a, conn, last) == -1) {
			sshconn_free(conn);
			conn = NULL;
		}
	}
	sshloop_free(loop);
	if (conn != NULL)
		sshconn_free(conn);
	backup_cache_free(&cache);
	return NULL;
}

/*
 * Records a PostgreSQL failure: down when the site answers SSH and nothing
 * listens at the port, unknown when the site or the tunnel is the problem
 * (the tunnel's own reason replaces libpq's "server closed the connection").
 */
static void agent_pg_failed(struct agent *a, const char *cause)
{
	pthread_mutex_lock(&a->mu);
	a->st.pg.up = 0;
	a->st.pg.role = a->st.reachable ? PG_ROLE_DOWN : PG_ROLE_UNKNOWN;
	if (a->bridge_error[0] != '\0') {
		agent_copy(a->st.pg.error, sizeof a->st.pg.error, a->bridge_error);
		if (!a->bridge_refused)
			a->st.pg.role = PG_ROLE_UNKNOWN;
		a->bridge_error[0] = '\0';
	} else {
		agent_copy(a->st.pg.error, sizeof a->st.pg.error, cause);
	}
	a->pg_rounds++;
	agent_publish_locked(a);
	pthread_mutex_unlock(&a->mu);
}

/* Connects libpq to the site's PostgreSQL (through the bridge when there is one). */
static struct pgconn *agent_pg_connect(struct agent *a)
{
	char host[256], *cause = NULL;
	pthread_mutex_lock(&a->mu);
	int ready = a->site->pg.via == PG_VIA_DIRECT || a->bridge_ready;
	pthread_mutex_unlock(&a->mu);
	if (!ready)
		return NULL;
	if (a->site->pg.via == PG_VIA_DIRECT)
		agent_copy(host, sizeof host,
		           a->site->pg.host ? a->site->pg.host : a->site->ssh.host);
	else
		agent_copy(host, sizeof host, a->bridge_dir);
	struct pgconn_params pp = {host, (unsigned)a->site->pg.port, a->site->pg.dbname,
	                           a->site->pg.user, a->cf->probe_timeout_ms};
	struct pgconn *pg = pgconn_connect(&pp, clock_mono_ms() + a->cf->probe_timeout_ms, &cause);
	if (pg == NULL) {
		agent_pg_failed(a, cause);
		free(cause);
	}
	return pg;
}

/* Runs the one-query probe; -1 when the connection must be dropped. */
static int agent_pg_probe(struct agent *a, struct pgconn *pg)
{
	char *json = NULL, *cause = NULL;
	if (pgconn_query_value(pg, probe_sql_text(), clock_mono_ms() + a->cf->probe_timeout_ms,
	                       &json, &cause) == -1) {
		agent_pg_failed(a, cause);
		free(cause);
		return -1;
	}
	struct snap_pg snap;
	char data_dir[256] = "";
	memset(&snap, 0, sizeof snap);
	int rc = probe_sql_parse(json, &snap, data_dir, sizeof data_dir, &cause);
	free(json);
	if (rc == -1) {
		agent_pg_failed(a, cause);
		free(cause);
		return 0; /* the connection is fine; the answer was not */
	}
	snap.at_ms = clock_wall_ms();
	snap.up = 1;
	pthread_mutex_lock(&a->mu);
	a->st.pg = snap;
	agent_fire_locked(a);
	a->st.queries_last_cycle = 1;
	if (data_dir[0])
		agent_copy(a->data_dir, sizeof a->data_dir, data_dir);
	a->pg_rounds++;
	agent_publish_locked(a);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

/* Watches the idle connection until the next cycle; -1 when it was lost (already published). */
static int agent_pg_watch(struct agent *a, struct pgconn *pg, int64_t until)
{
	struct pollfd pfd[3] = {{pgconn_socket(pg), POLLIN, 0},
	                        {a->stop_pipe[0], POLLIN, 0},
	                        {a->pg_kick[0], POLLIN, 0}};
	while (!agent_stopping(a)) {
		int left = clock_left_ms(until);
		if (left == 0)
			return 0;
		int n = poll(pfd, 3, left);
		if (n > 0 && pfd[2].revents)
			agent_pg_ops(a, pg);
		if (n <= 0 || pfd[1].revents || !pfd[0].revents)
			continue;
		char *cause = NULL;
		if (pgconn_check_alive(pg, &cause) == -1) {
			agent_pg_failed(a, cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

/* The PostgreSQL thread: one query per cycle, the socket watched in between. */
static void *agent_pg_main(void *arg)
{
	struct agent *a = arg;
	struct pgconn *pg = NULL;
	while (!agent_stopping(a)) {
		int64_t next = clock_mono_ms() + a->cf->probe_interval_ms;
		if (pg == NULL && (pg = agent_pg_connect(a)) == NULL) {
			agent_pg_ops(a, NULL);
			agent_sleep(a, clock_left_ms(next) > 200 ? 200 : clock_left_ms(next),
			            a->pg_kick[0]);
			continue;
		}
		if (agent_pg_probe(a, pg) == -1 || agent_pg_watch(a, pg, next) == -1) {
			pgconn_free(pg);
			pg = NULL;
		}
	}
	pgconn_free(pg);
	return NULL;
}

/* Starts a site's agent threads; NULL with *cause on failure. */
struct agent *agent_start(const struct conf *cf, const struct site *site, int wake_fd, char **cause)
{
	struct agent *a = xcalloc(1, sizeof *a);
	a->cf = cf;
	a->site = site;
	a->wake_fd = wake_fd;
	a->eager = 1; /* until the caller says which rounds it needs to hear of */
	agent_copy(a->st.name, sizeof a->st.name, site->name);
	a->st.backups.configured = site->backups.dir != NULL;
	pthread_mutex_init(&a->mu, NULL);
	/* The bridge's folder: the run-time folder's, after those of dead processes are swept. */
	rundir_sweep();
	char *dir = rundir_path(a);
	agent_copy(a->bridge_dir, sizeof a->bridge_dir, dir);
	free(dir);
	if (pipe2(a->stop_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		pthread_mutex_destroy(&a->mu);
		free(a);
		return NULL;
	}
	opqueue_init(&a->ssh_ops);
	opqueue_init(&a->pg_ops);
	opqueue_init(&a->done);
	if (pipe2(a->ssh_kick, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    pipe2(a->pg_kick, O_CLOEXEC | O_NONBLOCK) == -1) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		agent_stop(a);
		return NULL;
	}
	if (thread_start(&a->ssh_thread, agent_ssh_main, a) != 0) {
		*cause = xstrdup("cannot start the SSH thread");
		agent_stop(a);
		return NULL;
	}
	a->threads = 1;
	if (thread_start(&a->pg_thread, agent_pg_main, a) != 0) {
		*cause = xstrdup("cannot start the PostgreSQL thread");
		agent_stop(a);
		return NULL;
	}
	a->threads = 2;
	return a;
}

/* Makes a site whose connection is backing off try again now (a host key was just accepted). */
void agent_retry(struct agent *a)
{
	agent_kick(a->ssh_kick[1]);
}

/* Queues an operation for the site (the agent takes its strings); its result comes back through
 * agent_take. */
void agent_submit(struct agent *a, struct op *op)
{
	if (op->kind == OP_FENCE && op->on_return) {
		pthread_mutex_lock(&a->mu);
		if (a->has_armed)
			op_free(&a->armed);
		a->armed = *op;
		a->has_armed = 1;
		agent_fire_locked(a);
		pthread_mutex_unlock(&a->mu);
		return;
	}
	int sql = op->kind == OP_PROMOTE || op->kind == OP_WRITABLE;
	opqueue_push(sql ? &a->pg_ops : &a->ssh_ops, op);
	agent_kick(sql ? a->pg_kick[1] : a->ssh_kick[1]);
}

/* Drops the fence armed on return, when it is still the one given (id); 1 when it was dropped. */
int agent_disarm(struct agent *a, unsigned id)
{
	pthread_mutex_lock(&a->mu);
	int mine = a->has_armed && a->armed.id == id;
	if (mine) {
		op_free(&a->armed);
		a->has_armed = 0;
	}
	pthread_mutex_unlock(&a->mu);
	return mine;
}

/* Takes a finished operation (the caller frees it with op_free); 0 when none is waiting. */
int agent_take(struct agent *a, struct op *out)
{
	return opqueue_pop(&a->done, out);
}

/* Copies the latest snapshot. */
void agent_snapshot(struct agent *a, struct site_status *out)
{
	pthread_mutex_lock(&a->mu);
	*out = a->st;
	pthread_mutex_unlock(&a->mu);
}

/*
 * Returns how many complete probe rounds have ended, failed or not: both
 * sides' rounds, or only SSH's while the site is unreachable (PostgreSQL
 * cannot even be tried then).
 */
int agent_rounds(struct agent *a)
{
	pthread_mutex_lock(&a->mu);
	int n = a->ssh_rounds < a->pg_rounds ? a->ssh_rounds : a->pg_rounds;
	if (!a->st.reachable && a->site->pg.via == PG_VIA_SSH)
		n = a->ssh_rounds;
	if (a->verifying && n > 0 && n == a->ssh_rounds)
		n--; /* its new backups are being verified: its latest round is not over */
	pthread_mutex_unlock(&a->mu);
	return n;
}

/*
 * Returns when the SSH round under way ends at the latest (mono clock): the
 * probe timeout after it began, plus probe.start_timeout while a new probe
 * loop's shell starts.
 */
int64_t agent_round_deadline(struct agent *a)
{
	pthread_mutex_lock(&a->mu);
	int64_t until = a->round_until;
	pthread_mutex_unlock(&a->mu);
	return until;
}

/* Stops the threads (each notices within a fraction of a second) and frees the agent. */
void agent_stop(struct agent *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stopping = 1;
	pthread_mutex_unlock(&a->mu);
	ssize_t w = write(a->stop_pipe[1], "", 1);
	(void)w;
	if (a->ssh_kick[1] > 0)
		agent_kick(a->ssh_kick[1]);
	if (a->threads >= 1)
		pthread_join(a->ssh_thread, NULL);
	if (a->threads >= 2)
		pthread_join(a->pg_thread, NULL);
	close(a->stop_pipe[0]);
	close(a->stop_pipe[1]);
	for (int i = 0; i < 2; i++) {
		if (a->ssh_kick[i] > 0)
			close(a->ssh_kick[i]);
		if (a->pg_kick[i] > 0)
			close(a->pg_kick[i]);
	}
	if (a->has_armed)
		op_free(&a->armed);
	opqueue_free(&a->ssh_ops);
	opqueue_free(&a->pg_ops);
	opqueue_free(&a->done);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
