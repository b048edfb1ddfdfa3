/*
 * Tests of core/markdown.c: a table's columns line up by display width with
 * Korean text in them (exact output), text from a site is made one harmless
 * line (controls shown, '|' and '<' escaped), and a code block's fence is
 * longer than any run of backticks in its text.
 */
#include "config.h"

#include "unit.h"

#include "markdown.h"
#include "markdown_fixture.h"

/* A table with Korean cells: padded by display width, exactly. */
static void test_table_korean(void **state)
{
	(void)state;
	static const char *const head[] = {"step", "result"};
	static const char *const r1[] = {"데이터베이스 장애", "done"};
	static const char *const r2[] = {"network", NULL};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = md_open(&buf, &len);
	struct markdown_table *t = markdown_table_new(head, 2);
	markdown_table_row(t, r1);
	markdown_table_row(t, r2);
	markdown_table_print(t, fp);
	markdown_table_free(t);
	fclose(fp);
	assert_string_equal(buf, "| step              | result |\n"
	                         "|-------------------|--------|\n"
	                         "| 데이터베이스 장애 | done   |\n"
	                         "| network           |        |\n");
	int tables, wide;
	assert_true(md_aligned(buf, &tables, &wide));
	assert_int_equal(tables, 1);
	assert_int_equal(wide, 1);
	free(buf);
}

/* The checker itself tells a misaligned table (padded by bytes) from an aligned one. */
static void test_checker(void **state)
{
	(void)state;
	int tables, wide;
	const char *by_bytes = "| a                         | b |\n"
	                       "|---------------------------|---|\n"
	                       "| 데이터베이스 장애 | c |\n";
	assert_false(md_aligned(by_bytes, &tables, &wide));
	assert_true(md_aligned("| a \\| b | c |\n| x      | y |\n", &tables, &wide));
	assert_int_equal(wide, 0);
}

/* Inline text: one line, controls visible, bars and HTML escaped. */
static void test_inline(void **state)
{
	(void)state;
	char *s = markdown_inline("a|b\x1b]0;owned\x07 <script>\nnext\xff \xe2\x80\xae!");
	assert_string_equal(s, "a\\|b\\x1b]0;owned\\x07 &lt;script> next\\xff \\u202e!");
	free(s);
	s = markdown_inline(NULL);
	assert_string_equal(s, "");
	free(s);
}

/* Cells are cleaned as inline text: a bar in a cell cannot open a column. */
static void test_table_cells_clean(void **state)
{
	(void)state;
	static const char *const head[] = {"x", "y"};
	static const char *const row[] = {"a|b", "c\nd"};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = md_open(&buf, &len);
	struct markdown_table *t = markdown_table_new(head, 2);
	markdown_table_row(t, row);
	markdown_table_print(t, fp);
	markdown_table_free(t);
	fclose(fp);
	assert_string_equal(buf, "| x    | y   |\n|------|-----|\n| a\\|b | c d |\n");
	free(buf);
}

/* Code blocks: lines kept, controls shown, the fence longer than the text's backticks. */
static void test_code(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = md_open(&buf, &len);
	markdown_code(fp, "one\n\x1b[2Jtwo");
	markdown_code(fp, "````\nx");
	fclose(fp);
	assert_string_equal(buf, "```\none\n\\x1b[2Jtwo\n```\n"
	                         "`````\n````\nx\n`````\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_korean), cmocka_unit_test(test_checker),
	    cmocka_unit_test(test_inline),       cmocka_unit_test(test_table_cells_clean),
	    cmocka_unit_test(test_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
