/*
 * drconsole schedule --json. One object:
 *   time, overall ("ok" | "due_soon" | "overdue" | "unknown"), exit_code,
 *   error, schedule (the file), runs_dir, damaged (ids of the journals
 *   skipped), tests[]: name, frequency (as written) and frequency_en,
 *   duration (as written) and duration_s, participants, last_run (null, or
 *   id, finished, mode), next_due (null when never run: due at once),
 *   status, due_in_s (negative when overdue; null when never run).
 * Text from the files goes out valid UTF-8 (utf8_json_string).
 */
#include "config.h"

#include <stdlib.h>

#include "journal.h"
#include "schedule_json.h"
#include "utf8.h"

/* Returns s as a JSON string, or null. */
static json_t *schedule_json_text(const char *s)
{
	return s != NULL ? utf8_json_string(s) : json_null();
}

/* Returns a time as RFC 3339 UTC with milliseconds. */
static json_t *schedule_json_time(int64_t ms)
{
	char *stamp = journal_stamp(ms, 0);
	json_t *j = json_string(stamp);
	free(stamp);
	return j;
}

/* Returns the run that last satisfied a test, or null when none did. */
static json_t *schedule_json_last(const struct schedule_done *last)
{
	if (last == NULL)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "id", schedule_json_text(last->run));
	json_object_set_new(o, "finished", schedule_json_time(last->at_ms));
	json_object_set_new(o, "mode", schedule_json_text(last->mode));
	return o;
}

/* Returns one test and where it stands at now_ms. */
static json_t *schedule_json_test(const struct schedule_due *d, int64_t now_ms)
{
	const struct schedule_test *t = d->test;
	json_t *people = json_array(), *o = json_object();
	for (size_t i = 0; i < t->n_participants; i++)
		json_array_append_new(people, schedule_json_text(t->participants[i]));
	json_object_set_new(o, "name", schedule_json_text(t->name));
	json_object_set_new(o, "frequency", schedule_json_text(t->frequency_word));
	json_object_set_new(o, "frequency_en", json_string(schedule_freq_name(t->frequency)));
	json_object_set_new(o, "duration", schedule_json_text(t->duration_word));
	json_object_set_new(o, "duration_s",
	                    t->duration_word ? json_integer(t->duration_ms / 1000) : json_null());
	json_object_set_new(o, "participants", people);
	json_object_set_new(o, "last_run", schedule_json_last(d->last));
	json_object_set_new(o, "next_due", d->last ? schedule_json_time(d->next_ms) : json_null());
	json_object_set_new(o, "status", json_string(schedule_status_name(d->status)));
	json_object_set_new(o, "due_in_s",
	                    d->last ? json_integer((d->next_ms - now_ms) / 1000) : json_null());
	return o;
}

/* Renders the object: the tests of set (due: theirs) or, with error, none. */
static char *schedule_json_build(const struct schedule_set *set, const struct schedule_due *due,
                                 const struct schedule_runs *runs, int64_t now_ms,
                                 const char *error)
{
	json_t *root = json_object(), *tests = json_array(), *damaged = json_array();
	size_t n = set != NULL ? set->n : 0;
	enum schedule_status worst = schedule_due_worst(due, n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(tests, schedule_json_test(&due[i], now_ms));
	for (size_t i = 0; runs != NULL && i < runs->n_damaged; i++)
		json_array_append_new(damaged, schedule_json_text(runs->damaged[i]));
	json_object_set_new(root, "time", schedule_json_time(now_ms));
	json_object_set_new(root, "overall",
	                    json_string(error ? "unknown" : schedule_status_name(worst)));
	json_object_set_new(root, "exit_code",
	                    json_integer(error ? 3 : schedule_due_exit_code(due, n)));
	json_object_set_new(root, "error", schedule_json_text(error));
	json_object_set_new(root, "schedule", schedule_json_text(set ? set->file : NULL));
	json_object_set_new(root, "runs_dir", schedule_json_text(runs ? runs->dir : NULL));
	json_object_set_new(root, "damaged", damaged);
	json_object_set_new(root, "tests", tests);
	char *text = utf8_json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		abort(); /* only out of memory: every value above is valid */
	return text;
}

/* Renders schedule --json for the tests of set at now_ms (newly allocated). */
char *schedule_json_render(const struct schedule_set *set, const struct schedule_due *due,
                           const struct schedule_runs *runs, int64_t now_ms)
{
	return schedule_json_build(set, due, runs, now_ms, NULL);
}

/* Renders schedule --json when the schedule or the journals cannot be read: why, exit 3. */
char *schedule_json_render_error(const char *error, int64_t now_ms)
{
	return schedule_json_build(NULL, NULL, NULL, now_ms, error);
}
