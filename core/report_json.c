/*
 * A run's report as one JSON object, for tools. These keys are stable (more
 * may be added; drconsole(1) documents them):
 *
 *   report_version  1
 *   run, file       the run id, the journal's path
 *   state           finished | aborted | detached | unfinished | live | damaged | empty
 *   claimed_state   what the records read say (differs from state when damaged)
 *   verified        bool: the journal passed every check
 *   journal         {verified, lines, records, torn, sealed, head: {records,
 *                   last_hash} or null, final_hash, errors, warnings, problems[]}
 *   type            incident | drill | tabletop | action | watch (the run's mode)
 *   title, scenario, drill, schedule, actor ("person" | "watch")
 *   operators[]     {name, host, origin, since, how}
 *   participants[]  {name, role}      objectives[]  strings
 *   started, ended, last_record       RFC 3339 (ended null while not ended)
 *   result, reason  from run_finished, or null
 *   elapsed_ms, estimate_ms, estimate_source
 *   steps[]         {step, action, title, state, became_current, finished,
 *                   step_ms, estimate_ms, duration_ms, exit_status, attempts,
 *                   confirmed: {by, how, at, evidence} or null, command, detail,
 *                   output_tail, stderr_tail, promotion}
 *   overrides[], attestations[], notes[], fences[], split_brain[], timeline[]
 *                   {at, type, step, what, detail, by, ok}
 *   issues[]        what went wrong, in sentences (an empty array when nothing did)
 *   data_loss       {bytes, seconds, why} (null members when not measured)
 *   rto, rpo        {achieved_ms, basis, target_ms, target_source, met}
 *   hotwash         {went_well[], went_badly[], actions[{what, owner, due}]} or null
 *
 * An unknown number is null, never 0; so is a missing text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "utf8.h"

/* Returns text as a JSON string, or null. */
static json_t *report_json_text(const char *s)
{
	return utf8_json_string(s);
}

/* Returns a count of ms (or any count) as a JSON integer, null when unknown. */
static json_t *report_json_ms(int64_t ms)
{
	return ms == REPORT_UNKNOWN ? json_null() : json_integer((json_int_t)ms);
}

/* Returns a tri-state (1, 0, REPORT_UNKNOWN) as true, false or null. */
static json_t *report_json_bool(int v)
{
	return v == REPORT_UNKNOWN ? json_null() : json_boolean(v);
}

/* Returns a list of strings as an array. */
static json_t *report_json_strings(char **items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, report_json_text(items[i]));
	return a;
}

/* Returns the journal's checks as an object. */
static json_t *report_json_check(const struct report_check *c)
{
	json_t *head = c->head == 1
	                   ? json_pack("{s:I, s:s}", "records", (json_int_t)c->head_records,
	                               "last_hash", c->head_hash)
	                   : json_null();
	json_t *o =
	    json_pack("{s:b, s:I, s:I, s:b, s:b, s:o, s:s, s:I, s:I}", "verified", c->verified,
	              "lines", (json_int_t)c->lines, "records", (json_int_t)c->records, "torn",
	              c->torn, "sealed", c->sealed, "head", head, "final_hash", c->final_hash,
	              "errors", (json_int_t)c->errors, "warnings", (json_int_t)c->warnings);
	json_object_set_new(o, "problems", report_json_strings(c->problems, c->n_problems));
	return o;
}

/* Returns the operators as an array. */
static json_t *report_json_operators(const struct report *rep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rep->n_operators; i++) {
		const struct report_person *p = &rep->operators[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", report_json_text(p->name));
		json_object_set_new(o, "host", report_json_text(p->host));
		json_object_set_new(o, "origin", report_json_text(p->origin));
		json_object_set_new(o, "since", report_json_text(p->since));
		json_object_set_new(o, "how", report_json_text(p->how));
		json_array_append_new(a, o);
	}
	return a;
}

/* Returns the participants as an array. */
static json_t *report_json_participants(const struct report *rep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rep->n_participants; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", report_json_text(rep->participants[i].name));
		json_object_set_new(o, "role", report_json_text(rep->participants[i].role));
		json_array_append_new(a, o);
	}
	return a;
}

/* Returns a step's confirmation as an object, or null when nobody confirmed it. */
static json_t *report_json_confirmed(const struct report_step *st)
{
	if (st->confirmed_by == NULL)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "by", report_json_text(st->confirmed_by));
	json_object_set_new(o, "how", report_json_text(st->confirm_how));
	json_object_set_new(o, "at", report_json_text(st->confirmed_at));
	json_object_set_new(o, "evidence", report_json_text(st->evidence));
	return o;
}

/* Returns one step as an object. */
static json_t *report_json_step(const struct report_step *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "step", json_integer(st->n));
	json_object_set_new(o, "action", report_json_text(st->action));
	json_object_set_new(o, "title", report_json_text(st->title));
	json_object_set_new(o, "state", report_json_text(st->state));
	json_object_set_new(o, "became_current", report_json_text(st->current_at));
	json_object_set_new(o, "finished", report_json_text(st->finished_at));
	json_object_set_new(o, "step_ms", report_json_ms(st->step_ms));
	json_object_set_new(o, "estimate_ms", report_json_ms(st->estimate_ms));
	json_object_set_new(o, "duration_ms", report_json_ms(st->duration_ms));
	json_object_set_new(o, "exit_status", report_json_ms(st->exit_status));
	json_object_set_new(o, "attempts", json_integer(st->attempts));
	json_object_set_new(o, "confirmed", report_json_confirmed(st));
	json_object_set_new(o, "command", report_json_text(st->command));
	json_object_set_new(o, "detail", report_json_text(st->detail));
	json_object_set_new(o, "output_tail", report_json_text(st->output));
	json_object_set_new(o, "stderr_tail", report_json_text(st->errout));
	json_object_set_new(o, "promotion", json_boolean(st->promotion));
	return o;
}

/* Returns the steps as an array. */
static json_t *report_json_steps(const struct report *rep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rep->n_steps; i++)
		json_array_append_new(a, report_json_step(&rep->steps[i]));
	return a;
}

/* Returns a list of events as an array. */
static json_t *report_json_events(const struct report_events *list)
{
	json_t *a = json_array();
	for (size_t i = 0; i < list->n; i++) {
		const struct report_event *e = &list->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "at", report_json_text(e->at));
		json_object_set_new(o, "type", report_json_text(e->type));
		json_object_set_new(o, "step", e->step > 0 ? json_integer(e->step) : json_null());
		json_object_set_new(o, "what", report_json_text(e->what));
		json_object_set_new(o, "detail", report_json_text(e->detail));
		json_object_set_new(o, "by", report_json_text(e->by));
		json_object_set_new(o, "ok", report_json_bool(e->ok));
		json_array_append_new(a, o);
	}
	return a;
}

/* Returns an achieved figure against its target as an object. */
static json_t *report_json_target(const struct report_target *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "achieved_ms", report_json_ms(t->achieved_ms));
	json_object_set_new(o, "basis", report_json_text(t->basis));
	json_object_set_new(o, "target_ms", report_json_ms(t->target_ms));
	json_object_set_new(o, "target_source", report_json_text(t->target_source));
	json_object_set_new(o, "met", report_json_bool(t->met));
	return o;
}

/* Returns the data lost as an object. */
static json_t *report_json_loss(const struct report *rep)
{
	json_t *o = json_object();
	json_object_set_new(o, "bytes", report_json_ms(rep->loss_bytes));
	json_object_set_new(o, "seconds",
	                    rep->loss_seconds >= 0 ? json_real(rep->loss_seconds) : json_null());
	json_object_set_new(o, "why", report_json_text(rep->loss_why));
	return o;
}

/* Returns the hot wash as an object, or null when none was recorded. */
static json_t *report_json_hotwash(const struct report *rep)
{
	if (!rep->hotwash)
		return json_null();
	json_t *actions = json_array();
	for (size_t i = 0; i < rep->n_actions; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "what", report_json_text(rep->actions[i].what));
		json_object_set_new(o, "owner", report_json_text(rep->actions[i].owner));
		json_object_set_new(o, "due", report_json_text(rep->actions[i].due));
		json_array_append_new(actions, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "went_well", report_json_strings(rep->went_well, rep->n_went_well));
	json_object_set_new(o, "went_badly",
	                    report_json_strings(rep->went_badly, rep->n_went_badly));
	json_object_set_new(o, "actions", actions);
	return o;
}

/* Sets the run's own members: what, who, when, how long. */
static void report_json_run(json_t *o, const struct report *rep)
{
	json_object_set_new(o, "type", json_string(report_type(rep)));
	json_object_set_new(o, "title", report_json_text(rep->title));
	json_object_set_new(o, "scenario", report_json_text(rep->scenario));
	json_object_set_new(o, "drill", report_json_text(rep->drill));
	json_object_set_new(o, "schedule", report_json_text(rep->schedule));
	json_object_set_new(o, "actor", report_json_text(rep->actor));
	json_object_set_new(o, "operators", report_json_operators(rep));
	json_object_set_new(o, "participants", report_json_participants(rep));
	json_object_set_new(o, "objectives",
	                    report_json_strings(rep->objectives, rep->n_objectives));
	json_object_set_new(o, "started", report_json_text(rep->started));
	json_object_set_new(o, "ended", report_json_text(rep->ended));
	json_object_set_new(o, "last_record", report_json_text(rep->last_at));
	json_object_set_new(o, "result", report_json_text(rep->result));
	json_object_set_new(o, "reason", report_json_text(rep->reason));
	json_object_set_new(o, "elapsed_ms", report_json_ms(rep->elapsed_ms));
	json_object_set_new(o, "estimate_ms", report_json_ms(rep->estimate_ms));
	json_object_set_new(o, "estimate_source", report_json_text(rep->estimate_source));
}

/* Returns the report as one JSON object (a new reference). */
json_t *report_json(const struct report *rep)
{
	json_t *o = json_object();
	json_object_set_new(o, "report_version", json_integer(REPORT_VERSION));
	json_object_set_new(o, "run", report_json_text(rep->run_id));
	json_object_set_new(o, "file", report_json_text(rep->path));
	json_object_set_new(o, "state", json_string(journal_state_name(rep->state)));
	json_object_set_new(o, "claimed_state", json_string(journal_state_name(rep->claimed)));
	json_object_set_new(o, "verified", json_boolean(report_sound(rep)));
	json_object_set_new(o, "journal", report_json_check(&rep->check));
	report_json_run(o, rep);
	json_object_set_new(o, "steps", report_json_steps(rep));
	json_object_set_new(o, "overrides", report_json_events(&rep->overrides));
	json_object_set_new(o, "attestations", report_json_events(&rep->attestations));
	json_object_set_new(o, "notes", report_json_events(&rep->notes));
	json_object_set_new(o, "fences", report_json_events(&rep->fences));
	json_object_set_new(o, "split_brain", report_json_events(&rep->split_brain));
	json_object_set_new(o, "timeline", report_json_events(&rep->timeline));
	json_object_set_new(o, "issues", report_json_strings(rep->issues, rep->n_issues));
	json_object_set_new(o, "data_loss", report_json_loss(rep));
	json_object_set_new(o, "rto", report_json_target(&rep->rto));
	json_object_set_new(o, "rpo", report_json_target(&rep->rpo));
	json_object_set_new(o, "hotwash", report_json_hotwash(rep));
	return o;
}
