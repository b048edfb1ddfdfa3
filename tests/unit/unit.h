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

#endif
