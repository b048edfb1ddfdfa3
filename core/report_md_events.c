/*
 * A run's report in Markdown, its second half (report_md.c has the first):
 * guards overridden, attestations, notes and injects, the recovery
 * objectives (RTO and RPO, each with what it was measured to and where its
 * target came from), split-brain alarms and fences, the hot wash with its
 * corrective actions, the timeline, and the journal's verification.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "i18n.h"
#include "report_md.h"
#include "xmalloc.h"

/* Returns an event's step as text ("" when it is about no step; newly allocated). */
static char *report_md_step_no(const struct report_event *e)
{
	return e->step > 0 ? xasprintf("%d", e->step) : xstrdup("");
}

/* Prints a list of events as a table of time, step, what, detail and who; "None." when empty. */
static void report_md_list(FILE *fp, const char *title, const char *what,
                           const struct report_events *list)
{
	const char *head[] = {N_("time"), N_("step"), what, N_("detail"), N_("by")};
	report_md_section(fp, title);
	if (list->n == 0) {
		fputs(_("None.\n"), fp);
		return;
	}
	struct markdown_table *t = report_md_table_new(head, 5);
	for (size_t i = 0; i < list->n; i++) {
		const struct report_event *e = &list->items[i];
		char *step = report_md_step_no(e);
		const char *cells[] = {e->at, step, e->what, e->detail ? e->detail : "",
		                       e->by ? e->by : ""};
		markdown_table_row(t, cells);
		free(step);
	}
	report_md_table(fp, t);
}

/* Prints the notes and injects: the kind of each, then as report_md_list. */
static void report_md_notes(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("time"), N_("kind"), N_("step"), N_("text"), N_("by")};
	report_md_section(fp, N_("Notes and injects"));
	if (rep->notes.n == 0) {
		fputs(_("None.\n"), fp);
		return;
	}
	struct markdown_table *t = report_md_table_new(head, 5);
	for (size_t i = 0; i < rep->notes.n; i++) {
		const struct report_event *e = &rep->notes.items[i];
		char *step = report_md_step_no(e);
		const char *cells[] = {e->at, e->type, step, e->what, e->by ? e->by : ""};
		markdown_table_row(t, cells);
		free(step);
	}
	report_md_table(fp, t);
}

/* Returns the data lost in words (newly allocated). */
static char *report_md_loss(const struct report *rep)
{
	char b[32];
	if (rep->loss_bytes == REPORT_UNKNOWN && rep->loss_seconds < 0)
		return xstrdup("not measured");
	return xasprintf("%s (%" PRId64 " bytes), %.3f s of writes",
	                 rep->loss_bytes != REPORT_UNKNOWN
	                     ? bytes_text(rep->loss_bytes, b, sizeof b)
	                     : "? bytes",
	                 rep->loss_bytes, rep->loss_seconds < 0 ? 0 : rep->loss_seconds);
}

/* Returns whether a target was met, in a word. */
static const char *report_md_met(const struct report_target *t)
{
	return t->met == REPORT_UNKNOWN ? "unknown" : t->met ? "met" : "MISSED";
}

/* Prints the recovery objectives: RTO and RPO achieved, how, against which target. */
static void report_md_objectives(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("objective"), N_("achieved"),    N_("measured"),
	                                   N_("target"),    N_("target from"), N_("result")};
	const struct report_target *ts[] = {&rep->rto, &rep->rpo};
	struct markdown_table *t = report_md_table_new(head, 6);
	report_md_section(fp, N_("Recovery objectives (RTO, RPO)"));
	for (size_t i = 0; i < 2; i++) {
		char *achieved = report_md_ms(ts[i]->achieved_ms),
		     *target = report_md_ms(ts[i]->target_ms);
		const char *cells[] = {
		    i == 0 ? "RTO (time to recover)" : "RPO (data lost, as time)",
		    achieved,
		    ts[i]->basis,
		    target,
		    ts[i]->target_source ? ts[i]->target_source : "no target known",
		    report_md_met(ts[i])};
		markdown_table_row(t, cells);
		free(achieved);
		free(target);
	}
	report_md_table(fp, t);
	char *loss = report_md_loss(rep);
	fputs(_("\nData lost: "), fp);
	report_md_text(fp, loss);
	fputs(".\n", fp);
	free(loss);
}

/* Prints the split-brain alarms and the fences, in journal order each. */
static void report_md_fences(FILE *fp, const struct report *rep)
{
	report_md_list(fp, N_("Split brain"), N_("alarm"), &rep->split_brain);
	static const char *const head[] = {N_("time"), N_("record"), N_("site"), N_("outcome"), N_("detail"), N_("by")};
	report_md_section(fp, N_("Fences"));
	if (rep->fences.n == 0) {
		fputs(_("None.\n"), fp);
		return;
	}
	struct markdown_table *t = report_md_table_new(head, 6);
	for (size_t i = 0; i < rep->fences.n; i++) {
		const struct report_event *e = &rep->fences.items[i];
		const char *cells[] = {e->at,
		                       e->type,
		                       e->what,
		                       e->ok == REPORT_UNKNOWN ? "not told"
		                       : e->ok                 ? "worked"
		                                               : "FAILED",
		                       e->detail ? e->detail : "",
		                       e->by ? e->by : ""};
		markdown_table_row(t, cells);
	}
	report_md_table(fp, t);
}

/* Prints a list of texts as bullets; "None." when empty. */
static void report_md_bullets(FILE *fp, const char *title, char **items, size_t n)
{
	fprintf(fp, "\n### %s\n\n", _(title));
	if (n == 0)
		fputs(_("None recorded.\n"), fp);
	for (size_t i = 0; i < n; i++) {
		fputs("- ", fp);
		report_md_text(fp, items[i]);
		fputs("\n", fp);
	}
}

/* Prints the hot wash: what went well and badly, the corrective actions with owners. */
static void report_md_hotwash(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("corrective action"), N_("owner"), N_("due")};
	report_md_section(fp, N_("Hot wash"));
	if (!rep->hotwash) {
		fputs(_("No hot wash was recorded in this run.\n"), fp);
		return;
	}
	report_md_bullets(fp, N_("Went well"), rep->went_well, rep->n_went_well);
	report_md_bullets(fp, N_("Went badly"), rep->went_badly, rep->n_went_badly);
	fputs(_("\n### Corrective actions\n\n"), fp);
	if (rep->n_actions == 0) {
		fputs(_("None recorded.\n"), fp);
		return;
	}
	struct markdown_table *t = report_md_table_new(head, 3);
	for (size_t i = 0; i < rep->n_actions; i++) {
		const struct report_action *a = &rep->actions[i];
		const char *cells[] = {a->what, a->owner ? a->owner : "NO OWNER",
		                       a->due ? a->due : "no date"};
		markdown_table_row(t, cells);
	}
	report_md_table(fp, t);
}

/* Prints the journal's verification: the chain, the head file, the seal, the final hash. */
static void report_md_verification(FILE *fp, const struct report *rep)
{
	static const char *const head[] = {N_("check"), N_("result")};
	const struct report_check *c = &rep->check;
	struct markdown_table *t = report_md_table_new(head, 2);
	char *records =
	    xasprintf("%zu read cleanly of %zu lines%s", c->records, c->lines,
	              c->torn ? ", then an incomplete line (not part of the chain)" : "");
	char *chain = c->verified
	                  ? xstrdup("intact: every line holds the SHA-256 of the one before")
	                  : xasprintf("FAILED: %zu error%s", c->errors, c->errors == 1 ? "" : "s");
	char *headf = c->head == 1 ? xasprintf("%" PRId64 " records, last hash %s", c->head_records,
	                                       c->head_hash)
	              : c->head == 0 ? xstrdup("none")
	                             : xstrdup("unreadable");
	const char *rows[][2] = {
	    {"file", rep->path},
	    {"records", records},
	    {"chain, head file and seals", chain},
	    {"head file", headf},
	    {"sealed", c->sealed ? "yes: run_sealed is the last record" : "no"},
	    {"final hash", c->final_hash},
	};
	report_md_section(fp, N_("Journal verification"));
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		markdown_table_row(t, rows[i]);
	report_md_table(fp, t);
	if (c->n_problems > 0)
		fputs(_("\nProblems found:\n\n"), fp);
	for (size_t i = 0; i < c->n_problems; i++) {
		fputs("- ", fp);
		report_md_text(fp, c->problems[i]);
		fputs("\n", fp);
	}
	fputs(_("\nThe chain is not a signature: it shows lines lost or edited, not a journal "
	        "rewritten whole to agree with itself.\n"),
	      fp);
	free(records);
	free(chain);
	free(headf);
}

/* Prints the second half of the report: events, objectives, hot wash, timeline, verification. */
void report_md_events(FILE *fp, const struct report *rep)
{
	report_md_list(fp, N_("Guards overridden"), N_("guard"), &rep->overrides);
	report_md_list(fp, N_("Attestations"), N_("site"), &rep->attestations);
	report_md_notes(fp, rep);
	report_md_objectives(fp, rep);
	report_md_fences(fp, rep);
	report_md_hotwash(fp, rep);
	report_md_list(fp, N_("Timeline"), N_("record"), &rep->timeline);
	report_md_verification(fp, rep);
}
