/*
 * Tests of core/watchstate.c's lock: a watcher holding watch.lock is seen
 * running and refuses a second one; a reader's look (the shared lock that
 * watchstate_read holds for a moment, once a second from every console)
 * is waited out by a watcher starting, never taken for another watcher.
 * Other processes hold the locks (flock is per open file, across fork).
 * Each test works in its own mkdtemp folder.
 */
#include "config.h"

#include "unit.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "journal_fixture.h"
#include "watchstate.h"

/* Starts a child that holds watch.lock in dir (how: LOCK_SH or LOCK_EX) for ms; its pid once held.
 */
static pid_t hold(const char *dir, int how, int ms)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *path = xasprintf("%s/%s", dir, WATCHSTATE_LOCK);
		int fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd == -1 || flock(fd, how) == -1)
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

/* Waits for a child to end. */
static void reap(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* A watcher holding the lock is running to a reader, and refuses a second watcher. */
static void test_held(void **state)
{
	const char *dir = *state;
	struct watchstate ws;
	char *cause = NULL;
	assert_int_equal(watchstate_read(dir, &ws, &cause), 0);
	assert_false(ws.running);
	assert_false(ws.present);
	pid_t pid = hold(dir, LOCK_EX, 1000);
	assert_int_equal(watchstate_read(dir, &ws, &cause), 0);
	assert_true(ws.running);
	assert_int_equal(watchstate_claim(dir, &cause), -1);
	assert_non_null(strstr(cause, "a watcher already runs"));
	free(cause);
	reap(pid);
	assert_int_equal(watchstate_read(dir, &ws, &cause), 0);
	assert_false(ws.running);
}

/* A reader's shared look at the moment a watcher starts is waited out: the watcher starts. */
static void test_claim_past_reader(void **state)
{
	const char *dir = *state;
	char *cause = NULL;
	pid_t pid = hold(dir, LOCK_SH, 60);
	int rc = watchstate_claim(dir, &cause);
	if (rc != 0)
		fail_msg("a reader's look taken for a watcher: %s", cause);
	reap(pid);
	struct watchstate ws;
	pid = fork(); /* seen from another process: the claim holds the lock */
	if (pid == 0)
		_exit(watchstate_read(dir, &ws, &cause) == 0 && ws.running ? 0 : 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_held, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_claim_past_reader, scratch_setup,
	                                    scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
