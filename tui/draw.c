/*
 * Text drawing. Strings are cut by display width (utf8_fit), never in the
 * middle of a character; a string that did not fit ends in an ellipsis.
 * Every string passes the sanitizer first: controls and invalid bytes are
 * drawn as visible escapes (\x1b, \u202e), never handed to the terminal. In
 * a non-UTF-8 locale, anything else beyond ASCII is drawn as '?', rather than
 * as bytes the terminal would garble.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <langinfo.h>

#include "draw.h"
#include "utf8.h"
#include "xmalloc.h"

/* Tells whether the terminal's locale is UTF-8 (checked once). */
static int draw_utf8(void)
{
	static int known = -1;
	if (known == -1) {
		const char *cs = nl_langinfo(CODESET);
		known = cs != NULL && strcmp(cs, "UTF-8") == 0;
	}
	return known;
}

/*
 * Copies text through the sanitizer: controls and invalid bytes become
 * visible escapes, tabs and newlines spaces, and outside a UTF-8 locale
 * anything else past ASCII '?'.
 */
static char *draw_clean(const char *text)
{
	int flags = UTF8_CLEAN_CONTROLS | (draw_utf8() ? 0 : UTF8_CLEAN_ASCII);
	return utf8_clean(text, strlen(text), flags, NULL);
}

/* Draws text at (y, x) in at most maxw columns; returns the columns used. */
int draw_text(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *text)
{
	if (maxw <= 0)
		return 0;
	char *clean = draw_clean(text);
	int used;
	size_t fit = utf8_fit(clean, maxw, &used);
	if (clean[fit] != '\0') {
		/* Leave a column for the ellipsis. */
		fit = utf8_fit(clean, maxw - 1, &used);
		clean[fit] = '\0';
		char *cut = xasprintf("%s%s", clean, draw_utf8() ? "…" : "~");
		free(clean);
		clean = cut;
		used++;
	}
	wattr_on(w, attr, NULL);
	mvwaddnstr(w, y, x, clean, -1);
	wattr_off(w, attr, NULL);
	free(clean);
	return used;
}

/* Draws formatted text; returns the columns used. */
int draw_textf(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int used = draw_text(w, y, x, maxw, attr, s);
	free(s);
	return used;
}

/* Draws a horizontal line of width columns. */
void draw_hline(WINDOW *w, const struct theme *t, int y, int x, int width)
{
	if (t->utf8)
		mvwhline_set(w, y, x, WACS_HLINE, width);
	else
		mvwhline(w, y, x, '-', width);
}

/* Draws the window's border with its title in the top edge. */
void draw_box(WINDOW *w, const struct theme *t, const char *title, int focused)
{
	int h, wd;
	getmaxyx(w, h, wd);
	(void)h;
	attr_t a = focused ? theme_attr(t, THEME_TITLE) : theme_attr(t, THEME_DIM);
	wattr_on(w, a, NULL);
	if (t->utf8)
		box_set(w, 0, 0);
	else
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	wattr_off(w, a, NULL);
	if (title != NULL && wd > 6)
		draw_textf(w, 0, 2, wd - 4, theme_attr(t, focused ? THEME_FOCUS : THEME_TITLE),
		           " %s ", title);
}

/*
 * Draws text wrapped at spaces into lines of at most maxw columns from
 * (y, x), a word longer than a line being cut; returns the lines it takes
 * (lines below the window are counted, not drawn).
 */
int draw_wrap(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *text)
{
	int lines = 0, used;
	const char *p = text;
	while (maxw > 0) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		size_t cut = utf8_fit(p, maxw, &used);
		if (cut == 0) { /* a character wider than the line: skip it rather than loop */
			unsigned int cp;
			int n = utf8_decode(p, strlen(p), &cp);
			cut = n > 0 ? (size_t)n : 1;
		}
		if (p[cut] != '\0' && p[cut] != ' ') {
			size_t sp = cut;
			while (sp > 0 && p[sp] != ' ')
				sp--;
			if (sp > 0)
				cut = sp;
		}
		char *line = xstrndup(p, cut);
		if (y + lines < getmaxy(w))
			draw_text(w, y + lines, x, maxw, attr, line);
		free(line);
		lines++;
		p += cut;
	}
	return lines;
}

/* Opens a boxed window of h x w (shrunk to the screen) centred on the screen; NULL if it cannot
 * fit. */
WINDOW *draw_dialog(const struct theme *t, const char *title, int h, int w)
{
	w = w < COLS - 2 ? w : COLS - 2;
	h = h < LINES ? h : LINES;
	if (w < 10 || h < 3)
		return NULL;
	WINDOW *win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (win == NULL)
		return NULL;
	werase(win);
	draw_box(win, t, title, 1);
	return win;
}

/*
 * Draws values as a sparkline of one column each (eight heights in UTF-8,
 * ASCII otherwise), scaled between their minimum and maximum; returns the
 * columns used. Equal values draw at mid height.
 */
int draw_spark(WINDOW *w, int y, int x, int maxw, attr_t attr, const struct theme *t,
               const int64_t *values, size_t n)
{
	static const char *const bars[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char ascii[] = "_.,-=+*#";
	if (n > (size_t)maxw)
		values += n - (size_t)maxw, n = (size_t)maxw;
	int64_t lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		lo = i == 0 || values[i] < lo ? values[i] : lo;
		hi = i == 0 || values[i] > hi ? values[i] : hi;
	}
	char *line = xcalloc(n * 3 + 1, 1);
	for (size_t i = 0; i < n; i++) {
		int k =
		    hi == lo ? 3 : (int)((double)(values[i] - lo) * 7 / (double)(hi - lo) + 0.5);
		if (t->utf8)
			strcat(line, bars[k]);
		else
			line[i] = ascii[k];
	}
	int used = draw_text(w, y, x, maxw, attr, line);
	free(line);
	return used;
}
