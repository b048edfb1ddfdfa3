/*
 * Tests of core/caltime.c: RFC 3339 stamps read exactly (Z, offsets east and
 * west, fractions of any length), days and shapes that do not exist refused;
 * calendar months added as people count them, the day clamped to the end
 * of a shorter month (January 31 and one month, in leap years and not),
 * across year ends, the time of day and the milliseconds kept.
 */
#include "config.h"

#include "unit.h"

#include "caltime.h"
#include "journal.h"
#include "schedule_fixture.h"

/* Fails unless adding months to the time of from gives the stamp want. */
static void months_is(const char *from, int months, const char *want)
{
	char *got = journal_stamp(caltime_add_months(at(from), months), 0);
	if (strcmp(got, want) != 0)
		fail_msg("%s + %d months: %s, expected %s", from, months, got, want);
	free(got);
}

/* Stamps with Z, with offsets, with fractions: the exact ms since the epoch. */
static void test_caltime_parse(void **state)
{
	(void)state;
	assert_int_equal(at("2026-11-27T06:15:00.123Z"), 1795760100123LL);
	assert_int_equal(at("2026-11-27T06:15:00Z"), 1795760100000LL);
	assert_int_equal(at("2026-11-27t06:15:00.123z"), 1795760100123LL);
	assert_int_equal(at("2026-11-27T15:15:00.5+09:00"), 1795760100500LL);
	assert_int_equal(at("2026-11-26T21:00:00-09:30"), 1795761000000LL);
	assert_int_equal(at("2026-11-27T06:15:00.123456789Z"), 1795760100123LL);
	assert_int_equal(at("2024-02-29T00:00:00Z"), 1709164800000LL);
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
}

/* What is not an RFC 3339 date and time is refused, the output left alone. */
static void test_caltime_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "2026-11-27",
	    "2026-11-27T06:15:00",  /* no zone */
	    "2026-11-27 06:15:00Z", /* a space for T */
	    "2026-02-29T00:00:00Z", /* 2026 is not a leap year */
	    "2100-02-29T00:00:00Z", /* nor is 2100 */
	    "2026-04-31T00:00:00Z", /* April has 30 days */
	    "2026-13-01T00:00:00Z",
	    "2026-00-10T00:00:00Z",
	    "2026-11-00T00:00:00Z",
	    "2026-11-27T24:00:00Z",
	    "2026-11-27T06:60:00Z",
	    "2026-11-27T06:15:00.Z",    /* a point without digits */
	    "2026-11-27T06:15:00+0900", /* the offset without its colon */
	    "2026-11-27T06:15:00+24:00",
	    "2026-11-27T06:15:00Zjunk",
	    "26-11-27T06:15:00Z",
	    "2026-1-27T06:15:00Z",
	    "now",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ms = 42;
		if (caltime_parse(bad[i], &ms) != -1)
			fail_msg("'%s' is accepted", bad[i]);
		assert_int_equal(ms, 42);
	}
	int64_t ms = 42;
	assert_int_equal(caltime_parse(NULL, &ms), -1);
}

/* Days in each month, February in leap years by the Gregorian rules. */
static void test_caltime_days_in_month(void **state)
{
	(void)state;
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int m = 1; m <= 12; m++)
		assert_int_equal(caltime_days_in_month(2026, m), days[m - 1]);
	assert_int_equal(caltime_days_in_month(2024, 2), 29);
	assert_int_equal(caltime_days_in_month(2000, 2), 29);
	assert_int_equal(caltime_days_in_month(2100, 2), 28);
	assert_int_equal(caltime_days_in_month(2026, 0), 0);
	assert_int_equal(caltime_days_in_month(2026, 13), 0);
}

/* Months added: the same day, or the last of a shorter month; time of day kept. */
static void test_caltime_add_months(void **state)
{
	(void)state;
	months_is("2026-01-15T09:30:00.250Z", 1, "2026-02-15T09:30:00.250Z");
	months_is("2026-01-31T09:00:00Z", 1, "2026-02-28T09:00:00.000Z");
	months_is("2024-01-31T09:00:00Z", 1, "2024-02-29T09:00:00.000Z");
	months_is("2026-03-31T23:59:59.999Z", 1, "2026-04-30T23:59:59.999Z");
	months_is("2026-11-30T10:00:00Z", 3, "2027-02-28T10:00:00.000Z");
	months_is("2027-11-30T10:00:00Z", 3, "2028-02-29T10:00:00.000Z");
	months_is("2026-12-31T00:00:00Z", 1, "2027-01-31T00:00:00.000Z");
	months_is("2026-08-31T12:00:00Z", 6, "2027-02-28T12:00:00.000Z");
	months_is("2024-02-29T08:00:00Z", 12, "2025-02-28T08:00:00.000Z");
	months_is("2024-02-29T08:00:00Z", 48, "2028-02-29T08:00:00.000Z");
	months_is("2026-05-31T00:00:00Z", 0, "2026-05-31T00:00:00.000Z");
	months_is("2026-03-31T00:00:00Z", -1, "2026-02-28T00:00:00.000Z");
	months_is("2026-01-10T00:00:00Z", -13, "2024-12-10T00:00:00.000Z");
	/* A stamp with an offset is a day in UTC: 2026-02-01 01:00 at +09:00 is January 31. */
	months_is("2026-02-01T01:00:00+09:00", 1, "2026-02-28T16:00:00.000Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_caltime_parse),
	    cmocka_unit_test(test_caltime_parse_bad),
	    cmocka_unit_test(test_caltime_days_in_month),
	    cmocka_unit_test(test_caltime_add_months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
