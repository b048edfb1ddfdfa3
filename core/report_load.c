/*
 * A run's report from its journal file (report.h): the journal read and
 * checked in full (journal_verify: every record, the SHA-256 chain, the
 * head file and the seals), every problem kept as FILE:LINE:COL text, the
 * head file and the final hash kept for the report's verification section,
 * the run's state (journal_state: damaged, or live while a console holds
 * its lock), then the model built from whatever records read cleanly.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

/* Returns the run id of the journal at path: its file name without .jsonl (newly allocated). */
static char *report_run_id(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);
	return xstrndup(base, len > 6 && strcmp(base + len - 6, ".jsonl") == 0 ? len - 6 : len);
}

/* Keeps every problem the checks found, formatted, in check. */
static void report_problems(struct report_check *check, const struct diag *d)
{
	check->problems = xcalloc(d->n ? d->n : 1, sizeof *check->problems);
	for (size_t i = 0; i < d->n; i++)
		check->problems[check->n_problems++] = diag_format(&d->items[i]);
	check->errors = d->errors;
	check->warnings = d->warnings;
}

/* Tells whether the journal at path was read at all (its first problem is not that it cannot be).
 */
static int report_was_read(const char *path, const struct journal_records *r, const struct diag *d)
{
	const struct diag_item *first = d->n > 0 ? &d->items[0] : NULL;
	return r->lines > 0 || first == NULL || first->line != 0 || first->file == NULL ||
	       strcmp(first->file, path) != 0;
}

/* Fills check from the journal's records, its problems and its head file. */
static void report_check_fill(struct report_check *check, const char *path,
                              const struct journal_records *r, const struct diag *d, int rc)
{
	struct journal_head h;
	char *cause = NULL;
	check->read = report_was_read(path, r, d);
	check->verified = rc == 0;
	check->lines = r->lines;
	check->records = r->n;
	check->torn = r->torn;
	check->sealed = r->n > 0 && strcmp(r->items[r->n - 1].type, JOURNAL_RUN_SEALED) == 0;
	memcpy(check->final_hash, r->last_hash, sizeof check->final_hash);
	int head = journal_head_read(path, &h, &cause);
	check->head = head == 0 ? 1 : head == 1 ? 0 : -1;
	check->head_records = head == 0 ? h.records : REPORT_UNKNOWN;
	memcpy(check->head_hash, head == 0 ? h.last_hash : "", head == 0 ? sizeof h.last_hash : 1);
	free(cause);
	report_problems(check, d);
}

/*
 * Reads and checks the journal at path and builds its report into rep
 * (state_dir, when not NULL, tells whether a console runs it now; cat may
 * be NULL). Returns 0 when the journal is sound, 1 when it is damaged or
 * unverifiable (rep holds what could be read, with every problem), -1 when
 * it could not be read at all (rep->check.problems says why).
 */
int report_load(struct report *rep, const char *state_dir, const char *path,
                const struct catalog *cat)
{
	struct journal_records r;
	struct diag d;
	memset(rep, 0, sizeof *rep);
	diag_init(&d);
	int rc = journal_verify(path, &r, &d);
	rep->run_id = report_run_id(path);
	rep->path = xstrdup(path);
	report_check_fill(&rep->check, path, &r, &d, rc);
	report_build(rep, &r, journal_state(state_dir, path, &r, rc == -1), cat);
	journal_records_free(&r);
	diag_free(&d);
	if (!rep->check.read)
		return -1;
	return report_sound(rep) ? 0 : 1;
}
