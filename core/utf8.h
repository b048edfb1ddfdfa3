/* UTF-8 validation and display width of text, measured the way a terminal draws it. */
#ifndef DR_UTF8_H
#define DR_UTF8_H

#include <stddef.h>

size_t utf8_invalid_offset(const char *s, size_t len);
int utf8_decode(const char *s, size_t len, unsigned int *cp);
int utf8_width(const char *s);
size_t utf8_fit(const char *s, int cols, int *used);

#endif
