/*
 * When each regular DR test is due. A test's last run is the latest of the
 * runs that satisfied it (finished, naming it) up to now; runs that finish
 * after now (a --now in the past) have not happened yet. The next run is due
 * one period after the last: a day, 7 days, or 1, 3, 6 or 12 calendar months
 * from its date in UTC (caltime_add_months: January 31 and a month is the
 * end of February). A test never run is due at once: overdue. Pure: now is
 * given, no clock is read.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "caltime.h"
#include "i18n.h"
#include "schedule_due.h"

#define SCHEDULE_DAY_MS ((int64_t)24 * 3600 * 1000)

/* Returns when a test of frequency f last run at last_ms is next due. */
int64_t schedule_due_next(enum schedule_freq f, int64_t last_ms)
{
	switch (f) {
	case FREQ_DAILY:
		return last_ms + SCHEDULE_DAY_MS;
	case FREQ_WEEKLY:
		return last_ms + 7 * SCHEDULE_DAY_MS;
	case FREQ_MONTHLY:
		return caltime_add_months(last_ms, 1);
	case FREQ_QUARTERLY:
		return caltime_add_months(last_ms, 3);
	case FREQ_SEMIANNUAL:
		return caltime_add_months(last_ms, 6);
	case FREQ_YEARLY:
		return caltime_add_months(last_ms, 12);
	}
	return last_ms;
}

/* Returns the latest run of done that satisfied test name by now, or NULL. */
static const struct schedule_done *
schedule_due_last(const char *name, const struct schedule_done *done, size_t n_done, int64_t now_ms)
{
	const struct schedule_done *last = NULL;
	for (size_t i = 0; i < n_done; i++)
		if (strcmp(done[i].test, name) == 0 && done[i].at_ms <= now_ms &&
		    (last == NULL || done[i].at_ms > last->at_ms))
			last = &done[i];
	return last;
}

/* Works out where each test of set stands at now_ms; out has room for set->n. */
void schedule_due_compute(const struct schedule_set *set, const struct schedule_done *done,
                          size_t n_done, int64_t now_ms, struct schedule_due *out)
{
	for (size_t i = 0; i < set->n; i++) {
		struct schedule_due *d = &out[i];
		d->test = &set->items[i];
		d->last = schedule_due_last(d->test->name, done, n_done, now_ms);
		d->next_ms =
		    d->last ? schedule_due_next(d->test->frequency, d->last->at_ms) : now_ms;
		d->status = d->next_ms <= now_ms                      ? SCHEDULE_OVERDUE
		            : d->next_ms - now_ms <= SCHEDULE_SOON_MS ? SCHEDULE_DUE_SOON
		                                                      : SCHEDULE_OK;
	}
}

/* Returns the worst status of n tests (ok when there are none). */
enum schedule_status schedule_due_worst(const struct schedule_due *due, size_t n)
{
	enum schedule_status worst = SCHEDULE_OK;
	for (size_t i = 0; i < n; i++)
		if (due[i].status > worst)
			worst = due[i].status;
	return worst;
}

/* Returns the exit status of drconsole schedule: 1 when a test is overdue, else 0. */
int schedule_due_exit_code(const struct schedule_due *due, size_t n)
{
	return schedule_due_worst(due, n) == SCHEDULE_OVERDUE ? 1 : 0;
}

/* Counts the tests of n in status s. */
size_t schedule_due_count(const struct schedule_due *due, size_t n, enum schedule_status s)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += due[i].status == s;
	return count;
}

/* Returns a status's name, as --json writes it. */
const char *schedule_status_name(enum schedule_status s)
{
	static const char *const names[] = {
	    [SCHEDULE_OK] = "ok",
	    [SCHEDULE_DUE_SOON] = "due_soon",
	    [SCHEDULE_OVERDUE] = "overdue",
	};
	return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Writes a span coarsely, in whole days, else hours, else minutes ("25d", "5h", "40m", "<1m"). */
static void schedule_due_span(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		ms = -ms;
	if (ms >= SCHEDULE_DAY_MS)
		snprintf(buf, len, "%lldd", (long long)(ms / SCHEDULE_DAY_MS));
	else if (ms >= 3600000)
		snprintf(buf, len, "%lldh", (long long)(ms / 3600000));
	else if (ms >= 60000)
		snprintf(buf, len, "%lldm", (long long)(ms / 60000));
	else
		snprintf(buf, len, "<1m");
}

/*
 * Writes where a test stands at now_ms in words ("overdue by 25d",
 * "overdue: never run", "due in 4d", "ok, due in 34d"; for people: in the
 * reader's language) into buf; returns buf.
 */
const char *schedule_due_text(const struct schedule_due *d, int64_t now_ms, char *buf, size_t len)
{
	char span[32];
	schedule_due_span(d->next_ms - now_ms, span, sizeof span);
	if (d->last == NULL)
		snprintf(buf, len, "%s", _("overdue: never run"));
	else if (d->status == SCHEDULE_OVERDUE)
		snprintf(buf, len, _("overdue by %s"), span);
	else
		snprintf(buf, len, d->status == SCHEDULE_OK ? _("ok, due in %s") : _("due in %s"), span);
	return buf;
}
