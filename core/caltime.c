/*
 * Calendar time in UTC, pure (no clock is read here): an RFC 3339 stamp
 * ("2026-11-27T06:15:00Z", "2026-11-27T15:15:00.5+09:00") read into ms since
 * the epoch, a day that does not exist (February 30) refused; and calendar
 * months added to a time the way people count them: the same day of the
 * month, or the month's last day when it has no such day (January 31 and
 * one month is February 28, or 29 in a leap year), the time of day kept.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "caltime.h"

/* Returns how many days the month (1..12) of a year has. */
int caltime_days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && leap);
}

/* Reads n decimal digits at s into *v; returns 0, or -1 when one is not a digit. */
static int caltime_digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Reads a fraction of a second after its '.' into ms (digits past the third dropped); its end. */
static const char *caltime_fraction(const char *p, int *ms)
{
	int n = 0;
	*ms = 0;
	for (; *p >= '0' && *p <= '9'; p++, n++)
		if (n < 3)
			*ms = *ms * 10 + (*p - '0');
	for (int k = n; k < 3; k++)
		*ms *= 10;
	return n > 0 ? p : NULL;
}

/* Reads the zone at p (Z, or +HH:MM / -HH:MM) into minutes east of UTC; 0, or -1. */
static int caltime_zone(const char *p, int *minutes)
{
	int h, m;
	*minutes = 0;
	if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0')
		return 0;
	if ((p[0] != '+' && p[0] != '-') || caltime_digits(p + 1, 2, &h) == -1 || p[3] != ':' ||
	    caltime_digits(p + 4, 2, &m) == -1 || p[6] != '\0' || h > 23 || m > 59)
		return -1;
	*minutes = (p[0] == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

/* Reads an RFC 3339 date and time with its zone into ms since the epoch; 0, or -1. */
int caltime_parse(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, frac = 0, zone;
	if (s == NULL || strlen(s) < 20 || caltime_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    caltime_digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    caltime_digits(s + 8, 2, &d) == -1 || (s[10] != 'T' && s[10] != 't') ||
	    caltime_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    caltime_digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    caltime_digits(s + 17, 2, &sec) == -1)
		return -1;
	const char *p = s + 19;
	if (*p == '.' && (p = caltime_fraction(p + 1, &frac)) == NULL)
		return -1;
	if (caltime_zone(p, &zone) == -1 || mo < 1 || mo > 12 || d < 1 ||
	    d > caltime_days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -1;
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi,
	                .tm_sec = sec};
	*ms = ((int64_t)timegm(&tm) - (int64_t)zone * 60) * 1000 + frac;
	return 0;
}

/* Adds calendar months to a time in UTC, clamping the day to the month's last (see above). */
int64_t caltime_add_months(int64_t ms, int months)
{
	int64_t milli = (ms % 1000 + 1000) % 1000;
	time_t t = (time_t)((ms - milli) / 1000);
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		return ms;
	int m = tm.tm_mon + months, carry = m >= 0 ? m / 12 : -((11 - m) / 12);
	tm.tm_year += carry;
	tm.tm_mon = m - carry * 12;
	int last = caltime_days_in_month(tm.tm_year + 1900, tm.tm_mon + 1);
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	return (int64_t)timegm(&tm) * 1000 + milli;
}
