/*
 * What state a run is in, from its whole journal and its run lock. The first
 * run_finished decides a run that ended: aborted when its result says so,
 * finished otherwise, whatever follows it (a split-brain alarm, the fence's
 * answer, a seal). A run that did not end is detached when the last record
 * about the console's hold on it (run_started, run_resumed, detached) is a
 * detached one (its console quit), unfinished otherwise (its console was
 * killed or crashed); either is live while a console holds the jump-host run
 * lock that names it (runlock_run_live): a lock held is a process alive.
 * Also every run in a state dir that did not end, for the resume offer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "journal.h"
#include "runlock.h"
#include "xmalloc.h"

/* Returns a state's name, as journal list shows it. */
const char *journal_state_name(enum journal_state s)
{
	static const char *const names[] = {
	    [JOURNAL_IS_EMPTY] = N_("empty"),
	    [JOURNAL_IS_DAMAGED] = N_("damaged"),
	    [JOURNAL_IS_UNFINISHED] = N_("unfinished"),
	    [JOURNAL_IS_DETACHED] = N_("detached"),
	    [JOURNAL_IS_LIVE] = N_("live"),
	    [JOURNAL_IS_FINISHED] = N_("finished"),
	    [JOURNAL_IS_ABORTED] = N_("aborted"),
	};
	return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Classifies a run from all the records of its journal (read without errors); never LIVE. */
enum journal_state journal_state_of(const struct journal_records *r)
{
	enum journal_state st = r->n > 0 ? JOURNAL_IS_UNFINISHED : JOURNAL_IS_EMPTY;
	for (size_t i = 0; i < r->n; i++) {
		const char *type = r->items[i].type;
		if (strcmp(type, JOURNAL_RUN_FINISHED) == 0)
			return strcmp(journal_text(r->items[i].data, "result", ""), "aborted") == 0
			           ? JOURNAL_IS_ABORTED
			           : JOURNAL_IS_FINISHED;
		if (strcmp(type, JOURNAL_DETACHED) == 0)
			st = JOURNAL_IS_DETACHED;
		else if (strcmp(type, JOURNAL_RUN_STARTED) == 0 ||
		         strcmp(type, JOURNAL_RUN_RESUMED) == 0)
			st = JOURNAL_IS_UNFINISHED;
	}
	return st;
}

/* Returns the run id of the journal at path: its file name without .jsonl (newly allocated). */
static char *journal_run_id(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);
	return xstrndup(base, len > 6 && strcmp(base + len - 6, ".jsonl") == 0 ? len - 6 : len);
}

/*
 * Classifies the run journaled at path (read into r; damaged when
 * journal_verify found errors): damaged, or journal_state_of's answer, made
 * live when it did not end and a console holds the run lock naming it in
 * <state_dir>/locks (state_dir NULL: not asked).
 */
enum journal_state journal_state(const char *state_dir, const char *path,
                                 const struct journal_records *r, int damaged)
{
	if (damaged)
		return JOURNAL_IS_DAMAGED;
	enum journal_state st = journal_state_of(r);
	if (state_dir == NULL || st == JOURNAL_IS_FINISHED || st == JOURNAL_IS_ABORTED)
		return st;
	char *id = journal_run_id(path);
	if (runlock_run_live(state_dir, id))
		st = JOURNAL_IS_LIVE;
	free(id);
	return st;
}

/* Verifies and classifies the journal at path; *r gets its records (free them). */
enum journal_state journal_state_load(const char *state_dir, const char *path,
                                      struct journal_records *r)
{
	struct diag d;
	diag_init(&d);
	int damaged = journal_verify(path, r, &d) == -1;
	diag_free(&d);
	return journal_state(state_dir, path, r, damaged);
}

/* Reads and classifies the run name in dir; *records gets its record count. */
static enum journal_state journal_state_read(const char *state_dir, const char *dir,
                                             const char *name, size_t *records)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct journal_records r;
	enum journal_state st = journal_state_load(state_dir, path, &r);
	*records = r.n;
	journal_records_free(&r);
	free(path);
	return st;
}

/*
 * Lists every run in <state_dir>/runs that did not end, newest first, with
 * its state (out->states): unfinished, detached, or live (a console runs it
 * now: not to be resumed here). Journals with no record, damaged ones and
 * runs that finished or were aborted are left out. -1 with *cause.
 */
int journal_unfinished(const char *state_dir, struct journal_runs *out, char **cause)
{
	struct journal_runs all;
	if (journal_list(state_dir, &all, cause) == -1) {
		journal_runs_free(&all);
		memset(out, 0, sizeof *out);
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->dir = xstrdup(all.dir);
	for (size_t i = 0; i < all.n; i++) {
		size_t records = 0;
		enum journal_state st =
		    journal_state_read(state_dir, all.dir, all.names[i], &records);
		if (records == 0 || (st != JOURNAL_IS_UNFINISHED && st != JOURNAL_IS_DETACHED &&
		                     st != JOURNAL_IS_LIVE))
			continue;
		out->names = xreallocarray(out->names, out->n + 1, sizeof *out->names);
		out->states = xreallocarray(out->states, out->n + 1, sizeof *out->states);
		out->names[out->n] = xstrdup(all.names[i]);
		out->states[out->n++] = st;
	}
	journal_runs_free(&all);
	return 0;
}

/*
 * Finds the newest run in <state_dir>/runs that can be resumed here:
 * unfinished or detached, not live in another console, with records and
 * an intact journal. -1 with *cause when there is none.
 */
int journal_resumable(const char *state_dir, char **path, char **cause)
{
	struct journal_runs runs;
	*path = NULL;
	if (journal_unfinished(state_dir, &runs, cause) == -1)
		return -1;
	for (size_t i = 0; i < runs.n && *path == NULL; i++)
		if (runs.states[i] != JOURNAL_IS_LIVE)
			*path = xasprintf("%s/%s", runs.dir, runs.names[i]);
	if (*path == NULL)
		*cause = xasprintf("no run to resume in %s", runs.dir);
	journal_runs_free(&runs);
	return *path != NULL ? 0 : -1;
}
