/*
 * Tests of core/runbook.c, the runbook engine, on the real scenarios and
 * action library with the lab's config, a fake clock, a fake executor that
 * records every request, and a journal kept in memory. The scenario is
 * 데이터베이스 장애: verify_replication_status, promote_standby,
 * update_connection_string (manual), verify_data_integrity. At the turns
 * of a run, the actions that apply (core/rbkeys.c) are held against what
 * the engine then accepts and refuses.
 */
#include "config.h"

#include "unit.h"

#include "catalog.h"
#include "drillrun.h"
#include "rbkeys_fixture.h"
#include "runbook.h"
#include "supervise.h"
#include "sites_fixture.h"

#define MAX_REQ 32
#define MAX_REC 64

/* The fake host of the engine. */
struct fake {
	int64_t now;
	struct rb_request req[MAX_REQ];
	char req_text[MAX_REQ][160];
	size_t n_req;
	int refuse; /* submit fails */
	int full;   /* the journal cannot be written */
	char rec[MAX_REC][32];
	char *rec_json[MAX_REC];
	size_t n_rec;
};

static struct catalog cat;
static struct event_log events; /* what the run told the console's events panel */
static struct fake fk;
static struct fx fx;
static struct runbook rb;

/* The fake clock. */
static int64_t fake_now(void *arg)
{
	return ((struct fake *)arg)->now;
}

/* The fake executor: records the request. */
static int fake_submit(void *arg, const struct rb_request *r)
{
	struct fake *f = arg;
	if (f->refuse || f->n_req == MAX_REQ)
		return -1;
	f->req[f->n_req] = *r;
	snprintf(f->req_text[f->n_req], sizeof f->req_text[0], "%s %s %s%s",
	         r->op == RB_OP_RUN      ? "run"
	         : r->op == RB_OP_CHECK  ? "check"
	         : r->op == RB_OP_STATUS ? "status"
	                                 : "builtin",
	         r->site ? r->site->name : "local", r->builtin ? r->builtin : r->command,
	         r->on_return ? " on return" : "");
	f->n_req++;
	return 0;
}

static struct journal *file_journal; /* when set, records also go to a real journal file */

/* The journal's clock: the fake one. */
static int64_t fake_journal_now(void)
{
	return fk.now;
}

/* The fake journal: keeps the type and the data as JSON text (and writes the real one if open). */
static int fake_journal(void *arg, const char *type, json_t *data)
{
	struct fake *f = arg;
	char *cause = NULL;
	if (f->full) { /* a full disk: nothing is written */
		json_decref(data);
		return -1;
	}
	assert_true(f->n_rec < MAX_REC);
	snprintf(f->rec[f->n_rec], sizeof f->rec[0], "%s", type);
	f->rec_json[f->n_rec++] = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	if (file_journal != NULL)
		assert_int_equal(journal_append(file_journal, type, json_incref(data), &cause), 0);
	json_decref(data);
	return 0;
}

/* Loads the catalog once. */
static int group_setup(void **state)
{
	(void)state;
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *path = xasprintf("%s/tests/tui/golden/drconsole.yml", top);
	struct diag d;
	setenv("DRCONSOLE_DATADIR", top, 1);
	diag_init(&d);
	int rc = catalog_load(&cat, path, &d);
	if (d.errors)
		diag_print(&d, stderr);
	diag_free(&d);
	free(path);
	return rc == 0 ? 0 : -1;
}

/* Frees the catalog. */
static int group_teardown(void **state)
{
	(void)state;
	catalog_free(&cat);
	event_log_free(&events);
	return 0;
}

/* Starts a run of sc (NULL: 데이터베이스 장애) on the fixture as it is, keeping the fake host. */
static void start_scenario_keep_fake(int refuse, const struct scenario *sc)
{
	fk.refuse = refuse;
	event_log_free(&events);
	event_log_init(&events, 0);
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, &events};
	char *cause = NULL;
	if (sc == NULL)
		sc = scenario_find(&cat.scenarios, "데이터베이스 장애");
	assert_non_null(sc);
	assert_int_equal(runbook_start(&rb, &cat, sc, &env, NULL, &cause), 0);
}

/* Starts a run of 데이터베이스 장애 on the fixture as it is, keeping the fake host as it is. */
static void start_run_keep_fake(int refuse)
{
	start_scenario_keep_fake(refuse, NULL);
}

/* Starts a run of 데이터베이스 장애 on the fixture as it is, the executor refusing or not. */
static void start_run(int refuse)
{
	memset(&fk, 0, sizeof fk);
	fk.now = NOW;
	start_run_keep_fake(refuse);
}

/* Starts a run with the primary's PostgreSQL killed (its host answers). */
static int run_setup(void **state)
{
	(void)state;
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5;
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	snprintf(fx.st[0].pg.error, sizeof fx.st[0].pg.error, "connection refused");
	start_run(0);
	return 0;
}

/* Frees the run and the journal kept. */
static int run_teardown(void **state)
{
	(void)state;
	runbook_free(&rb);
	for (size_t i = 0; i < fk.n_rec; i++)
		free(fk.rec_json[i]);
	return 0;
}

/* Sends the live fixture. */
static void tick(void)
{
	runbook_tick(&rb, fx.st, 2);
}

/* Answers request i. */
static void answer(size_t i, int ok, const char *detail)
{
	struct rb_result r = {.id = fk.req[i].id,
	                      .ok = ok,
	                      .exit_status = ok ? 0 : 1,
	                      .output = "out\n",
	                      .detail = detail,
	                      .lsn = -1};
	runbook_result(&rb, &r);
}

/* Walks to the promotion and answers it: the new primary started from lsn. */
static void promote_at(int64_t lsn)
{
	tick();
	answer(0, 1, NULL);
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	struct rb_result pr = {
	    .id = fk.req[1].id, .ok = 1, .exit_status = -1, .detail = "promoted", .lsn = lsn};
	runbook_result(&rb, &pr);
}

/* Asserts the state of step i (from 0). */
static void expect_state(size_t i, enum rb_state s)
{
	if (rb.steps[i].state != s)
		print_message("step %zu is %s (%s)\n", i + 1, runbook_state_name(rb.steps[i].state),
		              rb.steps[i].why);
	assert_int_equal(rb.steps[i].state, s);
}

/* Returns the journal's types joined by spaces. */
static char *types(void)
{
	static char buf[2048];
	buf[0] = '\0';
	for (size_t i = 0; i < fk.n_rec; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "",
		         fk.rec[i]);
	return buf;
}

/* Returns the events the run told, oldest first, as "level: text" lines. */
static char *told(void)
{
	static char buf[4096];
	buf[0] = '\0';
	for (size_t i = event_log_count(&events); i-- > 0;) {
		const struct event *e = event_log_get(&events, i);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s: %s\n",
		         event_level_name(e->level), e->text);
	}
	return buf;
}

/* Returns the last record of a type, as JSON text. */
static const char *last(const char *type)
{
	for (size_t i = fk.n_rec; i-- > 0;)
		if (strcmp(fk.rec[i], type) == 0)
			return fk.rec_json[i];
	fail_msg("no %s record in: %s", type, types());
	return NULL;
}

/* The run's actions that apply now (core/rbkeys.c), to hold against what the engine accepts. */
static const char *keys_now(void)
{
	struct rbkeys_in in;
	rbkeys_read(&rb, &in);
	return rbkeys_fixture_acts(&in);
}

/* The whole failover, step by step, with exact requests and journal. */
static void test_database_failover(void **state)
{
	(void)state;
	tick();
	/* verify_replication_status needs no confirmation: sent at once. */
	assert_int_equal(fk.n_req, 1);
	assert_string_equal(fk.req_text[0], "builtin datacenter-2 replication_check");
	expect_state(0, RB_RUNNING);
	fk.now += 1500;
	answer(0, 1, "datacenter-2 replayed all it received");
	expect_state(0, RB_DONE);
	/* promote_standby: guards pass (PostgreSQL down at a reachable primary, standby caught up).
	 */
	expect_state(1, RB_AWAITING);
	assert_int_equal(rb.steps[1].n_guards, 2);
	assert_true(rb.steps[1].guards[0].pass && rb.steps[1].guards[1].pass);
	assert_string_equal(runbook_confirm_target(&rb), "datacenter-2");
	assert_int_equal(runbook_confirm(&rb, "datacenter-1"), RB_CONFIRM_MISTYPED);
	assert_int_equal(fk.n_req, 1);
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	assert_int_equal(fk.n_req, 2);
	assert_string_equal(fk.req_text[1], "builtin datacenter-2 promote");
	struct rb_result pr = {
	    .id = fk.req[1].id, .ok = 1, .exit_status = -1, .detail = "promoted", .lsn = 0x4191890};
	runbook_result(&rb, &pr);
	assert_true(rb.promoted);
	expect_state(1, RB_VERIFYING);
	assert_string_equal(fk.req_text[2], "check datacenter-2 writable");
	answer(2, 1, "a write succeeded");
	expect_state(1, RB_DONE);
	/* update_connection_string: manual, marked done by the operator. */
	expect_state(2, RB_AWAITING);
	assert_string_equal(keys_now(), "done skip note abort");
	assert_int_equal(runbook_confirm(&rb, NULL), RB_CONFIRM_NOT_ASKED);
	assert_int_equal(runbook_manual_done(&rb), 0);
	/* verify_data_integrity: data_loss computed here, then its check. */
	expect_state(3, RB_VERIFYING);
	assert_string_equal(fk.req_text[3], "check datacenter-2 writable");
	answer(3, 1, NULL);
	expect_state(3, RB_DONE);
	assert_true(rb.finished);
	assert_int_equal(rb.current, rb.n);
	assert_string_equal(types(),
	                    "run_started step_started step_output step_finished step_confirmed "
	                    "step_started step_output check_result step_finished step_finished "
	                    "step_started data_loss check_result step_finished run_finished");
	assert_non_null(strstr(last("run_finished"), "\"result\":\"done\""));
	assert_non_null(strstr(last("step_confirmed"), "\"confirm\":\"typed\""));
}

/* The old primary alive and writable: guarded; overridden, the promotion is still refused. */
static void test_promote_refused_while_primary_writable(void **state)
{
	(void)state;
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5;
	tick();
	answer(0, 1, NULL);
	expect_state(1, RB_GUARDED);
	assert_non_null(
	    strstr(rb.steps[1].why, "primary_fenced: datacenter-1 answers as a writable primary"));
	/* the primary answers: no attestation offered, and none accepted */
	assert_string_equal(keys_now(), "override skip note abort");
	assert_int_equal(runbook_attest(&rb, "datacenter-1"), -1);
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_NOT_ASKED);
	assert_int_equal(runbook_override(&rb, "yes"), -1);
	assert_int_equal(runbook_override(&rb, "primary_fenced"), 0);
	expect_state(1, RB_AWAITING);
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	expect_state(1, RB_FAILED);
	assert_string_equal(keys_now(), "retry skip note abort");
	assert_int_equal(runbook_manual_done(&rb), -1); /* d is not offered: it does nothing */
	assert_int_equal(fk.n_req, 1); /* no promote was ever sent */
	assert_non_null(strstr(rb.steps[1].why,
	                       "promotion refused: datacenter-1 answers as a writable primary"));
	assert_non_null(strstr(last("guard_override"), "primary_fenced"));
	assert_non_null(strstr(last("step_finished"), "promotion refused"));
}

/* A confirmation is refused when the live state moved since the dialog opened. */
static void test_confirmation_recheck(void **state)
{
	(void)state;
	tick();
	answer(0, 1, NULL);
	expect_state(1, RB_AWAITING);
	fx.st[1].pg.replay_lsn.v += 16;
	fx.st[1].pg.receive_lsn.v += 16;
	tick();
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_CHANGED);
	assert_int_equal(fk.n_req, 1);
	assert_non_null(strstr(last("confirmation_refused"), "\"lsn_now\":68753568"));
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	assert_int_equal(fk.n_req, 2);
	/* the timeline too */
	run_teardown(NULL);
	run_setup(NULL);
	tick();
	answer(0, 1, NULL);
	fx.st[1].pg.timeline.v = 2;
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_CHANGED);
}

/* A step whose outcome is not known is settled by its check, never run again blindly. */
static void test_unknown_settled_by_check(void **state)
{
	(void)state;
	tick();
	answer(0, 1, NULL);
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	fk.now += 90 * 1000; /* the promotion's deadline passes */
	struct rb_result lost = {.id = fk.req[1].id, .exit_status = -1, .timed_out = 1, .lsn = -1};
	runbook_result(&rb, &lost);
	/* timed out: the check (writable) is asked at once, the promotion is not sent again */
	expect_state(1, RB_VERIFYING);
	assert_int_equal(fk.n_req, 3);
	assert_string_equal(fk.req_text[2], "check datacenter-2 writable");
	answer(2, 1, NULL);
	expect_state(1, RB_DONE);
	size_t promotes = 0;
	for (size_t i = 0; i < fk.n_req; i++)
		promotes += strcmp(fk.req_text[i], "builtin datacenter-2 promote") == 0;
	assert_int_equal(promotes, 1);
	assert_non_null(strstr(types(), "step_unknown"));
}

/* Failure, retry, skip with a reason, note, abort: each journaled. */
static void test_fail_retry_skip_abort(void **state)
{
	(void)state;
	tick();
	answer(0, 0, "datacenter-2 is not streaming");
	expect_state(0, RB_FAILED);
	assert_string_equal(rb.steps[0].why, "datacenter-2 is not streaming");
	assert_int_equal(runbook_skip(&rb, ""), -1);
	assert_int_equal(runbook_retry(&rb), 0);
	expect_state(0, RB_RUNNING);
	assert_int_equal(fk.n_req, 2);
	answer(1, 0, "still not streaming");
	assert_int_equal(runbook_skip(&rb, "checked by hand: streaming stopped with the primary"),
	                 0);
	expect_state(0, RB_SKIPPED);
	expect_state(1, RB_AWAITING);
	runbook_note(&rb, "DBA on the phone");
	assert_non_null(strstr(last("note"), "DBA on the phone"));
	runbook_abort(&rb, "escalated");
	assert_true(rb.finished && rb.aborted);
	assert_non_null(strstr(last("run_finished"), "\"result\":\"aborted\""));
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_NOT_ASKED);
}

/* An operation that cannot be sent fails the step plainly. */
static void test_submit_refused(void **state)
{
	(void)state;
	run_teardown(NULL);
	start_run(1);
	expect_state(0, RB_FAILED);
	assert_string_equal(
	    rb.steps[0].why,
	    "could not send the operation to datacenter-2 (its agent is not connected)");
}

/* Starts a drill of the fixture's catalog, tabletop or live, on a fresh fake host. */
static void start_drill(const char *name, int tabletop)
{
	run_teardown(NULL);
	memset(&fk, 0, sizeof fk);
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5; /* both sites up: a live run could act */
	event_log_free(&events);
	event_log_init(&events, 0);
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, &events};
	char *cause = NULL;
	const struct scenario *sc = drillrun_find(&cat, name);
	assert_non_null(sc);
	assert_int_equal(runbook_start_mode(&rb, &cat, sc, &env, NULL, tabletop, &cause), 0);
}

/*
 * A tabletop never submits: every step of 전체 시스템 다운 (fence, promote,
 * services, data loss) is narrated, refuses a confirmation even with the
 * right site typed, and is marked "done (tabletop)"; no request reaches the
 * executor, and no fact (fenced, promoted) is taken as true. The same drill
 * live sends the fence once its site's name is typed.
 */
static void test_tabletop_submits_nothing(void **state)
{
	(void)state;
	start_drill("전체 시스템 다운", 1);
	for (size_t i = 0; i < 4; i++) {
		tick();
		expect_state(i, RB_AWAITING);
		assert_int_equal(runbook_confirm(&rb, i < 2 ? (i ? "datacenter-2" : "datacenter-1")
		                                            : ""),
		                 RB_CONFIRM_NOT_ASKED);
		fk.now += 1000;
		assert_int_equal(runbook_manual_done(&rb), 0);
		assert_string_equal(rb.steps[i].why, "done (tabletop)");
	}
	tick();
	assert_int_equal(fk.n_req, 0);
	assert_true(rb.finished);
	assert_false(rb.fenced);
	assert_false(rb.promoted);
	size_t done = 0;
	for (size_t i = 0; i < fk.n_rec; i++)
		done += strcmp(fk.rec[i], "step_finished") == 0 &&
		        strstr(fk.rec_json[i], "\"detail\":\"done (tabletop)\"") != NULL;
	assert_int_equal(done, 4);

	start_drill("전체 시스템 다운", 0);
	tick();
	assert_int_equal(runbook_manual_done(&rb), -1); /* live: a built-in is not marked by hand */
	runbook_mark(&rb); /* the dialog opens on the live state */
	assert_int_equal(runbook_confirm(&rb, "datacenter-1"), RB_CONFIRM_OK);
	assert_int_equal(fk.n_req, 1);
	assert_string_equal(fk.req_text[0], "builtin datacenter-1 fence");
}

/* Timers: elapsed, projected finish against 15분, amber then red. */
static void test_timers(void **state)
{
	(void)state;
	/* estimates: 1m + 3m + 5m + 3m = 12m against 15m */
	assert_int_equal(runbook_projected_ms(&rb), 12 * 60000);
	assert_int_equal(runbook_timer_level(&rb), RB_TIMER_OK);
	tick();              /* step 1 starts now */
	fk.now += 4 * 60000; /* 3 minutes over its estimate */
	assert_int_equal(runbook_elapsed_ms(&rb), 4 * 60000);
	assert_int_equal(runbook_projected_ms(&rb), 4 * 60000 + 11 * 60000);
	assert_int_equal(runbook_timer_level(&rb), RB_TIMER_OK);
	fk.now += 60001;
	assert_int_equal(runbook_timer_level(&rb), RB_TIMER_AMBER);
	fk.now += 10 * 60000;
	assert_int_equal(runbook_timer_level(&rb), RB_TIMER_RED);
}

/* The data lost: bytes past the promoted position and the seconds of writes they were. */
static void test_data_loss(void **state)
{
	(void)state;
	run_teardown(NULL);
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5;
	start_run(0);
	/* the primary writes: seen at 0x1000 then 0x2000 then 0x3000, a second apart */
	int64_t lsns[3] = {0x1000, 0x2000, 0x3000};
	for (int i = 0; i < 3; i++) {
		fx.st[0].pg.current_lsn.v = lsns[i];
		fx.st[0].pg.at_ms = fk.now;
		tick();
		fk.now += 1000;
	}
	assert_int_equal(rb.track.lsn, 0x3000);
	/* then it dies; the standby had 0x1800 */
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	fx.st[0].health.at_ms = fk.now - 100; /* its host still answers */
	fx.st[1].pg.replay_lsn.v = fx.st[1].pg.receive_lsn.v = 0x3000;
	fx.st[1].pg.at_ms = fk.now - 100;
	promote_at(0x1800);
	answer(2, 1, NULL);
	assert_int_equal(runbook_manual_done(&rb), 0);
	assert_string_equal(
	    rb.steps[3].why,
	    "data lost: 6.0 KiB, 1s of writes (the old primary was last seen at 0/3000, "
	    "the new one started from 0/1800)");
	assert_non_null(strstr(last("data_loss"), "\"bytes\":6144"));
	assert_non_null(strstr(last("data_loss"), "\"seconds\":1.0"));
}

/*
 * After the promotion the fence is armed at the old primary's agent, which
 * sends it itself when the old primary answers writable: the alarm is raised,
 * nothing more is sent from here, the alarm is lowered once the fence is
 * proven, and the fence is armed again.
 */
static void test_split_brain_fenced_on_return(void **state)
{
	(void)state;
	promote_at(0x4191890);
	size_t before = fk.n_req;
	tick(); /* armed at once, before anything came back */
	assert_int_equal(fk.n_req, before + 1);
	assert_string_equal(fk.req_text[before], "builtin datacenter-1 fence on return");
	assert_false(rb.split_brain);
	tick(); /* armed once */
	assert_int_equal(fk.n_req, before + 1);
	/* the old primary thaws, writable */
	fx.st[0].pg.up = 1;
	fx.st[0].pg.role = PG_ROLE_PRIMARY;
	fx.st[0].pg.at_ms = fk.now;
	tick();
	assert_true(rb.split_brain);
	assert_non_null(
	    strstr(rb.alarm, "SPLIT BRAIN: datacenter-1 answers as a writable primary"));
	assert_int_equal(fk.n_req, before + 1); /* the agent fires what is armed */
	answer(before, 1, "PostgreSQL stopped");
	assert_true(rb.split_brain); /* proven only once it no longer answers writable */
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	tick();
	assert_false(rb.split_brain);
	assert_non_null(strstr(
	    types(), "fence_armed split_brain fence_on_return fence_armed split_brain_resolved"));
	/* the alarm, the fence's outcome and the end of the alarm are events too */
	assert_string_equal(told(),
	                    "critical: SPLIT BRAIN: datacenter-1 answers as a writable primary "
	                    "(timeline 1, WAL at 0/4191890) after the promotion\n"
	                    "info: the fence on return of datacenter-1 worked: PostgreSQL stopped\n"
	                    "info: split brain over: the old primary is fenced (datacenter-1 does "
	                    "not answer as a writable primary)\n");
	/* armed again, should it come back once more */
	assert_int_equal(fk.n_req, before + 2);
	assert_string_equal(fk.req_text[before + 1], "builtin datacenter-1 fence on return");
}

/*
 * The agent fired the armed fence before the console saw the old primary
 * writable: the alarm is raised from the fence's answer. A fence that failed
 * is not armed again by itself; the operator fences by hand.
 */
static void test_split_brain_fired_unseen(void **state)
{
	(void)state;
	promote_at(0x4191890);
	size_t before = fk.n_req;
	tick();
	answer(before, 0, "PostgreSQL did not stop");
	assert_true(rb.split_brain);
	assert_non_null(strstr(rb.alarm, "datacenter-1 answered as a writable primary"));
	assert_non_null(strstr(types(), "fence_armed split_brain fence_on_return"));
	tick();
	assert_int_equal(fk.n_req, before + 1); /* not armed again after a failure */
	assert_int_equal(runbook_fence_returned_now(&rb), 0);
	assert_int_equal(fk.n_req, before + 2);
	assert_string_equal(fk.req_text[before + 1], "builtin datacenter-1 fence");
	assert_string_equal(told(), "critical: SPLIT BRAIN: datacenter-1 answered as a writable "
	                            "primary after the promotion\n"
	                            "critical: the fence on return of datacenter-1 failed: "
	                            "PostgreSQL did not stop\n"
	                            "warning: fence sent to datacenter-1: stop its PostgreSQL\n");
}

/* With fence_on_return off the alarm is raised and nothing is sent until the operator fences. */
static void test_split_brain_prompt_only(void **state)
{
	(void)state;
	rb.fence_on_return = 0;
	promote_at(0x4191890);
	size_t before = fk.n_req;
	fx.st[0].pg.up = 1;
	fx.st[0].pg.role = PG_ROLE_PRIMARY;
	tick();
	assert_true(rb.split_brain);
	assert_int_equal(fk.n_req, before);
	/* the operator fences it (f) */
	assert_int_equal(runbook_fence_returned_now(&rb), 0);
	assert_int_equal(fk.n_req, before + 1);
	assert_string_equal(fk.req_text[before], "builtin datacenter-1 fence");
	assert_int_equal(runbook_fence_returned_now(&rb), -1); /* not twice */
	assert_non_null(strstr(types(), "split_brain fence_asked fence_on_return"));
}

/* An unreachable old primary: fenced only once the operator attests it by typing its name. */
static void test_attest_unreachable(void **state)
{
	(void)state;
	fx.st[0].reachable = 0;
	fx.st[0].since_ms = NOW - 60000;
	snprintf(fx.st[0].error, sizeof fx.st[0].error, "connect timed out after 3s");
	tick();
	answer(0, 1, NULL);
	expect_state(1, RB_GUARDED);
	assert_string_equal(keys_now(), "override attest skip note abort");
	assert_int_equal(runbook_attest(&rb, "datacenter-2"), -1);
	assert_int_equal(runbook_attest(&rb, "datacenter-1"), 0);
	expect_state(1, RB_AWAITING);
	assert_non_null(strstr(last("attested"), "connect timed out after 3s"));
	assert_string_equal(told(), "warning: datacenter-1 attested down by the operator instead "
	                            "of a fence (journaled)\n");
}

/* Starts a run of sc (NULL: 데이터베이스 장애) again, its records also in a real journal in dir. */
static void start_file_run_of(char *dir, char **path, const struct scenario *sc)
{
	char *cause = NULL;
	assert_non_null(mkdtemp(dir));
	run_teardown(NULL);
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5;
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	memset(&fk, 0, sizeof fk);
	fk.now = NOW;
	file_journal = journal_create(dir, fake_journal_now, path, &cause);
	assert_non_null(file_journal);
	start_scenario_keep_fake(0, sc);
}

/* Starts the run again with its records also written to a real journal in dir (path set). */
static void start_file_run(char *dir, char **path)
{
	start_file_run_of(dir, path, NULL);
}

/* Killed after the failback stopped the DR site's writes: the resumed run knows where they stopped. */
static void test_resume_keeps_stop_position(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-rb-XXXXXX", *path = NULL, *cause = NULL;
	start_file_run_of(dir, &path, scenario_find(&cat.own, "failback"));
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, &events};
	fx.st[0].pg.up = 1; /* the old primary, rebuilt: a standby */
	fx.st[0].pg.role = PG_ROLE_STANDBY;
	fx.st[1].pg.role = PG_ROLE_PRIMARY;
	tick();
	expect_state(0, RB_AWAITING);
	assert_int_equal(runbook_confirm(&rb, runbook_confirm_target(&rb)), RB_CONFIRM_OK);
	answer(fk.n_req - 1, 1, "rebuilt");
	tick();
	expect_state(1, RB_AWAITING);
	assert_int_equal(runbook_confirm(&rb, runbook_confirm_target(&rb)), RB_CONFIRM_OK);
	struct rb_result stop = {
	    .id = fk.req[fk.n_req - 1].id, .ok = 1, .exit_status = 0, .detail = "stopped", .lsn = 0x3000060};
	runbook_result(&rb, &stop);
	assert_int_equal(rb.stopped_lsn, 0x3000060);
	/* the console dies here */
	journal_close(file_journal);
	file_journal = NULL;
	runbook_free(&rb);

	struct journal_records recs;
	struct diag d;
	diag_init(&d);
	assert_int_equal(journal_read(path, &recs, &d), 0);
	struct rb_live live = {fx.st, 2, NULL, NULL, NULL};
	assert_int_equal(runbook_resume(&rb, &cat, &recs, &env, &live, &cause), 0);
	assert_int_equal(rb.stopped_lsn, 0x3000060);
	assert_int_equal(rb.back_lsn, -1);
	journal_records_free(&recs);
	diag_free(&d);
	free(path);
	char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* Killed while the promotion ran: resumed from the journal, the check settles it; nothing runs
 * twice. */
static void test_resume_after_kill(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-rb-XXXXXX", *path = NULL, *cause = NULL;
	start_file_run(dir, &path);
	tick();
	answer(0, 1, "caught up");
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	assert_string_equal(fk.req_text[1], "builtin datacenter-2 promote");
	/* the console dies here: no result, no step_finished */
	journal_close(file_journal);
	file_journal = NULL;
	runbook_free(&rb);

	struct journal_records recs;
	struct diag d;
	diag_init(&d);
	assert_int_equal(journal_read(path, &recs, &d), 0);
	size_t before = fk.n_req;
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, NULL};
	struct rb_live live = {fx.st, 2, NULL, NULL, NULL};
	fk.now += 30000;
	assert_int_equal(runbook_resume(&rb, &cat, &recs, &env, &live, &cause), 0);
	expect_state(0, RB_DONE);
	/* the promotion's outcome is not known, and it may still be going on for a minute */
	expect_state(1, RB_UNKNOWN);
	/* its time runs from when it became current, before the console died */
	assert_true(runbook_step_elapsed_ms(&rb, &rb.steps[1]) >= 30000);
	assert_int_equal(fk.n_req, before);
	assert_string_equal(rb.steps[1].why, "its outcome is not known: its check runs in 60 s, "
	                                     "when the command's time is up");
	fk.now += 60000;
	fx.st[0].pg.at_ms = fx.st[1].pg.at_ms = fx.st[0].health.at_ms = fk.now;
	tick();
	/* then its check (writable) is asked, not the promotion */
	expect_state(1, RB_VERIFYING);
	assert_int_equal(fk.n_req, before + 1);
	assert_string_equal(fk.req_text[before], "check datacenter-2 writable");
	answer(before, 1, "accepts writes");
	expect_state(1, RB_DONE);
	expect_state(2, RB_AWAITING);
	assert_true(rb.promoted);
	assert_non_null(strstr(types(), "step_unknown run_resumed"));
	size_t promotes = 0;
	for (size_t i = 0; i < fk.n_req; i++)
		promotes += strcmp(fk.req_text[i], "builtin datacenter-2 promote") == 0;
	assert_int_equal(promotes, 1);
	journal_records_free(&recs);
	diag_free(&d);
	free(path);
	char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* A catalog whose network steps run commands: routes on the DR site, with a check. */
static struct catalog net_cat;

/* Starts a run of 네트워크 장애 with commands on the sites (from net_cat). */
static void start_net_run(void)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *golden = xasprintf("%s/tests/tui/golden/drconsole.yml", top), *text = NULL;
	FILE *f = fopen(golden, "r");
	size_t len = 0;
	assert_non_null(f);
	assert_int_equal(getdelim(&text, &len, '\0', f) > 0, 1);
	fclose(f);
	char *conf =
	    xasprintf("%s\nactions:\n  activate_backup_network:\n    site: dr\n"
	              "    run: \"set-network backup\"\n    confirm: none\n"
	              "  update_routing_tables:\n    site: dr\n    run: \"set-routes\"\n"
	              "    check: \"test -e routes\"\n    confirm: none\n    timeout: 10s\n",
	              text);
	char *path = unit_write_file(conf);
	struct diag d;
	diag_init(&d);
	int rc = catalog_load(&net_cat, path, &d);
	if (d.errors)
		diag_print(&d, stderr);
	assert_int_equal(rc, 0);
	diag_free(&d);
	unlink(path);
	free(path);
	free(conf);
	free(text);
	free(golden);
	runbook_free(&rb);
	memset(&fk, 0, sizeof fk);
	fk.now = NOW;
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 7 * RUNBOOK_ID_SPAN, NULL};
	char *cause = NULL;
	assert_int_equal(runbook_start(&rb, &net_cat,
	                               scenario_find(&net_cat.scenarios, "네트워크 장애"), &env,
	                               NULL, &cause),
	                 0);
	tick();
	answer(0, 1, NULL); /* the backup network is up */
	expect_state(0, RB_DONE);
	expect_state(1, RB_RUNNING);
	assert_string_equal(fk.req_text[1], "run datacenter-2 set-routes");
}

/* Frees the network catalog after its test. */
static int net_teardown(void **state)
{
	run_teardown(state);
	catalog_free(&net_cat);
	return 0;
}

/*
 * A command whose answer never came may still run on its site: it is
 * unknown, a retry is refused, the site is asked until it has ended, then
 * the check decides; it is never sent twice.
 */
static void test_remote_lost_lingers(void **state)
{
	(void)state;
	start_net_run();
	struct rb_result lost = {.id = fk.req[1].id,
	                         .exit_status = -1,
	                         .lost = 1,
	                         .may_run = 1,
	                         .pid = 4242,
	                         .detail = "datacenter-2: no answer within 15.0 s"};
	runbook_result(&rb, &lost);
	expect_state(1, RB_UNKNOWN);
	assert_true(runbook_may_run(&rb.steps[1]));
	assert_non_null(strstr(rb.steps[1].why, "no answer within 15.0 s"));
	assert_non_null(strstr(rb.steps[1].why, "may still be running on datacenter-2"));
	assert_non_null(strstr(rb.steps[1].why, "process group 4242"));
	/* asked at once */
	assert_int_equal(fk.n_req, 3);
	assert_int_equal(fk.req[2].op, RB_OP_STATUS);
	assert_int_equal(fk.req[2].of, fk.req[1].id);
	/* it may still run: r is not offered, and refused */
	assert_string_equal(keys_now(), "note abort"); /* the site is being asked */
	assert_int_equal(runbook_retry(&rb), -1);
	assert_non_null(strstr(types(), "retry_refused"));
	struct rb_result running = {.id = fk.req[2].id,
	                            .ok = 1,
	                            .exit_status = -1,
	                            .pid = 4242,
	                            .status_end = SUPERVISE_RUNNING};
	runbook_result(&rb, &running);
	expect_state(1, RB_UNKNOWN);
	tick();
	assert_int_equal(fk.n_req, 3); /* not before RUNBOOK_ASK_MS */
	fk.now += RUNBOOK_ASK_MS;
	tick();
	assert_int_equal(fk.n_req, 4);
	assert_int_equal(fk.req[3].op, RB_OP_STATUS);
	struct rb_result ended = {
	    .id = fk.req[3].id, .ok = 1, .exit_status = 0, .status_end = SUPERVISE_EXITED};
	runbook_result(&rb, &ended);
	assert_false(runbook_may_run(&rb.steps[1]));
	/* its check decides at once */
	expect_state(1, RB_VERIFYING);
	assert_string_equal(fk.req_text[4], "check datacenter-2 test -e routes");
	answer(4, 1, NULL);
	expect_state(1, RB_DONE);
	size_t sent = 0;
	for (size_t i = 0; i < fk.n_req; i++)
		sent += strcmp(fk.req_text[i], "run datacenter-2 set-routes") == 0;
	assert_int_equal(sent, 1);
}

/* A command the site stopped at its deadline failed, with the real cause; it may be retried. */
static void test_remote_stopped(void **state)
{
	(void)state;
	start_net_run();
	struct rb_result stopped = {
	    .id = fk.req[1].id,
	    .exit_status = -1,
	    .timed_out = 1,
	    .stopped = 1,
	    .detail =
	        "datacenter-2: timed out after 10.0 s; the site stopped it (its process group "
	        "is gone)"};
	runbook_result(&rb, &stopped);
	expect_state(1, RB_FAILED);
	assert_string_equal(rb.steps[1].why, stopped.detail);
	assert_false(runbook_may_run(&rb.steps[1]));
	assert_int_equal(runbook_retry(&rb), 0);
	expect_state(1, RB_RUNNING);
	assert_non_null(strstr(last("step_output"), "\"stopped\":true"));
	/* output cut: how much is told in the record and kept for the screen */
	struct rb_result big = {.id = fk.req[fk.n_req - 1].id,
	                        .ok = 1,
	                        .exit_status = 0,
	                        .output = "...last line\n",
	                        .errout = "warning\n",
	                        .cut = 2097152};
	runbook_result(&rb, &big);
	assert_int_equal(rb.steps[1].cut, 2097152);
	assert_string_equal(rb.steps[1].errout, "warning\n");
	assert_non_null(strstr(last("step_output"), "\"cut_bytes\":2097152"));
	assert_non_null(strstr(last("step_output"), "\"stderr\":\"warning\\n\""));
}

/* Results of operations this run did not send are dropped and journaled, never applied. */
static void test_stray_result(void **state)
{
	(void)state;
	tick();
	struct rb_result stray = {.id = 5000, .ok = 1, .exit_status = 0}; /* another run's */
	runbook_result(&rb, &stray);
	expect_state(0, RB_RUNNING);
	assert_int_equal(rb.stray, 1);
	assert_non_null(strstr(last("result_dropped"), "not an operation of this run"));
}

/*
 * A journal that cannot be written holds the run: the step is not sent, no
 * confirmation is taken, the screen can say why; once it can be written the
 * records kept are written in order and the run goes on.
 */
static void test_journal_full(void **state)
{
	(void)state;
	tick();
	answer(0, 1, "caught up");
	expect_state(1, RB_AWAITING);
	size_t sent = fk.n_req, recs = fk.n_rec;
	fk.full = 1;
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_HELD);
	assert_int_equal(fk.n_req, sent); /* the promotion was not sent */
	assert_true(rb.held);
	assert_int_equal(runbook_note(&rb, "x"), -1);
	assert_int_equal(runbook_skip(&rb, "y"), -1);
	tick();
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_HELD);
	assert_int_equal(fk.n_rec, recs); /* nothing written meanwhile */
	fk.full = 0;
	tick();
	assert_false(rb.held);
	assert_string_equal(fk.rec[recs], "journal_refused");
	expect_state(1, RB_AWAITING);
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	assert_int_equal(fk.n_req, sent + 1);
	/* a result that comes while the journal is full is kept, and its check waits */
	fk.full = 1;
	struct rb_result pr = {.id = fk.req[sent].id, .ok = 1, .exit_status = -1, .lsn = 77};
	runbook_result(&rb, &pr);
	expect_state(1, RB_RUNNING);
	assert_int_equal(fk.n_req, sent + 1);
	fk.full = 0;
	tick();
	expect_state(1, RB_VERIFYING);
	assert_non_null(strstr(types(), "step_confirmed step_started step_output"));
}

/* A step's time runs from when it became current; a finished run's clock stops. */
static void test_step_time(void **state)
{
	(void)state;
	tick();
	answer(0, 1, NULL);
	fk.now += 5 * 60000; /* the confirmation waits five minutes */
	assert_int_equal(runbook_step_elapsed_ms(&rb, &rb.steps[1]), 5 * 60000);
	runbook_abort(&rb, "test");
	int64_t at_end = runbook_elapsed_ms(&rb);
	fk.now += 60000;
	assert_int_equal(runbook_elapsed_ms(&rb), at_end);
	assert_int_equal(runbook_step_elapsed_ms(&rb, &rb.steps[1]), 5 * 60000);
}

/*
 * Text from a site that is not valid UTF-8, a tail cut inside a Hangul
 * character, a 255-byte reason: every record keeps its fields, and a resumed
 * run sees the skip as a skip.
 */
static void test_hostile_text(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-rb-XXXXXX", *path = NULL, *cause = NULL;
	start_file_run(dir, &path);
	tick();
	char out[5000];
	memset(out, 'a', sizeof out);
	memcpy(out, "\xff\xfe bad \x9b[2J", 12);
	memcpy(out + sizeof out - 4, "\xed\x95", 2); /* 한, cut after two of its three bytes */
	out[sizeof out - 2] = '\xc0';
	out[sizeof out - 1] = '\0';
	struct rb_result r = {.id = fk.req[0].id,
	                      .ok = 1,
	                      .exit_status = 0,
	                      .output = out,
	                      .detail = "caught up \xff",
	                      .lsn = -1};
	runbook_result(&rb, &r);
	expect_state(0, RB_DONE);
	char reason[256];
	for (size_t i = 0; i + 3 <= 255; i += 3)
		memcpy(reason + i, "확", 3);
	reason[255] = '\0';
	assert_int_equal(strlen(reason), 255);
	expect_state(1, RB_AWAITING);
	assert_int_equal(runbook_skip(&rb, reason), 0);
	assert_non_null(strstr(last("step_output"), "\"output\":\""));
	assert_non_null(strstr(last("step_output"), "\"detail\":\"caught up \xef\xbf\xbd\""));
	assert_non_null(strstr(last("step_finished"), "\"result\":\"skipped\""));
	journal_close(file_journal);
	file_journal = NULL;
	runbook_free(&rb);

	struct journal_records recs;
	struct diag d;
	diag_init(&d);
	assert_int_equal(journal_read(path, &recs, &d), 0);
	for (size_t i = 0; i < recs.n; i++)
		assert_true(json_object_size(recs.items[i].data) > 2 ||
		            strcmp(recs.items[i].type, "run_sealed") == 0);
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, NULL};
	struct rb_live live = {fx.st, 2, NULL, NULL, NULL};
	assert_int_equal(runbook_resume(&rb, &cat, &recs, &env, &live, &cause), 0);
	expect_state(0, RB_DONE);
	expect_state(1, RB_SKIPPED);
	journal_records_free(&recs);
	diag_free(&d);
	journal_unlink(path);
	free(path);
	char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* Returns how many records of a type the journal holds. */
static size_t count(const char *type)
{
	size_t n = 0;
	for (size_t i = 0; i < fk.n_rec; i++)
		n += strcmp(fk.rec[i], type) == 0;
	return n;
}

/* Returns the watcher's confirmation: by watch, with evidence. */
static json_t *by_watch(const char *evidence)
{
	return json_pack("{s:s, s:s}", "by", "watch", "evidence", evidence);
}

/*
 * A policy confirms a typed step without the typed name, its evidence in
 * step_confirmed; it never confirms a manual step, nor a step not awaiting.
 */
static void test_confirm_by_policy(void **state)
{
	(void)state;
	assert_int_equal(runbook_confirm_by(&rb, by_watch("too early")), RB_CONFIRM_NOT_ASKED);
	tick();
	assert_int_equal(runbook_confirm_by(&rb, by_watch("still running")),
	                 RB_CONFIRM_NOT_ASKED); /* step 1 runs: nothing awaits */
	answer(0, 1, NULL);
	expect_state(1, RB_AWAITING);
	assert_int_equal(rb.steps[1].plan->action->confirm, CONFIRM_TYPED);
	assert_int_equal(runbook_confirm_by(&rb, by_watch("both observers: no answer, 3 checks")),
	                 RB_CONFIRM_OK);
	assert_int_equal(fk.n_req, 2);
	assert_string_equal(fk.req_text[1], "builtin datacenter-2 promote");
	expect_state(1, RB_RUNNING);
	const char *rec = last("step_confirmed");
	assert_non_null(strstr(rec, "\"by\":\"watch\""));
	assert_non_null(strstr(rec, "\"evidence\":\"both observers: no answer, 3 checks\""));
	assert_non_null(strstr(rec, "\"confirm\":\"typed\""));
	assert_non_null(strstr(rec, "\"primary\":"));
	assert_non_null(strstr(rec, "\"action\":\"promote_standby\""));
	/* the promotion and its check; then update_connection_string, manual */
	struct rb_result pr = {
	    .id = fk.req[1].id, .ok = 1, .exit_status = -1, .detail = "promoted", .lsn = 0x4191890};
	runbook_result(&rb, &pr);
	answer(2, 1, "a write succeeded");
	expect_state(2, RB_AWAITING);
	size_t sent = fk.n_req;
	assert_int_equal(runbook_confirm_by(&rb, by_watch("a policy cannot do it")),
	                 RB_CONFIRM_NOT_ASKED);
	expect_state(2, RB_AWAITING);
	assert_int_equal(count("step_confirmed"), 1);
	tick();
	assert_int_equal(fk.n_req, sent + 1); /* only the fence armed at the old primary */
	assert_string_equal(fk.req_text[sent], "builtin datacenter-1 fence on return");
	expect_state(2, RB_AWAITING);
}

/* A policy's confirmation is refused when a guard fails now: nothing is sent. */
static void test_confirm_by_guarded(void **state)
{
	(void)state;
	tick();
	answer(0, 1, NULL);
	expect_state(1, RB_AWAITING);
	/* the old primary answers as a writable primary again, unseen by a tick */
	fx.st[0].pg.up = 1;
	fx.st[0].pg.role = PG_ROLE_PRIMARY;
	fx.st[0].pg.at_ms = fk.now;
	assert_int_equal(runbook_confirm_by(&rb, by_watch("both observers: no answer")),
	                 RB_CONFIRM_GUARDED);
	expect_state(1, RB_GUARDED);
	assert_int_equal(fk.n_req, 1);
	assert_int_equal(count("step_confirmed"), 0);
	assert_non_null(strstr(last("step_guarded"), "primary_fenced"));
	/* and a journal that cannot be written holds it as it holds a person */
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5;
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	tick();
	expect_state(1, RB_AWAITING);
	fk.full = 1;
	assert_int_equal(runbook_confirm_by(&rb, by_watch("x")), RB_CONFIRM_HELD);
	assert_int_equal(fk.n_req, 1);
	fk.full = 0;
}

/* Unreachable, the old primary fails primary_fenced; fenced by the watcher, it passes. */
static void fence_outside(void)
{
	fx.st[0].reachable = 0;
	fx.st[0].since_ms = NOW - 60000;
	snprintf(fx.st[0].error, sizeof fx.st[0].error, "connect timed out after 3s");
	tick();
	answer(0, 1, NULL);
	expect_state(1, RB_GUARDED);
	assert_non_null(strstr(rb.steps[1].why, "primary_fenced: datacenter-1 unreachable"));
	assert_int_equal(runbook_fenced_by(&rb, "watch", "fence_command on datacenter-1: exit 0"),
	                 0);
	assert_true(rb.fenced);
	const char *rec = last("fenced");
	assert_non_null(strstr(rec, "\"site\":\"datacenter-1\""));
	assert_non_null(strstr(rec, "\"by\":\"watch\""));
	assert_non_null(strstr(rec, "\"evidence\":\"fence_command on datacenter-1: exit 0\""));
}

/* runbook_fenced_by makes primary_fenced pass, journaled with its evidence; then a policy confirms.
 */
static void test_fenced_by(void **state)
{
	(void)state;
	fence_outside();
	tick();
	expect_state(1, RB_AWAITING);
	assert_true(rb.steps[1].guards[0].pass);
	assert_non_null(strstr(rb.steps[1].guards[0].evidence, "datacenter-1 fenced by this run"));
	assert_int_equal(runbook_confirm_by(&rb, by_watch("confirmed; fenced")), RB_CONFIRM_OK);
	assert_string_equal(fk.req_text[fk.n_req - 1], "builtin datacenter-2 promote");
	assert_non_null(strstr(types(), "step_guarded fenced step_confirmed"));
}

/* A fence made outside the steps is still known to a run resumed from its journal. */
static void test_fenced_by_resumed(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-rb-XXXXXX", *path = NULL, *cause = NULL;
	start_file_run(dir, &path);
	fence_outside();
	/* the console dies here, before the step could go on */
	journal_close(file_journal);
	file_journal = NULL;
	runbook_free(&rb);

	struct journal_records recs;
	struct diag d;
	diag_init(&d);
	assert_int_equal(journal_read(path, &recs, &d), 0);
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, NULL};
	struct rb_live live = {fx.st, 2, NULL, NULL, NULL};
	assert_int_equal(runbook_resume(&rb, &cat, &recs, &env, &live, &cause), 0);
	assert_true(rb.fenced);
	tick();
	expect_state(1, RB_AWAITING);
	journal_records_free(&recs);
	diag_free(&d);
	journal_unlink(path);
	free(path);
	char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* Replays the run's file journal into shown, only to show it, at the clock *at (NULL: the wall). */
static void replay_into(struct runbook *shown, const char *path, const int64_t *at)
{
	struct journal_records recs;
	struct diag d;
	char *cause = NULL;
	diag_init(&d);
	assert_int_equal(journal_read(path, &recs, &d), 0);
	struct rb_live live = {fx.st, 2, NULL, NULL, at};
	assert_int_equal(runbook_replay(shown, &cat, &recs, &live, &cause), 0);
	journal_records_free(&recs);
	diag_free(&d);
}

/*
 * A run replayed to be shown: a guarded step shows guarded with its guard's
 * evidence, as journaled; a step no record moved past pending awaits its
 * confirmation; its clock is the one given (a review's capture time);
 * nothing is sent and nothing written.
 */
static void test_replay_shown(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-rb-XXXXXX", *path = NULL;
	struct runbook shown;
	start_file_run(dir, &path);
	fx.st[0].reachable = 0;
	snprintf(fx.st[0].error, sizeof fx.st[0].error, "connect timed out after 3s");
	tick();
	answer(0, 1, NULL);
	expect_state(1, RB_GUARDED);
	size_t req = fk.n_req, recs = fk.n_rec;
	int64_t at = NOW + 95000;
	replay_into(&shown, path, &at);
	assert_int_equal(shown.current, 1);
	assert_int_equal(shown.steps[0].state, RB_DONE);
	assert_int_equal(shown.steps[1].state, RB_GUARDED);
	assert_non_null(strstr(shown.steps[1].why, "primary_fenced: datacenter-1 unreachable"));
	assert_int_equal(runbook_elapsed_ms(&shown), at - shown.started_ms);
	runbook_free(&shown);
	/* overridden, it awaits its confirmation: no record says so, the engine journals none */
	assert_int_equal(runbook_override(&rb, "primary_fenced"), 0);
	expect_state(1, RB_AWAITING);
	replay_into(&shown, path, &at);
	assert_int_equal(shown.steps[1].state, RB_AWAITING);
	assert_string_equal(shown.steps[1].why, "");
	runbook_mark(&shown);
	runbook_confirm(&shown, "datacenter-2"); /* even confirmed, a run shown sends nothing */
	assert_int_not_equal(shown.steps[1].state, RB_RUNNING);
	runbook_free(&shown);
	assert_int_equal(fk.n_req, req);
	assert_int_equal(fk.n_rec, recs + 1); /* the override, in the run's own journal only */
	journal_close(file_journal);
	file_journal = NULL;
	journal_unlink(path);
	free(path);
	char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* Reads the run's file journal back and resumes from it, as a console started again would. */
static void resume_from(const char *path)
{
	struct journal_records recs;
	struct diag d;
	char *cause = NULL;
	journal_close(file_journal);
	file_journal = NULL;
	runbook_free(&rb);
	diag_init(&d);
	assert_int_equal(journal_read(path, &recs, &d), 0);
	struct rb_env env = {fake_now, fake_submit, fake_journal, &fk, 0, NULL};
	struct rb_live live = {fx.st, 2, NULL, NULL, NULL};
	assert_int_equal(runbook_resume(&rb, &cat, &recs, &env, &live, &cause), 0);
	journal_records_free(&recs);
	diag_free(&d);
}

/*
 * A fence made before the promotion does not hold a split brain that came
 * after it, in a resumed run as in the live one: the alarm stays until a
 * fence is proven.
 */
static void test_fenced_by_split_brain_resumed(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-rb-XXXXXX", *path = NULL;
	start_file_run(dir, &path);
	fence_outside();
	tick();
	assert_int_equal(runbook_confirm_by(&rb, by_watch("confirmed; fenced")), RB_CONFIRM_OK);
	struct rb_result pr = {
	    .id = fk.req[1].id, .ok = 1, .exit_status = -1, .detail = "promoted", .lsn = 0x4191890};
	runbook_result(&rb, &pr);
	assert_true(rb.promoted);
	/* the old primary comes back writable */
	fx.st[0].reachable = 1;
	fx.st[0].pg.up = 1;
	fx.st[0].pg.role = PG_ROLE_PRIMARY;
	fx.st[0].pg.at_ms = fk.now;
	tick();
	assert_true(rb.split_brain);
	assert_false(rb.fenced);
	/* the console dies; the old primary drops out of sight again, unfenced */
	resume_from(path);
	assert_true(rb.split_brain);
	assert_false(rb.fenced);
	fx.st[0].reachable = 0;
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	tick();
	assert_true(rb.split_brain);
	assert_int_equal(count("split_brain_resolved"), 0);
	journal_unlink(path);
	free(path);
	char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_database_failover, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_promote_refused_while_primary_writable, run_setup,
	                                    run_teardown),
	    cmocka_unit_test_setup_teardown(test_confirmation_recheck, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_settled_by_check, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_fail_retry_skip_abort, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_submit_refused, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_timers, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_tabletop_submits_nothing, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_data_loss, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_split_brain_fired_unseen, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_split_brain_fenced_on_return, run_setup,
	                                    run_teardown),
	    cmocka_unit_test_setup_teardown(test_split_brain_prompt_only, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_attest_unreachable, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_resume_after_kill, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_remote_lost_lingers, run_setup, net_teardown),
	    cmocka_unit_test_setup_teardown(test_remote_stopped, run_setup, net_teardown),
	    cmocka_unit_test_setup_teardown(test_stray_result, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_full, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_step_time, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_text, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_confirm_by_policy, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_confirm_by_guarded, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_fenced_by, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_resume_keeps_stop_position, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_fenced_by_resumed, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_replay_shown, run_setup, run_teardown),
	    cmocka_unit_test_setup_teardown(test_fenced_by_split_brain_resumed, run_setup,
	                                    run_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
