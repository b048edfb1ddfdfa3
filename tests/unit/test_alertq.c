/*
 * Tests of core/alertq.c, the on_event queue on its own thread: events reach
 * the command in order; a command that hangs blocks neither alertq_push nor,
 * beyond its timeout and the grace, alertq_stop; a failing command is
 * counted as failed; more than ALERTQ_MAX events waiting behind a command
 * that hangs drop the oldest, counted. Each test works in its own mkdtemp
 * folder.
 */
#include "config.h"

#include <time.h>

#include "unit.h"

#include "alertq.h"
#include "clock.h"
#include "scratch_fixture.h"

/* Sleeps ms milliseconds. */
static void nap(int64_t ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* Reads a whole file into a string (NULL when it cannot be read). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - 1 - n, fp)) > 0)
		n += got;
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Waits up to 10 s until sent + failed reach want; fails the test otherwise. */
static void wait_done(struct alertq *q, uint64_t want)
{
	uint64_t sent, failed, dropped;
	int64_t until = clock_mono_ms() + 10000;
	do {
		alertq_counts(q, &sent, &failed, &dropped);
		if (sent + failed >= want)
			return;
		nap(20);
	} while (clock_left_ms(until) > 0);
	fail_msg("only %llu of %llu events handled", (unsigned long long)(sent + failed),
	         (unsigned long long)want);
}

/* Waits up to 10 s until the file at path holds needle; fails the test otherwise. */
static void wait_file_has(const char *path, const char *needle)
{
	int64_t until = clock_mono_ms() + 10000;
	do {
		char *text = slurp(path);
		int hit = text != NULL && strstr(text, needle) != NULL;
		free(text);
		if (hit)
			return;
		nap(20);
	} while (clock_left_ms(until) > 0);
	fail_msg("%s never held %s", path, needle);
}

/* Without a command there is no queue, and using it does nothing. */
static void test_alertq_none(void **state)
{
	(void)state;
	struct alertq *q = alertq_start(NULL, 1000);
	assert_null(q);
	alertq_push(q, "{}");
	uint64_t sent = 9, failed = 9, dropped = 9;
	alertq_counts(q, &sent, &failed, &dropped);
	assert_true(sent == 0 && failed == 0 && dropped == 0);
	alertq_stop(q, 1000);
}

/* Events reach the command one by one, in the order pushed, each whole. */
static void test_alertq_order(void **state)
{
	char *out = xasprintf("%s/events", (char *)*state);
	char *cmd = xasprintf("cat >> '%s'", out);
	struct alertq *q = alertq_start(cmd, 5000);
	assert_non_null(q);
	char want[1024] = "";
	for (int i = 0; i < 10; i++) {
		char ev[64];
		snprintf(ev, sizeof ev, "{\"event\":\"e%d\",\"seq\":%d}\n", i, i);
		alertq_push(q, ev);
		strcat(want, ev);
	}
	wait_done(q, 10);
	uint64_t sent, failed, dropped;
	alertq_counts(q, &sent, &failed, &dropped);
	assert_int_equal(sent, 10);
	assert_int_equal(failed, 0);
	assert_int_equal(dropped, 0);
	alertq_stop(q, 1000);
	char *got = slurp(out);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(cmd);
	free(out);
}

/* A command that hangs blocks neither a push nor, beyond its timeout and the grace, the stop. */
static void test_alertq_hang(void **state)
{
	(void)state;
	struct alertq *q = alertq_start("sleep 30", 500);
	assert_non_null(q);
	int64_t t0 = clock_mono_ms();
	alertq_push(q, "{\"event\":\"first\"}");
	nap(100); /* the sender is inside the first send now */
	int64_t t1 = clock_mono_ms();
	for (int i = 0; i < 5; i++)
		alertq_push(q, "{\"event\":\"more\"}");
	int64_t pushed = clock_mono_ms() - t1;
	print_message("# 5 pushes behind a hanging command took %lld ms\n", (long long)pushed);
	assert_true(pushed < 250);
	uint64_t sent, failed, dropped;
	alertq_counts(q, &sent, &failed, &dropped);
	assert_int_equal(sent + failed, 0); /* the first send is still under way */
	int64_t t2 = clock_mono_ms();
	alertq_stop(q, 300);
	int64_t stopped = clock_mono_ms() - t2, total = clock_mono_ms() - t0;
	print_message("# stop took %lld ms (%lld ms since the first push)\n", (long long)stopped,
	              (long long)total);
	/* the grace, then the send under way stopped at its timeout: 500 + 300 + slack */
	assert_true(stopped >= 300);
	assert_true(stopped < 500 + 300 + 700);
}

/* A failing command counts as failed, a succeeding one as sent. */
static void test_alertq_failed(void **state)
{
	(void)state;
	struct alertq *q = alertq_start("grep -q good || exit 3", 5000);
	assert_non_null(q);
	alertq_push(q, "{\"event\":\"bad\"}");
	alertq_push(q, "{\"event\":\"good\"}");
	alertq_push(q, "{\"event\":\"bad again\"}");
	wait_done(q, 3);
	uint64_t sent, failed, dropped;
	alertq_counts(q, &sent, &failed, &dropped);
	assert_int_equal(sent, 1);
	assert_int_equal(failed, 2);
	assert_int_equal(dropped, 0);
	alertq_stop(q, 1000);
	/* a command that times out is a failure too */
	q = alertq_start("sleep 30", 300);
	alertq_push(q, "{}");
	wait_done(q, 1);
	alertq_counts(q, &sent, &failed, &dropped);
	assert_int_equal(sent, 0);
	assert_int_equal(failed, 1);
	alertq_stop(q, 1000);
}

/* Beyond ALERTQ_MAX events waiting behind a hanging command, the oldest are dropped. */
static void test_alertq_overflow(void **state)
{
	char *out = xasprintf("%s/events", (char *)*state);
	char *go = xasprintf("%s/go", (char *)*state);
	/* each send appends its event, then waits until go exists */
	char *cmd = xasprintf("cat >> '%s'; while [ ! -e '%s' ]; do sleep 0.05; done", out, go);
	struct alertq *q = alertq_start(cmd, 20000);
	assert_non_null(q);
	alertq_push(q, "e0\n");
	wait_file_has(out, "e0\n"); /* taken: the sender hangs in it */
	int64_t t0 = clock_mono_ms();
	for (int i = 1; i <= ALERTQ_MAX + 5; i++) {
		char ev[16];
		snprintf(ev, sizeof ev, "e%d\n", i);
		alertq_push(q, ev);
	}
	assert_true(clock_mono_ms() - t0 < 250);
	uint64_t sent, failed, dropped;
	alertq_counts(q, &sent, &failed, &dropped);
	assert_int_equal(dropped, 5);
	assert_int_equal(sent + failed, 0);
	FILE *fp = fopen(go, "w");
	assert_non_null(fp);
	fclose(fp);
	wait_done(q, 1 + ALERTQ_MAX);
	alertq_counts(q, &sent, &failed, &dropped);
	assert_int_equal(sent, 1 + ALERTQ_MAX);
	assert_int_equal(failed, 0);
	assert_int_equal(dropped, 5);
	alertq_stop(q, 1000);
	/* e1 to e5 were the oldest waiting: dropped; e0 and e6 on arrived in order */
	char want[2048] = "e0\n";
	for (int i = 6; i <= ALERTQ_MAX + 5; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "e%d\n", i);
	char *got = slurp(out);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(cmd);
	free(go);
	free(out);
}

/* Events still waiting when the grace runs out are dropped; the stop does not wait for them. */
static void test_alertq_stop_drops(void **state)
{
	char *out = xasprintf("%s/events", (char *)*state);
	char *cmd = xasprintf("cat >> '%s'; sleep 0.4", out);
	struct alertq *q = alertq_start(cmd, 5000);
	assert_non_null(q);
	for (int i = 0; i < 10; i++)
		alertq_push(q, "e\n");
	int64_t t0 = clock_mono_ms();
	alertq_stop(q, 500);
	int64_t took = clock_mono_ms() - t0;
	print_message("# stop with 10 slow events and 500 ms of grace took %lld ms\n",
	              (long long)took);
	/* the grace, and at most the one send under way (0.4 s) */
	assert_true(took >= 500 && took < 500 + 400 + 500);
	char *got = slurp(out);
	assert_non_null(got);
	size_t lines = 0;
	for (const char *p = got; *p; p++)
		lines += *p == '\n';
	assert_true(lines >= 1 && lines < 10);
	free(got);
	free(cmd);
	free(out);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alertq_none),
	    cmocka_unit_test_setup_teardown(test_alertq_order, scratch_make, scratch_teardown),
	    cmocka_unit_test(test_alertq_hang),
	    cmocka_unit_test(test_alertq_failed),
	    cmocka_unit_test_setup_teardown(test_alertq_overflow, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_alertq_stop_drops, scratch_make,
	                                    scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
