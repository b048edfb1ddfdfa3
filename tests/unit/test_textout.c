/*
 * Tests of core/textout.c: what the command line prints is cleaned (no ESC,
 * BEL, C1 or bidi control reaches the stream), whole texts keep their lines,
 * values are made one line, and padding counts display columns after the
 * cleaning.
 */
#include "config.h"

#include "unit.h"

#include <locale.h>

#include "textout.h"

/* Runs one printer into memory and returns what it wrote (free it). */
static char *printed(void (*print)(FILE *, const char *, int), const char *text, int cols)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	print(fp, text, cols);
	fclose(fp);
	return buf;
}

/* textout_puts as a printer. */
static void print_puts(FILE *fp, const char *text, int cols)
{
	(void)cols;
	textout_puts(fp, text);
}

/* textout_printf with the text as an argument, as a printer. */
static void print_printf(FILE *fp, const char *text, int cols)
{
	textout_printf(fp, "[%s] %d\n", text, cols);
}

/* Whole texts: controls visible, lines kept. */
static void test_textout_puts(void **state)
{
	(void)state;
	char *got = printed(print_puts, "a\x1b]0;t\x07\nb\t\xc2\x9b\x9b\xe2\x80\xae\n", 0);
	assert_string_equal(got, "a\\x1b]0;t\\x07\nb\t\\u009b\\x9b\\u202e\n");
	free(got);
	got = printed(print_printf, "\x1b[2J데이터", 7);
	assert_string_equal(got, "[\\x1b[2J데이터] 7\n");
	free(got);
}

/* A value placed in a line becomes one line; its padding counts columns, Korean two. */
static void test_textout_line_padded(void **state)
{
	(void)state;
	char *line = textout_line("FATAL: x\ndrconsole status: OK\x1b[0m");
	assert_string_equal(line, "FATAL: x drconsole status: OK\\x1b[0m");
	free(line);
	char *got = printed(textout_padded, "센터", 6);
	assert_string_equal(got, "센터  ");
	free(got);
	got = printed(textout_padded, "a\x1b", 6);
	assert_string_equal(got, "a\\x1b ");
	free(got);
	got = printed(textout_padded, "toolong", 3);
	assert_string_equal(got, "toolong");
	free(got);
}

/* A long line is printed whole, cleaned. */
static void test_textout_long(void **state)
{
	(void)state;
	size_t n = 10 * 1024;
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = i % 3 == 0 ? '\x1b' : 'x';
	text[n] = '\0';
	char *got = printed(print_puts, text, 0);
	assert_null(strchr(got, '\x1b'));
	assert_int_equal(strlen(got), n + 3 * ((n + 2) / 3));
	free(got);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_textout_puts),
	    cmocka_unit_test(test_textout_line_padded),
	    cmocka_unit_test(test_textout_long),
	};
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 99;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
