/*
 * Tests of core/alert.c: the event command gets the event's JSON whole on its
 * stdin (a large one too), a failing command's status and last stderr line
 * come back as the cause, and a command that hangs, even one ignoring
 * SIGTERM or leaving a child behind, is stopped within the timeout.
 */
#include "config.h"

#include <sys/stat.h>

#include "unit.h"

#include "alert.h"
#include "clock.h"

/* Reads a whole file into a string (NULL when it cannot be read). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - 1 - n, fp)) > 0)
		n += got;
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Sends json to a command copying its stdin into a file; returns what the file holds. */
static char *send_copy(const char *json)
{
	char dir[] = "/tmp/drconsole-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *out = xasprintf("%s/event.json", dir);
	char *cmd = xasprintf("cat > '%s'", out);
	char *cause = NULL;
	int rc = alert_send(cmd, json, 5000, &cause);
	if (rc != 0)
		fail_msg("alert_send: %s", cause);
	assert_null(cause);
	char *got = slurp(out);
	assert_non_null(got);
	unlink(out);
	rmdir(dir);
	free(cmd);
	free(out);
	return got;
}

/* The JSON arrives whole on stdin, small or larger than a default pipe holds. */
static void test_alert_stdin(void **state)
{
	(void)state;
	const char *json = "{\"event\":\"failover_started\",\"site\":\"datacenter-1\"}\n";
	char *got = send_copy(json);
	assert_string_equal(got, json);
	free(got);

	size_t len = 200 * 1024;
	char *big = xmalloc(len + 1);
	memset(big, 'x', len);
	memcpy(big, "{\"pad\":\"", 8);
	memcpy(big + len - 3, "\"}\n", 3);
	big[len] = '\0';
	got = send_copy(big);
	assert_int_equal(strlen(got), len);
	assert_string_equal(got, big);
	free(got);
	free(big);
}

/* A command that does not read its stdin, and says nothing, succeeds. */
static void test_alert_ignores_stdin(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_int_equal(alert_send("true", "{}", 5000, &cause), 0);
	assert_null(cause);
	assert_int_equal(alert_send("echo chatter; echo more >&2", "{}", 5000, &cause), 0);
	assert_null(cause);
}

/* A non-zero exit is a failure, with its status and the last line of stderr. */
static void test_alert_failure(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_int_equal(alert_send("echo first >&2; echo 'webhook refused: 503' >&2; exit 7", "{}",
	                            5000, &cause),
	                 -1);
	assert_string_equal(cause, "the event command exited with status 7: webhook refused: 503");
	free(cause);
	cause = NULL;
	assert_int_equal(alert_send("exit 1", "{}", 5000, &cause), -1);
	assert_string_equal(cause, "the event command exited with status 1");
	free(cause);
	cause = NULL;
	assert_int_equal(alert_send("kill -KILL $$", "{}", 5000, &cause), -1);
	assert_non_null(strstr(cause, "the event command was killed by "));
	free(cause);
}

/* A hanging command is stopped, its group with it, within the timeout. */
static void test_alert_hang(void **state)
{
	(void)state;
	static const char *const cmds[] = {
	    "sleep 30",
	    "trap '' TERM; sleep 30 & wait; wait", /* ignores SIGTERM: SIGKILL at the deadline */
	    "(sleep 30 &); sleep 30",              /* a child holding the pipes */
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char *cause = NULL;
		int64_t t0 = clock_mono_ms();
		int rc = alert_send(cmds[i], "{}", 800, &cause);
		int64_t took = clock_mono_ms() - t0;
		print_message("# '%s': returned after %lld ms\n", cmds[i], (long long)took);
		assert_int_equal(rc, -1);
		assert_string_equal(
		    cause, "the event command did not finish within 0.8 s and was stopped");
		assert_true(took >= 500 && took < 1000);
		free(cause);
	}
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alert_stdin),
	    cmocka_unit_test(test_alert_ignores_stdin),
	    cmocka_unit_test(test_alert_failure),
	    cmocka_unit_test(test_alert_hang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
