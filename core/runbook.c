/*
 * The runbook engine (see runbook.h for the states). Everything here is
 * pure: time comes from env.now_ms, operations leave through env.submit and
 * come back through runbook_result, and every decision is journaled through
 * env.journal. The live snapshots arrive with runbook_tick; from them the
 * engine keeps what it must remember across a failure: the highest WAL
 * position the old primary was seen at (and when), to measure the data
 * lost, and, after a promotion, whether the old primary came back writable.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "duration.h"
#include "probe_sql.h"
#include "runbook.h"
#include "runbook_int.h"
#include "verdict.h"
#include "xmalloc.h"

/* Returns the engine's clock. */
static int64_t runbook_now(const struct runbook *rb)
{
	return rb->env.now_ms(rb->env.arg);
}

/* Journals a record; data (a new reference, or NULL for none) is completed with the step. */
void runbook_log(struct runbook *rb, const char *type, json_t *data, const struct rb_step *st)
{
	if (data == NULL)
		data = json_object();
	if (st != NULL) {
		json_object_set_new(data, "step", json_integer((json_int_t)(st - rb->steps) + 1));
		json_object_set_new(data, "action", json_string(st->plan->action->name));
	}
	rb->env.journal(rb->env.arg, type, data);
}

/* Sets a step's why text. */
static void runbook_why(struct rb_step *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void runbook_why(struct rb_step *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->why, sizeof st->why, fmt, ap);
	va_end(ap);
}

/* Fills the guards' context from the live state and the run's own facts. */
void runbook_guard_ctx(const struct runbook *rb, struct guard_ctx *g)
{
	g->cf = &rb->cat->cf;
	g->sites = rb->sites;
	g->n = rb->sites ? rb->n_sites : 0;
	g->now_ms = runbook_now(rb);
	g->last_primary_lsn = rb->track.lsn;
	g->fenced = rb->fenced;
	g->attested = rb->attested;
}

/* Judges the current step's guards; returns how many fail. */
static int runbook_judge(struct runbook *rb, struct rb_step *st)
{
	const struct action *a = st->plan->action;
	struct guard_ctx g;
	int failing = 0;
	runbook_guard_ctx(rb, &g);
	st->n_guards = 0;
	for (size_t i = 0; i < a->n_guards && i < RUNBOOK_MAX_GUARDS; i++) {
		struct guard_result *r = &st->guards[st->n_guards++];
		guard_check(a->guards[i], &g, r);
		if (!r->pass && failing++ == 0)
			runbook_why(st, "%s: %s", a->guards[i], r->evidence);
	}
	return failing;
}

/* Returns the site the step acts on first (NULL: local), for marks and typed confirmations. */
static const struct site *runbook_target(const struct rb_step *st)
{
	return st->plan->n_targets > 0 ? st->plan->targets[0].site : NULL;
}

/* Returns the snapshot of a configured site, or NULL. */
static const struct site_status *runbook_site(const struct runbook *rb, const struct site *s)
{
	return snapshot_find(rb->sites, rb->n_sites, s ? s->name : NULL);
}

/* Reads the live state a confirmation is checked against. */
static void runbook_read_mark(const struct runbook *rb, struct rb_mark *m)
{
	memset(m, 0, sizeof *m);
	m->timeline = m->replay_lsn = -1;
	if (rb->sites == NULL)
		return;
	int p = verdict_primary(&rb->cat->cf, rb->sites, rb->n_sites);
	if (p >= 0)
		snprintf(m->primary, sizeof m->primary, "%s", rb->sites[p].name);
	const struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	const struct site *target = st ? runbook_target(st) : NULL;
	const struct site_status *s = runbook_site(rb, target ? target : conf_dr(&rb->cat->cf));
	if (s == NULL)
		return;
	m->timeline = s->pg.timeline.known ? s->pg.timeline.v : -1;
	/* A standby's replay position; a primary's WAL moves with every write, so it is not
	 * compared. */
	if (verdict_site_role(s) == PG_ROLE_STANDBY && s->pg.replay_lsn.known)
		m->replay_lsn = s->pg.replay_lsn.v;
}

/* Records the live state as the confirmation dialog opens. */
void runbook_mark(struct runbook *rb)
{
	runbook_read_mark(rb, &rb->mark);
}

/* Ends the run when every step is done or skipped. */
static void runbook_finish(struct runbook *rb, const char *result, const char *reason)
{
	if (rb->finished)
		return;
	rb->finished = 1;
	rb->current = rb->n;
	runbook_log(rb, "run_finished",
	            json_pack("{s:s, s:I, s:s?}", "result", result, "elapsed_ms",
	                      (json_int_t)runbook_elapsed_ms(rb), "reason", reason),
	            NULL);
}

/* Keeps what a step done means for the run: a promotion was made, the old primary fenced. */
void runbook_facts(struct runbook *rb, const struct rb_step *st)
{
	const struct action *a = st->plan->action;
	if (a->kind != ACTION_BUILTIN)
		return;
	if (strcmp(a->builtin, "promote") == 0)
		rb->promoted = 1;
	else if (strcmp(a->builtin, "fence") == 0)
		rb->fenced = 1;
}

/* Marks the current step done and moves on. */
static void runbook_done(struct runbook *rb, struct rb_step *st, const char *why)
{
	char detail[sizeof st->why];
	snprintf(detail, sizeof detail, "%s", why ? why : ""); /* why may be st->why itself */
	st->state = RB_DONE;
	st->finished_ms = runbook_now(rb);
	runbook_why(st, "%s", detail);
	runbook_facts(rb, st);
	runbook_log(rb, "step_finished",
	            json_pack("{s:s, s:I, s:s?}", "result", "done", "duration_ms",
	                      (json_int_t)(st->finished_ms - st->started_ms), "detail",
	                      detail[0] ? detail : NULL),
	            st);
	runbook_enter(rb);
}

/* Marks the current step failed, with why. */
static void runbook_fail(struct runbook *rb, struct rb_step *st)
{
	st->state = RB_FAILED;
	st->finished_ms = runbook_now(rb);
	runbook_log(rb, "step_finished",
	            json_pack("{s:s, s:I, s:s}", "result", "failed", "duration_ms",
	                      (json_int_t)(st->finished_ms - st->started_ms), "why", st->why),
	            st);
}

/* Sends one operation for a step and remembers it; returns its id, 0 when it could not be sent. */
static unsigned runbook_send(struct runbook *rb, struct rb_step *st, enum rb_op op,
                             const struct site *site, const char *command, const char *builtin)
{
	struct rb_request req = {++rb->next_id, (size_t)(st - rb->steps),     op, site, command,
	                         builtin,       st->plan->action->timeout_ms, 0};
	if (rb->n_flights == RUNBOOK_MAX_FLIGHTS || rb->env.submit(rb->env.arg, &req) == -1)
		return 0;
	rb->flights[rb->n_flights++] = (struct rb_flight){req.id, req.step, op};
	st->pending++;
	return req.id;
}

/* Takes a request out of the in-flight list; returns 0 when it was not there. */
static int runbook_land(struct runbook *rb, unsigned id, struct rb_flight *out)
{
	for (size_t i = 0; i < rb->n_flights; i++)
		if (rb->flights[i].id == id) {
			*out = rb->flights[i];
			rb->flights[i] = rb->flights[--rb->n_flights];
			return 1;
		}
	return 0;
}

/* Tells why the promotion must not be sent now (the old primary answers writable); NULL if it may.
 */
static int runbook_promote_refused(struct runbook *rb, struct rb_step *st)
{
	char why[400];
	struct guard_ctx g;
	runbook_guard_ctx(rb, &g);
	if (guard_primary_writable(&g, why, sizeof why) != 1)
		return 0;
	runbook_why(st, "promotion refused: %s; fence it first", why);
	return 1;
}

/* Returns the old primary's first sample past lsn (when the writes lost began), or NULL. */
static const struct rb_sample *runbook_first_past(const struct runbook *rb, int64_t lsn)
{
	const struct rb_sample *first = NULL;
	for (size_t i = 0; i < rb->track.n_samples; i++) {
		const struct rb_sample *s = &rb->track.samples[i];
		if (s->lsn > lsn && (first == NULL || s->at_ms < first->at_ms))
			first = s;
	}
	return first;
}

/* The data_loss built-in: the measured RPO, from what the console saw; journaled. */
static void runbook_data_loss(struct runbook *rb, struct rb_step *st)
{
	char seen[LSN_TEXT_MAX], from[LSN_TEXT_MAX], b[32], d[32];
	if (rb->track.lsn < 0 || rb->promoted_lsn < 0) {
		runbook_why(st, "data lost: not measurable (%s)",
		            rb->track.lsn < 0 ? "the old primary was never seen by this run"
		                              : "no promotion in this run");
		runbook_log(rb, "data_loss",
		            json_pack("{s:n, s:n, s:s}", "bytes", "seconds", "why", st->why), st);
		return;
	}
	int64_t bytes = rb->track.lsn > rb->promoted_lsn ? rb->track.lsn - rb->promoted_lsn : 0;
	const struct rb_sample *s = runbook_first_past(rb, rb->promoted_lsn);
	int64_t ms = bytes > 0 && s != NULL ? rb->track.at_ms - s->at_ms : 0;
	lsn_format(rb->track.lsn, seen, sizeof seen);
	lsn_format(rb->promoted_lsn, from, sizeof from);
	runbook_why(st,
	            "data lost: %s, %s of writes (the old primary was last seen at %s, the new one "
	            "started from %s)",
	            bytes_text(bytes, b, sizeof b), duration_text(ms, d, sizeof d), seen, from);
	runbook_log(rb, "data_loss",
	            json_pack("{s:I, s:f, s:s, s:s}", "bytes", (json_int_t)bytes, "seconds",
	                      (double)ms / 1000, "primary_last_lsn", seen, "promoted_lsn", from),
	            st);
}

/* Starts the current step's operation on each of its targets. */
static void runbook_run(struct runbook *rb, struct rb_step *st)
{
	const struct action *a = st->plan->action;
	st->state = RB_RUNNING;
	st->started_ms = runbook_now(rb);
	st->finished_ms = 0;
	st->attempts++;
	st->failed_targets = 0;
	st->output[0] = '\0';
	st->why[0] = '\0';
	json_t *targets = json_array();
	for (size_t i = 0; i < st->plan->n_targets; i++)
		json_array_append_new(
		    targets,
		    json_pack("{s:s, s:s?}", "site",
		              st->plan->targets[i].site ? st->plan->targets[i].site->name : "local",
		              "command", st->plan->targets[i].command));
	runbook_log(rb, "step_started",
	            json_pack("{s:i, s:o}", "attempt", st->attempts, "targets", targets), st);
	if (a->kind == ACTION_BUILTIN && strcmp(a->builtin, "promote") == 0 &&
	    runbook_promote_refused(rb, st)) {
		runbook_fail(rb, st);
		return;
	}
	if (a->kind == ACTION_BUILTIN && strcmp(a->builtin, "data_loss") == 0) {
		runbook_data_loss(rb, st);
		st->pending = 0;
		if (a->check == NULL)
			runbook_done(rb, st, st->why);
		else
			runbook_result(rb, &(struct rb_result){0, 1, -1, 0, 0, NULL, NULL, -1});
		return;
	}
	for (size_t i = 0; i < st->plan->n_targets; i++) {
		const struct plan_target *t = &st->plan->targets[i];
		enum rb_op op = a->kind == ACTION_RUN ? RB_OP_RUN : RB_OP_BUILTIN;
		if (runbook_send(rb, st, op, t->site, a->kind == ACTION_RUN ? t->command : NULL,
		                 a->kind == ACTION_BUILTIN ? a->builtin : NULL) == 0) {
			runbook_why(
			    st, "could not send the operation to %s (its agent is not connected)",
			    t->site ? t->site->name : "the local side");
			st->failed_targets++;
		}
	}
	if (st->plan->n_targets == 0)
		runbook_why(st, "the step has nothing to run (no site and no command)");
	if (st->pending == 0)
		runbook_fail(rb, st);
}

/* Starts the step's check on each target; a step without one is done. */
static void runbook_verify(struct runbook *rb, struct rb_step *st)
{
	const struct action *a = st->plan->action;
	if (a->check == NULL) {
		runbook_done(rb, st, st->why[0] ? st->why : NULL);
		return;
	}
	st->state = RB_VERIFYING;
	st->failed_targets = 0;
	for (size_t i = 0; i < st->plan->n_targets; i++) {
		const struct plan_target *t = &st->plan->targets[i];
		if (runbook_send(rb, st, RB_OP_CHECK, t->site, a->check_builtin ? NULL : t->check,
		                 a->check_builtin ? a->check : NULL) == 0) {
			runbook_why(st,
			            "could not send the check to %s (its agent is not connected)",
			            t->site ? t->site->name : "the local side");
			st->failed_targets++;
		}
	}
	if (st->pending == 0 && st->failed_targets > 0) {
		st->state = RB_UNKNOWN; /* it ran, but whether it took effect cannot be told yet */
		runbook_log(rb, "step_unknown", json_pack("{s:s}", "why", st->why), st);
	}
}

/* Brings the current step forward as far as it goes without the operator. */
void runbook_enter(struct runbook *rb)
{
	while (rb->current < rb->n && (rb->steps[rb->current].state == RB_DONE ||
	                               rb->steps[rb->current].state == RB_SKIPPED))
		rb->current++;
	if (rb->aborted || rb->finished)
		return;
	if (rb->current >= rb->n) {
		runbook_finish(rb, "done", NULL);
		return;
	}
	struct rb_step *st = &rb->steps[rb->current];
	if (st->state == RB_UNKNOWN && st->pending == 0 && st->plan->action->check != NULL) {
		/* The command may still be running on the site until its time is up. */
		int64_t due = st->started_ms + st->plan->action->timeout_ms, now = runbook_now(rb);
		if (now < due) {
			runbook_why(st,
			            "its outcome is not known: its check runs in %lld s, when the "
			            "command's time is up",
			            (long long)((due - now + 999) / 1000));
			return;
		}
		runbook_verify(rb, st); /* the check decides whether it took effect */
		return;
	}
	if (st->state != RB_PENDING && st->state != RB_GUARDED && st->state != RB_AWAITING)
		return;
	int failing = runbook_judge(rb, st);
	if (failing > 0 && !st->overridden) {
		if (st->state != RB_GUARDED)
			runbook_log(rb, "step_guarded", json_pack("{s:s}", "why", st->why), st);
		st->state = RB_GUARDED;
		return;
	}
	if (st->state != RB_AWAITING) {
		st->state = RB_AWAITING;
		st->why[0] = '\0';
		runbook_mark(rb);
		if (st->plan->action->confirm == CONFIRM_NONE &&
		    st->plan->action->kind != ACTION_MANUAL)
			runbook_run(rb, st);
	}
}

/* Appends a result's output to the step's tail, keeping the end. */
static void runbook_tail(struct rb_step *st, const char *out)
{
	if (out == NULL || *out == '\0')
		return;
	size_t have = strlen(st->output), add = strlen(out), cap = sizeof st->output - 1;
	if (add >= cap) {
		memcpy(st->output, out + add - cap, cap);
		st->output[cap] = '\0';
		return;
	}
	if (have + add > cap) {
		memmove(st->output, st->output + (have + add - cap), have - (have + add - cap));
		have -= have + add - cap;
	}
	memcpy(st->output + have, out, add + 1);
}

/* Writes why an operation failed into the step. */
static void runbook_result_why(struct rb_step *st, const struct rb_flight *f,
                               const struct rb_result *res)
{
	const char *what = f->op == RB_OP_CHECK ? "check" : "operation";
	if (res->lost)
		runbook_why(st, "the connection dropped while the %s ran: its outcome is not known",
		            what);
	else if (res->timed_out)
		runbook_why(st, "the %s did not finish within %lld s: its outcome is not known",
		            what, (long long)(st->plan->action->timeout_ms / 1000));
	else if (res->detail != NULL)
		runbook_why(st, "%s", res->detail);
	else
		runbook_why(st, "the %s failed (exit status %d)", what, res->exit_status);
}

/* Takes in the outcome of the fence sent when the old primary came back. */
static void runbook_return_fenced(struct runbook *rb, const struct rb_result *res)
{
	if (rb->fence_armed && !rb->split_brain) {
		/* The agent fired it: the site answered writable, maybe too briefly to be seen
		 * here. */
		const struct site *old = conf_primary(&rb->cat->cf);
		rb->split_brain = 1;
		snprintf(rb->alarm, sizeof rb->alarm,
		         "SPLIT BRAIN: %s answered as a writable primary after the promotion",
		         old ? old->name : "the old primary");
		runbook_log(rb, "split_brain", json_pack("{s:s}", "evidence", rb->alarm), NULL);
	}
	rb->fence_request = 0;
	rb->fence_armed = 0;
	rb->fence_failed = !res->ok;
	if (res->ok)
		rb->fenced = 1;
	runbook_log(rb, "fence_on_return",
	            json_pack("{s:b, s:s?}", "ok", res->ok, "detail", res->detail), NULL);
}

/* Takes in the outcome of an operation. */
void runbook_result(struct runbook *rb, const struct rb_result *res)
{
	struct rb_flight f;
	if (res->id != 0 && res->id == rb->fence_request) {
		runbook_return_fenced(rb, res);
		return;
	}
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (res->id == 0) /* computed here (data_loss): its check follows */
		f = (struct rb_flight){0, rb->current, RB_OP_BUILTIN};
	else if (!runbook_land(rb, res->id, &f))
		return;
	else
		st = &rb->steps[f.step];
	if (res->id != 0) {
		st->pending--;
		runbook_tail(st, res->output);
		runbook_log(rb, f.op == RB_OP_CHECK ? "check_result" : "step_output",
		            json_pack("{s:b, s:i, s:b, s:b, s:s?, s:s?, s:I}", "ok", res->ok,
		                      "exit_status", res->exit_status, "timed_out", res->timed_out,
		                      "lost", res->lost, "detail", res->detail, "output",
		                      res->output, "lsn", (json_int_t)res->lsn),
		            st);
	}
	if (rb->aborted || f.step != rb->current)
		return; /* a late answer: journaled, nothing more */
	if (!res->ok) {
		runbook_result_why(st, &f, res);
		st->failed_targets++;
		if (res->timed_out || res->lost)
			st->state = RB_UNKNOWN;
	} else if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "promote") == 0) {
		rb->promoted = 1;
		rb->promoted_lsn = res->lsn;
	} else if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "fence") == 0) {
		rb->fenced = 1;
	}
	if (res->ok && res->detail != NULL && f.op != RB_OP_CHECK && res->id != 0)
		runbook_why(st, "%s", res->detail);
	if (st->pending > 0)
		return;
	if (st->failed_targets > 0 && st->state == RB_UNKNOWN) {
		runbook_log(rb, "step_unknown", json_pack("{s:s}", "why", st->why), st);
		if (f.op != RB_OP_CHECK)
			runbook_enter(rb); /* the check, if any, decides; the operator, if not */
	} else if (st->failed_targets > 0) {
		runbook_fail(rb, st);
	} else if (f.op == RB_OP_CHECK) {
		runbook_done(rb, st, st->why[0] ? st->why : NULL);
	} else {
		runbook_verify(rb, st);
	}
}

/* Makes an empty track: nothing seen. */
void runbook_track_init(struct rb_track *t)
{
	memset(t, 0, sizeof *t);
	t->lsn = -1;
}

/* Keeps the configured primary's WAL position while it answers as the primary. */
void runbook_track(struct rb_track *t, const struct conf *cf, const struct site_status *sites,
                   size_t n)
{
	const struct site *ps = conf_primary(cf);
	const struct site_status *p = snapshot_find(sites, n, ps ? ps->name : NULL);
	if (p == NULL || !p->pg.up || verdict_site_role(p) != PG_ROLE_PRIMARY ||
	    !p->pg.current_lsn.known || p->pg.at_ms <= t->at_ms)
		return;
	if (p->pg.current_lsn.v > t->lsn) {
		t->samples[t->next_sample] = (struct rb_sample){p->pg.at_ms, p->pg.current_lsn.v};
		t->next_sample = (t->next_sample + 1) % RUNBOOK_SAMPLES;
		if (t->n_samples < RUNBOOK_SAMPLES)
			t->n_samples++;
		t->lsn = p->pg.current_lsn.v;
	}
	t->at_ms = p->pg.at_ms;
}

/*
 * Sends a fence to the old primary that came back writable after the
 * promotion, or (armed) hands it to the site's agent, which sends it itself
 * the moment the site answers as a writable primary: no round trip through
 * the console between seeing it and stopping it.
 */
static void runbook_fence_returned(struct runbook *rb, int armed)
{
	const struct site *old = conf_primary(&rb->cat->cf);
	struct rb_request req = {++rb->next_id, rb->n,   RB_OP_BUILTIN, old,
	                         NULL,          "fence", 30000,         armed};
	if (rb->env.submit(rb->env.arg, &req) == 0) {
		rb->fence_request = req.id;
		rb->fence_armed = armed;
	}
	runbook_log(rb, armed ? "fence_armed" : "fence_on_return",
	            json_pack("{s:s, s:b}", "site", old ? old->name : "?", armed ? "armed" : "sent",
	                      rb->fence_request != 0),
	            NULL);
}

/*
 * After a promotion: raises the split-brain alarm the moment the old primary
 * answers writable again, fences it at once (or leaves it to the operator
 * when fence_on_return is off), and lowers the alarm only once the fence is
 * proven: the fence succeeded and the old primary no longer answers writable.
 */
static void runbook_watch(struct runbook *rb)
{
	char why[400];
	struct guard_ctx g;
	if (!rb->promoted)
		return;
	runbook_guard_ctx(rb, &g);
	g.fenced = 0;
	int writable = guard_primary_writable(&g, why, sizeof why) == 1;
	if (writable && !rb->split_brain) {
		rb->split_brain = 1;
		rb->fenced = 0;
		snprintf(rb->alarm, sizeof rb->alarm, "SPLIT BRAIN: %s after the promotion", why);
		runbook_log(rb, "split_brain", json_pack("{s:s}", "evidence", rb->alarm), NULL);
	}
	/* Armed from the promotion on, and again after each fence that worked. */
	if (rb->fence_on_return && rb->fence_request == 0 && !rb->fence_failed)
		runbook_fence_returned(rb, 1);
	if (!writable && rb->split_brain && rb->fenced) {
		rb->split_brain = 0;
		runbook_log(rb, "split_brain_resolved", json_pack("{s:s}", "evidence", why), NULL);
		snprintf(rb->alarm, sizeof rb->alarm, "%s", "");
	}
}

/* Fences the old primary that came back writable, on the operator's word (fence_on_return off); -1
 * if there is no such alarm. */
int runbook_fence_returned_now(struct runbook *rb)
{
	if (!rb->split_brain || rb->fence_request != 0)
		return -1;
	runbook_log(rb, "fence_asked", json_pack("{s:s}", "by", "the operator"), NULL);
	rb->fence_failed = 0;
	runbook_fence_returned(rb, 0);
	return 0;
}

/* Takes in the live state: follows the old primary, watches it after a promotion, moves the current
 * step. */
void runbook_tick(struct runbook *rb, const struct site_status *sites, size_t n)
{
	rb->sites = sites;
	rb->n_sites = n;
	if (!rb->promoted)
		runbook_track(&rb->track, &rb->cat->cf, sites, n);
	runbook_watch(rb);
	const struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (!rb->finished && st != NULL &&
	    (st->state == RB_GUARDED || st->state == RB_AWAITING || st->state == RB_PENDING ||
	     (st->state == RB_UNKNOWN && st->pending == 0)))
		runbook_enter(rb);
}

/* Returns the text a typed confirmation must match: the target site's name ("" for local). */
const char *runbook_confirm_target(const struct runbook *rb)
{
	if (rb->current >= rb->n)
		return "";
	const struct site *s = runbook_target(&rb->steps[rb->current]);
	return s ? s->name : "local";
}

/* Accepts the confirmation of the current step if the typed text and the live state allow it. */
enum rb_confirm_answer runbook_confirm(struct runbook *rb, const char *typed)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || st->state != RB_AWAITING || st->plan->action->kind == ACTION_MANUAL)
		return RB_CONFIRM_NOT_ASKED;
	if (st->plan->action->confirm == CONFIRM_TYPED &&
	    (typed == NULL || strcmp(typed, runbook_confirm_target(rb)) != 0))
		return RB_CONFIRM_MISTYPED;
	if (runbook_judge(rb, st) > 0 && !st->overridden) {
		st->state = RB_GUARDED;
		runbook_log(rb, "step_guarded", json_pack("{s:s}", "why", st->why), st);
		return RB_CONFIRM_GUARDED;
	}
	struct rb_mark now;
	runbook_read_mark(rb, &now);
	if (strcmp(now.primary, rb->mark.primary) != 0 || now.timeline != rb->mark.timeline ||
	    now.replay_lsn != rb->mark.replay_lsn) {
		runbook_log(rb, "confirmation_refused",
		            json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "primary_then",
		                      rb->mark.primary, "primary_now", now.primary, "timeline_then",
		                      (json_int_t)rb->mark.timeline, "timeline_now",
		                      (json_int_t)now.timeline, "lsn_then",
		                      (json_int_t)rb->mark.replay_lsn, "lsn_now",
		                      (json_int_t)now.replay_lsn),
		            st);
		rb->mark = now;
		return RB_CONFIRM_CHANGED;
	}
	runbook_log(rb, "step_confirmed",
	            json_pack("{s:s, s:s, s:I, s:I}", "confirm",
	                      action_confirm_name(st->plan->action->confirm), "primary",
	                      rb->mark.primary, "timeline", (json_int_t)rb->mark.timeline,
	                      "replay_lsn", (json_int_t)rb->mark.replay_lsn),
	            st);
	runbook_run(rb, st);
	return RB_CONFIRM_OK;
}

/* Overrides the current step's failing guards; the operator types the first failing guard's name.
 */
int runbook_override(struct runbook *rb, const char *typed)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || st->state != RB_GUARDED)
		return -1;
	for (size_t i = 0; i < st->n_guards; i++) {
		if (st->guards[i].pass)
			continue;
		if (typed == NULL || strcmp(typed, st->plan->action->guards[i]) != 0)
			return -1;
		break;
	}
	st->overridden = 1;
	json_t *failed = json_array();
	for (size_t i = 0; i < st->n_guards; i++)
		if (!st->guards[i].pass)
			json_array_append_new(
			    failed, json_pack("{s:s, s:s}", "guard", st->plan->action->guards[i],
			                      "evidence", st->guards[i].evidence));
	runbook_log(rb, "guard_override", json_pack("{s:o}", "failed", failed), st);
	runbook_enter(rb);
	return 0;
}

/* Records the operator's attestation that the unreachable old primary is down; they type its name.
 */
int runbook_attest(struct runbook *rb, const char *typed)
{
	const struct site *p = conf_primary(&rb->cat->cf);
	const struct site_status *s = runbook_site(rb, p);
	if (p == NULL || s == NULL || s->reachable || typed == NULL || strcmp(typed, p->name) != 0)
		return -1;
	rb->attested = 1;
	runbook_log(rb, "attested",
	            json_pack("{s:s, s:s, s:s}", "site", p->name, "statement",
	                      "the old primary is down and stays down", "evidence", s->error),
	            NULL);
	runbook_enter(rb);
	return 0;
}

/* Tries the current failed (or unknown) step again: its guards, its confirmation, then it runs. */
int runbook_retry(struct runbook *rb)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || (st->state != RB_FAILED && st->state != RB_UNKNOWN) || st->pending > 0)
		return -1;
	runbook_log(rb, "retry", json_pack("{s:s}", "was", runbook_state_name(st->state)), st);
	st->state = RB_PENDING;
	st->overridden = 0;
	runbook_enter(rb);
	return 0;
}

/* Skips the current step, with the operator's reason. */
int runbook_skip(struct runbook *rb, const char *reason)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || reason == NULL || *reason == '\0' || st->pending > 0)
		return -1;
	st->state = RB_SKIPPED;
	st->finished_ms = runbook_now(rb);
	runbook_why(st, "skipped: %s", reason);
	runbook_log(rb, "step_finished",
	            json_pack("{s:s, s:s}", "result", "skipped", "reason", reason), st);
	runbook_enter(rb);
	return 0;
}

/* Marks the current manual step (or an unknown one the operator checked by hand) done. */
int runbook_manual_done(struct runbook *rb)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || st->pending > 0 ||
	    !((st->state == RB_AWAITING && st->plan->action->kind == ACTION_MANUAL) ||
	      st->state == RB_UNKNOWN))
		return -1;
	if (st->started_ms == 0)
		st->started_ms = runbook_now(rb);
	runbook_done(rb, st,
	             st->state == RB_UNKNOWN ? "marked done by the operator"
	                                     : "done by the operator");
	return 0;
}

/* Journals a note of the operator's. */
void runbook_note(struct runbook *rb, const char *text)
{
	runbook_log(rb, "note", json_pack("{s:s}", "text", text ? text : ""),
	            rb->current < rb->n ? &rb->steps[rb->current] : NULL);
}

/* Aborts the run; results still in flight are journaled when they come. */
void runbook_abort(struct runbook *rb, const char *reason)
{
	if (rb->finished)
		return;
	rb->aborted = 1;
	runbook_finish(rb, "aborted", reason);
}

/* Returns a state's name, as the journal and the panel say it. */
const char *runbook_state_name(enum rb_state s)
{
	static const char *const names[] = {"pending", "guarded",   "awaiting confirmation",
	                                    "running", "verifying", "done",
	                                    "failed",  "skipped",   "unknown"};
	return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Returns the run's elapsed time. */
int64_t runbook_elapsed_ms(const struct runbook *rb)
{
	return runbook_now(rb) - rb->started_ms;
}

/* Returns the projected total: elapsed, plus what the remaining steps are estimated to take. */
int64_t runbook_projected_ms(const struct runbook *rb)
{
	int64_t now = runbook_now(rb), total = now - rb->started_ms;
	for (size_t i = rb->current; !rb->finished && i < rb->n; i++) {
		const struct rb_step *st = &rb->steps[i];
		int64_t est = st->plan->action->estimate_ms;
		if (st->state == RB_DONE || st->state == RB_SKIPPED)
			continue;
		if (st->started_ms > 0 && st->finished_ms == 0)
			est = est > now - st->started_ms ? est - (now - st->started_ms) : 0;
		total += est;
	}
	return total;
}

/* Tells how the run stands against the scenario's estimated time. */
enum rb_timer_level runbook_timer_level(const struct runbook *rb)
{
	int64_t budget = rb->scenario->estimated_ms;
	if (budget <= 0)
		return RB_TIMER_OK;
	if (runbook_elapsed_ms(rb) > budget)
		return RB_TIMER_RED;
	return runbook_projected_ms(rb) > budget ? RB_TIMER_AMBER : RB_TIMER_OK;
}

/* Prepares a run of a scenario (its plan and steps) without starting it; -1 with *cause. */
int runbook_prepare(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                    const struct rb_env *env, const struct rb_live *live, char **cause)
{
	struct diag d;
	memset(rb, 0, sizeof *rb);
	diag_init(&d);
	if (plan_build(&rb->plan, cat, sc, &d) == -1 || d.errors > 0) {
		*cause = d.n ? diag_format(&d.items[0]) : xstrdup("the scenario cannot be planned");
		diag_free(&d);
		plan_free(&rb->plan);
		return -1;
	}
	diag_free(&d);
	rb->cat = cat;
	rb->scenario = sc;
	rb->env = *env;
	rb->n = rb->plan.n;
	rb->steps = xcalloc(rb->n ? rb->n : 1, sizeof *rb->steps);
	for (size_t i = 0; i < rb->n; i++)
		rb->steps[i].plan = &rb->plan.steps[i];
	runbook_track_init(&rb->track);
	if (live != NULL && live->seen != NULL)
		rb->track = *live->seen;
	if (live != NULL) {
		rb->sites = live->sites;
		rb->n_sites = live->n;
	}
	rb->promoted_lsn = -1;
	rb->fence_on_return = cat->cf.fence_on_return;
	rb->started_ms = runbook_now(rb);
	return 0;
}

/* Starts a run of a scenario: its plan, its steps, the run_started record; -1 with *cause. */
int runbook_start(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                  const struct rb_env *env, const struct rb_live *live, char **cause)
{
	if (runbook_prepare(rb, cat, sc, env, live, cause) == -1)
		return -1;
	json_t *data = json_pack("{s:s, s:i, s:I}", "scenario", sc->name, "steps", (int)rb->n,
	                         "estimated_ms", (json_int_t)sc->estimated_ms);
	if (live != NULL && live->about != NULL)
		json_object_update(data, live->about);
	runbook_log(rb, "run_started", data, NULL);
	runbook_enter(rb);
	return 0;
}

/* Frees the run. */
void runbook_free(struct runbook *rb)
{
	free(rb->steps);
	plan_free(&rb->plan);
	memset(rb, 0, sizeof *rb);
}
