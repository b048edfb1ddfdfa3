/*
 * Tests of core/rbkeys.c: which of a run's actions apply for each state of
 * its current step (the console's key tables bind keys to them).
 */
#include "config.h"

#include "unit.h"

#include "rbkeys_fixture.h"

/* A step awaiting its confirmation: confirmed with a key, or typed when the action says so. */
static void test_awaiting(void **state)
{
	(void)state;
	struct rbkeys_in in = {.on = 1, .has_step = 1, .state = RB_AWAITING};
	assert_string_equal(rbkeys_fixture_acts(&in), "confirm skip note abort");
	in.typed = 1;
	assert_string_equal(rbkeys_fixture_acts(&in), "confirm_typed skip note abort");
}

/* A manual step is marked done, and says nothing of a confirmation. */
static void test_manual(void **state)
{
	(void)state;
	struct rbkeys_in in = {
	    .on = 1, .has_step = 1, .state = RB_AWAITING, .manual = 1, .typed = 1};
	assert_string_equal(rbkeys_fixture_acts(&in), "done skip note abort");
}

/* A tabletop's step is narrated, neither confirmed nor marked; events can be injected. */
static void test_tabletop(void **state)
{
	(void)state;
	struct rbkeys_in in = {
	    .on = 1, .has_step = 1, .state = RB_AWAITING, .manual = 1, .tabletop = 1, .drill = 1};
	assert_string_equal(rbkeys_fixture_acts(&in), "narrate skip inject note abort");
}

/* Guarded: override always; attest only while the old primary cannot be reached. */
static void test_guarded(void **state)
{
	(void)state;
	struct rbkeys_in in = {.on = 1, .has_step = 1, .state = RB_GUARDED};
	assert_string_equal(rbkeys_fixture_acts(&in), "override skip note abort");
	in.primary_down = 1;
	assert_string_equal(rbkeys_fixture_acts(&in), "override attest skip note abort");
}

/* Failed: retry and skip, never done (the engine ignores it on a failed step). */
static void test_failed(void **state)
{
	(void)state;
	struct rbkeys_in in = {.on = 1, .has_step = 1, .state = RB_FAILED};
	assert_string_equal(rbkeys_fixture_acts(&in), "retry skip note abort");
	assert_false(rbkeys_applies(&in, RBKEY_DONE));
	assert_false(rbkeys_applies(&in, RBKEY_DONE_CHECKED));
	in.may_run = 1;
	assert_string_equal(rbkeys_fixture_acts(&in), "skip note abort");
}

/* Unknown: done after a check by hand; retry only when it cannot still run on its site. */
static void test_unknown(void **state)
{
	(void)state;
	struct rbkeys_in in = {.on = 1, .has_step = 1, .state = RB_UNKNOWN};
	assert_string_equal(rbkeys_fixture_acts(&in), "done_checked retry skip note abort");
	in.may_run = 1;
	assert_string_equal(rbkeys_fixture_acts(&in), "done_checked skip note abort");
	in.pending = 1; /* a status question in flight: nothing changes the step */
	assert_string_equal(rbkeys_fixture_acts(&in), "note abort");
}

/* Running, verifying or pending: only the note and the abort. */
static void test_running(void **state)
{
	(void)state;
	enum rb_state s[] = {RB_RUNNING, RB_VERIFYING, RB_PENDING};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		struct rbkeys_in in = {
		    .on = 1, .has_step = 1, .state = s[i], .pending = s[i] != RB_PENDING};
		assert_string_equal(rbkeys_fixture_acts(&in), "note abort");
	}
}

/* Held: only the abort (and the fence of a split brain); finished: only a new pick; none: nothing.
 */
static void test_run_wide(void **state)
{
	(void)state;
	struct rbkeys_in in = {.on = 1, .has_step = 1, .state = RB_AWAITING, .held = 1, .drill = 1};
	assert_string_equal(rbkeys_fixture_acts(&in), "abort");
	in.fence_key = 1;
	assert_string_equal(rbkeys_fixture_acts(&in), "fence abort");
	struct rbkeys_in done = {.on = 1, .finished = 1, .fence_key = 1};
	assert_string_equal(rbkeys_fixture_acts(&done), "pick");
	struct rbkeys_in none = {.has_step = 1, .state = RB_AWAITING};
	assert_string_equal(rbkeys_fixture_acts(&none), "");
	assert_false(rbkeys_applies(&in, RBKEY_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_awaiting), cmocka_unit_test(test_manual),
	    cmocka_unit_test(test_tabletop), cmocka_unit_test(test_guarded),
	    cmocka_unit_test(test_failed),   cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_running),  cmocka_unit_test(test_run_wide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
