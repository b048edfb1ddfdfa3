/*
 * Tests of core/schedule_json.c: the object schedule --json prints, read back
 * with jansson: its stable keys in order, each test's frequency and duration
 * as written and in English, its last run, next due date, status and
 * seconds left; null where a test never ran; the damaged journals named; and
 * the object of an error (overall unknown, exit_code 3, no tests).
 */
#include "config.h"

#include "unit.h"

#include <jansson.h>

#include "schedule_fixture.h"
#include "schedule_json.h"

/* Parses rendered text, failing the test when it is not one JSON object; frees text. */
static json_t *parse(char *text)
{
	json_error_t e;
	json_t *root = json_loads(text, 0, &e);
	if (!json_is_object(root))
		fail_msg("not a JSON object (%s): %s", e.text, text);
	free(text);
	return root;
}

/* Fails unless the keys of o are exactly those, in that order. */
static void keys_are(json_t *o, const char *const *keys, size_t n)
{
	const char *key;
	json_t *v;
	size_t i = 0;
	json_object_foreach(o, key, v)
	{
		if (i >= n || strcmp(key, keys[i]) != 0)
			fail_msg("key %zu is '%s', expected '%s'", i, key,
			         i < n ? keys[i] : "none");
		i++;
	}
	assert_int_equal(i, n);
}

/* Returns the string at key of o ("" when it is not a string). */
static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

/* The seed's schedule: one overdue, one due soon, one never run; keys and values. */
static void test_schedule_json_render(void **state)
{
	(void)state;
	static const char *const top_keys[] = {"time",     "overall",  "exit_code", "error",
	                                       "schedule", "runs_dir", "damaged",   "tests"};
	static const char *const test_keys[] = {
	    "name",         "frequency", "frequency_en", "duration", "duration_s",
	    "participants", "last_run",  "next_due",     "status",   "due_in_s"};
	struct schedule_set set;
	char *file = seed_schedule(&set);
	struct schedule_done done[] = {
	    {(char *)"전체 시스템 페일오버 테스트", (char *)"20260801T090000Z-1", (char *)"drill",
	     at("2026-08-01T13:00:00Z")},
	    {(char *)"데이터 복구 테스트", (char *)"20261101T100000Z-1", NULL,
	     at("2026-11-01T12:00:00Z")},
	};
	char *damaged[] = {(char *)"20261120T100000Z-1"};
	struct schedule_runs runs = {
	    .dir = (char *)"/state/runs", .damaged = damaged, .n_damaged = 1};
	int64_t now = at("2026-11-27T06:15:00Z");
	struct schedule_due due[3];
	schedule_due_compute(&set, done, 2, now, due);
	json_t *root = parse(schedule_json_render(&set, due, &runs, now));

	keys_are(root, top_keys, 8);
	assert_string_equal(str(root, "time"), "2026-11-27T06:15:00.000Z");
	assert_string_equal(str(root, "overall"), "overdue");
	assert_int_equal(json_integer_value(json_object_get(root, "exit_code")), 1);
	assert_true(json_is_null(json_object_get(root, "error")));
	assert_string_equal(str(root, "schedule"), file);
	assert_string_equal(str(root, "runs_dir"), "/state/runs");
	json_t *list = json_object_get(root, "damaged");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_array_get(list, 0)), "20261120T100000Z-1");
	json_t *tests = json_object_get(root, "tests");
	assert_int_equal(json_array_size(tests), 3);

	json_t *t = json_array_get(tests, 0);
	keys_are(t, test_keys, 10);
	assert_string_equal(str(t, "name"), "전체 시스템 페일오버 테스트");
	assert_string_equal(str(t, "frequency"), "분기별");
	assert_string_equal(str(t, "frequency_en"), "quarterly");
	assert_string_equal(str(t, "duration"), "4시간");
	assert_int_equal(json_integer_value(json_object_get(t, "duration_s")), 4 * 3600);
	json_t *people = json_object_get(t, "participants");
	assert_int_equal(json_array_size(people), 3);
	assert_string_equal(json_string_value(json_array_get(people, 2)), "인프라팀");
	json_t *last = json_object_get(t, "last_run");
	assert_string_equal(str(last, "id"), "20260801T090000Z-1");
	assert_string_equal(str(last, "finished"), "2026-08-01T13:00:00.000Z");
	assert_string_equal(str(last, "mode"), "drill");
	assert_string_equal(str(t, "next_due"), "2026-11-01T13:00:00.000Z");
	assert_string_equal(str(t, "status"), "overdue");
	assert_int_equal(json_integer_value(json_object_get(t, "due_in_s")),
	                 -(25 * 86400 + 17 * 3600 + 15 * 60));

	t = json_array_get(tests, 1);
	assert_string_equal(str(t, "frequency"), "월별");
	assert_string_equal(str(t, "frequency_en"), "monthly");
	assert_true(json_is_null(json_object_get(json_object_get(t, "last_run"), "mode")));
	assert_string_equal(str(t, "next_due"), "2026-12-01T12:00:00.000Z");
	assert_string_equal(str(t, "status"), "due_soon");
	assert_int_equal(json_integer_value(json_object_get(t, "due_in_s")),
	                 4 * 86400 + 5 * 3600 + 45 * 60);

	t = json_array_get(tests, 2); /* never run */
	assert_string_equal(str(t, "name"), "부분 장애 복구 테스트");
	assert_true(json_is_null(json_object_get(t, "last_run")));
	assert_true(json_is_null(json_object_get(t, "next_due")));
	assert_true(json_is_null(json_object_get(t, "due_in_s")));
	assert_string_equal(str(t, "status"), "overdue");

	json_decref(root);
	schedule_free(&set);
	free(file);
}

/* All within schedule: overall ok or due_soon, exit_code 0; no duration written: null. */
static void test_schedule_json_within(void **state)
{
	(void)state;
	struct schedule_test t = {
	    .name = (char *)"data", .frequency = FREQ_WEEKLY, .frequency_word = (char *)"Weekly"};
	struct schedule_set set = {.file = (char *)"s.yml", .items = &t, .n = 1};
	struct schedule_done done = {(char *)"data", (char *)"r", NULL, at("2026-11-25T00:00:00Z")};
	struct schedule_runs runs = {.dir = (char *)"/s/runs"};
	struct schedule_due due;
	int64_t now = at("2026-11-27T00:00:00Z");
	schedule_due_compute(&set, &done, 1, now, &due);
	json_t *root = parse(schedule_json_render(&set, &due, &runs, now));
	assert_string_equal(str(root, "overall"), "due_soon");
	assert_int_equal(json_integer_value(json_object_get(root, "exit_code")), 0);
	assert_int_equal(json_array_size(json_object_get(root, "damaged")), 0);
	json_t *j = json_array_get(json_object_get(root, "tests"), 0);
	assert_string_equal(str(j, "frequency"), "Weekly");
	assert_string_equal(str(j, "frequency_en"), "weekly");
	assert_true(json_is_null(json_object_get(j, "duration")));
	assert_true(json_is_null(json_object_get(j, "duration_s")));
	assert_int_equal(json_array_size(json_object_get(j, "participants")), 0);
	json_decref(root);

	done.at_ms = at("2026-11-01T00:00:00Z");
	now = at("2026-11-02T00:00:00Z");
	t.frequency = FREQ_MONTHLY;
	schedule_due_compute(&set, &done, 1, now, &due);
	root = parse(schedule_json_render(&set, &due, &runs, now));
	assert_string_equal(str(root, "overall"), "ok");
	assert_int_equal(json_integer_value(json_object_get(root, "exit_code")), 0);
	json_decref(root);
}

/* An error: overall unknown, exit_code 3, the message, no tests. */
static void test_schedule_json_error(void **state)
{
	(void)state;
	json_t *root = parse(schedule_json_render_error("cannot read /s/runs: Permission denied",
	                                                at("2026-11-27T06:15:00Z")));
	assert_string_equal(str(root, "overall"), "unknown");
	assert_int_equal(json_integer_value(json_object_get(root, "exit_code")), 3);
	assert_string_equal(str(root, "error"), "cannot read /s/runs: Permission denied");
	assert_true(json_is_null(json_object_get(root, "schedule")));
	assert_true(json_is_null(json_object_get(root, "runs_dir")));
	assert_int_equal(json_array_size(json_object_get(root, "tests")), 0);
	assert_string_equal(str(root, "time"), "2026-11-27T06:15:00.000Z");
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schedule_json_render),
	    cmocka_unit_test(test_schedule_json_within),
	    cmocka_unit_test(test_schedule_json_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
