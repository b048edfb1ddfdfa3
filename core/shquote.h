/* Quoting a value as one POSIX shell word. */
#ifndef DR_SHQUOTE_H
#define DR_SHQUOTE_H

char *shquote(const char *s);

#endif
