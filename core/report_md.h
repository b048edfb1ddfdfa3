/* What the two halves of the Markdown report share (report_md.c, report_md_events.c). */
#ifndef DR_REPORT_MD_H
#define DR_REPORT_MD_H

#include <stdint.h>
#include <stdio.h>

#include "markdown.h"
#include "report.h"

char *report_md_ms(int64_t ms);
char *report_md_against(int64_t achieved, const char *unknown, int64_t target,
                        const char *target_source);
struct markdown_table *report_md_table_new(const char *const *head, size_t cols);
void report_md_section(FILE *fp, const char *title);
void report_md_text(FILE *fp, const char *text);
void report_md_table(FILE *fp, struct markdown_table *t);
void report_md_events(FILE *fp, const struct report *rep);

#endif
