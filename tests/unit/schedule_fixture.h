/*
 * What the unit tests of the schedule share: times written as RFC 3339
 * stamps, and the seed's dr-test-schedule.yml loaded as shipped.
 */
#ifndef DR_SCHEDULE_FIXTURE_H
#define DR_SCHEDULE_FIXTURE_H

#include "caltime.h"
#include "schedule.h"

/* Returns the time of an RFC 3339 stamp, failing the test when it does not parse. */
static inline int64_t at(const char *s)
{
	int64_t ms = -1;
	if (caltime_parse(s, &ms) != 0)
		fail_msg("'%s' does not parse", s);
	return ms;
}

/* Loads the seed's schedule into set, failing the test unless it loads clean; returns its path. */
static inline char *seed_schedule(struct schedule_set *set)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *file = xasprintf("%s/scenarios/dr-test-schedule.yml", top);
	struct diag d;
	diag_init(&d);
	assert_int_equal(schedule_load(set, file, &d), 0);
	assert_int_equal(d.n, 0);
	diag_free(&d);
	return file;
}

#endif
