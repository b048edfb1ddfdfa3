/*
 * Tests of tui/console_keys.c and tui/keys.c, the console's key tables: in
 * no state of the console do two bindings of one key apply at once in one
 * mode (its own table and those it falls back to); every binding has keys, a
 * function, a label and help text; the runbook's key line for each state of
 * the current step; typed text never takes a key a binding names; --follow
 * has only the view's keys; a key in no table does nothing.
 */
#include "config.h"

#include "unit.h"

#include "console.h"

#define ENTER '\n'

/* Every binding of every table: keys, a function, a label, help text. */
static void test_complete(void **state)
{
	(void)state;
	for (int m = 0; m < CONSOLE_KEYS_N; m++) {
		const struct keys_table *t = &console_keys_tables[m];
		assert_non_null(t->title);
		assert_true(t->n > 0 || m == CONSOLE_KEYS_FOLLOW);
		for (size_t i = 0; i < t->n; i++) {
			const struct keys_binding *b = &t->b[i];
			assert_true(b->key[0] != 0);
			assert_non_null(b->act);
			assert_non_null(b->label);
			assert_true(b->label[0] != '\0');
			assert_non_null(b->help);
			assert_true(strlen(b->help) > 2);
		}
	}
}

/* Sets a state from the bits of n and a step state. */
static void state_of(unsigned n, enum rb_state st, struct keys_state *s)
{
	memset(s, 0, sizeof *s);
	int *bits[] = {&s->run.on,        &s->run.finished, &s->run.held,
	               &s->run.has_step,  &s->run.manual,   &s->run.typed,
	               &s->run.may_run,   &s->run.pending,  &s->run.primary_down,
	               &s->run.fence_key, &s->run.tabletop, &s->run.drill,
	               &s->live,          &s->starting,     &s->searching};
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		*bits[i] = (n >> i) & 1;
	s->run.state = st;
}

#define STATE_BITS 15
#define KEY_SLOTS  (KEYS_ANY + 1)

/* Lists the keys a binding names (a range, or its list); returns how many. */
static size_t named(const struct keys_binding *b, int *out)
{
	size_t n = 0;
	if (b->last != 0) {
		for (int k = b->key[0]; k <= b->last; k++)
			out[n++] = k;
		return n;
	}
	while (n < KEYS_MAX && b->key[n] != 0) {
		out[n] = b->key[n];
		n++;
	}
	return n;
}

/* Counts, in a mode and state s, the applying bindings that name each key; fails on a second. */
static void check_once(const struct keys_table *mode, const struct keys_state *s, int *count)
{
	int touched[256], n_touched = 0, wild = 0;
	for (const struct keys_table *t = mode; t != NULL; t = t->parent)
		for (size_t i = 0; i < t->n; i++) {
			const struct keys_binding *b = &t->b[i];
			int keys[64];
			if (!keys_applies(b, s))
				continue;
			if (b->key[0] == KEYS_TEXT || b->key[0] == KEYS_ANY) {
				if (wild++ > 0)
					fail_msg("%s: two text bindings apply", mode->title);
				continue;
			}
			for (size_t k = 0, n = named(b, keys); k < n; k++) {
				if (count[keys[k]]++ > 0)
					fail_msg("%s: two bindings of %s (key %d) apply at once",
					         mode->title, b->label, keys[k]);
				touched[n_touched++] = keys[k];
			}
		}
	for (int i = 0; i < n_touched; i++)
		count[touched[i]] = 0;
}

/* In every state of the console, at most one binding of each key applies in each mode. */
static void test_no_two_at_once(void **state)
{
	(void)state;
	static int count[KEY_SLOTS];
	enum rb_state states[] = {RB_PENDING, RB_GUARDED, RB_AWAITING, RB_RUNNING, RB_VERIFYING,
	                          RB_DONE,    RB_FAILED,  RB_SKIPPED,  RB_UNKNOWN};
	for (unsigned n = 0; n < (1u << STATE_BITS); n++)
		for (size_t st = 0; st < sizeof states / sizeof states[0]; st++) {
			struct keys_state s;
			state_of(n, states[st], &s);
			for (int m = 0; m < CONSOLE_KEYS_N; m++)
				check_once(&console_keys_tables[m], &s, count);
		}
}

/* The key line of the run's table (or a drill's) in a state of the current step. */
static const char *line_of(enum console_keys_mode m, const struct rbkeys_in *in)
{
	static char buf[512];
	struct keys_state s = {.run = *in, .live = 1};
	keys_line_text(&console_keys_tables[m], &s, buf, sizeof buf);
	return buf;
}

/* The key line for each state of the current step, as the engine takes them. */
static void test_key_line(void **state)
{
	(void)state;
	struct rbkeys_in in = {.on = 1, .has_step = 1, .state = RB_AWAITING};
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in),
	                    "Enter: confirm  k: skip  n: note  a: abort");
	in.typed = 1;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in),
	                    "Enter: confirm (type the site)  k: skip  n: note  a: abort");
	in.manual = 1;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in),
	                    "d: mark done  k: skip  n: note  a: abort");
	in.state = RB_GUARDED;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in),
	                    "o: override guard  k: skip  n: note  a: abort");
	in.primary_down = 1;
	assert_string_equal(
	    line_of(CONSOLE_KEYS_RUN, &in),
	    "o: override guard  t: attest primary down  k: skip  n: note  a: abort");
	in.state = RB_FAILED; /* never d: the engine ignores it on a failed step */
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in), "r: retry  k: skip  n: note  a: abort");
	in.may_run = 1;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in), "k: skip  n: note  a: abort");
	in.state = RB_UNKNOWN;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in),
	                    "d: mark done (checked)  k: skip  n: note  a: abort");
	in.may_run = 0;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in),
	                    "r: retry  d: mark done (checked)  k: skip  n: note  a: abort");
	in.state = RB_RUNNING;
	in.pending = 1;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in), "n: note  a: abort");
	in.held = 1;
	in.fence_key = 1;
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &in), "f: fence it  a: abort");
	struct rbkeys_in done = {.on = 1, .finished = 1};
	assert_string_equal(line_of(CONSOLE_KEYS_RUN, &done), "s: pick a scenario");
	struct rbkeys_in table = {
	    .on = 1, .has_step = 1, .state = RB_AWAITING, .manual = 1, .tabletop = 1, .drill = 1};
	assert_string_equal(line_of(CONSOLE_KEYS_DRILL, &table),
	                    "Enter: what would you do  i: inject  k: skip  n: note  a: abort");
}

/* Finds what key ch calls in mode m and state s (NULL: nothing). */
static const struct keys_binding *find(enum console_keys_mode m, const struct keys_state *s, int ch)
{
	return keys_find(&console_keys_tables[m], s, ch);
}

/* The picker: j, k and digits move before a search, then are typed; Korean bytes are typed. */
static void test_typed_text(void **state)
{
	(void)state;
	struct keys_state s = {.live = 1};
	assert_ptr_equal(find(CONSOLE_KEYS_PICK, &s, 'j')->act, console_pick_move);
	assert_ptr_equal(find(CONSOLE_KEYS_PICK, &s, '3')->act, console_pick_number);
	assert_ptr_equal(find(CONSOLE_KEYS_PICK, &s, 0xeb)->act, console_pick_type);
	s.searching = 1;
	assert_ptr_equal(find(CONSOLE_KEYS_PICK, &s, 'j')->act, console_pick_type);
	assert_ptr_equal(find(CONSOLE_KEYS_PICK, &s, '3')->act, console_pick_type);
	assert_ptr_equal(find(CONSOLE_KEYS_PICK, &s, KEY_DOWN)->act, console_pick_move);
	assert_null(find(CONSOLE_KEYS_PICK, &s, '\t'));
	assert_ptr_equal(find(CONSOLE_KEYS_PICK_STEPS, &s, ENTER)->act, console_pick_enter);
	assert_null(find(CONSOLE_KEYS_PICK_STEPS, &s, 'x'));
	assert_ptr_equal(find(CONSOLE_KEYS_DIALOG, &s, 'q')->act, console_dialog_key);
	assert_null(find(CONSOLE_KEYS_DIALOG, &s, CONSOLE_CTRL('b')));
	assert_ptr_equal(find(CONSOLE_KEYS_HELP, &s, 'q')->act, console_help_close);
	assert_ptr_equal(find(CONSOLE_KEYS_HELP, &s, KEY_DOWN)->act, console_help_scroll);
}

/* --follow: the view's keys only; nothing that acts on a run or a site. */
static void test_follow(void **state)
{
	(void)state;
	struct keys_state s;
	state_of(0, RB_AWAITING, &s);
	s.run = (struct rbkeys_in){.on = 1, .has_step = 1, .state = RB_AWAITING};
	int view[] = {'q', '?', '\t', KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, CONSOLE_CTRL('l'),
	              '3'};
	for (size_t i = 0; i < sizeof view / sizeof view[0]; i++)
		assert_non_null(find(CONSOLE_KEYS_FOLLOW, &s, view[i]));
	const char *acting = "sKfFEotrdknaiS\n";
	for (const char *k = acting; *k; k++)
		assert_null(find(CONSOLE_KEYS_FOLLOW, &s, *k));
}

/* A key in no table does nothing; a run's key does nothing when the run does not take it. */
static void test_unbound(void **state)
{
	(void)state;
	struct keys_state s = {.live = 1};
	assert_null(find(CONSOLE_KEYS_CONSOLE, &s, 'x'));
	assert_null(find(CONSOLE_KEYS_CONSOLE, &s, ENTER)); /* no run */
	assert_ptr_equal(find(CONSOLE_KEYS_CONSOLE, &s, 's')->act, console_pick_open);
	s.run = (struct rbkeys_in){.on = 1, .has_step = 1, .state = RB_FAILED};
	assert_null(find(CONSOLE_KEYS_RUN, &s, 'd'));
	assert_null(find(CONSOLE_KEYS_RUN, &s, 's')); /* a run goes on */
	assert_null(find(CONSOLE_KEYS_RUN, &s, 'i')); /* not a drill's table */
	assert_ptr_equal(find(CONSOLE_KEYS_RUN, &s, 'r')->act, console_run_retry);
	assert_ptr_equal(find(CONSOLE_KEYS_RUN, &s, 'f')->act, console_fence_now);
	s.run.fence_key = 1;
	assert_ptr_equal(find(CONSOLE_KEYS_RUN, &s, 'f')->act, console_run_fence);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_complete), cmocka_unit_test(test_no_two_at_once),
	    cmocka_unit_test(test_key_line), cmocka_unit_test(test_typed_text),
	    cmocka_unit_test(test_follow),   cmocka_unit_test(test_unbound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
