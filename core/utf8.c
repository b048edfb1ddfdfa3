/*
 * Strict UTF-8 decoding (no overlong forms, no surrogates, nothing past
 * U+10FFFF) and display widths from wcwidth, so Korean text, which takes two
 * columns a character, can be measured and cut without splitting a character.
 *
 * Text from outside (command output, site errors, what an operator typed) is
 * made valid here, by one sanitizer (utf8_clean: each invalid byte becomes
 * U+FFFD; with UTF8_CLEAN_CONTROLS every byte a terminal would act on, C0, C1,
 * ESC, DEL, bidi controls and invalid bytes, is written as a visible escape)
 * and cut here, by bytes (utf8_cut keeps a head, utf8_tail and
 * utf8_append_tail keep an end) or by columns (utf8_fit), never in the middle
 * of a character. The journal, status --json, the command line (textout.c)
 * and the screen all use them, so jansson, which refuses invalid UTF-8, is
 * never handed any, and no terminal is ever handed a control from outside.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"
#include "xmalloc.h"

/* Decodes one character at s; returns its length in bytes, or -1 if invalid. */
int utf8_decode(const char *s, size_t len, unsigned int *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int c;
	int n;

	if (len == 0)
		return -1;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else {
		return -1;
	}
	if ((size_t)n > len)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

/* Returns the offset of the first invalid byte, or (size_t)-1 when all is valid. */
size_t utf8_invalid_offset(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned int cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0)
			return i;
		i += (size_t)n;
	}
	return (size_t)-1;
}

/* Width of one code point in columns: 0 for combining marks, 1 for invalid or control. */
static int utf8_cp_width(unsigned int cp)
{
	int w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w;
	/* wcwidth knows nothing outside a UTF-8 locale; Hangul and CJK are wide everywhere. */
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6))
		return 2;
	return 1;
}

/* Returns the display width of a NUL-terminated string; an invalid byte counts as one column. */
int utf8_width(const char *s)
{
	int used;
	utf8_fit(s, 1 << 30, &used);
	return used;
}

/* Returns how many bytes of s fit in cols columns without splitting a character. */
size_t utf8_fit(const char *s, int cols, int *used)
{
	size_t i = 0, len = 0;
	int w = 0;
	while (s[len] != '\0')
		len++;
	while (i < len) {
		unsigned int cp;
		int n = utf8_decode(s + i, len - i, &cp);
		int cw = n < 0 ? 1 : utf8_cp_width(cp);
		if (n < 0)
			n = 1;
		if (w + cw > cols)
			break;
		w += cw;
		i += (size_t)n;
	}
	if (used != NULL)
		*used = w;
	return i;
}

/*
 * Tells whether cp is a C1 control, a bidi control (they reorder or hide what
 * follows) or a line or paragraph separator.
 */
static int utf8_cp_hidden(unsigned int cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Writes text at out; returns its length. */
static size_t utf8_put(char *out, const char *text)
{
	size_t n = strlen(text);
	memcpy(out, text, n);
	return n;
}

/*
 * Writes at out what replaces a control character cp under flags (a
 * UTF8_CLEAN_CONTROLS clean); returns the bytes written, or 0 to keep cp.
 */
static size_t utf8_replace_control(unsigned int cp, int flags, char *out)
{
	if (cp == '\t' || cp == '\n')
		return flags & UTF8_CLEAN_LINES ? 0 : utf8_put(out, " ");
	if (cp < 0x20 || cp == 0x7f)
		return (size_t)sprintf(out, flags & UTF8_CLEAN_JSON ? "\\u%04x" : "\\x%02x", cp);
	if (utf8_cp_hidden(cp))
		return (size_t)sprintf(out, "\\u%04x", cp);
	return 0;
}

/*
 * Writes at out what replaces the character cp (n bytes at s, n -1 when the
 * byte at s is invalid) under flags; returns the bytes written, or 0 to keep it.
 */
static size_t utf8_replace(const char *s, unsigned int cp, int n, int flags, char *out)
{
	if (n < 0) {
		if ((flags & UTF8_CLEAN_CONTROLS) && !(flags & UTF8_CLEAN_JSON))
			return (size_t)sprintf(out, "\\x%02x", (unsigned char)*s);
		return utf8_put(out, flags & UTF8_CLEAN_ASCII ? "?" : UTF8_REPLACEMENT);
	}
	if (flags & UTF8_CLEAN_CONTROLS) {
		size_t w = utf8_replace_control(cp, flags, out);
		if (w > 0)
			return w;
	}
	return cp >= 0x80 && (flags & UTF8_CLEAN_ASCII) ? utf8_put(out, "?") : 0;
}

/*
 * Returns a copy of len bytes at s that is valid UTF-8: each invalid byte
 * becomes U+FFFD. flags may add:
 *   UTF8_CLEAN_CONTROLS  what a terminal would act on is made visible: a
 *                        control byte (C0, ESC, DEL) or an invalid byte
 *                        becomes \xNN, a C1 or bidi control \uNNNN; tab
 *                        and newline become a space
 *   UTF8_CLEAN_LINES     with CONTROLS: tab and newline are kept
 *   UTF8_CLEAN_JSON      with CONTROLS, for JSON text: every control becomes
 *                        \uNNNN, an invalid byte U+FFFD
 *   UTF8_CLEAN_ASCII     every other non-ASCII character becomes '?', and
 *                        so does an invalid byte without CONTROLS
 * The copy is NUL-terminated, newly allocated; *out_len (optional) gets its
 * length. Cleaning a cleaned text again changes nothing.
 */
char *utf8_clean(const char *s, size_t len, int flags, size_t *out_len)
{
	char *out = xmalloc(len * UTF8_CLEAN_GROWTH + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		unsigned int cp = 0;
		int n = utf8_decode(s + i, len - i, &cp);
		size_t take = n < 0 ? 1 : (size_t)n;
		size_t w = utf8_replace(s + i, cp, n, flags, out + o);
		if (w == 0) {
			memcpy(out + o, s + i, take);
			w = take;
		}
		o += w;
		i += take;
	}
	out[o] = '\0';
	if (out_len != NULL)
		*out_len = o;
	return out;
}

/*
 * Returns the offset of the first byte in len bytes at s that a clean with
 * UTF8_CLEAN_CONTROLS | UTF8_CLEAN_LINES would change (a control other than
 * tab and newline, or an invalid byte), or (size_t)-1 when there is none.
 */
size_t utf8_control_offset(const char *s, size_t len)
{
	char tmp[8];
	for (size_t i = 0; i < len;) {
		unsigned int cp = 0;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0 ||
		    utf8_replace(s + i, cp, n, UTF8_CLEAN_CONTROLS | UTF8_CLEAN_LINES, tmp) > 0)
			return i;
		i += (size_t)n;
	}
	return (size_t)-1;
}

/*
 * Returns how many bytes of the len at s make the longest head of at most max
 * bytes that ends between characters (an invalid byte counts as one).
 */
size_t utf8_cut(const char *s, size_t len, size_t max)
{
	size_t i = 0;
	if (len <= max)
		return len;
	while (i < len) {
		unsigned int cp;
		int n = utf8_decode(s + i, len - i, &cp);
		size_t take = n < 0 ? 1 : (size_t)n;
		if (i + take > max)
			break;
		i += take;
	}
	return i;
}

/*
 * Returns where the longest tail of at most max bytes of the len at s starts
 * between characters: continuation bytes at the cut (at most three, the rest
 * of one character) are left out with it.
 */
size_t utf8_tail(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return 0;
	size_t start = len - max;
	for (int k = 0; k < 3 && start < len && ((unsigned char)s[start] & 0xc0) == 0x80; k++)
		start++;
	return start;
}

/*
 * Appends add to the string in buf (size bytes, its NUL included), keeping
 * the end when it does not fit: whole characters are dropped from the front.
 */
void utf8_append_tail(char *buf, size_t size, const char *add)
{
	if (size == 0 || add == NULL)
		return;
	size_t have = strlen(buf), more = strlen(add), cap = size - 1;
	if (more >= cap) {
		size_t from = utf8_tail(add, more, cap);
		memmove(buf, add + from, more - from + 1);
		return;
	}
	if (have + more > cap) {
		size_t from = utf8_tail(buf, have, cap - more);
		memmove(buf, buf + from, have - from);
		have -= from;
	}
	memcpy(buf + have, add, more + 1);
}

/* Returns len bytes at s as a JSON string, made valid UTF-8 first (never NULL). */
json_t *utf8_json_stringn(const char *s, size_t len)
{
	if (utf8_invalid_offset(s, len) == (size_t)-1)
		return json_stringn_nocheck(s, len);
	size_t n;
	char *clean = utf8_clean(s, len, 0, &n);
	json_t *j = json_stringn_nocheck(clean, n);
	free(clean);
	return j;
}

/* Returns s as a JSON string made valid UTF-8, or JSON null when s is NULL (never NULL). */
json_t *utf8_json_string(const char *s)
{
	return s != NULL ? utf8_json_stringn(s, strlen(s)) : json_null();
}

/*
 * Returns j dumped as JSON text (json_dumps flags), with every control
 * character jansson leaves raw (DEL, C1, bidi controls) written as \uNNNN,
 * so the text is still the same JSON but safe on a terminal; NULL when
 * jansson fails. Newly allocated.
 */
char *utf8_json_dumps(const json_t *j, size_t flags)
{
	char *raw = json_dumps(j, flags);
	if (raw == NULL)
		return NULL;
	char *clean = utf8_clean(raw, strlen(raw),
	                         UTF8_CLEAN_CONTROLS | UTF8_CLEAN_LINES | UTF8_CLEAN_JSON, NULL);
	free(raw);
	return clean;
}

/* Copies s (NULL: "") into out of size bytes, controls made visible, cut between characters. */
void utf8_copy_clean(char *out, size_t size, const char *s)
{
	size_t len = 0;
	char *clean = utf8_clean(s ? s : "", strlen(s ? s : ""), UTF8_CLEAN_CONTROLS, &len);
	len = utf8_cut(clean, len, size - 1);
	memcpy(out, clean, len);
	out[len] = '\0';
	free(clean);
}
