/*
 * Tests of core/watchnote.c: stamps parsed (with and without milliseconds,
 * malformed ones refused), ages in one unit, and the watcher's words at the
 * widths the header offers: the longest that fits, how it is drawn (a
 * watcher that stopped is a warning only when it was seen running, an
 * overdue check or a state other than watching too), nothing when nothing fits.
 */
#include "config.h"

#include "unit.h"

#include "watchnote.h"

#define CHECKED "2026-11-27T06:05:01.000Z"
#define NOW     (1795759501000LL + 3000) /* 3 s after CHECKED */

/* A watcher that runs, in automatic mode, last checked at CHECKED. */
static struct watchstate running(void)
{
	struct watchstate ws = {
	    .present = 1, .running = 1, .pid = 4242, .check_interval_ms = 30000};
	snprintf(ws.mode, sizeof ws.mode, "automatic");
	snprintf(ws.state, sizeof ws.state, "watching");
	snprintf(ws.since, sizeof ws.since, "2026-11-27T06:00:00.000Z");
	snprintf(ws.last_check, sizeof ws.last_check, CHECKED);
	return ws;
}

/* Stamps: milliseconds or none, Z only; anything else refused. */
static void test_stamp(void **state)
{
	(void)state;
	int64_t ms = 0;
	assert_int_equal(watchnote_stamp_ms(CHECKED, &ms), 0);
	assert_int_equal(ms, 1795759501000LL);
	assert_int_equal(watchnote_stamp_ms("2026-11-27T06:05:01.250Z", &ms), 0);
	assert_int_equal(ms, 1795759501250LL);
	assert_int_equal(watchnote_stamp_ms("2026-11-27T06:05:01Z", &ms), 0);
	assert_int_equal(ms, 1795759501000LL);
	static const char *const bad[] = {"",
	                                  "2026-11-27",
	                                  "2026-11-27T06:05:01",
	                                  "2026-11-27T06:05:01+09:00",
	                                  "2026-13-27T06:05:01Z",
	                                  "2026-11-27T06:05:01.5Z",
	                                  "2026-11-27T06:05:01.000Zx"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (watchnote_stamp_ms(bad[i], &ms) != -1)
			fail_msg("'%s' taken for a stamp", bad[i]);
	assert_int_equal(watchnote_stamp_ms(NULL, &ms), -1);
}

/* Ages: one unit, rounded down; a clock ahead gives 0s. */
static void test_age(void **state)
{
	(void)state;
	char buf[16];
	static const struct {
		int64_t ms;
		const char *want;
	} cases[] = {{-5000, "0s"},     {0, "0s"},        {59999, "59s"},
	             {60000, "1m"},     {3599999, "59m"}, {3600000, "1h"},
	             {86399999, "23h"}, {86400000, "1d"}, {9 * 86400000LL, "9d"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		watchnote_age(cases[i].ms, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
}

/* A running watcher: the longest wording that fits, down to "watch". */
static void test_running_widths(void **state)
{
	(void)state;
	struct watchstate ws = running();
	char out[96];
	static const struct {
		int cols;
		const char *want;
	} cases[] = {{80, "watch: automatic, checked 3s ago"},
	             {32, "watch: automatic, checked 3s ago"},
	             {31, "watch: automatic, 3s ago"},
	             {13, "watch 3s ago"},
	             {12, "watch 3s ago"},
	             {11, "watch"},
	             {5, "watch"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(watchnote_text(&ws, 1, NOW, cases[i].cols, out, sizeof out),
		                 WATCHNOTE_OK);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(watchnote_text(&ws, 1, NOW, 4, out, sizeof out), WATCHNOTE_NONE);
	assert_string_equal(out, "");
}

/* A watcher in another state than watching says it, as a warning. */
static void test_running_busy(void **state)
{
	(void)state;
	struct watchstate ws = running();
	char out[96];
	snprintf(ws.state, sizeof ws.state, "suspected");
	assert_int_equal(watchnote_text(&ws, 1, NOW, 80, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch: automatic, suspected, checked 3s ago");
	assert_int_equal(watchnote_text(&ws, 1, NOW, 24, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch: suspected 3s ago");
	assert_int_equal(watchnote_text(&ws, 1, NOW, 16, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch: suspected");
}

/* A check overdue (two intervals and 10 s) is a warning; one on time is not. */
static void test_running_overdue(void **state)
{
	(void)state;
	struct watchstate ws = running();
	char out[96];
	assert_int_equal(watchnote_text(&ws, 1, NOW - 3000 + 70000, 80, out, sizeof out),
	                 WATCHNOTE_OK);
	assert_int_equal(watchnote_text(&ws, 1, NOW - 3000 + 70001, 80, out, sizeof out),
	                 WATCHNOTE_WARN);
	assert_string_equal(out, "watch: automatic, checked 1m ago");
	ws.last_check[0] = '\0'; /* none yet: counted from its start */
	assert_int_equal(watchnote_text(&ws, 1, NOW, 80, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch: automatic, no check yet");
	ws.present = 0; /* the lock taken, no status written yet */
	assert_int_equal(watchnote_text(&ws, 1, NOW, 80, out, sizeof out), WATCHNOTE_OK);
	assert_string_equal(out, "watch: starting");
}

/* Stopped: amber once seen running by this console, dim otherwise; none; unreadable. */
static void test_not_running(void **state)
{
	(void)state;
	struct watchstate ws = running();
	char out[96];
	ws.running = 0;
	assert_int_equal(watchnote_text(&ws, 1, NOW, 80, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watcher stopped");
	assert_int_equal(watchnote_text(&ws, 0, NOW, 80, out, sizeof out), WATCHNOTE_DIM);
	assert_int_equal(watchnote_text(&ws, 1, NOW, 13, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch stopped");
	assert_int_equal(watchnote_text(&ws, 1, NOW, 12, out, sizeof out), WATCHNOTE_NONE);
	struct watchstate none = {0};
	assert_int_equal(watchnote_text(&none, 0, NOW, 80, out, sizeof out), WATCHNOTE_DIM);
	assert_string_equal(out, "watch: none");
	assert_int_equal(watchnote_text(NULL, 0, NOW, 80, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch: unreadable");
	assert_int_equal(watchnote_text(NULL, 0, NOW, 8, out, sizeof out), WATCHNOTE_WARN);
	assert_string_equal(out, "watch: ?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stamp),           cmocka_unit_test(test_age),
	    cmocka_unit_test(test_running_widths),  cmocka_unit_test(test_running_busy),
	    cmocka_unit_test(test_running_overdue), cmocka_unit_test(test_not_running),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
