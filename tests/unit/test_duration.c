/* Tests of core/duration.c: every form the plan and the config use, and the bad ones. */
#include "config.h"

#include "unit.h"

#include "duration.h"

/* Parses s and returns milliseconds, failing the test on an error. */
static int64_t parse_ok(const char *s)
{
	int64_t ms = -1;
	char err[256];
	int rc = duration_parse(s, &ms, err, sizeof err);
	if (rc != 0)
		fail_msg("'%s' did not parse: %s", s, err);
	return ms;
}

/* Returns the error message for s, failing the test if it parses. */
static void parse_bad(const char *s, const char *needle)
{
	int64_t ms = 12345;
	char err[256] = "";
	assert_int_equal(duration_parse(s, &ms, err, sizeof err), -1);
	assert_int_equal(ms, 12345);
	if (strstr(err, needle) == NULL)
		fail_msg("error for '%s' is '%s', expected it to mention '%s'", s, err, needle);
}

/* The forms written in the plan, the design and the issue. */
static void test_duration_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("300"), 300000);
	assert_int_equal(parse_ok("90s"), 90000);
	assert_int_equal(parse_ok("15m"), 900000);
	assert_int_equal(parse_ok("1h30m"), 5400000);
	assert_int_equal(parse_ok("15분"), 900000);
	assert_int_equal(parse_ok("4시간"), 4 * 3600000);
	assert_int_equal(parse_ok("30초"), 30000);
	assert_int_equal(parse_ok("2시간 30분"), 9000000);
	assert_int_equal(parse_ok("250ms"), 250);
	assert_int_equal(parse_ok("1d 12h"), 36 * 3600000LL);
	assert_int_equal(parse_ok(" 26h "), 26 * 3600000LL);
	assert_int_equal(parse_ok("0"), 0);
}

/* Malformed durations are refused with a message saying why. */
static void test_duration_bad(void **state)
{
	(void)state;
	parse_bad("", "empty");
	parse_bad("   ", "empty");
	parse_bad("15x", "unknown unit");
	parse_bad("m15", "expected a number");
	parse_bad("-5m", "expected a number");
	parse_bad("1.5h", "unknown unit");
	parse_bad("30m1h", "largest first");
	parse_bad("1h1h", "largest first");
	parse_bad("15분 15분", "largest first");
	parse_bad("99999999999999999999", "too long");
	parse_bad("400d", "too long");
	parse_bad("5 minutes", "unknown unit");
	parse_bad("15분기", "unknown unit");
	parse_bad("1h30", "has no unit");
}

/* Formatting gives the compact form. */
static void test_duration_format(void **state)
{
	(void)state;
	struct {
		int64_t ms;
		const char *text;
	} cases[] = {{0, "0s"},         {250, "250ms"},    {90000, "1m30s"},
		     {5400000, "1h30m"}, {86400000, "1d"}, {-1, "-"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = duration_format(cases[i].ms);
		assert_string_equal(s, cases[i].text);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_forms),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_duration_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
