/* Text printed for people, on a terminal or in a log: every byte through utf8_clean. */
#ifndef DR_TEXTOUT_H
#define DR_TEXTOUT_H

#include <stdarg.h>
#include <stdio.h>

void textout_puts(FILE *fp, const char *text);
void textout_printf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void textout_vprintf(FILE *fp, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
char *textout_line(const char *text);
void textout_padded(FILE *fp, const char *text, int cols);

#endif
