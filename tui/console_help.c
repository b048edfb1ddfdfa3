/*
 * The help overlay (?): every key table in turn, its title and then each
 * binding's keys and help text, read from the tables themselves
 * (console_keys.c). It scrolls when the terminal is shorter than the list;
 * any other key closes it.
 */
#include "config.h"

#include "console.h"
#include "draw.h"
#include "i18n.h"

/* The order the tables are listed in. */
static const enum console_keys_mode help_order[] = {
    CONSOLE_KEYS_VIEW, CONSOLE_KEYS_CONSOLE,    CONSOLE_KEYS_RUN,    CONSOLE_KEYS_DRILL,
    CONSOLE_KEYS_PICK, CONSOLE_KEYS_PICK_STEPS, CONSOLE_KEYS_DIALOG, CONSOLE_KEYS_HOSTKEY,
    CONSOLE_KEYS_HELP, CONSOLE_KEYS_FOLLOW,     CONSOLE_KEYS_REVIEW,
};

#define HELP_N (sizeof help_order / sizeof help_order[0])

/* Writes row i of the help (a title, a binding, or a blank between tables); -1 past the end. */
static int help_row(size_t i, char *buf, size_t len, int *title)
{
	for (size_t k = 0; k < HELP_N; k++) {
		const struct keys_table *t = &console_keys_tables[help_order[k]];
		size_t rows = t->n + 2; /* its title, its bindings, a blank */
		if (i >= rows) {
			i -= rows;
			continue;
		}
		*title = i == 0;
		if (i == 0)
			snprintf(buf, len, "%s", _(t->title));
		else if (i <= t->n)
			keys_help_row(&t->b[i - 1], buf, len);
		else
			buf[0] = '\0';
		return 0;
	}
	return -1;
}

/* Counts the rows of the help. */
static int help_rows(void)
{
	int n = 0;
	for (size_t k = 0; k < HELP_N; k++)
		n += (int)console_keys_tables[help_order[k]].n + 2;
	return n;
}

/* The rows the overlay shows at once on this terminal. */
static int help_page(void)
{
	int page = LINES - 5;
	return page < 1 ? 1 : page;
}

/* ?: opens the help at its top. */
void console_help_open(struct console *c, int ch)
{
	(void)ch;
	c->help = 1;
	c->help_scroll = 0;
	c->overlay_dirty = 1;
}

/* Up, Down, PgUp, PgDn: scroll the help, within its rows. */
void console_help_scroll(struct console *c, int ch)
{
	int page = help_page(), most = help_rows() - page;
	int d = ch == KEY_UP ? -1 : ch == KEY_DOWN ? 1 : ch == KEY_PPAGE ? -page : page;
	int to = c->help_scroll + d;
	c->help_scroll = to > most ? most : to;
	if (c->help_scroll < 0)
		c->help_scroll = 0;
	console_dirty_all(c); /* the panels under it show again where it shrank */
}

/* Any other key: closes the help. */
void console_help_close(struct console *c, int ch)
{
	(void)ch;
	c->help = 0;
	console_dirty_all(c);
}

/* Draws the help overlay from the key tables, from its scroll on. */
void console_help_draw(struct console *c)
{
	int rows = help_rows(), h = rows + 4 < LINES - 2 ? rows + 4 : LINES - 2;
	WINDOW *win = draw_dialog(&c->theme, _("keys (Up/Down scroll, any other key closes)"), h, 78);
	if (win == NULL)
		return;
	int room = getmaxy(win) - 3, w = getmaxx(win) - 4;
	for (int y = 0; y < room; y++) {
		char buf[256];
		int is_title = 0;
		if (help_row((size_t)(c->help_scroll + y), buf, sizeof buf, &is_title) == -1)
			break;
		draw_text(win, y + 2, 2, w, is_title ? A_BOLD : A_NORMAL, buf);
	}
	if (c->help_scroll + room < rows)
		draw_textf(win, getmaxy(win) - 1, 2, w, A_BOLD, _(" %s more "),
		           theme_glyph(&c->theme, "↓", "v"));
	wnoutrefresh(win);
	delwin(win);
}
