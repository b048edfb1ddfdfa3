/* What every unit test includes: cmocka in the order it needs, and small helpers. */
#ifndef DR_UNIT_H
#define DR_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "xmalloc.h"

/*
 * cmocka's skip() counts as a pass. Under CI=true, where everything a test
 * needs is installed, a skip hides a broken setup: there it is a failure.
 * Every unit test reaches skip() through this header.
 */
#undef skip
#define skip() unit_skip(__FILE__, __LINE__)

/* Skips the current test, or fails it when CI=true. */
static inline void unit_skip(const char *file, int line)
{
	const char *ci = getenv("CI");
	if (ci != NULL && strcmp(ci, "true") == 0) {
		print_error("ERROR: %s:%d: skipped, and with CI=true a skip is a failure\n", file,
		            line);
		_fail(file, line);
	}
	_skip(file, line);
}

/* Writes text to a new temporary file and returns its path (free it, unlink it). */
static inline char *unit_write_file(const char *text)
{
	char *path = xstrdup("/tmp/drconsole-unit-XXXXXX.yml");
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Returns the first diagnostic formatted (for assertions), or "" when there is none. */
static inline char *unit_first_diag(const struct diag *d)
{
	return d->n ? diag_format(&d->items[0]) : xstrdup("");
}

/* Tells whether any diagnostic's text contains needle. */
static inline int unit_diag_has(const struct diag *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->items[i]);
		int hit = strstr(s, needle) != NULL;
		free(s);
		if (hit)
			return 1;
	}
	return 0;
}

/* Fails unless the only diagnostic is an error in file at line:col reading exactly msg, and rc is
 * -1. */
static inline void unit_expect_only(const struct diag *d, int rc, const char *file, int line,
                                    int col, const char *msg)
{
	if (d->n != 1 || d->items[0].level != DIAG_ERROR || d->items[0].line != line ||
	    d->items[0].col != col || strcmp(d->items[0].message, msg) != 0 ||
	    d->items[0].file == NULL || strcmp(d->items[0].file, file) != 0) {
		diag_print(d, stderr);
		fail_msg("expected only %d:%d: %s", line, col, msg);
	}
	assert_int_equal(rc, -1);
}

/*
 * Fails unless an error in file (NULL: any) sits at line:col with a message that
 * equals msg (exact) or holds it (exact == 0).
 */
static inline void unit_expect_error(const struct diag *d, const char *file, int line, int col,
                                     const char *msg, int exact)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->items[i];
		if (it->level == DIAG_ERROR && it->line == line && it->col == col &&
		    (file == NULL || (it->file && strcmp(it->file, file) == 0)) &&
		    (exact ? strcmp(it->message, msg) == 0 : strstr(it->message, msg) != NULL))
			return;
	}
	diag_print(d, stderr);
	fail_msg("no error at %s:%d:%d %s '%s'", file ? file : "*", line, col,
	         exact ? "reading" : "mentioning", msg);
}

#endif
