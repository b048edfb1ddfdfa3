/*
 * A run's report, what happened besides the steps (report.h): guards
 * overridden (each failed guard with its evidence, and a reason when one
 * was given), attestations, notes and a drill's injects, fences of every
 * kind (by the run, on the old primary's return, kept in the state folder,
 * as a standalone action), split-brain alarms and their end, and the
 * timeline: every record in journal order, but for the operations' raw
 * results (their tails are with the steps) and the seals, each told in a
 * line of its own words.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

/* Records the timeline leaves out: raw results (with their steps) and seals. */
static const char *const report_quiet[] = {JOURNAL_STEP_OUTPUT, "check_result", "step_status",
                                           JOURNAL_RUN_SEALED};

/* Records an operator's act, when the record does not say who acted. */
static const char *const report_acts[] = {JOURNAL_STEP_CONFIRMED,
                                          JOURNAL_GUARD_OVERRIDE,
                                          "attested",
                                          JOURNAL_NOTE,
                                          "retry",
                                          JOURNAL_DETACHED,
                                          "inject",
                                          "hotwash",
                                          JOURNAL_RUN_RESUMED};

/* The members a timeline line tells, in this order, when a record has them. */
static const char *const report_told[] = {
    "scenario", "drill",  "result", "confirm",  "site",  "guard",   "text",    "statement",
    "why",      "reason", "detail", "evidence", "bytes", "seconds", "records", "attempt"};

/* Tells whether s is one of the n strings of list. */
static int report_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Adds an event of record rec to list; the texts are copied (NULL stays NULL). */
static void report_add(struct report_events *list, const struct journal_record *rec,
                       const char *what, const char *detail, const char *by, int ok)
{
	json_t *step = json_object_get(rec->data, "step");
	list->items = xreallocarray(list->items, list->n + 1, sizeof *list->items);
	struct report_event *e = &list->items[list->n++];
	e->at = xstrdup(rec->ts);
	e->type = xstrdup(rec->type);
	e->step = json_is_integer(step) ? (int)json_integer_value(step) : 0;
	e->what = what ? xstrdup(what) : NULL;
	e->detail = detail ? xstrdup(detail) : NULL;
	e->by = by ? xstrdup(by) : NULL;
	e->ok = ok;
}

/* Returns who acted in a record: its own "by", the watcher, or the run's holder for an act. */
static const char *report_by(const struct report *rep, const struct journal_record *rec)
{
	const char *by = journal_text(rec->data, "by", NULL);
	if (by != NULL)
		return by;
	if (strcmp(journal_text(rec->data, "actor", ""), "watch") == 0)
		return "watch";
	if (report_in(rec->type, report_acts, sizeof report_acts / sizeof report_acts[0]) ||
	    (strcmp(rec->type, JOURNAL_RUN_FINISHED) == 0 &&
	     strcmp(journal_text(rec->data, "result", ""), "aborted") == 0))
		return report_holder(rep);
	return NULL;
}

/* Returns a bool member as 1 or 0, or REPORT_UNKNOWN when it is not a bool. */
static int report_bool(json_t *data, const char *key)
{
	json_t *v = json_object_get(data, key);
	return json_is_boolean(v) ? json_is_true(v) : REPORT_UNKNOWN;
}

/* Returns a member's value as text for a timeline line (newly allocated), or NULL. */
static char *report_value(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.3f", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return NULL;
}

/* Returns the told members of a record, "key: value; ..." (newly allocated), or NULL. */
static char *report_told_text(json_t *data)
{
	char *text = NULL;
	for (size_t i = 0; i < sizeof report_told / sizeof report_told[0]; i++) {
		char *v = report_value(json_object_get(data, report_told[i]));
		if (v == NULL)
			continue;
		char *more =
		    xasprintf("%s%s%s: %s", text ? text : "", text ? "; " : "", report_told[i], v);
		free(text);
		free(v);
		text = more;
	}
	return text;
}

/* Takes a guard override: each guard that failed, with its evidence (and a reason if given). */
static void report_override(struct report *rep, const struct journal_record *rec)
{
	size_t i;
	json_t *g;
	const char *reason = journal_text(rec->data, "reason", NULL);
	json_array_foreach(json_object_get(rec->data, "failed"), i, g)
	{
		const char *evidence = journal_text(g, "evidence", NULL);
		char *detail = reason == NULL ? NULL
		               : evidence     ? xasprintf("%s (reason: %s)", evidence, reason)
		                              : xasprintf("reason: %s", reason);
		report_add(&rep->overrides, rec, journal_text(g, "guard", "?"),
		           detail ? detail : evidence, report_by(rep, rec), REPORT_UNKNOWN);
		free(detail);
	}
	if (i == 0) /* an override that names no guard: still told */
		report_add(&rep->overrides, rec, journal_text(rec->data, "guard", "?"), reason,
		           report_by(rep, rec), REPORT_UNKNOWN);
}

/* Takes an attestation made instead of a fence. */
static void report_attested(struct report *rep, const struct journal_record *rec)
{
	const char *evidence = journal_text(rec->data, "evidence", NULL);
	char *detail = xasprintf("%s%s%s", journal_text(rec->data, "statement", "attested"),
	                         evidence ? "; evidence: " : "", evidence ? evidence : "");
	report_add(&rep->attestations, rec, journal_text(rec->data, "site", "?"), detail,
	           report_by(rep, rec), REPORT_UNKNOWN);
	free(detail);
}

/* Takes a note of the operator's, or a drill's inject. */
static void report_note(struct report *rep, const struct journal_record *rec)
{
	report_add(&rep->notes, rec, journal_text(rec->data, "text", ""), NULL, report_by(rep, rec),
	           REPORT_UNKNOWN);
}

/* Takes a fence: its site, whether it worked, and its evidence or why it failed. */
static void report_fence(struct report *rep, const struct journal_record *rec)
{
	json_t *d = rec->data;
	int ok = strcmp(rec->type, "fenced") == 0        ? 1
	         : strcmp(rec->type, "fence_armed") == 0 ? report_bool(d, "armed")
	                                                 : report_bool(d, "ok");
	const char *detail =
	    journal_text(d, "detail", journal_text(d, "evidence", journal_text(d, "why", NULL)));
	if (detail != NULL && *detail == '\0')
		detail = NULL;
	if (detail == NULL && strcmp(rec->type, "fence_armed") == 0)
		detail = ok == 1
		             ? "armed at the site's agent: it fires the moment the site answers "
		               "writable"
		             : "could not be armed";
	if (detail == NULL && report_bool(d, "sent") != REPORT_UNKNOWN)
		detail = report_bool(d, "sent") ? "sent: stop its PostgreSQL" : "could not be sent";
	report_add(&rep->fences, rec, journal_text(d, "site", "the old primary"), detail,
	           report_by(rep, rec), ok);
}

/* Takes a split-brain alarm or its end. */
static void report_split(struct report *rep, const struct journal_record *rec)
{
	report_add(&rep->split_brain, rec,
	           strcmp(rec->type, "split_brain") == 0 ? "raised" : "resolved",
	           journal_text(rec->data, "evidence", NULL), NULL, REPORT_UNKNOWN);
}

/* What each event record means, and who takes it. */
static const struct {
	const char *type;
	void (*take)(struct report *, const struct journal_record *);
} report_event_takers[] = {
    {JOURNAL_GUARD_OVERRIDE, report_override},
    {"attested", report_attested},
    {JOURNAL_NOTE, report_note},
    {"inject", report_note},
    {"fenced", report_fence},
    {"fence_on_return", report_fence},
    {"fence_asked", report_fence},
    {"fence_armed", report_fence},
    {"fence_kept", report_fence},
    {"split_brain", report_split},
    {"split_brain_resolved", report_split},
};

/* Takes one record into the lists it belongs to, and into the timeline unless it is quiet. */
void report_events_take(struct report *rep, const struct journal_record *rec)
{
	for (size_t i = 0; i < sizeof report_event_takers / sizeof report_event_takers[0]; i++)
		if (strcmp(rec->type, report_event_takers[i].type) == 0)
			report_event_takers[i].take(rep, rec);
	if (report_in(rec->type, report_quiet, sizeof report_quiet / sizeof report_quiet[0]))
		return;
	char *told = report_told_text(rec->data);
	report_add(&rep->timeline, rec, rec->type, told, report_by(rep, rec), REPORT_UNKNOWN);
	free(told);
}

/* Frees a list of events. */
static void report_events_list_free(struct report_events *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i].at);
		free(list->items[i].type);
		free(list->items[i].what);
		free(list->items[i].detail);
		free(list->items[i].by);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

/* Frees every list of events. */
void report_events_free(struct report *rep)
{
	struct report_events *lists[] = {&rep->overrides,    &rep->fences,      &rep->notes,
	                                 &rep->attestations, &rep->split_brain, &rep->timeline};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		report_events_list_free(lists[i]);
}
