/*
 * Tests of core/watchstate.c, the watcher's presence: no watch.json reads
 * as absent; watch.lock is claimed once, and a second claim (another
 * process, or this one again) fails naming the holder from watch.json;
 * running follows the lock, not the file, so a watcher that exited shows as
 * what it was but not running; a watch.json that is not a watcher's status,
 * or a symbolic link, is an error with a cause; the primary's address seen
 * from the DR site reads back, and a bad one reads as none. Each test works
 * in its own mkdtemp folder; a holder that must exit is a child process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"

#include "watchstate.h"
#include "scratch_fixture.h"

/* Fills ws as a watcher of pid on host jump1 would. */
static void status_of(struct watchstate *ws, int pid)
{
	memset(ws, 0, sizeof *ws);
	ws->pid = pid;
	snprintf(ws->host, sizeof ws->host, "jump1");
	snprintf(ws->operator, sizeof ws->operator, "kim");
	snprintf(ws->since, sizeof ws->since, "2026-11-27T06:15:00Z");
	snprintf(ws->mode, sizeof ws->mode, "automatic");
	snprintf(ws->state, sizeof ws->state, "suspected");
	snprintf(ws->last_check, sizeof ws->last_check, "2026-11-27T06:16:30Z");
	ws->check_interval_ms = 30000;
	ws->failovers = 1;
	snprintf(ws->detail, sizeof ws->detail, "primary suspected lost: connection refused");
}

/* Reads dir's presence, failing the test unless it can be read. */
static void read_ok(const char *dir, struct watchstate *ws)
{
	char *cause = NULL;
	if (watchstate_read(dir, ws, &cause) != 0)
		fail_msg("watchstate_read: %s", cause);
	assert_null(cause);
}

/* Writes text into dir/name. */
static void put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

/*
 * Claims dir in a child process; returns 0 when that claim failed with a
 * cause equal to want (1: it succeeded; 2: another cause).
 */
static int child_claim(const char *dir, const char *want)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *cause = NULL;
		if (watchstate_claim(dir, &cause) == 0)
			_exit(1);
		if (cause == NULL || strcmp(cause, want) != 0) {
			fprintf(stderr, "child's cause: %s\n", cause ? cause : "(none)");
			_exit(2);
		}
		_exit(0);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	return WEXITSTATUS(ws);
}

/* No watch.json: present 0, not running, and reading makes no file. */
static void test_watchstate_absent(void **state)
{
	struct watchstate ws;
	memset(&ws, 0x5a, sizeof ws);
	read_ok(*state, &ws);
	assert_int_equal(ws.present, 0);
	assert_int_equal(ws.running, 0);
	assert_int_equal(ws.pid, 0);
	char *lock = xasprintf("%s/%s", (char *)*state, WATCHSTATE_LOCK);
	assert_int_equal(access(lock, F_OK), -1);
	free(lock);
	/* a state folder that does not exist reads the same */
	char *none = xasprintf("%s/none", (char *)*state);
	read_ok(none, &ws);
	assert_int_equal(ws.present, 0);
	assert_int_equal(ws.running, 0);
	free(none);
}

/* The first claim succeeds; the second fails, naming the holder once watch.json says it. */
static void test_watchstate_claim_once(void **state)
{
	const char *dir = *state;
	char *cause = NULL;
	assert_int_equal(watchstate_claim(dir, &cause), 0);
	assert_null(cause);
	/* before watch.json: the holder cannot be named */
	char *plain = xasprintf("a watcher already runs for %s", dir);
	assert_int_equal(child_claim(dir, plain), 0);
	struct watchstate ws, got;
	status_of(&ws, (int)getpid());
	assert_int_equal(watchstate_write(dir, &ws, &cause), 0);
	char *named = xasprintf("a watcher already runs for %s: pid %d on jump1, since "
	                        "2026-11-27T06:15:00Z",
	                        dir, (int)getpid());
	assert_int_equal(child_claim(dir, named), 0);
	/* this process again: the lock is per claim, so it is refused too */
	assert_int_equal(watchstate_claim(dir, &cause), -1);
	assert_string_equal(cause, named);
	free(cause);
	/* what was written reads back, running */
	read_ok(dir, &got);
	assert_int_equal(got.present, 1);
	assert_int_equal(got.running, 1);
	assert_int_equal(got.pid, (int)getpid());
	assert_string_equal(got.host, "jump1");
	assert_string_equal(got.operator, "kim");
	assert_string_equal(got.since, "2026-11-27T06:15:00Z");
	assert_string_equal(got.mode, "automatic");
	assert_string_equal(got.state, "suspected");
	assert_string_equal(got.last_check, "2026-11-27T06:16:30Z");
	assert_int_equal(got.check_interval_ms, 30000);
	assert_int_equal(got.failovers, 1);
	assert_string_equal(got.run, "");
	assert_string_equal(got.detail, "primary suspected lost: connection refused");
	free(named);
	free(plain);
}

/* running follows the holder: 1 while a child holds the lock, 0 once it exited. */
static void test_watchstate_holder_exits(void **state)
{
	const char *dir = *state;
	int ready[2], release[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(release), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *cause = NULL;
		struct watchstate ws;
		status_of(&ws, (int)getpid());
		snprintf(ws.run, sizeof ws.run, "R-20261127-0615");
		char ok =
		    watchstate_claim(dir, &cause) == 0 && watchstate_write(dir, &ws, &cause) == 0
		        ? 'y'
		        : 'n';
		if (write(ready[1], &ok, 1) != 1)
			_exit(3);
		char c;
		_exit(read(release[0], &c, 1) == 1 ? 0 : 4); /* holds the lock until told */
	}
	close(ready[1]);
	close(release[0]);
	char ok = 0;
	assert_int_equal(read(ready[0], &ok, 1), 1);
	assert_int_equal(ok, 'y');
	struct watchstate ws;
	read_ok(dir, &ws);
	assert_int_equal(ws.running, 1);
	assert_int_equal(ws.present, 1);
	assert_int_equal(ws.pid, (int)pid);
	assert_string_equal(ws.run, "R-20261127-0615");
	assert_int_equal(write(release[1], "x", 1), 1);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(ready[0]);
	close(release[1]);
	/* the watch.json left behind is shown as what it was, not as running */
	read_ok(dir, &ws);
	assert_int_equal(ws.running, 0);
	assert_int_equal(ws.present, 1);
	assert_int_equal(ws.pid, (int)pid);
	assert_string_equal(ws.state, "suspected");
	/* and the lock can be claimed again (by a child, so that this process holds nothing) */
	assert_int_equal(child_claim(dir, ""), 1);
}

/* A watch.json that is not a watcher's status is an error with a cause, nothing present. */
static void test_watchstate_damaged(void **state)
{
	const char *dir = *state;
	static const char *const texts[] = {"not json at all\n", "[1, 2]\n", "", "\"text\"\n"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		put(dir, WATCHSTATE_FILE, texts[i]);
		struct watchstate ws;
		char *cause = NULL;
		assert_int_equal(watchstate_read(dir, &ws, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, "not a watcher's status") == NULL ||
		    strstr(cause, WATCHSTATE_FILE) == NULL)
			fail_msg("'%s': cause: %s", texts[i], cause);
		assert_int_equal(ws.present, 0);
		free(cause);
	}
	/* larger than any watcher writes */
	size_t len = 100 * 1024;
	char *big = xmalloc(len + 1);
	memset(big, ' ', len);
	memcpy(big, "{\"pid\": 1", 9);
	memcpy(big + len - 2, "}\n", 2);
	big[len] = '\0';
	put(dir, WATCHSTATE_FILE, big);
	free(big);
	struct watchstate ws;
	char *cause = NULL;
	assert_int_equal(watchstate_read(dir, &ws, &cause), -1);
	assert_non_null(strstr(cause, "not a watcher's status"));
	free(cause);
}

/* A watch.json that is a symbolic link is refused, even to a valid status. */
static void test_watchstate_symlink(void **state)
{
	const char *dir = *state;
	put(dir, "elsewhere.json", "{\"pid\": 42, \"host\": \"jump9\", \"state\": \"watching\"}\n");
	char *link = xasprintf("%s/%s", dir, WATCHSTATE_FILE);
	assert_int_equal(symlink("elsewhere.json", link), 0);
	struct watchstate ws;
	char *cause = NULL;
	assert_int_equal(watchstate_read(dir, &ws, &cause), -1);
	assert_non_null(cause);
	char *want = xasprintf("cannot read %s: ", link);
	if (strncmp(cause, want, strlen(want)) != 0)
		fail_msg("cause: %s", cause);
	assert_int_equal(ws.present, 0);
	assert_int_equal(ws.pid, 0);
	free(cause);
	free(want);
	free(link);
	/* the lock as a symbolic link: neither claimed nor read */
	char *lock = xasprintf("%s/%s", dir, WATCHSTATE_LOCK);
	assert_int_equal(symlink("elsewhere.json", lock), 0);
	cause = NULL;
	assert_int_equal(watchstate_claim(dir, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cannot open"));
	free(cause);
	cause = NULL;
	assert_int_equal(watchstate_read(dir, &ws, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(lock);
}

/*
 * A watch.lock that is not a regular file is an error, whatever errno held
 * before the call (a caller's earlier ENOENT must not make it read as "no
 * watcher").
 */
static void test_watchstate_lock_not_file(void **state)
{
	const char *dir = *state;
	char *lock = xasprintf("%s/%s", dir, WATCHSTATE_LOCK);
	assert_int_equal(mkfifo(lock, 0600), 0);
	struct watchstate ws;
	char *cause = NULL;
	errno = ENOENT; /* left by some earlier, unrelated call */
	assert_int_equal(watchstate_read(dir, &ws, &cause), -1);
	assert_non_null(cause);
	char *want = xasprintf("cannot open %s: not a regular file", lock);
	assert_string_equal(cause, want);
	free(cause);
	cause = NULL;
	errno = ENOENT;
	assert_int_equal(watchstate_claim(dir, &cause), -1);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	free(lock);
}

/* Starts a child holding a shared look at watch.lock in dir for ms (a console reading); its pid. */
static pid_t reader_look(const char *dir, int ms)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *path = xasprintf("%s/%s", dir, WATCHSTATE_LOCK);
		int fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd == -1 || flock(fd, LOCK_SH) == -1)
			_exit(1);
		ssize_t w = write(ready[1], "x", 1);
		(void)w;
		usleep((useconds_t)ms * 1000);
		_exit(0);
	}
	char c;
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

/* A reader's shared look at the moment a watcher starts is waited out: the watcher starts. */
static void test_watchstate_claim_past_reader(void **state)
{
	const char *dir = *state;
	char *cause = NULL;
	int status;
	pid_t pid = reader_look(dir, 60);
	if (watchstate_claim(dir, &cause) != 0)
		fail_msg("a reader's look taken for a watcher: %s", cause);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	pid = fork(); /* seen from another process: the claim holds the lock */
	if (pid == 0) {
		struct watchstate ws;
		_exit(watchstate_read(dir, &ws, &cause) == 0 && ws.running ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The DR site's test address reads back with its sites; none, or a bad port, reads as none. */
static void test_watchstate_reach(void **state)
{
	const char *dir = *state;
	struct watchstate ws, got;
	char *cause = NULL;
	status_of(&ws, 42);
	assert_int_equal(watchstate_write(dir, &ws, &cause), 0);
	read_ok(dir, &got);
	assert_string_equal(got.reach_host, "");
	assert_int_equal(got.reach_port, 0);
	snprintf(ws.reach_primary, sizeof ws.reach_primary, "datacenter-1");
	snprintf(ws.reach_dr, sizeof ws.reach_dr, "datacenter-2");
	snprintf(ws.reach_host, sizeof ws.reach_host, "db1.example");
	ws.reach_port = 5433;
	assert_int_equal(watchstate_write(dir, &ws, &cause), 0);
	read_ok(dir, &got);
	assert_string_equal(got.reach_primary, "datacenter-1");
	assert_string_equal(got.reach_dr, "datacenter-2");
	assert_string_equal(got.reach_host, "db1.example");
	assert_int_equal(got.reach_port, 5433);
	static const char *const bad[] = {
	    "{\"pid\": 1, \"reach\": {\"primary\": \"a\", \"dr\": \"b\", \"host\": \"h\", "
	    "\"port\": 0}}\n",
	    "{\"pid\": 1, \"reach\": {\"primary\": \"a\", \"dr\": \"b\", \"host\": \"h\", "
	    "\"port\": 70000}}\n",
	    "{\"pid\": 1, \"reach\": {\"primary\": \"a\", \"dr\": \"b\", \"port\": 5432}}\n",
	    "{\"pid\": 1, \"reach\": \"h:5432\"}\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		put(dir, WATCHSTATE_FILE, bad[i]);
		read_ok(dir, &got);
		if (got.reach_host[0] != '\0' || got.reach_port != 0)
			fail_msg("'%s' read as %s:%lld", bad[i], got.reach_host,
			         (long long)got.reach_port);
	}
}

/* Runs the tests. */
int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_make, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_watchstate_absent),       T(test_watchstate_claim_once),
	    T(test_watchstate_holder_exits), T(test_watchstate_damaged),
	    T(test_watchstate_symlink),      T(test_watchstate_lock_not_file),
	    T(test_watchstate_claim_past_reader), T(test_watchstate_reach),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
