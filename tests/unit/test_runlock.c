/*
 * Tests of core/runlock.c. The jump-host lock: a second acquisition (another
 * open file description, so it works in one process) is refused with the
 * holder exactly, a release or the death of the holder frees the lock, and
 * target names become safe file names; a run is live exactly while a
 * process holds the lock naming it. The owner's JSON round trip, and how
 * a lock's owner is judged: stale or live, this console's run or not.
 */
#include "config.h"

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "runlock_fixture.h"

/* The lock file is made 0600 in a 0700 folder and holds the owner as one JSON line. */
static void test_acquire_writes_owner(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner me, holder;
	struct runlock l;
	char *cause = NULL;
	owner_of(&me, 1);
	assert_int_equal(runlock_acquire(s->dir, "datacenter-2", &me, &l, &holder, &cause), 0);
	assert_false(holder.known);
	char *path = xasprintf("%s/locks/datacenter-2.lock", s->dir);
	assert_string_equal(l.path, path);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *dir = xasprintf("%s/locks", s->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *text = slurp(path), *json = runlock_owner_json(&me);
	char *want = xasprintf("%s\n", json);
	assert_string_equal(text, want);
	assert_true(fcntl(l.fd, F_GETFD) & FD_CLOEXEC);
	runlock_release(&l);
	assert_int_equal(l.fd, -1);
	free(want);
	free(json);
	free(text);
	free(dir);
	free(path);
}

/* A second open file description is refused with the holder; after release it gets the lock. */
static void test_second_refused(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner a, b, holder;
	struct runlock la, lb;
	char *cause = NULL;
	owner_of(&a, 1);
	owner_of(&b, 2);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &a, &la, &holder, &cause), 0);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &b, &lb, &holder, &cause), RUNLOCK_HELD);
	assert_int_equal(lb.fd, -1);
	owner_equal(&holder, &a);
	assert_false(holder.previous);
	char *words = runlock_owner_describe(&holder);
	assert_string_equal(words, "operator operator1 on host jump1 (from 10.0.0.5), pid 4001, "
	                           "since 2026-11-27 06:15 UTC, run 20261127T061500Z-1");
	free(words);
	runlock_release(&la);
	char *path = xasprintf("%s/locks/dc2.lock", s->dir), *text = slurp(path);
	assert_string_equal(text, "");
	assert_int_equal(runlock_acquire(s->dir, "dc2", &b, &lb, &holder, &cause), 0);
	assert_false(holder.known); /* a clean release leaves no previous holder */
	runlock_release(&lb);
	runlock_release(&lb); /* twice is harmless */
	free(text);
	free(path);
}

/* Another target is another lock. */
static void test_targets_independent(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner a, holder;
	struct runlock l1, l2;
	char *cause = NULL;
	owner_of(&a, 1);
	assert_int_equal(runlock_acquire(s->dir, "dc1", &a, &l1, &holder, &cause), 0);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &a, &l2, &holder, &cause), 0);
	runlock_release(&l1);
	runlock_release(&l2);
}

/*
 * A child takes the lock and dies without releasing (how = 0: _exit, else
 * killed by that signal): meanwhile the lock is refused naming the child,
 * afterwards it is taken and the child is reported as the previous holder.
 */
static void holder_dies(const char *dir, int how)
{
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct runlock_owner me, holder;
		struct runlock l;
		char *cause = NULL;
		runlock_owner_me(&me, "child-run");
		int rc = runlock_acquire(dir, "dc2", &me, &l, &holder, &cause);
		if (write(gate[1], rc == 0 ? "y" : "n", 1) != 1 || how == 0)
			_exit(0);
		pause();
		_exit(1);
	}
	close(gate[1]);
	char c = 0;
	assert_int_equal(read(gate[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	close(gate[0]);
	struct runlock_owner me, holder;
	struct runlock l;
	char *cause = NULL;
	runlock_owner_me(&me, "parent-run");
	if (how != 0) {
		assert_int_equal(runlock_acquire(dir, "dc2", &me, &l, &holder, &cause),
		                 RUNLOCK_HELD);
		assert_int_equal(holder.pid, pid);
		assert_string_equal(holder.run, "child-run");
		kill(pid, how);
	}
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(runlock_acquire(dir, "dc2", &me, &l, &holder, &cause), 0);
	assert_true(holder.known);
	assert_true(holder.previous);
	assert_int_equal(holder.pid, pid);
	assert_string_equal(holder.run, "child-run");
	runlock_release(&l);
}

/* The kernel frees the lock of a holder killed with SIGKILL, or that exits without releasing. */
static void test_holder_dies(void **state)
{
	struct scratch *s = *state;
	holder_dies(s->dir, SIGKILL);
	holder_dies(s->dir, 0);
}

/* A lock folder that cannot be made is an error with the path. */
static void test_acquire_bad_state_dir(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner a, holder;
	struct runlock l;
	char *cause = NULL, *file = xasprintf("%s/file", s->dir);
	FILE *f = fopen(file, "w");
	fclose(f);
	owner_of(&a, 1);
	assert_int_equal(runlock_acquire(file, "dc2", &a, &l, &holder, &cause), -1);
	assert_non_null(strstr(cause, file));
	assert_int_equal(l.fd, -1);
	free(cause);
	free(file);
}

/* Fails unless target becomes the file name want. */
static void name_is(const char *target, const char *want)
{
	char *got = runlock_name(target);
	if (strcmp(got, want) != 0)
		fail_msg("runlock_name(\"%s\") is [%s], expected [%s]", target, got, want);
	free(got);
}

/* Korean is kept; '/', control characters, bad bytes and leading dots are replaced. */
static void test_names(void **state)
{
	struct scratch *s = *state;
	name_is("데이터센터-2", "데이터센터-2");
	name_is("datacenter 2", "datacenter 2");
	name_is("../x", "___x");
	name_is("..", "__");
	name_is(".hidden.site", "_hidden.site");
	name_is("a/b", "a_b");
	name_is("a\nb\tc\x7f", "a_b_c_");
	name_is("\xff\xfe", "__");
	name_is("", "_");
	name_is(NULL, "_");
	char *longname = xstrdup("");
	for (int i = 0; i < 100; i++) {
		char *next = xasprintf("%s가", longname);
		free(longname);
		longname = next;
	}
	char *cut = runlock_name(longname);
	assert_int_equal(strlen(cut), 198); /* 66 whole characters of 3 bytes */
	assert_int_equal(strncmp(cut, longname, 198), 0);
	free(cut);
	free(longname);
	struct runlock_owner a, holder;
	struct runlock l;
	char *cause = NULL;
	owner_of(&a, 1);
	assert_int_equal(runlock_acquire(s->dir, "../x", &a, &l, &holder, &cause), 0);
	char *want = xasprintf("%s/locks/___x.lock", s->dir);
	assert_string_equal(l.path, want);
	runlock_release(&l);
	free(want);
}

/* The owner comes from $USER (else the account), the host, the terminal and $SSH_CONNECTION. */
static void test_owner_fill(void **state)
{
	(void)state;
	struct runlock_owner o;
	struct runlock_env env = {
	    "김철수", "drops", "2001:db8::7 50022 2001:db8::1 22", "jump1", NULL, 4242, 0};
	runlock_owner_fill(&o, &env, "20261127T061500Z-1");
	assert_string_equal(o.operator, "김철수");
	assert_string_equal(o.origin, "2001:db8::7");
	assert_string_equal(o.tty, "-");
	assert_int_equal(o.pid, 4242);
	assert_true(o.known);
	env = (struct runlock_env){"", "drops", "", NULL, "/dev/pts/1", 1, 0};
	runlock_owner_fill(&o, &env, NULL);
	assert_string_equal(o.operator, "drops");
	assert_string_equal(o.origin, "local");
	assert_string_equal(o.host, "unknown");
	assert_string_equal(o.tty, "/dev/pts/1");
	assert_string_equal(o.run, "");
	env = (struct runlock_env){NULL, NULL, NULL, "h", NULL, 1, 0};
	runlock_owner_fill(&o, &env, "r");
	assert_string_equal(o.operator, "unknown");
}

/* runlock_owner_me describes this process. */
static void test_owner_me(void **state)
{
	(void)state;
	char host[256] = "";
	struct runlock_owner o;
	time_t before = time(NULL);
	runlock_owner_me(&o, "run-1");
	assert_int_equal(gethostname(host, sizeof host - 1), 0);
	assert_string_equal(o.host, host);
	assert_int_equal(o.pid, getpid());
	assert_string_equal(o.run, "run-1");
	assert_true(o.started_ms / 1000 >= before && o.started_ms / 1000 <= time(NULL));
	assert_true(o.operator[0] != '\0' && o.tty[0] != '\0' && o.origin[0] != '\0');
}

/* JSON out and back gives the same owner; control characters never reach the JSON. */
static void test_owner_roundtrip(void **state)
{
	(void)state;
	struct runlock_owner a, b;
	char *cause = NULL;
	owner_of(&a, 7);
	snprintf(a.operator, sizeof a.operator, "김 \"kim\" o'neil\\");
	char *json = runlock_owner_json(&a);
	assert_string_equal(json, "{\"operator\":\"김 \\\"kim\\\" o'neil\\\\\",\"host\":\"jump1\","
	                          "\"pid\":4007,\"started\":\"2026-11-27T06:15:00.007Z\","
	                          "\"run\":\"20261127T061500Z-7\",\"tty\":\"/dev/pts/3\","
	                          "\"origin\":\"10.0.0.5\"}");
	assert_int_equal(runlock_owner_parse(json, &b, &cause), 0);
	owner_equal(&a, &b);
	free(json);
	snprintf(a.operator, sizeof a.operator, "line\none");
	json = runlock_owner_json(&a);
	assert_null(strchr(json, '\n'));
	assert_int_equal(runlock_owner_parse(json, &b, &cause), 0);
	assert_string_equal(b.operator, "line_one");
	free(json);
	const char *no_frac = "{\"operator\":\"k\",\"host\":\"h\",\"pid\":1,\"started\":"
	                      "\"2026-11-27T06:15:00Z\",\"run\":\"r\"}";
	assert_int_equal(runlock_owner_parse(no_frac, &b, &cause), 0);
	assert_int_equal(b.started_ms, 1795760100000LL);
	assert_string_equal(b.tty, "-");
	assert_string_equal(b.origin, "local");
}

/* Fails unless text is refused as an owner with a cause holding want. */
static void owner_refused(const char *text, const char *want)
{
	struct runlock_owner o;
	char *cause = NULL;
	assert_int_equal(runlock_owner_parse(text, &o, &cause), -1);
	assert_false(o.known);
	if (strstr(cause, want) == NULL)
		fail_msg("owner [%s]: cause [%s] lacks [%s]", text, cause, want);
	free(cause);
}

/* Owners that are not JSON objects, or miss a member, are refused by name. */
static void test_owner_refused(void **state)
{
	(void)state;
	owner_refused("", "not a JSON object");
	owner_refused("[1]", "not a JSON object");
	owner_refused("{\"operator\":\"k\"} trailing", "not a JSON object");
	owner_refused("{\"operator\":\"k\",\"operator\":\"j\"}", "not a JSON object");
	owner_refused("{\"host\":\"h\"}", "\"operator\"");
	owner_refused("{\"operator\":\"k\",\"host\":\"h\",\"pid\":0}", "\"pid\"");
	owner_refused("{\"operator\":\"k\",\"host\":\"h\",\"pid\":\"1\"}", "\"pid\"");
	const char *bad_times[] = {"2026-11-27 06:15:00Z",      "2026-11-27T06:15:00",
	                           "2026-13-27T06:15:00Z",      "2026-11-27T06:15:00.Z",
	                           "2026-11-27T06:15:00+09:00", "x"};
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		char *text =
		    xasprintf("{\"operator\":\"k\",\"host\":\"h\",\"pid\":1,\"started\":\"%s\","
		              "\"run\":\"r\"}",
		              bad_times[i]);
		owner_refused(text, "\"started\"");
		free(text);
	}
}

/* Answers pid_alive for the staleness tests: only pid 100 runs. */
static int only_100_alive(int pid)
{
	return pid == 100;
}

/* Same host: stale when the pid is gone; another host or no owner: unknown. */
static void test_is_stale(void **state)
{
	(void)state;
	struct runlock_owner h;
	owner_of(&h, 1);
	h.pid = 100;
	assert_int_equal(runlock_is_stale(&h, "jump1", only_100_alive), RUNLOCK_LIVE);
	h.pid = 101;
	assert_int_equal(runlock_is_stale(&h, "jump1", only_100_alive), RUNLOCK_STALE);
	assert_int_equal(runlock_is_stale(&h, "jump2", only_100_alive), RUNLOCK_UNKNOWN);
	assert_int_equal(runlock_is_stale(&h, NULL, only_100_alive), RUNLOCK_UNKNOWN);
	h.known = 0;
	assert_int_equal(runlock_is_stale(&h, "jump1", only_100_alive), RUNLOCK_UNKNOWN);
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_true(runlock_pid_alive(getpid()));
	assert_false(runlock_pid_alive(child));
	assert_false(runlock_pid_alive(0));
	owner_of(&h, 1);
	h.pid = child;
	assert_int_equal(runlock_is_stale(&h, "jump1", NULL), RUNLOCK_STALE);
}

/* My run on my host: this very console, its earlier self, or a live process that is not me. */
static void test_owner_is_mine(void **state)
{
	(void)state;
	struct runlock_owner me, lock;
	owner_of(&me, 1);
	lock = me;
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_MINE_LIVE_SELF);
	lock.started_ms -= 60000; /* my pid, before a reboot */
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_MINE_STALE);
	lock = me;
	lock.pid = 101; /* my run before a restart, its process gone */
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_MINE_STALE);
	lock.pid = 100; /* my run, but a process with its pid runs here */
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_NOT_MINE);
	lock = me;
	snprintf(lock.host, sizeof lock.host, "jump2"); /* my run id from another host */
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_NOT_MINE);
	lock.pid = 101;
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_NOT_MINE);
	owner_of(&lock, 2); /* another run of this host, its process gone */
	lock.pid = 101;
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_NOT_MINE);
	lock = me;
	lock.known = 0;
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_NOT_MINE);
	lock = me;
	me.run[0] = lock.run[0] = '\0';
	assert_int_equal(runlock_owner_is_mine(&lock, &me, only_100_alive), RUNLOCK_NOT_MINE);
	owner_of(&me, 1);
	lock = me;
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	lock.pid = child;
	assert_int_equal(runlock_owner_is_mine(&lock, &me, NULL), RUNLOCK_MINE_STALE);
}

/* Forks a child that takes the lock for run and waits; returns its pid once it holds it. */
static pid_t run_holder(const char *dir, const char *run)
{
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct runlock_owner me, holder;
		struct runlock l;
		char *cause = NULL;
		runlock_owner_me(&me, run);
		int rc = runlock_acquire(dir, "dc2", &me, &l, &holder, &cause);
		if (write(gate[1], rc == 0 ? "y" : "n", 1) != 1 || rc != 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(gate[1]);
	char c = 0;
	assert_int_equal(read(gate[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	close(gate[0]);
	return pid;
}

/*
 * A run is live while a process holds the jump-host lock naming it: here or
 * in a child; not once released, not after its holder died (its owner left
 * behind), not when the owner names a live pid that holds no lock, and never
 * for another run.
 */
static void test_run_live(void **state)
{
	struct scratch *s = *state;
	const char *run = "20261127T061500Z-1";
	assert_int_equal(runlock_run_live(s->dir, run), 0); /* no locks folder */
	struct runlock_owner me, holder;
	struct runlock l;
	char *cause = NULL;
	runlock_owner_me(&me, run);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &me, &l, &holder, &cause), 0);
	assert_int_equal(runlock_run_live(s->dir, run), 1);
	assert_int_equal(runlock_run_live(s->dir, "20261127T061500Z-2"), 0);
	assert_int_equal(runlock_run_live(s->dir, "20261127T061500Z"), 0);
	runlock_release(&l);
	assert_int_equal(runlock_run_live(s->dir, run), 0);

	pid_t pid = run_holder(s->dir, run);
	assert_int_equal(runlock_run_live(s->dir, run), 1);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	char *path = xasprintf("%s/locks/dc2.lock", s->dir), *left = slurp(path);
	assert_non_null(strstr(left, run)); /* the dead holder's owner is still there */
	assert_int_equal(runlock_run_live(s->dir, run), 0);

	/* A live pid (this one) named in a lock nobody holds: a reused pid, not a live run. */
	char *json = runlock_owner_json(&me), *line = xasprintf("%s\n", json);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(line, f);
	fclose(f);
	assert_int_equal(runlock_run_live(s->dir, run), 0);
	free(line);
	free(json);
	free(left);
	free(path);
}

/* Runs the tests. */
int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_acquire_writes_owner),
	    T(test_second_refused),
	    T(test_targets_independent),
	    T(test_holder_dies),
	    T(test_acquire_bad_state_dir),
	    T(test_names),
	    T(test_owner_fill),
	    T(test_owner_me),
	    T(test_owner_roundtrip),
	    T(test_owner_refused),
	    T(test_is_stale),
	    T(test_run_live),
	    T(test_owner_is_mine),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
