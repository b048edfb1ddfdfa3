/*
 * The runs that satisfied a regular DR test, read from the journals in
 * <state_dir>/runs. A run satisfies the test its run_started names in
 * "schedule" (a drill or tabletop run of dr-test-schedule.yml's entry), or,
 * with no "schedule" key, the test named like its "scenario"; only when its
 * journal verifies and the run finished (journal_state: not aborted,
 * detached, unfinished or empty), at the time of its run_finished. Damaged
 * journals never count; their ids are kept so that it can be said how many
 * were skipped. Which names are tests is schedule_due's to decide.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "journal.h"
#include "schedule_runs.h"
#include "xmalloc.h"

/* Returns the test a run names in its run_started data (schedule, else scenario), or NULL. */
static const char *schedule_runs_test(json_t *started)
{
	json_t *schedule = json_object_get(started, "schedule");
	if (schedule != NULL)
		return json_string_value(schedule);
	return json_string_value(json_object_get(started, "scenario"));
}

/* Returns the first record of type in r, or NULL. */
static const struct journal_record *schedule_runs_first(const struct journal_records *r,
                                                        const char *type)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].type, type) == 0)
			return &r->items[i];
	return NULL;
}

/* Adds the finished run id of records r when it names a test. */
static void schedule_runs_take(struct schedule_runs *out, const char *id,
                               const struct journal_records *r)
{
	const struct journal_record *start = schedule_runs_first(r, JOURNAL_RUN_STARTED);
	const struct journal_record *end = schedule_runs_first(r, JOURNAL_RUN_FINISHED);
	const char *test = start != NULL ? schedule_runs_test(start->data) : NULL;
	int64_t at_ms;
	if (test == NULL || end == NULL || caltime_parse(end->ts, &at_ms) == -1)
		return;
	const char *mode = json_string_value(json_object_get(start->data, "mode"));
	out->items = xreallocarray(out->items, out->n + 1, sizeof *out->items);
	out->items[out->n++] =
	    (struct schedule_done){xstrdup(test), xstrdup(id), mode ? xstrdup(mode) : NULL, at_ms};
}

/* Reads the journal name in out->dir: a satisfaction, a damaged journal, or nothing. */
static void schedule_runs_look(struct schedule_runs *out, const char *name)
{
	char *path = xasprintf("%s/%s", out->dir, name);
	char *id = xstrndup(name, strlen(name) - strlen(".jsonl"));
	struct journal_records r;
	enum journal_state st = journal_state_load(NULL, path, &r);
	if (st == JOURNAL_IS_DAMAGED) {
		out->damaged =
		    xreallocarray(out->damaged, out->n_damaged + 1, sizeof *out->damaged);
		out->damaged[out->n_damaged++] = xstrdup(id);
	} else if (st == JOURNAL_IS_FINISHED) {
		schedule_runs_take(out, id, &r);
	}
	out->looked++;
	journal_records_free(&r);
	free(id);
	free(path);
}

/*
 * Reads every run journaled in <state_dir>/runs (none when it does not
 * exist); -1 with *cause when the folder cannot be read.
 */
int schedule_runs_read(const char *state_dir, struct schedule_runs *out, char **cause)
{
	struct journal_runs runs;
	memset(out, 0, sizeof *out);
	int rc = journal_list(state_dir, &runs, cause);
	out->dir = xstrdup(runs.dir);
	for (size_t i = 0; rc == 0 && i < runs.n; i++)
		schedule_runs_look(out, runs.names[i]);
	journal_runs_free(&runs);
	return rc;
}

/* Frees what schedule_runs_read found. */
void schedule_runs_free(struct schedule_runs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].test);
		free(r->items[i].run);
		free(r->items[i].mode);
	}
	for (size_t i = 0; i < r->n_damaged; i++)
		free(r->damaged[i]);
	free(r->items);
	free(r->damaged);
	free(r->dir);
	memset(r, 0, sizeof *r);
}
