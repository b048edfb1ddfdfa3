/*
 * The watcher's presence in words (watchnote.h). Each state has a list of
 * wordings, longest first; the first that fits the columns given is used.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "utf8.h"
#include "watchnote.h"

#define WATCHNOTE_INTERVAL_MS 30000 /* a watcher's check interval when it does not say */
#define WATCHNOTE_SLACK_MS    10000 /* a check is overdue after two intervals and this */

/* Parses an RFC 3339 UTC stamp ("2026-11-27T06:51:40.537Z", milliseconds optional); 0, or -1. */
int watchnote_stamp_ms(const char *stamp, int64_t *ms)
{
	struct tm tm;
	int frac = 0, n = 0;
	char z = 0;
	memset(&tm, 0, sizeof tm);
	if (stamp == NULL || sscanf(stamp, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	const char *rest = stamp + n;
	if (*rest == '.' && sscanf(rest, ".%3d%c", &frac, &z) == 2 && z == 'Z' && frac >= 0 &&
	    strlen(rest) == 5)
		rest += 4;
	if (strcmp(rest, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return 0;
}

/* Writes an age as "3s", "4m", "2h" or "5d" (a negative one, a clock ahead, as "0s"). */
void watchnote_age(int64_t ms, char *out, size_t len)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;
	if (s < 60)
		snprintf(out, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, len, "%lldd", (long long)(s / 86400));
}

/* Copies the first of n wordings that fits cols into out; 1, or 0 when none fits. */
static int watchnote_fit(char words[][96], int n, int cols, char *out, size_t len)
{
	for (int i = 0; i < n; i++)
		if (words[i][0] != '\0' && utf8_width(words[i]) <= cols) {
			snprintf(out, len, "%s", words[i]);
			return 1;
		}
	out[0] = '\0';
	return 0;
}

/* Tells whether the watcher's last check is overdue at now (or it never checked, long after it
 * started). */
static int watchnote_overdue(const struct watchstate *ws, int64_t now_ms, int64_t *age_ms)
{
	int64_t at,
	    every = ws->check_interval_ms > 0 ? ws->check_interval_ms : WATCHNOTE_INTERVAL_MS;
	const char *stamp = ws->last_check[0] ? ws->last_check : ws->since;
	*age_ms = -1;
	if (watchnote_stamp_ms(stamp, &at) == -1)
		return 0;
	*age_ms = now_ms - at;
	return *age_ms > 2 * every + WATCHNOTE_SLACK_MS;
}

/* Words a running watcher: its mode, its state when not just watching, its last check's age. */
static enum watchnote_level watchnote_running(const struct watchstate *ws, int64_t now_ms, int cols,
                                              char *out, size_t len)
{
	char words[5][96], age[16] = "", st[40] = "";
	int64_t age_ms;
	int late = watchnote_overdue(ws, now_ms, &age_ms);
	int busy = ws->state[0] && strcmp(ws->state, "watching") != 0;
	if (!ws->present) {
		snprintf(out, len, "%s",
		         utf8_width("watch: starting") <= cols ? "watch: starting" : "");
		return out[0] ? WATCHNOTE_OK : WATCHNOTE_NONE;
	}
	if (busy)
		snprintf(st, sizeof st, ", %s", ws->state);
	if (ws->last_check[0] && age_ms >= 0)
		watchnote_age(age_ms, age, sizeof age);
	const char *mode = ws->mode[0] ? ws->mode : "?";
	if (age[0]) {
		snprintf(words[0], sizeof words[0], "watch: %s%s, checked %s ago", mode, st, age);
		snprintf(words[1], sizeof words[1], "watch: %s%s, %s ago", mode, st, age);
		snprintf(words[2], sizeof words[2], "watch%s%s %s ago", busy ? ": " : "",
		         busy ? ws->state : "", age);
	} else {
		snprintf(words[0], sizeof words[0], "watch: %s%s, no check yet", mode, st);
		snprintf(words[1], sizeof words[1], "watch: %s%s", mode, st);
		snprintf(words[2], sizeof words[2], "watch%s%s", busy ? ": " : "",
		         busy ? ws->state : "");
	}
	snprintf(words[3], sizeof words[3], "watch%s%s", busy ? ": " : "", busy ? ws->state : "");
	snprintf(words[4], sizeof words[4], "%s", "watch");
	if (!watchnote_fit(words, 5, cols, out, len))
		return WATCHNOTE_NONE;
	return busy || late ? WATCHNOTE_WARN : WATCHNOTE_OK;
}

/*
 * Words the watcher's presence in at most cols columns into out: ws as
 * watchstate_read gave it (NULL: it could not be read); seen_running: this
 * console saw it running before. Returns how it deserves to be drawn;
 * WATCHNOTE_NONE (out empty) when nothing fits.
 */
enum watchnote_level watchnote_text(const struct watchstate *ws, int seen_running, int64_t now_ms,
                                    int cols, char *out, size_t len)
{
	char words[3][96] = {"", "", ""};
	enum watchnote_level level;
	if (ws != NULL && ws->running)
		return watchnote_running(ws, now_ms, cols, out, len);
	if (ws == NULL) {
		snprintf(words[0], sizeof words[0], "%s", "watch: unreadable");
		snprintf(words[1], sizeof words[1], "%s", "watch: ?");
		level = WATCHNOTE_WARN;
	} else if (ws->present) {
		snprintf(words[0], sizeof words[0], "%s", "watcher stopped");
		snprintf(words[1], sizeof words[1], "%s", "watch stopped");
		level = seen_running ? WATCHNOTE_WARN : WATCHNOTE_DIM;
	} else {
		snprintf(words[0], sizeof words[0], "%s", "watch: none");
		level = WATCHNOTE_DIM;
	}
	return watchnote_fit(words, 3, cols, out, len) ? level : WATCHNOTE_NONE;
}
