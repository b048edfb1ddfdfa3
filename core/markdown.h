/*
 * Markdown for people: tables whose columns line up by display width (a
 * Hangul character takes two columns), text made one harmless line, and
 * code blocks whose fence the text cannot close.
 */
#ifndef DR_MARKDOWN_H
#define DR_MARKDOWN_H

#include <stddef.h>
#include <stdio.h>

struct markdown_table;

struct markdown_table *markdown_table_new(const char *const *header, size_t cols);
void markdown_table_row(struct markdown_table *t, const char *const *cells);
void markdown_table_print(const struct markdown_table *t, FILE *fp);
void markdown_table_free(struct markdown_table *t);
char *markdown_inline(const char *text);
void markdown_code(FILE *fp, const char *text);

#endif
