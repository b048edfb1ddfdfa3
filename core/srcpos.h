/* A position in a source file, kept for messages about a value after loading. */
#ifndef DR_SRCPOS_H
#define DR_SRCPOS_H

#include <stddef.h>

struct srcpos {
	const char *file; /* borrowed from the set that owns the value */
	int line;
	int col;
};

/* A string read from a file, with where it was written. */
struct srcstr {
	char *text;
	struct srcpos pos;
};

void srcstr_free_list(struct srcstr *list, size_t n);

#endif
