/*
 * Tests of core/fencenote.c: when a fence was armed, as the header's
 * UTC clock tells it (the date only when not today), who armed it, the
 * header's words at every width down to none, and the split brain's cause.
 */
#include "config.h"

#include "unit.h"

#include <locale.h>

#include "fencenote.h"

#define NOW 1795759501000LL /* 2026-11-27T06:05:01Z */

/* A fence of datacenter-1, armed by a console at 06:04 today. */
static struct fencestate armed(void)
{
	struct fencestate fs = {.present = 1, .armed = 1};
	snprintf(fs.site, sizeof fs.site, "datacenter-1");
	snprintf(fs.arm.at, sizeof fs.arm.at, "2026-11-27T06:04:11.123Z");
	fencestate_by_me(&fs.arm.by, FENCESTATE_CONSOLE, "20261127T060000Z-1");
	snprintf(fs.arm.by.operator, sizeof fs.arm.by.operator, "kim");
	snprintf(fs.arm.by.host, sizeof fs.arm.by.host, "jump1");
	return fs;
}

/* Today's stamps as HH:MM, another day's with its date, anything else "?". */
static void test_since(void **state)
{
	(void)state;
	char buf[32];
	fencenote_since("2026-11-27T06:04:11.123Z", NOW, buf, sizeof buf);
	assert_string_equal(buf, "06:04");
	fencenote_since("2026-11-26T23:59:59.999Z", NOW, buf, sizeof buf);
	assert_string_equal(buf, "11-26 23:59");
	fencenote_since("", NOW, buf, sizeof buf);
	assert_string_equal(buf, "?");
	fencenote_since("yesterday at noon", NOW, buf, sizeof buf);
	assert_string_equal(buf, "?");
	fencenote_since(NULL, NOW, buf, sizeof buf);
	assert_string_equal(buf, "?");
}

/* Who: actor operator@host, "?" for what is not known. */
static void test_by(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	char buf[400];
	fencenote_by(&fs.arm.by, buf, sizeof buf);
	assert_string_equal(buf, "console kim@jump1");
	struct fencestate_by none = {0};
	fencenote_by(&none, buf, sizeof buf);
	assert_string_equal(buf, "? ?@?");
}

/* The header's words: the longest that fits; none when disarmed or too narrow. */
static void test_kept(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	char out[192];
	assert_int_equal(fencenote_kept(&fs, NOW, 80, out, sizeof out), 1);
	assert_string_equal(out, "fence kept: datacenter-1 (since 06:04)");
	assert_int_equal(fencenote_kept(&fs, NOW, 38, out, sizeof out), 1);
	assert_string_equal(out, "fence kept: datacenter-1 (since 06:04)");
	assert_int_equal(fencenote_kept(&fs, NOW, 37, out, sizeof out), 1);
	assert_string_equal(out, "fence kept: datacenter-1");
	assert_int_equal(fencenote_kept(&fs, NOW, 23, out, sizeof out), 1);
	assert_string_equal(out, "fence: datacenter-1");
	assert_int_equal(fencenote_kept(&fs, NOW, 18, out, sizeof out), 0);
	assert_string_equal(out, "");
	fs.armed = 0;
	assert_int_equal(fencenote_kept(&fs, NOW, 80, out, sizeof out), 0);
	assert_int_equal(fencenote_kept(NULL, NOW, 80, out, sizeof out), 0);
}

/* Korean site names count by display columns. */
static void test_kept_wide(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	char out[192];
	snprintf(fs.site, sizeof fs.site, "데이터센터-1"); /* 12 columns, 16 bytes */
	assert_int_equal(fencenote_kept(&fs, NOW, 38, out, sizeof out), 1);
	assert_string_equal(out, "fence kept: 데이터센터-1 (since 06:04)");
	assert_int_equal(fencenote_kept(&fs, NOW, 37, out, sizeof out), 1);
	assert_string_equal(out, "fence kept: 데이터센터-1");
}

/* The split brain's cause: armed when, by whom. */
static void test_cause(void **state)
{
	(void)state;
	struct fencestate fs = armed();
	char out[512];
	fencenote_cause(&fs, NOW, out, sizeof out);
	assert_string_equal(out, "kept fence armed 06:04 by console kim@jump1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_since), cmocka_unit_test(test_by),
	    cmocka_unit_test(test_kept),  cmocka_unit_test(test_kept_wide),
	    cmocka_unit_test(test_cause),
	};
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) /* display columns of Korean names */
		return 99;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
