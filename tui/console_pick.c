/*
 * The scenario picker (s): a list of the scenarios and the drills, moved
 * through with the arrows (j and k, digits before a search), narrowed by
 * typing part of a name; Enter shows the chosen one's steps, the sites they
 * act on and the estimate, and only a second Enter starts it (a drill asks
 * live or tabletop first). Esc backs out one level at a time. The model is
 * core/pick.c; its keys are bound in console_keys.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "console.h"
#include "draw.h"
#include "drillrun.h"
#include "i18n.h"

/* s: opens the picker on the first scenario, nothing searched. */
void console_pick_open(struct console *c, int ch)
{
	(void)ch;
	pick_open(&c->pick, &c->cat);
	c->pick_on = 1;
	c->pick_note[0] = '\0';
}

/* Up, Down (k, j): moves the selection. */
void console_pick_move(struct console *c, int ch)
{
	pick_move(&c->pick, ch == KEY_UP || ch == 'k' ? -1 : 1);
	c->pick_note[0] = '\0';
}

/* 1..9: selects the scenario of that number. */
void console_pick_number(struct console *c, int ch)
{
	if (pick_number(&c->pick, ch - '0') == -1)
		snprintf(c->pick_note, sizeof c->pick_note, _("No scenario %c."), ch);
	else
		c->pick_note[0] = '\0';
}

/* Starts the chosen scenario, or asks a drill's mode (live or tabletop) over the picker. */
static void pick_start(struct console *c, const struct scenario *sc)
{
	if (c->review)
		snprintf(c->pick_note, sizeof c->pick_note, "%s",
		         _("A review: nothing starts from the viewer. Esc goes back."));
	else if (drillrun_is_drill(&c->cat, sc))
		console_drill_ask_mode(c, sc);
	else
		console_run_start(c, sc, NULL, c->pick_note, sizeof c->pick_note);
}

/* Enter: shows the chosen scenario's steps; on its steps, starts it. */
void console_pick_enter(struct console *c, int ch)
{
	const struct pick_item *it = pick_chosen(&c->pick);
	(void)ch;
	if (it == NULL)
		snprintf(c->pick_note, sizeof c->pick_note, "%s",
		         _("Nothing matches the search: Backspace erases it."));
	else if (!c->pick.steps)
		c->pick.steps = 1;
	else
		pick_start(c, it->sc);
	console_dirty_all(c);
}

/* Esc: from the steps back to the list; from the list, closes the picker. */
void console_pick_back(struct console *c, int ch)
{
	(void)ch;
	if (c->pick.steps)
		c->pick.steps = 0;
	else
		c->pick_on = 0;
	c->pick_note[0] = '\0';
	console_dirty_all(c);
}

/* Backspace: erases the search's last character. */
void console_pick_erase(struct console *c, int ch)
{
	(void)ch;
	pick_erase(&c->pick);
	console_dirty_all(c);
}

/* A character typed: searches the names. */
void console_pick_type(struct console *c, int ch)
{
	pick_type(&c->pick, ch);
	console_dirty_all(c);
}

/* Writes where an action acts: its site's name, both, or the jump host. */
static void pick_where(const struct console *c, const struct action *a, char *buf, size_t len)
{
	const struct site *p = conf_primary(&c->cat.cf), *dr = conf_dr(&c->cat.cf);
	const char *pn = p ? p->name : "?", *dn = dr ? dr->name : "?";
	if (a == NULL || !a->has_site)
		snprintf(buf, len, "%s",
		         a != NULL && a->kind == ACTION_MANUAL ? _("by hand") : "?");
	else if (a->site == ACTION_SITE_LOCAL)
		snprintf(buf, len, "%s", _("this jump host"));
	else if (a->site == ACTION_SITE_BOTH)
		snprintf(buf, len, "%s, %s", pn, dn);
	else
		snprintf(buf, len, "%s", a->site == ACTION_SITE_PRIMARY ? pn : dn);
}

/* Draws the chosen scenario's steps: titles, where each acts, the estimate; returns the next row.
 */
static int pick_draw_steps(struct console *c, WINDOW *w, const struct pick_item *it, int y)
{
	const struct scenario *sc = it->sc;
	int wd = getmaxx(w) - 4;
	draw_textf(w, y++, 2, wd, A_BOLD, "%s. %s", it->label, sc->name);
	draw_textf(w, y++, 2, wd, A_NORMAL, _("%zu steps, estimated %lld min%s"), sc->n_steps,
	           (long long)(sc->estimated_ms / 60000),
	           it->drill ? _("; a drill: live or tabletop is asked next") : "");
	y++;
	for (size_t i = 0; i < sc->n_steps && y < getmaxy(w) - 4; i++) {
		const struct action *a = drillrun_action(&c->cat, sc->steps[i].text);
		char where[160];
		pick_where(c, a, where, sizeof where);
		draw_textf(w, y++, 2, wd, A_NORMAL, "%zu. %s  (%s)", i + 1,
		           a && a->title ? a->title : sc->steps[i].text, where);
	}
	return y;
}

/* Draws the list as the search leaves it, the selection marked; returns the next row. */
static int pick_draw_list(struct console *c, WINDOW *w, int y)
{
	const struct pick *p = &c->pick;
	int wd = getmaxx(w) - 4, room = getmaxy(w) - 4 - y;
	size_t first = p->sel >= (size_t)room && room > 0 ? p->sel - (size_t)room + 1 : 0;
	draw_textf(w, y++, 2, wd, theme_attr(&c->theme, THEME_FOCUS), "%s %s_",
	           _("search (number or name):"), p->query);
	y++;
	for (size_t i = first; i < p->n_shown && y < getmaxy(w) - 4; i++) {
		const struct pick_item *it = &p->items[p->shown[i]];
		if (it->drill && (i == first || !p->items[p->shown[i - 1]].drill))
			draw_text(w, y++, 2, wd, A_BOLD, _("Drills (live or tabletop):"));
		attr_t a = i == p->sel ? A_REVERSE | A_BOLD : A_NORMAL;
		draw_textf(w, y++, 2, wd, a, _("%s%s. %s  (%zu steps, estimated %lld min)"),
		           i == p->sel ? theme_glyph(&c->theme, "▶ ", "> ") : "  ", it->label,
		           it->sc->name, it->sc->n_steps,
		           (long long)(it->sc->estimated_ms / 60000));
	}
	if (p->n_shown == 0)
		draw_text(w, y++, 2, wd, theme_attr(&c->theme, THEME_DIM), _("(nothing matches)"));
	return y;
}

/* Draws the picker over the panels: the list or the chosen one's steps, a note, its keys. */
void console_pick_draw(struct console *c)
{
	const struct pick_item *it = pick_chosen(&c->pick);
	int h = c->pick.steps && it ? (int)it->sc->n_steps + 9 : (int)c->pick.n + 11;
	/* a note (why it did not start) is wrapped whole: its lines counted, not drawn, first */
	int dw = COLS - 2 < 76 ? COLS - 2 : 76;
	int note = c->pick_note[0] ? draw_wrap(stdscr, LINES, 0, dw - 4, A_NORMAL, c->pick_note) : 1;
	h += note - 1;
	WINDOW *w = draw_dialog(
	    &c->theme,
	    c->pick.steps ? _("the scenario's steps") : _("recovery scenarios and drills"), h, dw);
	if (w == NULL)
		return;
	struct keys_state s;
	char line[512];
	int wd = getmaxx(w) - 4;
	if (c->pick.steps && it != NULL)
		pick_draw_steps(c, w, it, 2);
	else
		pick_draw_list(c, w, 2);
	if (c->pick_note[0] != '\0')
		draw_wrap(w, getmaxy(w) - 2 - note, 2, wd, theme_attr(&c->theme, THEME_WARN),
		          c->pick_note);
	console_keys_state(c, &s);
	keys_line_text(
	    &console_keys_tables[c->pick.steps ? CONSOLE_KEYS_PICK_STEPS : CONSOLE_KEYS_PICK], &s,
	    line, sizeof line);
	draw_text(w, getmaxy(w) - 2, 2, wd, theme_attr(&c->theme, THEME_FOCUS), line);
	wnoutrefresh(w);
	delwin(w);
}
