/*
 * The header: the overall verdict, each site with its role and state, the
 * failover mode, and the clock in UTC and local time (or the time of the
 * capture being viewed, marked "recorded"); the second line holds
 * the reason heading the verdict (split brain, if any, is always that one)
 * and how many more there are.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "panel.h"
#include "utf8.h"

/* Returns the role a verdict level is drawn in. */
static enum theme_role header_level_role(enum verdict_level l)
{
	switch (l) {
	case VERDICT_OK:
		return THEME_OK;
	case VERDICT_WARNING:
		return THEME_WARN;
	case VERDICT_CRITICAL:
		return THEME_CRIT;
	default:
		return THEME_UNKNOWN;
	}
}

/* Draws one site's name, role and reachability; returns the columns used. */
static int header_site(WINDOW *w, int x, int maxw, const struct view *v,
                       const struct site_status *s)
{
	const struct theme *t = v->theme;
	enum pg_role role = verdict_site_role(s);
	enum theme_role tr = !s->reachable                                        ? THEME_CRIT
	                     : role == PG_ROLE_PRIMARY || role == PG_ROLE_STANDBY ? THEME_OK
	                     : role == PG_ROLE_DOWN                               ? THEME_CRIT
	                                                                          : THEME_UNKNOWN;
	int used = draw_text(w, 0, x, maxw, theme_attr(t, THEME_TITLE), s->name);
	used += draw_textf(
	    w, 0, x + used, maxw - used, theme_attr(t, tr), " %s%s",
	    s->reachable || s->generation == 0 ? verdict_role_name(role) : "unreachable", "  ");
	return used;
}

/*
 * Draws the reason heading the verdict on line 1 (most severe, then what
 * endangers recovery most), and at its end how many more there are; a rule
 * when all is well.
 */
static void header_reason(WINDOW *w, int wd, const struct view *v)
{
	const struct theme *t = v->theme;
	const struct verdict_reason *r = verdict_top(v->verdict);
	size_t n = verdict_more(v->verdict);
	char more[32] = "";
	if (r == NULL) {
		draw_hline(w, t, 1, 0, wd);
		return;
	}
	if (n > 0)
		snprintf(more, sizeof more, " (+%zu more)", n);
	int mw = (int)strlen(more) < wd / 2 ? (int)strlen(more) : 0;
	attr_t a = theme_attr(t, header_level_role(r->level));
	int x = draw_textf(w, 1, 0, wd - mw, a, " %s", r->text);
	if (mw > 0)
		draw_text(w, 1, x, mw, theme_attr(t, THEME_DIM), more);
}

/* Draws the header. */
static int header_draw(WINDOW *w, const struct view *v, int scroll)
{
	const struct theme *t = v->theme;
	int h, wd;
	getmaxyx(w, h, wd);
	time_t now = (time_t)(v->now_ms / 1000);
	struct tm utc, local;
	char clock[64], ut[16], lt[32] = "";
	gmtime_r(&now, &utc);
	localtime_r(&now, &local);
	strftime(ut, sizeof ut, "%H:%M:%S", &utc);
	/* Local time only where it differs, and where the sites' roles still fit whole. */
	int need = (int)strlen(verdict_name(v->verdict->level)) + 3;
	for (size_t i = 0; i < v->n_sites; i++)
		need += utf8_width(v->sites[i].name) + 14; /* " unreachable  " at most */
	if (local.tm_gmtoff != 0 && need + 32 <= wd)
		strftime(lt, sizeof lt, "  %H:%M %Z", &local);
	snprintf(clock, sizeof clock, "%s%s UTC%s", v->recorded ? "recorded " : "", ut, lt);
	int clockw = (int)strlen(clock), room = wd - clockw - 1;

	int x =
	    draw_textf(w, 0, 0, wd, theme_attr(t, header_level_role(v->verdict->level)) | A_BOLD,
	               " %s ", verdict_name(v->verdict->level));
	x++;
	for (size_t i = 0; i < v->n_sites && x < room; i++)
		x += header_site(w, x, room - x, v, &v->sites[i]);
	/* The failover mode only where it fits whole: the sites' roles come first. */
	char mode[48];
	snprintf(mode, sizeof mode, "failover %s", configmap_mode_name(v->cf->dr.failover_mode));
	if (x + (int)strlen(mode) <= room)
		draw_text(w, 0, x, room - x, theme_attr(t, THEME_DIM), mode);
	if (wd > clockw)
		draw_text(w, 0, wd - clockw, clockw, theme_attr(t, THEME_NORMAL), clock);
	if (h < 2)
		return 1;
	header_reason(w, wd, v);
	return 2;
}

const struct panel_class panel_header = {
    .name = "header",
    .title = NULL,
    .min_w = 40,
    .min_h = 1,
    .inputs = PANEL_IN_REACH | PANEL_IN_PG | PANEL_IN_VERDICT | PANEL_IN_CLOCK,
    .draw = header_draw,
};
