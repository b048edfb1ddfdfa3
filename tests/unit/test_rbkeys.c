/*
 * Tests of core/rbkeys.c: the keys a run's key line lists for each state of
 * its current step, which are the keys the console acts on.
 */
#include "config.h"

#include "unit.h"

#include "rbkeys.h"

/* Lists the keys of in as one line into buf. */
static const char *keys_of(const struct rbkeys_in *in, char *buf, size_t len)
{
	struct rbkey k[RBKEYS_MAX];
	size_t n = rbkeys_list(in, k, RBKEYS_MAX);
	rbkeys_text(k, n, buf, len);
	return buf;
}

/* A step awaiting its confirmation: Enter confirms, typed when the action says so. */
static void test_awaiting(void **state)
{
	(void)state;
	char b[256];
	struct rbkeys_in in = {.has_step = 1, .state = RB_AWAITING};
	assert_string_equal(keys_of(&in, b, sizeof b),
	                    "Enter: confirm  k: skip  n: note  a: abort");
	in.typed = 1;
	assert_string_equal(keys_of(&in, b, sizeof b),
	                    "Enter: confirm (type the site)  k: skip  n: note  a: abort");
}

/* A manual step is marked done with d, and says nothing of a confirmation. */
static void test_manual(void **state)
{
	(void)state;
	char b[256];
	struct rbkeys_in in = {.has_step = 1, .state = RB_AWAITING, .manual = 1, .typed = 1};
	assert_string_equal(keys_of(&in, b, sizeof b), "d: mark done  k: skip  n: note  a: abort");
}

/* Guarded: o always; t only while the old primary cannot be reached (attest refuses else). */
static void test_guarded(void **state)
{
	(void)state;
	char b[256];
	struct rbkeys_in in = {.has_step = 1, .state = RB_GUARDED};
	assert_string_equal(keys_of(&in, b, sizeof b),
	                    "o: override guard  k: skip  n: note  a: abort");
	in.primary_down = 1;
	assert_string_equal(
	    keys_of(&in, b, sizeof b),
	    "o: override guard  t: attest primary down  k: skip  n: note  a: abort");
}

/* Failed: r and k, never d (the engine ignores d on a failed step). */
static void test_failed(void **state)
{
	(void)state;
	char b[256];
	struct rbkey k[RBKEYS_MAX];
	struct rbkeys_in in = {.has_step = 1, .state = RB_FAILED};
	size_t n = rbkeys_list(&in, k, RBKEYS_MAX);
	assert_true(rbkeys_has(k, n, "r"));
	assert_true(rbkeys_has(k, n, "k"));
	assert_false(rbkeys_has(k, n, "d"));
	assert_false(rbkeys_has(k, n, "Enter"));
	assert_string_equal(keys_of(&in, b, sizeof b), "r: retry  k: skip  n: note  a: abort");
}

/* Unknown: d after a check by hand; r only when it cannot still run on its site. */
static void test_unknown(void **state)
{
	(void)state;
	char b[256];
	struct rbkeys_in in = {.has_step = 1, .state = RB_UNKNOWN};
	assert_string_equal(keys_of(&in, b, sizeof b),
	                    "r: retry  d: mark done (checked)  k: skip  n: note  a: abort");
	in.may_run = 1;
	assert_string_equal(keys_of(&in, b, sizeof b),
	                    "d: mark done (checked)  k: skip  n: note  a: abort");
	in.pending = 1; /* a status question in flight: nothing changes the step */
	assert_string_equal(keys_of(&in, b, sizeof b), "n: note  a: abort");
}

/* Running, verifying or pending: only the note and the abort. */
static void test_running(void **state)
{
	(void)state;
	char b[256];
	enum rb_state s[] = {RB_RUNNING, RB_VERIFYING, RB_PENDING};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		struct rbkeys_in in = {.has_step = 1, .state = s[i], .pending = s[i] != RB_PENDING};
		assert_string_equal(keys_of(&in, b, sizeof b), "n: note  a: abort");
	}
}

/* Held: only the abort; finished: only a new pick; a split brain adds f first. */
static void test_run_wide(void **state)
{
	(void)state;
	char b[256];
	struct rbkeys_in in = {.has_step = 1, .state = RB_AWAITING, .held = 1};
	assert_string_equal(keys_of(&in, b, sizeof b), "a: abort");
	in.fence_key = 1;
	assert_string_equal(keys_of(&in, b, sizeof b), "f: fence it  a: abort");
	struct rbkeys_in done = {.finished = 1};
	assert_string_equal(keys_of(&done, b, sizeof b), "s: pick a scenario");
}

/* The list stops at max, and the line is cut at the buffer's end, terminated. */
static void test_bounds(void **state)
{
	(void)state;
	struct rbkey k[2];
	char b[12];
	struct rbkeys_in in = {.has_step = 1, .state = RB_UNKNOWN};
	assert_int_equal(rbkeys_list(&in, k, 2), 2);
	rbkeys_text(k, 2, b, sizeof b);
	assert_int_equal(strlen(b), sizeof b - 1);
	assert_memory_equal(b, "r: retry  d", 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_awaiting), cmocka_unit_test(test_manual),
	    cmocka_unit_test(test_guarded),  cmocka_unit_test(test_failed),
	    cmocka_unit_test(test_unknown),  cmocka_unit_test(test_running),
	    cmocka_unit_test(test_run_wide), cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
