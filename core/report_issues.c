/*
 * A run's report, its issues (report.h): what an auditor looks for first,
 * gathered from the model in one list, each in a sentence: a journal that
 * failed its checks, a run aborted, steps that failed, were skipped, ended
 * unknown or stayed guarded, steps and the run over their estimates, guards
 * overridden, old primaries attested down instead of fenced, split brains,
 * fences that failed, and RTO or RPO targets missed. A drill's hot wash
 * says what went badly in its own words; these are the journal's facts.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "report.h"
#include "xmalloc.h"

/* Adds one issue, formatted. */
static void report_issue(struct report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_issue(struct report *rep, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rep->issues = xreallocarray(rep->issues, rep->n_issues + 1, sizeof *rep->issues);
	rep->issues[rep->n_issues++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Adds an issue when a duration went over its estimate. */
static void report_over(struct report *rep, const char *what, int64_t took, int64_t estimate)
{
	if (took == REPORT_UNKNOWN || estimate == REPORT_UNKNOWN || took <= estimate)
		return;
	char *t = duration_format(took), *e = duration_format(estimate);
	report_issue(rep, "%s took %s, over its estimate of %s", what, t, e);
	free(t);
	free(e);
}

/* Adds the issues of the steps: how they ended badly, and their overruns. */
static void report_step_issues(struct report *rep)
{
	static const char *const bad[] = {"failed", "skipped", "unknown", "guarded"};
	for (size_t i = 0; i < rep->n_steps; i++) {
		const struct report_step *st = &rep->steps[i];
		char *what = xasprintf("step %d (%s)", st->n, st->action ? st->action : "?");
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
			if (st->state != NULL && strcmp(st->state, bad[k]) == 0)
				report_issue(rep, "%s %s%s%s", what,
				             k == 2   ? "ended unknown"
				             : k == 3 ? "was held by a guard"
				                      : bad[k],
				             st->detail ? ": " : "", st->detail ? st->detail : "");
		if (st->finished)
			report_over(rep, what, st->step_ms, st->estimate_ms);
		free(what);
	}
}

/* Tells whether an event is a fence that failed. */
static int report_failed(const struct report_event *e)
{
	return e->ok == 0;
}

/* Tells whether an event is a split-brain alarm raised (not its end). */
static int report_raised(const struct report_event *e)
{
	return e->what != NULL && strcmp(e->what, "raised") == 0;
}

/* Adds an issue for each event of a list that keep (NULL: every one) keeps, with a lead of words.
 */
static void report_event_issues(struct report *rep, const struct report_events *list,
                                const char *lead, int (*keep)(const struct report_event *))
{
	for (size_t i = 0; i < list->n; i++) {
		const struct report_event *e = &list->items[i];
		if (keep != NULL && !keep(e))
			continue;
		report_issue(rep, "%s %s%s%s (%s)", lead, e->what ? e->what : "?",
		             e->detail ? ": " : "", e->detail ? e->detail : "", e->at);
	}
}

/* Adds an issue when a target was missed. */
static void report_missed(struct report *rep, const char *name, const struct report_target *t)
{
	if (t->met != 0)
		return;
	char *a = duration_format(t->achieved_ms), *g = duration_format(t->target_ms);
	report_issue(rep, "%s target missed: %s against %s (%s)", name, a, g,
	             t->target_source ? t->target_source : "?");
	free(a);
	free(g);
}

/* Gathers the run's issues into rep->issues, the gravest kinds first. */
void report_issues_build(struct report *rep)
{
	if (rep->state == JOURNAL_IS_DAMAGED)
		report_issue(rep,
		             "the journal failed its checks (%zu error%s): this report is "
		             "unverified",
		             rep->check.errors, rep->check.errors == 1 ? "" : "s");
	if (rep->claimed == JOURNAL_IS_ABORTED)
		report_issue(rep, "the run was aborted%s%s", rep->reason ? ": " : "",
		             rep->reason ? rep->reason : "");
	report_event_issues(rep, &rep->split_brain, "split brain", report_raised);
	report_event_issues(rep, &rep->fences, "a fence FAILED at", report_failed);
	report_missed(rep, "RTO", &rep->rto);
	report_missed(rep, "RPO", &rep->rpo);
	report_step_issues(rep);
	if (report_ended(rep))
		report_over(rep, "the run", rep->elapsed_ms, rep->estimate_ms);
	report_event_issues(rep, &rep->overrides, "guard overridden:", NULL);
	report_event_issues(rep, &rep->attestations, "attested down instead of fenced:", NULL);
}

/* Frees the issues. */
void report_issues_free(struct report *rep)
{
	for (size_t i = 0; i < rep->n_issues; i++)
		free(rep->issues[i]);
	free(rep->issues);
	rep->issues = NULL;
	rep->n_issues = 0;
}
