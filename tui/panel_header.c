/*
 * The header: the overall verdict, each site with its role and state, the
 * failover mode and the watcher (where they fit), and the clock in UTC and
 * local time (or the time of the capture being viewed, marked "recorded");
 * a drill run is named first, DRILL or TABLETOP in reverse bold (the word
 * itself, so it holds without colour); the second line holds the reason heading the verdict (split brain, if
 * any, is always that one; with its cause when the kept fence explains it)
 * and how many more there are, and at its right the fence kept after a
 * promotion.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "fencenote.h"
#include "i18n.h"
#include "langnote.h"
#include "panel.h"
#include "utf8.h"
#include "watchnote.h"

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
	    s->reachable || s->generation == 0 ? _(verdict_role_name(role)) : _("unreachable"), "  ");
	return used;
}

/*
 * Tells whether the locale cannot show a name on screen (a site's, the run's):
 * then the header says so once, rather than leave "????? ??" unexplained.
 */
static int header_names_hidden(const struct view *v)
{
	for (size_t i = 0; i < v->n_sites; i++)
		if (!langnote_shows(v->sites[i].name))
			return 1;
	return v->run != NULL && !langnote_shows(v->run->scenario->name);
}

/*
 * Draws the kept fence at the right of line 1 in at most cols columns
 * (amber; red when its state cannot be read); returns the columns used.
 */
static int header_fence(WINDOW *w, int wd, int cols, const struct view *v)
{
	char text[192];
	enum theme_role role = THEME_WARN;
	if (v->fence_error != NULL) {
		snprintf(text, sizeof text, "%s",
		         utf8_width(_("fence state unreadable")) <= cols ? _("fence state unreadable") : "");
		role = THEME_CRIT;
	} else if (v->fence_split || !fencenote_kept(v->fence, v->now_ms, cols, text, sizeof text)) {
		return 0; /* a split brain it explains says it in the reason */
	}
	int tw = utf8_width(text);
	if (tw == 0)
		return 0;
	draw_text(w, 1, wd - tw - 1, tw, theme_attr(v->theme, role) | A_BOLD, text);
	return tw + 3; /* two columns apart from the reason */
}

/*
 * Draws the reason heading the verdict on line 1 (most severe, then what
 * endangers recovery most), and at its end how many more there are; a rule
 * when all is well. The kept fence goes at the right where it fits in half
 * the width (all of it over a rule); a split brain it explains is said with
 * its cause.
 */
static void header_reason(WINDOW *w, int wd, const struct view *v)
{
	const struct theme *t = v->theme;
	const struct verdict_reason *r = verdict_top(v->verdict);
	size_t n = verdict_more(v->verdict);
	char more[32] = "", text[1200];
	if (r == NULL) {
		draw_hline(w, t, 1, 0, wd);
		header_fence(w, wd, wd - 2, v);
		return;
	}
	wd -= header_fence(w, wd, wd / 2 - 1, v);
	if (header_names_hidden(v)) { /* at the right, as the fence: the reason keeps the most room */
		int nw = utf8_width(langnote_short());
		draw_text(w, 1, wd - nw - 1, nw, theme_attr(t, THEME_WARN) | A_BOLD, langnote_short());
		wd -= nw + 3;
	}
	if (n > 0)
		snprintf(more, sizeof more, _(" (+%zu more)"), n);
	int mw = utf8_width(more) < wd / 2 ? utf8_width(more) : 0;
	attr_t a = theme_attr(t, header_level_role(r->level));
	if (v->fence_split) {
		char cause[512];
		fencenote_cause(v->fence, v->now_ms, cause, sizeof cause);
		snprintf(text, sizeof text, _("SPLIT BRAIN: %s is back writable; f fences it now (%s)"),
		         v->fence->site, cause);
	} else {
		snprintf(text, sizeof text, "%s", verdict_shown(r));
	}
	int x = draw_textf(w, 1, 0, wd - mw, a, " %s", text);
	if (mw > 0)
		draw_text(w, 1, x, mw, theme_attr(t, THEME_DIM), more);
}

/* Returns the role the watcher's words are drawn in. */
static enum theme_role header_watch_role(enum watchnote_level l)
{
	return l == WATCHNOTE_WARN ? THEME_WARN : l == WATCHNOTE_OK ? THEME_OK : THEME_DIM;
}

/*
 * Draws the failover mode and the watcher on line 0 from x, in the room
 * left before the clock, each only where it fits whole: a watcher that runs
 * or stopped comes before the mode, "watch: none" after it.
 */
static void header_modes(WINDOW *w, int x, int room, const struct view *v)
{
	const struct theme *t = v->theme;
	char mode[48], watch[96] = "";
	snprintf(mode, sizeof mode, _("failover %s"), configmap_mode_name(v->cf->dr.failover_mode));
	int mw = utf8_width(mode);
	enum watchnote_level l = WATCHNOTE_NONE;
	if (v->watch_shown)
		l = watchnote_text(v->watch, v->watch_seen, v->now_ms, room - x, watch, sizeof watch);
	int first = l == WATCHNOTE_OK || l == WATCHNOTE_WARN;
	if (first && x + mw + 2 + utf8_width(watch) > room) {
		draw_text(w, 0, x, room - x, theme_attr(t, header_watch_role(l)), watch);
		return;
	}
	if (x + mw <= room) {
		draw_text(w, 0, x, room - x, theme_attr(t, THEME_DIM), mode);
		x += mw + 2;
	}
	if (l == WATCHNOTE_NONE || x >= room)
		return;
	l = watchnote_text(v->watch, v->watch_seen, v->now_ms, room - x, watch, sizeof watch);
	if (l != WATCHNOTE_NONE)
		draw_text(w, 0, x, room - x, theme_attr(t, header_watch_role(l)), watch);
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
	int need = (int)strlen(verdict_name(v->verdict->level)) + 3 +
	           (v->drill != NULL ? utf8_width(v->drill) + 3 : 0);
	for (size_t i = 0; i < v->n_sites; i++)
		need += utf8_width(v->sites[i].name) + 14; /* " unreachable  " at most */
	if (local.tm_gmtoff != 0 && need + 32 <= wd)
		strftime(lt, sizeof lt, "  %H:%M %Z", &local);
	snprintf(clock, sizeof clock, "%s%s UTC%s",
	         v->recorded ? _("recorded ") : v->following ? _("FOLLOWING ") : "", ut, lt);
	int clockw = utf8_width(clock), room = wd - clockw - 1;

	int x = 0;
	if (v->drill != NULL)
		x = draw_textf(w, 0, 0, wd, theme_attr(t, THEME_WARN) | A_BOLD | A_REVERSE, " %s ",
		               v->drill) +
		    1;
	x += draw_textf(w, 0, x, wd - x,
	                theme_attr(t, header_level_role(v->verdict->level)) | A_BOLD, " %s ",
	                verdict_name(v->verdict->level));
	x++;
	for (size_t i = 0; i < v->n_sites && x < room; i++)
		x += header_site(w, x, room - x, v, &v->sites[i]);
	/* The failover mode and the watcher only where they fit: the sites' roles come first. */
	if (x < room - 1)
		header_modes(w, x, room - 1, v); /* two columns apart from the clock */
	if (wd > clockw)
		draw_text(w, 0, wd - clockw, clockw, theme_attr(t, THEME_NORMAL), clock);
	if (h < 2)
		return 1;
	if (header_names_hidden(v) && verdict_top(v->verdict) == NULL)
		draw_textf(w, 1, 0, wd, theme_attr(t, THEME_WARN), " %s", langnote_text());
	else
		header_reason(w, wd, v);
	return 2;
}

const struct panel_class panel_header = {
    .name = "header",
    .title = NULL,
    .min_w = 40,
    .min_h = 1,
    .inputs = PANEL_IN_REACH | PANEL_IN_PG | PANEL_IN_VERDICT | PANEL_IN_CLOCK | PANEL_IN_KEEP,
    .draw = header_draw,
};
