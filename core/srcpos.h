/* A position in a source file, kept for messages about a value after loading. */
#ifndef DR_SRCPOS_H
#define DR_SRCPOS_H

struct srcpos {
	const char *file; /* borrowed from the set that owns the value */
	int line;
	int col;
};

#endif
