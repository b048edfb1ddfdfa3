/*
 * The typed-input dialog. Keys arrive as bytes (UTF-8 sequences byte by
 * byte, so Korean site names can be typed); Backspace removes a whole
 * character; Ctrl-U clears the field; Enter answers; Esc cancels. Its body is wrapped to the width.
 */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "prompt.h"
#include "utf8.h"
#include "xmalloc.h"

#define PROMPT_ESC    27
#define PROMPT_CTRL_U 21 /* clears the field, as in a shell */

/* Copies text into out (size bytes), cut between characters when too long. */
static void prompt_copy(char *out, size_t size, const char *text)
{
	size_t len = utf8_cut(text, strlen(text), size - 1);
	memcpy(out, text, len);
	out[len] = '\0';
}

/* Opens the dialog with its body text. */
void prompt_open(struct prompt *p, enum prompt_purpose purpose, const char *title,
                 const char *label, const char *fmt, ...)
{
	va_list ap;
	memset(p, 0, sizeof *p);
	p->purpose = purpose;
	prompt_copy(p->title, sizeof p->title, title);
	prompt_copy(p->label, sizeof p->label, label);
	va_start(ap, fmt);
	char *body = xvasprintf(fmt, ap);
	va_end(ap);
	prompt_copy(p->body, sizeof p->body, body);
	free(body);
}

/* Handles one key byte. */
enum prompt_answer prompt_key(struct prompt *p, int ch)
{
	size_t len = strlen(p->typed);
	if (ch == PROMPT_ESC) {
		p->purpose = PROMPT_NONE;
		return PROMPT_CANCEL;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
		return PROMPT_ENTER;
	if (ch == PROMPT_CTRL_U) {
		p->typed[0] = '\0';
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		while (len > 0 && ((unsigned char)p->typed[len - 1] & 0xc0) == 0x80)
			len--; /* continuation bytes of the last character */
		if (len > 0)
			len--;
		p->typed[len] = '\0';
	} else if (ch >= 0x20 && ch <= 0xff && ch != 0x7f && len + 1 < sizeof p->typed) {
		p->typed[len] = (char)ch;
		p->typed[len + 1] = '\0';
	}
	return PROMPT_GOING;
}

/*
 * Returns the rows the body takes wrapped in a dialog line of cols columns:
 * each of its lines one at least, counted by display width (Korean takes two
 * columns a character), with room for words carried to the next row.
 */
static int prompt_body_rows(const char *body, int cols)
{
	int rows = 0;
	const char *line = body;
	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		char *one = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
		rows += 1 + utf8_width(one) * 6 / (cols * 5); /* a sixth lost to wrapping at spaces */
		free(one);
		line = nl ? nl + 1 : line + strlen(line);
	}
	return rows;
}

/* Draws the dialog over the panels. */
void prompt_draw(const struct prompt *p, const struct theme *t)
{
	int h = 7 + prompt_body_rows(p->body, 70);
	WINDOW *w = draw_dialog(t, p->title, h < LINES - 2 ? h : LINES - 2, 76);
	if (w == NULL)
		return;
	int wd = getmaxx(w) - 4, y = 2;
	const char *line = p->body;
	while (*line != '\0' && y < getmaxy(w) - 4) {
		const char *nl = strchr(line, '\n');
		char *buf = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
		y += buf[0] ? draw_wrap(w, y, 2, wd, theme_attr(t, THEME_NORMAL), buf) : 1;
		free(buf);
		line = nl ? nl + 1 : line + strlen(line);
	}
	draw_textf(w, ++y, 2, wd, theme_attr(t, THEME_FOCUS), "%s %s_", p->label, p->typed);
	if (p->note[0] != '\0')
		draw_wrap(w, y + 1, 2, wd, theme_attr(t, THEME_WARN), p->note);
	wnoutrefresh(w);
	delwin(w);
}
