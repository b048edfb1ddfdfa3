/*
 * The DR test schedule panel: for each regular test of dr-test-schedule.yml,
 * its name and where it stands, in its status's colour (overdue red, due
 * within 7 days amber, ok green; bold reverse, underline and plain without
 * colour, and the words say it too), then its frequency in the file's words
 * and its last run's date. The console judges it from the journals at start
 * and at most once a minute (console_schedule.c), never at a frame.
 */
#include "config.h"

#include <stdlib.h>

#include "draw.h"
#include "i18n.h"
#include "journal.h"
#include "panel.h"

/* Returns the colour of a status. */
static enum theme_role schedule_role(enum schedule_status s)
{
	return s == SCHEDULE_OVERDUE ? THEME_CRIT : s == SCHEDULE_DUE_SOON ? THEME_WARN : THEME_OK;
}

/* Draws one test's three lines from line y; returns the next line. */
static int schedule_test(WINDOW *w, int y, const struct view *v, const struct schedule_due *d)
{
	const struct theme *t = v->theme;
	int wd = getmaxx(w) - 2;
	char status[64];
	attr_t a = theme_attr(t, schedule_role(d->status));
	draw_text(w, y, 1, wd, a | A_BOLD, d->test->name);
	draw_text(w, y + 1, 3, wd - 2, a,
	          schedule_due_text(d, v->schedule->at_ms, status, sizeof status));
	if (d->last == NULL) {
		draw_textf(w, y + 2, 3, wd - 2, theme_attr(t, THEME_DIM), _("%s, no run yet"),
		           d->test->frequency_word);
		return y + 3;
	}
	char *date = journal_stamp(d->last->at_ms, 0);
	date[10] = '\0';
	draw_textf(w, y + 2, 3, wd - 2, theme_attr(t, THEME_DIM), _("%s, last %s"),
	           d->test->frequency_word, date);
	free(date);
	return y + 3;
}

/* Draws the schedule panel; returns its content's height. */
static int schedule_draw(WINDOW *w, const struct view *v, int scroll)
{
	const struct view_schedule *s = v->schedule;
	const struct theme *t = v->theme;
	int top = 1 - scroll, y = top, wd = getmaxx(w) - 2;
	if (s == NULL) {
		draw_text(w, y, 1, wd, theme_attr(t, THEME_DIM), _("reading the journals..."));
		return 1;
	}
	if (s->error != NULL)
		y += draw_wrap(w, y, 1, wd, theme_attr(t, THEME_CRIT), s->error);
	else if (s->n == 0)
		draw_text(w, y++, 1, wd, theme_attr(t, THEME_DIM), _("no tests in the schedule"));
	for (size_t i = 0; i < s->n; i++)
		y = schedule_test(w, y, v, &s->due[i]);
	if (s->damaged > 0)
		draw_textf(w, y++, 1, wd, theme_attr(t, THEME_WARN),
		           _("%zu damaged journal%s skipped"), s->damaged, s->damaged == 1 ? "" : "s");
	return y - top;
}

const struct panel_class panel_schedule = {
    .name = "schedule",
    .title = N_("DR tests"),
    .min_w = 20,
    .min_h = 3,
    .inputs = PANEL_IN_SCHEDULE,
    .draw = schedule_draw,
};
