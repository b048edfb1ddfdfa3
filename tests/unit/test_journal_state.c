/*
 * Tests of core/journal_state.c, on journals written here: a run is
 * finished by its run_finished whatever follows (split brain, the fence),
 * aborted by one whose result says so, detached when its console quit last,
 * unfinished otherwise, live while a console holds the run lock naming it;
 * empty and damaged journals are told apart. The runs left to resume are
 * every one that did not end, newest first, empty journals left out, and
 * the one to offer is the newest not live. Each test works in its own
 * mkdtemp folder.
 */
#include "config.h"

#include "unit.h"

#include "journal_fixture.h"
#include "runlock.h"

/* A record of a run, as a test lists them: a type, or run_finished:aborted. */
typedef const char *rec_t;

/* Writes a run made of those records (NULL ends them; detach through journal_detach). */
static char *write_records(const char *dir, const rec_t *recs)
{
	char *path, *cause = NULL;
	struct journal *j = create_ok(dir, &path);
	for (; *recs != NULL; recs++) {
		if (strcmp(*recs, "run_finished:aborted") == 0)
			append_ok(j, JOURNAL_RUN_FINISHED,
			          json_pack("{s:s, s:s}", "result", "aborted", "reason", "drill"));
		else if (strcmp(*recs, JOURNAL_RUN_FINISHED) == 0)
			append_ok(j, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
		else if (strcmp(*recs, JOURNAL_DETACHED) == 0)
			assert_int_equal(journal_detach(j, "the console quit", &cause), 0);
		else if (strcmp(*recs, JOURNAL_RUN_STARTED) == 0)
			append_ok(j, *recs, json_pack("{s:s}", "scenario", "데이터베이스 장애"));
		else
			append_ok(j, *recs,
			          json_pack("{s:i, s:s}", "step", 1, "action", "promote"));
	}
	journal_close(j);
	return path;
}

/* Returns the state of the run journaled at path (state_dir NULL: its lock not asked). */
static enum journal_state state_at(const char *state_dir, const char *path)
{
	struct journal_records r;
	struct diag d;
	diag_init(&d);
	int damaged = journal_verify(path, &r, &d) == -1;
	enum journal_state st = journal_state(state_dir, path, &r, damaged);
	journal_records_free(&r);
	diag_free(&d);
	return st;
}

/* Fails unless the run of those records is in state want, by name too. */
static void state_is(const char *dir, const rec_t *recs, enum journal_state want, const char *name)
{
	char *path = write_records(dir, recs);
	enum journal_state got = state_at(NULL, path);
	if (got != want)
		fail_msg("%s: state %s, expected %s", path, journal_state_name(got),
		         journal_state_name(want));
	assert_string_equal(journal_state_name(got), name);
	free(path);
}

/* Each state from the whole journal: what follows run_finished does not unfinish a run. */
static void test_state_of(void **state)
{
	const char *dir = *state;
	state_is(dir, (rec_t[]){NULL}, JOURNAL_IS_EMPTY, "empty");
	state_is(dir, (rec_t[]){"run_started", "step_started", NULL}, JOURNAL_IS_UNFINISHED,
	         "unfinished");
	state_is(dir,
	         (rec_t[]){"run_started", "step_started", "run_finished", "split_brain",
	                   "fence_on_return", NULL},
	         JOURNAL_IS_FINISHED, "finished");
	state_is(dir, (rec_t[]){"run_started", "run_finished:aborted", "step_output", NULL},
	         JOURNAL_IS_ABORTED, "aborted");
	state_is(dir, (rec_t[]){"run_started", "step_started", "detached", NULL},
	         JOURNAL_IS_DETACHED, "detached");
	state_is(dir, (rec_t[]){"run_started", "detached", "run_resumed", "step_finished", NULL},
	         JOURNAL_IS_UNFINISHED, "unfinished");
	state_is(dir, (rec_t[]){"run_started", "detached", "run_resumed", "detached", NULL},
	         JOURNAL_IS_DETACHED, "detached");
	assert_string_equal(journal_state_name(JOURNAL_IS_LIVE), "live");
	assert_string_equal(journal_state_name(JOURNAL_IS_DAMAGED), "damaged");
}

/* Takes the jump-host lock for the run journaled at path, as its console does. */
static void lock_run(const char *state_dir, const char *path, struct runlock *l)
{
	struct runlock_owner me, holder;
	char *cause = NULL, *id = xstrdup(strrchr(path, '/') + 1);
	*strstr(id, ".jsonl") = '\0';
	runlock_owner_me(&me, id);
	assert_int_equal(runlock_acquire(state_dir, "datacenter-2", &me, l, &holder, &cause), 0);
	free(id);
}

/* Live while a console holds the lock naming the run; a finished run never is; damage shows. */
static void test_state_live(void **state)
{
	const char *dir = *state;
	char *path = write_records(dir, (rec_t[]){"run_started", "detached", NULL});
	struct runlock l;
	assert_int_equal(state_at(dir, path), JOURNAL_IS_DETACHED);
	lock_run(dir, path, &l);
	assert_int_equal(state_at(dir, path), JOURNAL_IS_LIVE);
	assert_int_equal(state_at(NULL, path), JOURNAL_IS_DETACHED);
	runlock_release(&l);
	assert_int_equal(state_at(dir, path), JOURNAL_IS_DETACHED);

	char *done = write_records(dir, (rec_t[]){"run_started", "run_finished", NULL});
	lock_run(dir, done, &l);
	assert_int_equal(state_at(dir, done), JOURNAL_IS_FINISHED);
	runlock_release(&l);

	size_t len;
	char *text = slurp(path, &len);
	strstr(text, "데이터베이스")[0] = 'X'; /* line 1 changed: line 2 breaks the chain */
	spill(path, text, len);
	assert_int_equal(state_at(dir, path), JOURNAL_IS_DAMAGED);
	free(text);
	free(done);
	free(path);
}

/* Returns the file name of path. */
static const char *base(const char *path)
{
	return strrchr(path, '/') + 1;
}

/*
 * Every run that did not end, newest first, with its state; empty,
 * damaged, finished and aborted ones left out. The one to resume is the
 * newest not live, even when a later start left an empty journal.
 */
static void test_unfinished(void **state)
{
	const char *dir = *state;
	char *cause = NULL, *path = NULL;
	struct journal_runs runs;
	assert_int_equal(journal_resumable(dir, &path, &cause), -1);
	char *want = xasprintf("no run to resume in %s/runs", dir);
	assert_string_equal(cause, want);
	free(want);
	free(cause);

	char *a = write_records(dir, (rec_t[]){"run_started", "step_started", NULL});
	char *b = write_records(dir, (rec_t[]){"run_started", "detached", NULL});
	char *c = write_records(dir, (rec_t[]){"run_started", "run_finished", "split_brain", NULL});
	char *d = write_records(dir, (rec_t[]){"run_started", "run_finished:aborted", NULL});
	char *e = write_records(dir, (rec_t[]){"run_started", "step_started", NULL});
	char *f = write_records(dir, (rec_t[]){"run_started", NULL});
	char *g = write_records(dir, (rec_t[]){NULL});
	size_t len;
	char *text = slurp(f, &len);
	text[len - 3] = '!'; /* f damaged: its last line is no longer JSON */
	spill(f, text, len);
	free(text);

	struct runlock l;
	lock_run(dir, e, &l);
	assert_int_equal(journal_unfinished(dir, &runs, &cause), 0);
	assert_int_equal(runs.n, 3);
	assert_string_equal(runs.names[0], base(e));
	assert_int_equal(runs.states[0], JOURNAL_IS_LIVE);
	assert_string_equal(runs.names[1], base(b));
	assert_int_equal(runs.states[1], JOURNAL_IS_DETACHED);
	assert_string_equal(runs.names[2], base(a));
	assert_int_equal(runs.states[2], JOURNAL_IS_UNFINISHED);
	journal_runs_free(&runs);

	assert_int_equal(journal_resumable(dir, &path, &cause), 0);
	assert_string_equal(path, b);
	free(path);
	runlock_release(&l);
	assert_int_equal(journal_resumable(dir, &path, &cause), 0);
	assert_string_equal(path, e);
	free(path);
	free(g);
	free(f);
	free(e);
	free(d);
	free(c);
	free(b);
	free(a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_state_of),
	    T(test_state_live),
	    T(test_unfinished),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
