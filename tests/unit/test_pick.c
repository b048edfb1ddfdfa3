/*
 * Tests of core/pick.c, the scenario picker's model: scenarios numbered from
 * 1 and drills from D1; the search keeps a substring of the name (Korean as
 * typed, ASCII in either case) or of the label; the selection moves within
 * what is kept and goes back to the first after each keystroke; Backspace
 * erases a whole Korean character.
 */
#include "config.h"

#include "unit.h"

#include "pick.h"

static struct scenario scenarios[] = {
    {.name = "전체 시스템 다운", .n_steps = 5},
    {.name = "데이터베이스 장애", .n_steps = 4},
    {.name = "Network Outage", .n_steps = 3},
};
static struct scenario drills[] = {
    {.name = "전체 시스템 다운 훈련", .n_steps = 7},
    {.name = "랜섬웨어 감염", .n_steps = 6},
};

/* Opens a picker on the three scenarios and the two drills. */
static void open_pick(struct pick *p)
{
	struct catalog cat;
	memset(&cat, 0, sizeof cat);
	cat.scenarios.items = scenarios;
	cat.scenarios.n = 3;
	cat.drill_runs.items = drills;
	cat.drill_runs.n = 2;
	pick_open(p, &cat);
}

/* Types a string into the search, byte by byte as the terminal sends it. */
static void type(struct pick *p, const char *s)
{
	for (; *s; s++)
		pick_type(p, (unsigned char)*s);
}

/* Opened: everything kept, in order, labelled; the first selected. */
static void test_open(void **state)
{
	(void)state;
	struct pick p;
	open_pick(&p);
	assert_int_equal(p.n_shown, 5);
	assert_string_equal(p.items[p.shown[1]].label, "2");
	assert_string_equal(p.items[p.shown[3]].label, "D1");
	assert_true(p.items[p.shown[4]].drill);
	assert_false(p.items[p.shown[2]].drill);
	assert_ptr_equal(pick_chosen(&p)->sc, &scenarios[0]);
	assert_false(p.steps);
}

/* Moving stops at either end; a number selects that scenario, not a drill. */
static void test_move_number(void **state)
{
	(void)state;
	struct pick p;
	open_pick(&p);
	pick_move(&p, -1);
	assert_int_equal(p.sel, 0);
	pick_move(&p, 3);
	assert_ptr_equal(pick_chosen(&p)->sc, &drills[0]);
	pick_move(&p, 10);
	assert_ptr_equal(pick_chosen(&p)->sc, &drills[1]);
	assert_int_equal(pick_number(&p, 2), 0);
	assert_ptr_equal(pick_chosen(&p)->sc, &scenarios[1]);
	assert_int_equal(pick_number(&p, 4), -1); /* there are three */
	assert_ptr_equal(pick_chosen(&p)->sc, &scenarios[1]);
}

/* Korean typed byte by byte finds the names that hold it, drills too. */
static void test_search_korean(void **state)
{
	(void)state;
	struct pick p;
	open_pick(&p);
	pick_move(&p, 2);
	type(&p, "다운");
	assert_int_equal(p.n_shown, 2);
	assert_int_equal(p.sel, 0); /* back to the first kept */
	assert_ptr_equal(pick_chosen(&p)->sc, &scenarios[0]);
	pick_move(&p, 1);
	assert_ptr_equal(pick_chosen(&p)->sc, &drills[0]);
	type(&p, " 훈련");
	assert_int_equal(p.n_shown, 1);
	assert_ptr_equal(pick_chosen(&p)->sc, &drills[0]);
}

/* ASCII in either case; a label (D2) is found too; nothing kept: nothing chosen. */
static void test_search_ascii(void **state)
{
	(void)state;
	struct pick p;
	open_pick(&p);
	type(&p, "network OUT");
	assert_int_equal(p.n_shown, 1);
	assert_ptr_equal(pick_chosen(&p)->sc, &scenarios[2]);
	assert_int_equal(pick_number(&p, 1), -1); /* 1 is not kept by the search */
	open_pick(&p);
	type(&p, "d2");
	assert_int_equal(p.n_shown, 1);
	assert_ptr_equal(pick_chosen(&p)->sc, &drills[1]);
	type(&p, "x");
	assert_int_equal(p.n_shown, 0);
	assert_null(pick_chosen(&p));
	pick_move(&p, 1);
	assert_null(pick_chosen(&p));
}

/* Backspace erases a whole Korean character (three bytes), and the list widens again. */
static void test_erase(void **state)
{
	(void)state;
	struct pick p;
	open_pick(&p);
	type(&p, "감염");
	assert_int_equal(p.n_shown, 1);
	pick_erase(&p);
	assert_string_equal(p.query, "감");
	pick_erase(&p);
	assert_string_equal(p.query, "");
	assert_int_equal(p.n_shown, 5);
	pick_erase(&p); /* nothing left: nothing happens */
	assert_string_equal(p.query, "");
	pick_type(&p, 0x7f); /* DEL and controls are not text */
	pick_type(&p, '\n');
	assert_string_equal(p.query, "");
}

/* The match itself: substring, empty query matches, ASCII case folded, other bytes exact. */
static void test_match(void **state)
{
	(void)state;
	assert_true(pick_match("Network Outage", ""));
	assert_true(pick_match("Network Outage", "WORK o"));
	assert_false(pick_match("Network Outage", "outages"));
	assert_true(pick_match("데이터베이스 장애", "베이스"));
	assert_false(pick_match("데이터베이스 장애", "장애 "));
	assert_false(pick_match("", "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open),          cmocka_unit_test(test_move_number),
	    cmocka_unit_test(test_search_korean), cmocka_unit_test(test_search_ascii),
	    cmocka_unit_test(test_erase),         cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
