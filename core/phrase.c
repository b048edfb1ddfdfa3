/*
 * The format of a sentence is a fixed English text marked for translation
 * (the callers' formats are xgettext keywords, see po/Makevars); the
 * English text is what records keep, whatever the locale, and the
 * translated format, given the same arguments, is what the screen shows.
 * Without a catalog both are the same.
 */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "phrase.h"
#include "utf8.h"
#include "xmalloc.h"

/* Formats fmt with ap as written (*text) and through the catalog (*shown); both allocated. */
void phrase_vformat(const char *fmt, va_list ap, char **text, char **shown)
{
	const char *local = _(fmt);
	va_list again;
	va_copy(again, ap);
	*text = xvasprintf(fmt, ap);
	*shown = local == fmt ? xstrdup(*text) : xvasprintf(local, again);
	va_end(again);
}

/* Copies src into dst of size bytes, cut between characters when too long. */
void phrase_copy(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	size_t n = utf8_cut(src, strlen(src), size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}
