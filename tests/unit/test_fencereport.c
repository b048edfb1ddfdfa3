/*
 * Tests of core/fencereport.c: the exit code (0 none, 1 armed, 3 unknown),
 * the JSON report parsed back (every key, nulls where nothing is known),
 * and the text report's lines for people.
 */
#include "config.h"

#include <jansson.h>

#include "unit.h"

#include "fencereport.h"

/* A fence of datacenter-1, armed by a console. */
static struct fencestate armed(void)
{
	struct fencestate fs = {.present = 1, .armed = 1, .history = 2};
	snprintf(fs.site, sizeof fs.site, "datacenter-1");
	snprintf(fs.arm.at, sizeof fs.arm.at, "2026-11-27T06:04:11.123Z");
	snprintf(fs.arm.by.actor, sizeof fs.arm.by.actor, FENCESTATE_CONSOLE);
	snprintf(fs.arm.by.operator, sizeof fs.arm.by.operator, "kim");
	snprintf(fs.arm.by.host, sizeof fs.arm.by.host, "jump1");
	snprintf(fs.arm.by.run, sizeof fs.arm.by.run, "20261127T060000Z-1");
	fs.arm.by.pid = 4242;
	snprintf(fs.arm.reason, sizeof fs.arm.reason, "datacenter-2 was promoted");
	return fs;
}

/* Parses the JSON report of fs (or error) back, failing unless it is JSON. */
static json_t *report(const struct fencestate *fs, const char *error)
{
	char *text = fencereport_json(fs, error);
	json_t *o = json_loads(text, 0, NULL);
	if (o == NULL)
		fail_msg("not JSON:\n%s", text);
	free(text);
	return o;
}

/* Fails unless o equals the JSON text want. */
static void expect_json(json_t *o, const char *want)
{
	json_t *w = json_loads(want, 0, NULL);
	assert_non_null(w);
	if (!json_equal(o, w)) {
		char *got = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("got %s", got);
	}
	json_decref(w);
}

/* Monitoring-plugin exit codes. */
static void test_exit(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	assert_int_equal(fencereport_exit(&fs, NULL), 1);
	fs.armed = 0;
	assert_int_equal(fencereport_exit(&fs, NULL), 0);
	struct fencestate none = {0};
	assert_int_equal(fencereport_exit(&none, NULL), 0);
	assert_int_equal(fencereport_exit(&fs, "damaged"), 3);
	assert_int_equal(fencereport_exit(NULL, NULL), 3);
}

/* Armed: the whole object. */
static void test_json_armed(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	json_t *o = report(&fs, NULL);
	expect_json(o, "{\"armed\": true, \"site\": \"datacenter-1\", \"arm\": {\"at\": "
	               "\"2026-11-27T06:04:11.123Z\", \"by\": {\"actor\": \"console\", "
	               "\"operator\": \"kim\", \"host\": \"jump1\", \"pid\": 4242, \"run\": "
	               "\"20261127T060000Z-1\"}, \"reason\": \"datacenter-2 was promoted\"}, "
	               "\"disarm\": null, \"history\": 2, \"error\": null, \"exit_code\": 1}");
	json_decref(o);
}

/* Disarmed: the site kept, both marks; never armed: nulls; unreadable: armed null. */
static void test_json_other(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	fs.armed = 0;
	fs.disarmed = 1;
	fs.disarm = fs.arm;
	snprintf(fs.disarm.reason, sizeof fs.disarm.reason, "failback done");
	json_t *o = report(&fs, NULL);
	assert_true(json_is_false(json_object_get(o, "armed")));
	assert_string_equal(json_string_value(json_object_get(o, "site")), "datacenter-1");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "disarm"), "reason")),
	    "failback done");
	assert_int_equal(json_integer_value(json_object_get(o, "exit_code")), 0);
	json_decref(o);
	struct fencestate none = {0};
	o = report(&none, NULL);
	expect_json(o, "{\"armed\": false, \"site\": null, \"arm\": null, \"disarm\": null, "
	               "\"history\": 0, \"error\": null, \"exit_code\": 0}");
	json_decref(o);
	o = report(NULL, "fence.json:1:1: not JSON");
	expect_json(o,
	            "{\"armed\": null, \"site\": null, \"arm\": null, \"disarm\": null, "
	            "\"history\": 0, \"error\": \"fence.json:1:1: not JSON\", \"exit_code\": 3}");
	json_decref(o);
}

/* Returns what fencereport_print writes for fs (free it). */
static char *printed(const struct fencestate *fs, const char *error)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fencereport_print(fp, fs, error);
	fclose(fp);
	return buf;
}

/* The text: what holds first, then who and why, and how to disarm. */
static void test_print(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	char *t = printed(&fs, NULL);
	assert_non_null(strstr(t, "WARNING: fence kept for datacenter-1"));
	assert_non_null(strstr(t, "  armed     2026-11-27T06:04:11.123Z by console kim@jump1, "
	                          "pid 4242, run 20261127T060000Z-1\n"));
	assert_non_null(strstr(t, "datacenter-2 was promoted\n"));
	assert_non_null(strstr(t, "2 earlier fences"));
	assert_non_null(strstr(t, "drconsole fence --disarm datacenter-1\n"));
	free(t);
	fs.armed = 0;
	fs.disarmed = 1;
	fs.disarm = fs.arm;
	t = printed(&fs, NULL);
	assert_true(strncmp(t, "OK: no fence armed (the fence of datacenter-1 was disarmed)", 59) ==
	            0);
	assert_non_null(strstr(t, "  disarmed  "));
	assert_null(strstr(t, "--disarm"));
	free(t);
	struct fencestate none = {0};
	t = printed(&none, NULL);
	assert_string_equal(t, "OK: no fence kept (none was ever armed here)\n");
	free(t);
	t = printed(NULL, "damaged");
	assert_true(strncmp(t, "UNKNOWN: the fence state cannot be read: damaged\n", 49) == 0);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit),
	    cmocka_unit_test(test_json_armed),
	    cmocka_unit_test(test_json_other),
	    cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
