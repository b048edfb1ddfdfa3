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
#include "supervise.h"
#include "utf8.h"
#include "verdict.h"
#include "xmalloc.h"

/* Returns the engine's clock. */
static int64_t runbook_now(const struct runbook *rb)
{
	return rb->env.now_ms(rb->env.arg);
}

/* Tells the host's event log (when it gave one) of a split brain or a fence, stamped now. */
__attribute__((format(printf, 4, 5))) static void
runbook_event(struct runbook *rb, enum event_level level, const char *site, const char *fmt, ...)
{
	if (rb->env.events == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	event_log_add(rb->env.events, runbook_now(rb), level, site, "%s", text);
	free(text);
}

/* Tells the event log how a fence of site ended: why is its evidence, or why it failed. */
static void runbook_event_fence(struct runbook *rb, const struct site *site, int ok, int on_return,
                                const char *why)
{
	const char *name = site ? site->name : "the old primary";
	const char *what = on_return ? "the fence on return of" : "the fence of";
	if (ok)
		runbook_event(rb, EVENT_INFO, name, "%s %s worked%s%s", what, name, why ? ": " : "",
		              why ? why : "");
	else
		runbook_event(rb, EVENT_CRITICAL, name, "%s %s failed: %s", what, name,
		              why ? why : "no reason given");
}

/* Keeps a record for later, in order (the journal cannot take it now); the run is held. */
static void runbook_keep(struct runbook *rb, const char *type, json_t *data)
{
	rb->held = 1;
	if (rb->n_backlog == RUNBOOK_BACKLOG) { /* the oldest facts stay; this one is told */
		json_decref(data);
		rb->backlog_lost++;
		return;
	}
	struct rb_pending *p = &rb->backlog[rb->n_backlog++];
	snprintf(p->type, sizeof p->type, "%s", type);
	p->data = data;
}

/*
 * Writes the records kept while the journal could not take them, in order;
 * returns 0 once none is left (the run is no longer held), -1 otherwise.
 */
int runbook_flush(struct runbook *rb)
{
	size_t done = 0;
	while (done < rb->n_backlog) {
		struct rb_pending *p = &rb->backlog[done];
		if (rb->env.journal(rb->env.arg, p->type, json_incref(p->data)) == -1)
			break;
		json_decref(p->data);
		done++;
	}
	memmove(rb->backlog, rb->backlog + done, (rb->n_backlog - done) * sizeof *rb->backlog);
	rb->n_backlog -= done;
	if (rb->n_backlog == 0 && rb->backlog_lost > 0) {
		json_t *lost = json_pack("{s:i}", "records", (int)rb->backlog_lost);
		if (rb->env.journal(rb->env.arg, "records_lost", lost) == 0)
			rb->backlog_lost = 0;
	}
	rb->held = rb->n_backlog > 0 || rb->backlog_lost > 0 || rb->broken || rb->stop[0];
	return rb->held ? -1 : 0;
}

/* Completes a record with its step; NULL (it could not be built) becomes a record_failed one. */
static json_t *runbook_record(struct runbook *rb, const char **type, json_t *data,
                              const struct rb_step *st)
{
	if (data == NULL) {
		/* never an empty record: the run stops, loudly, and says which one failed */
		rb->broken = 1;
		rb->held = 1;
		data = json_pack("{s:s}", "failed_type", *type);
		*type = "record_failed";
	}
	if (st != NULL) {
		json_object_set_new(data, "step", json_integer((json_int_t)(st - rb->steps) + 1));
		json_object_set_new(data, "action", json_string(st->plan->action->name));
	}
	return data;
}

/*
 * Journals a fact (what happened: a result, a state seen); data (a new
 * reference, or NULL when it could not be built) is completed with the step.
 * A fact the journal cannot take now is kept and written later, in order;
 * returns -1 then.
 */
int runbook_log(struct runbook *rb, const char *type, json_t *data, const struct rb_step *st)
{
	data = runbook_record(rb, &type, data, st);
	if (rb->n_backlog == 0 && rb->env.journal(rb->env.arg, type, json_incref(data)) == 0) {
		json_decref(data);
		return 0;
	}
	runbook_keep(rb, type, data);
	return -1;
}

/*
 * Journals an intent before it is carried out (write-ahead: a step's start,
 * an operator's decision). Returns -1 when it could not be written: the
 * intent must then not be carried out; the refusal itself is kept as a fact.
 */
static int runbook_intent(struct runbook *rb, const char *type, json_t *data,
                          const struct rb_step *st)
{
	data = runbook_record(rb, &type, data, st);
	if (!rb->held && rb->env.journal(rb->env.arg, type, json_incref(data)) == 0) {
		json_decref(data);
		return 0;
	}
	json_decref(data);
	runbook_keep(rb, "journal_refused", json_pack("{s:s}", "record", type));
	return -1;
}

/* Sets a step's why text. */
static void runbook_why(struct rb_step *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void runbook_why(struct rb_step *st, const char *fmt, ...)
{
	char *text, *clean;
	size_t len;
	va_list ap;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* valid UTF-8 whatever a site sent, cut between characters */
	clean = utf8_clean(text, strlen(text), 0, &len);
	len = utf8_cut(clean, len, sizeof st->why - 1);
	memcpy(st->why, clean, len);
	st->why[len] = '\0';
	free(clean);
	free(text);
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
	g->proofs = rb->proofs;
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
	rb->ended_ms = runbook_now(rb);
	runbook_log(rb, "run_finished",
	            json_pack("{s:s, s:I, s:o}", "result", result, "elapsed_ms",
	                      (json_int_t)runbook_elapsed_ms(rb), "reason",
	                      utf8_json_string(reason)),
	            NULL);
}

/*
 * The old primary's fence was lifted by a person, for the failback: it is no
 * longer watched as an old primary (its promotion back is no split brain),
 * and no fence on return is armed for it again.
 */
static void runbook_lifted(struct runbook *rb)
{
	rb->fence_lifted = 1;
	rb->promoted = 0;
	rb->fence_on_return = 0;
	rb->fence_request = 0;
	rb->fence_armed = 0;
	rb->split_brain = 0;
	rb->alarm[0] = '\0';
}

/* Keeps what a step done means for the run: a promotion was made, the old primary fenced. */
void runbook_facts(struct runbook *rb, const struct rb_step *st)
{
	const struct action *a = st->plan->action;
	if (a->kind != ACTION_BUILTIN || rb->tabletop)
		return; /* a tabletop step changed nothing on any site */
	if (strcmp(a->builtin, "promote") == 0)
		rb->promoted = 1;
	else if (strcmp(a->builtin, "fence") == 0)
		rb->fenced = 1;
	else if (strcmp(a->builtin, "lift_fence") == 0)
		runbook_lifted(rb);
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
	            json_pack("{s:s, s:I, s:I, s:s?}", "result", "done", "duration_ms",
	                      (json_int_t)(st->finished_ms - st->started_ms), "step_ms",
	                      (json_int_t)runbook_step_elapsed_ms(rb, st), "detail",
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
	            json_pack("{s:s, s:I, s:I, s:s}", "result", "failed", "duration_ms",
	                      (json_int_t)(st->finished_ms - st->started_ms), "step_ms",
	                      (json_int_t)runbook_step_elapsed_ms(rb, st), "why", st->why),
	            st);
}

/* Returns the id the next operation will have (ids never repeat within the process). */
static unsigned runbook_next_id(const struct runbook *rb, size_t ahead)
{
	return rb->next_id + 1 + (unsigned)ahead;
}

/*
 * Sends one operation for a step (with id, or the next one when 0) and
 * remembers it; returns its id, 0 when it could not be sent (nothing is sent
 * while the journal cannot be written).
 */
static unsigned runbook_send(struct runbook *rb, struct rb_step *st, enum rb_op op,
                             const struct site *site, const char *command, const char *builtin,
                             unsigned of)
{
	struct rb_request req = {runbook_next_id(rb, 0),
	                         (size_t)(st - rb->steps),
	                         op,
	                         site,
	                         command,
	                         builtin,
	                         op == RB_OP_STATUS ? 30000 : st->plan->action->timeout_ms,
	                         0,
	                         of};
	if (rb->tabletop || rb->held || rb->n_flights == RUNBOOK_MAX_FLIGHTS ||
	    rb->env.submit(rb->env.arg, &req) == -1)
		return 0;
	rb->next_id = req.id;
	rb->flights[rb->n_flights++] = (struct rb_flight){req.id, req.step, op, site, of};
	st->pending++;
	return req.id;
}

/* Tells whether the operation id is one this run sent. */
static int runbook_ours(const struct runbook *rb, unsigned id)
{
	return id > rb->env.first_id && id <= rb->next_id;
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
	json_t *targets = json_array();
	for (size_t i = 0; i < st->plan->n_targets; i++)
		json_array_append_new(
		    targets,
		    json_pack(
		        "{s:s, s:s?, s:I}", "site",
		        st->plan->targets[i].site ? st->plan->targets[i].site->name : "local",
		        "command", st->plan->targets[i].command, "op",
		        (json_int_t)(a->kind == ACTION_BUILTIN ? 0 : runbook_next_id(rb, i))));
	/* Write-ahead: the start is on disk before anything is sent. */
	if (runbook_intent(rb, "step_started",
	                   json_pack("{s:i, s:o}", "attempt", st->attempts + 1, "targets", targets),
	                   st) == -1) {
		st->state =
		    RB_PENDING; /* not started: it is offered again once the journal works */
		runbook_why(st, "not started: the journal cannot be written");
		return;
	}
	st->state = RB_RUNNING;
	st->started_ms = runbook_now(rb);
	st->finished_ms = 0;
	st->attempts++;
	st->failed_targets = 0;
	st->output[0] = '\0';
	st->errout[0] = '\0';
	st->cause[0] = '\0';
	st->settled = 0;
	st->cut = 0;
	st->why[0] = '\0';
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
			runbook_result(rb,
			               &(struct rb_result){.ok = 1, .exit_status = -1, .lsn = -1});
		return;
	}
	for (size_t i = 0; i < st->plan->n_targets; i++) {
		const struct plan_target *t = &st->plan->targets[i];
		enum rb_op op = a->kind == ACTION_RUN ? RB_OP_RUN : RB_OP_BUILTIN;
		if (runbook_send(rb, st, op, t->site, a->kind == ACTION_RUN ? t->command : NULL,
		                 a->kind == ACTION_BUILTIN ? a->builtin : NULL, 0) == 0) {
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
	if (rb->held) { /* it stays running, nothing in flight: checked once the journal works */
		st->state = RB_RUNNING;
		runbook_why(st, "its check waits: the journal cannot be written");
		return;
	}
	st->state = RB_VERIFYING;
	st->failed_targets = 0;
	for (size_t i = 0; i < st->plan->n_targets; i++) {
		const struct plan_target *t = &st->plan->targets[i];
		if (runbook_send(rb, st, RB_OP_CHECK, t->site, a->check_builtin ? NULL : t->check,
		                 a->check_builtin ? a->check : NULL, 0) == 0) {
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

/* Tells whether an invocation of the step may still be running on its site. */
int runbook_may_run(const struct rb_step *st)
{
	return st->n_linger > 0;
}

/* Says, in the step's why, where an invocation may still run. */
static void runbook_why_lingering(struct rb_step *st)
{
	const struct rb_linger *l = &st->linger[0];
	char pid[48] = "";
	if (l->pid > 0)
		snprintf(pid, sizeof pid, " (process group %ld)", l->pid);
	runbook_why(st,
	            "may still be running on %s%s (%s); the site is asked every %d s, and a retry "
	            "is refused until it has ended",
	            l->site ? l->site->name : "its site", pid, st->cause, RUNBOOK_ASK_MS / 1000);
}

/* Asks the sites whether the step's lingering operations ended (every RUNBOOK_ASK_MS). */
static void runbook_ask(struct runbook *rb, struct rb_step *st)
{
	int64_t now = runbook_now(rb);
	if (st->pending > 0 || (st->asked_ms != 0 && now - st->asked_ms < RUNBOOK_ASK_MS))
		return;
	st->asked_ms = now;
	for (size_t i = 0; i < st->n_linger; i++)
		runbook_send(rb, st, RB_OP_STATUS, st->linger[i].site, NULL, NULL,
		             st->linger[i].op);
	runbook_why_lingering(st);
}

/* Brings the current step forward as far as it goes without the operator. */
void runbook_enter(struct runbook *rb)
{
	while (rb->current < rb->n && (rb->steps[rb->current].state == RB_DONE ||
	                               rb->steps[rb->current].state == RB_SKIPPED))
		rb->current++;
	if (rb->aborted || rb->finished || rb->held)
		return;
	if (rb->current >= rb->n) {
		runbook_finish(rb, "done", NULL);
		return;
	}
	struct rb_step *st = &rb->steps[rb->current];
	if (st->current_ms == 0)
		st->current_ms = runbook_now(rb);
	if (st->state == RB_UNKNOWN && runbook_may_run(st)) {
		runbook_ask(rb, st);
		return;
	}
	if (st->state == RB_UNKNOWN && st->pending == 0 && st->plan->action->check != NULL) {
		/* The command may still be running on the site until its time is up. */
		int64_t due = st->started_ms + st->plan->action->timeout_ms, now = runbook_now(rb);
		if (now < due && !st->settled) {
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
	if (rb->tabletop) {
		/* Narrated only: no guard is judged and nothing runs; the facilitator marks it. */
		st->state = RB_AWAITING;
		st->why[0] = '\0';
		return;
	}
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

/* Appends text to a bounded buffer, keeping its end, never starting inside a character. */
static void runbook_tail(char *buf, size_t size, const char *out)
{
	size_t len;
	if (out == NULL || *out == '\0')
		return;
	char *clean = utf8_clean(out, strlen(out), 0, &len);
	utf8_append_tail(buf, size, clean);
	free(clean);
}

/* Writes why an operation failed into the step: the executor's own words when it has them. */
static void runbook_result_why(struct rb_step *st, const struct rb_flight *f,
                               const struct rb_result *res)
{
	const char *what = f->op == RB_OP_CHECK ? "check" : "operation";
	if (res->detail != NULL)
		runbook_why(st, "%s", res->detail);
	else if (res->lost)
		runbook_why(st, "the connection dropped while the %s ran: its outcome is not known",
		            what);
	else if (res->timed_out)
		runbook_why(st, "the %s did not finish within %lld s: its outcome is not known",
		            what, (long long)(st->plan->action->timeout_ms / 1000));
	else
		runbook_why(st, "the %s failed (exit status %d)", what, res->exit_status);
	if (f->op == RB_OP_CHECK && st->cause[0] != '\0') {
		char check[sizeof st->why];
		snprintf(check, sizeof check, "%s", st->why);
		runbook_why(st, "%s; then its check: %s", st->cause, check);
	}
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
		runbook_log(rb, "split_brain",
		            json_pack("{s:o}", "evidence", utf8_json_string(rb->alarm)), NULL);
		runbook_event(rb, EVENT_CRITICAL, old ? old->name : "", "%s", rb->alarm);
	}
	rb->fence_request = 0;
	rb->fence_armed = 0;
	rb->fence_failed = !res->ok;
	if (res->ok)
		rb->fenced = 1;
	runbook_event_fence(rb, conf_primary(&rb->cat->cf), res->ok, 1,
	                    res->detail      ? res->detail
	                    : res->timed_out ? "it did not finish in time: its outcome is not known"
	                                     : NULL);
	runbook_log(rb, "fence_on_return",
	            json_pack("{s:b, s:o}", "ok", res->ok, "detail", utf8_json_string(res->detail)),
	            NULL);
}

/* Journals an operation's outcome. */
static void runbook_log_result(struct runbook *rb, const struct rb_flight *f,
                               const struct rb_result *res, const struct rb_step *st)
{
	const char *type = f->op == RB_OP_CHECK    ? "check_result"
	                   : f->op == RB_OP_STATUS ? "step_status"
	                                           : "step_output";
	json_t *data =
	    json_pack("{s:b, s:i, s:b, s:b, s:o, s:o, s:o, s:I, s:I}", "ok", res->ok, "exit_status",
	              res->exit_status, "timed_out", res->timed_out, "lost", res->lost, "detail",
	              utf8_json_string(res->detail), "output", utf8_json_string(res->output),
	              "stderr", utf8_json_string(res->errout), "cut_bytes", (json_int_t)res->cut,
	              "lsn", (json_int_t)res->lsn);
	if (data != NULL) {
		json_object_set_new(data, "op", json_integer(f->id));
		if (res->pid > 0)
			json_object_set_new(data, "pid", json_integer(res->pid));
		if (res->stopped)
			json_object_set_new(data, "stopped", json_true());
		if (res->may_run)
			json_object_set_new(data, "may_run", json_true());
		if (res->not_run)
			json_object_set_new(data, "not_run", json_true());
		if (f->op == RB_OP_STATUS)
			json_object_set_new(data, "of", json_integer(f->of));
	}
	runbook_log(rb, type, data, st);
}

/* Keeps an operation that may still run on its site: it is asked about until seen ended. */
static void runbook_linger(struct rb_step *st, const struct rb_flight *f, long pid)
{
	if (st->n_linger < RUNBOOK_MAX_LINGER)
		st->linger[st->n_linger++] = (struct rb_linger){f->id, f->site, pid};
	st->asked_ms = 0;
}

/* Drops a lingering operation; returns 0 when it was not one of the step's. */
static int runbook_unlinger(struct rb_step *st, unsigned op)
{
	for (size_t i = 0; i < st->n_linger; i++)
		if (st->linger[i].op == op) {
			st->linger[i] = st->linger[--st->n_linger];
			return 1;
		}
	return 0;
}

/*
 * Takes in a site's answer about a lingering operation: once every one has
 * been seen ended, the step's check decides (or the operator, without one).
 */
static void runbook_status(struct runbook *rb, struct rb_step *st, const struct rb_flight *f,
                           const struct rb_result *res)
{
	enum supervise_end e = (enum supervise_end)res->status_end;
	int ended = res->ok && (e == SUPERVISE_EXITED || e == SUPERVISE_STOPPED ||
	                        e == SUPERVISE_GONE || e == SUPERVISE_ABSENT);
	if (!ended) {
		for (size_t i = 0; i < st->n_linger; i++)
			if (st->linger[i].op == f->of && res->pid > 0)
				st->linger[i].pid = res->pid;
		if (st->pending == 0)
			runbook_why_lingering(st);
		return;
	}
	if (!runbook_unlinger(st, f->of) || st->n_linger > 0 || st->pending > 0)
		return;
	st->settled = 1;
	char seen[160];
	snprintf(seen, sizeof seen, "%s",
	         e == SUPERVISE_EXITED    ? "it has ended"
	         : e == SUPERVISE_STOPPED ? "it was stopped at its deadline"
	         : e == SUPERVISE_ABSENT  ? "it never started on the site"
	                                  : "it has ended, killed");
	runbook_why(st, "%s%s%s; its outcome is not known", st->cause, st->cause[0] ? "; " : "",
	            seen);
	if (e == SUPERVISE_EXITED)
		runbook_why(st, "%s%s%s with exit status %d", st->cause, st->cause[0] ? "; " : "",
		            seen, res->exit_status);
	runbook_log(rb, "step_settled", json_pack("{s:s}", "why", st->why), st);
	runbook_enter(rb); /* the check decides, if there is one; the operator otherwise */
}

/* Sets the step's state from an operation that failed. */
static void runbook_failed_op(struct rb_step *st, const struct rb_flight *f,
                              const struct rb_result *res)
{
	runbook_result_why(st, f, res);
	st->failed_targets++;
	if (res->stopped || res->not_run)
		return; /* known: it does not run (any more) */
	if (res->timed_out || res->lost || res->may_run) {
		st->state = RB_UNKNOWN;
		size_t n = utf8_cut(st->why, strlen(st->why), sizeof st->cause - 1);
		memcpy(st->cause, st->why, n); /* whole characters only */
		st->cause[n] = '\0';
		if (f->op == RB_OP_RUN && (res->may_run || res->lost))
			runbook_linger(st, f, res->pid);
	}
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
	if (res->id == 0) { /* computed here (data_loss): its check follows */
		f = (struct rb_flight){0, rb->current, RB_OP_BUILTIN, NULL, 0};
	} else if (!runbook_land(rb, res->id, &f)) {
		/* not an operation of this run's (another run's, or one answered twice) */
		rb->stray++;
		runbook_log(rb, "result_dropped",
		            json_pack("{s:I, s:b, s:s}", "op", (json_int_t)res->id, "ok", res->ok,
		                      "why",
		                      runbook_ours(rb, res->id) ? "answered already"
		                                                : "not an operation of this run"),
		            NULL);
		return;
	} else {
		st = &rb->steps[f.step];
	}
	if (res->id != 0) {
		st->pending--;
		if (f.op != RB_OP_STATUS) {
			runbook_tail(st->output, sizeof st->output, res->output);
			runbook_tail(st->errout, sizeof st->errout, res->errout);
			st->cut += res->cut;
		}
		runbook_log_result(rb, &f, res, st);
	}
	if (rb->aborted || f.step != rb->current)
		return; /* a late answer: journaled, nothing more */
	if (f.op == RB_OP_STATUS) {
		runbook_status(rb, st, &f, res);
		return;
	}
	if (!res->ok) {
		runbook_failed_op(st, &f, res);
	} else if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "promote") == 0) {
		rb->promoted = 1;
		rb->promoted_lsn = res->lsn;
	} else if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "fence") == 0) {
		rb->fenced = 1;
	} else if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "stop_writes") == 0) {
		rb->stopped_lsn = res->lsn;
	} else if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "promote_back") == 0) {
		rb->back_lsn = res->lsn;
	}
	if (f.op == RB_OP_BUILTIN && strcmp(st->plan->action->builtin, "fence") == 0)
		runbook_event_fence(rb, f.site, res->ok, 0, res->ok ? res->detail : st->why);
	if (res->ok && res->detail != NULL && f.op != RB_OP_CHECK && res->id != 0)
		runbook_why(st, "%s", res->detail);
	if (st->pending > 0)
		return;
	if (st->failed_targets > 0 && st->state == RB_UNKNOWN) {
		runbook_log(rb, "step_unknown", json_pack("{s:s}", "why", st->why), st);
		if (f.op != RB_OP_CHECK)
			runbook_enter(
			    rb); /* asked about, or the check decides; the operator, if not */
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
	struct rb_request req = {.id = runbook_next_id(rb, 0),
	                         .step = rb->n,
	                         .op = RB_OP_BUILTIN,
	                         .site = old,
	                         .builtin = "fence",
	                         .timeout_ms = 30000,
	                         .on_return = armed};
	if (!rb->tabletop && rb->env.submit(rb->env.arg, &req) == 0) {
		rb->next_id = req.id;
		rb->fence_request = req.id;
		rb->fence_armed = armed;
	}
	if (rb->fence_request == 0)
		runbook_event(rb, EVENT_CRITICAL, old ? old->name : "",
		              "the fence of %s could not be %s",
		              old ? old->name : "the old primary", armed ? "armed" : "sent");
	else if (!armed)
		runbook_event(rb, EVENT_WARNING, old ? old->name : "",
		              "fence sent to %s: stop its PostgreSQL", old ? old->name : "?");
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
		runbook_log(rb, "split_brain",
		            json_pack("{s:o}", "evidence", utf8_json_string(rb->alarm)), NULL);
		runbook_event(rb, EVENT_CRITICAL, "", "%s", rb->alarm);
	}
	/* Armed from the promotion on, and again after each fence that worked. */
	if (rb->fence_on_return && rb->fence_request == 0 && !rb->fence_failed)
		runbook_fence_returned(rb, 1);
	if (!writable && rb->split_brain && rb->fenced) {
		rb->split_brain = 0;
		runbook_log(rb, "split_brain_resolved",
		            json_pack("{s:o}", "evidence", utf8_json_string(why)), NULL);
		runbook_event(rb, EVENT_INFO, "",
		              "split brain over: the old primary is fenced (%s)", why);
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
	runbook_watch(rb); /* the split-brain alarm and the fence on return never wait */
	if (rb->held && runbook_flush(rb) == -1)
		return; /* nothing else moves until the journal takes the records kept */
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (!rb->finished && !rb->aborted && st != NULL && st->state == RB_RUNNING &&
	    st->pending == 0)
		runbook_verify(rb, st); /* its check waited for the journal */
	else if (!rb->finished && st != NULL &&
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

/* Accepts the confirmation of the current step (typed text, or by a policy) if the live state allows it. */
static enum rb_confirm_answer runbook_confirm_with(struct runbook *rb, const char *typed,
                                                   json_t *by)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || st->state != RB_AWAITING || st->plan->action->kind == ACTION_MANUAL ||
	    rb->tabletop) {
		json_decref(by);
		return RB_CONFIRM_NOT_ASKED;
	}
	if (rb->held) {
		json_decref(by);
		return RB_CONFIRM_HELD;
	}
	if (by == NULL && st->plan->action->confirm == CONFIRM_TYPED &&
	    (typed == NULL || strcmp(typed, runbook_confirm_target(rb)) != 0))
		return RB_CONFIRM_MISTYPED;
	if (runbook_judge(rb, st) > 0 && !st->overridden) {
		json_decref(by);
		st->state = RB_GUARDED;
		runbook_log(rb, "step_guarded", json_pack("{s:s}", "why", st->why), st);
		return RB_CONFIRM_GUARDED;
	}
	struct rb_mark now;
	runbook_read_mark(rb, &now);
	if (strcmp(now.primary, rb->mark.primary) != 0 || now.timeline != rb->mark.timeline ||
	    now.replay_lsn != rb->mark.replay_lsn) {
		json_decref(by);
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
	json_t *rec = json_pack("{s:s, s:s, s:I, s:I}", "confirm",
	                        action_confirm_name(st->plan->action->confirm), "primary",
	                        rb->mark.primary, "timeline", (json_int_t)rb->mark.timeline,
	                        "replay_lsn", (json_int_t)rb->mark.replay_lsn);
	if (by != NULL)
		json_object_update(rec, by);
	json_decref(by);
	if (runbook_intent(rb, "step_confirmed", rec, st) == -1)
		return RB_CONFIRM_HELD;
	runbook_run(rb, st);
	return st->state == RB_PENDING ? RB_CONFIRM_HELD : RB_CONFIRM_OK;
}

/*
 * Confirms the current step as the operator does: a typed confirmation
 * must name the target site; refused when a guard fails or the live state
 * moved since the dialog opened.
 */
enum rb_confirm_answer runbook_confirm(struct runbook *rb, const char *typed)
{
	return runbook_confirm_with(rb, typed, NULL);
}

/*
 * Confirms the current step on a policy's word instead of a person's (the
 * watcher): by's members ("by", "evidence") go into step_confirmed (the
 * reference is stolen). The guards are checked as for a person, against the
 * live state marked now (a policy decides on the state it sees; there is no
 * dialog for the state to move under); a manual step is never confirmed so.
 */
enum rb_confirm_answer runbook_confirm_by(struct runbook *rb, json_t *by)
{
	runbook_mark(rb);
	return runbook_confirm_with(rb, NULL, by);
}

/*
 * Takes in that the old primary was fenced outside the run's steps (the
 * watcher fences before it starts a run): the primary_fenced guard then
 * passes; journaled with its evidence (-1: the record is kept until the
 * journal takes it, and the run is held meanwhile).
 */
int runbook_fenced_by(struct runbook *rb, const char *by, const char *evidence)
{
	const struct site *old = conf_primary(&rb->cat->cf);
	rb->fenced = 1; /* a fact: kept in order, and written, even while the journal is held */
	return runbook_log(rb, "fenced",
	                   json_pack("{s:s, s:s, s:o}", "site", old ? old->name : "?", "by", by,
	                             "evidence", utf8_json_string(evidence)),
	                   NULL);
}

/* Overrides the current step's failing guards; the operator types the first failing guard's name.
 */
int runbook_override(struct runbook *rb, const char *typed)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || st->state != RB_GUARDED || rb->held)
		return -1;
	for (size_t i = 0; i < st->n_guards; i++) {
		if (st->guards[i].pass)
			continue;
		if (typed == NULL || strcmp(typed, st->plan->action->guards[i]) != 0)
			return -1;
		break;
	}
	json_t *failed = json_array();
	for (size_t i = 0; i < st->n_guards; i++)
		if (!st->guards[i].pass)
			json_array_append_new(failed,
			                      json_pack("{s:s, s:o}", "guard",
			                                st->plan->action->guards[i], "evidence",
			                                utf8_json_string(st->guards[i].evidence)));
	if (runbook_intent(rb, "guard_override", json_pack("{s:o}", "failed", failed), st) == -1)
		return -1;
	st->overridden = 1;
	runbook_enter(rb);
	return 0;
}

/* Records the operator's attestation that the unreachable old primary is down; they type its name.
 */
int runbook_attest(struct runbook *rb, const char *typed)
{
	const struct site *p = conf_primary(&rb->cat->cf);
	const struct site_status *s = runbook_site(rb, p);
	if (p == NULL || s == NULL || s->reachable || typed == NULL ||
	    strcmp(typed, p->name) != 0 || rb->held)
		return -1;
	if (runbook_intent(rb, "attested",
	                   json_pack("{s:s, s:s, s:o}", "site", p->name, "statement",
	                             "the old primary is down and stays down", "evidence",
	                             utf8_json_string(s->error)),
	                   NULL) == -1)
		return -1;
	rb->attested = 1;
	runbook_event(rb, EVENT_WARNING, p->name,
	              "%s attested down by the operator instead of a fence (journaled)", p->name);
	runbook_enter(rb);
	return 0;
}

/* Tries the current failed (or unknown) step again: its guards, its confirmation, then it runs. */
int runbook_retry(struct runbook *rb)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || (st->state != RB_FAILED && st->state != RB_UNKNOWN) || rb->held)
		return -1;
	if (runbook_may_run(st)) {
		/* never a second invocation beside one that may still run */
		runbook_log(rb, "retry_refused", json_pack("{s:s}", "why", st->why), st);
		return -1;
	}
	if (st->pending > 0 ||
	    runbook_intent(rb, "retry", json_pack("{s:s}", "was", runbook_state_name(st->state)),
	                   st) == -1)
		return -1;
	st->state = RB_PENDING;
	st->overridden = 0;
	runbook_enter(rb);
	return 0;
}

/* Skips the current step, with the operator's reason. */
int runbook_skip(struct runbook *rb, const char *reason)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || reason == NULL || *reason == '\0' || st->pending > 0 || rb->held)
		return -1;
	if (runbook_intent(rb, "step_finished",
	                   json_pack("{s:s, s:o, s:I}", "result", "skipped", "reason",
	                             utf8_json_string(reason), "step_ms",
	                             (json_int_t)runbook_step_elapsed_ms(rb, st)),
	                   st) == -1)
		return -1;
	st->state = RB_SKIPPED;
	st->finished_ms = runbook_now(rb);
	st->n_linger = 0; /* the operator's word, journaled */
	runbook_why(st, "%s", reason);
	runbook_enter(rb);
	return 0;
}

/* Marks the current manual step (or an unknown one the operator checked by hand) done. */
int runbook_manual_done(struct runbook *rb)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || st->pending > 0 || rb->held ||
	    !((st->state == RB_AWAITING &&
	       (st->plan->action->kind == ACTION_MANUAL || rb->tabletop)) ||
	      st->state == RB_UNKNOWN))
		return -1;
	if (rb->tabletop) {
		st->started_ms = st->started_ms ? st->started_ms : runbook_now(rb);
		runbook_done(rb, st, "done (tabletop)");
		return 0;
	}
	st->n_linger = 0; /* the operator checked it by hand: journaled with the step */
	if (st->started_ms == 0)
		st->started_ms = runbook_now(rb);
	runbook_done(rb, st,
	             st->state == RB_UNKNOWN ? "marked done by the operator"
	                                     : "done by the operator");
	return 0;
}

/* Journals a note of the operator's; -1 when the journal cannot take it. */
int runbook_note(struct runbook *rb, const char *text)
{
	return runbook_intent(rb, "note",
	                      json_pack("{s:o}", "text", utf8_json_string(text ? text : "")),
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

/*
 * Journals that the console leaves while the run goes on (the operator quit,
 * the terminal went away): the run stays open and can be resumed; steps
 * running on the sites go on under their deadlines.
 */
void runbook_detach(struct runbook *rb, const char *reason)
{
	if (rb->finished)
		return;
	const struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	runbook_log(rb, "detached",
	            json_pack("{s:o, s:s?}", "reason", utf8_json_string(reason), "state",
	                      st ? runbook_state_name(st->state) : NULL),
	            st);
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
	return (rb->ended_ms > 0 ? rb->ended_ms : runbook_now(rb)) - rb->started_ms;
}

/*
 * Returns a step's time: from when it became the current step (waiting for
 * its guards and its confirmation counts) to when it finished, or now.
 */
int64_t runbook_step_elapsed_ms(const struct runbook *rb, const struct rb_step *st)
{
	int64_t from = st->current_ms > 0 ? st->current_ms : st->started_ms;
	if (from == 0)
		return 0;
	int64_t to = st->finished_ms > 0 ? st->finished_ms
	             : rb->ended_ms > 0  ? rb->ended_ms
	                                 : runbook_now(rb);
	return to > from ? to - from : 0;
}

/* Returns the projected total: elapsed, plus what the remaining steps are estimated to take. */
int64_t runbook_projected_ms(const struct runbook *rb)
{
	int64_t now = runbook_now(rb), total = runbook_elapsed_ms(rb);
	for (size_t i = rb->current; !rb->finished && i < rb->n; i++) {
		const struct rb_step *st = &rb->steps[i];
		int64_t est = st->plan->action->estimate_ms;
		if (st->state == RB_DONE || st->state == RB_SKIPPED)
			continue;
		if (st->current_ms > 0 && st->finished_ms == 0)
			est = est > now - st->current_ms ? est - (now - st->current_ms) : 0;
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
		rb->proofs = live->proofs;
	}
	rb->promoted_lsn = -1;
	rb->stopped_lsn = -1;
	rb->back_lsn = -1;
	rb->next_id = env->first_id;
	rb->fence_on_return = cat->cf.fence_on_return;
	rb->started_ms = runbook_now(rb);
	return 0;
}

/* Starts a run of a scenario: its plan, its steps, the run_started record; -1 with *cause. */
int runbook_start(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                  const struct rb_env *env, const struct rb_live *live, char **cause)
{
	return runbook_start_mode(rb, cat, sc, env, live, 0, cause);
}

/* Starts a run, as a tabletop (nothing is ever submitted) when tabletop; -1 with *cause. */
int runbook_start_mode(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                       const struct rb_env *env, const struct rb_live *live, int tabletop,
                       char **cause)
{
	if (runbook_prepare(rb, cat, sc, env, live, cause) == -1)
		return -1;
	rb->tabletop = tabletop;
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
