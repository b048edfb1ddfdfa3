/*
 * Markdown for people (markdown.h). Every text from a journal passes the one
 * sanitizer first (utf8_clean with UTF8_CLEAN_CONTROLS): a control from a
 * site is printed as visible text, never acted on. Text in a line
 * (markdown_inline, a table's cells) is made one line, its '|' escaped so it
 * cannot open a column and its '<' written &lt; so it cannot open HTML. A
 * table's cells are padded by display width (utf8_width), so its columns
 * line up on a terminal with Korean text in them. A code block keeps the
 * text's lines; its fence is longer than any run of backticks in the text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "utf8.h"
#include "xmalloc.h"

/* A table: its header, then rows, every cell already made inline text. */
struct markdown_table {
	size_t cols;
	char **cells; /* row after row, the header first */
	size_t n_rows;
	int *width; /* each column's display width */
};

/* Returns text as one harmless line of Markdown (newly allocated): controls shown, | and < escaped.
 */
char *markdown_inline(const char *text)
{
	size_t len, o = 0;
	char *clean =
	    utf8_clean(text ? text : "", strlen(text ? text : ""), UTF8_CLEAN_CONTROLS, &len);
	char *out = xmalloc(len * 4 + 1);
	for (size_t i = 0; i < len; i++) {
		if (clean[i] == '|')
			out[o++] = '\\';
		if (clean[i] == '<') {
			memcpy(out + o, "&lt;", 4);
			o += 4;
			continue;
		}
		out[o++] = clean[i];
	}
	out[o] = '\0';
	free(clean);
	return out;
}

/* Adds a row of cols cells (NULL cells are empty) and widens the columns to fit it. */
static void markdown_table_add(struct markdown_table *t, const char *const *cells)
{
	t->cells = xreallocarray(t->cells, (t->n_rows + 1) * t->cols, sizeof *t->cells);
	for (size_t c = 0; c < t->cols; c++) {
		char *cell = markdown_inline(cells[c]);
		int w = utf8_width(cell);
		if (w > t->width[c])
			t->width[c] = w;
		t->cells[t->n_rows * t->cols + c] = cell;
	}
	t->n_rows++;
}

/* Makes a table of cols columns with this header. */
struct markdown_table *markdown_table_new(const char *const *header, size_t cols)
{
	struct markdown_table *t = xcalloc(1, sizeof *t);
	t->cols = cols;
	t->width = xcalloc(cols, sizeof *t->width);
	for (size_t c = 0; c < cols; c++)
		t->width[c] = 3; /* a separator needs three dashes */
	markdown_table_add(t, header);
	return t;
}

/* Adds a row of the table's number of cells. */
void markdown_table_row(struct markdown_table *t, const char *const *cells)
{
	markdown_table_add(t, cells);
}

/* Prints one row, each cell padded to its column's display width. */
static void markdown_table_line(const struct markdown_table *t, size_t row, FILE *fp)
{
	for (size_t c = 0; c < t->cols; c++) {
		const char *cell = t->cells[row * t->cols + c];
		fprintf(fp, "| %s%*s ", cell, t->width[c] - utf8_width(cell), "");
	}
	fputs("|\n", fp);
}

/* Prints the table: the header, the separator, then the rows, columns lined up. */
void markdown_table_print(const struct markdown_table *t, FILE *fp)
{
	markdown_table_line(t, 0, fp);
	for (size_t c = 0; c < t->cols; c++) {
		fputs("|", fp);
		for (int k = 0; k < t->width[c] + 2; k++)
			fputc('-', fp);
	}
	fputs("|\n", fp);
	for (size_t row = 1; row < t->n_rows; row++)
		markdown_table_line(t, row, fp);
}

/* Frees a table. */
void markdown_table_free(struct markdown_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	free(t);
}

/* Prints a code fence of n backticks and a newline. */
static void markdown_fence(FILE *fp, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputc('`', fp);
	fputc('\n', fp);
}

/* Prints text as a fenced code block: its lines kept, its controls shown, its fence unclosable. */
void markdown_code(FILE *fp, const char *text)
{
	size_t len, run = 0, longest = 0;
	char *clean = utf8_clean(text, strlen(text), UTF8_CLEAN_CONTROLS | UTF8_CLEAN_LINES, &len);
	for (size_t i = 0; i < len; i++) {
		run = clean[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	size_t fence = longest >= 3 ? longest + 1 : 3;
	markdown_fence(fp, fence);
	fputs(clean, fp);
	if (len > 0 && clean[len - 1] != '\n')
		fputc('\n', fp);
	markdown_fence(fp, fence);
	free(clean);
}
