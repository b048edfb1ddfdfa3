/* Events: timestamped state changes, newest first, coloured by level; scrolls. */
#include "config.h"

#include <time.h>

#include "draw.h"
#include "i18n.h"
#include "panel.h"

/* Draws the events panel. */
static int events_draw(WINDOW *w, const struct view *v, int scroll)
{
	const struct theme *t = v->theme;
	int h, wd;
	getmaxyx(w, h, wd);
	size_t n = event_log_count(v->events);
	if (n == 0)
		draw_text(w, 1, 2, wd - 4, theme_attr(t, THEME_DIM), _("no events yet"));
	for (int y = 1; y < h - 1; y++) {
		const struct event *e = event_log_get(v->events, (size_t)(y - 1 + scroll));
		if (e == NULL)
			break;
		time_t at = (time_t)(e->at_ms / 1000);
		struct tm tm;
		char when[16];
		localtime_r(&at, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		enum theme_role r = e->level == EVENT_CRITICAL ? THEME_CRIT
				    : e->level == EVENT_WARNING ? THEME_WARN : THEME_NORMAL;
		int x = draw_text(w, y, 1, wd - 2, theme_attr(t, THEME_DIM), when);
		draw_textf(w, y, 2 + x, wd - 3 - x, theme_attr(t, r), "%s", e->shown);
	}
	return n ? (int)n : 1;
}

const struct panel_class panel_events = {
	.name = "events", .title = N_("events"), .min_w = 30, .min_h = 3,
	.inputs = PANEL_IN_EVENTS,
	.draw = events_draw,
};
