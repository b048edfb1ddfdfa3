/*
 * Tests of core/logpipe.c: what is written to the descriptor reaches the log
 * file cleaned, line by line, a long line whole and an unfinished last line
 * too, and the descriptor is left pointing at /dev/null once stopped.
 */
#include "config.h"

#include "unit.h"

#include <fcntl.h>

#include "logpipe.h"

/* Reads a whole file into a new string. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char *buf = xmalloc(1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Writes len bytes to fd. */
static void put(int fd, const char *s, size_t len)
{
	assert_int_equal(write(fd, s, len), (ssize_t)len);
}

/* Hostile text written to the descriptor is in the log only as visible escapes. */
static void test_logpipe_cleans(void **state)
{
	(void)state;
	char *path = unit_write_file("before\n");
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	char *cause = NULL;
	struct logpipe *lp = logpipe_start(path, fd, &cause);
	assert_non_null(lp);
	const char *hostile =
	    "NOTICE: \x1b]0;t\x07\x1b]52;c;eA==\x07\x1b[2J\xc2\x9b\x9b\xe2\x80\xae\n";
	put(fd, hostile, strlen(hostile));
	size_t n = 10 * 1024;
	char *big = xmalloc(n);
	memset(big, 'x', n);
	big[5000] = '\x1b';
	put(fd, big, n);
	put(fd, "\nlast, no newline \x07", 19);
	logpipe_stop(lp, 2000);
	char *got = slurp(path);
	assert_null(strchr(got, '\x1b'));
	assert_null(strchr(got, '\x07'));
	assert_null(strstr(got, "\xc2\x9b"));
	assert_null(strstr(got, "\xe2\x80\xae"));
	assert_null(strchr(got, '\x9b'));
	assert_non_null(strstr(got, "before\nNOTICE: \\x1b]0;t\\x07\\x1b]52;c;eA==\\x07\\x1b[2J"
	                            "\\u009b\\x9b\\u202e\n"));
	assert_non_null(strstr(got, "xx\\x1bxx"));
	assert_non_null(strstr(got, "\nlast, no newline \\x07"));
	assert_int_equal(strlen(got), 7 + 62 + n + 3 + 1 + 21);
	/* The descriptor writes to /dev/null now, not to the pipe. */
	put(fd, "after\n", 6);
	free(got);
	got = slurp(path);
	assert_null(strstr(got, "after"));
	free(got);
	free(big);
	close(fd);
	unlink(path);
	free(path);
}

/* A log that cannot be opened is said so, and the descriptor is left alone. */
static void test_logpipe_unwritable(void **state)
{
	(void)state;
	char *cause = NULL;
	struct logpipe *lp = logpipe_start("/nonexistent/dir/console.log", 2, &cause);
	assert_null(lp);
	assert_non_null(strstr(cause, "cannot open the log /nonexistent/dir/console.log"));
	free(cause);
	logpipe_stop(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_logpipe_cleans),
	    cmocka_unit_test(test_logpipe_unwritable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
