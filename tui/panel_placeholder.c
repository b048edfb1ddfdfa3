/*
 * Panels of later versions (the runbook, the test schedule) that layouts may
 * already name: they say plainly that the feature is not in this version.
 */
#include "config.h"

#include "draw.h"
#include "panel.h"

/* Draws a boxed notice. */
static void placeholder_draw(WINDOW *w, const struct view *v, const char *title,
			     const char *text, int focused)
{
	int h, wd;
	getmaxyx(w, h, wd);
	draw_box(w, v->theme, title, focused);
	if (h > 2)
		draw_text(w, 1, 2, wd - 4, theme_attr(v->theme, THEME_DIM), text);
}

/* Draws the runbook panel's notice. */
static void runbook_draw(WINDOW *w, const struct view *v, int scroll, int focused)
{
	placeholder_draw(w, v, "runbook",
			 "Guided recovery runs are not in this version: see drconsole plan.", focused);
}

/* Draws the schedule panel's notice. */
static void schedule_draw(WINDOW *w, const struct view *v, int scroll, int focused)
{
	placeholder_draw(w, v, "DR tests",
			 "The DR test schedule is not in this version: see drconsole check.", focused);
}

const struct panel_class panel_runbook = {
	.name = "runbook", .title = "runbook", .min_w = 20, .min_h = 3, .draw = runbook_draw,
};
const struct panel_class panel_schedule = {
	.name = "schedule", .title = "DR tests", .min_w = 20, .min_h = 3, .draw = schedule_draw,
};
