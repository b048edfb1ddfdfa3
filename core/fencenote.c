/* The kept fence in a few words (fencenote.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fencenote.h"
#include "utf8.h"

/*
 * Writes when a fence was armed (at: RFC 3339 UTC) as "06:04", or
 * "11-26 06:04" when that is not today (UTC) at now; "?" when at is not a stamp.
 */
void fencenote_since(const char *at, int64_t now_ms, char *out, size_t len)
{
	char today[16] = "";
	time_t now = (time_t)(now_ms / 1000);
	struct tm tm;
	if (gmtime_r(&now, &tm) != NULL)
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (at == NULL || strlen(at) < 16 || at[10] != 'T' || at[13] != ':') {
		snprintf(out, len, "?");
		return;
	}
	if (strncmp(at, today, 10) == 0)
		snprintf(out, len, "%.5s", at + 11);
	else
		snprintf(out, len, "%.5s %.5s", at + 5, at + 11);
}

/* Writes who armed or disarmed a fence: "console kim@jump1" ("?" for what is not known). */
void fencenote_by(const struct fencestate_by *by, char *out, size_t len)
{
	snprintf(out, len, "%s %s@%s", by->actor[0] ? by->actor : "?",
	         by->operator[0] ? by->operator : "?", by->host[0] ? by->host : "?");
}

/*
 * Words an armed fence in at most cols columns into out: "fence kept: SITE
 * (since HH:MM)", else shorter; 1, or 0 (out empty) when none is armed or
 * nothing fits.
 */
int fencenote_kept(const struct fencestate *fs, int64_t now_ms, int cols, char *out, size_t len)
{
	char since[16], words[3][192];
	out[0] = '\0';
	if (fs == NULL || !fs->armed)
		return 0;
	fencenote_since(fs->arm.at, now_ms, since, sizeof since);
	snprintf(words[0], sizeof words[0], "fence kept: %s (since %s)", fs->site, since);
	snprintf(words[1], sizeof words[1], "fence kept: %s", fs->site);
	snprintf(words[2], sizeof words[2], "fence: %s", fs->site);
	for (int i = 0; i < 3; i++)
		if (utf8_width(words[i]) <= cols) {
			snprintf(out, len, "%s", words[i]);
			return 1;
		}
	return 0;
}

/* Writes the kept fence as the cause of a split brain: "kept fence armed 06:04 by console
 * kim@jump1". */
void fencenote_cause(const struct fencestate *fs, int64_t now_ms, char *out, size_t len)
{
	char since[16], by[400];
	fencenote_since(fs->arm.at, now_ms, since, sizeof since);
	fencenote_by(&fs->arm.by, by, sizeof by);
	snprintf(out, len, "kept fence armed %s by %s", since, by);
}
