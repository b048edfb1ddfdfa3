/*
 * The theme. Colour pairs are set up once after initscr(); every role maps to
 * an attribute. Without colour, meaning is carried by bold (critical), reverse
 * (focus), underline (warning) and dim (stale, unknown), never by a grey that
 * some terminals draw as black.
 */
#include "config.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

/* Tells whether the user asked for no colour (https://no-color.org). */
static int theme_no_color(void)
{
	const char *v = getenv("NO_COLOR");
	return v != NULL && *v != '\0';
}

/* Sets up the theme for the current terminal and locale. */
void theme_init(struct theme *t)
{
	memset(t, 0, sizeof *t);
	const char *cs = nl_langinfo(CODESET);
	t->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	t->color = has_colors() && !theme_no_color();
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_RED, -1);
		init_pair(4, COLOR_CYAN, -1);
		init_pair(5, COLOR_MAGENTA, -1);
		t->attr[THEME_NORMAL] = A_NORMAL;
		t->attr[THEME_TITLE] = A_BOLD;
		t->attr[THEME_OK] = COLOR_PAIR(1);
		t->attr[THEME_WARN] = COLOR_PAIR(2) | A_BOLD;
		t->attr[THEME_CRIT] = COLOR_PAIR(3) | A_BOLD;
		t->attr[THEME_STALE] = COLOR_PAIR(4);
		t->attr[THEME_UNKNOWN] = COLOR_PAIR(5);
		t->attr[THEME_DIM] = A_DIM;
		t->attr[THEME_FOCUS] = A_REVERSE;
		return;
	}
	t->attr[THEME_NORMAL] = A_NORMAL;
	t->attr[THEME_TITLE] = A_BOLD;
	t->attr[THEME_OK] = A_NORMAL;
	t->attr[THEME_WARN] = A_UNDERLINE;
	t->attr[THEME_CRIT] = A_BOLD | A_REVERSE;
	t->attr[THEME_STALE] = A_DIM;
	t->attr[THEME_UNKNOWN] = A_DIM;
	t->attr[THEME_DIM] = A_DIM;
	t->attr[THEME_FOCUS] = A_REVERSE;
}

/* Returns the attribute of a role. */
attr_t theme_attr(const struct theme *t, enum theme_role role)
{
	return t->attr[role];
}

/* Returns the Unicode glyph in a UTF-8 locale, the ASCII one elsewhere. */
const char *theme_glyph(const struct theme *t, const char *unicode, const char *ascii)
{
	return t->utf8 ? unicode : ascii;
}
