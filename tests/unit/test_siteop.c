/*
 * Tests of core/siteop.c's fence script and its answer: the fence's lines
 * read into success or failure with the sentence shown, and every configured
 * value in the script shell-quoted. (The script itself runs against the lab
 * in tests/tui/test-splitbrain.sh and test-run.sh; the restore test's script
 * is tested in test_restoretest.c.)
 */
#include "config.h"

#include "unit.h"

#include "siteop.h"

/* Reads a fence answer and checks the outcome and the sentence. */
static void fence(const char *out, int ok, const char *sentence)
{
	char d[256];
	assert_int_equal(siteop_fence_parse(out, d, sizeof d), ok);
	assert_string_equal(d, sentence);
}

/* The fence succeeds only when no postmaster is left running. */
static void test_fence_answers(void **state)
{
	(void)state;
	fence("fence stopped 4242\n", 1, "PostgreSQL stopped (postmaster 4242 is gone)");
	fence("Welcome!\nfence down\n", 1, "PostgreSQL was already down (no postmaster running)");
	fence("fence alive 4242\n", 0, "postmaster 4242 is still running after SIGINT and SIGQUIT");
	fence("fence lost\n", 0,
	      "the postmaster cannot be found (data folder not known, no socket lock file)");
	fence("", 0, "the fence gave no answer");
	fence(NULL, 0, "the fence gave no answer");
}

/* The data folder reaches the fence script shell-quoted. */
static void test_scripts_quote(void **state)
{
	(void)state;
	char *f = siteop_fence_script("/var/lib/pg data/15", 5433, 5);
	assert_non_null(strstr(f, "D='/var/lib/pg data/15';"));
	assert_non_null(strstr(f, ".s.PGSQL.5433.lock"));
	assert_non_null(strstr(f, "[ $i -lt 50 ]")); /* 5 s in steps of 0.1 s */
	free(f);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fence_answers),
		cmocka_unit_test(test_scripts_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
