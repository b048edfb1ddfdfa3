/*
 * What the command line prints, to stdout or stderr, and what goes to a
 * log, passes through here: the text is cleaned by the one sanitizer
 * (utf8_clean with UTF8_CLEAN_CONTROLS), so an escape sequence in a server's
 * error message, a file name on a site or a value in a config is printed as
 * visible text (\x1b]0;...) and never acted on by the terminal. Whole texts
 * keep their tabs and newlines; a value placed inside a line
 * (textout_line, textout_padded) is made one line first, so it cannot
 * forge the lines after it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "langnote.h"
#include "textout.h"
#include "utf8.h"
#include "xmalloc.h"

/* Prints text cleaned, its tabs and newlines kept. */
void textout_puts(FILE *fp, const char *text)
{
	langnote_warn_once(text);
	size_t n;
	char *clean = utf8_clean(text, strlen(text), UTF8_CLEAN_CONTROLS | UTF8_CLEAN_LINES, &n);
	fwrite(clean, 1, n, fp);
	free(clean);
}

/* Prints formatted text cleaned (textout_puts). */
void textout_vprintf(FILE *fp, const char *fmt, va_list ap)
{
	char *text = xvasprintf(fmt, ap);
	textout_puts(fp, text);
	free(text);
}

/* Prints formatted text cleaned (textout_puts). */
void textout_printf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	textout_vprintf(fp, fmt, ap);
	va_end(ap);
}

/* Returns text cleaned to one line (tabs and newlines become spaces); newly allocated. */
char *textout_line(const char *text)
{
	return utf8_clean(text, strlen(text), UTF8_CLEAN_CONTROLS, NULL);
}

/* Prints text cleaned to one line, padded with spaces to cols display columns. */
void textout_padded(FILE *fp, const char *text, int cols)
{
	langnote_warn_once(text);
	char *clean = textout_line(text);
	int w = utf8_width(clean);
	fputs(clean, fp);
	for (; w < cols; w++)
		fputc(' ', fp);
	free(clean);
}
