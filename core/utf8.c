/*
 * Strict UTF-8 decoding (no overlong forms, no surrogates, nothing past
 * U+10FFFF) and display widths from wcwidth, so Korean text, which takes two
 * columns a character, can be measured and cut without splitting a character.
 */
#include "config.h"

#include <wchar.h>

#include "utf8.h"

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
