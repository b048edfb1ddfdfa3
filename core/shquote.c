/*
 * Shell quoting: a value made only of characters the shell never treats
 * specially is returned as it is; anything else is wrapped in single quotes,
 * with each single quote written as '\''. The result is always one word.
 */
#include "config.h"

#include <string.h>

#include "shquote.h"
#include "xmalloc.h"

/* Tells whether a byte never needs quoting. */
static int shquote_is_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("@%+=:,./_-", c) != NULL;
}

/* Returns s quoted as a single shell word (newly allocated). */
char *shquote(const char *s)
{
	size_t len = strlen(s), quotes = 0;
	int safe = len > 0;
	for (size_t i = 0; i < len; i++) {
		if (!shquote_is_safe((unsigned char)s[i]))
			safe = 0;
		if (s[i] == '\'')
			quotes++;
	}
	if (safe)
		return xstrdup(s);
	char *out = xmalloc(len + quotes * 3 + 3);
	char *p = out;
	*p++ = '\'';
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = s[i];
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}
