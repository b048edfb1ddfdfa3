/*
 * Tests of core/schedule_due.c, with chosen dates: each frequency's period
 * (calendar months from the last run's date in UTC, clamped at a month's end,
 * in leap years and not; 7 days; a day), the latest satisfying run taken, runs
 * of other names and runs after now left out, a test never run due at once,
 * and the edges between ok, due within 7 days and overdue to the millisecond.
 */
#include "config.h"

#include "unit.h"

#include "journal.h"
#include "schedule_due.h"
#include "schedule_fixture.h"

/* Fails unless a test of frequency f last run at last is next due at want. */
static void next_is(enum schedule_freq f, const char *last, const char *want)
{
	char *got = journal_stamp(schedule_due_next(f, at(last)), 0);
	if (strcmp(got, want) != 0)
		fail_msg("%s after %s: due %s, expected %s", schedule_freq_name(f), last, got,
		         want);
	free(got);
}

/* A schedule of tests named as given, each of its frequency (no file behind it). */
static struct schedule_set set_of(struct schedule_test *items, size_t n)
{
	return (struct schedule_set){.file = (char *)"memory", .items = items, .n = n};
}

/* A run that satisfied test name, finished at the stamp given. */
static struct schedule_done done_at(const char *name, const char *run, const char *stamp)
{
	return (struct schedule_done){(char *)name, (char *)run, NULL, at(stamp)};
}

/* Each frequency's period from a last run: calendar months clamped, weeks, days. */
static void test_schedule_due_next(void **state)
{
	(void)state;
	next_is(FREQ_DAILY, "2026-02-28T23:30:00Z", "2026-03-01T23:30:00.000Z");
	next_is(FREQ_WEEKLY, "2026-12-29T08:00:00Z", "2027-01-05T08:00:00.000Z");
	next_is(FREQ_MONTHLY, "2026-01-31T10:00:00Z", "2026-02-28T10:00:00.000Z");
	next_is(FREQ_MONTHLY, "2024-01-31T10:00:00Z", "2024-02-29T10:00:00.000Z");
	next_is(FREQ_MONTHLY, "2026-11-15T06:15:00.123Z", "2026-12-15T06:15:00.123Z");
	next_is(FREQ_QUARTERLY, "2025-11-30T09:00:00Z", "2026-02-28T09:00:00.000Z");
	next_is(FREQ_QUARTERLY, "2023-11-30T09:00:00Z", "2024-02-29T09:00:00.000Z");
	next_is(FREQ_QUARTERLY, "2026-10-31T09:00:00Z", "2027-01-31T09:00:00.000Z");
	next_is(FREQ_SEMIANNUAL, "2026-08-31T12:00:00Z", "2027-02-28T12:00:00.000Z");
	next_is(FREQ_YEARLY, "2024-02-29T08:00:00Z", "2025-02-28T08:00:00.000Z");
	next_is(FREQ_YEARLY, "2026-03-01T00:00:00Z", "2027-03-01T00:00:00.000Z");
}

/* The seed's tests and one never run: overdue, due soon, ok and never, from chosen runs. */
static void test_schedule_due_compute(void **state)
{
	(void)state;
	struct schedule_test items[] = {
	    {.name = (char *)"전체 시스템 페일오버 테스트", .frequency = FREQ_QUARTERLY},
	    {.name = (char *)"데이터 복구 테스트", .frequency = FREQ_MONTHLY},
	    {.name = (char *)"부분 장애 복구 테스트", .frequency = FREQ_MONTHLY},
	    {.name = (char *)"연간 종합 훈련", .frequency = FREQ_YEARLY},
	};
	struct schedule_set set = set_of(items, 4);
	struct schedule_done done[] = {
	    done_at("데이터 복구 테스트", "r-old", "2026-10-01T12:00:00Z"),
	    done_at("전체 시스템 페일오버 테스트", "r-full", "2026-08-01T09:00:00Z"),
	    done_at("데이터 복구 테스트", "r-data", "2026-11-01T12:00:00Z"),
	    done_at("부분 장애 복구 테스트", "r-part", "2026-11-20T15:00:00Z"),
	    done_at("데이터베이스 장애", "r-incident", "2026-11-26T00:00:00Z"),
	    done_at("부분 장애 복구 테스트", "r-later", "2026-11-28T00:00:00Z"),
	};
	int64_t now = at("2026-11-27T06:15:00Z");
	struct schedule_due due[4];
	schedule_due_compute(&set, done, 6, now, due);

	assert_ptr_equal(due[0].test, &items[0]);
	assert_string_equal(due[0].last->run, "r-full");
	assert_int_equal(due[0].next_ms, at("2026-11-01T09:00:00Z"));
	assert_int_equal(due[0].status, SCHEDULE_OVERDUE);

	assert_string_equal(due[1].last->run, "r-data"); /* the latest, not the first listed */
	assert_int_equal(due[1].next_ms, at("2026-12-01T12:00:00Z"));
	assert_int_equal(due[1].status, SCHEDULE_DUE_SOON);

	assert_string_equal(due[2].last->run, "r-part"); /* r-later finishes after now */
	assert_int_equal(due[2].next_ms, at("2026-12-20T15:00:00Z"));
	assert_int_equal(due[2].status, SCHEDULE_OK);

	assert_null(due[3].last); /* never run: due at once */
	assert_int_equal(due[3].next_ms, now);
	assert_int_equal(due[3].status, SCHEDULE_OVERDUE);

	assert_int_equal(schedule_due_worst(due, 4), SCHEDULE_OVERDUE);
	assert_int_equal(schedule_due_count(due, 4, SCHEDULE_OVERDUE), 2);
	assert_int_equal(schedule_due_count(due, 4, SCHEDULE_DUE_SOON), 1);
	assert_int_equal(schedule_due_count(due, 4, SCHEDULE_OK), 1);
	assert_int_equal(schedule_due_worst(&due[1], 2), SCHEDULE_DUE_SOON);
	assert_int_equal(schedule_due_worst(&due[2], 1), SCHEDULE_OK);
	assert_int_equal(schedule_due_worst(due, 0), SCHEDULE_OK);
	assert_int_equal(schedule_due_exit_code(due, 4), 1);
	assert_int_equal(schedule_due_exit_code(&due[1], 2), 0);
	assert_int_equal(schedule_due_exit_code(due, 0), 0);
}

/* Works out where a monthly test last run at last (NULL: never) stands at now. */
static struct schedule_due monthly_at(const char *last, const char *now)
{
	static struct schedule_test t = {.name = (char *)"t", .frequency = FREQ_MONTHLY};
	static struct schedule_done d;
	struct schedule_set set = set_of(&t, 1);
	struct schedule_due due;
	d = last ? done_at("t", "r", last) : (struct schedule_done){0};
	schedule_due_compute(&set, &d, last != NULL, at(now), &due);
	return due;
}

/* Overdue from the due time on, due soon within 7 days of it, ok before: to the millisecond. */
static void test_schedule_due_edges(void **state)
{
	(void)state;
	const char *last = "2026-10-15T09:00:00Z"; /* due 2026-11-15T09:00:00Z */
	assert_int_equal(monthly_at(last, "2026-11-08T08:59:59.999Z").status, SCHEDULE_OK);
	assert_int_equal(monthly_at(last, "2026-11-08T09:00:00Z").status, SCHEDULE_DUE_SOON);
	assert_int_equal(monthly_at(last, "2026-11-15T08:59:59.999Z").status, SCHEDULE_DUE_SOON);
	assert_int_equal(monthly_at(last, "2026-11-15T09:00:00Z").status, SCHEDULE_OVERDUE);
	/* January 31: due on February 28 (29 in a leap year), not 30 days later. */
	assert_int_equal(monthly_at("2026-01-31T10:00:00Z", "2026-02-28T09:59:59.999Z").status,
	                 SCHEDULE_DUE_SOON);
	assert_int_equal(monthly_at("2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z").status,
	                 SCHEDULE_OVERDUE);
	assert_int_equal(monthly_at("2024-01-31T10:00:00Z", "2024-02-28T10:00:00Z").status,
	                 SCHEDULE_DUE_SOON);
	assert_int_equal(monthly_at("2024-01-31T10:00:00Z", "2024-02-29T10:00:00Z").status,
	                 SCHEDULE_OVERDUE);
	/* A run that finishes after now is not counted: never run then. */
	assert_int_equal(monthly_at("2026-11-27T06:15:00.001Z", "2026-11-27T06:15:00Z").status,
	                 SCHEDULE_OVERDUE);
	assert_int_equal(monthly_at("2026-11-27T06:15:00Z", "2026-11-27T06:15:00Z").status,
	                 SCHEDULE_OK);
}

/* Fails unless a monthly test last run at last (NULL: never) stands at now in the words want. */
static void text_is(const char *last, const char *now, const char *want)
{
	struct schedule_due due = monthly_at(last, now);
	char buf[64];
	assert_string_equal(schedule_due_text(&due, at(now), buf, sizeof buf), want);
}

/* Where a test stands, in words: whole days, else hours, else minutes. */
static void test_schedule_due_text(void **state)
{
	(void)state;
	const char *last = "2026-10-15T09:00:00Z"; /* due 2026-11-15T09:00:00Z */
	text_is(last, "2026-10-20T09:00:00Z", "ok, due in 26d");
	text_is(last, "2026-11-10T08:00:00Z", "due in 5d");
	text_is(last, "2026-11-15T03:30:00Z", "due in 5h");
	text_is(last, "2026-11-15T08:20:00Z", "due in 40m");
	text_is(last, "2026-11-15T08:59:30Z", "due in <1m");
	text_is(last, "2026-11-15T09:00:00Z", "overdue by <1m");
	text_is(last, "2026-11-16T10:00:00Z", "overdue by 1d");
	text_is(last, "2026-12-10T09:00:00Z", "overdue by 25d");
	text_is(NULL, "2026-12-10T09:00:00Z", "overdue: never run");
}

/* Status names as --json writes them. */
static void test_schedule_status_name(void **state)
{
	(void)state;
	assert_string_equal(schedule_status_name(SCHEDULE_OK), "ok");
	assert_string_equal(schedule_status_name(SCHEDULE_DUE_SOON), "due_soon");
	assert_string_equal(schedule_status_name(SCHEDULE_OVERDUE), "overdue");
	assert_string_equal(schedule_status_name((enum schedule_status)7), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schedule_due_next),
	    cmocka_unit_test(test_schedule_due_compute),
	    cmocka_unit_test(test_schedule_due_edges),
	    cmocka_unit_test(test_schedule_due_text),
	    cmocka_unit_test(test_schedule_status_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
