/*
 * Resuming a run from its journal, after the console died (kill -9, a
 * dropped SSH session to the jump host, a crash). The records are replayed
 * into the steps' states; a step that was running or being verified when the
 * console stopped becomes unknown, and its check decides whether it took
 * effect before anything is run again: a command is never re-run blindly.
 */
#include "config.h"
#include "drillrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runbook_int.h"

/* Ids a console may have sent after the last one its journal names (checks, status queries). */
#define RUNBOOK_RESUME_GAP 64
#include "xmalloc.h"

/* Parses a journal stamp ("2026-11-27T06:51:40.537Z") into ms since the epoch; 0 if it is not one.
 */
static int64_t resume_ts(const char *ts)
{
	struct tm tm;
	int ms = 0;
	memset(&tm, 0, sizeof tm);
	if (ts == NULL || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
	                         &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

/* Returns the step a record is about, or NULL. */
static struct rb_step *resume_step(struct runbook *rb, json_t *data)
{
	json_int_t n = json_integer_value(json_object_get(data, "step"));
	const char *action = json_string_value(json_object_get(data, "action"));
	if (n < 1 || (size_t)n > rb->n)
		return NULL;
	struct rb_step *st = &rb->steps[n - 1];
	return action && strcmp(action, st->plan->action->name) == 0 ? st : NULL;
}

/* Replays a step's finish: done, failed or skipped, with its why. */
static void resume_finished(struct runbook *rb, struct rb_step *st, json_t *data, int64_t at)
{
	const char *result = journal_text(data, "result", "");
	st->finished_ms = at;
	if (strcmp(result, "done") == 0) {
		st->state = RB_DONE;
		snprintf(st->why, sizeof st->why, "%s", journal_text(data, "detail", ""));
		runbook_facts(rb, st);
	} else if (strcmp(result, "skipped") == 0) {
		st->state = RB_SKIPPED;
		snprintf(st->why, sizeof st->why, "%s", journal_text(data, "reason", ""));
	} else {
		st->state = RB_FAILED;
		snprintf(st->why, sizeof st->why, "%s", journal_text(data, "why", ""));
	}
}

/*
 * Remembers the operations a step_started record sent (a run: command on a
 * site): if the console stopped while they ran, their sites are asked
 * whether they still run before anything else happens.
 */
static void resume_started(struct runbook *rb, struct rb_step *st, json_t *data)
{
	json_t *targets = json_object_get(data, "targets"), *t;
	size_t i;
	st->n_linger = 0;
	if (st->plan->action->kind != ACTION_RUN)
		return;
	json_array_foreach(targets, i, t)
	{
		json_int_t op = json_integer_value(json_object_get(t, "op"));
		const struct site *site = conf_site(&rb->cat->cf, journal_text(t, "site", ""));
		if (op > 0 && site != NULL && st->n_linger < RUNBOOK_MAX_LINGER)
			st->linger[st->n_linger++] = (struct rb_linger){(unsigned)op, site, 0};
		if (op > 0 && (unsigned)op > rb->next_id)
			rb->next_id = (unsigned)op; /* a resumed run never reuses an id */
	}
}

/*
 * Keeps what a built-in's successful answer told the run: the position its
 * promotion, its stop of the DR site's writes or its promotion back came at.
 */
static void resume_output(struct runbook *rb, const struct action *a, json_t *data)
{
	json_int_t lsn = json_integer_value(json_object_get(data, "lsn"));
	if (!json_is_true(json_object_get(data, "ok")) || lsn <= 0 || a->kind != ACTION_BUILTIN)
		return;
	if (strcmp(a->builtin, "promote") == 0) {
		rb->promoted = 1;
		rb->promoted_lsn = lsn;
	} else if (strcmp(a->builtin, "stop_writes") == 0) {
		rb->stopped_lsn = lsn;
	} else if (strcmp(a->builtin, "promote_back") == 0) {
		rb->back_lsn = lsn;
	}
}

/* Replays what a step record says. */
static void resume_step_record(struct runbook *rb, struct rb_step *st, const char *type,
                               json_t *data, int64_t at)
{
	if (strcmp(type, "step_started") == 0) {
		st->state = RB_RUNNING;
		st->started_ms = at;
		st->finished_ms = 0;
		st->attempts++;
		resume_started(rb, st, data);
	} else if (strcmp(type, "check_result") == 0) {
		st->state = RB_VERIFYING;
	} else if (strcmp(type, "step_output") == 0) {
		resume_output(rb, st->plan->action, data);
	} else if (strcmp(type, "step_finished") == 0) {
		st->n_linger = 0;
		resume_finished(rb, st, data, at);
	} else if (strcmp(type, "step_guarded") == 0) {
		st->state = RB_GUARDED;
		snprintf(st->why, sizeof st->why, "%s", journal_text(data, "why", ""));
	} else if (strcmp(type, "guard_override") == 0) {
		st->overridden = 1;
	} else if (strcmp(type, "retry") == 0) {
		st->state = RB_PENDING;
	} else if (strcmp(type, "step_unknown") == 0) {
		st->state = RB_UNKNOWN;
	} else if (strcmp(type, "step_settled") == 0) {
		st->n_linger = 0;
		st->settled = 1;
	}
}

/* Replays one record into the run. */
static void resume_apply(struct runbook *rb, const struct journal_record *r)
{
	int64_t at = resume_ts(r->ts);
	json_int_t op = json_integer_value(json_object_get(r->data, "op"));
	if (op > 0 && (unsigned)op + RUNBOOK_RESUME_GAP > rb->next_id)
		rb->next_id = (unsigned)op + RUNBOOK_RESUME_GAP; /* past any id sent unjournaled */
	struct rb_step *st = resume_step(rb, r->data);
	if (strcmp(r->type, "run_started") == 0) {
		rb->started_ms = at;
	} else if (st != NULL) {
		resume_step_record(rb, st, r->type, r->data, at);
	} else if (strcmp(r->type, "attested") == 0) {
		rb->attested = 1;
	} else if (strcmp(r->type, "fenced") == 0) {
		rb->fenced = 1;
	} else if (strcmp(r->type, "split_brain") == 0) {
		rb->split_brain = 1;
		rb->fenced = 0; /* as runbook_watch: a fence from before does not hold it */
		snprintf(rb->alarm, sizeof rb->alarm, "%s", journal_text(r->data, "evidence", ""));
	} else if (strcmp(r->type, "split_brain_resolved") == 0) {
		rb->split_brain = 0;
		rb->alarm[0] = '\0';
	} else if (strcmp(r->type, "fence_on_return") == 0 &&
	           json_is_true(json_object_get(r->data, "ok"))) {
		rb->fenced = 1;
	} else if (strcmp(r->type, "run_finished") == 0) {
		rb->finished = 1;
		rb->aborted = strcmp(journal_text(r->data, "result", ""), "aborted") == 0;
	}
}

/*
 * Gives each step up to the current one the time it became current: the
 * run's start for the first, the finish of the step before for the others,
 * so that a resumed step's time does not start again from zero.
 */
static void resume_current_times(struct runbook *rb)
{
	int64_t since = rb->started_ms;
	for (size_t i = 0; i < rb->n; i++) {
		struct rb_step *st = &rb->steps[i];
		st->current_ms = since;
		if (st->state != RB_DONE && st->state != RB_SKIPPED)
			break;
		if (st->finished_ms > 0)
			since = st->finished_ms;
	}
}

/* Returns the scenario a journal is a run of, or NULL with *cause. */
static const struct scenario *resume_scenario(const struct catalog *cat,
                                              const struct journal_records *recs, char **cause)
{
	if (recs->n == 0 || strcmp(recs->items[0].type, "run_started") != 0) {
		*cause = xstrdup("the journal does not begin with run_started");
		return NULL;
	}
	const char *name = journal_text(recs->items[0].data, "scenario", "");
	const struct scenario *sc = drillrun_find(cat, name);
	if (sc != NULL && strcmp(journal_text(recs->items[0].data, "mode", ""), "drill") == 0)
		sc = drillrun_live(cat, sc); /* a live drill ran its live form */
	if (sc == NULL)
		*cause =
		    xasprintf("the journal's scenario '%s' is not in the scenarios any more", name);
	return sc;
}

/*
 * Rebuilds a run from its journal's records and carries on: a step caught
 * running becomes unknown and is settled by its check. -1 with *cause when
 * the journal is not a run of a known scenario, or the run already finished.
 */
int runbook_resume(struct runbook *rb, const struct catalog *cat,
                   const struct journal_records *recs, const struct rb_env *env,
                   const struct rb_live *live, char **cause)
{
	const struct scenario *sc = resume_scenario(cat, recs, cause);
	if (sc == NULL || runbook_prepare(rb, cat, sc, env, live, cause) == -1)
		return -1;
	if (strcmp(journal_text(recs->items[0].data, "mode", ""), "tabletop") == 0)
		rb->tabletop = 1; /* a tabletop stays one: nothing is sent on resume either */
	for (size_t i = 0; i < recs->n; i++)
		resume_apply(rb, &recs->items[i]);
	resume_current_times(rb);
	if (rb->finished) {
		*cause = xstrdup("the run already finished");
		runbook_free(rb);
		return -1;
	}
	size_t done = 0;
	for (size_t i = 0; i < rb->n; i++) {
		struct rb_step *st = &rb->steps[i];
		done += st->state == RB_DONE || st->state == RB_SKIPPED;
		if (st->state == RB_VERIFYING)
			st->n_linger = 0; /* its command had ended: only its check was going on */
		if (st->state == RB_RUNNING || st->state == RB_VERIFYING) {
			st->state = RB_UNKNOWN;
			snprintf(st->cause, sizeof st->cause, "%s",
			         "the console stopped while it ran");
			snprintf(st->why, sizeof st->why, "%s",
			         "the console stopped while it ran: its check decides before "
			         "anything is run again");
			runbook_log(rb, "step_unknown", json_pack("{s:s}", "why", st->why), st);
		}
	}
	runbook_log(rb, "run_resumed",
	            json_pack("{s:i, s:i}", "steps_done", (int)done, "steps", (int)rb->n), NULL);
	runbook_enter(rb);
	return 0;
}

/* The clock of a run shown, not run: the time it is shown at (arg), else the wall clock. */
static int64_t replay_now(void *arg)
{
	const int64_t *at = arg;
	if (at != NULL && *at != 0)
		return *at;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A run shown sends nothing. */
static int replay_submit(void *arg, const struct rb_request *req)
{
	(void)arg;
	(void)req;
	return -1;
}

/* A run shown writes nothing: its records are another process's. */
static int replay_journal(void *arg, const char *type, json_t *data)
{
	(void)arg;
	(void)type;
	json_decref(data);
	return 0;
}

/*
 * Shows the current step of a run replayed as its engine left it: one that
 * no record moved past pending (or past guarded, once overridden) awaits its
 * confirmation, since the engine journals a step's guards failing
 * (step_guarded) and its start, but not the wait for the operator between.
 */
static void replay_current(struct runbook *rb)
{
	struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL || rb->finished)
		return;
	if (st->state == RB_PENDING || (st->state == RB_GUARDED && st->overridden)) {
		st->state = RB_AWAITING;
		st->why[0] = '\0';
	}
}

/*
 * Rebuilds a run from its journal's records only to show it, while another
 * process runs it (the watcher) or after the fact (a review, its clock at
 * live->at_ms): nothing is sent or written, and no step is turned unknown;
 * the current step is the first not done or skipped. -1 with *cause when the
 * journal is not a run of a known scenario.
 */
int runbook_replay(struct runbook *rb, const struct catalog *cat,
                   const struct journal_records *recs, const struct rb_live *live, char **cause)
{
	struct rb_env env = {replay_now, replay_submit, replay_journal, NULL, 0, NULL};
	env.arg = live != NULL ? (void *)live->at_ms : NULL;
	const struct scenario *sc = resume_scenario(cat, recs, cause);
	if (sc == NULL || runbook_prepare(rb, cat, sc, &env, live, cause) == -1)
		return -1;
	for (size_t i = 0; i < recs->n; i++) {
		resume_apply(rb, &recs->items[i]);
		if (strcmp(recs->items[i].type, "run_finished") == 0)
			rb->ended_ms = resume_ts(recs->items[i].ts);
	}
	resume_current_times(rb);
	rb->current = 0;
	while (rb->current < rb->n && (rb->steps[rb->current].state == RB_DONE ||
	                               rb->steps[rb->current].state == RB_SKIPPED))
		rb->current++;
	replay_current(rb);
	return 0;
}
