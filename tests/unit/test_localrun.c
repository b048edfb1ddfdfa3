/*
 * The local runner: real /bin/sh commands on this host, their output, exit
 * status, timeouts (SIGTERM, then SIGKILL for a command that ignores it), a
 * background process that keeps the pipes, the runner's thread, and its
 * stop ending the command under way with nothing of it left.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "localrun.h"
#include "opqueue.h"
#include "xmalloc.h"

/* Runs cmd with a timeout; returns the op (free with op_free) and how long it took. */
static struct op run(const char *cmd, int64_t timeout_ms, int64_t *took)
{
	struct op op = {0};
	op.kind = OP_EXEC;
	op.command = xstrdup(cmd);
	op.timeout_ms = timeout_ms;
	op.lsn = -1;
	int64_t t0 = clock_mono_ms();
	localrun_exec(&op);
	*took = clock_mono_ms() - t0;
	return op;
}

/* Output of both streams, the exit status, and success only for status 0. */
static void test_output_status(void **state)
{
	(void)state;
	int64_t took;
	struct op op = run("echo out; echo err >&2; exit 3", 5000, &took);
	assert_false(op.ok);
	assert_int_equal(op.exit_status, 3);
	assert_false(op.timed_out);
	assert_string_equal(op.output, "out\n"); /* stdout and stderr kept apart */
	assert_string_equal(op.errout, "err\n");
	assert_int_equal(op.cut, 0);
	op_free(&op);
	op = run("cat; echo read-nothing", 5000, &took); /* stdin is /dev/null */
	assert_true(op.ok);
	assert_int_equal(op.exit_status, 0);
	assert_string_equal(op.output, "read-nothing\n");
	assert_true(took < 3000);
	op_free(&op);
}

/* A command past its timeout gets SIGTERM; one that ignores it, SIGKILL two seconds later. */
static void test_timeouts(void **state)
{
	(void)state;
	int64_t took;
	struct op op = run("echo begun; sleep 30", 300, &took);
	assert_false(op.ok);
	assert_true(op.timed_out);
	assert_non_null(strstr(op.detail, "timed out after 0.3 s, stopped"));
	assert_true(op.stopped);
	assert_non_null(strstr(op.output, "begun"));
	assert_true(took >= 250 && took < 2000);
	op_free(&op);
	op = run("trap '' TERM; sleep 30 & wait; wait", 300, &took);
	assert_true(op.timed_out);
	print_message("# ignoring SIGTERM: stopped after %lld ms\n", (long long)took);
	assert_true(took >= 2000 && took < 5000);
	op_free(&op);
	/* A command that closed its own output is still stopped at its deadline. */
	op = run("exec >/dev/null 2>&1; sleep 4", 500, &took);
	assert_true(op.timed_out);
	assert_false(op.ok);
	print_message("# output closed, 500 ms timeout: stopped after %lld ms\n", (long long)took);
	assert_true(took >= 450 && took < 2500);
	op_free(&op);
}

/* A background process that keeps the pipes does not hold the step once its command exited. */
static void test_background(void **state)
{
	(void)state;
	int64_t took;
	struct op op = run("sleep 3 & echo started", 10000, &took);
	assert_true(op.ok);
	assert_string_equal(op.output, "started\n");
	assert_true(took < 1500);
	op_free(&op);
}

/* Only the tail of a long output is kept. */
static void test_tail(void **state)
{
	(void)state;
	int64_t took;
	struct op op = run("yes | head -c 300000; echo last", 10000, &took);
	assert_true(op.ok);
	assert_true(strlen(op.output) <= OPQUEUE_OUTPUT_MAX);
	size_t n = strlen(op.output);
	assert_true(n > 5 && strcmp(op.output + n - 5, "last\n") == 0);
	assert_int_equal(op.cut, 300005 - (int64_t)n); /* and what was cut is told */
	op_free(&op);
}

/* The runner's thread: operations in order, each answered through the queue and the wake pipe. */
static void test_runner(void **state)
{
	(void)state;
	int wake[2];
	assert_int_equal(pipe2(wake, O_CLOEXEC | O_NONBLOCK), 0);
	char *cause = NULL;
	struct localrun *l = localrun_start(wake[1], &cause);
	assert_non_null(l);
	for (unsigned id = 1; id <= 2; id++) {
		struct op op = {0};
		op.id = id;
		op.kind = OP_EXEC;
		op.command = xasprintf("echo %u", id);
		op.timeout_ms = 5000;
		localrun_submit(l, &op);
	}
	unsigned got = 0;
	int64_t deadline = clock_mono_ms() + 10000;
	while (got < 2 && clock_left_ms(deadline) > 0) {
		struct pollfd pfd = {wake[0], POLLIN, 0};
		poll(&pfd, 1, clock_left_ms(deadline));
		char buf[16];
		while (read(wake[0], buf, sizeof buf) > 0)
			;
		struct op op;
		while (localrun_take(l, &op)) {
			got++;
			assert_int_equal(op.id, got);
			char want[16];
			snprintf(want, sizeof want, "%u\n", got);
			assert_string_equal(op.output, want);
			op_free(&op);
		}
	}
	assert_int_equal(got, 2);
	localrun_stop(l);
	close(wake[0]);
	close(wake[1]);
}

/* A command gets SIGPIPE as it should be, though drconsole ignores it: "yes | head" ends. */
static void test_sigpipe_default(void **state)
{
	(void)state;
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	int64_t took;
	struct op op = run("awk '/^SigIgn:/ {print $2}' /proc/self/status", 5000, &took);
	signal(SIGPIPE, was);
	assert_true(op.ok);
	unsigned long long ignored = strtoull(op.output, NULL, 16);
	if (ignored & (1ULL << (SIGPIPE - 1)))
		fail_msg("SIGPIPE is ignored by the command: SigIgn %s", op.output);
	op_free(&op);
}

/* Returns the pid written in path by a command, waiting up to 5 s for it; 0 when none came. */
static pid_t pid_written(const char *path)
{
	for (int64_t deadline = clock_mono_ms() + 5000; clock_left_ms(deadline) > 0;
	     poll(NULL, 0, 20)) {
		FILE *fp = fopen(path, "r");
		long pid = 0;
		int got = fp != NULL && fscanf(fp, "%ld", &pid) == 1;
		if (fp != NULL)
			fclose(fp);
		if (got && pid > 0)
			return (pid_t)pid;
	}
	return 0;
}

/* Tells whether pid has ended (a zombie waiting for init counts as ended), waiting up to 2 s. */
static int gone(pid_t pid)
{
	for (int64_t deadline = clock_mono_ms() + 2000; clock_left_ms(deadline) > 0;
	     poll(NULL, 0, 20)) {
		char *path = xasprintf("/proc/%ld/stat", (long)pid);
		FILE *fp = fopen(path, "r");
		free(path);
		char state = 'X';
		if (fp != NULL) {
			int got = fscanf(fp, "%*d (%*[^)]) %c", &state);
			fclose(fp);
			if (got != 1)
				state = 'X';
		}
		if (kill(pid, 0) == -1 || state == 'Z' || state == 'X')
			return 1;
	}
	return 0;
}

/*
 * Stopping the runner ends the command under way as its timeout would:
 * SIGTERM to its group (SIGKILL two seconds later for one that ignores it);
 * it returns without waiting for the command's own time, nothing left running.
 */
static void test_stop_running(void **state)
{
	(void)state;
	static const char *const cmds[] = {"sleep 300 &", "trap '' TERM; sleep 300 &"};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char path[] = "/tmp/drconsole-localrun-XXXXXX";
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		int wake[2];
		assert_int_equal(pipe2(wake, O_CLOEXEC | O_NONBLOCK), 0);
		char *cause = NULL;
		struct localrun *l = localrun_start(wake[1], &cause);
		assert_non_null(l);
		struct op op = {0};
		op.id = 1;
		op.kind = OP_EXEC;
		op.command = xasprintf("%s echo $! > %s; wait; wait", cmds[i], path);
		op.timeout_ms = 20000; /* past the stop's bound: a stop that waited for it fails */
		localrun_submit(l, &op);
		pid_t child = pid_written(path);
		assert_true(child > 0);
		int64_t t0 = clock_mono_ms();
		localrun_stop(l);
		int64_t took = clock_mono_ms() - t0;
		print_message("# stopped with a command under way (%zu): %lld ms\n", i,
		              (long long)took);
		assert_true(took < 4000);
		assert_true(gone(child)); /* its group was killed: nothing is left */
		unlink(path);
		close(wake[0]);
		close(wake[1]);
	}
}

/* A NUL byte in a stream never ends what is kept of it: what follows is kept too. */
static void test_output_nul(void **state)
{
	(void)state;
	struct op op;
	memset(&op, 0, sizeof op);
	op_set_output(&op, "A\0B after\n", 10, "E1\0E2\n", 6, -1);
	assert_string_equal(op.output, "A\xEF\xBF\xBD" "B after\n");
	assert_string_equal(op.errout, "E1\xEF\xBF\xBD" "E2\n");
	assert_int_equal(op.cut, 0);
	op_free(&op);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_output_status), cmocka_unit_test(test_timeouts),
	    cmocka_unit_test(test_background),    cmocka_unit_test(test_tail),
	    cmocka_unit_test(test_runner),        cmocka_unit_test(test_output_nul),
	    cmocka_unit_test(test_stop_running),  cmocka_unit_test(test_sigpipe_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
