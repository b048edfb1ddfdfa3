/*
 * The keys that apply to a recovery run now, derived from its current step's
 * state: the runbook panel's key line, and the console's test of whether a
 * key does anything. Pure: no curses, no clock, no sites beyond a snapshot.
 */
#ifndef DR_RBKEYS_H
#define DR_RBKEYS_H

#include <stddef.h>

#include "runbook.h"

#define RBKEYS_MAX 9

/* What the keys depend on, read from a run (rbkeys_read) or set by a test. */
struct rbkeys_in {
	int finished; /* the run is over (finished or aborted) */
	int held;     /* the journal cannot be written: only an abort is taken */
	int has_step; /* there is a current step */
	enum rb_state state;
	int manual;       /* the step is marked done by hand (a manual step, or a tabletop run) */
	int typed;        /* its confirmation is the site's name, typed */
	int may_run;      /* it may still run on its site: no retry */
	int pending;      /* requests in flight: nothing may change it */
	int primary_down; /* the old primary cannot be reached: it can be attested down */
	int fence_key;    /* a split brain holds and f fences it */
	int tabletop;     /* a tabletop drill: Enter asks what the participant would do */
	int drill;        /* a drill (live or tabletop): i injects an event; set by the caller */
};

/* One key and what it does. */
struct rbkey {
	const char *key;
	const char *what;
};

void rbkeys_read(const struct runbook *rb, struct rbkeys_in *in);
size_t rbkeys_list(const struct rbkeys_in *in, struct rbkey *out, size_t max);
int rbkeys_has(const struct rbkey *keys, size_t n, const char *key);
void rbkeys_text(const struct rbkey *keys, size_t n, char *buf, size_t len);

#endif
