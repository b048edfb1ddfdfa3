/*
 * The keys of the view, which every mode but the dialogs falls back to:
 * quit, focus, scroll, repaint and layouts. They change what is shown, never
 * a run or a site, so a follower (--follow) has them too.
 */
#include "config.h"

#include "console.h"
#include "i18n.h"

/* q: quits (during a run, asks first). */
void console_view_quit(struct console *c, int ch)
{
	(void)ch;
	console_quit(c, NULL);
}

/* Tab: moves the focus to the next panel. */
void console_view_focus(struct console *c, int ch)
{
	(void)ch;
	if (c->n_panes == 0)
		return;
	c->panes[c->focus].dirty = 1;
	c->focus = (c->focus + 1) % (int)c->n_panes;
	c->panes[c->focus].dirty = 1;
}

/* Up, Down, PgUp, PgDn: scroll the focused panel by a line or a page, within its content. */
void console_view_scroll(struct console *c, int ch)
{
	if (c->n_panes == 0)
		return;
	struct console_pane *p = &c->panes[c->focus];
	int page = getmaxy(p->win) - 2, d = ch == KEY_UP      ? -1
	                                    : ch == KEY_DOWN  ? 1
	                                    : ch == KEY_PPAGE ? -page
	                                                      : page;
	int most = p->lines - page > 0 ? p->lines - page : 0;
	int from = p->scroll + p->moved; /* where it shows now: a run's steps may have moved up */
	int to = from + d < 0 ? 0 : from + d > most ? most : from + d;
	p->dirty = to != p->scroll || !p->pinned;
	p->scroll = to;
	p->pinned = 1; /* where the operator put it, until the run's step changes */
	p->pin_step = SIZE_MAX; /* the shown run's step, taken at the next draw */
}

/* Ctrl-L: repaints the whole screen. */
void console_view_repaint(struct console *c, int ch)
{
	(void)ch;
	clearok(curscr, TRUE);
	console_dirty_all(c);
}

/* Says in the events that no layout has the digit pressed, and which keys have one. */
static void view_no_layout(struct console *c, int ch)
{
	char keys[400] = "";
	size_t n = 0;
	for (size_t i = 0; i < c->cat.layouts.n && n < sizeof keys; i++)
		n += (size_t)snprintf(keys + n, sizeof keys - n, "%s%d %s", i ? ", " : "",
		                      c->cat.layouts.items[i].key, c->cat.layouts.items[i].name);
	event_log_add(&c->events, console_now(c), EVENT_INFO, NULL, _("no layout has key %c (%s)"),
	              ch, keys);
	console_mark(c, PANEL_IN_EVENTS);
}

/* 1..9: switches to the layout bound to that digit, or says that none is. */
void console_view_layout(struct console *c, int ch)
{
	for (size_t i = 0; i < c->cat.layouts.n; i++)
		if (c->cat.layouts.items[i].key == ch - '0') {
			c->layout = &c->cat.layouts.items[i];
			console_layout(c);
			return;
		}
	view_no_layout(c, ch);
}
