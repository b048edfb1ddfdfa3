/*
 * A run's report in Markdown, for people and for the auditor who asks for
 * the evidence of an exercise or an incident (ISO 22301 8.5, ISMS-P
 * 2.12.2): when, what kind, which scenario, objectives, participants, the
 * steps and the timeline, RTO and RPO achieved against their targets,
 * issues (overrides, attestations, split brain), corrective actions with
 * their owners, and the journal's own verification with its final hash.
 *
 * A journal that failed its checks opens the report with a section saying
 * so, every problem listed, and every later section is what could still be
 * read, marked unverified. Tables line up by display width (markdown.c);
 * every text from the journal is made harmless there. The events and the
 * closing sections are in report_md_events.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "markdown.h"
#include "i18n.h"
#include "report.h"
#include "report_md.h"
#include "xmalloc.h"

/* Returns a duration in words (newly allocated): "1.5s", "9m30s", or "unknown". */
char *report_md_ms(int64_t ms)
{
	if (ms == REPORT_UNKNOWN)
		return xstrdup("unknown");
	if (ms >= 1000 && ms < 60000 && ms % 1000 != 0)
		return xasprintf("%.1fs", (double)ms / 1000);
	return duration_format(ms);
}

/* Prints a section's heading (marked N_()) in the reader's language. */
void report_md_section(FILE *fp, const char *title)
{
	char *clean = markdown_inline(_(title));
	fprintf(fp, "\n## %s\n\n", clean);
	free(clean);
}

/* Starts a table whose head (marked N_()) is in the reader's language. */
struct markdown_table *report_md_table_new(const char *const *head, size_t cols)
{
	const char *local[16];
	for (size_t i = 0; i < cols && i < 16; i++)
		local[i] = _(head[i]);
	return markdown_table_new(local, cols);
}

/* Prints text as one line of Markdown, made harmless. */
void report_md_text(FILE *fp, const char *text)
{
	char *clean = markdown_inline(text);
	fputs(clean, fp);
	free(clean);
}

/* Prints the table, then frees it. */
void report_md_table(FILE *fp, struct markdown_table *t)
{
	markdown_table_print(t, fp);
	markdown_table_free(t);
}

/* Adds a row of two cells, its value newly allocated (freed here). */
static void report_md_pair(struct markdown_table *t, const char *key, char *value)
{
	const char *cells[] = {_(key), value};
	markdown_table_row(t, cells);
	free(value);
}

/*
 * Returns a figure against its target (newly allocated): "A against B
 * (where B comes from): met (C to spare)", or, when it is unknown, why
 * (unknown) and the target.
 */
char *report_md_against(int64_t achieved, const char *unknown, int64_t target,
                        const char *target_source)
{
	char *a = report_md_ms(achieved), *b = report_md_ms(target), *out;
	const char *from = target_source ? target_source : "?";
	if (achieved == REPORT_UNKNOWN && target == REPORT_UNKNOWN)
		out = xasprintf("%s; no target known", unknown);
	else if (achieved == REPORT_UNKNOWN)
		out = xasprintf("%s; the target is %s (%s)", unknown, b, from);
	else if (target == REPORT_UNKNOWN)
		out = xasprintf("%s; no target known", a);
	else {
		int64_t gap = achieved <= target ? target - achieved : achieved - target;
		char *g = report_md_ms(gap);
		out = xasprintf("%s against %s (%s): %s (%s %s)", a, b, from,
		                achieved <= target ? "met" : "MISSED", g,
		                achieved <= target ? "to spare" : "over");
		free(g);
	}
	free(a);
	free(b);
	return out;
}

/* Prints the first section of a report on a damaged journal: what failed, every problem. */
static void report_md_damaged(FILE *fp, const struct report *rep)
{
	const struct report_check *c = &rep->check;
	report_md_section(fp, N_("JOURNAL DAMAGED: THIS REPORT IS UNVERIFIED"));
	fprintf(fp,
	        "**The journal failed its checks** (%zu error%s): a line was edited, removed, "
	        "reordered or cut off, or its head file or seal does not match. What follows is "
	        "only what could still be read (%zu of %zu lines); it is **not evidence** of what "
	        "happened, and a record missing here may be the one that matters.\n\n",
	        c->errors, c->errors == 1 ? "" : "s", c->records, c->lines);
	for (size_t i = 0; i < c->n_problems; i++) {
		fputs("- ", fp);
		report_md_text(fp, c->problems[i]);
		fputs("\n", fp);
	}
}

/* Returns the run's state with its result or reason (newly allocated). */
static char *report_md_state(const struct report *rep)
{
	const char *words = report_state_words(rep);
	char *base =
	    rep->result != NULL || rep->reason != NULL
	        ? xasprintf("%s (result: %s%s%s)", words, rep->result ? rep->result : "?",
	                    rep->reason ? "; reason: " : "", rep->reason ? rep->reason : "")
	        : xstrdup(words);
	if (rep->state != JOURNAL_IS_DAMAGED)
		return base;
	char *out = xasprintf("DAMAGED; the records read say: %s (unverified)", base);
	free(base);
	return out;
}

/* Returns the run's total time against the scenario's estimate (newly allocated). */
static char *report_md_total(const struct report *rep)
{
	char *against = report_md_against(rep->elapsed_ms, "unknown", rep->estimate_ms,
	                                  "the scenario's estimate");
	char *elapsed = report_md_ms(rep->elapsed_ms), *out;
	const char *so_far =
	    report_ended(rep) ? "" : " so far (to the last record): the run has not ended";
	if (rep->estimate_ms == REPORT_UNKNOWN)
		out = xasprintf("%s%s; the estimate is %s", elapsed, so_far, rep->estimate_source);
	else
		out = xasprintf("%s%s", against, so_far);
	free(elapsed);
	free(against);
	return out;
}

/* Returns the journal's verification in a line (newly allocated). */
static char *report_md_verdict(const struct report *rep)
{
	const struct report_check *c = &rep->check;
	if (!report_sound(rep))
		return xasprintf("DAMAGED: %zu problem%s (see the first section)", c->errors,
		                 c->errors == 1 ? "" : "s");
	return xasprintf("verified: %zu records, chain intact, %s, %s (the final hash is under "
	                 "Journal verification)",
	                 c->records, c->head == 1 ? "head file agrees" : "no head file",
	                 c->sealed ? "sealed" : "not sealed (the run is open)");
}

/* Returns who ran it: a person (the operators) or the watcher (newly allocated). */
static char *report_md_actor(const struct report *rep)
{
	if (rep->actor != NULL && strcmp(rep->actor, "watch") == 0)
		return xstrdup("the watcher (drconsole watch): its checks confirmed the steps");
	const char *who = report_holder(rep);
	return xasprintf("a person%s%s", who ? ": " : "", who ? who : "");
}

/* Prints the summary: what, when, who, how long, RTO and RPO, and the journal's verdict. */
static void report_md_summary(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("item"), N_("value")};
	struct markdown_table *t = report_md_table_new(head, 2);
	report_md_section(fp, N_("Summary"));
	report_md_pair(t, N_("run"), xstrdup(rep->run_id));
	const char *type[] = {C_("report", "type"), report_type(rep)}; /* kind of run, not typing */
	markdown_table_row(t, type);
	if (rep->scenario != NULL)
		report_md_pair(t, N_("scenario"), xstrdup(rep->scenario));
	if (rep->drill != NULL)
		report_md_pair(t, N_("drill"), xstrdup(rep->drill));
	if (rep->schedule != NULL)
		report_md_pair(t, N_("scheduled test"), xstrdup(rep->schedule));
	report_md_pair(t, N_("state"), report_md_state(rep));
	report_md_pair(t, N_("run by"), report_md_actor(rep));
	report_md_pair(t, N_("started"), xstrdup(rep->started ? rep->started : "unknown"));
	report_md_pair(t, N_("ended"),
	               rep->ended ? xstrdup(rep->ended)
	                          : xasprintf("not ended (last record at %s)",
	                                      rep->last_at ? rep->last_at : "?"));
	report_md_pair(t, N_("total time"), report_md_total(rep));
	report_md_pair(t, N_("RTO"),
	               report_md_against(rep->rto.achieved_ms, rep->rto.basis, rep->rto.target_ms,
	                                 rep->rto.target_source));
	report_md_pair(t, N_("RPO"),
	               report_md_against(rep->rpo.achieved_ms, rep->rpo.basis, rep->rpo.target_ms,
	                                 rep->rpo.target_source));
	report_md_pair(t, N_("journal"), report_md_verdict(rep));
	report_md_table(fp, t);
}

/* Prints the issues: what went wrong, in sentences. */
static void report_md_issues(FILE *fp, const struct report *rep)
{
	report_md_section(fp, N_("Issues"));
	if (rep->n_issues == 0)
		fputs(_("None found in the journal.\n"), fp);
	for (size_t i = 0; i < rep->n_issues; i++) {
		fputs("- ", fp);
		report_md_text(fp, rep->issues[i]);
		fputs("\n", fp);
	}
}

/* Prints who held the run and where they connected from. */
static void report_md_operators(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("operator"), N_("jump host"), N_("connected from"), N_("since"),
	                                   N_("how")};
	report_md_section(fp, N_("Operators"));
	if (rep->n_operators == 0) {
		fputs(_("The journal names no operator.\n"), fp);
		return;
	}
	struct markdown_table *t = report_md_table_new(head, 5);
	for (size_t i = 0; i < rep->n_operators; i++) {
		const struct report_person *p = &rep->operators[i];
		const char *cells[] = {p->name, p->host ? p->host : "?",
		                       p->origin ? p->origin : "?", p->since, p->how};
		markdown_table_row(t, cells);
	}
	report_md_table(fp, t);
}

/* Prints a drill's participants and objectives, when the run names them. */
static void report_md_drill(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("participant"), N_("role")};
	if (rep->n_participants > 0) {
		struct markdown_table *t = report_md_table_new(head, 2);
		report_md_section(fp, N_("Participants"));
		for (size_t i = 0; i < rep->n_participants; i++) {
			const char *cells[] = {rep->participants[i].name,
			                       rep->participants[i].role ? rep->participants[i].role
			                                                 : ""};
			markdown_table_row(t, cells);
		}
		report_md_table(fp, t);
	}
	if (rep->n_objectives > 0) {
		report_md_section(fp, N_("Objectives"));
		for (size_t i = 0; i < rep->n_objectives; i++) {
			fputs("- ", fp);
			report_md_text(fp, rep->objectives[i]);
			fputs("\n", fp);
		}
	}
}

/* Returns who confirmed a step, and how (newly allocated). */
static char *report_md_confirmed(const struct report_step *st)
{
	if (st->confirmed_by != NULL)
		return xasprintf("%s (%s)", st->confirmed_by,
		                 st->confirm_how ? st->confirm_how : "?");
	return xstrdup(st->attempts > 0 ? "not asked (it needs no confirmation)" : "-");
}

/* Returns a step's time: "so far" while it runs, "to the run's end" when the run ended first. */
static char *report_md_step_time(const struct report *rep, const struct report_step *st)
{
	char *t = report_md_ms(st->step_ms);
	if (st->step_ms == REPORT_UNKNOWN || st->finished)
		return t;
	char *out = xasprintf("%s %s", t, report_ended(rep) ? "to the run's end" : "so far");
	free(t);
	return out;
}

/* Prints the steps' table. */
static void report_md_steps(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {"#",          N_("step"),     N_("title"),
	                                   N_("result"), N_("time"),     N_("estimate"),
	                                   N_("confirmed by"), N_("exit")};
	report_md_section(fp, N_("Steps"));
	if (rep->n_steps == 0) {
		fputs(_("The run has no steps.\n"), fp);
		return;
	}
	struct markdown_table *t = report_md_table_new(head, 8);
	for (size_t i = 0; i < rep->n_steps; i++) {
		const struct report_step *st = &rep->steps[i];
		char *n = xasprintf("%d", st->n), *time = report_md_step_time(rep, st);
		char *est = report_md_ms(st->estimate_ms), *by = report_md_confirmed(st);
		char *rc = st->exit_status == REPORT_UNKNOWN ? xstrdup("-")
		                                             : xasprintf("%d", st->exit_status);
		const char *cells[] = {n,
		                       st->action ? st->action : "?",
		                       st->title ? st->title : "",
		                       st->state,
		                       time,
		                       est,
		                       by,
		                       rc};
		markdown_table_row(t, cells);
		free(n);
		free(time);
		free(est);
		free(by);
		free(rc);
	}
	report_md_table(fp, t);
}

/* Prints a labelled line of a step's details when text is not NULL. */
static void report_md_item(FILE *fp, const char *label, const char *text)
{
	if (text == NULL)
		return;
	fprintf(fp, "- %s: ", _(label));
	report_md_text(fp, text);
	fputs("\n", fp);
}

/* Prints one step's details: its times, confirmation, evidence, why, output. */
static void report_md_step(FILE *fp, const struct report_step *st)
{
	fprintf(fp, _("\n### Step %d: "), st->n);
	report_md_text(fp, st->action ? st->action : "?");
	fputs("\n\n", fp);
	report_md_item(fp, N_("title"), st->title);
	report_md_item(fp, N_("became current"), st->current_at);
	report_md_item(fp, N_("finished"), st->finished_at);
	if (st->attempts > 1)
		fprintf(fp, _("- attempts: %d\n"), st->attempts);
	if (st->confirmed_by != NULL) {
		char *by = xasprintf("%s (%s) at %s", st->confirmed_by,
		                     st->confirm_how ? st->confirm_how : "?",
		                     st->confirmed_at ? st->confirmed_at : "?");
		report_md_item(fp, N_("confirmed by"), by);
		free(by);
	}
	report_md_item(fp, N_("evidence"), st->evidence);
	report_md_item(fp, N_("sent"), st->command);
	report_md_item(fp, N_("detail"), st->detail);
	if (st->output != NULL) {
		fputs(_("\nOutput (its last lines):\n\n"), fp);
		markdown_code(fp, st->output);
	}
	if (st->errout != NULL) {
		fputs(_("\nStandard error (its last lines):\n\n"), fp);
		markdown_code(fp, st->errout);
	}
}

/* Prints the details of every step that has any. */
static void report_md_step_details(FILE *fp, const struct report *rep)
{
	for (size_t i = 0; i < rep->n_steps; i++)
		if (rep->steps[i].current_at != NULL || rep->steps[i].finished)
			report_md_step(fp, &rep->steps[i]);
}

/* Prints the whole report in Markdown. */
void report_md(FILE *fp, const struct report *rep)
{
	fputs(_("# Run report: "), fp);
	report_md_text(fp, rep->title ? rep->title : "?");
	fputs(report_sound(rep) ? "\n" : _(" (UNVERIFIED)\n"), fp);
	if (!report_sound(rep))
		report_md_damaged(fp, rep);
	report_md_summary(fp, rep);
	report_md_issues(fp, rep);
	report_md_operators(fp, rep);
	report_md_drill(fp, rep);
	report_md_steps(fp, rep);
	report_md_step_details(fp, rep);
	report_md_events(fp, rep);
}
