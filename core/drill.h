/* dr-drill.yml: drill scenarios, each a list of free-text steps. */
#ifndef DR_DRILL_H
#define DR_DRILL_H

#include <stddef.h>

#include "diag.h"
#include "srcpos.h"

struct drill {
	char *scenario;
	struct srcpos pos;
	struct srcstr *steps; /* free text, or the name of an action */
	size_t n_steps;
};

struct drill_set {
	char *file;
	struct drill *items;
	size_t n;
};

int drill_load(struct drill_set *set, const char *file, struct diag *d);
void drill_free(struct drill_set *set);

#endif
