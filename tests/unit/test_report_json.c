/*
 * Tests of core/report_json.c, the report for tools: every stable key is
 * there (drconsole(1) lists them), with the model's figures; an unknown
 * figure is null, never 0; a run that did not end has a null end and no
 * RTO; a damaged journal is not verified, whatever its records claim; a
 * drill's participants, injects and hot wash come through; hostile text
 * is dumped with its controls escaped.
 */
#include "config.h"

#include "unit.h"

#include "journal_fixture.h"
#include "report_fixture.h"
#include "utf8.h"

/* Returns the JSON report of the journal at path (a new reference). */
static json_t *render(const char *dir, const char *path)
{
	struct report rep;
	report_load(&rep, dir, path, &plant_cat);
	json_t *o = report_json(&rep);
	report_free(&rep);
	return o;
}

/* Returns the member at a path of keys and array indexes ("rto.met", "steps.1.state"). */
static json_t *at(json_t *o, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	for (char *k = strtok_r(copy, ".", &save); k != NULL && o != NULL;
	     k = strtok_r(NULL, ".", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	free(copy);
	if (o == NULL)
		fail_msg("no member %s", path);
	return o;
}

/* Fails unless the string member at path is want. */
static void text_is(json_t *o, const char *path, const char *want)
{
	json_t *v = at(o, path);
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), want);
}

/* Fails unless the integer member at path is want. */
static void int_is(json_t *o, const char *path, json_int_t want)
{
	json_t *v = at(o, path);
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), want);
}

/* Every stable key, and the finished failover's figures. */
static void test_keys(void **state)
{
	static const char *const keys[] = {"report_version",
	                                   "run",
	                                   "file",
	                                   "state",
	                                   "claimed_state",
	                                   "verified",
	                                   "journal",
	                                   "type",
	                                   "title",
	                                   "scenario",
	                                   "drill",
	                                   "schedule",
	                                   "actor",
	                                   "operators",
	                                   "participants",
	                                   "objectives",
	                                   "started",
	                                   "ended",
	                                   "last_record",
	                                   "result",
	                                   "reason",
	                                   "elapsed_ms",
	                                   "estimate_ms",
	                                   "estimate_source",
	                                   "steps",
	                                   "overrides",
	                                   "attestations",
	                                   "notes",
	                                   "fences",
	                                   "split_brain",
	                                   "timeline",
	                                   "issues",
	                                   "data_loss",
	                                   "rto",
	                                   "rpo",
	                                   "hotwash"};
	static const char *const step_keys[] = {
	    "step",    "action",      "title",       "state",       "became_current", "finished",
	    "step_ms", "estimate_ms", "duration_ms", "exit_status", "attempts",       "confirmed",
	    "command", "detail",      "output_tail", "stderr_tail", "promotion"};
	char *path = plant_finished(*state);
	json_t *o = render(*state, path);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_non_null(json_object_get(o, keys[i]));
	for (size_t i = 0; i < sizeof step_keys / sizeof step_keys[0]; i++)
		assert_non_null(json_object_get(at(o, "steps.1"), step_keys[i]));
	assert_int_equal(json_object_size(o), sizeof keys / sizeof keys[0]);
	int_is(o, "report_version", 1);
	text_is(o, "state", "finished");
	assert_true(json_is_true(at(o, "verified")));
	assert_int_equal(strlen(json_string_value(at(o, "journal.final_hash"))), 64);
	text_is(o, "journal.head.last_hash", json_string_value(at(o, "journal.final_hash")));
	int_is(o, "journal.records", 17);
	text_is(o, "type", "incident");
	text_is(o, "operators.0.origin", "10.0.0.5");
	int_is(o, "elapsed_ms", 176000);
	int_is(o, "estimate_ms", 900000);
	int_is(o, "steps.1.step_ms", 51500);
	int_is(o, "steps.1.estimate_ms", 180000);
	text_is(o, "steps.1.confirmed.by", "kim");
	text_is(o, "steps.1.confirmed.how", "typed");
	assert_true(json_is_null(at(o, "steps.1.confirmed.evidence")));
	text_is(o, "steps.1.command", "datacenter-2: (no command)");
	assert_true(json_is_true(at(o, "steps.1.promotion")));
	assert_true(json_is_null(at(o, "steps.0.confirmed")));
	int_is(o, "rto.achieved_ms", 53000);
	int_is(o, "rto.target_ms", 900000);
	assert_true(json_is_true(at(o, "rto.met")));
	int_is(o, "rpo.achieved_ms", 1000);
	int_is(o, "data_loss.bytes", 6144);
	assert_true(json_real_value(at(o, "data_loss.seconds")) == 1.0);
	assert_true(json_is_null(at(o, "hotwash")));
	json_decref(o);
	free(path);
}

/* A run that did not end: its end null, no RTO, its step running. */
static void test_unfinished(void **state)
{
	char *path = plant_open_run(*state, 0);
	json_t *o = render(*state, path);
	text_is(o, "state", "unfinished");
	assert_true(json_is_null(at(o, "ended")));
	assert_true(json_is_null(at(o, "result")));
	assert_true(json_is_null(at(o, "rto.achieved_ms")));
	assert_true(json_is_null(at(o, "rto.met")));
	text_is(o, "steps.1.state", "running");
	assert_true(json_is_null(at(o, "steps.1.finished")));
	assert_true(json_is_null(at(o, "data_loss.bytes")));
	assert_false(json_is_true(at(o, "journal.sealed")));
	json_decref(o);
	free(path);
}

/* A damaged journal: not verified, its problems listed, whatever its records claim. */
static void test_damaged(void **state)
{
	size_t len;
	char *path = plant_finished(*state);
	char *text = slurp(path, &len);
	char *cut = strstr(text, "\"type\":\"run_finished\"");
	cut = strchr(cut, '\n') + 1;
	spill(path, text, (size_t)(cut - text)); /* the seal removed */
	json_t *o = render(*state, path);
	text_is(o, "state", "damaged");
	text_is(o, "claimed_state", "finished");
	assert_true(json_is_false(at(o, "verified")));
	assert_true(json_is_false(at(o, "journal.verified")));
	assert_true(json_array_size(at(o, "journal.problems")) >= 1);
	assert_true(json_integer_value(at(o, "journal.errors")) >= 1);
	json_decref(o);
	free(text);
	free(path);
}

/* A drill: participants, objectives, targets, the inject, the hot wash. */
static void test_drill(void **state)
{
	char *path = plant_drill(*state);
	json_t *o = render(*state, path);
	text_is(o, "type", "drill");
	text_is(o, "drill", "전체 시스템 다운");
	assert_true(json_is_null(at(o, "scenario")));
	text_is(o, "participants.0.name", "김철수");
	text_is(o, "participants.1.role", "DBA");
	assert_true(json_is_null(at(o, "participants.2.role")));
	text_is(o, "objectives.0", "30분 안에 DR 사이트로 전환");
	int_is(o, "rto.target_ms", 1800000);
	int_is(o, "rpo.target_ms", 0);
	text_is(o, "notes.0.type", "inject");
	text_is(o, "notes.0.by", "김철수");
	text_is(o, "hotwash.went_well.0", "전환 절차가 문서대로 동작");
	text_is(o, "hotwash.actions.0.owner", "인프라팀");
	assert_true(json_is_null(at(o, "hotwash.actions.1.owner")));
	text_is(o, "steps.1.confirmed.how", "marked done");
	json_decref(o);
	free(path);
}

/* Hostile text keeps its value, escaped: nothing raw reaches a terminal. */
static void test_hostile(void **state)
{
	char *path;
	struct journal *j = plant_open(*state, &path);
	plant_start(j, 0);
	plant(j, 1000, JOURNAL_NOTE, json_pack("{s:s}", "text", "\x1b]0;owned\x07\xe2\x80\xae"));
	journal_close(j);
	json_t *o = render(*state, path);
	text_is(o, "notes.0.what", "\x1b]0;owned\x07\xe2\x80\xae");
	char *text = utf8_json_dumps(o, JSON_INDENT(2));
	assert_non_null(strstr(text, "\\u001B]0;owned\\u0007\\u202e"));
	for (const char *p = text; *p; p++)
		assert_false((unsigned char)*p < 0x20 && *p != '\n');
	free(text);
	json_decref(o);
	free(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_keys), T(test_unfinished), T(test_damaged), T(test_drill), T(test_hostile),
	};
#undef T
	return cmocka_run_group_tests(tests, plant_catalog_setup, plant_catalog_teardown);
}
