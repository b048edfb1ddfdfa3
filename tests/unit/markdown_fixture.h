/*
 * What the unit tests of Markdown output share: whether the tables of a
 * text line up, that is, whether every line of a table has its column
 * bars ('|' not escaped) at the same display columns (utf8_width, a Hangul
 * character two columns), and a way to print into a string.
 */
#ifndef DR_MARKDOWN_FIXTURE_H
#define DR_MARKDOWN_FIXTURE_H

#include "utf8.h"

#define MD_BARS_MAX 32

/* Writes the display columns of the bars of one line into cols; returns how many. */
static inline size_t md_bars(const char *line, size_t len, int *cols)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < MD_BARS_MAX; i++) {
		if (line[i] != '|' || (i > 0 && line[i - 1] == '\\'))
			continue;
		char *head = xstrndup(line, i);
		cols[n++] = utf8_width(head);
		free(head);
	}
	return n;
}

/*
 * Tells whether every table in text lines up; *tables gets how many there
 * are, and *wide how many hold a wide (two-column) character.
 */
static inline int md_aligned(const char *text, int *tables, int *wide)
{
	int want[MD_BARS_MAX], got[MD_BARS_MAX];
	size_t n_want = 0;
	int in_table = 0, has_wide = 0;
	*tables = *wide = 0;
	for (const char *line = text; *line != '\0';) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		int narrow = 1;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)line[i] >= 0xea && (unsigned char)line[i] <= 0xed)
				narrow = 0; /* a Hangul syllable's lead byte */
		if (len > 0 && line[0] == '|') {
			size_t n = md_bars(line, len, in_table ? got : want);
			if (!in_table) {
				n_want = n;
				in_table = 1;
				has_wide = 0;
				(*tables)++;
			} else if (n != n_want || memcmp(got, want, n * sizeof *got) != 0) {
				print_message("not lined up: %.*s\n", (int)len, line);
				return 0;
			}
			if (!narrow && !has_wide) {
				has_wide = 1;
				(*wide)++;
			}
		} else {
			in_table = 0;
		}
		line += len + (nl != NULL);
	}
	return 1;
}

/* Starts printing into a string: open_memstream on *buf. */
static inline FILE *md_open(char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);
	assert_non_null(fp);
	return fp;
}

#endif
