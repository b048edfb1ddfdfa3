/*
 * The watcher's failover, once the policy confirmed the primary's failure:
 *
 *   1. failover_mode manual: no failover, a person decides (held, alerted);
 *      so too with a kept fence, or a fence.json that cannot be read.
 *      The DR site's lag at the last sight of the primary over sync_interval
 *      (or not known): held too, its run prepared for a person (started and
 *      detached at once: a console offers to resume it).
 *   2. A console of this jump host running a recovery (its run lock held):
 *      held, nothing fenced. Else the scenario's run is started through the
 *      runbook host, which takes this host's run lock and the DR site's: a
 *      console on another jump host holding the DR site's lock holds the
 *      failover before anything is fenced. Once both are held, the fence:
 *      the old primary's PostgreSQL stopped over SSH when the site answers,
 *      else the configured fence_command run here. With neither possible,
 *      or both failed, nothing is promoted (the run is detached for a
 *      person to resume).
 *   3. The run's steps (its journal, every record with "actor": "watch"),
 *      the fence given to the engine as the evidence of its
 *      primary_fenced guard. Each confirmation is given by
 *      the policy, journaled with its evidence; the guards are checked as
 *      for a person. A manual step, a failed step or a step guarded for
 *      WATCH_GUARD_MS stops the run: detached, so that a console resumes it.
 *   4. The run done: failed over; the old primary's fence is kept (the run's
 *      host writes it as the promotion is sent, the watcher again if that
 *      failed: else held, said critical) and the keeper arms it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "bytes.h"
#include "clock.h"
#include "duration.h"
#include "fencestate.h"
#include "runlock.h"
#include "watch.h"
#include "xmalloc.h"

/* Returns a new operation id of the watcher's own range. */
unsigned watch_id(struct watcher *w)
{
	if (++w->next_id < WATCH_ID_BASE || w->next_id >= WATCH_ID_BASE + (1u << 24))
		w->next_id = WATCH_ID_BASE + 1;
	return w->next_id;
}

/* Holds the failover for a person: told, journaled, the run (if any) left to be resumed. */
void watch_failover_stop(struct watcher *w, const char *why)
{
	if (w->run.active) {
		runhost_detach(&w->run, why);
		runhost_settle(&w->run, 3000);
		runhost_stop(&w->run);
	}
	w->phase = WATCH_IDLE;
	w->fence = WATCH_FENCE_NONE;
	w->fence_op = 0;
	watchpolicy_set(&w->pol, WP_HELD, "failover_stopped", 1, why, clock_mono_ms());
	watch_tell_policy(w);
}

static void watch_run_start(struct watcher *w);

/*
 * Holds the failover for a person, with its run prepared: started (the
 * locks, the journal) if it is not yet, and detached with why once it
 * holds its locks, so that a console offers to resume it where a person
 * decides.
 */
static void watch_failover_prepare(struct watcher *w, const char *why)
{
	snprintf(w->prepare, sizeof w->prepare, "%s", why);
	if (w->phase != WATCH_RUNNING)
		watch_run_start(w);
}

/* Runs the configured fence_command here, or holds the failover when there is none left to try. */
static void watch_fence_command(struct watcher *w, const char *ssh_why)
{
	const char *cmd = w->cf->watch.fence_command;
	const struct site *p = conf_primary(w->cf);
	if (cmd == NULL || w->fence_tried_cmd || w->local == NULL) {
		char why[900];
		snprintf(why, sizeof why,
		         "cannot fence %s (%s)%s; nothing is promoted while it may be writable: a "
		         "person decides (drconsole: s, %s)",
		         p->name, ssh_why, cmd == NULL ? "; no watch.fence_command is set" : "",
		         w->sc->name);
		watch_failover_prepare(w, why);
		return;
	}
	struct op op = {0};
	op.id = watch_id(w);
	op.kind = OP_EXEC;
	op.command = xstrdup(cmd);
	op.timeout_ms = 60000;
	op.lsn = -1;
	w->fence_op = op.id;
	w->fence_tried_cmd = 1;
	w->fence = WATCH_FENCE_CMD;
	watch_tell(w, "fence_started", 0, p->name, "fencing %s with watch.fence_command (%s)",
	           p->name, ssh_why);
	localrun_submit(w->local, &op);
}

/* Fences the old primary: over SSH when the site answers, else with fence_command. */
static void watch_fence_start(struct watcher *w)
{
	const struct site *p = conf_primary(w->cf);
	int i = conf_site_index(w->cf, p);
	if (i < 0 || !w->snaps[i].reachable) {
		char why[400];
		snprintf(why, sizeof why, "%s does not answer SSH: %s", p->name,
		         i >= 0 && w->snaps[i].error[0] ? w->snaps[i].error : "unreachable");
		watch_fence_command(w, why);
		return;
	}
	struct op op = {0};
	op.id = watch_id(w);
	op.kind = OP_FENCE;
	op.timeout_ms = 5 * w->cf->probe_timeout_ms + 3000;
	op.lsn = -1;
	op.run = xasprintf("watch-fence-%u", op.id - WATCH_ID_BASE);
	w->fence_op = op.id;
	w->fence = WATCH_FENCE_SSH;
	watch_tell(w, "fence_started", 0, p->name, "fencing %s: stopping its PostgreSQL over SSH",
	           p->name);
	agent_submit(w->agents[i], &op);
}

/* Starts the scenario's run through the runbook host: its locks first, the fence once they are held. */
static void watch_run_start(struct watcher *w)
{
	struct runhost_io io = {w->agents, w->local,        w->snaps, &w->track,   &w->events,
	                        &w->keep,  FENCESTATE_WATCH, NULL,     NULL,        watch_claim,
	                        w};
	char *cause = NULL;
	w->fence_noted = 0;
	w->guarded_ms = 0;
	if (runhost_start(&w->run, &w->cat, w->sc, &io, &cause) == -1) {
		char why[600];
		snprintf(why, sizeof why, "the failover run cannot start: %s", cause);
		free(cause);
		watch_failover_stop(w, why);
		return;
	}
	w->phase = WATCH_RUNNING;
	w->run_begun_ms = clock_mono_ms();
	if (w->prepare[0] == '\0')
		watch_tell(w, "failover_started", 1, conf_dr(w->cf)->name,
		           "failover started: %s; %s is fenced once the run holds its locks",
		           w->sc->name, conf_primary(w->cf)->name);
}

/*
 * Takes the fence's result (1 when op was the watcher's: it is freed): the
 * run's steps go on once it succeeded; else fence_command is tried, else
 * the run is prepared for a person.
 */
int watch_failover_take(struct watcher *w, struct op *op)
{
	if (op->id != w->fence_op || w->fence_op == 0)
		return 0;
	const struct site *p = conf_primary(w->cf);
	char detail[400];
	snprintf(detail, sizeof detail, "%s",
	         op->detail ? op->detail
	         : op->ok   ? "exit status 0"
	                    : (op->errout && op->errout[0] ? op->errout : "failed"));
	w->fence_op = 0;
	if (op->ok) {
		snprintf(w->fence_evidence, sizeof w->fence_evidence, "%s%s",
		         w->fence == WATCH_FENCE_CMD ? "watch.fence_command: " : "", detail);
		w->fence = WATCH_FENCE_DONE;
		watch_tell(w, "fence_done", 0, p->name, "%s fenced: %s", p->name, w->fence_evidence);
	} else if (w->fence == WATCH_FENCE_SSH) {
		char why[500];
		snprintf(why, sizeof why, "its fence over SSH failed: %s", detail);
		watch_tell(w, "fence_failed", 1, p->name, "the fence of %s failed: %s", p->name, detail);
		watch_fence_command(w, why);
	} else {
		char why[600];
		snprintf(why, sizeof why, "watch.fence_command failed (%s)", detail);
		watch_fence_command(w, why);
	}
	op_free(op);
	return 1;
}

/*
 * Tells whether a console of this jump host runs a recovery against the DR
 * site (the run lock of this state folder is held; why says whose), before
 * a run is started: the lock is taken and given back at once, the run's
 * host taking it again with the DR site's, before anything is fenced.
 */
static int watch_console_runs(struct watcher *w, char *why, size_t len)
{
	const char *dr = conf_dr(w->cf)->name;
	struct runlock_owner me, holder;
	struct runlock lock;
	char *cause = NULL;
	runlock_owner_me(&me, "");
	int rc = runlock_acquire(w->cf->state_dir, dr, &me, &lock, &holder, &cause);
	if (rc == 0) {
		runlock_release(&lock);
		return 0;
	}
	if (rc == RUNLOCK_HELD) {
		char *who = runlock_owner_describe(&holder);
		snprintf(why, len, "a console runs a recovery against %s: %s", dr, who);
		free(who);
	} else {
		snprintf(why, len, "the run lock cannot be taken: %s", cause);
	}
	free(cause);
	return 1;
}

/* Starts acting on a confirmed failure (see the top of this file). */
void watch_failover_begin(struct watcher *w)
{
	const struct conf *cf = w->cf;
	const struct site *p = conf_primary(cf);
	char why[900], a[32], b[32], a_run[600];
	int64_t now = clock_mono_ms();
	if (cf->dr.failover_mode != FAILOVER_AUTOMATIC) {
		snprintf(why, sizeof why,
		         "the failure of %s is confirmed; failover_mode is %s: a person decides "
		         "(drconsole: s, %s)",
		         p->name, configmap_mode_name(cf->dr.failover_mode), w->sc->name);
		watchpolicy_set(&w->pol, WP_HELD, "failover_held", 1, why, now);
		return;
	}
	if (fencekeep_armed(&w->keep)) {
		snprintf(why, sizeof why,
		         "a fence is kept for %s: a failover happened already; no second one until "
		         "a person disarms it",
		         w->keep.st.site);
		watchpolicy_set(&w->pol, WP_HELD, "failover_held", 1, why, now);
		return;
	}
	int d = conf_site_index(w->cf, conf_dr(cf));
	if (d < 0 || verdict_site_role(&w->snaps[d]) != PG_ROLE_STANDBY) {
		snprintf(why, sizeof why,
		         "nothing to fail over to: %s is not a streaming standby now (%s); a person "
		         "decides",
		         conf_dr(cf)->name,
		         d < 0 ? "not configured" : verdict_role_name(verdict_site_role(&w->snaps[d])));
		watchpolicy_set(&w->pol, WP_HELD, "failover_held", 1, why, now);
		return;
	}
	if (w->keep.error[0]) {
		snprintf(why, sizeof why,
		         "the kept fence cannot be read (%s): a failover may have happened already; "
		         "none is started until a person repairs it",
		         w->keep.error);
		watchpolicy_set(&w->pol, WP_HELD, "failover_held", 1, why, now);
		return;
	}
	if (!w->lag_known || w->lag_ms > cf->dr.sync_interval_ms) {
		duration_text(cf->dr.sync_interval_ms, b, sizeof b);
		if (w->lag_known)
			duration_text(w->lag_ms, a, sizeof a);
		snprintf(why, sizeof why,
		         "no automatic promotion: the DR site's lag at the last sight of %s was %s "
		         "(sync_interval %s); a person must accept the data loss (drconsole: s, %s)",
		         p->name, w->lag_known ? a : "not known", b, w->sc->name);
		watchpolicy_set(&w->pol, WP_FAILING_OVER, NULL, 0, why, now);
		w->fence = WATCH_FENCE_NONE;
		watch_failover_prepare(w, why);
		return;
	}
	if (watch_console_runs(w, a_run, sizeof a_run)) {
		snprintf(why, sizeof why, "no failover: %s; nothing was fenced: a person decides",
		         a_run);
		watchpolicy_set(&w->pol, WP_HELD, "failover_held", 1, why, now);
		return;
	}
	w->failovers++;
	w->fence_tried_cmd = 0;
	w->fence_evidence[0] = '\0';
	w->prepare[0] = '\0';
	watchpolicy_set(&w->pol, WP_FAILING_OVER, NULL, 0, w->pol.why, now);
	w->fence = WATCH_FENCE_DUE; /* a console on another jump host may hold the DR site's lock */
	watch_run_start(w);
}

/* Gives the current step the policy's confirmation, or stops the run where a person is needed. */
static void watch_run_step(struct watcher *w)
{
	struct runbook *rb = &w->run.rb;
	if (rb->current >= rb->n || rb->held)
		return;
	struct rb_step *st = &rb->steps[rb->current];
	const struct action *act = st->plan->action;
	char why[900];
	if (st->state != RB_GUARDED)
		w->guarded_ms = 0;
	if (st->state == RB_AWAITING && act->kind == ACTION_MANUAL) {
		snprintf(why, sizeof why,
		         "step %zu (%s) must be done by a person: the run waits for a console to "
		         "continue it (drconsole offers to resume it)",
		         rb->current + 1, act->title ? act->title : act->name);
		watch_failover_stop(w, why);
	} else if (st->state == RB_AWAITING) {
		char *evidence = xasprintf("%s; fence: %s", w->pol.why, w->fence_evidence);
		runbook_confirm_by(rb, json_pack("{s:s, s:s}", "by", "watch", "evidence", evidence));
		free(evidence);
	} else if (st->state == RB_GUARDED) {
		if (w->guarded_ms == 0)
			w->guarded_ms = clock_mono_ms();
		else if (clock_mono_ms() - w->guarded_ms > WATCH_GUARD_MS) {
			snprintf(why, sizeof why, "step %zu (%s) stays guarded: %s", rb->current + 1,
			         act->name, st->why);
			watch_failover_stop(w, why);
		}
	} else if (st->state == RB_FAILED) {
		snprintf(why, sizeof why, "step %zu (%s) failed: %s", rb->current + 1, act->name,
		         st->why);
		watch_failover_stop(w, why);
	}
}

/* Returns how long the DR site's run lock may take to answer: a shell's start and a probe's time. */
static int64_t watch_lock_budget_ms(const struct watcher *w)
{
	return w->cf->probe_start_ms + 3 * w->cf->probe_timeout_ms;
}

/*
 * Tells whether fence.json keeps the old primary's fence once the run is
 * done, keeping it again when it does not (the run's keeping failed: a full
 * disk); 0 with why when it cannot be kept.
 */
static int watch_fence_kept(struct watcher *w, char *why, size_t len)
{
	const struct site *old = conf_primary(w->cf), *dr = conf_dr(w->cf);
	struct fencestate fs;
	char *cause = NULL;
	if (fencestate_read(w->cf->state_dir, &fs, &cause) == 0 && fs.armed &&
	    strcmp(fs.site, old->name) == 0)
		return 1;
	free(cause);
	cause = NULL;
	char *run = runhost_run_id(w->run.journal_path ? w->run.journal_path : "");
	char reason[300];
	struct fencestate_by by;
	fencestate_by_me(&by, FENCESTATE_WATCH, run);
	snprintf(reason, sizeof reason, "%s was promoted by run %s", dr->name, run);
	free(run);
	if (fencestate_arm(w->cf->state_dir, old->name, &by, reason, &cause) != -1)
		return 1;
	snprintf(why, len, "%s", cause);
	free(cause);
	return 0;
}

/* Moves the failover on by one tick: the run's host's phase, then the current step. */
void watch_failover_drive(struct watcher *w)
{
	if (w->phase != WATCH_RUNNING || !w->run.active)
		return;
	char why[900];
	switch (w->run.phase) {
	case RUNHOST_LOCKING:
	case RUNHOST_TAKING:
		if (clock_mono_ms() - w->run_begun_ms < watch_lock_budget_ms(w))
			return;
		snprintf(why, sizeof why,
		         "the DR site's run lock did not answer within %lld s: nothing was fenced "
		         "or run",
		         (long long)(watch_lock_budget_ms(w) / 1000));
		watch_failover_stop(w, why);
		return;
	case RUNHOST_HELD:
		snprintf(why, sizeof why, "the DR site's run lock is held: %s; nothing was fenced",
		         w->run.notice);
		watch_failover_stop(w, why);
		return;
	case RUNHOST_REFUSED:
	case RUNHOST_UNREACHABLE:
		snprintf(why, sizeof why, "the failover run cannot go on: %s",
		         w->run.notice[0] ? w->run.notice : "the DR site does not answer");
		watch_failover_stop(w, why);
		return;
	case RUNHOST_RUNNING:
		break;
	}
	struct runbook *rb = &w->run.rb;
	if (w->prepare[0] != '\0') {
		snprintf(why, sizeof why, "%s; the run is prepared for a person to resume", w->prepare);
		w->prepare[0] = '\0';
		watch_failover_stop(w, why);
		return;
	}
	if (w->fence == WATCH_FENCE_DUE) { /* both locks held: now the old primary may be fenced */
		watch_fence_start(w);
		return;
	}
	if (w->fence != WATCH_FENCE_DONE)
		return;
	if (!w->fence_noted) {
		runbook_fenced_by(rb, "watch", w->fence_evidence); /* a record held is kept */
		w->fence_noted = 1;
	}
	if (rb->finished) {
		const struct site *dr = conf_dr(w->cf);
		char cause[300];
		int kept = watch_fence_kept(w, cause, sizeof cause);
		if (kept)
			snprintf(why, sizeof why,
			         "failover finished: %s is the primary; the fence of %s is kept", dr->name,
			         conf_primary(w->cf)->name);
		else
			snprintf(why, sizeof why,
			         "failover finished: %s is the primary, but the fence of %s could not be "
			         "kept (%s): nothing stops it if it comes back writable; a person keeps it "
			         "(drconsole)",
			         dr->name, conf_primary(w->cf)->name, cause);
		runhost_settle(&w->run, 3000);
		runhost_stop(&w->run);
		fencekeep_reload(&w->keep); /* the fence the run kept: armed at once */
		w->phase = WATCH_IDLE;
		w->fence = WATCH_FENCE_NONE;
		watchpolicy_set(&w->pol, kept ? WP_FAILED_OVER : WP_HELD, "failover_finished", 1, why,
		                clock_mono_ms());
		watch_tell_policy(w);
		return;
	}
	if (w->fence_noted)
		watch_run_step(w);
}
