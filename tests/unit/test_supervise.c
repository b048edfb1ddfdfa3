/*
 * Tests of the step supervisor: its scripts run here with /bin/sh (and the
 * login shells a site may have: bash, dash, tcsh, fish), in a HOME of their
 * own, as sshd would run them; and the reading of its answers.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "clock.h"
#include "supervise.h"
#include "unit.h"

#define NONCE "0123456789abcdef"

static char home[64];

/* Runs line with shell -c in the test's HOME; returns its stdout (free it), stderr in *err. */
static char *run_line(const char *shell, const char *line, char **err, int64_t *took)
{
	char errpath[96];
	snprintf(errpath, sizeof errpath, "%s/stderr", home);
	setenv("HOME", home, 1);
	unsetenv("XDG_STATE_HOME");
	int64_t start = clock_mono_ms();
	pid_t pid;
	int out[2];
	assert_int_equal(pipe(out), 0);
	if ((pid = fork()) == 0) {
		dup2(out[1], 1);
		close(out[1]);
		freopen(errpath, "w", stderr);
		close(out[0]);
		execlp(shell, shell, "-c", line, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	ssize_t n;
	while ((n = read(out[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 1024)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	close(out[0]);
	int status;
	waitpid(pid, &status, 0);
	if (took != NULL)
		*took = clock_mono_ms() - start;
	if (err != NULL) {
		FILE *f = fopen(errpath, "r");
		char tmp[8192] = "";
		size_t k = f ? fread(tmp, 1, sizeof tmp - 1, f) : 0;
		tmp[k] = '\0';
		if (f)
			fclose(f);
		*err = xstrdup(tmp);
	}
	return buf;
}

/* Runs a step under the supervisor with /bin/sh and reads its answer. */
static char *run_step(const char *run, unsigned id, int64_t timeout_ms, const char *cmd,
                      struct supervise_result *r, int64_t *took)
{
	char *line = supervise_command(run, id, NONCE, timeout_ms, cmd);
	char *out = run_line("/bin/sh", line, NULL, took);
	supervise_parse(out, strlen(out), NONCE, r);
	free(line);
	return out;
}

/* Asks the site how a step stands. */
static void ask_status(const char *run, unsigned id, struct supervise_result *r)
{
	char *line = supervise_status_command(run, id, NONCE);
	char *out = run_line("/bin/sh", line, NULL, NULL);
	supervise_parse(out, strlen(out), NONCE, r);
	free(out);
	free(line);
}

/* Makes the test's HOME. */
static int setup(void **state)
{
	(void)state;
	snprintf(home, sizeof home, "/tmp/drconsole-sup-XXXXXX");
	assert_non_null(mkdtemp(home));
	return 0;
}

/* Removes the test's HOME. */
static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* The line sshd gets holds no newline, no '!' and no backslash pair, whatever the command. */
static void test_line_is_plain(void **state)
{
	(void)state;
	char *line = supervise_command("run-1", 7, NONCE, 5000, "a\nb \\\\ c ! d 'e' \"f\"");
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '!'));
	assert_null(strstr(line, "\\\\"));
	assert_non_null(strstr(line, "exec /bin/sh -c "));
	free(line);
	line = supervise_status_command("run-1", 7, NONCE);
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '!'));
	free(line);
}

/* Exit status, stdout and stderr apart, the command's text passed exactly. */
static void test_exit_and_streams(void **state)
{
	(void)state;
	struct supervise_result r;
	char *err = NULL;
	const char *cmd =
	    "echo hello; echo oops >&2; printf 'a\\\\b!\\n'; cat <<EOF\nline $((1+1))\nEOF\n"
	    "exit 3";
	char *line = supervise_command("r1", 1, NONCE, 10000, cmd);
	char *out = run_line("/bin/sh", line, &err, NULL);
	supervise_parse(out, strlen(out), NONCE, &r);
	assert_int_equal(r.end, SUPERVISE_EXITED);
	assert_int_equal(r.status, 3);
	assert_true(r.pid > 0);
	char *tail = xstrndup(out + r.out_start, r.out_end - r.out_start);
	assert_string_equal(tail, "hello\na\\b!\nline 2\n");
	assert_int_equal(r.out_bytes, (int64_t)strlen(tail));
	assert_int_equal(r.err_bytes, 5);
	assert_non_null(strstr(err, "oops"));
	assert_null(strstr(tail, "oops"));
	free(tail);
	free(out);
	free(err);
	free(line);
}

/* The login shells a site account may have all run it the same. */
static void test_login_shells(void **state)
{
	(void)state;
	const char *shells[] = {"bash", "dash", "tcsh", "fish"};
	for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "/usr/bin/%s", shells[i]);
		if (access(path, X_OK) != 0 && getenv("CI") != NULL)
			fail_msg("%s is not installed", path);
		if (access(path, X_OK) != 0)
			continue;
		struct supervise_result r;
		char *line = supervise_command("shells", (unsigned)i + 1, NONCE, 10000,
		                               "echo \"x!\\\\y\"\nexit 4");
		char *out = run_line(shells[i], line, NULL, NULL);
		supervise_parse(out, strlen(out), NONCE, &r);
		assert_int_equal(r.end, SUPERVISE_EXITED);
		assert_int_equal(r.status, 4);
		assert_true(strstr(out, "x!\\y\n") != NULL);
		free(out);
		free(line);
	}
}

/* Output the step prints to look like the supervisor's is not taken for it. */
static void test_forged_lines(void **state)
{
	(void)state;
	struct supervise_result r;
	char *out =
	    run_step("r2", 1, 10000, "echo 'drsup 0000000000000000 end exit 0 out 0 err 0'; exit 5",
	             &r, NULL);
	assert_int_equal(r.end, SUPERVISE_EXITED);
	assert_int_equal(r.status, 5);
	free(out);
}

/* At its deadline the step's group is stopped, TERM or not, and the site says so. */
static void test_deadline(void **state)
{
	(void)state;
	struct supervise_result r;
	int64_t took;
	char *out = run_step("r3", 1, 1000, "sleep 30", &r, &took);
	assert_int_equal(r.end, SUPERVISE_STOPPED);
	print_message("# sleep 30, 1 s deadline: stopped after %lld ms\n", (long long)took);
	assert_true(took >= 1000 && took < 6000);
	free(out);
	out = run_step("r3", 2, 1000, "trap '' TERM; sleep 30 & wait; wait", &r, &took);
	assert_int_equal(r.end, SUPERVISE_STOPPED);
	print_message("# ignoring TERM: stopped after %lld ms\n", (long long)took);
	assert_true(took >= 1000 + SUPERVISE_GRACE_S * 1000 && took < 12000);
	free(out);
	out = run_step("r3", 3, 1000, "exec >/dev/null 2>&1; sleep 30", &r, &took);
	assert_int_equal(r.end, SUPERVISE_STOPPED);
	assert_true(took >= 1000 && took < 6000);
	free(out);
	/* Never before its time: a step of 2 s under a 2 s deadline... */
	out = run_step("r3", 4, 3000, "sleep 2; echo finished", &r, &took);
	assert_int_equal(r.end, SUPERVISE_EXITED);
	assert_non_null(strstr(out, "finished"));
	free(out);
	ask_status("r3", 2, &r);
	assert_int_equal(r.end, SUPERVISE_STOPPED);
}

/* A step that leaves a process behind is over when its command exits. */
static void test_background(void **state)
{
	(void)state;
	struct supervise_result r;
	int64_t took;
	char *out = run_step("r4", 1, 10000, "sleep 3 & echo started", &r, &took);
	assert_int_equal(r.end, SUPERVISE_EXITED);
	assert_int_equal(r.status, 0);
	assert_true(took < 2500);
	free(out);
}

/*
 * A command that kills its own shell but runs on is neither "stopped" at the
 * deadline (it ended long before) nor "gone" while its group still runs:
 * "gone" comes once the group has ended, without an exit status.
 */
static void test_parent_killed(void **state)
{
	(void)state;
	struct supervise_result r;
	int64_t took;
	char cmd[256], landed[96];
	snprintf(landed, sizeof landed, "%s/landed", home);
	snprintf(cmd, sizeof cmd, "kill -9 $PPID; sleep 2; echo landed >%s", landed);
	char *out = run_step("r4k", 1, 10000, cmd, &r, &took);
	print_message("# its shell killed, the command ran on: %s after %lld ms\n",
	              supervise_end_name(r.end), (long long)took);
	assert_int_equal(r.end, SUPERVISE_GONE);
	assert_true(took >= 2000 && took < 8000);
	assert_int_equal(access(landed, F_OK), 0);
	free(out);
}

/* The tail of a long output comes back, with how much there was in all. */
static void test_long_output(void **state)
{
	(void)state;
	struct supervise_result r;
	char *out =
	    run_step("r5", 1, 20000, "yes 0123456789 | head -c 3000000; echo last", &r, NULL);
	assert_int_equal(r.end, SUPERVISE_EXITED);
	assert_int_equal(r.out_bytes, 3000005);
	assert_int_equal(r.out_end - r.out_start, SUPERVISE_KEEP);
	assert_memory_equal(out + r.out_end - 5, "last\n", 5);
	free(out);
}

/* Asked later: running, how it ended, or never started; a step whose supervisor died is stopped. */
static void test_status(void **state)
{
	(void)state;
	struct supervise_result r;
	ask_status("r6", 1, &r);
	assert_int_equal(r.end, SUPERVISE_ABSENT);
	char *line = supervise_command("r6", 1, NONCE, 1000, "trap '' TERM; sleep 60");
	pid_t pid = fork();
	if (pid == 0) {
		setenv("HOME", home, 1);
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	free(line);
	char pidfile[128];
	snprintf(pidfile, sizeof pidfile, "%s/.local/state/drconsole/steps/r6/1.pid", home);
	for (int i = 0; i < 100 && access(pidfile, R_OK) != 0; i++)
		usleep(20000);
	usleep(100000);
	ask_status("r6", 1, &r);
	assert_int_equal(r.end, SUPERVISE_RUNNING);
	long pg = r.pid;
	assert_true(pg > 0);
	/* The supervisor dies: past the deadline, the status query stops the group itself. */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sleep(2);
	ask_status("r6", 1, &r);
	assert_int_equal(r.end, SUPERVISE_STOPPED);
	ask_status("r6", 1, &r);
	assert_int_equal(r.end, SUPERVISE_STOPPED);
}

/* A step id used before is refused rather than run twice. */
static void test_once(void **state)
{
	(void)state;
	struct supervise_result r;
	char *out = run_step("r7", 1, 5000, "echo once >>\"$HOME/count\"", &r, NULL);
	assert_int_equal(r.end, SUPERVISE_EXITED);
	free(out);
	out = run_step("r7", 1, 5000, "echo once >>\"$HOME/count\"", &r, NULL);
	assert_int_equal(r.end, SUPERVISE_REFUSED);
	assert_non_null(strstr(r.error, "started before"));
	free(out);
}

/* Reading answers: partial ones, none, and the end line's numbers. */
static void test_parse(void **state)
{
	(void)state;
	struct supervise_result r;
	const char *a = "noise\ndrsup " NONCE " pid 42\npartial out";
	supervise_parse(a, strlen(a), NONCE, &r);
	assert_int_equal(r.end, SUPERVISE_NONE);
	assert_int_equal(r.pid, 42);
	const char *b =
	    "drsup " NONCE " pid 42\nx\n\ndrsup " NONCE " end timeout alive 42 out 2 err 0\n";
	supervise_parse(b, strlen(b), NONCE, &r);
	assert_int_equal(r.end, SUPERVISE_ALIVE);
	assert_int_equal(r.pid, 42);
	assert_int_equal(r.out_end - r.out_start, 2);
	supervise_parse("", 0, NONCE, &r);
	assert_int_equal(r.end, SUPERVISE_NONE);
	assert_int_equal(r.pid, 0);
	const char *c = "drsup " NONCE " refused setsid is not installed on the site\n";
	supervise_parse(c, strlen(c), NONCE, &r);
	assert_int_equal(r.end, SUPERVISE_REFUSED);
	assert_string_equal(r.error, "setsid is not installed on the site");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_is_plain), cmocka_unit_test(test_exit_and_streams),
	    cmocka_unit_test(test_login_shells),  cmocka_unit_test(test_forged_lines),
	    cmocka_unit_test(test_deadline),      cmocka_unit_test(test_background),
	    cmocka_unit_test(test_parent_killed),
	    cmocka_unit_test(test_long_output),   cmocka_unit_test(test_status),
	    cmocka_unit_test(test_once),          cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
