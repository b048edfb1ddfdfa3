/*
 * Tests of the run report (core/report*.c) on a journal the runbook engine
 * itself writes: 데이터베이스 장애 run through core/runbook.c on the
 * two-site fixture with a fake clock and executor, as test_runbook.c does,
 * every record going to a real journal, then reported. What the report
 * says (each step's time from becoming current, who confirmed it, the
 * promotion, the RTO, the data loss the engine could not measure) must be
 * what the engine did, so the report reads the records as they are written.
 */
#include "config.h"

#include "unit.h"

#include "journal_fixture.h"
#include "report_fixture.h"
#include "runbook.h"
#include "sites_fixture.h"

static struct fx fx;
static struct runbook rb;
static int64_t run_now;
static unsigned req_id[16];
static size_t n_req;
static struct journal *run_journal;

/* The engine's clock. */
static int64_t run_clock(void *arg)
{
	(void)arg;
	return run_now;
}

/* The journal's clock: the engine's. */
static int64_t run_journal_clock(void)
{
	return run_now;
}

/* The executor: keeps each request's id. */
static int run_submit(void *arg, const struct rb_request *r)
{
	(void)arg;
	if (n_req == sizeof req_id / sizeof req_id[0])
		return -1;
	req_id[n_req++] = r->id;
	return 0;
}

/* The engine's journal: the real one. */
static int run_record(void *arg, const char *type, json_t *data)
{
	char *cause = NULL;
	(void)arg;
	if (journal_append(run_journal, type, data, &cause) != 0)
		fail_msg("journal_append %s: %s", type, cause);
	return 0;
}

/* Answers request i. */
static void answer(size_t i, int ok, int64_t lsn)
{
	struct rb_result r = {
	    .id = req_id[i], .ok = ok, .exit_status = 0, .output = "out\n", .lsn = lsn};
	runbook_result(&rb, &r);
}

/* Makes the sites' snapshots fresh at the engine's clock, and gives them to the engine. */
static void fresh(void)
{
	for (size_t i = 0; i < 2; i++) {
		struct site_status *s = &fx.st[i];
		s->at_ms = s->pg.at_ms = run_now - 300;
		s->health.at_ms = s->backups.at_ms = run_now - 400;
	}
	runbook_tick(&rb, fx.st, 2);
}

/* Runs 데이터베이스 장애 to its end on the fixture (the primary's PostgreSQL down); returns the
 * journal. */
static char *run_failover(const char *dir)
{
	char *path = NULL, *cause = NULL;
	fx_init(&fx);
	fx.st[0].generation = fx.st[1].generation = 5;
	fx.st[0].pg.up = 0;
	fx.st[0].pg.role = PG_ROLE_DOWN;
	run_now = NOW;
	n_req = 0;
	run_journal = journal_create(dir, run_journal_clock, &path, &cause);
	assert_non_null(run_journal);
	struct rb_env env = {run_clock, run_submit, run_record, NULL, 0, NULL};
	json_t *about = json_pack("{s:s, s:s, s:s, s:i}", "operator", "kim", "host", "jump1",
	                          "origin", "10.0.0.5", "pid", 4242);
	struct rb_live live = {fx.st, 2, NULL, about, NULL};
	const struct scenario *sc = scenario_find(&plant_cat.scenarios, "데이터베이스 장애");
	assert_int_equal(runbook_start(&rb, &plant_cat, sc, &env, &live, &cause), 0);
	json_decref(about);
	runbook_tick(&rb, fx.st, 2); /* step 1 needs no confirmation: sent */
	run_now += 1500;
	answer(0, 1, -1);
	run_now += 30000;
	fresh(); /* the guards judge the sites as they are now */
	assert_int_equal(runbook_confirm(&rb, "datacenter-2"), RB_CONFIRM_OK);
	run_now += 20000;
	answer(1, 1, 0x4191890); /* promoted */
	run_now += 1000;
	answer(2, 1, -1); /* writable */
	fresh();          /* the fence on return is armed */
	run_now += 120000;
	assert_int_equal(runbook_manual_done(&rb), 0);
	run_now += 1500;
	answer(n_req - 1, 1, -1); /* verify_data_integrity's check */
	assert_true(rb.finished);
	assert_int_equal(journal_seal(run_journal, &cause), 0);
	journal_close(run_journal);
	runbook_free(&rb);
	return path;
}

/* The report of the engine's own run: its steps, confirmations, promotion and RTO. */
static void test_engine_run(void **state)
{
	struct report rep;
	char *path = run_failover(*state);
	assert_int_equal(report_load(&rep, *state, path, &plant_cat), 0);
	assert_int_equal(rep.state, JOURNAL_IS_FINISHED);
	assert_string_equal(rep.result, "done");
	assert_int_equal(rep.estimate_ms, 900000);
	assert_string_equal(rep.operators[0].name, "kim");
	assert_string_equal(rep.operators[0].origin, "10.0.0.5");
	assert_int_equal(rep.n_steps, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(rep.steps[i].state, "done");
	assert_int_equal(rep.steps[0].step_ms, 1500);
	assert_int_equal(rep.steps[0].exit_status, 0);
	assert_string_equal(rep.steps[0].output, "out");
	assert_null(rep.steps[0].confirmed_by);
	assert_int_equal(rep.steps[1].step_ms, 51000);
	assert_string_equal(rep.steps[1].confirmed_by, "kim");
	assert_string_equal(rep.steps[1].confirm_how, "typed");
	assert_true(rep.steps[1].promotion);
	assert_int_equal(rep.steps[2].step_ms, 120000);
	assert_string_equal(rep.steps[2].confirm_how, "marked done");
	assert_int_equal(rep.steps[3].step_ms, 1500);
	assert_int_equal(rep.rto.achieved_ms, 52500);
	assert_int_equal(rep.rto.met, 1);
	assert_int_equal(rep.elapsed_ms, 174000);
	/* the old primary was never seen up by this run: the loss cannot be measured */
	assert_true(rep.loss_recorded);
	assert_int_equal(rep.rpo.achieved_ms, REPORT_UNKNOWN);
	assert_non_null(strstr(rep.rpo.basis, "not measured: data lost: not measurable"));
	assert_int_equal(rep.rpo.target_ms, 300000);
	assert_true(rep.fences.n >= 1);
	assert_string_equal(rep.fences.items[0].type, "fence_armed");
	assert_string_equal(rep.fences.items[0].what, "datacenter-1");
	report_free(&rep);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_engine_run, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, plant_catalog_setup, plant_catalog_teardown);
}
