/* The values a step's {{placeholders}} may name: its site's fields, the two roles' sites, params. */
#ifndef DR_PARAMS_H
#define DR_PARAMS_H

#include "conf.h"

struct params_ctx {
	const struct conf *cf;
	const struct site *site; /* the step's own site; NULL for a local step */
};

char *params_lookup(void *arg, const char *name);

#endif
