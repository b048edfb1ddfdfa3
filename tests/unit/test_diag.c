/*
 * Tests of core/diag.c: the "FILE:LINE:COL: level: message" form with and
 * without a position, the counts, the stable sort and printing.
 */
#include "config.h"

#include "unit.h"

/* Checks item i of d formatted against want. */
static void item_is(const struct diag *d, size_t i, const char *want)
{
	assert_true(i < d->n);
	char *got = diag_format(&d->items[i]);
	if (strcmp(got, want) != 0)
		fail_msg("item %zu is '%s', expected '%s'", i, got, want);
	free(got);
}

/* An empty list has nothing and formats nothing. */
static void test_diag_empty(void **state)
{
	(void)state;
	struct diag d;
	memset(&d, 0x5a, sizeof d);
	diag_init(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 0);
	assert_null(d.items);
	char *s = unit_first_diag(&d);
	assert_string_equal(s, "");
	free(s);
	diag_sort(&d);
	diag_free(&d);
	assert_int_equal(d.n, 0);
}

/* Errors and warnings with a full position, a file only, or nothing. */
static void test_diag_format(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	diag_error(&d, "a.yml", 3, 5, "bad %s", "value");
	diag_warning(&d, "a.yml", 12, 1, "odd value %d", 42);
	diag_error(&d, "a.yml", 0, 0, "cannot open: %s", "No such file or directory");
	diag_warning(&d, "b.yml", 0, 7, "no line");
	diag_error(&d, NULL, 0, 0, "no file");
	diag_warning(&d, NULL, 4, 2, "position without a file");
	diag_add(&d, DIAG_ERROR, "데이터.yml", 1, 2, "한국어 %s", "메시지");
	diag_add(&d, DIAG_WARNING, "c.yml", 9, 9, "%s", "100% literal");
	item_is(&d, 0, "a.yml:3:5: error: bad value");
	item_is(&d, 1, "a.yml:12:1: warning: odd value 42");
	item_is(&d, 2, "a.yml: error: cannot open: No such file or directory");
	item_is(&d, 3, "b.yml: warning: no line");
	item_is(&d, 4, "error: no file");
	item_is(&d, 5, "warning: position without a file");
	item_is(&d, 6, "데이터.yml:1:2: error: 한국어 메시지");
	item_is(&d, 7, "c.yml:9:9: warning: 100% literal");
	assert_int_equal(d.n, 8);
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.warnings, 4);
	assert_int_equal(d.items[0].level, DIAG_ERROR);
	assert_int_equal(d.items[1].level, DIAG_WARNING);
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, 5);
	assert_null(d.items[4].file);
	diag_free(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 0);
	assert_null(d.items);
}

/* The file name is copied: the caller's buffer may change afterwards. */
static void test_diag_copies_file(void **state)
{
	(void)state;
	struct diag d;
	char name[] = "x.yml";
	diag_init(&d);
	diag_error(&d, name, 1, 1, "m");
	name[0] = 'y';
	item_is(&d, 0, "x.yml:1:1: error: m");
	diag_free(&d);
}

/* Sorting orders by file, then line, then column, keeping equal items in report order. */
static void test_diag_sort(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	diag_error(&d, "b.yml", 2, 1, "b2");
	diag_error(&d, "a.yml", 10, 1, "a10");
	diag_warning(&d, "a.yml", 2, 9, "a2c9");
	diag_error(&d, "a.yml", 2, 3, "a2c3 first");
	diag_error(&d, NULL, 0, 0, "no file");
	diag_warning(&d, "a.yml", 2, 3, "a2c3 second");
	diag_error(&d, "a.yml", 0, 0, "a whole file");
	diag_error(&d, "a.yml", 2, 3, "a2c3 third");
	diag_error(&d, "b.yml", 1, 1, "b1");
	diag_sort(&d);
	static const char *const want[] = {
		"error: no file",
		"a.yml: error: a whole file",
		"a.yml:2:3: error: a2c3 first",
		"a.yml:2:3: warning: a2c3 second",
		"a.yml:2:3: error: a2c3 third",
		"a.yml:2:9: warning: a2c9",
		"a.yml:10:1: error: a10",
		"b.yml:1:1: error: b1",
		"b.yml:2:1: error: b2",
	};
	assert_int_equal(d.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < d.n; i++)
		item_is(&d, i, want[i]);
	/* Counts do not change with the order. */
	assert_int_equal(d.errors, 7);
	assert_int_equal(d.warnings, 2);
	/* Sorting a sorted list changes nothing. */
	diag_sort(&d);
	for (size_t i = 0; i < d.n; i++)
		item_is(&d, i, want[i]);
	diag_free(&d);
}

/* A long list sorts stably too (line numbers counted down, duplicates in order). */
static void test_diag_sort_long(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	for (int i = 0; i < 200; i++)
		diag_error(&d, "f.yml", 100 - i / 2, 1, "%d", i);
	diag_sort(&d);
	for (size_t i = 0; i < d.n; i++) {
		int line = d.items[i].line;
		assert_int_equal(line, 1 + (int)i / 2);
		/* Of the two items on a line, the one reported first comes first. */
		int first = (100 - line) * 2;
		assert_int_equal(atoi(d.items[i].message), first + (int)(i % 2));
	}
	diag_free(&d);
}

/* Printing writes every item on its own line. */
static void test_diag_print(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	diag_error(&d, "a.yml", 1, 2, "one");
	diag_warning(&d, NULL, 0, 0, "two");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	diag_print(&d, fp);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "a.yml:1:2: error: one\nwarning: two\n");
	free(buf);
	diag_free(&d);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	diag_print(&d, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(len, 0);
	free(buf);
}

/* Past DIAG_MAX_ITEMS, one "too many problems" item closes the list; all are still counted. */
static void test_diag_cap(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	for (int i = 0; i < DIAG_MAX_ITEMS + 50; i++)
		diag_error(&d, "f.yml", i + 1, 1, "problem %d", i);
	diag_warning(&d, "f.yml", 9999, 1, "late warning");
	assert_int_equal(d.n, DIAG_MAX_ITEMS + 1);
	assert_int_equal(d.errors, DIAG_MAX_ITEMS + 50);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.dropped, 51);
	char *want = xasprintf("f.yml:%d:1: error: problem %d", DIAG_MAX_ITEMS,
			       DIAG_MAX_ITEMS - 1);
	item_is(&d, DIAG_MAX_ITEMS - 1, want);
	free(want);
	want = xasprintf("f.yml:%d:1: error: too many problems (more than %d); fix these first",
			 DIAG_MAX_ITEMS + 1, DIAG_MAX_ITEMS);
	item_is(&d, DIAG_MAX_ITEMS, want);
	free(want);
	diag_free(&d);
	assert_int_equal(d.dropped, 0);
	assert_int_equal(d.n, 0);

	/* Exactly DIAG_MAX_ITEMS problems: all kept, nothing dropped. */
	for (int i = 0; i < DIAG_MAX_ITEMS; i++)
		diag_warning(&d, NULL, 0, 0, "w%d", i);
	assert_int_equal(d.n, DIAG_MAX_ITEMS);
	assert_int_equal(d.dropped, 0);
	want = xasprintf("warning: w%d", DIAG_MAX_ITEMS - 1);
	item_is(&d, DIAG_MAX_ITEMS - 1, want);
	free(want);
	diag_free(&d);
}

/* After sorting, the "too many problems" item still closes the list. */
static void test_diag_cap_sorted_last(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	/* Reported from the bottom of the file up, so the item that overflows has line 1. */
	for (int i = 0; i < DIAG_MAX_ITEMS + 5; i++)
		diag_error(&d, "f.yml", DIAG_MAX_ITEMS + 5 - i, 1, "problem %d", i);
	diag_sort(&d);
	assert_int_equal(d.n, DIAG_MAX_ITEMS + 1);
	char *last = diag_format(&d.items[d.n - 1]);
	int ok = strstr(last, "too many problems") != NULL;
	char copy[512];
	snprintf(copy, sizeof copy, "%s", last);
	free(last);
	diag_free(&d);
	if (!ok)
		fail_msg("the last item after sorting is '%s', not the 'too many problems' one",
			 copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_empty),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_diag_copies_file),
		cmocka_unit_test(test_diag_sort),
		cmocka_unit_test(test_diag_sort_long),
		cmocka_unit_test(test_diag_print),
		cmocka_unit_test(test_diag_cap),
		cmocka_unit_test(test_diag_cap_sorted_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
