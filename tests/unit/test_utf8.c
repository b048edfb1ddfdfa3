/*
 * Tests of core/utf8.c: strict decoding, the first invalid byte, display
 * widths and cutting text to a number of columns without splitting a wide
 * character; the sanitizer, cuts by bytes that keep a head or an end whole,
 * and JSON strings that are always valid. Width tests run twice: in C.UTF-8, where wcwidth knows
 * Hangul, and in the C locale, where utf8.c falls back on its own table.
 */
#include "config.h"

#include "unit.h"

#include <locale.h>

#include "utf8.h"

/* Decodes s (NUL-terminated) and checks the length and code point. */
static void decode_ok(const char *s, int len, unsigned int cp)
{
	unsigned int got = 0xdeadbeef;
	int n = utf8_decode(s, strlen(s) ? strlen(s) : 1, &got);
	if (n != len || got != cp)
		fail_msg("decoding gave %d bytes U+%04X, expected %d bytes U+%04X", n, got, len,
		         cp);
}

/* Decodes len bytes that must be refused, the output untouched. */
static void decode_bad(const char *s, size_t len)
{
	unsigned int got = 0xdeadbeef;
	assert_int_equal(utf8_decode(s, len, &got), -1);
	assert_int_equal(got, 0xdeadbeef);
}

/* Valid sequences of 1 to 4 bytes, at the edges of each length. */
static void test_utf8_decode_valid(void **state)
{
	(void)state;
	decode_ok("A", 1, 0x41);
	decode_ok("\x7f", 1, 0x7f);
	decode_ok("\xc2\x80", 2, 0x80);
	decode_ok("\xc3\xa9", 2, 0xe9);
	decode_ok("\xdf\xbf", 2, 0x7ff);
	decode_ok("\xe0\xa0\x80", 3, 0x800);
	decode_ok("데", 3, 0xb370);
	decode_ok("\xed\x9f\xbf", 3, 0xd7ff);
	decode_ok("\xee\x80\x80", 3, 0xe000);
	decode_ok("\xef\xbf\xbd", 3, 0xfffd);
	decode_ok("\xf0\x90\x80\x80", 4, 0x10000);
	decode_ok("\xf0\x9f\x98\x80", 4, 0x1f600);
	decode_ok("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
	/* A NUL byte is a valid one-byte character when it is within len. */
	decode_ok("", 1, 0);
	/* Only the first character is decoded. */
	unsigned int cp = 0;
	assert_int_equal(utf8_decode("데이터", 9, &cp), 3);
	assert_int_equal(cp, 0xb370);
}

/* Overlongs, surrogates, values past U+10FFFF, bad lead and continuation bytes. */
static void test_utf8_decode_invalid(void **state)
{
	(void)state;
	decode_bad("", 0);
	decode_bad("\xc0\xaf", 2);         /* overlong '/' */
	decode_bad("\xc1\xbf", 2);         /* overlong U+007F */
	decode_bad("\xe0\x80\xaf", 3);     /* overlong '/' in 3 bytes */
	decode_bad("\xe0\x9f\xbf", 3);     /* overlong U+07FF */
	decode_bad("\xf0\x80\x80\xaf", 4); /* overlong '/' in 4 bytes */
	decode_bad("\xf0\x8f\xbf\xbf", 4); /* overlong U+FFFF */
	decode_bad("\xed\xa0\x80", 3);     /* U+D800 */
	decode_bad("\xed\xbf\xbf", 3);     /* U+DFFF */
	decode_bad("\xf4\x90\x80\x80", 4); /* U+110000 */
	decode_bad("\xf5\x80\x80\x80", 4); /* lead byte past F4 */
	decode_bad("\xff", 1);
	decode_bad("\xfe", 1);
	decode_bad("\x80", 1); /* a lone continuation byte */
	decode_bad("\xbf", 1);
	decode_bad("\xeb\x8d", 2);     /* "데" cut short */
	decode_bad("\xeb\x8d\xb0", 2); /* whole in memory, but len says 2 */
	decode_bad("\xf0\x9f\x98", 3);
	decode_bad("\xc3", 1);
	decode_bad("\xc3\x41", 2); /* continuation is ASCII */
	decode_bad("\xeb\x41\xb0", 3);
	decode_bad("\xeb\x8d\xc3", 3); /* continuation is a lead byte */
	decode_bad("\xf0\x9f\x98\x41", 4);
}

/* The offset of the first invalid byte, or (size_t)-1. */
static void test_utf8_invalid_offset(void **state)
{
	(void)state;
	assert_true(utf8_invalid_offset("", 0) == (size_t)-1);
	assert_true(utf8_invalid_offset("abc", 3) == (size_t)-1);
	assert_true(utf8_invalid_offset("데이터베이스 장애", strlen("데이터베이스 장애")) ==
	            (size_t)-1);
	assert_int_equal(utf8_invalid_offset("ab\xff", 3), 2);
	assert_int_equal(utf8_invalid_offset("\xffz", 2), 0);
	assert_int_equal(utf8_invalid_offset("데\xeb\x8d", 5), 3);
	assert_int_equal(utf8_invalid_offset("데이\xc0\xaf", 8), 6);
	assert_int_equal(utf8_invalid_offset("a\xed\xa0\x80", 4), 1);
	/* len bounds the scan: a cut inside the given length is found, bytes after it are not. */
	assert_int_equal(utf8_invalid_offset("데", 2), 0);
	assert_true(utf8_invalid_offset("ab\xff", 2) == (size_t)-1);
	/* NUL bytes are valid UTF-8 (the YAML reader refuses them itself). */
	assert_true(utf8_invalid_offset("a\0b", 3) == (size_t)-1);
}

/* Widths that must hold in any locale: ASCII, Hangul, invalid bytes. */
static void test_utf8_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width("abc"), 3);
	assert_int_equal(utf8_width("pg_ctl promote"), 14);
	assert_int_equal(utf8_width("데이터베이스 장애"), 17);
	assert_int_equal(utf8_width("장애 조치: db1"), 14);
	assert_int_equal(utf8_width("가"), 2);
	assert_int_equal(utf8_width("힣"), 2);           /* U+D7A3, last syllable */
	assert_int_equal(utf8_width("\xe1\x84\x80"), 2); /* U+1100, a leading jamo */
	assert_int_equal(utf8_width("漢字"), 4);
	assert_int_equal(utf8_width("\xef\xbc\xa1"), 2); /* U+FF21, fullwidth A */
	/* An invalid byte counts as one column. */
	assert_int_equal(utf8_width("a\xffz"), 3);
	assert_int_equal(utf8_width("\xeb\x8d"), 2);
	assert_int_equal(utf8_width("데\xff"), 3);
}

/* Cutting to a number of columns never splits a character, wide or multi-byte. */
static void test_utf8_fit(void **state)
{
	(void)state;
	int used = -1;
	assert_int_equal(utf8_fit("데이터", 5, &used), 6);
	assert_int_equal(used, 4);
	assert_int_equal(utf8_fit("데이터", 6, &used), 9);
	assert_int_equal(used, 6);
	assert_int_equal(utf8_fit("데이터", 100, &used), 9);
	assert_int_equal(used, 6);
	assert_int_equal(utf8_fit("데이터", 1, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(utf8_fit("데이터", 0, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(utf8_fit("abc", 2, &used), 2);
	assert_int_equal(used, 2);
	assert_int_equal(utf8_fit("a데b", 2, &used), 1);
	assert_int_equal(used, 1);
	assert_int_equal(utf8_fit("a데b", 3, &used), 4);
	assert_int_equal(used, 3);
	assert_int_equal(utf8_fit("", 10, &used), 0);
	assert_int_equal(used, 0);
	/* used may be NULL. */
	assert_int_equal(utf8_fit("데이터베이스 장애", 13, NULL), 18 + 1);
	/* é is two bytes but one column. */
	assert_int_equal(utf8_fit("\xc3\xa9\xc3\xa9x", 2, &used), 4);
	assert_int_equal(used, 2);
	/* An invalid byte is one column and one byte. */
	assert_int_equal(utf8_fit("\xff\xfe\xfd", 2, &used), 2);
	assert_int_equal(used, 2);
	/* The cut of a truncated wide character is on a byte boundary of the valid prefix. */
	assert_int_equal(utf8_fit("가\xeb\x8d", 3, &used), 4);
	assert_int_equal(used, 3);
}

/* In a UTF-8 locale a combining mark takes no column and stays with its base. */
static void test_utf8_combining(void **state)
{
	(void)state;
	const char *e_acute = "e\xcc\x81"; /* e + U+0301 */
	assert_int_equal(utf8_width(e_acute), 1);
	int used = -1;
	assert_int_equal(utf8_fit("e\xcc\x81x", 1, &used), 3);
	assert_int_equal(used, 1);
	assert_int_equal(utf8_width("\xf0\x9f\x98\x80"), 2); /* U+1F600 */
}

#define FFFD UTF8_REPLACEMENT

/* Cleans len bytes with flags and fails unless the result is want exactly (wlen bytes). */
static void clean_is(const char *s, size_t len, int flags, const char *want, size_t wlen)
{
	size_t n = 0;
	char *got = utf8_clean(s, len, flags, &n);
	if (n != wlen || memcmp(got, want, wlen) != 0 || got[n] != '\0')
		fail_msg("cleaning gave '%s' (%zu bytes), expected '%s' (%zu)", got, n, want, wlen);
	assert_true(utf8_invalid_offset(got, n) == (size_t)-1);
	free(got);
}

/* The sanitizer: each invalid byte becomes U+FFFD; controls and non-ASCII by the flags. */
static void test_utf8_clean(void **state)
{
	(void)state;
	const char *k = "데이터";
	clean_is(k, strlen(k), 0, k, strlen(k));
	clean_is("", 0, 0, "", 0);
	clean_is("a\xffz", 3, 0, "a" FFFD "z", 5);
	clean_is("데\xeb\x8d", 5, 0, "데" FFFD FFFD, 9);   /* a cut character: per byte */
	clean_is("\xc0\xaf", 2, 0, FFFD FFFD, 6);          /* overlong */
	clean_is("\xed\xa0\x80", 3, 0, FFFD FFFD FFFD, 9); /* surrogate */
	clean_is("a\0b", 3, 0, "a\0b", 3);                 /* NUL is kept: len says */
	/* Without flags, controls are kept (JSON escapes them); with CONTROLS they go. */
	const char *ctl = "a\tb\x1b[2J\x7f\xc2\x9b\xe2\x80\xae"
	                  "c";
	clean_is(ctl, strlen(ctl), 0, ctl, strlen(ctl));
	const char *vis = "a b\\x1b[2J\\x7f\\u009b\\u202ec";
	clean_is(ctl, strlen(ctl), UTF8_CLEAN_CONTROLS, vis, strlen(vis));
	clean_is("장애\xff\n", 8, UTF8_CLEAN_CONTROLS | UTF8_CLEAN_ASCII, "??\\xff ", 7);
	clean_is("\xe2\x80\xaeok", 5, UTF8_CLEAN_ASCII, "?ok", 3);
}

/* Made visible: every control a terminal acts on, in each of its spellings, and nothing else. */
static void test_utf8_clean_visible(void **state)
{
	(void)state;
	const int f = UTF8_CLEAN_CONTROLS;
	/* OSC 0 (title), OSC 52 (clipboard), CSI 2J, BEL: no ESC or BEL is left. */
	const char *osc = "\x1b]0;t\x07\x1b]52;c;eA==\x07\x1b[2J";
	const char *osc_v = "\\x1b]0;t\\x07\\x1b]52;c;eA==\\x07\\x1b[2J";
	clean_is(osc, strlen(osc), f, osc_v, strlen(osc_v));
	/* C1 CSI raw (an invalid byte) and encoded (U+009B); NEL; DEL; NUL. */
	clean_is("\x9b"
	         "31m",
	         4, f, "\\x9b31m", 7);
	clean_is("\xc2\x9b"
	         "31m\xc2\x85",
	         7, f, "\\u009b31m\\u0085", 15);
	clean_is("\x7f\0", 2, f, "\\x7f\\x00", 8);
	/* Bidi overrides and isolates, the Arabic letter mark, line separators. */
	clean_is("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9\xd8\x9c\xe2\x80\xa8", 14, f,
	         "\\u202a\\u2066\\u2069\\u061c\\u2028", 30);
	/* Tab and newline: spaces on one line, kept with LINES; a carriage return is visible. */
	clean_is("a\tb\nc\rd", 7, f, "a b c\\x0dd", 10);
	clean_is("a\tb\nc\rd", 7, f | UTF8_CLEAN_LINES, "a\tb\nc\\x0dd", 10);
	/* What is harmless stays: Korean, combining marks, emoji, a backslash. */
	const char *ok = "데이터 e\xcc\x81 \xf0\x9f\x98\x80 C:\\x";
	clean_is(ok, strlen(ok), f, ok, strlen(ok));
	/* JSON text: every control as \\uNNNN, which is still JSON; invalid bytes U+FFFD. */
	clean_is("\"\x7f\xc2\x9b\xe2\x80\xae\xff\"\n", 10, f | UTF8_CLEAN_LINES | UTF8_CLEAN_JSON,
	         "\"\\u007f\\u009b\\u202e" FFFD "\"\n", 24);
	/* The worst growth: every byte a control. */
	char wide[64];
	memset(wide, 0x1b, sizeof wide);
	size_t n;
	char *got = utf8_clean(wide, sizeof wide, f, &n);
	assert_int_equal(n, sizeof wide * UTF8_CLEAN_GROWTH);
	/* Cleaning twice changes nothing. */
	char *again = utf8_clean(got, n, f, NULL);
	assert_string_equal(again, got);
	free(again);
	free(got);
}

/* The first control is found where a clean would change the text; tab and newline are not. */
static void test_utf8_control_offset(void **state)
{
	(void)state;
	assert_true(utf8_control_offset("데이터\t a\n", 13) == (size_t)-1);
	assert_true(utf8_control_offset("", 0) == (size_t)-1);
	assert_int_equal(utf8_control_offset("ab\x1b", 3), 2);
	assert_int_equal(utf8_control_offset("ab\r", 3), 2);
	assert_int_equal(utf8_control_offset("a\xc2\x9b", 3), 1);
	assert_int_equal(utf8_control_offset("데\xe2\x80\xae", 6), 3);
	assert_int_equal(utf8_control_offset("a\xff", 2), 1);
	assert_int_equal(utf8_control_offset("a\x7f", 2), 1);
}

/* A JSON dump keeps its meaning with every control escaped. */
static void test_utf8_json_dumps(void **state)
{
	(void)state;
	const char *hostile = "\x1b]0;t\x07\x7f\xc2\x9b\xe2\x80\xae\xe2\x81\xa6데이터";
	json_t *o = json_pack("{s:s}", "error", hostile);
	char *text = utf8_json_dumps(o, JSON_INDENT(2));
	assert_non_null(text);
	assert_null(strstr(text, "\x1b"));
	assert_null(strstr(text, "\x7f"));
	assert_null(strstr(text, "\xc2\x9b"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_non_null(strstr(text, "\\u202e"));
	json_error_t err;
	json_t *back = json_loads(text, 0, &err);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "error")), hostile);
	json_decref(back);
	json_decref(o);
	free(text);
}

/* A head cut by bytes ends between characters; an invalid byte is a character of its own. */
static void test_utf8_cut(void **state)
{
	(void)state;
	const char *k = "a가나"; /* 7 bytes: 1 + 3 + 3 */
	assert_int_equal(utf8_cut(k, 7, 100), 7);
	assert_int_equal(utf8_cut(k, 7, 7), 7);
	assert_int_equal(utf8_cut(k, 7, 6), 4);
	assert_int_equal(utf8_cut(k, 7, 5), 4);
	assert_int_equal(utf8_cut(k, 7, 4), 4);
	assert_int_equal(utf8_cut(k, 7, 3), 1);
	assert_int_equal(utf8_cut(k, 7, 0), 0);
	assert_int_equal(utf8_cut("\xff\xfe가", 5, 4), 2);
	assert_int_equal(utf8_cut("a\xeb\x8d", 3, 2), 2);
}

/* A tail cut by bytes starts between characters; appending keeps the end whole. */
static void test_utf8_tail(void **state)
{
	(void)state;
	const char *k = "가나다"; /* 9 bytes */
	assert_int_equal(utf8_tail(k, 9, 100), 0);
	assert_int_equal(utf8_tail(k, 9, 9), 0);
	assert_int_equal(utf8_tail(k, 9, 8), 3);
	assert_int_equal(utf8_tail(k, 9, 7), 3);
	assert_int_equal(utf8_tail(k, 9, 6), 3);
	assert_int_equal(utf8_tail(k, 9, 5), 6);
	assert_int_equal(utf8_tail(k, 9, 0), 9);
	assert_int_equal(utf8_tail("\x80\x80\x80\x80"
	                           "ab",
	                           6, 6),
	                 0);
	assert_int_equal(utf8_tail("x\x80\x80\x80\x80"
	                           "ab",
	                           7, 6),
	                 4); /* 3 at most */

	char buf[8] = ""; /* 7 bytes and the NUL */
	utf8_append_tail(buf, sizeof buf, "ab");
	assert_string_equal(buf, "ab");
	utf8_append_tail(buf, sizeof buf, "가");
	assert_string_equal(buf, "ab가");
	utf8_append_tail(buf, sizeof buf, "나"); /* 8 bytes: a goes */
	assert_string_equal(buf, "b가나");
	utf8_append_tail(buf, sizeof buf, "c");
	assert_string_equal(buf, "가나c");
	utf8_append_tail(buf, sizeof buf, "d"); /* 가 goes whole */
	assert_string_equal(buf, "나cd");
	utf8_append_tail(buf, sizeof buf, "다라마"); /* longer than it all: its end */
	assert_string_equal(buf, "라마");
	utf8_append_tail(buf, sizeof buf, NULL);
	assert_string_equal(buf, "라마");
}

/* A JSON string from any bytes: always made, always valid; NULL is JSON null. */
static void test_utf8_json_string(void **state)
{
	(void)state;
	json_t *j = utf8_json_string("skipped: \xea\xb0");
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "skipped: " FFFD FFFD);
	char *dump = json_dumps(j, JSON_ENCODE_ANY);
	assert_string_equal(dump, "\"skipped: " FFFD FFFD "\"");
	free(dump);
	json_decref(j);
	j = utf8_json_stringn("a\0\xff", 3);
	assert_int_equal(json_string_length(j), 5);
	assert_memory_equal(json_string_value(j), "a\0" FFFD, 5);
	json_decref(j);
	j = utf8_json_string("데이터");
	assert_string_equal(json_string_value(j), "데이터");
	json_decref(j);
	j = utf8_json_string(NULL);
	assert_true(json_is_null(j));
	json_t *o =
	    json_pack("{s:s, s:o}", "result", "skipped", "reason", utf8_json_string("\xff"));
	assert_non_null(o);
	json_decref(o);
}

/* Sets the locale for the following group, failing loudly when it is missing. */
static int set_locale(const char *name)
{
	if (setlocale(LC_ALL, name) == NULL) {
		fprintf(stderr, "locale %s is not available\n", name);
		return 1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest utf8_locale[] = {
	    cmocka_unit_test(test_utf8_decode_valid),
	    cmocka_unit_test(test_utf8_decode_invalid),
	    cmocka_unit_test(test_utf8_invalid_offset),
	    cmocka_unit_test(test_utf8_width),
	    cmocka_unit_test(test_utf8_fit),
	    cmocka_unit_test(test_utf8_combining),
	    cmocka_unit_test(test_utf8_clean),
	    cmocka_unit_test(test_utf8_clean_visible),
	    cmocka_unit_test(test_utf8_control_offset),
	    cmocka_unit_test(test_utf8_json_dumps),
	    cmocka_unit_test(test_utf8_cut),
	    cmocka_unit_test(test_utf8_tail),
	    cmocka_unit_test(test_utf8_json_string),
	};
	const struct CMUnitTest c_locale[] = {
	    cmocka_unit_test(test_utf8_width),
	    cmocka_unit_test(test_utf8_fit),
	};
	int failed = 0;
	if (set_locale("C.UTF-8") != 0)
		return 99;
	failed += cmocka_run_group_tests_name("utf8 in C.UTF-8", utf8_locale, NULL, NULL);
	if (set_locale("C") != 0)
		return 99;
	failed += cmocka_run_group_tests_name("utf8 in C", c_locale, NULL, NULL);
	return failed;
}
