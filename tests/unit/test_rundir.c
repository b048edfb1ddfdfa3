/*
 * Tests of core/rundir.c: where the run-time folders go, and that exactly
 * the folders of this process, or of dead processes of this user, are
 * removed, with the sockets inside them (in a scratch folder only: /tmp is
 * left alone). drconsole status's exits are tested against the lab in
 * tests/integration/test-probes.sh.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "unit.h"

#include "rundir.h"

/* The scratch run-time folder of a test. */
static char rt[64];

/* Makes a scratch folder and points $XDG_RUNTIME_DIR at it. */
static int setup(void **state)
{
	(void)state;
	snprintf(rt, sizeof rt, "/tmp/drconsole-unit-rt-XXXXXX");
	if (mkdtemp(rt) == NULL)
		return -1;
	setenv("XDG_RUNTIME_DIR", rt, 1);
	return 0;
}

/* Removes the scratch folder. */
static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf -- '%s'", rt);
	int rc = system(cmd);
	free(cmd);
	unsetenv("XDG_RUNTIME_DIR");
	return rc == 0 ? 0 : -1;
}

/* Returns the pid of a process that has ended. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* Makes rt/NAME holding a bound unix socket, as a bridge leaves it; returns its path. */
static char *make_bridge(const char *name)
{
	char *dir = xasprintf("%s/%s", rt, name);
	assert_int_equal(mkdir(dir, 0700), 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/.s.PGSQL.5432", dir);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	close(fd);
	struct timespec old[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
	assert_int_equal(utimensat(AT_FDCWD, dir, old, 0), 0); /* past the minute of grace */
	return dir;
}

/* Tells whether a path exists. */
static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* The folders go under $XDG_RUNTIME_DIR, named for this user and process. */
static void test_path(void **state)
{
	(void)state;
	int x = 0;
	char *p = rundir_path(&x);
	char *want = xasprintf("%s/drconsole-%u-%d-", rt, (unsigned)geteuid(), (int)getpid());
	assert_true(strncmp(p, want, strlen(want)) == 0);
	free(want);
	free(p);
}

/* Without a usable $XDG_RUNTIME_DIR (unset, relative, not a folder): /tmp. */
static void test_base_fallback(void **state)
{
	(void)state;
	const char *bad[] = {NULL, "run/user", "/nonexistent/drconsole", "/etc/passwd"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (bad[i] == NULL)
			unsetenv("XDG_RUNTIME_DIR");
		else
			setenv("XDG_RUNTIME_DIR", bad[i], 1);
		char *b = rundir_base();
		assert_string_equal(b, "/tmp");
		free(b);
	}
	setenv("XDG_RUNTIME_DIR", rt, 1);
	char *b = rundir_base();
	assert_string_equal(b, rt);
	free(b);
}

/* The sweep removes a dead process's folder and its socket, and nothing else. */
static void test_sweep(void **state)
{
	(void)state;
	unsigned uid = (unsigned)geteuid();
	char name[128];
	snprintf(name, sizeof name, "drconsole-%u-%d-0x1", uid, (int)dead_pid());
	char *dead = make_bridge(name);
	snprintf(name, sizeof name, "drconsole-%u-%d-0x2", uid, (int)getpid());
	char *own = make_bridge(name);
	snprintf(name, sizeof name, "drconsole-%u-1-0x3", uid); /* pid 1 runs */
	char *live = make_bridge(name);
	snprintf(name, sizeof name, "drconsole-%u-%d-0x4", uid + 1, (int)dead_pid());
	char *other = make_bridge(name); /* another user's name */
	char *plain = make_bridge("drconsole-notes");
	snprintf(name, sizeof name, "%s/drconsole-%u-%d-0x5", rt, uid, (int)dead_pid());
	assert_int_equal(symlink(plain, name), 0); /* a planted symlink is not followed */

	assert_int_equal(rundir_sweep_dir(rt, 0), 1);
	assert_false(exists(dead));
	assert_true(exists(own) && exists(live) && exists(other) && exists(name));
	char *sock = xasprintf("%s/.s.PGSQL.5432", plain);
	assert_true(exists(sock));

	/* On the way out, this process's own folder goes too. */
	assert_int_equal(rundir_sweep_dir(rt, 1), 1);
	assert_false(exists(own));
	assert_true(exists(live) && exists(other) && exists(sock));
	free(sock);
	free(dead);
	free(own);
	free(live);
	free(other);
	free(plain);
}

/*
 * A folder whose owner holds its .owner lock is kept whatever its pid looks
 * like from here (another PID namespace sharing /tmp); once the owner is
 * gone, it is swept even though a process here has that pid. A folder just
 * made, not claimed yet, is left for a minute.
 */
static void test_sweep_claimed(void **state)
{
	(void)state;
	unsigned uid = (unsigned)geteuid();
	char name[128];
	snprintf(name, sizeof name, "drconsole-%u-%d-0x6", uid, (int)dead_pid());
	char *far = make_bridge(name);
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	pid_t owner = fork();
	if (owner == 0) { /* the owner in "another namespace": its pid is not the folder's */
		close(gate[0]);
		if (rundir_claim(far) < 0 || write(gate[1], "y", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(gate[1]);
	char c;
	assert_int_equal(read(gate[0], &c, 1), 1);
	close(gate[0]);
	assert_int_equal(rundir_sweep_dir(rt, 0), 0);
	assert_true(exists(far));
	kill(owner, SIGKILL);
	assert_int_equal(waitpid(owner, NULL, 0), owner);
	snprintf(name, sizeof name, "drconsole-%u-1-0x7",
	         uid); /* pid 1 runs, but its owner is gone */
	char *reused = make_bridge(name);
	int mine = rundir_claim(reused); /* claimed by this process: live */
	assert_true(mine >= 0);
	snprintf(name, sizeof name, "%s/drconsole-%u-%d-0x8", rt, uid, (int)dead_pid());
	assert_int_equal(mkdir(name, 0700), 0); /* just made, not claimed yet */
	assert_int_equal(rundir_sweep_dir(rt, 0), 1);
	assert_false(exists(far));
	assert_true(exists(reused) && exists(name));
	rundir_release(reused, mine);
	free(far);
	free(reused);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_base_fallback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sweep_claimed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
