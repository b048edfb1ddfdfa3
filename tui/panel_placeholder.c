/*
 * Panels of later versions (the test schedule) that layouts may
 * already name: they say plainly that the feature is not in this version.
 */
#include "config.h"

#include "draw.h"
#include "panel.h"

/* Draws a notice wrapped to the panel's width; returns its lines. */
static int placeholder_draw(WINDOW *w, const struct view *v, const char *text, int scroll)
{
	return draw_wrap(w, 1 - scroll, 2, getmaxx(w) - 4, theme_attr(v->theme, THEME_DIM), text);
}

/* Draws the schedule panel's notice. */
static int schedule_draw(WINDOW *w, const struct view *v, int scroll)
{
	return placeholder_draw(
	    w, v, "The DR test schedule is not in this version: see drconsole check.", scroll);
}

const struct panel_class panel_schedule = {
	.name = "schedule", .title = "DR tests", .min_w = 20, .min_h = 3, .draw = schedule_draw,
};
