/* UTF-8 validation, one sanitizer, cuts between characters, and display width of text. */
#ifndef DR_UTF8_H
#define DR_UTF8_H

#include <stddef.h>

#include <jansson.h>

#define UTF8_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, what an invalid byte becomes */

/* utf8_clean: what is replaced besides invalid bytes. */
#define UTF8_CLEAN_CONTROLS 1 /* controls, invalid bytes: visible escapes (\x1b, \u202e) */
#define UTF8_CLEAN_ASCII    2 /* every non-ASCII character and invalid byte becomes '?' */
#define UTF8_CLEAN_LINES    4 /* with CONTROLS: tab and newline are kept (else a space) */
#define UTF8_CLEAN_JSON     8 /* with CONTROLS: every control as \uNNNN, invalid bytes U+FFFD */
#define UTF8_CLEAN_GROWTH   4 /* a clean is at most this many times longer than its input */

size_t utf8_invalid_offset(const char *s, size_t len);
int utf8_decode(const char *s, size_t len, unsigned int *cp);
int utf8_width(const char *s);
size_t utf8_fit(const char *s, int cols, int *used);

char *utf8_clean(const char *s, size_t len, int flags, size_t *out_len);
size_t utf8_control_offset(const char *s, size_t len);
size_t utf8_cut(const char *s, size_t len, size_t max);
size_t utf8_tail(const char *s, size_t len, size_t max);
void utf8_append_tail(char *buf, size_t size, const char *add);
json_t *utf8_json_stringn(const char *s, size_t len);
json_t *utf8_json_string(const char *s);
char *utf8_json_dumps(const json_t *j, size_t flags);

void utf8_copy_clean(char *out, size_t size, const char *s);

#endif
