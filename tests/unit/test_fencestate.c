/*
 * Tests of core/fencestate.c: arm, read and disarm round trip (the record
 * kept, history grown by the next arming), a wrong name typed refused, an
 * armed fence neither replaced by its own site nor by another's, damaged
 * files loud (FILE:LINE:COL), a symbolic link and a foreign file refused,
 * mode 0600 whatever the umask, and two processes arming and disarming at
 * once without a lost change or a torn file. Each test works in its own
 * mkdtemp folder.
 */
#include "config.h"

#include "unit.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "fencestate.h"
#include "journal_fixture.h"

#define CYCLES 10 /* arm-disarm rounds of each process in the concurrent test (< 15) */

/* Fills who as a console of run R-n, with its own pid. */
static void by_of(struct fencestate_by *by, int n)
{
	char run[32];
	snprintf(run, sizeof run, "R-%d", n);
	fencestate_by_me(by, FENCESTATE_CONSOLE, run);
	by->pid = 1000 + n;
}

/* Returns <dir>/fence.json (free it). */
static char *state_file(const char *dir)
{
	return xasprintf("%s/%s", dir, FENCESTATE_FILE);
}

/* Reads the state of dir, failing the test unless it can be read. */
static void fence_read_ok(const char *dir, struct fencestate *st)
{
	char *cause = NULL;
	if (fencestate_read(dir, st, &cause) != 0)
		fail_msg("fencestate_read: %s", cause);
}

/* Fails unless reading dir gives an error whose cause holds needle. */
static void expect_damaged(const char *dir, const char *needle)
{
	struct fencestate st;
	char *cause = NULL;
	assert_int_equal(fencestate_read(dir, &st, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("\"%s\" is not in the cause: %s", needle, cause);
	assert_int_equal(st.present, 0);
	assert_int_equal(st.armed, 0);
	free(cause);
}

/* Arms dc-1's fence by console 1, failing the test unless it is armed now. */
static void arm_ok(const char *dir)
{
	struct fencestate_by by;
	char *cause = NULL;
	by_of(&by, 1);
	if (fencestate_arm(dir, "dc-1", &by, "promoted dc-2 at 0/3000148", &cause) != 0)
		fail_msg("fencestate_arm: %s", cause);
}

/* No file: nothing armed, and reading creates nothing. */
static void test_fence_absent(void **state)
{
	struct fencestate st;
	fence_read_ok(*state, &st);
	assert_int_equal(st.present, 0);
	assert_int_equal(st.armed, 0);
	char *path = state_file(*state);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

/* Arm, read it back, a wrong name refused, disarm: the record stays, then goes to history. */
static void test_fence_round_trip(void **state)
{
	struct fencestate st;
	struct fencestate_by by;
	char *cause = NULL;
	arm_ok(*state);
	fence_read_ok(*state, &st);
	assert_true(st.present && st.armed && !st.disarmed);
	assert_string_equal(st.site, "dc-1");
	assert_int_equal(strlen(st.arm.at), 24);
	assert_string_equal(st.arm.by.actor, "console");
	assert_string_equal(st.arm.by.run, "R-1");
	assert_int_equal(st.arm.by.pid, 1001);
	assert_string_equal(st.arm.reason, "promoted dc-2 at 0/3000148");
	by_of(&by, 2);
	assert_int_equal(fencestate_disarm(*state, "dc-2", &by, "rebuilt", &cause), -1);
	assert_non_null(strstr(cause, "stays armed"));
	free(cause);
	assert_int_equal(fencestate_disarm(*state, "DC-1", &by, "rebuilt", &cause), -1);
	free(cause);
	fence_read_ok(*state, &st);
	assert_int_equal(st.armed, 1);
	assert_int_equal(fencestate_disarm(*state, "dc-1", &by, "rebuilt as a standby", &cause), 0);
	fence_read_ok(*state, &st);
	assert_true(st.present && !st.armed && st.disarmed);
	assert_string_equal(st.site, "dc-1");
	assert_string_equal(st.arm.by.run, "R-1");
	assert_string_equal(st.disarm.by.run, "R-2");
	assert_string_equal(st.disarm.reason, "rebuilt as a standby");
	assert_int_equal(st.history, 0);
	assert_int_equal(fencestate_disarm(*state, "dc-1", &by, "again", &cause), -1);
	assert_non_null(strstr(cause, "no fence is armed"));
	free(cause);
	arm_ok(*state);
	fence_read_ok(*state, &st);
	assert_true(st.armed && !st.disarmed);
	assert_int_equal(st.history, 1);
}

/* An armed fence stays: its own site again is ALREADY (unchanged), another site is refused. */
static void test_fence_armed_stays(void **state)
{
	struct fencestate_by by;
	char *cause = NULL;
	size_t len, len2;
	arm_ok(*state);
	char *path = state_file(*state), *before = slurp(path, &len);
	by_of(&by, 2);
	assert_int_equal(fencestate_arm(*state, "dc-1", &by, "again", &cause), FENCESTATE_ALREADY);
	assert_int_equal(fencestate_arm(*state, "dc-2", &by, "other", &cause), -1);
	assert_non_null(strstr(cause, "the fence of dc-1 is armed"));
	free(cause);
	char *after = slurp(path, &len2);
	assert_string_equal(before, after);
	free(after);
	free(before);
	free(path);
}

/* Bad arguments are refused before anything is written. */
static void test_fence_bad_arguments(void **state)
{
	struct fencestate_by by;
	char *cause = NULL;
	by_of(&by, 1);
	assert_int_equal(fencestate_arm(*state, "dc\n1", &by, "x", &cause), -1);
	free(cause);
	assert_int_equal(fencestate_arm(*state, "", &by, "x", &cause), -1);
	free(cause);
	snprintf(by.actor, sizeof by.actor, "robot");
	assert_int_equal(fencestate_arm(*state, "dc-1", &by, "x", &cause), -1);
	assert_non_null(strstr(cause, "actor"));
	free(cause);
	char *path = state_file(*state);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

/* A damaged file is an error with where it is, never "not armed"; arming over it is refused. */
static void test_fence_damaged(void **state)
{
	struct fencestate_by by;
	char *cause = NULL, *path = state_file(*state);
	static const char syntax[] = "{\"armed\": true,\n  \"site\": \"dc-1\",,\n}\n";
	static const char wrong[] = "{\"armed\": \"yes\", \"site\": \"dc-1\"}\n";
	arm_ok(*state);
	spill(path, syntax, strlen(syntax));
	expect_damaged(*state, "fence.json:2:");
	spill(path, wrong, strlen(wrong));
	expect_damaged(*state, "\"armed\"");
	spill(path, "", 0);
	expect_damaged(*state, "fence.json:");
	by_of(&by, 2);
	assert_int_equal(fencestate_arm(*state, "dc-1", &by, "x", &cause), -1);
	free(cause);
	assert_int_equal(fencestate_disarm(*state, "dc-1", &by, "x", &cause), -1);
	free(cause);
	size_t len;
	char *text = slurp(path, &len);
	assert_int_equal(len, 0); /* left as it was */
	free(text);
	free(path);
}

/* A fence state reached through a symbolic link, or owned by another user, is refused. */
static void test_fence_symlink_foreign(void **state)
{
	struct fencestate_by by;
	char *cause = NULL, *path = state_file(*state);
	char *real = xasprintf("%s/elsewhere.json", (char *)*state);
	arm_ok(*state);
	assert_int_equal(rename(path, real), 0);
	assert_int_equal(symlink(real, path), 0);
	expect_damaged(*state, "symbolic link");
	by_of(&by, 2);
	assert_int_equal(fencestate_disarm(*state, "dc-1", &by, "x", &cause), -1);
	free(cause);
	struct fencestate st;
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(real, path), 0);
	fence_read_ok(*state, &st);
	assert_int_equal(st.armed, 1); /* the target was not changed */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		expect_damaged(*state, "another user");
	}
	free(real);
	free(path);
}

/* The state and lock files are 0600 whatever the umask, and no temporary is left. */
static void test_fence_mode(void **state)
{
	mode_t old = umask(0);
	arm_ok(*state);
	umask(old);
	struct stat st;
	char *path = state_file(*state),
	     *lock = xasprintf("%s/%s", (char *)*state, FENCESTATE_LOCK);
	char *tmp = xasprintf("%s.tmp", path);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(lstat(lock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	free(tmp);
	free(lock);
	free(path);
}

/* Arms and disarms dc-1 CYCLES times as process n; exits with arms * 16 + disarms, 255 on error. */
static void cycle_child(const char *dir, int n)
{
	struct fencestate_by by;
	int arms = 0, disarms = 0;
	by_of(&by, n);
	for (int i = 0; i < CYCLES; i++) {
		char *cause = NULL;
		int rc = fencestate_arm(dir, "dc-1", &by, "promoted dc-2", &cause);
		if (rc == -1 && fprintf(stderr, "arm: %s\n", cause) >= 0)
			_exit(255);
		arms += rc == 0;
		if (fencestate_disarm(dir, "dc-1", &by, "done", &cause) == 0)
			disarms++;
		else if (strstr(cause, "no fence is armed") == NULL &&
		         fprintf(stderr, "disarm: %s\n", cause) >= 0)
			_exit(255);
		free(cause);
	}
	_exit(arms * 16 + disarms);
}

/* Two processes arming and disarming at once: every change is in the file, none lost. */
static void test_fence_concurrent(void **state)
{
	pid_t pids[2];
	int arms = 0, disarms = 0;
	for (int n = 0; n < 2; n++) {
		pids[n] = fork();
		assert_true(pids[n] >= 0);
		if (pids[n] == 0)
			cycle_child(*state, n + 1);
	}
	int ws[2] = {0, 0}; /* both waited for before any check: the folder outlives them */
	for (int n = 0; n < 2; n++)
		assert_int_equal(waitpid(pids[n], &ws[n], 0), pids[n]);
	for (int n = 0; n < 2; n++) {
		assert_true(WIFEXITED(ws[n]) && WEXITSTATUS(ws[n]) != 255);
		arms += WEXITSTATUS(ws[n]) / 16;
		disarms += WEXITSTATUS(ws[n]) % 16;
	}
	struct fencestate st;
	fence_read_ok(*state, &st);
	/* every arming made a record: the file's own and each one in history */
	assert_int_equal((size_t)arms, st.history + 1);
	/* every record but an armed last one was disarmed once */
	assert_int_equal(disarms, arms - st.armed);
	assert_true(arms > 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_fence_absent),        T(test_fence_round_trip), T(test_fence_armed_stays),
	    T(test_fence_bad_arguments), T(test_fence_damaged),    T(test_fence_symlink_foreign),
	    T(test_fence_mode),          T(test_fence_concurrent),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
