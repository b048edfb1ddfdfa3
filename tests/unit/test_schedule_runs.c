/*
 * Tests of core/schedule_runs.c, on journals written here by the journal
 * writer with a fake clock set to chosen times: a finished run satisfies the
 * test its run_started names in "schedule", else the one named like its
 * "scenario", at its run_finished time, with its mode; aborted, detached,
 * unfinished and empty runs do not count; a damaged journal is skipped and
 * counted; no runs folder is no runs, one that cannot be read is an error.
 * The runs read then give schedule_due its answer. Each test works in its
 * own mkdtemp folder.
 */
#include "config.h"

#include "unit.h"

#include "journal_fixture.h"
#include "schedule_fixture.h"
#include "schedule_runs.h"

#define FULL "전체 시스템 페일오버 테스트"
#define DATA "데이터 복구 테스트"
#define PART "부분 장애 복구 테스트"

/*
 * Journals a run started at start with that run_started data (taken),
 * ended at end ("2026-...Z") with result ("done", "aborted"), or detached
 * (result "detached"), or not ended (result NULL); returns its run id.
 */
static char *plant(const char *dir, const char *start, json_t *started, const char *end,
                   const char *result)
{
	char *path, *cause = NULL;
	fake_now = at(start);
	struct journal *j = create_ok(dir, &path);
	append_ok(j, JOURNAL_RUN_STARTED, started);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "단계 완료"));
	if (end != NULL)
		fake_now = at(end);
	if (result != NULL && strcmp(result, "detached") == 0)
		assert_int_equal(journal_detach(j, "the console quit", &cause), 0);
	else if (result != NULL)
		append_ok(j, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", result));
	journal_close(j);
	char *id = xstrdup(strrchr(path, '/') + 1);
	*strstr(id, ".jsonl") = '\0';
	free(path);
	return id;
}

/* Returns the satisfaction of run id in r, or NULL. */
static const struct schedule_done *find(const struct schedule_runs *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].run, id) == 0)
			return &r->items[i];
	return NULL;
}

/* Reads the runs of dir, failing the test when it cannot. */
static void runs_read_ok(const char *dir, struct schedule_runs *r)
{
	char *cause = NULL;
	if (schedule_runs_read(dir, r, &cause) != 0)
		fail_msg("schedule_runs_read: %s", cause);
}

/* Finished runs count by schedule, else by scenario; the others do not. */
static void test_schedule_runs_states(void **state)
{
	const char *dir = *state;
	char *drill = plant(dir, "2026-11-01T10:00:00Z",
	                    json_pack("{s:s, s:s, s:s}", "scenario", "데이터베이스 장애", "mode",
	                              "drill", "schedule", DATA),
	                    "2026-11-01T11:40:00.250Z", "done");
	char *named = plant(dir, "2026-11-02T10:00:00Z",
	                    json_pack("{s:s, s:s}", "scenario", PART, "mode", "tabletop"),
	                    "2026-11-02T10:50:00Z", "done");
	char *other = plant(dir, "2026-11-03T10:00:00Z",
	                    json_pack("{s:s, s:s}", "scenario", PART, "schedule", FULL),
	                    "2026-11-03T13:00:00Z", "done");
	char *aborted = plant(dir, "2026-11-04T10:00:00Z", json_pack("{s:s}", "schedule", DATA),
	                      "2026-11-04T10:30:00Z", "aborted");
	char *detached = plant(dir, "2026-11-05T10:00:00Z", json_pack("{s:s}", "schedule", DATA),
	                       "2026-11-05T10:30:00Z", "detached");
	char *open =
	    plant(dir, "2026-11-06T10:00:00Z", json_pack("{s:s}", "schedule", DATA), NULL, NULL);
	char *nameless = plant(dir, "2026-11-07T10:00:00Z", json_pack("{s:i}", "schedule", 3),
	                       "2026-11-07T10:30:00Z", "done");
	struct schedule_runs r;
	runs_read_ok(dir, &r);
	assert_int_equal(r.looked, 7);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.n_damaged, 0);

	const struct schedule_done *d = find(&r, drill);
	assert_non_null(d);
	assert_string_equal(d->test, DATA);
	assert_string_equal(d->mode, "drill");
	assert_int_equal(d->at_ms, at("2026-11-01T11:40:00.250Z"));
	d = find(&r, named); /* no schedule key: the scenario names the test */
	assert_non_null(d);
	assert_string_equal(d->test, PART);
	assert_string_equal(d->mode, "tabletop");
	assert_int_equal(d->at_ms, at("2026-11-02T10:50:00Z"));
	d = find(&r, other); /* the schedule key wins over the scenario */
	assert_non_null(d);
	assert_string_equal(d->test, FULL);
	assert_null(d->mode);
	assert_null(find(&r, aborted));
	assert_null(find(&r, detached));
	assert_null(find(&r, open));
	assert_null(find(&r, nameless));
	schedule_runs_free(&r);
	assert_int_equal(r.n, 0);
	char *ids[] = {drill, named, other, aborted, detached, open, nameless};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		free(ids[i]);
}

/* A damaged journal is skipped and named; its run never counts, whatever it says. */
static void test_schedule_runs_damaged(void **state)
{
	const char *dir = *state;
	char *good = plant(dir, "2026-10-01T10:00:00Z", json_pack("{s:s}", "schedule", DATA),
	                   "2026-10-01T11:00:00Z", "done");
	char *bad = plant(dir, "2026-11-20T10:00:00Z", json_pack("{s:s}", "schedule", DATA),
	                  "2026-11-20T11:00:00Z", "done");
	char *path = xasprintf("%s/runs/%s.jsonl", dir, bad);
	size_t len;
	char *text = slurp(path, &len);
	char *note = strstr(text, "단계 완료");
	assert_non_null(note);
	memcpy(note, "단계 실패", strlen("단계 실패")); /* an edited note: the chain breaks */
	spill(path, text, len);

	struct schedule_runs r;
	runs_read_ok(dir, &r);
	assert_int_equal(r.looked, 2);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].run, good);
	assert_int_equal(r.n_damaged, 1);
	assert_string_equal(r.damaged[0], bad);
	schedule_runs_free(&r);
	free(text);
	free(path);
	free(good);
	free(bad);
}

/* No runs folder: no runs; a runs "folder" that is a file: an error naming it. */
static void test_schedule_runs_folder(void **state)
{
	const char *dir = *state;
	struct schedule_runs r;
	runs_read_ok(dir, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.looked, 0);
	char *runs = xasprintf("%s/runs", dir);
	assert_string_equal(r.dir, runs);
	schedule_runs_free(&r);

	spill(runs, "", 0);
	char *cause = NULL;
	assert_int_equal(schedule_runs_read(dir, &r, &cause), -1);
	assert_non_null(strstr(cause, runs));
	schedule_runs_free(&r);
	free(cause);
	unlink(runs);
	free(runs);
}

/* The seed's schedule against planted runs: overdue, due soon, ok, from the journals. */
static void test_schedule_runs_due(void **state)
{
	const char *dir = *state;
	struct schedule_set set;
	char *file = seed_schedule(&set);
	char *full = plant(dir, "2026-08-01T09:00:00Z",
	                   json_pack("{s:s, s:s}", "schedule", FULL, "mode", "drill"),
	                   "2026-08-01T13:00:00Z", "done");
	char *data = plant(dir, "2026-11-01T10:00:00Z", json_pack("{s:s}", "schedule", DATA),
	                   "2026-11-01T12:00:00Z", "done");
	char *late = plant(dir, "2026-11-26T10:00:00Z", json_pack("{s:s}", "schedule", PART),
	                   "2026-11-26T10:30:00Z", "aborted");
	struct schedule_runs r;
	runs_read_ok(dir, &r);
	struct schedule_due due[3];
	schedule_due_compute(&set, r.items, r.n, at("2026-11-27T06:15:00Z"), due);
	assert_string_equal(due[0].last->run, full);
	assert_int_equal(due[0].next_ms, at("2026-11-01T13:00:00Z"));
	assert_int_equal(due[0].status, SCHEDULE_OVERDUE);
	assert_string_equal(due[1].last->run, data);
	assert_int_equal(due[1].next_ms, at("2026-12-01T12:00:00Z"));
	assert_int_equal(due[1].status, SCHEDULE_DUE_SOON);
	assert_null(due[2].last); /* only an aborted run: never satisfied */
	assert_int_equal(due[2].status, SCHEDULE_OVERDUE);
	schedule_runs_free(&r);
	schedule_free(&set);
	free(file);
	free(full);
	free(data);
	free(late);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_schedule_runs_states, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_schedule_runs_damaged, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_schedule_runs_folder, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_schedule_runs_due, scratch_setup,
	                                    scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
