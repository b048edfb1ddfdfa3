/*
 * Tests of core/hotwash.c: due dates that are real days pass and the rest
 * (a wrong shape, February 30, a non-leap February 29, month 13) are
 * refused; "what / owner / due" splits at its last two slashes and trims
 * each field, and a missing field or a bad date is refused with a message;
 * the record carries the lists the report reads, and a skipped hot wash
 * says so with empty lists.
 */
#include "config.h"

#include "unit.h"

#include "hotwash.h"

/* Real days pass; anything else is refused. */
static void test_hotwash_due(void **state)
{
	(void)state;
	assert_int_equal(hotwash_due_check("2026-12-31"), 0);
	assert_int_equal(hotwash_due_check("2028-02-29"), 0);
	assert_int_equal(hotwash_due_check("2027-02-29"), -1);
	assert_int_equal(hotwash_due_check("2026-02-30"), -1);
	assert_int_equal(hotwash_due_check("2026-13-01"), -1);
	assert_int_equal(hotwash_due_check("2026-00-10"), -1);
	assert_int_equal(hotwash_due_check("2026-04-00"), -1);
	assert_int_equal(hotwash_due_check("next week"), -1);
	assert_int_equal(hotwash_due_check("2026-1-01"), -1);
	assert_int_equal(hotwash_due_check("2026/01/01"), -1);
	assert_int_equal(hotwash_due_check("2026-01-01 "), -1);
	assert_int_equal(hotwash_due_check(""), -1);
	assert_int_equal(hotwash_due_check(NULL), -1);
}

/* The line splits at its last two slashes; the fields are trimmed. */
static void test_hotwash_parse(void **state)
{
	struct hotwash_action a;
	char *cause = NULL;
	(void)state;
	assert_int_equal(
	    hotwash_action_parse(" restore runbook for /backup  / DBA팀 /2026-12-15 ", &a, &cause),
	    0);
	assert_string_equal(a.what, "restore runbook for /backup");
	assert_string_equal(a.owner, "DBA팀");
	assert_string_equal(a.due, "2026-12-15");
	hotwash_action_free(&a);
	assert_null(a.what);
}

/* A bad date, a missing field, no slashes: refused with what is wrong. */
static void test_hotwash_parse_bad(void **state)
{
	struct hotwash_action a;
	char *cause = NULL;
	(void)state;
	assert_int_equal(hotwash_action_parse("fix it / ops / tomorrow", &a, &cause), -1);
	assert_string_equal(cause, "the due date 'tomorrow' is not a date: write YYYY-MM-DD");
	assert_null(a.what);
	free(cause);
	assert_int_equal(hotwash_action_parse("fix it / ops / 2026-02-30", &a, &cause), -1);
	assert_non_null(strstr(cause, "'2026-02-30' is not a date"));
	free(cause);
	assert_int_equal(hotwash_action_parse("fix it /  / 2026-12-01", &a, &cause), -1);
	assert_string_equal(cause, "the action needs an owner");
	free(cause);
	assert_int_equal(hotwash_action_parse(" / ops / 2026-12-01", &a, &cause), -1);
	assert_string_equal(cause, "the action needs a what");
	free(cause);
	assert_int_equal(hotwash_action_parse("fix it / 2026-12-01", &a, &cause), -1);
	assert_non_null(strstr(cause, "what / owner / due"));
	free(cause);
}

/* The record holds one-string lists and the action; empty answers give empty lists. */
static void test_hotwash_record(void **state)
{
	struct hotwash_action a = {(char *)"drill the restore", (char *)"인프라팀",
	                           (char *)"2026-12-20"};
	(void)state;
	json_t *o = hotwash_record("fast fence", "", &a);
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "went_well"), 0)),
	                    "fast fence");
	assert_int_equal(json_array_size(json_object_get(o, "went_badly")), 0);
	json_t *act = json_array_get(json_object_get(o, "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(act, "what")), "drill the restore");
	assert_string_equal(json_string_value(json_object_get(act, "owner")), "인프라팀");
	assert_string_equal(json_string_value(json_object_get(act, "due")), "2026-12-20");
	assert_null(json_object_get(o, "skipped"));
	json_decref(o);
	o = hotwash_skipped();
	assert_true(json_is_true(json_object_get(o, "skipped")));
	assert_int_equal(json_array_size(json_object_get(o, "actions")), 0);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hotwash_due),
	    cmocka_unit_test(test_hotwash_parse),
	    cmocka_unit_test(test_hotwash_parse_bad),
	    cmocka_unit_test(test_hotwash_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
