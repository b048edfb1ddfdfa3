/*
 * The schedule table: where the regular DR tests stand (OVERDUE, DUE SOON or
 * OK) and when, then one line per test: its name, its frequency in the
 * file's own words with the English beside them, its duration as written,
 * its participants, its last run (date and run id), when the next is due and
 * its status in words. Dates are UTC. Columns are padded by display width,
 * so Korean names line up; every cell is made one clean line (textout) first.
 * No colour: the words carry the meaning, for a terminal, a log or cron. The
 * first line (drconsole schedule: OVERDUE ...) stays English, as status's
 * does, for what parses it; the rest is in the reader's language.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "journal.h"
#include "schedule_table.h"
#include "textout.h"
#include "utf8.h"
#include "xmalloc.h"

enum { COL_TEST, COL_FREQ, COL_DURATION, COL_PEOPLE, COL_LAST, COL_NEXT, COL_STATUS, COLS_N };

static const char *const schedule_table_heads[COLS_N] = {
    N_("TEST"),     N_("FREQUENCY"), N_("DURATION"), N_("PARTICIPANTS"),
    N_("LAST RUN"), N_("NEXT DUE"),  N_("STATUS")};

/* Returns the UTC date of a time ("2026-11-01"), newly allocated. */
static char *schedule_table_date(int64_t ms)
{
	char *stamp = journal_stamp(ms, 0);
	stamp[10] = '\0';
	return stamp;
}

/* Returns a test's participants joined with commas, or "-" (newly allocated). */
static char *schedule_table_people(const struct schedule_test *t)
{
	char *s = xstrdup(t->n_participants ? "" : "-");
	for (size_t i = 0; i < t->n_participants; i++) {
		char *more = xasprintf("%s%s%s", s, i ? ", " : "", t->participants[i]);
		free(s);
		s = more;
	}
	return s;
}

/* Returns the last run's cell: its date, id and mode, or "never" (newly allocated). */
static char *schedule_table_last(const struct schedule_done *last)
{
	if (last == NULL)
		return xstrdup(_("never"));
	char *date = schedule_table_date(last->at_ms);
	char *s = last->mode ? xasprintf("%s %s (%s)", date, last->run, last->mode)
	                     : xasprintf("%s %s", date, last->run);
	free(date);
	return s;
}

/* Fills the cells of one test's row (raw text: cleaned when printed). */
static void schedule_table_row(char **cells, const struct schedule_due *d, int64_t now_ms)
{
	const struct schedule_test *t = d->test;
	const char *en = _(schedule_freq_name(t->frequency));
	char status[64];
	cells[COL_TEST] = xstrdup(t->name);
	cells[COL_FREQ] = strcmp(t->frequency_word, en) == 0
	                      ? xstrdup(en)
	                      : xasprintf("%s (%s)", t->frequency_word, en);
	cells[COL_DURATION] = xstrdup(t->duration_word ? t->duration_word : "-");
	cells[COL_PEOPLE] = schedule_table_people(t);
	cells[COL_LAST] = schedule_table_last(d->last);
	cells[COL_NEXT] = d->last ? schedule_table_date(d->next_ms) : xstrdup(_("now"));
	cells[COL_STATUS] = xstrdup(schedule_due_text(d, now_ms, status, sizeof status));
}

/* Prints the line that sums up: the worst status, the counts, the time judged at. */
static void schedule_table_summary(FILE *fp, const struct schedule_set *set,
                                   const struct schedule_due *due, const struct schedule_runs *runs,
                                   int64_t now_ms)
{
	static const char *const words[] = {
	    [SCHEDULE_OK] = "OK", [SCHEDULE_DUE_SOON] = "DUE SOON", [SCHEDULE_OVERDUE] = "OVERDUE"};
	char *stamp = journal_stamp(now_ms, 0);
	stamp[16] = '\0';
	stamp[10] = ' ';
	textout_printf(
	    fp, "drconsole schedule: %s (%zu overdue, %zu due within 7 days, %zu ok) at %s UTC\n",
	    words[schedule_due_worst(due, set->n)],
	    schedule_due_count(due, set->n, SCHEDULE_OVERDUE),
	    schedule_due_count(due, set->n, SCHEDULE_DUE_SOON),
	    schedule_due_count(due, set->n, SCHEDULE_OK), stamp);
	textout_printf(fp, _("tests from %s; runs from %s (%zu journal%s)\n\n"), set->file, runs->dir,
	               runs->looked, runs->looked == 1 ? "" : "s");
	free(stamp);
}

/* Prints the damaged journals that were skipped, if any. */
static void schedule_table_damaged(FILE *fp, const struct schedule_runs *runs)
{
	if (runs->n_damaged == 0)
		return;
	textout_printf(fp, _("\n%zu damaged journal%s skipped (never counted as a test run):"),
	               runs->n_damaged, runs->n_damaged == 1 ? "" : "s");
	for (size_t i = 0; i < runs->n_damaged; i++)
		textout_printf(fp, "%s %s", i ? "," : "", runs->damaged[i]);
	textout_printf(fp, "%s", _("\n'drconsole journal verify RUN' shows the problems\n"));
}

/* Prints the summary, one row per test of set with the columns lined up, and what was skipped. */
void schedule_table_print(FILE *fp, const struct schedule_set *set, const struct schedule_due *due,
                          const struct schedule_runs *runs, int64_t now_ms)
{
	char **cells = xcalloc((set->n + 1) * COLS_N, sizeof *cells);
	int width[COLS_N] = {0};
	for (int c = 0; c < COLS_N; c++)
		cells[c] = xstrdup(_(schedule_table_heads[c]));
	for (size_t i = 0; i < set->n; i++)
		schedule_table_row(&cells[(i + 1) * COLS_N], &due[i], now_ms);
	for (size_t i = 0; i < (set->n + 1) * COLS_N; i++) {
		char *line = textout_line(cells[i]);
		if (utf8_width(line) > width[i % COLS_N])
			width[i % COLS_N] = utf8_width(line);
		free(line);
	}
	schedule_table_summary(fp, set, due, runs, now_ms);
	for (size_t i = 0; i < (set->n + 1) * COLS_N; i++) {
		int c = (int)(i % COLS_N);
		if (c == COLS_N - 1) {
			textout_padded(fp, cells[i], 0);
			fputc('\n', fp);
		} else {
			textout_padded(fp, cells[i], width[c] + 2);
		}
		free(cells[i]);
	}
	free(cells);
	schedule_table_damaged(fp, runs);
}
