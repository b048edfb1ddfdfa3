/*
 * Duration parsing. A bare number is seconds. Otherwise the text is a run of
 * number-unit parts, largest unit first, each unit at most once, spaces allowed
 * between parts: "1h30m", "2시간 30분", "1d 12h". Units: ms, s, m, h, d and the
 * Korean 초, 분, 시간, 일. Only whole numbers; at most a year.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "xmalloc.h"

struct duration_unit {
	const char *name;
	int64_t ms;
};

/* Longer names first so "ms" wins over "m" and "min" over "m". */
static const struct duration_unit duration_units[] = {
	{"시간", 3600000}, {"ms", 1}, {"min", 60000}, {"sec", 1000}, {"초", 1000},
	{"분", 60000},     {"일", 86400000}, {"d", 86400000}, {"h", 3600000},
	{"m", 60000},      {"s", 1000},
};

/* Skips spaces and tabs. */
static const char *duration_skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Matches a whole unit name at p (followed by a space, a digit or the end). */
static const struct duration_unit *duration_match_unit(const char *p)
{
	for (size_t i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
		size_t n = strlen(duration_units[i].name);
		if (strncmp(p, duration_units[i].name, n) != 0)
			continue;
		char next = p[n]; /* within the string: the first n bytes matched */
		if (next == '\0' || next == ' ' || next == '\t' || (next >= '0' && next <= '9'))
			return &duration_units[i];
	}
	return NULL;
}

/* Parses s into milliseconds; returns 0, or -1 with a message in err. */
int duration_parse(const char *s, int64_t *ms, char *err, size_t errlen)
{
	const char *p = duration_skip_space(s);
	int64_t total = 0, last_unit = INT64_MAX;
	int parts = 0;

	if (*p == '\0') {
		snprintf(err, errlen, "empty duration");
		return -1;
	}
	while (*p != '\0') {
		if (*p < '0' || *p > '9') {
			snprintf(err, errlen,
				 "invalid duration '%s': expected a number at '%s'", s, p);
			return -1;
		}
		int64_t n = 0;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (*p - '0');
			if (n > DURATION_MAX_MS) {
				snprintf(err, errlen, "duration '%s' is too long", s);
				return -1;
			}
			p++;
		}
		p = duration_skip_space(p);
		if (*p == '\0' && parts == 0) {
			total = n * 1000; /* a bare number is seconds */
			parts++;
			break;
		}
		const struct duration_unit *u = duration_match_unit(p);
		if (u == NULL && *p == '\0') {
			snprintf(err, errlen, "invalid duration '%s': the last number has no unit",
				 s);
			return -1;
		}
		if (u == NULL) {
			snprintf(err, errlen,
				 "invalid duration '%s': unknown unit at '%s' (use s, m, h, d, "
				 "ms or 초, 분, 시간, 일)",
				 s, p);
			return -1;
		}
		if (u->ms >= last_unit) {
			snprintf(err, errlen,
				 "invalid duration '%s': write each unit once, largest first", s);
			return -1;
		}
		last_unit = u->ms;
		p = duration_skip_space(p + strlen(u->name));
		if (n > DURATION_MAX_MS / u->ms || total + n * u->ms > DURATION_MAX_MS) {
			snprintf(err, errlen, "duration '%s' is too long (at most a year)", s);
			return -1;
		}
		total += n * u->ms;
		parts++;
	}
	if (total > DURATION_MAX_MS) {
		snprintf(err, errlen, "duration '%s' is too long (at most a year)", s);
		return -1;
	}
	*ms = total;
	return 0;
}

/* Formats milliseconds compactly ("1h30m", "45s", "250ms"). */
char *duration_format(int64_t ms)
{
	char buf[64];
	size_t off = 0;
	if (ms < 0)
		return xstrdup("-");
	if (ms < 1000 && ms != 0)
		return xasprintf("%lldms", (long long)ms);
	int64_t s = ms / 1000;
	int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
	if (d)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%lldd", (long long)d);
	if (h)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%lldh", (long long)h);
	if (m)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%lldm", (long long)m);
	if (sec || off == 0)
		snprintf(buf + off, sizeof buf - off, "%llds", (long long)sec);
	return xstrdup(buf);
}

/* Writes a duration compactly into buf (a negative one as zero) and returns buf. */
const char *duration_text(int64_t ms, char *buf, size_t len)
{
	char *s = duration_format(ms < 0 ? 0 : ms);
	snprintf(buf, len, "%s", s);
	free(s);
	return buf;
}
