/*
 * One sentence in two languages from the same facts: as written in the
 * sources (English, for journals, JSON, the watcher and tools) and through
 * the catalog (the reader's language, for the screen and for people).
 */
#ifndef DR_PHRASE_H
#define DR_PHRASE_H

#include <stdarg.h>
#include <stddef.h>

void phrase_vformat(const char *fmt, va_list ap, char **text, char **shown)
    __attribute__((format(printf, 1, 0)));
void phrase_copy(char *dst, size_t size, const char *src);

#endif
