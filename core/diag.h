/*
 * Diagnostics: a list of errors and warnings, each tied to FILE:LINE:COL, so a
 * loader can report every problem it finds in one pass.
 */
#ifndef DR_DIAG_H
#define DR_DIAG_H

#include <stdio.h>

#define DIAG_MAX_ITEMS 200 /* then one "too many problems" item, and silence */

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag_item {
	enum diag_level level;
	char *file; /* may be NULL for problems not tied to a file */
	int line;   /* 1-based; 0 when unknown */
	int col;    /* 1-based; 0 when unknown */
	char *message;
};

struct diag {
	struct diag_item *items;
	size_t n;
	size_t errors;
	size_t warnings;
	size_t dropped; /* problems not kept past DIAG_MAX_ITEMS (still counted) */
};

void diag_init(struct diag *d);
void diag_free(struct diag *d);
void diag_add(struct diag *d, enum diag_level level, const char *file, int line, int col,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_error(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_warning(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_sort(struct diag *d);
void diag_print(const struct diag *d, FILE *fp);
char *diag_format(const struct diag_item *it);

#endif
