/*
 * What a recovery run lets the operator do now, derived from its current
 * step's state: one pure predicate per run action. The console binds keys to
 * these actions in its key tables (tui/console_keys.c), from which the
 * runbook's key line and the help are drawn. No curses, no clock, no sites
 * beyond a snapshot.
 */
#ifndef DR_RBKEYS_H
#define DR_RBKEYS_H

#include "runbook.h"

/* What the run's actions depend on, read from a run (rbkeys_read) or set by a test. */
struct rbkeys_in {
	int on;       /* there is a run (a zeroed struct: none, nothing applies) */
	int finished; /* the run is over (finished or aborted) */
	int held;     /* the journal cannot be written: only an abort is taken */
	int has_step; /* there is a current step */
	enum rb_state state;
	int manual;       /* the step is marked done by hand (a manual step, or a tabletop run) */
	int typed;        /* its confirmation is the site's name, typed */
	int may_run;      /* it may still run on its site: no retry */
	int pending;      /* requests in flight: nothing may change it */
	int primary_down; /* the old primary cannot be reached: it can be attested down */
	int fence_key;    /* a split brain holds and the run fences it on the operator's word */
	int tabletop;     /* a tabletop drill: the step is narrated, not confirmed */
	int drill; /* a drill (live or tabletop): events can be injected; set by the caller */
};

/* What the operator can do to a run. */
enum rbkey_act {
	RBKEY_NONE,          /* not a run's action */
	RBKEY_PICK,          /* pick a new scenario: the run is over */
	RBKEY_FENCE,         /* fence the old primary that came back writable */
	RBKEY_CONFIRM,       /* confirm the current step (a key) */
	RBKEY_CONFIRM_TYPED, /* confirm it by typing its site's name */
	RBKEY_NARRATE,       /* tabletop: say what would be done */
	RBKEY_DONE,          /* mark a manual step done */
	RBKEY_DONE_CHECKED,  /* mark an unknown step done after a check by hand */
	RBKEY_OVERRIDE,      /* override failed guards */
	RBKEY_ATTEST,        /* attest the unreachable old primary down */
	RBKEY_RETRY,
	RBKEY_SKIP,
	RBKEY_INJECT, /* inject an event into a drill */
	RBKEY_NOTE,
	RBKEY_ABORT,
	RBKEY_N
};

void rbkeys_read(const struct runbook *rb, struct rbkeys_in *in);
int rbkeys_applies(const struct rbkeys_in *in, enum rbkey_act act);

#endif
