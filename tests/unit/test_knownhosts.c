/*
 * Tests of core/knownhosts.c: the accepted line is appended exactly, on a
 * line of its own, the file and its folder are created private, and entries
 * that are not one line, or files that cannot be written, are refused.
 */
#include "config.h"

#include "unit.h"

#include <ftw.h>
#include <sys/stat.h>

#include "knownhosts.h"

#define ENTRY "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv2"

/* Makes a scratch folder for one test. */
static int scratch_setup(void **state)
{
	char *dir = xstrdup("/tmp/drconsole-kh-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

/* Removes one entry of the scratch folder. */
static int scratch_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Removes the scratch folder. */
static int scratch_teardown(void **state)
{
	nftw(*state, scratch_rm, 8, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

/* Reads a whole file (free it). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = xcalloc(1, 8192);
	size_t n = fread(buf, 1, 8191, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A missing file and folder are created 0600 and 0700, holding exactly the line. */
static void test_creates_private(void **state)
{
	char *path = xasprintf("%s/ssh/known_hosts", (char *)*state), *cause = NULL;
	assert_int_equal(knownhosts_append(path, ENTRY, &cause), 0);
	char *text = slurp(path);
	assert_string_equal(text, ENTRY "\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *dir = xasprintf("%s/ssh", (char *)*state);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
	free(text);
	free(path);
}

/* Existing lines are kept; a last line without its newline gets one first. */
static void test_appends_after_unterminated_line(void **state)
{
	char *path = xasprintf("%s/known_hosts", (char *)*state), *cause = NULL;
	FILE *f = fopen(path, "w");
	fputs("otherhost ssh-rsa AAAA", f);
	fclose(f);
	assert_int_equal(knownhosts_append(path, ENTRY, &cause), 0);
	assert_int_equal(knownhosts_append(path, "b ssh-ed25519 BBBB", &cause), 0);
	char *text = slurp(path);
	assert_string_equal(text, "otherhost ssh-rsa AAAA\n" ENTRY "\nb ssh-ed25519 BBBB\n");
	free(text);
	free(path);
}

/* An entry holding a newline (a second key smuggled in) or nothing is refused, the file untouched. */
static void test_refuses_multiline(void **state)
{
	char *path = xasprintf("%s/known_hosts", (char *)*state), *cause = NULL;
	assert_int_equal(knownhosts_append(path, ENTRY "\nevil ssh-rsa AAAA", &cause), -1);
	assert_non_null(strstr(cause, "single line"));
	free(cause);
	cause = NULL;
	assert_int_equal(knownhosts_append(path, "", &cause), -1);
	free(cause);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

/* A file that cannot be opened gives its path and the reason. */
static void test_unwritable(void **state)
{
	char *path = xasprintf("%s/known_hosts", (char *)*state), *cause = NULL;
	assert_int_equal(mkdir(path, 0700), 0); /* a folder where the file should be */
	assert_int_equal(knownhosts_append(path, ENTRY, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_private, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_appends_after_unterminated_line, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_multiline, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
