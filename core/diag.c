/*
 * Diagnostics collected by the loaders. Each item prints as
 * "FILE:LINE:COL: error: message" (or "warning:"), the form compilers use and
 * editors jump to.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "textout.h"
#include "xmalloc.h"

/* Prepares an empty list. */
void diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

/* Frees every item of the list and empties it. */
void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].message);
	}
	free(d->items);
	diag_init(d);
}

/* Appends one item with a preformatted va_list message. */
static void diag_vadd(struct diag *d, enum diag_level level, const char *file, int line, int col,
		      const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void diag_vadd(struct diag *d, enum diag_level level, const char *file, int line, int col,
		      const char *fmt, va_list ap)
{
	if (level == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n > DIAG_MAX_ITEMS) {
		d->dropped++;
		return;
	}
	d->items = xreallocarray(d->items, d->n + 1, sizeof *d->items);
	struct diag_item *it = &d->items[d->n++];
	if (d->n > DIAG_MAX_ITEMS) {
		/* One last item says that the list stops here. */
		it->level = DIAG_ERROR;
		it->file = file ? xstrdup(file) : NULL;
		it->line = line;
		it->col = col;
		it->message = xasprintf("too many problems (more than %d); fix these first",
					DIAG_MAX_ITEMS);
		d->dropped++;
		return;
	}
	it->level = level;
	it->file = file ? xstrdup(file) : NULL;
	it->line = line;
	it->col = col;
	it->message = xvasprintf(fmt, ap);
}

/* Appends an item of the given level. */
void diag_add(struct diag *d, enum diag_level level, const char *file, int line, int col,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, level, file, line, col, fmt, ap);
	va_end(ap);
}

/* Appends an error. */
void diag_error(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, file, line, col, fmt, ap);
	va_end(ap);
}

/* Appends a warning. */
void diag_warning(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, DIAG_WARNING, file, line, col, fmt, ap);
	va_end(ap);
}

/* Orders two items by file name, line and column. */
static int diag_compare(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* Sorts the items by file, line and column, keeping equal ones in report order. */
void diag_sort(struct diag *d)
{
	/* Insertion sort: stable, and lists are short (DIAG_MAX_ITEMS). A closing
	 * "too many problems" item stays last. */
	size_t n = d->dropped > 0 ? d->n - 1 : d->n;
	for (size_t i = 1; i < n; i++) {
		struct diag_item it = d->items[i];
		size_t j = i;
		while (j > 0 && diag_compare(&d->items[j - 1], &it) > 0) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = it;
	}
}

/* Formats one item as "FILE:LINE:COL: level: message". */
char *diag_format(const struct diag_item *it)
{
	const char *level = it->level == DIAG_ERROR ? "error" : "warning";
	if (it->file == NULL)
		return xasprintf("%s: %s", level, it->message);
	if (it->line <= 0)
		return xasprintf("%s: %s: %s", it->file, level, it->message);
	return xasprintf("%s:%d:%d: %s: %s", it->file, it->line, it->col, level, it->message);
}

/* Prints every item, one per line, cleaned (a message may quote what it refuses). */
void diag_print(const struct diag *d, FILE *fp)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->items[i]);
		textout_printf(fp, "%s\n", s);
		free(s);
	}
}
