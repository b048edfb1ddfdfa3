/*
 * Tests of core/report.c and the model it builds with report_steps.c,
 * report_events.c and report_load.c, on journals planted through the real
 * writer (report_fixture.h): a finished failover (the promotion's step
 * time, the RTO to the promotion verified writable, the RPO measured, both
 * against their targets, with and without the config's catalog), an aborted
 * run (an override, an attestation: no RTO), an unfinished and a detached
 * run (in progress, never done), a live one, the watcher's (its
 * confirmations and their evidence), a drill (participants, objectives,
 * targets, an inject, the hot wash), and damaged journals (a line edited,
 * the last line removed): reported damaged, what could be read kept.
 */
#include "config.h"

#include "unit.h"

#include "journal_fixture.h"
#include "report_fixture.h"

/* Loads the report of the journal at path from dir, expecting report_load to return want. */
static void load(struct report *rep, const char *dir, const char *path, const struct catalog *c,
                 int want)
{
	int rc = report_load(rep, dir, path, c);
	for (size_t i = 0; rc != want && i < rep->check.n_problems; i++)
		print_message("%s\n", rep->check.problems[i]);
	assert_int_equal(rc, want);
}

/* Journal stamps read back as ms; anything else is -1. */
static void test_ts(void **state)
{
	(void)state;
	assert_int_equal(report_ts_ms("2026-11-27T06:15:00.123Z"), PLANT_T0 + 123);
	assert_int_equal(report_ts_ms("2026-11-27T06:15:00Z"), -1);
	assert_int_equal(report_ts_ms("2026-11-27T06:15:00.12Z"), -1);
	assert_int_equal(report_ts_ms("yesterday"), -1);
	assert_int_equal(report_ts_ms(NULL), -1);
}

/* A finished failover: every figure as the journal and the catalog give it. */
static void test_finished(void **state)
{
	struct report rep;
	char *path = plant_finished(*state);
	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	load(&rep, *state, path, &plant_cat, 0);
	assert_int_equal(rep.state, JOURNAL_IS_FINISHED);
	assert_true(report_sound(&rep) && report_ended(&rep));
	assert_true(rep.check.verified && rep.check.sealed && rep.check.head == 1);
	assert_int_equal(rep.check.records, 17);
	assert_int_equal(rep.check.head_records, 17);
	assert_string_equal(rep.check.final_hash, r.last_hash);
	assert_string_equal(rep.check.head_hash, r.last_hash);
	assert_string_equal(rep.title, "데이터베이스 장애");
	assert_string_equal(rep.actor, "person");
	assert_string_equal(report_type(&rep), "incident");
	assert_int_equal(rep.n_operators, 1);
	assert_string_equal(rep.operators[0].name, "kim");
	assert_string_equal(rep.operators[0].host, "jump1");
	assert_string_equal(rep.operators[0].origin, "10.0.0.5");
	assert_string_equal(rep.started, "2026-11-27T06:15:00.000Z");
	assert_string_equal(rep.ended, "2026-11-27T06:17:56.000Z");
	assert_string_equal(rep.result, "done");
	assert_int_equal(rep.elapsed_ms, 176000);
	assert_int_equal(rep.estimate_ms, 900000);

	assert_int_equal(rep.n_steps, 4);
	const struct report_step *s = rep.steps;
	assert_string_equal(s[0].state, "done");
	assert_int_equal(s[0].step_ms, 1500);
	assert_int_equal(s[0].exit_status, 0);
	assert_null(s[0].confirmed_by); /* it asks for no confirmation */
	assert_string_equal(s[0].output, "streaming\nlag 0 bytes");
	assert_string_equal(s[1].action, "promote_standby");
	assert_string_equal(s[1].title, "Promote the DR standby to primary");
	assert_int_equal(s[1].estimate_ms, 180000);
	assert_int_equal(s[1].step_ms, 51500);
	assert_string_equal(s[1].current_at, "2026-11-27T06:15:01.500Z");
	assert_string_equal(s[1].confirmed_by, "kim");
	assert_string_equal(s[1].confirm_how, "typed");
	assert_true(s[1].promotion && !s[0].promotion);
	assert_string_equal(s[2].confirm_how, "marked done");
	assert_string_equal(s[2].confirmed_by, "kim");
	assert_int_equal(s[2].step_ms, 120000);
	assert_string_equal(s[3].state, "done");

	assert_int_equal(rep.rto.achieved_ms, 53000);
	assert_non_null(
	    strstr(rep.rto.basis, "promotion verified writable (step 2, promote_standby)"));
	assert_int_equal(rep.rto.target_ms, 900000);
	assert_int_equal(rep.rto.met, 1);
	assert_int_equal(rep.loss_bytes, 6144);
	assert_int_equal(rep.rpo.achieved_ms, 1000);
	assert_int_equal(rep.rpo.target_ms, 300000);
	assert_string_equal(rep.rpo.target_source, "the config's sync_interval");
	assert_int_equal(rep.rpo.met, 1);
	assert_int_equal(rep.fences.n, 1);
	assert_int_equal(rep.fences.items[0].ok, 1);
	assert_int_equal(rep.notes.n, 1);
	assert_string_equal(rep.notes.items[0].what, "복제 지연 없음 확인");
	assert_int_equal(rep.notes.items[0].step, 4);
	/* 17 records, but for two outputs, a check's result and the seal */
	assert_int_equal(rep.timeline.n, 13);
	for (size_t i = 0; i < rep.timeline.n; i++)
		assert_string_not_equal(rep.timeline.items[i].type, JOURNAL_STEP_OUTPUT);
	assert_int_equal(rep.n_issues, 0);
	report_free(&rep);
	journal_records_free(&r);
	diag_free(&d);
	free(path);
}

/* Without a config: the journal's own estimate, unknown step estimates and RPO target. */
static void test_finished_without_catalog(void **state)
{
	struct report rep;
	char *path = plant_finished(*state);
	load(&rep, *state, path, NULL, 0);
	assert_int_equal(rep.estimate_ms, 900000);
	assert_string_equal(rep.estimate_source,
	                    "the scenario's estimated_time when the run began");
	assert_int_equal(rep.steps[1].estimate_ms, REPORT_UNKNOWN);
	assert_null(rep.steps[1].title);
	assert_true(rep.steps[1].promotion); /* told by its result: the promoted position */
	assert_int_equal(rep.rto.achieved_ms, 53000);
	assert_int_equal(rep.rpo.target_ms, REPORT_UNKNOWN);
	assert_int_equal(rep.rpo.met, REPORT_UNKNOWN);
	report_free(&rep);
	free(path);
}

/* An aborted run: its override and attestation told, no RTO claimed. */
static void test_aborted(void **state)
{
	struct report rep;
	char *path = plant_aborted(*state);
	load(&rep, *state, path, &plant_cat, 0);
	assert_int_equal(rep.state, JOURNAL_IS_ABORTED);
	assert_string_equal(report_state_words(&rep), "aborted");
	assert_string_equal(rep.reason, "훈련 중단");
	assert_string_equal(rep.steps[1].state, "guarded");
	assert_string_equal(rep.steps[2].state, "not run");
	assert_int_equal(rep.overrides.n, 1);
	assert_string_equal(rep.overrides.items[0].what, "primary_fenced");
	assert_string_equal(rep.overrides.items[0].detail, "datacenter-1 is not fenced");
	assert_string_equal(rep.overrides.items[0].by, "kim");
	assert_int_equal(rep.overrides.items[0].step, 2);
	assert_int_equal(rep.attestations.n, 1);
	assert_string_equal(rep.attestations.items[0].what, "datacenter-1");
	assert_non_null(strstr(rep.attestations.items[0].detail, "ssh: connection timed out"));
	assert_int_equal(rep.rto.achieved_ms, REPORT_UNKNOWN);
	assert_string_equal(rep.rto.basis, "not achieved: the run was aborted before a promotion");
	assert_int_equal(rep.rto.met, REPORT_UNKNOWN);
	assert_int_equal(rep.elapsed_ms, 13000);
	assert_int_equal(rep.n_issues, 4);
	assert_string_equal(rep.issues[0], "the run was aborted: 훈련 중단");
	assert_string_equal(rep.issues[1], "step 2 (promote_standby) was held by a guard: "
	                                   "primary_fenced: datacenter-1 is not fenced");
	assert_string_equal(rep.issues[2], "guard overridden: primary_fenced: datacenter-1 is not "
	                                   "fenced (2026-11-27T06:15:07.500Z)");
	assert_string_equal(
	    rep.issues[3], "attested down instead of fenced: datacenter-1: the old primary is down "
	                   "and stays down; evidence: ssh: connection timed out "
	                   "(2026-11-27T06:15:09.500Z)");
	report_free(&rep);
	free(path);
}

/* A run whose console stopped: unfinished, its step running so far, no RTO, no end. */
static void test_unfinished(void **state)
{
	struct report rep;
	char *path = plant_open_run(*state, 0);
	load(&rep, *state, path, &plant_cat, 0);
	assert_int_equal(rep.state, JOURNAL_IS_UNFINISHED);
	assert_false(report_ended(&rep));
	assert_non_null(strstr(report_state_words(&rep), "unfinished"));
	assert_null(rep.ended);
	assert_false(rep.check.sealed);
	assert_int_equal(rep.elapsed_ms, 40000); /* to the last record */
	assert_string_equal(rep.steps[1].state, "running");
	assert_false(rep.steps[1].finished);
	assert_int_equal(rep.steps[1].step_ms, 38500);
	assert_string_equal(rep.steps[2].state, "not reached");
	assert_int_equal(rep.rto.achieved_ms, REPORT_UNKNOWN);
	assert_non_null(strstr(rep.rto.basis, "not achieved yet: the run is unfinished"));
	report_free(&rep);
	free(path);
}

/* A run whose console quit: detached, sealed, and still not done. */
static void test_detached(void **state)
{
	struct report rep;
	char *path = plant_open_run(*state, 1);
	load(&rep, *state, path, &plant_cat, 0);
	assert_int_equal(rep.state, JOURNAL_IS_DETACHED);
	assert_true(rep.check.sealed);
	assert_non_null(strstr(report_state_words(&rep), "detached"));
	assert_null(rep.result);
	assert_string_equal(rep.steps[1].state, "running");
	report_free(&rep);
	free(path);
}

/* A run a console holds now is in progress. */
static void test_live(void **state)
{
	struct report rep;
	struct journal_records r;
	struct diag d;
	char *path = plant_open_run(*state, 0);
	read_ok(path, &r, &d, 0);
	memset(&rep, 0, sizeof rep);
	report_build(&rep, &r, JOURNAL_IS_LIVE, &plant_cat);
	assert_string_equal(report_state_words(&rep), "in progress (a console runs it now)");
	assert_non_null(strstr(rep.rto.basis, "in progress"));
	assert_string_equal(rep.steps[1].state, "running");
	report_free(&rep);
	journal_records_free(&r);
	diag_free(&d);
	free(path);
}

/* The watcher's run: the watcher confirmed, with its evidence; its fence is told. */
static void test_watch(void **state)
{
	struct report rep;
	char *path = plant_watch(*state);
	load(&rep, *state, path, &plant_cat, 0);
	assert_string_equal(rep.actor, "watch");
	assert_string_equal(report_holder(&rep), "watch");
	assert_string_equal(rep.operators[0].name, "drwatch");
	assert_string_equal(rep.operators[0].origin, "local");
	assert_string_equal(rep.steps[1].confirmed_by, "watch");
	assert_string_equal(rep.steps[1].evidence,
	                    "3 of 3 checks: datacenter-1 refused from here and from datacenter-2");
	assert_int_equal(rep.fences.n, 2);
	assert_string_equal(rep.fences.items[0].type, "fenced");
	assert_string_equal(rep.fences.items[0].by, "watch");
	assert_string_equal(rep.fences.items[0].detail, "stopped over SSH: pg_ctl stop -m fast");
	assert_int_equal(rep.state, JOURNAL_IS_DETACHED);
	assert_string_equal(rep.steps[2].state, "current");
	/* the promotion was verified: its RTO stands though the run waits for a person */
	assert_int_equal(rep.rto.achieved_ms, 53000);
	for (size_t i = 0; i < rep.timeline.n; i++)
		assert_string_equal(rep.timeline.items[i].by, "watch");
	report_free(&rep);
	free(path);
}

/* A drill: participants, objectives, its own targets, an inject, the hot wash. */
static void test_drill(void **state)
{
	struct report rep;
	char *path = plant_drill(*state);
	load(&rep, *state, path, &plant_cat, 0);
	assert_string_equal(report_type(&rep), "drill");
	assert_string_equal(rep.title, "전체 시스템 다운");
	assert_null(rep.scenario);
	assert_string_equal(rep.schedule, "전체 시스템 페일오버 테스트");
	assert_int_equal(rep.n_participants, 3);
	assert_string_equal(rep.participants[0].name, "김철수");
	assert_string_equal(rep.participants[0].role, "진행자");
	assert_null(rep.participants[2].role);
	assert_int_equal(rep.n_objectives, 2);
	assert_string_equal(rep.objectives[1], "데이터 손실 없음");
	assert_int_equal(rep.estimate_ms, REPORT_UNKNOWN);
	assert_int_equal(rep.rto.target_ms, 1800000);
	assert_string_equal(rep.rto.target_source, "the run's rto_target_ms");
	assert_int_equal(rep.rto.achieved_ms, 960000);
	assert_int_equal(rep.rto.met, 1);
	assert_int_equal(rep.rpo.target_ms, 0);
	assert_int_equal(rep.rpo.achieved_ms, REPORT_UNKNOWN);
	assert_int_equal(rep.notes.n, 1);
	assert_string_equal(rep.notes.items[0].type, "inject");
	assert_string_equal(rep.notes.items[0].by, "김철수");
	assert_string_equal(rep.steps[0].action, "주 데이터센터 전원 차단");
	assert_int_equal(rep.steps[1].step_ms, 600000);
	assert_string_equal(rep.steps[1].current_at, "2026-11-27T06:20:00.000Z");
	assert_true(rep.hotwash);
	assert_int_equal(rep.n_went_well, 1);
	assert_int_equal(rep.n_went_badly, 2);
	assert_int_equal(rep.n_actions, 2);
	assert_string_equal(rep.actions[0].owner, "인프라팀");
	assert_string_equal(rep.actions[0].due, "2026-12-15");
	assert_null(rep.actions[1].owner);
	report_free(&rep);
	free(path);
}

/* Overruns and missed targets: each an issue, with its figures. */
static void test_issues(void **state)
{
	struct report rep;
	char *path;
	struct journal *j = plant_open(*state, &path);
	plant(j, 0, JOURNAL_RUN_STARTED,
	      json_pack("{s:s, s:i, s:I}", "scenario", "데이터베이스 장애", "steps", 4,
	                "estimated_ms", (json_int_t)60000));
	plant(j, 90000, JOURNAL_STEP_FINISHED,
	      json_pack("{s:s, s:i, s:i, s:s}", "result", "done", "step_ms", 90000, "step", 1,
	                "action", "verify_replication_status"));
	plant(j, 1000, "data_loss",
	      json_pack("{s:i, s:f, s:i}", "bytes", 1 << 20, "seconds", 400.0, "step", 4));
	plant(j, 1000, JOURNAL_STEP_FINISHED,
	      json_pack("{s:s, s:s, s:i, s:s}", "result", "failed", "why", "exit status 3", "step",
	                2, "action", "promote_standby"));
	plant(j, 0, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
	plant_seal(j);
	load(&rep, *state, path, &plant_cat, 0);
	assert_int_equal(rep.n_issues, 5);
	assert_string_equal(rep.issues[0], "RTO target missed: 1m32s against 1m (the scenario's "
	                                   "estimate)");
	assert_string_equal(rep.issues[1], "RPO target missed: 6m40s against 5m (the config's "
	                                   "sync_interval)");
	assert_string_equal(rep.issues[2],
	                    "step 1 (verify_replication_status) took 1m30s, over its "
	                    "estimate of 1m");
	assert_string_equal(rep.issues[3], "step 2 (promote_standby) failed: exit status 3");
	assert_string_equal(rep.issues[4], "the run took 1m32s, over its estimate of 1m");
	report_free(&rep);
	free(path);
}

/* Replaces the first occurrence of from in the file at path with to (same length or not). */
static void edit(const char *path, const char *from, const char *to)
{
	size_t len;
	char *text = slurp(path, &len), *at = strstr(text, from);
	assert_non_null(at);
	char *out = xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	spill(path, out, strlen(out));
	free(out);
	free(text);
}

/* A line edited: damaged, the break named, what could be read kept and still marked finished. */
static void test_tampered_edit(void **state)
{
	struct report rep;
	char *path = plant_finished(*state);
	edit(path, "lag 0 bytes", "lag 9 bytes");
	load(&rep, *state, path, &plant_cat, 1);
	assert_int_equal(rep.state, JOURNAL_IS_DAMAGED);
	assert_false(report_sound(&rep));
	assert_false(rep.check.verified);
	assert_true(rep.check.errors >= 1);
	assert_non_null(strstr(rep.check.problems[0], ":4:1: error: the chain breaks here"));
	assert_int_equal(rep.check.records, 16); /* line 4 is not kept */
	assert_int_equal(rep.claimed, JOURNAL_IS_FINISHED);
	assert_string_equal(report_state_words(&rep), "finished");
	assert_non_null(strstr(rep.issues[0], "the journal failed its checks ("));
	report_free(&rep);
	free(path);
}

/* The last line removed (the seal): the head file says so; damaged. */
static void test_tampered_cut(void **state)
{
	struct report rep;
	size_t len;
	char *path = plant_finished(*state);
	char *text = slurp(path, &len);
	len--; /* the last newline */
	while (len > 0 && text[len - 1] != '\n')
		len--;
	spill(path, text, len);
	load(&rep, *state, path, &plant_cat, 1);
	assert_int_equal(rep.state, JOURNAL_IS_DAMAGED);
	assert_int_equal(rep.check.records, 16);
	assert_false(rep.check.sealed);
	int removed = 0;
	for (size_t i = 0; i < rep.check.n_problems; i++)
		removed |=
		    strstr(rep.check.problems[i], "1 record was removed from its end") != NULL;
	assert_true(removed);
	report_free(&rep);
	free(text);
	free(path);
}

/* A journal that cannot be read at all: -1, and why. */
static void test_unreadable(void **state)
{
	struct report rep;
	char *path = xasprintf("%s/runs/none.jsonl", (char *)*state);
	load(&rep, *state, path, NULL, -1);
	assert_false(rep.check.read);
	assert_non_null(strstr(rep.check.problems[0], "cannot open"));
	report_free(&rep);
	free(path);
}

/* A run_started of "drill": true (as journals once said): the drill is the scenario's name. */
static void test_drill_true(void **state)
{
	struct report rep;
	char *path;
	struct journal *j = plant_open(*state, &path);
	plant(j, 0, JOURNAL_RUN_STARTED,
	      json_pack("{s:s, s:b, s:s, s:i, s:s}", "scenario", "랜섬웨어 감염", "drill", 1,
	                "mode", "tabletop", "steps", 0, "operator", "kim"));
	plant(j, 0, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
	plant_seal(j);
	load(&rep, *state, path, &plant_cat, 0);
	assert_string_equal(report_type(&rep), "tabletop");
	assert_string_equal(rep.drill, "랜섬웨어 감염");
	report_free(&rep);
	free(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ts),
	    T(test_finished),
	    T(test_finished_without_catalog),
	    T(test_aborted),
	    T(test_unfinished),
	    T(test_detached),
	    T(test_live),
	    T(test_watch),
	    T(test_drill),
	    T(test_drill_true),
	    T(test_issues),
	    T(test_tampered_edit),
	    T(test_tampered_cut),
	    T(test_unreadable),
	};
#undef T
	return cmocka_run_group_tests(tests, plant_catalog_setup, plant_catalog_teardown);
}
