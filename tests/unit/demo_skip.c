/*
 * Not a test of drconsole: a unit test that skips, run by
 * tests/check-test-runner.sh to prove that a skip fails under CI=true.
 */
#include "config.h"

#include "unit.h"

/* Passes. */
static void demo_passes(void **state)
{
	(void)state;
	assert_true(1);
}

/* Skips, as a test whose requirement is missing does. */
static void demo_skips(void **state)
{
	(void)state;
	skip();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
	    cmocka_unit_test(demo_passes),
	    cmocka_unit_test(demo_skips),
	};
	const struct CMUnitTest passing[] = {
	    cmocka_unit_test(demo_passes),
	};
	if (argc > 1 && strcmp(argv[1], "--no-skip") == 0)
		return cmocka_run_group_tests(passing, NULL, NULL);
	return cmocka_run_group_tests(all, NULL, NULL);
}
