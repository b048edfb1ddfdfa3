/* Telling what kind of drconsole file a YAML file is, from its top-level keys. */
#ifndef DR_FILEKIND_H
#define DR_FILEKIND_H

#include "diag.h"

enum filekind {
	FILEKIND_UNKNOWN,
	FILEKIND_CONFIG,
	FILEKIND_CONFIGMAP,
	FILEKIND_SCENARIOS,
	FILEKIND_ACTIONS,
	FILEKIND_DRILLS,
	FILEKIND_SCHEDULE,
	FILEKIND_LAYOUT,
};

enum filekind filekind_detect(const char *file, struct diag *d);
const char *filekind_name(enum filekind k);

#endif
