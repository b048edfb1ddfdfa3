/* recovery-scenarios.yml: named scenarios, each a list of action names and an estimated time. */
#ifndef DR_SCENARIO_H
#define DR_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "srcpos.h"

struct scenario {
	char *name;
	struct srcpos pos;
	struct srcstr *steps; /* action names */
	size_t n_steps;
	int64_t estimated_ms;
	struct srcpos estimated_pos;
};

struct scenario_set {
	char *file;
	struct scenario *items;
	size_t n;
};

int scenario_load(struct scenario_set *set, const char *file, struct diag *d);
int scenario_load_key(struct scenario_set *set, const char *file, const char *key,
                      struct diag *d);
void scenario_free(struct scenario_set *set);
const struct scenario *scenario_find(const struct scenario_set *set, const char *name_or_index);

#endif
