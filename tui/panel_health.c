/*
 * Health: one block per site: SSH reachability and round trip, load, free
 * space on the data and backup filesystems, service checks. An unreachable
 * site keeps its last values, dimmed, under the reason; stale values carry
 * their age; unknown values read "?".
 */
#include "config.h"

#include <stdio.h>

#include "bytes.h"
#include "draw.h"
#include "i18n.h"
#include "panel.h"

/* Writes "free of total (pct%)" or "?" into buf. */
static void health_disk(char *buf, size_t len, const struct opt_i64 *avail,
			const struct opt_i64 *total)
{
	char a[32], t[32];
	if (!avail->known || !total->known || total->v <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	(void)t;
	snprintf(buf, len, _("%s free (%lld%%)"), bytes_text(avail->v, a, sizeof a),
		 (long long)(avail->v * 100 / total->v));
}

/* Draws one site's block from line y; returns the next free line. */
static int health_site(WINDOW *w, int y, int wd, const struct view *v,
		       const struct site_status *s)
{
	const struct theme *t = v->theme;
	const struct snap_health *h = &s->health;
	int stale = panel_is_stale(v, h->at_ms);
	attr_t body = theme_attr(t, !s->reachable || stale ? THEME_STALE : THEME_NORMAL);
	char age[48], disk[96];
	panel_age(age, sizeof age, v, h->at_ms);
	if (!s->reachable && s->generation != 0)
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT), _("%s unreachable: %s"), s->name,
			   s->error);
	else if (h->rtt_ms.known)
		/* Tenths of a second: finer figures change every cycle and cost terminal bytes. */
		draw_textf(w, y, 1, wd - 2, theme_attr(t, stale ? THEME_STALE : THEME_OK),
			   _("%s ssh ok %.1fs%s%s"), s->name, (double)h->rtt_ms.v / 1000,
			   stale ? _(", stale: ") : "", stale ? age : "");
	else
		draw_textf(w, y, 1, wd - 2, theme_attr(t, THEME_UNKNOWN), "%s ?", s->name);
	y++;
	if (h->load_known)
		draw_textf(w, y, 3, wd - 4, body, _("load %.1f"), h->load1);
	else
		draw_text(w, y, 3, wd - 4, theme_attr(t, THEME_UNKNOWN), _("load ?"));
	health_disk(disk, sizeof disk, &h->data_free_bytes, &h->data_total_bytes);
	draw_textf(w, y, 15, wd - 16, body, _("data %s"), disk);
	y++;
	int x = 3;
	for (size_t i = 0; i < h->n_services && x < wd - 2; i++) {
		const struct snap_service *sv = &h->services[i];
		x += draw_textf(w, y, x, wd - 1 - x, theme_attr(t, sv->ok ? THEME_OK : THEME_CRIT),
				"%s %s ", sv->name, sv->ok ? theme_glyph(t, "✓", _("ok")) : _("FAIL"));
	}
	if (h->n_services == 0) {
		health_disk(disk, sizeof disk, &h->backup_free_bytes, &h->backup_total_bytes);
		draw_textf(w, y, 3, wd - 4, body, _("backup fs %s"), disk);
	}
	return y + 1;
}

/* Draws the health panel. */
static int health_draw(WINDOW *w, const struct view *v, int scroll)
{
	int wd = getmaxx(w), y = 1 - scroll;
	for (size_t i = 0; i < v->n_sites; i++)
		y = health_site(w, y, wd, v, &v->sites[i]);
	return y - (1 - scroll);
}

const struct panel_class panel_health = {
	.name = "health", .title = N_("health"), .min_w = 30, .min_h = 4,
	.inputs = PANEL_IN_REACH | PANEL_IN_HEALTH,
	.draw = health_draw,
};
