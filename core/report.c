/*
 * A run's report, the run as a whole (report.h): what it was (a scenario, a
 * drill, a standalone action), in which mode, run by a person or by the
 * watcher, who held it and from where, when it started and ended, its total
 * time against the scenario's estimate, a drill's participants, objectives
 * and hot wash, the data lost (RPO) and the time to recover (RTO) against
 * their targets. One pass over the records feeds this file, the steps
 * (report_steps.c) and the events (report_events.c).
 *
 * Estimates: the run_started record holds the scenario's estimated_time as
 * it was when the run began (estimated_ms); a journal without it takes the
 * catalog's, when a config was loaded; otherwise the estimate is unknown,
 * never zero. The RTO runs from the run's start to the promotion verified
 * writable (a promotion step done: promote, then its writable check), or,
 * in a run that made none, to its end; an aborted run did not recover.
 */
#include "config.h"
#include "drillrun.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "report.h"
#include "xmalloc.h"

/* Parses a journal stamp (2026-11-27T06:15:00.123Z) into ms since the epoch; -1 if it is not one.
 */
int64_t report_ts_ms(const char *ts)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *rest = ts != NULL ? strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (rest == NULL || rest[0] != '.' || strlen(rest) != 5 || rest[4] != 'Z' ||
	    strspn(rest + 1, "0123456789") != 3)
		return -1;
	return (int64_t)timegm(&tm) * 1000 + atoi(rest + 1);
}

/* Returns the string member key of data, newly allocated, or NULL when it is not a string. */
char *report_text(json_t *data, const char *key)
{
	const char *s = json_string_value(json_object_get(data, key));
	return s != NULL ? xstrdup(s) : NULL;
}

/* Returns a member that holds milliseconds, or REPORT_UNKNOWN when it is not a count. */
static int64_t report_ms(json_t *data, const char *key)
{
	json_t *v = json_object_get(data, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? (int64_t)json_integer_value(v)
	                                                        : REPORT_UNKNOWN;
}

/* Returns who holds the run now: the watcher, or the last operator named (NULL: nobody named). */
const char *report_holder(const struct report *rep)
{
	if (rep->actor != NULL && strcmp(rep->actor, "watch") == 0)
		return "watch";
	return rep->n_operators > 0 ? rep->operators[rep->n_operators - 1].name : NULL;
}

/* Adds who holds the run from a record on, unless it is the one who holds it already. */
static void report_operator(struct report *rep, const char *name, const char *host,
                            const char *origin, const char *since, const char *how)
{
	if (name == NULL)
		return;
	struct report_person *last =
	    rep->n_operators > 0 ? &rep->operators[rep->n_operators - 1] : NULL;
	if (last != NULL && strcmp(last->name, name) == 0 &&
	    strcmp(last->host ? last->host : "", host ? host : "") == 0 &&
	    strcmp(last->origin ? last->origin : "", origin ? origin : "") == 0)
		return;
	rep->operators =
	    xreallocarray(rep->operators, rep->n_operators + 1, sizeof *rep->operators);
	struct report_person *p = &rep->operators[rep->n_operators++];
	p->name = xstrdup(name);
	p->host = host ? xstrdup(host) : NULL;
	p->origin = origin ? xstrdup(origin) : NULL;
	p->since = xstrdup(since);
	p->how = xstrdup(how);
}

/* Appends the strings of v (one string, or an array of them) to *list. */
static void report_strings(json_t *v, char ***list, size_t *n)
{
	size_t i;
	json_t *item;
	if (json_is_string(v)) {
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = xstrdup(json_string_value(v));
		return;
	}
	json_array_foreach(v, i, item) report_strings(item, list, n);
}

/* Takes a drill's participants: {name, role} objects, or names alone. */
static void report_participants(struct report *rep, json_t *v)
{
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		char *name = json_is_string(item) ? xstrdup(json_string_value(item))
		                                  : report_text(item, "name");
		if (name == NULL)
			continue;
		rep->participants = xreallocarray(rep->participants, rep->n_participants + 1,
		                                  sizeof *rep->participants);
		rep->participants[rep->n_participants++] =
		    (struct report_participant){name, report_text(item, "role")};
	}
}

/* Takes the run_started record: what the run is, who started it, its targets. */
static void report_started(struct report *rep, const struct journal_record *rec)
{
	json_t *d = rec->data;
	if (rep->started != NULL)
		return; /* one run a journal: the first start counts */
	rep->started = xstrdup(rec->ts);
	rep->scenario = report_text(d, "scenario");
	rep->drill = report_text(d, "drill");
	if (rep->drill == NULL && json_is_true(json_object_get(d, "drill")))
		rep->drill = report_text(d, "scenario"); /* "drill": true, as journals once said */
	rep->mode = report_text(d, "mode");
	rep->actor =
	    xstrdup(strcmp(journal_text(d, "actor", ""), "watch") == 0 ? "watch" : "person");
	rep->schedule = report_text(d, "schedule");
	rep->estimate_ms = report_ms(d, "estimated_ms");
	if (rep->estimate_ms > 0)
		rep->estimate_source = xstrdup("the scenario's estimated_time when the run began");
	else
		rep->estimate_ms = REPORT_UNKNOWN;
	if ((rep->rto.target_ms = report_ms(d, "rto_target_ms")) != REPORT_UNKNOWN)
		rep->rto.target_source = xstrdup("the run's rto_target_ms");
	if ((rep->rpo.target_ms = report_ms(d, "rpo_target_ms")) != REPORT_UNKNOWN)
		rep->rpo.target_source = xstrdup("the run's rpo_target_ms");
	report_participants(rep, json_object_get(d, "participants"));
	report_strings(json_object_get(d, "objectives"), &rep->objectives, &rep->n_objectives);
	report_operator(rep, journal_text(d, "operator", NULL), journal_text(d, "host", NULL),
	                journal_text(d, "origin", NULL), rec->ts, "started the run");
}

/* Takes a record naming the lock's new owner (a console that resumed or took over the run). */
static void report_owner(struct report *rep, const struct journal_record *rec)
{
	const char *text = journal_text(rec->data, "owner", NULL);
	json_t *o = text != NULL ? json_loads(text, 0, NULL) : NULL;
	const char *how = strcmp(rec->type, JOURNAL_LOCK_TAKEN_OVER) == 0
	                      ? "took over the run's lock"
	                      : "took the run's lock";
	report_operator(rep, journal_text(o, "operator", NULL), journal_text(o, "host", NULL),
	                journal_text(o, "origin", NULL), rec->ts, how);
	json_decref(o);
}

/* Takes the run's end: the first run_finished decides it, as journal_state does. */
static void report_finished(struct report *rep, const struct journal_record *rec)
{
	if (rep->ended != NULL)
		return;
	rep->ended = xstrdup(rec->ts);
	rep->result = report_text(rec->data, "result");
	rep->reason = report_text(rec->data, "reason");
}

/* Takes the measured data loss: the last data_loss record holds it. */
static void report_loss(struct report *rep, const struct journal_record *rec)
{
	json_t *bytes = json_object_get(rec->data, "bytes");
	json_t *seconds = json_object_get(rec->data, "seconds");
	rep->loss_recorded = 1;
	rep->loss_bytes =
	    json_is_integer(bytes) ? (int64_t)json_integer_value(bytes) : REPORT_UNKNOWN;
	rep->loss_seconds = json_is_number(seconds) ? json_number_value(seconds) : -1;
	free(rep->loss_why);
	rep->loss_why = report_text(rec->data, "why");
}

/* Takes the hot wash: what went well and badly, and the corrective actions. */
static void report_hotwash(struct report *rep, const struct journal_record *rec)
{
	size_t i;
	json_t *item;
	rep->hotwash = 1;
	report_strings(json_object_get(rec->data, "went_well"), &rep->went_well, &rep->n_went_well);
	report_strings(json_object_get(rec->data, "went_badly"), &rep->went_badly,
	               &rep->n_went_badly);
	json_array_foreach(json_object_get(rec->data, "actions"), i, item)
	{
		char *what = json_is_string(item) ? xstrdup(json_string_value(item))
		                                  : report_text(item, "what");
		if (what == NULL)
			continue;
		rep->actions =
		    xreallocarray(rep->actions, rep->n_actions + 1, sizeof *rep->actions);
		rep->actions[rep->n_actions++] = (struct report_action){
		    what, report_text(item, "owner"), report_text(item, "due")};
	}
}

/* What the run-level records are, and who takes each. */
static const struct {
	const char *type;
	void (*take)(struct report *, const struct journal_record *);
} report_takers[] = {
    {JOURNAL_RUN_STARTED, report_started},
    {JOURNAL_RUN_FINISHED, report_finished},
    {JOURNAL_LOCK_TAKEN_OVER, report_owner},
    {"site_lock_taken", report_owner},
    {"data_loss", report_loss},
    {"hotwash", report_hotwash},
};

/* Takes one record: the run's own facts, its step's, and the events it tells. */
static void report_take(struct report *rep, const struct journal_record *rec)
{
	for (size_t i = 0; i < sizeof report_takers / sizeof report_takers[0]; i++)
		if (strcmp(rec->type, report_takers[i].type) == 0)
			report_takers[i].take(rep, rec);
	report_steps_take(rep, rec);
	report_events_take(rep, rec);
}

/* Sets the title: the scenario, the drill, or the standalone action. */
static void report_title(struct report *rep, const struct journal_records *r)
{
	json_t *d = r->n > 0 && strcmp(r->items[0].type, JOURNAL_RUN_STARTED) == 0
	                ? r->items[0].data
	                : NULL;
	if (rep->scenario != NULL || rep->drill != NULL)
		rep->title = xstrdup(rep->scenario ? rep->scenario : rep->drill);
	else if (rep->mode != NULL && strcmp(rep->mode, "action") == 0)
		rep->title =
		    xasprintf("%s of %s (a standalone action)", journal_text(d, "action", "action"),
		              journal_text(d, "site", "a site"));
	else if (rep->mode != NULL && strcmp(rep->mode, "watch") == 0)
		rep->title = xstrdup("the watcher's session");
	else
		rep->title = xstrdup("(the journal names no scenario)");
}

/* Fills the estimate from the catalog when the journal does not hold it. */
static void report_estimate(struct report *rep, const struct catalog *cat)
{
	if (rep->estimate_ms != REPORT_UNKNOWN)
		return;
	const struct scenario *sc = cat != NULL && rep->scenario != NULL
	                                ? drillrun_find(cat, rep->scenario)
	                                : NULL;
	if (sc != NULL && strcmp(sc->name, rep->scenario) == 0 && sc->estimated_ms > 0) {
		rep->estimate_ms = sc->estimated_ms;
		rep->estimate_source =
		    xstrdup("the scenario's estimated_time in the config's catalog");
	} else {
		rep->estimate_source = xstrdup(cat == NULL ? "unknown: no config was loaded"
		                               : rep->scenario == NULL
		                                   ? "unknown: the run names no scenario"
		                                   : "unknown: the scenario is not in the catalog");
	}
}

/* Returns the first promotion step that was done, or NULL. */
static const struct report_step *report_promotion(const struct report *rep)
{
	for (size_t i = 0; i < rep->n_steps; i++)
		if (rep->steps[i].promotion && strcmp(rep->steps[i].state, "done") == 0 &&
		    rep->steps[i].finished_at != NULL)
			return &rep->steps[i];
	return NULL;
}

/* Judges an achieved figure against its target. */
static void report_judge(struct report_target *t)
{
	t->met = t->achieved_ms == REPORT_UNKNOWN || t->target_ms == REPORT_UNKNOWN
	             ? REPORT_UNKNOWN
	             : t->achieved_ms <= t->target_ms;
}

/* Measures the recovery time: to the promotion verified writable, or to the run's end. */
static void report_rto(struct report *rep)
{
	struct report_target *t = &rep->rto;
	const struct report_step *p = report_promotion(rep);
	int64_t start = report_ts_ms(rep->started);
	t->achieved_ms = REPORT_UNKNOWN;
	if (start < 0) {
		t->basis = xstrdup("not known: the run's start is not in the journal");
	} else if (p != NULL) {
		t->achieved_ms = report_ts_ms(p->finished_at) - start;
		t->basis = xasprintf("from the run's start to the promotion verified writable "
		                     "(step %d, %s)",
		                     p->n, p->action);
	} else if (rep->claimed == JOURNAL_IS_FINISHED && rep->ended != NULL) {
		t->achieved_ms = report_ts_ms(rep->ended) - start;
		t->basis = xstrdup("from the run's start to its end (the run made no promotion)");
	} else if (rep->claimed == JOURNAL_IS_ABORTED) {
		t->basis = xstrdup("not achieved: the run was aborted before a promotion");
	} else {
		t->basis = xasprintf("not achieved yet: the run is %s", report_state_words(rep));
	}
	if (t->achieved_ms < REPORT_UNKNOWN)
		t->achieved_ms = REPORT_UNKNOWN;
	if (t->target_ms == REPORT_UNKNOWN && rep->estimate_ms != REPORT_UNKNOWN) {
		t->target_ms = rep->estimate_ms;
		t->target_source = xstrdup("the scenario's estimate");
	}
	report_judge(t);
}

/* Takes the data lost as the recovery point, against rpo_target_ms or sync_interval. */
static void report_rpo(struct report *rep, const struct catalog *cat)
{
	struct report_target *t = &rep->rpo;
	t->achieved_ms =
	    rep->loss_seconds >= 0 ? (int64_t)(rep->loss_seconds * 1000 + 0.5) : REPORT_UNKNOWN;
	if (t->achieved_ms != REPORT_UNKNOWN)
		t->basis = xstrdup("measured by the run's data_loss step (the old primary's last "
		                   "position seen against the promoted one)");
	else if (rep->loss_recorded)
		t->basis = xasprintf("not measured: %s",
		                     rep->loss_why ? rep->loss_why : "no reason given");
	else
		t->basis = xstrdup("not measured: the run has no data_loss step");
	if (t->target_ms == REPORT_UNKNOWN && cat != NULL && cat->cf.dr.sync_interval_ms > 0) {
		t->target_ms = cat->cf.dr.sync_interval_ms;
		t->target_source = xstrdup("the config's sync_interval");
	}
	report_judge(t);
}

/*
 * Builds the report of a run from the records of its journal (read, checked
 * or not: state tells, as journal_state gave it). cat, the loaded catalog,
 * may be NULL: estimates and step titles are then unknown. rep's run_id,
 * path and check are the caller's (report_load).
 */
void report_build(struct report *rep, const struct journal_records *r, enum journal_state state,
                  const struct catalog *cat)
{
	rep->state = state;
	rep->claimed = journal_state_of(r);
	rep->estimate_ms = REPORT_UNKNOWN;
	rep->rto.target_ms = rep->rpo.target_ms = REPORT_UNKNOWN;
	rep->loss_bytes = REPORT_UNKNOWN;
	rep->loss_seconds = -1;
	report_steps_init(rep, r, cat);
	for (size_t i = 0; i < r->n; i++)
		report_take(rep, &r->items[i]);
	if (r->n > 0)
		rep->last_at = xstrdup(r->items[r->n - 1].ts);
	report_steps_end(rep, cat);
	report_title(rep, r);
	report_estimate(rep, cat);
	int64_t start = report_ts_ms(rep->started);
	int64_t end = report_ts_ms(rep->ended ? rep->ended : rep->last_at);
	rep->elapsed_ms = start >= 0 && end >= start ? end - start : REPORT_UNKNOWN;
	report_rto(rep);
	report_rpo(rep, cat);
	report_issues_build(rep);
}

/* Tells whether the report stands on a journal whose checks all passed. */
int report_sound(const struct report *rep)
{
	return rep->check.read && rep->check.verified && rep->state != JOURNAL_IS_DAMAGED;
}

/* Tells whether the records say the run ended (finished or aborted). */
int report_ended(const struct report *rep)
{
	return rep->claimed == JOURNAL_IS_FINISHED || rep->claimed == JOURNAL_IS_ABORTED;
}

/* Returns the run's state in words: never "done" for a run that did not end. */
const char *report_state_words(const struct report *rep)
{
	switch (rep->state == JOURNAL_IS_DAMAGED ? rep->claimed : rep->state) {
	case JOURNAL_IS_FINISHED:
		return "finished";
	case JOURNAL_IS_ABORTED:
		return "aborted";
	case JOURNAL_IS_LIVE:
		return "in progress (a console runs it now)";
	case JOURNAL_IS_DETACHED:
		return "unfinished: detached (its console quit during the run; it can be resumed)";
	case JOURNAL_IS_UNFINISHED:
		return "unfinished (its console stopped before the run ended; it can be resumed)";
	case JOURNAL_IS_EMPTY:
		return "empty (no record yet)";
	default:
		return "damaged";
	}
}

/* Returns what kind of run it was: its mode, "incident" when it names none (a recovery run). */
const char *report_type(const struct report *rep)
{
	return rep->mode != NULL ? rep->mode : "incident";
}

/* Frees a target's texts. */
static void report_target_free(struct report_target *t)
{
	free(t->basis);
	free(t->target_source);
}

/* Frees a list of strings. */
static void report_strings_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Frees the report and empties it. */
void report_free(struct report *rep)
{
	report_strings_free(rep->check.problems, rep->check.n_problems);
	free(rep->run_id);
	free(rep->path);
	char *texts[] = {rep->title,   rep->scenario, rep->drill,    rep->mode,
	                 rep->actor,   rep->started,  rep->ended,    rep->last_at,
	                 rep->result,  rep->reason,   rep->schedule, rep->estimate_source,
	                 rep->loss_why};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		free(texts[i]);
	for (size_t i = 0; i < rep->n_operators; i++) {
		struct report_person *p = &rep->operators[i];
		free(p->name);
		free(p->host);
		free(p->origin);
		free(p->since);
		free(p->how);
	}
	free(rep->operators);
	for (size_t i = 0; i < rep->n_participants; i++) {
		free(rep->participants[i].name);
		free(rep->participants[i].role);
	}
	free(rep->participants);
	report_strings_free(rep->objectives, rep->n_objectives);
	report_strings_free(rep->went_well, rep->n_went_well);
	report_strings_free(rep->went_badly, rep->n_went_badly);
	for (size_t i = 0; i < rep->n_actions; i++) {
		free(rep->actions[i].what);
		free(rep->actions[i].owner);
		free(rep->actions[i].due);
	}
	free(rep->actions);
	report_target_free(&rep->rto);
	report_target_free(&rep->rpo);
	report_issues_free(rep);
	report_steps_free(rep);
	report_events_free(rep);
	memset(rep, 0, sizeof *rep);
}
