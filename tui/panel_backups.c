/*
 * Backups: per site, the newest backup and its age against max_age, how
 * many, their size, expired files still present, files failing
 * verification (named), and files not verified yet; then the last proven
 * restore (a restore test's proof: file, age, tables, rows, duration), or
 * "never", amber when the newest backup is not the proven one (then the
 * site's first line says "unproven" too: it stays in view in a short panel).
 */
#include "config.h"

#include <stdio.h>

#include "bytes.h"
#include "draw.h"
#include "duration.h"
#include "i18n.h"
#include "panel.h"

/*
 * Writes a backup's age as precisely as it matters: minutes, then hours and
 * minutes (a figure that changed every second would redraw the panel every
 * second for nothing).
 */
static const char *backups_age(int64_t age_s, char *buf, size_t len)
{
	if (age_s < 60)
		snprintf(buf, len, "<1m");
	else if (age_s < 7200)
		snprintf(buf, len, "%lldm", (long long)(age_s / 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(age_s / 3600),
			 (long long)(age_s / 60 % 60));
	return buf;
}

/* Draws the size trend of the backups within retention, and the smallest and largest. */
static void backups_trend(WINDOW *w, int y, int wd, const struct view *v,
			  const struct snap_backups *b, const struct site *site)
{
	const struct theme *t = v->theme;
	int64_t lo = b->trend[0], hi = b->trend[0];
	for (size_t i = 1; i < b->n_trend; i++) {
		lo = b->trend[i] < lo ? b->trend[i] : lo;
		hi = b->trend[i] > hi ? b->trend[i] : hi;
	}
	char l[32], h[32];
	char within[48] = "";
	if (site != NULL && site->backups.retention_days > 0)
		snprintf(within, sizeof within, _(" within %ld days"), (long)site->backups.retention_days);
	int x = 3 + draw_textf(w, y, 3, wd - 4, theme_attr(t, THEME_DIM), _("size trend, %zu%s: "),
			       b->n_trend, within);
	x += draw_spark(w, y, x, wd - 1 - x < 24 ? wd - 1 - x : 24, theme_attr(t, THEME_NORMAL), t,
			b->trend, b->n_trend);
	draw_textf(w, y, x + 1, wd - 2 - x, theme_attr(t, THEME_DIM), " %s .. %s",
		   bytes_text(lo, l, sizeof l), bytes_text(hi, h, sizeof h));
}

/*
 * Draws the site's last proven restore, and on a line of its own when the
 * newest backup is not the proven one; returns the last line drawn.
 */
static int backups_proven(WINDOW *w, int y, int wd, const struct view *v, const struct site *site,
			   const struct snap_backups *b)
{
	char line[512];
	enum restoreproof_state st =
		restoreproof_line(v->proofs, v->proofs_error, site, b, v->now_ms, line, sizeof line);
	enum theme_role r = st == RESTOREPROOF_PROVEN	 ? THEME_OK
			    : st == RESTOREPROOF_UNKNOWN ? THEME_UNKNOWN
							 : THEME_WARN;
	draw_textf(w, y, 3, wd - 4, theme_attr(v->theme, r), "%s", line);
	if (st == RESTOREPROOF_UNPROVEN)
		draw_textf(w, ++y, 3, wd - 4, theme_attr(v->theme, THEME_WARN),
			   "the newest backup %s is unproven", b->newest_name);
	return y;
}

/* Draws one site's line(s) from y; returns the next free line. */
static int backups_site(WINDOW *w, int y, int wd, const struct view *v, size_t i)
{
	const struct theme *t = v->theme;
	const struct site_status *s = &v->sites[i];
	const struct snap_backups *b = &s->backups;
	const struct site *site = conf_site(v->cf, s->name);
	int64_t age;
	char a[32], size[32], agebuf[48];
	if (!b->configured) {
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_DIM), _("%s: no backups configured"),
			   s->name);
		return y + 1;
	}
	if (b->at_ms == 0 || !b->ok) { /* a failed listing leaves the counts unknown */
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_UNKNOWN), "%s: ? (%s)", s->name,
			   b->error[0] ? b->error : _("not listed yet"));
		return y + 1;
	}
	int stale = panel_is_stale(v, b->at_ms) || !s->reachable;
	int old = verdict_backup_age_s(b, v->now_ms, &age) == 0 && site != NULL &&
		  age * 1000 > site->backups.max_age_ms;
	enum theme_role r = b->invalid ? THEME_CRIT : old ? THEME_CRIT
			    : b->expired ? THEME_WARN : stale ? THEME_STALE : THEME_OK;
	if (verdict_backup_age_s(b, v->now_ms, &age) == 0)
		snprintf(agebuf, sizeof agebuf, age < 60 ? _("newest %s") : _("newest %s ago"),
			 backups_age(age, a, sizeof a));
	else
		snprintf(agebuf, sizeof agebuf, "%s", _("no backup"));
	char line[512];
	int unproven = site != NULL && restoreproof_line(v->proofs, v->proofs_error, site, b,
							 v->now_ms, line, sizeof line) ==
						   RESTOREPROOF_UNPROVEN;
	draw_textf(w, y, 1, wd - 2, theme_attr(t, r), _("%s: %s%s, %d files, %s, %d expired, %d invalid%s"),
		   s->name, agebuf, unproven ? _(", unproven") : "", b->count, bytes_text(b->total_bytes, size, sizeof size), b->expired,
		   b->invalid, b->unverified ? _(", verifying") : "");
	if (site != NULL)
		y = backups_proven(w, y + 1, wd, v, site, b);
	if (b->n_trend > 1)
		backups_trend(w, ++y, wd, v, b, site);
	for (int k = 0; k < b->invalid && k < SNAPSHOT_MAX_INVALID; k++)
		draw_textf(w, ++y, 3, wd - 4, theme_attr(t, THEME_CRIT), _("invalid: %s"),
			   b->invalid_names[k]);
	return y + 1;
}

/* Draws the backups panel. */
static int backups_draw(WINDOW *w, const struct view *v, int scroll)
{
	int wd = getmaxx(w), y = 1 - scroll;
	for (size_t i = 0; i < v->n_sites; i++)
		y = backups_site(w, y, wd, v, i);
	return y - (1 - scroll);
}

const struct panel_class panel_backups = {
	.name = "backups", .title = N_("backups"), .min_w = 30, .min_h = 3,
	.inputs = PANEL_IN_REACH | PANEL_IN_BACKUPS | PANEL_IN_CLOCK,
	.draw = backups_draw,
};
