/*
 * What the unit tests of the run report share: journals planted through the
 * real writer (journal_append: chained, head file, seal) on a clock the test
 * moves, their records shaped as the runbook engine and its hosts write
 * them, for each kind of run: finished (데이터베이스 장애, a promotion,
 * the data lost measured), aborted (an override and an attestation),
 * unfinished, detached, the watcher's (every record "actor": "watch"), and a
 * drill with participants, injects and a hot wash. Also the catalog of the
 * tests' config, and a scratch state dir.
 */
#ifndef DR_REPORT_FIXTURE_H
#define DR_REPORT_FIXTURE_H

#include "catalog.h"
#include "journal.h"
#include "report.h"

#define PLANT_T0 1795760100000LL /* 2026-11-27T06:15:00.000Z */

static int64_t plant_now = PLANT_T0;

/* The planted journals' clock. */
static inline int64_t plant_clock(void)
{
	return plant_now;
}

/* Starts a journal in the state dir (its runs/ folder), the clock at PLANT_T0; *path gets it. */
static inline struct journal *plant_open(const char *dir, char **path)
{
	char *cause = NULL;
	plant_now = PLANT_T0;
	struct journal *j = journal_create(dir, plant_clock, path, &cause);
	if (j == NULL)
		fail_msg("journal_create: %s", cause);
	return j;
}

/* Moves the clock on by dt ms and appends a record (data in json_pack's format). */
static inline void plant(struct journal *j, int64_t dt, const char *type, json_t *data)
{
	char *cause = NULL;
	assert_non_null(data);
	plant_now += dt;
	if (journal_append(j, type, data, &cause) != 0)
		fail_msg("journal_append %s: %s", type, cause);
}

/* Seals and closes a journal (after run_finished or detached, as the engine's host does). */
static inline void plant_seal(struct journal *j)
{
	char *cause = NULL;
	if (journal_seal(j, &cause) != 0)
		fail_msg("journal_seal: %s", cause);
	journal_close(j);
}

/* Adds "actor": "watch" to data when watch is set (the watcher's host does it to every record). */
static inline json_t *plant_by(json_t *data, int watch)
{
	if (watch)
		json_object_set_new(data, "actor", json_string("watch"));
	return data;
}

/* run_started of 데이터베이스 장애, by kim from 10.0.0.5 (or by the watcher). */
static inline void plant_start(struct journal *j, int watch)
{
	plant(j, 0, JOURNAL_RUN_STARTED,
	      plant_by(json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:i}", "scenario",
	                         "데이터베이스 장애", "steps", 4, "estimated_ms",
	                         (json_int_t)900000, "operator", watch ? "drwatch" : "kim", "host",
	                         "jump1", "origin", watch ? "local" : "10.0.0.5", "pid", 4242),
	               watch));
}

/* Step 1, verify_replication_status (no confirmation asked): 1.5 s, done. */
static inline void plant_step1(struct journal *j, int watch)
{
	const char *a = "verify_replication_status";
	plant(
	    j, 0, JOURNAL_STEP_STARTED,
	    plant_by(json_pack("{s:i, s:[{s:s, s:n, s:i}], s:i, s:s}", "attempt", 1, "targets",
	                       "site", "datacenter-2", "command", "op", 0, "step", 1, "action", a),
	             watch));
	plant(j, 1200, JOURNAL_STEP_OUTPUT,
	      plant_by(json_pack("{s:b, s:i, s:s, s:s, s:s, s:I, s:i, s:s}", "ok", 1, "exit_status",
	                         0, "detail", "datacenter-2 replayed all it received", "output",
	                         "streaming\nlag 0 bytes\n", "stderr", "", "lsn", (json_int_t)-1,
	                         "step", 1, "action", a),
	               watch));
	plant(j, 300, JOURNAL_STEP_FINISHED,
	      plant_by(json_pack("{s:s, s:i, s:i, s:s, s:i, s:s}", "result", "done", "duration_ms",
	                         1500, "step_ms", 1500, "detail",
	                         "datacenter-2 replayed all it received", "step", 1, "action", a),
	               watch));
}

/* Step 2, promote_standby: confirmed (typed, or by the watcher with evidence), promoted, checked
 * writable. */
static inline void plant_step2(struct journal *j, int watch)
{
	const char *a = "promote_standby";
	json_t *c = json_pack("{s:s, s:s, s:i, s:I, s:i, s:s}", "confirm", "typed", "primary",
	                      "datacenter-1", "timeline", 1, "replay_lsn", (json_int_t)68753552,
	                      "step", 2, "action", a);
	if (watch)
		json_object_update_new(
		    c, json_pack("{s:s, s:s}", "by", "watch", "evidence",
		                 "3 of 3 checks: datacenter-1 refused from here and "
		                 "from datacenter-2"));
	plant(j, 30000, JOURNAL_STEP_CONFIRMED, plant_by(c, watch));
	plant(
	    j, 500, JOURNAL_STEP_STARTED,
	    plant_by(json_pack("{s:i, s:[{s:s, s:n, s:i}], s:i, s:s}", "attempt", 1, "targets",
	                       "site", "datacenter-2", "command", "op", 0, "step", 2, "action", a),
	             watch));
	plant(j, 20000, JOURNAL_STEP_OUTPUT,
	      plant_by(json_pack("{s:b, s:i, s:s, s:s, s:I, s:i, s:s}", "ok", 1, "exit_status", -1,
	                         "detail", "datacenter-2 promoted at 0/4191890", "output", "",
	                         "lsn", (json_int_t)68753552, "step", 2, "action", a),
	               watch));
	plant(j, 1000, "check_result",
	      plant_by(json_pack("{s:b, s:i, s:s, s:I, s:i, s:s}", "ok", 1, "exit_status", -1,
	                         "detail", "a write succeeded", "lsn", (json_int_t)-1, "step", 2,
	                         "action", a),
	               watch));
	plant(j, 0, JOURNAL_STEP_FINISHED,
	      plant_by(json_pack("{s:s, s:i, s:i, s:s, s:i, s:s}", "result", "done", "duration_ms",
	                         21000, "step_ms", 51500, "detail", "a write succeeded", "step", 2,
	                         "action", a),
	               watch));
	plant(j, 0, "fence_armed",
	      plant_by(json_pack("{s:s, s:b}", "site", "datacenter-1", "armed", 1), watch));
}

/* Steps 3 (manual, marked done after 2 min) and 4 (the data lost measured: 6 KiB, 1 s). */
static inline void plant_steps34(struct journal *j)
{
	plant(j, 120000, JOURNAL_STEP_FINISHED,
	      json_pack("{s:s, s:i, s:i, s:s, s:i, s:s}", "result", "done", "duration_ms", 0,
	                "step_ms", 120000, "detail", "done by the operator", "step", 3, "action",
	                "update_connection_string"));
	const char *a = "verify_data_integrity";
	plant(j, 500, JOURNAL_STEP_STARTED,
	      json_pack("{s:i, s:[{s:s, s:n, s:i}], s:i, s:s}", "attempt", 1, "targets", "site",
	                "datacenter-2", "command", "op", 0, "step", 4, "action", a));
	plant(j, 0, "data_loss",
	      json_pack("{s:i, s:f, s:s, s:s, s:i, s:s}", "bytes", 6144, "seconds", 1.0,
	                "primary_last_lsn", "0/3000", "promoted_lsn", "0/1800", "step", 4, "action",
	                a));
	plant(j, 1500, JOURNAL_STEP_FINISHED,
	      json_pack("{s:s, s:i, s:i, s:s, s:i, s:s}", "result", "done", "duration_ms", 1500,
	                "step_ms", 2000, "detail", "data lost: 6.0 KiB, 1s of writes", "step", 4,
	                "action", a));
}

/*
 * A finished run of 데이터베이스 장애 by kim: step 2 done at +53 s (the
 * promotion verified writable), the run done at +176 s; returns its path.
 */
static inline char *plant_finished(const char *dir)
{
	char *path;
	struct journal *j = plant_open(dir, &path);
	plant_start(j, 0);
	plant_step1(j, 0);
	plant_step2(j, 0);
	plant_steps34(j);
	plant(j, 1000, JOURNAL_NOTE,
	      json_pack("{s:s, s:i, s:s}", "text", "복제 지연 없음 확인", "step", 4, "action",
	                "verify_data_integrity"));
	plant(j, 0, JOURNAL_RUN_FINISHED,
	      json_pack("{s:s, s:i, s:n}", "result", "done", "elapsed_ms", 176000, "reason"));
	plant_seal(j);
	return path;
}

/* A run aborted at step 2: guarded, overridden, the old primary attested down, a note. */
static inline char *plant_aborted(const char *dir)
{
	char *path;
	struct journal *j = plant_open(dir, &path);
	plant_start(j, 0);
	plant_step1(j, 0);
	plant(j, 1000, "step_guarded",
	      json_pack("{s:s, s:i, s:s}", "why", "primary_fenced: datacenter-1 is not fenced",
	                "step", 2, "action", "promote_standby"));
	plant(j, 5000, JOURNAL_GUARD_OVERRIDE,
	      json_pack("{s:[{s:s, s:s}], s:i, s:s}", "failed", "guard", "primary_fenced",
	                "evidence", "datacenter-1 is not fenced", "step", 2, "action",
	                "promote_standby"));
	plant(j, 2000, "attested",
	      json_pack("{s:s, s:s, s:s}", "site", "datacenter-1", "statement",
	                "the old primary is down and stays down", "evidence",
	                "ssh: connection timed out"));
	plant(j, 1000, JOURNAL_NOTE, json_pack("{s:s}", "text", "전원 복구 대기"));
	plant(j, 2500, JOURNAL_RUN_FINISHED,
	      json_pack("{s:s, s:i, s:s}", "result", "aborted", "elapsed_ms", 13000, "reason",
	                "훈련 중단"));
	plant_seal(j);
	return path;
}

/* A run whose console stopped during step 2's promotion (unfinished), or quit (detached). */
static inline char *plant_open_run(const char *dir, int detach)
{
	char *path;
	struct journal *j = plant_open(dir, &path);
	plant_start(j, 0);
	plant_step1(j, 0);
	plant(j, 30000, JOURNAL_STEP_CONFIRMED,
	      json_pack("{s:s, s:i, s:s}", "confirm", "typed", "step", 2, "action",
	                "promote_standby"));
	plant(j, 500, JOURNAL_STEP_STARTED,
	      json_pack("{s:i, s:i, s:s}", "attempt", 1, "step", 2, "action", "promote_standby"));
	plant(j, 8000, JOURNAL_NOTE, json_pack("{s:s}", "text", "waiting"));
	if (detach) {
		plant(j, 0, JOURNAL_DETACHED,
		      json_pack("{s:s, s:s, s:i, s:s}", "reason", "the operator quit", "state",
		                "running", "step", 2, "action", "promote_standby"));
		plant_seal(j);
	} else {
		journal_close(j);
	}
	return path;
}

/* The watcher's run: the fence first, every confirmation its checks', every record its. */
static inline char *plant_watch(const char *dir)
{
	char *path;
	struct journal *j = plant_open(dir, &path);
	plant_start(j, 1);
	plant(j, 0, "fenced",
	      plant_by(json_pack("{s:s, s:s, s:s}", "site", "datacenter-1", "by", "watch",
	                         "evidence", "stopped over SSH: pg_ctl stop -m fast"),
	               1));
	plant_step1(j, 1);
	plant_step2(j, 1);
	plant(
	    j, 0, JOURNAL_DETACHED,
	    plant_by(json_pack("{s:s, s:s, s:i, s:s}", "reason", "a manual step waits for a person",
	                       "state", "awaiting confirmation", "step", 3, "action",
	                       "update_connection_string"),
	             1));
	plant_seal(j);
	return path;
}

/* A drill of 전체 시스템 다운: participants, objectives, targets, injects, a hot wash. */
static inline char *plant_drill(const char *dir)
{
	char *path;
	struct journal *j = plant_open(dir, &path);
	plant(
	    j, 0, JOURNAL_RUN_STARTED,
	    json_pack("{s:s, s:s, s:i, s:[{s:s, s:s}, {s:s, s:s}, {s:s}], s:[s, s], s:s, s:I, s:I, "
	              "s:s, s:s, s:s}",
	              "drill", "전체 시스템 다운", "mode", "drill", "steps", 2, "participants",
	              "name", "김철수", "role", "진행자", "name", "Lee", "role", "DBA", "name",
	              "박영희", "objectives", "30분 안에 DR 사이트로 전환", "데이터 손실 없음",
	              "schedule", "전체 시스템 페일오버 테스트", "rto_target_ms",
	              (json_int_t)1800000, "rpo_target_ms", (json_int_t)0, "operator", "kim",
	              "host", "jump1", "origin", "10.0.0.5"));
	plant(j, 60000, "inject",
	      json_pack("{s:s, s:s}", "text", "주 데이터센터 전원 차단", "by", "김철수"));
	plant(j, 240000, JOURNAL_STEP_FINISHED,
	      json_pack("{s:s, s:i, s:s, s:i, s:s}", "result", "done", "step_ms", 300000, "detail",
	                "done by the operator", "step", 1, "action", "주 데이터센터 전원 차단"));
	plant(j, 600000, JOURNAL_STEP_FINISHED,
	      json_pack("{s:s, s:i, s:s, s:i, s:s}", "result", "done", "step_ms", 600000, "detail",
	                "done by the operator", "step", 2, "action", "DR 사이트 활성화 확인"));
	plant(j, 60000, "hotwash",
	      json_pack("{s:[s], s:[s, s], s:[{s:s, s:s, s:s}, {s:s}]}", "went_well",
	                "전환 절차가 문서대로 동작", "went_badly", "DNS 변경이 늦음",
	                "연락망이 오래됨", "actions", "what", "DNS TTL을 60초로", "owner",
	                "인프라팀", "due", "2026-12-15", "what", "연락망 갱신"));
	plant(j, 0, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
	plant_seal(j);
	return path;
}

/* Loads the catalog of the tests' config (tests/tui/golden/drconsole.yml: sync_interval 300). */
static inline void plant_catalog(struct catalog *cat)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *path = xasprintf("%s/tests/tui/golden/drconsole.yml", top);
	struct diag d;
	setenv("DRCONSOLE_DATADIR", top, 1);
	diag_init(&d);
	int rc = catalog_load(cat, path, &d);
	if (d.errors)
		diag_print(&d, stderr);
	diag_free(&d);
	free(path);
	assert_int_equal(rc, 0);
}

static struct catalog plant_cat; /* the tests' catalog, loaded once a group */

/* Loads the tests' catalog into plant_cat (a group setup). */
static inline int plant_catalog_setup(void **state)
{
	(void)state;
	plant_catalog(&plant_cat);
	return 0;
}

/* Frees plant_cat (a group teardown). */
static inline int plant_catalog_teardown(void **state)
{
	(void)state;
	catalog_free(&plant_cat);
	return 0;
}

#endif
