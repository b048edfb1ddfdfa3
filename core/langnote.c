/*
 * The plan's names are Korean. A locale that is not UTF-8 (LANG=C) cannot
 * show them: the console draws them as '?' and a terminal would garble the
 * bytes. Rather than leave "????? ??" unexplained, the header says once that
 * the locale is the cause, and the command line says it once on stderr
 * before text that holds such a name.
 */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "langnote.h"

/* Tells whether the locale's character set is UTF-8 (checked once). */
int langnote_utf8(void)
{
	static int known = -1;
	if (known == -1) {
		const char *cs = nl_langinfo(CODESET);
		known = cs != NULL && strcmp(cs, "UTF-8") == 0;
	}
	return known;
}

/* Tells whether the locale can show text: it is ASCII, or the locale is UTF-8. */
int langnote_shows(const char *text)
{
	if (langnote_utf8())
		return 1;
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p >= 0x80)
			return 0;
	return 1;
}

/* Returns what to say when the locale cannot show the plan's names. */
const char *langnote_text(void)
{
	return _("this locale cannot show the plan's names: use a UTF-8 locale (LANG=C.UTF-8)");
}

/* Returns the same in a few words, for where the room is short. */
const char *langnote_short(void)
{
	return _("names: LANG=C.UTF-8");
}

/* Says on stderr, once per process, that the locale cannot show text, if it cannot. */
void langnote_warn_once(const char *text)
{
	static int said;
	if (said || langnote_shows(text))
		return;
	said = 1;
	fflush(stdout);
	fprintf(stderr, "drconsole: %s\n", langnote_text());
}
