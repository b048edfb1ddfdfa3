/*
 * A run's report, its steps (report.h): for each step of the run, its
 * action and title, who confirmed it (and the watcher's evidence), how many
 * times it started, how it ended, its exit status and the tail of its
 * output, and its time from becoming the current step to finished against
 * its estimate. The step's time is the engine's own (step_ms in
 * step_finished); a journal without it gets the time from the step before
 * it ending (or the run's start) to its own end. A step of a run that did
 * not end is timed to the last record, and said to be running, never done.
 * The catalog (when loaded) gives the steps not reached yet, the titles,
 * the estimates and which action is a promotion; without it a promotion is
 * told by its result, the one operation that answers with a WAL position.
 */
#include "config.h"
#include "drillrun.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "report.h"
#include "utf8.h"
#include "xmalloc.h"

#define REPORT_STEPS_MAX 1024 /* a step number past this is not a step of a run */

/* Returns the step a record is about, or NULL. */
static struct report_step *report_step_of(struct report *rep, json_t *data)
{
	json_t *v = json_object_get(data, "step");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    (size_t)json_integer_value(v) > rep->n_steps)
		return NULL;
	return &rep->steps[json_integer_value(v) - 1];
}

/* Replaces *field with a copy of text (NULL leaves it NULL). */
static void report_set(char **field, const char *text)
{
	free(*field);
	*field = text != NULL ? xstrdup(text) : NULL;
}

/* Returns the scenario the run names, as the catalog has it, or NULL. */
static const struct scenario *report_scenario(const struct journal_records *r,
                                              const struct catalog *cat)
{
	const char *name = r->n > 0 && strcmp(r->items[0].type, JOURNAL_RUN_STARTED) == 0
	                       ? journal_text(r->items[0].data, "scenario", NULL)
	                       : NULL;
	const struct scenario *sc =
	    cat != NULL && name != NULL ? drillrun_find(cat, name) : NULL;
	if (sc != NULL && strcmp(journal_text(r->items[0].data, "mode", ""), "drill") == 0)
		sc = drillrun_live(cat, sc); /* a live drill ran its live form */
	return sc != NULL && strcmp(sc->name, name) == 0 ? sc : NULL;
}

/*
 * Makes the run's steps: as many as run_started says, the catalog's scenario
 * has, or the records name, whichever is most (at most REPORT_STEPS_MAX).
 */
void report_steps_init(struct report *rep, const struct journal_records *r,
                       const struct catalog *cat)
{
	const struct scenario *sc = report_scenario(r, cat);
	json_int_t n = sc != NULL ? (json_int_t)sc->n_steps : 0;
	for (size_t i = 0; i < r->n; i++) {
		int start = strcmp(r->items[i].type, JOURNAL_RUN_STARTED) == 0;
		json_t *v = json_object_get(r->items[i].data, start ? "steps" : "step");
		if (json_is_integer(v) && json_integer_value(v) > n &&
		    json_integer_value(v) <= REPORT_STEPS_MAX)
			n = json_integer_value(v);
	}
	rep->n_steps = (size_t)n;
	rep->steps = xcalloc(rep->n_steps ? rep->n_steps : 1, sizeof *rep->steps);
	for (size_t i = 0; i < rep->n_steps; i++) {
		struct report_step *st = &rep->steps[i];
		st->n = (int)i + 1;
		st->step_ms = st->duration_ms = st->estimate_ms = REPORT_UNKNOWN;
		st->exit_status = REPORT_UNKNOWN;
		if (sc != NULL && i < sc->n_steps)
			st->action = xstrdup(sc->steps[i].text);
	}
}

/* Returns where the last n lines of the len bytes at text start. */
static size_t report_last_lines(const char *text, size_t len, int n)
{
	size_t from = len;
	while (from > 0 && (text[from - 1] != '\n' || --n > 0))
		from--;
	return from;
}

/* Returns the end of text: its last REPORT_TAIL_LINE lines, at most REPORT_TAIL_MAX bytes; NULL if
 * blank. */
static char *report_tail(const char *text)
{
	if (text == NULL)
		return NULL;
	size_t len = strlen(text);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\r'))
		len--;
	if (len == 0)
		return NULL;
	size_t from = report_last_lines(text, len, REPORT_TAIL_LINE);
	size_t cut = utf8_tail(text + from, len - from, REPORT_TAIL_MAX);
	return xstrndup(text + from + cut, len - from - cut);
}

/* Takes a step's confirmation: the watcher's with its evidence, or the holder's. */
static void report_confirmed(struct report *rep, struct report_step *st,
                             const struct journal_record *rec)
{
	const char *by = journal_text(rec->data, "by", NULL);
	report_set(&st->confirmed_by, by != NULL ? by : report_holder(rep));
	report_set(&st->confirm_how, journal_text(rec->data, "confirm", NULL));
	report_set(&st->confirmed_at, rec->ts);
	report_set(&st->evidence, journal_text(rec->data, "evidence", NULL));
}

/* Takes a step's start: one more attempt, and what it sent to each target. */
static void report_started(struct report *rep, struct report_step *st,
                           const struct journal_record *rec)
{
	size_t i;
	json_t *t;
	(void)rep;
	st->attempts++;
	st->finished = 0;
	report_set(&st->state, "running");
	free(st->command);
	st->command = NULL;
	json_array_foreach(json_object_get(rec->data, "targets"), i, t)
	{
		char *more = xasprintf("%s%s%s: %s", st->command ? st->command : "",
		                       st->command ? "; " : "", journal_text(t, "site", "?"),
		                       journal_text(t, "command", "(no command)"));
		free(st->command);
		st->command = more;
	}
}

/* Takes an operation's result: the output's tail, the exit status, a promoted position. */
static void report_output(struct report *rep, struct report_step *st,
                          const struct journal_record *rec)
{
	json_t *d = rec->data, *lsn = json_object_get(d, "lsn"),
	       *rc = json_object_get(d, "exit_status");
	(void)rep;
	const char *out = journal_text(d, "output", journal_text(d, "text", NULL));
	free(st->output);
	st->output = report_tail(out);
	free(st->errout);
	st->errout = report_tail(journal_text(d, "stderr", NULL));
	if (json_is_integer(rc) && json_integer_value(rc) >= 0)
		st->exit_status = (int)json_integer_value(rc);
	if (json_is_true(json_object_get(d, "ok")) && json_is_integer(lsn) &&
	    json_integer_value(lsn) >= 0)
		st->promotion = 1;
}

/* Takes a step's end: its result, times, exit status and why. */
static void report_finished(struct report *rep, struct report_step *st,
                            const struct journal_record *rec)
{
	json_t *d = rec->data, *rc = json_object_get(d, "exit_status");
	const char *result = journal_text(d, "result", "finished");
	report_set(&st->state, strcmp(result, "ok") == 0 ? "done" : result);
	report_set(&st->finished_at, rec->ts);
	st->finished = 1;
	json_t *ms = json_object_get(d, "step_ms"), *dur = json_object_get(d, "duration_ms");
	st->step_ms = json_is_integer(ms) ? (int64_t)json_integer_value(ms) : REPORT_UNKNOWN;
	st->duration_ms = json_is_integer(dur) ? (int64_t)json_integer_value(dur) : REPORT_UNKNOWN;
	if (json_is_integer(rc) && json_integer_value(rc) >= 0)
		st->exit_status = (int)json_integer_value(rc);
	report_set(
	    &st->detail,
	    journal_text(d, "detail", journal_text(d, "why", journal_text(d, "reason", NULL))));
	if (st->confirmed_by == NULL && st->attempts == 0 && strcmp(st->state, "done") == 0) {
		/* a manual step (or one of unknown outcome) checked off by whoever held the run */
		report_set(&st->confirmed_by, report_holder(rep));
		report_set(&st->confirm_how, "marked done");
		report_set(&st->confirmed_at, rec->ts);
	}
}

/* Takes a step held before it ran or after: guarded, unknown, settled, retried. */
static void report_held(struct report *rep, struct report_step *st,
                        const struct journal_record *rec)
{
	static const char *const states[][2] = {{"step_guarded", "guarded"},
	                                        {"step_unknown", "unknown"},
	                                        {"step_settled", "unknown"},
	                                        {"retry", "awaiting"},
	                                        {"confirmation_refused", "awaiting"}};
	(void)rep;
	if (st->finished && strcmp(rec->type, "retry") != 0)
		return;
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(rec->type, states[i][0]) == 0)
			report_set(&st->state, states[i][1]);
	st->finished = 0;
	const char *why = journal_text(rec->data, "why", NULL);
	if (strcmp(rec->type, "confirmation_refused") == 0)
		why = "a confirmation was refused: the live state moved while it was asked";
	report_set(&st->detail, why);
}

/* What each step record means, and who takes it. */
static const struct {
	const char *type;
	void (*take)(struct report *, struct report_step *, const struct journal_record *);
} report_step_takers[] = {
    {JOURNAL_STEP_CONFIRMED, report_confirmed},
    {JOURNAL_STEP_STARTED, report_started},
    {JOURNAL_STEP_OUTPUT, report_output},
    {JOURNAL_STEP_FINISHED, report_finished},
    {"step_guarded", report_held},
    {"step_unknown", report_held},
    {"step_settled", report_held},
    {"retry", report_held},
    {"confirmation_refused", report_held},
};

/* Takes one record into the step it is about (records about no step are left). */
void report_steps_take(struct report *rep, const struct journal_record *rec)
{
	struct report_step *st = report_step_of(rep, rec->data);
	if (st == NULL)
		return;
	const char *action = journal_text(rec->data, "action", NULL);
	if (action != NULL && (st->action == NULL || strcmp(st->action, action) != 0))
		report_set(&st->action, action); /* what ran, whatever the catalog says now */
	for (size_t i = 0; i < sizeof report_step_takers / sizeof report_step_takers[0]; i++)
		if (strcmp(rec->type, report_step_takers[i].type) == 0)
			report_step_takers[i].take(rep, st, rec);
}

/* Tells whether a step is behind the run: done or skipped. */
static int report_step_past(const struct report_step *st)
{
	return st->finished && st->state != NULL &&
	       (strcmp(st->state, "done") == 0 || strcmp(st->state, "skipped") == 0);
}

/* Sets when a step became current: from its own time, else the step before it ending. */
static void report_current_at(struct report_step *st, const char *since)
{
	int64_t end = report_ts_ms(st->finished_at);
	if (st->finished && st->step_ms != REPORT_UNKNOWN && end >= 0)
		st->current_at = journal_stamp(end - st->step_ms, 0);
	else if (since != NULL)
		st->current_at = xstrdup(since);
}

/* Times a step that has no time of its own: its end, or the last record, from becoming current. */
static void report_step_time(const struct report *rep, struct report_step *st)
{
	int64_t from = report_ts_ms(st->current_at);
	int64_t to = report_ts_ms(st->finished ? st->finished_at
	                          : rep->ended ? rep->ended
	                                       : rep->last_at);
	if (st->step_ms == REPORT_UNKNOWN && from >= 0 && to >= from)
		st->step_ms = to - from;
}

/* Fills what the catalog knows of a step's action: its title, estimate, whether it promotes. */
static void report_step_catalog(struct report_step *st, const struct catalog *cat)
{
	const struct action *a =
	    cat != NULL && st->action != NULL ? drillrun_action(cat, st->action) : NULL;
	if (a == NULL)
		return;
	st->title = a->title != NULL ? xstrdup(a->title) : NULL;
	st->estimate_ms = a->estimate_ms > 0 ? a->estimate_ms : REPORT_UNKNOWN;
	if (a->kind == ACTION_BUILTIN && a->builtin != NULL && strcmp(a->builtin, "promote") == 0)
		st->promotion = 1;
}

/*
 * Ends the steps once every record is taken: when each became current, its
 * time, the state of those the records never reached, and what the catalog
 * knows of them.
 */
void report_steps_end(struct report *rep, const struct catalog *cat)
{
	const char *since = rep->started;
	int ended = report_ended(rep);
	for (size_t i = 0; i < rep->n_steps; i++) {
		struct report_step *st = &rep->steps[i];
		report_step_catalog(st, cat);
		if (since != NULL || st->state != NULL)
			report_current_at(st, since);
		if (st->state == NULL)
			st->state = xstrdup(ended           ? "not run"
			                    : since != NULL ? "current"
			                                    : "not reached");
		if (st->current_at != NULL)
			report_step_time(rep, st);
		since = report_step_past(st) ? st->finished_at : NULL;
	}
}

/* Frees the steps. */
void report_steps_free(struct report *rep)
{
	for (size_t i = 0; i < rep->n_steps; i++) {
		struct report_step *st = &rep->steps[i];
		char *texts[] = {st->action,      st->title,        st->state,
		                 st->current_at,  st->finished_at,  st->confirmed_by,
		                 st->confirm_how, st->confirmed_at, st->evidence,
		                 st->detail,      st->output,       st->errout,
		                 st->command};
		for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
			free(texts[k]);
	}
	free(rep->steps);
	rep->steps = NULL;
	rep->n_steps = 0;
}
