/*
 * Colours by meaning, not by hue: ok, warning, critical, stale, unknown. A
 * monochrome theme (bold, reverse, dim) stands in when the terminal has no
 * colours or NO_COLOR is set; line drawing falls back to ASCII when the
 * locale is not UTF-8.
 */
#ifndef DR_THEME_H
#define DR_THEME_H

#include <curses.h>

enum theme_role {
	THEME_NORMAL,
	THEME_TITLE,
	THEME_OK,
	THEME_WARN,
	THEME_CRIT,
	THEME_STALE,
	THEME_UNKNOWN,
	THEME_DIM,
	THEME_FOCUS,
	THEME_ROLES
};

struct theme {
	int color;      /* colours in use */
	int utf8;       /* the locale is UTF-8: Unicode line drawing and glyphs */
	attr_t attr[THEME_ROLES];
};

void theme_init(struct theme *t);
attr_t theme_attr(const struct theme *t, enum theme_role role);
const char *theme_glyph(const struct theme *t, const char *unicode, const char *ascii);

#endif
