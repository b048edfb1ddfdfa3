/*
 * drconsole watch: the headless watcher (watch.h). One poll() loop over the
 * agents' wakeup pipe and a signal self-pipe: every round of an agent is
 * seen at once (a killed postmaster is suspected within its agent's round,
 * not at the next check), the policy says when a check or a confirmation is
 * due, and nothing here waits on a site: results come back through the
 * agents' queues. SIGTERM, SIGINT and SIGHUP stop it: a failover run under
 * way is detached (a console resumes it), the fence stays kept in the
 * state folder.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "i18n.h"
#include "rundir.h"
#include "selfpipe.h"
#include "textout.h"
#include "watch.h"
#include "watchstate.h"
#include "xmalloc.h"

static const char watch_usage[] =
    N_("Usage: drconsole watch [-c FILE]\n"
    "\n"
    "The headless watcher: runs the site agents continuously, in the foreground,\n"
    "logging to stderr (run it under systemd: see drconsole-watch.service).\n"
    "\n"
    "  - Keeps the fence of an old primary armed after any promotion: the moment\n"
    "    it answers as a writable primary again, its PostgreSQL is stopped.\n"
    "  - Judges the primary: a lost PostgreSQL connection or a failed check is\n"
    "    suspected at once and confirmed every watch.confirm_interval (default 1 s)\n"
    "    by two observers, this host and the DR site (its own connection test to\n"
    "    the primary); watch.confirm_checks (default 3) agreements in a row confirm.\n"
    "  - failover_mode automatic: a confirmed failure is failed over unattended\n"
    "    with watch.scenario (default 데이터베이스 장애): the old primary is fenced\n"
    "    first (over SSH, else watch.fence_command), never promoted unfenced, not\n"
    "    when the DR site lagged over sync_interval; each step's confirmation is\n"
    "    given by these checks and journaled; a manual step stops the run for a\n"
    "    console to resume. failover_mode manual: it only alerts.\n"
    "  - Tells every change on stderr, in its journal (STATE_DIR/watch/runs), to\n"
    "    watch.on_event (the event as JSON on stdin) and in watch.metrics_file\n"
    "    (Prometheus textfile); its state is in STATE_DIR/watch.json.\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE   the config (see drconsole --help for the default)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 stopped by a signal, 1 the config or the state folder is\n"
    "not usable, or another watcher runs for it, 2 usage error.\n");

/* Returns the latest snapshot of a configured site (the primary, the DR site), or NULL. */
static struct site_status *watch_snap(const struct watcher *w, const struct site *site)
{
	int i = conf_site_index(w->cf, site);
	return i < 0 ? NULL : &w->snaps[i];
}

/* Returns the jump host's view of the primary, from its agent's latest snapshot. */
static void watch_jump_view(const struct watcher *w, struct wp_view *v)
{
	const struct site_status *s = watch_snap(w, conf_primary(w->cf));
	memset(v, 0, sizeof *v);
	if (s == NULL || s->generation == 0) {
		snprintf(v->why, sizeof v->why, "no round of the primary's agent yet");
		return;
	}
	v->known = 1;
	int64_t now = clock_wall_ms();
	int64_t budget = 2 * w->cf->probe_interval_ms + w->cf->probe_timeout_ms;
	if (!s->reachable) {
		v->lost = 1;
		snprintf(v->why, sizeof v->why, "%s unreachable from this host: %s", s->name, s->error);
	} else if (!s->pg.up) {
		v->lost = 1;
		snprintf(v->why, sizeof v->why, "%s: PostgreSQL %s: %s", s->name,
		         s->pg.role == PG_ROLE_DOWN ? "down" : "not reachable", s->pg.error);
	} else if (now - s->pg.at_ms > budget) {
		v->lost = 1;
		snprintf(v->why, sizeof v->why, "%s: PostgreSQL has not answered for %lld s", s->name,
		         (long long)((now - s->pg.at_ms) / 1000));
	} else {
		snprintf(v->why, sizeof v->why, "%s: PostgreSQL answers as %s", s->name,
		         verdict_role_name(verdict_site_role(s)));
	}
}

/* Keeps the DR site's lag while the primary is seen up: the lag "at its last sight". */
static void watch_track_lag(struct watcher *w, const struct wp_view *jump)
{
	const struct site_status *dr = watch_snap(w, conf_dr(w->cf));
	if (dr == NULL)
		return;
	reach_learn(&w->reach, &dr->pg);
	if (!jump->known || jump->lost)
		return;
	int64_t lag;
	w->lag_known = verdict_lag_ms(dr, &lag) == 0;
	w->lag_ms = w->lag_known ? lag : 0;
}

/* Asks the DR site to test the primary; without a way to ask, the check answers at once. */
static void watch_confirm_ask(struct watcher *w)
{
	const struct site *dr = conf_dr(w->cf);
	int i = conf_site_index(w->cf, dr);
	struct wp_view jump, drv;
	memset(&drv, 0, sizeof drv);
	if (i >= 0 && verdict_site_role(&w->snaps[i]) == PG_ROLE_PRIMARY) {
		char why[600];
		snprintf(why, sizeof why,
		         "nothing to fail over to: %s is a primary already; a person decides",
		         dr->name);
		watchpolicy_set(&w->pol, WP_HELD, "failover_held", 1, why, clock_mono_ms());
		return;
	}
	char *script = reach_script(&w->reach, w->cf->probe_timeout_ms);
	if (i < 0 || script == NULL || !w->snaps[i].reachable) {
		snprintf(drv.why, sizeof drv.why, "%s",
		         script == NULL ? "the DR site was never seen streaming: the primary's address "
		                          "from the DR site is not known"
		                        : "the DR site does not answer SSH");
		free(script);
		watch_jump_view(w, &jump);
		watchpolicy_confirm(&w->pol, &jump, &drv, clock_mono_ms());
		return;
	}
	struct op op = {0};
	op.id = watch_id(w);
	op.kind = OP_SCRIPT;
	op.command = script;
	/* a shell of its own on the site: its startup (probe.start_timeout), then pg_isready's */
	op.timeout_ms = w->cf->probe_start_ms + w->cf->probe_timeout_ms + 2000;
	op.lsn = -1;
	w->reach_op = op.id;
	agent_submit(w->agents[i], &op);
}

/* Takes the DR site's test result into a confirmation check. */
static void watch_confirm_take(struct watcher *w, struct op *op)
{
	const struct snap_pg *pg = &watch_snap(w, conf_dr(w->cf))->pg; /* the config has one */
	struct wp_view jump, drv;
	memset(&drv, 0, sizeof drv);
	/* without a detail, what the site's shell said (a restricted shell refusing the test) */
	const char *failure = op->detail ? op->detail : op->errout;
	drv.known = reach_judge(&w->reach, pg, op->ok, op->output, failure, &drv.lost, drv.why,
	                        sizeof drv.why);
	w->reach_op = 0;
	watch_jump_view(w, &jump);
	watchpolicy_confirm(&w->pol, &jump, &drv, clock_mono_ms());
}

/* Takes a finished operation of the watcher's own (the fence, a DR-site test): 1 when it was (freed). */
int watch_claim(void *ctx, struct op *op)
{
	struct watcher *w = ctx;
	if (watch_failover_take(w, op))
		return 1;
	if (op->id != w->reach_op || w->reach_op == 0)
		return 0;
	watch_confirm_take(w, op);
	op_free(op);
	return 1;
}

/*
 * Takes the agents' and the local runner's finished operations, each to its
 * owner: through the run's host while a run is on (its claim hook gives the
 * watcher its own), directly otherwise.
 */
static void watch_take(struct watcher *w)
{
	struct op op;
	if (w->run.active) {
		runhost_pump(&w->run, w->snaps, w->cf->n_sites);
		runhost_pump(&w->run, w->snaps, w->cf->n_sites); /* results made by the first */
		return;
	}
	while (w->local != NULL && localrun_take(w->local, &op))
		if (!watch_claim(w, &op))
			op_free(&op);
	for (size_t i = 0; i < w->cf->n_sites; i++)
		while (agent_take(w->agents[i], &op))
			if (!fencekeep_take(&w->keep, &op) && !watch_claim(w, &op))
				op_free(&op);
}

/* Tells of runs left unfinished (a console or a watcher that died or quit): a person resumes them. */
static void watch_tell_unfinished(struct watcher *w)
{
	struct journal_runs runs;
	char *cause = NULL;
	if (journal_unfinished(w->cf->state_dir, &runs, &cause) == -1) {
		watch_tell(w, "journal", 1, "", "the runs cannot be listed: %s", cause);
		free(cause);
		return;
	}
	for (size_t i = 0; i < runs.n; i++) {
		if (runs.states[i] == JOURNAL_IS_LIVE)
			continue;
		char *id = runhost_run_id(runs.names[i]);
		watch_tell(w, "run_unfinished", 1, "",
		           "run %s is %s: a person resumes it in the console (drconsole offers it)",
		           id, journal_state_name(runs.states[i]));
		free(id);
	}
	journal_runs_free(&runs);
}

/* Copies the snapshots, judges the verdict, and logs what changed. */
static void watch_observe(struct watcher *w)
{
	int64_t now = clock_wall_ms();
	struct verdict before = w->verdict;
	int all = 1;
	for (size_t i = 0; i < w->cf->n_sites; i++) {
		w->prev[i] = w->snaps[i];
		agent_snapshot(w->agents[i], &w->snaps[i]);
		all &= agent_rounds(w->agents[i]) > 0;
	}
	verdict_judge(w->cf, w->snaps, w->cf->n_sites, now, &w->verdict);
	runbook_track(&w->track, w->cf, w->snaps, w->cf->n_sites);
	if (w->first_rounds) {
		events_diff(w->cf, w->prev, w->snaps, now, &w->events);
		events_verdict(&before, &w->verdict, now, &w->events);
	}
	if (all && !w->first_rounds) {
		w->first_rounds = 1;
		w->events_told = w->events.n + w->events.dropped; /* the start is not news */
		watch_tell(w, "watch_started", 0, "", "watching %s (primary) and %s (DR): %s",
		           conf_primary(w->cf)->name, conf_dr(w->cf)->name,
		           verdict_top(&w->verdict) ? verdict_top(&w->verdict)->text : "all is well");
		watch_tell_unfinished(w);
		if (w->keep.error[0]) /* its event came before the start: told now */
			watch_tell(w, "fence_unreadable", 1, "",
			           "the kept fence cannot be read: %s; a failover may have happened "
			           "already: none is started until a person repairs it",
			           w->keep.error);
	}
}

/* One turn of the loop after a wakeup: observe, judge, act, tell. */
static void watch_turn(struct watcher *w)
{
	watch_observe(w);
	watch_take(w);
	fencekeep_tick(&w->keep, runhost_arms_fence(&w->run));
	if (!w->first_rounds)
		return;
	struct wp_view jump;
	watch_jump_view(w, &jump);
	watch_track_lag(w, &jump);
	int64_t now = clock_mono_ms();
	if (w->pol.state == WP_FAILED_OVER && w->keep.known && w->keep.st.disarmed)
		watchpolicy_set(&w->pol, WP_WATCHING, "fence_disarmed", 0,
		                "the kept fence was disarmed: the primary is watched again", now);
	watchpolicy_see(&w->pol, &jump, now);
	switch (watchpolicy_due(&w->pol, now)) {
	case WP_DUE_CHECK:
		w->last_check_ms = clock_wall_ms();
		w->dirty = 1;
		break;
	case WP_DUE_CONFIRM:
		w->last_check_ms = clock_wall_ms();
		watch_confirm_ask(w);
		break;
	case WP_DUE_NOTHING:
		break;
	}
	if (w->pol.state == WP_CONFIRMED && w->phase == WATCH_IDLE) {
		watch_tell_policy(w);
		watch_failover_begin(w);
	}
	watch_failover_drive(w);
	watch_tell_log(w);
	watch_tell_policy(w);
}

/* Starts the agents and the local runner; -1 with *cause. */
static int watch_start_agents(struct watcher *w, char **cause)
{
	size_t n = w->cf->n_sites;
	w->agents = xcalloc(n, sizeof *w->agents);
	w->snaps = xcalloc(n, sizeof *w->snaps);
	w->prev = xcalloc(n, sizeof *w->prev);
	if (pipe2(w->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((w->agents[i] = agent_start(w->cf, &w->cf->sites[i], w->wake[1], cause)) == NULL)
			return -1;
	w->local = localrun_start(w->wake[1], cause);
	return w->local == NULL ? -1 : 0;
}

/*
 * Stops everything the watcher started: the run detached, the fence taken
 * back, agents stopped, a fence_command under way stopped (localrun_stop).
 */
static void watch_finish(struct watcher *w, const char *why)
{
	w->stop = 1;
	if (w->run.active) {
		runhost_detach(&w->run, why);
		runhost_settle(&w->run, 3000);
		runhost_stop(&w->run);
	}
	watch_tell(w, "watch_stopped", 0, "", "%s%s", why,
	           w->fence == WATCH_FENCE_CMD ? "; the watch.fence_command under way is stopped, "
	                                         "nothing was promoted"
	           : w->fence == WATCH_FENCE_SSH ? "; the fence under way is left to the site, "
	                                         "nothing was promoted"
	                                       : "");
	watch_publish(w); /* watch.json says stopped */
	fencekeep_stop(&w->keep);
	alertq_stop(w->alerts, 2000); /* then at most the send under way: its own 5 s */
	w->alerts = NULL;
	watch_journal_close(w, why);
	for (size_t i = 0; w->agents != NULL && i < w->cf->n_sites; i++)
		if (w->agents[i] != NULL)
			agent_stop(w->agents[i]);
	if (w->local != NULL)
		localrun_stop(w->local);
	rundir_remove_own();
}

/*
 * Takes the primary's address as the DR site streamed from it from the
 * last watcher's watch.json, for the same primary and DR site: a watcher
 * started again while the primary is down can still have it tested.
 */
static void watch_reach_resume(struct watcher *w)
{
	struct watchstate ws;
	char *cause = NULL;
	if (watchstate_read(w->cf->state_dir, &ws, &cause) == -1) {
		free(cause);
		return;
	}
	if (!ws.present || ws.reach_host[0] == '\0' ||
	    strcmp(ws.reach_primary, conf_primary(w->cf)->name) != 0 ||
	    strcmp(ws.reach_dr, conf_dr(w->cf)->name) != 0)
		return;
	snprintf(w->reach.host, sizeof w->reach.host, "%s", ws.reach_host);
	w->reach.port = (long)ws.reach_port;
}

/* Loads the config and the scenario; 0, or an exit status. */
static int watch_load(struct watcher *w, const char *config)
{
	char *error = NULL;
	if (cli_load_catalog_why(config, &w->cat, 0, &error) == -1) {
		free(error); /* printed with its FILE:LINE:COL already */
		return 1;
	}
	w->cf = &w->cat.cf;
	w->sc = scenario_find(&w->cat.scenarios, w->cf->watch.scenario);
	if (w->sc == NULL || conf_primary(w->cf) == NULL || conf_dr(w->cf) == NULL) {
		textout_printf(stderr, "drconsole watch: %s\n",
		               w->sc == NULL ? "the watcher's scenario is not one of the scenarios "
		                               "(drconsole check says which)"
		                             : "the config names no primary and DR site");
		return 1;
	}
	return 0;
}

/* Runs "drconsole watch". */
int cmd_watch(int argc, char **argv)
{
	const char *config = NULL;
	int rc = cli_parse_options(argc, argv, watch_usage, &config);
	if (rc != CLI_PARSED)
		return rc;
	cli_machine_text(); /* its journal, alerts and metrics are read by programs */
	if (optind < argc) {
		cli_usage_error(_("watch: unexpected argument '%s'"), argv[optind]);
		return CLI_EXIT_USAGE;
	}
	static struct watcher w;
	char *cause = NULL;
	if ((rc = watch_load(&w, config)) != 0)
		return rc;
	if (watchstate_claim(w.cf->state_dir, &cause) == -1) {
		textout_printf(stderr, "drconsole watch: %s\n", cause);
		return 1;
	}
	int sig[2];
	char *stamp = journal_stamp(clock_wall_ms(), 0);
	snprintf(w.since, sizeof w.since, "%s", stamp);
	free(stamp);
	event_log_init(&w.events, EVENT_LOG_DEFAULT_CAPACITY);
	runbook_track_init(&w.track);
	reach_init(&w.reach);
	watch_reach_resume(&w); /* before watch.json is replaced */
	watchpolicy_init(&w.pol, w.cf->watch.check_interval_ms, w.cf->watch.confirm_interval_ms,
	                 w.cf->watch.confirm_checks, clock_mono_ms());
	if (selfpipe_start(sig) == -1 || watch_journal_open(&w, &cause) == -1 ||
	    watch_start_agents(&w, &cause) == -1) {
		textout_printf(stderr, "drconsole watch: %s\n", cause ? cause : strerror(errno));
		return 1;
	}
	w.alerts = alertq_start(w.cf->watch.on_event, 5000);
	fencekeep_init(&w.keep, w.cf, w.agents, &w.events, FENCESTATE_WATCH);
	fencekeep_tick(&w.keep, 0);
	if (fencekeep_armed(&w.keep) && strcmp(w.keep.st.site, conf_primary(w.cf)->name) == 0)
		watchpolicy_set(&w.pol, WP_FAILED_OVER, NULL, 0,
		                "a fence is kept for the primary: it failed over already",
		                clock_mono_ms());
	watch_observe(&w); /* the first metrics say unknown, per site, until the first rounds */
	watch_publish(&w);
	int signo = 0;
	while (signo == 0) {
		struct pollfd pfd[2] = {{w.wake[0], POLLIN, 0}, {sig[0], POLLIN, 0}};
		int64_t wait = watchpolicy_wait_ms(&w.pol, clock_mono_ms());
		poll(pfd, 2, (int)(wait > 1000 ? 1000 : wait));
		char buf[64];
		while (read(w.wake[0], buf, sizeof buf) > 0)
			;
		signo = selfpipe_take(sig[0]);
		watch_turn(&w);
		if (w.dirty)
			watch_publish(&w); /* once per turn, whatever it told */
	}
	char why[64];
	snprintf(why, sizeof why, "stopped by signal %d (%s)", signo, strsignal(signo));
	watch_finish(&w, why);
	return 0;
}
