/*
 * Replication: from the primary to each standby: the stream's state, sent,
 * flush and replay LSNs, lag in bytes (the primary's view) and in time (the
 * standby's replay delay) with a bar against the sync_interval budget,
 * timelines, slots and configuration findings.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "draw.h"
#include "duration.h"
#include "panel.h"
#include "probe_sql.h"

/* Formats an optional LSN. */
static const char *repl_lsn(const struct opt_i64 *l, char *buf, size_t len)
{
	if (!l->known)
		return "?";
	lsn_format(l->v, buf, len);
	return buf;
}

/* Draws the lag bar: filled in proportion to lag / budget, coloured by how close it is. */
static void repl_bar(WINDOW *w, int y, int x, int width, const struct view *v, int64_t lag,
		     int64_t budget)
{
	const struct theme *t = v->theme;
	if (width < 4 || budget <= 0)
		return;
	int fill = (int)(lag >= budget ? width : lag * width / budget);
	enum theme_role r = lag > budget ? THEME_CRIT : lag > budget / 2 ? THEME_WARN : THEME_OK;
	for (int i = 0; i < width; i++)
		draw_text(w, y, x + i, 1, theme_attr(t, i < fill ? r : THEME_DIM),
			  i < fill ? theme_glyph(t, "█", "#") : theme_glyph(t, "·", "."));
}

/* Draws the stream to one standby from line y; returns the next free line. */
static int repl_stream(WINDOW *w, int y, int wd, const struct view *v, int p, size_t s)
{
	const struct theme *t = v->theme;
	const struct site_status *ps = &v->sites[p], *ss = &v->sites[s];
	int row = verdict_match_standby(v->cf, v->sites, v->n_sites, (size_t)p, s);
	char a[24], b[24], c[24], lagb[32], lagt[32];
	int64_t lag;
	int stale = panel_is_stale(v, ps->pg.at_ms);
	if (row < 0) {
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT), "%s %s: not streaming%s%s",
			   theme_glyph(t, "→", "->"), ss->name,
			   ss->pg.receiver_status[0] ? ", receiver " : "", ss->pg.receiver_status);
		return y + 1;
	}
	const struct snap_standby *st = &ps->pg.standbys[row];
	char seen[48] = "";
	if (!ps->pg.up || stale) {
		/* The primary's last answer: shown as such, with its age. */
		stale = 1;
		panel_age(a, sizeof a, v, ps->pg.at_ms);
		snprintf(seen, sizeof seen, " (as of %s)", a);
	}
	draw_textf(w, y, 1, wd - 2, theme_attr(t, stale ? THEME_STALE : THEME_OK), "%s %s: %s %s%s",
		   theme_glyph(t, "→", "->"), ss->name, st->state, st->sync_state, seen);
	y++;
	draw_textf(w, y, 3, wd - 4, theme_attr(t, stale ? THEME_STALE : THEME_NORMAL),
		   "replay %s flush %s sent %s", repl_lsn(&st->replay_lsn, c, sizeof c),
		   repl_lsn(&st->flush_lsn, b, sizeof b), repl_lsn(&st->sent_lsn, a, sizeof a));
	y++;
	int known = verdict_lag_ms(ss, &lag) == 0;
	int x = draw_textf(w, y, 3, wd - 4, theme_attr(t, known ? THEME_NORMAL : THEME_UNKNOWN),
			   "lag %s, %s of %s ",
			   st->replay_lag_bytes.known
				   ? bytes_text(st->replay_lag_bytes.v, lagb, sizeof lagb)
				   : "?",
			   known ? duration_text(lag, lagt, sizeof lagt) : "?",
			   duration_text(v->cf->dr.sync_interval_ms, c, sizeof c));
	if (known)
		repl_bar(w, y, 3 + x, wd - 5 - x, v, lag, v->cf->dr.sync_interval_ms);
	return y + 1;
}

/* Draws the timelines, slots and findings under the streams. */
static int repl_details(WINDOW *w, int y, int wd, const struct view *v, int p)
{
	const struct theme *t = v->theme;
	for (size_t i = 0; i < v->n_sites; i++) {
		const struct snap_pg *pg = &v->sites[i].pg;
		char tl[24] = "?";
		if (pg->timeline.known)
			snprintf(tl, sizeof tl, "%lld", (long long)pg->timeline.v);
		y++;
		draw_textf(w, y - 1, 1, wd - 2, theme_attr(t, THEME_DIM), "%s: timeline %s%s",
			   v->sites[i].name, tl,
			   (int)i == p && pg->n_slots ? ", slots:" : "");
		for (size_t k = 0; (int)i == p && k < pg->n_slots; k++, y++)
			draw_textf(w, y, 3, wd - 4,
				   theme_attr(t, pg->slots[k].active ? THEME_NORMAL : THEME_WARN),
				   "%s %s", pg->slots[k].name, pg->slots[k].active ? "active" : "inactive");
		for (size_t k = 0; k < pg->n_findings; k++, y++)
			draw_text(w, y, 3, wd - 4, theme_attr(t, THEME_WARN), pg->findings[k]);
	}
	return y;
}

/* Draws the replication panel. */
static int repl_draw(WINDOW *w, const struct view *v, int scroll)
{
	const struct theme *t = v->theme;
	int wd = getmaxx(w), y = 1 - scroll;
	int p = verdict_primary(v->cf, v->sites, v->n_sites);
	if (p < 0) {
		draw_text(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT), "no primary answers");
		return 1;
	}
	for (size_t s = 0; s < v->n_sites; s++)
		if ((int)s != p)
			y = repl_stream(w, y, wd, v, p, s);
	return repl_details(w, y, wd, v, p) - (1 - scroll);
}

const struct panel_class panel_replication = {
	.name = "replication", .title = "replication", .min_w = 36, .min_h = 4,
	.inputs = PANEL_IN_REACH | PANEL_IN_PG,
	.draw = repl_draw,
};
