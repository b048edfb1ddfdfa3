/*
 * Replication: from the primary to each standby: the stream's state, sent,
 * flush and replay LSNs, lag in bytes (the primary's view) and in time (the
 * standby's replay delay) with a bar against the sync_interval budget,
 * timelines, slots and configuration findings. The state is the verdict's
 * (fresh data only: streaming, not streaming, or unknown); older values are
 * dimmed and carry their age, and never stand for the state.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "draw.h"
#include "duration.h"
#include "i18n.h"
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

/* The words of pg_stat_replication's state and sync_state, marked for the screen. */
static const char *const repl_words[] = {
    N_("streaming"), N_("catchup"), N_("startup"), N_("backup"),  N_("stopping"),
    N_("async"),     N_("sync"),    N_("quorum"),  N_("potential"),
};

/* Returns a word PostgreSQL reports, translated when it is one of its known words. */
static const char *repl_word(const char *w)
{
	for (size_t i = 0; i < sizeof repl_words / sizeof repl_words[0]; i++)
		if (strcmp(w, repl_words[i]) == 0)
			return _(repl_words[i]);
	return w;
}

/*
 * Draws what is known of the stream to standby s: its state from fresh data
 * only (verdict_stream), and why when it does not stream or cannot be told.
 * Returns the next free line.
 */
static int repl_state(WINDOW *w, int y, int wd, const struct view *v, int p, size_t s,
                      const struct verdict_stream *vs)
{
	const struct theme *t = v->theme;
	const struct snap_standby *st = vs->row >= 0 ? &v->sites[p].pg.standbys[vs->row] : NULL;
	const char *to = theme_glyph(t, "→", "->"), *name = v->sites[s].name;
	if (vs->row_fresh && vs->state == VERDICT_STREAM_YES)
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_OK), "%s %s: %s %s", to, name,
		           repl_word(st->state), repl_word(st->sync_state));
	else if (vs->state == VERDICT_STREAM_YES)
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_OK),
		           _("%s %s: streaming (its WAL receiver)"), to, name);
	else
		draw_textf(
		    w, y, 1, wd - 2,
		    theme_attr(t, vs->state == VERDICT_STREAM_NO ? THEME_CRIT : THEME_UNKNOWN),
		    "%s %s: %s", to, name,
		    vs->state == VERDICT_STREAM_NO ? _("not streaming") : _("stream unknown"));
	if (vs->why[0] == '\0' || vs->state == VERDICT_STREAM_YES)
		return y + 1;
	draw_text(w, y + 1, 3, wd - 4,
	          theme_attr(t, vs->state == VERDICT_STREAM_NO ? THEME_CRIT : THEME_UNKNOWN),
	          vs->why);
	return y + 2;
}

/*
 * Draws the stream to one standby from line y: its state, then the
 * primary's row (dimmed, its age first, when the primary did not answer
 * lately) and the standby's lag (likewise); returns the next free line.
 */
static int repl_stream(WINDOW *w, int y, int wd, const struct view *v, int p, size_t s)
{
	const struct theme *t = v->theme;
	const struct site_status *ps = &v->sites[p], *ss = &v->sites[s];
	struct verdict_stream vs;
	char a[24], b[24], c[24], lagb[32], lagt[32], age[32], seen[48] = "";
	int64_t lag;
	verdict_stream(v->cf, v->sites, v->n_sites, (size_t)p, s, v->now_ms, &vs);
	y = repl_state(w, y, wd, v, p, s, &vs);
	if (vs.row < 0)
		return y;
	const struct snap_standby *st = &ps->pg.standbys[vs.row];
	if (!vs.row_fresh) {
		/* The primary's last answer: shown as such, its age first. */
		panel_age(age, sizeof age, v, ps->pg.at_ms);
		snprintf(seen, sizeof seen, _("as of %s: "), age);
	}
	draw_textf(w, y, 3, wd - 4, theme_attr(t, vs.row_fresh ? THEME_NORMAL : THEME_STALE),
	           _("%sreplay %s flush %s sent %s"), seen, repl_lsn(&st->replay_lsn, c, sizeof c),
	           repl_lsn(&st->flush_lsn, b, sizeof b), repl_lsn(&st->sent_lsn, a, sizeof a));
	y++;
	int known = verdict_lag_ms(ss, &lag) == 0, stale = panel_is_stale(v, ss->pg.at_ms);
	enum theme_role r = !known ? THEME_UNKNOWN : stale ? THEME_STALE : THEME_NORMAL;
	panel_age(age, sizeof age, v, ss->pg.at_ms);
	int x = draw_textf(
	    w, y, 3, wd - 4, theme_attr(t, r), _("lag %s, %s of %s %s"),
	    st->replay_lag_bytes.known ? bytes_text(st->replay_lag_bytes.v, lagb, sizeof lagb)
	                               : "?",
	    known ? duration_text(lag, lagt, sizeof lagt) : "?",
	    duration_text(v->cf->dr.sync_interval_ms, c, sizeof c), known && stale ? age : "");
	if (known && !stale)
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
		draw_textf(w, y - 1, 1, wd - 2, theme_attr(t, THEME_DIM), _("%s: timeline %s%s"),
		           v->sites[i].name, tl, (int)i == p && pg->n_slots ? _(", slots:") : "");
		for (size_t k = 0; (int)i == p && k < pg->n_slots; k++, y++)
			draw_textf(w, y, 3, wd - 4,
			           theme_attr(t, pg->slots[k].active ? THEME_NORMAL : THEME_WARN),
			           "%s %s", pg->slots[k].name,
			           pg->slots[k].active ? _("active") : _("inactive"));
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
		draw_text(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT), _("no primary answers"));
		return 1;
	}
	for (size_t s = 0; s < v->n_sites; s++)
		if ((int)s != p)
			y = repl_stream(w, y, wd, v, p, s);
	return repl_details(w, y, wd, v, p) - (1 - scroll);
}

const struct panel_class panel_replication = {
    .name = "replication",
    .title = N_("replication"),
    .min_w = 36,
    .min_h = 4,
    .inputs = PANEL_IN_REACH | PANEL_IN_PG,
    .draw = repl_draw,
};
