/* Drawing text by display columns (Korean takes two), and boxes with titles. */
#ifndef DR_DRAW_H
#define DR_DRAW_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "theme.h"

int draw_text(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *text);
int draw_textf(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void draw_box(WINDOW *w, const struct theme *t, const char *title, int focused);
int draw_wrap(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *text);
WINDOW *draw_dialog(const struct theme *t, const char *title, int h, int w);
int draw_spark(WINDOW *w, int y, int x, int maxw, attr_t attr, const struct theme *t,
	       const int64_t *values, size_t n);
void draw_hline(WINDOW *w, const struct theme *t, int y, int x, int width);

#endif
