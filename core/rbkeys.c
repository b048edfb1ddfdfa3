/*
 * The run's actions, by the current step's state:
 *   awaiting   confirm (typed when the action says so); a manual step is
 *              marked done; a tabletop's step is narrated
 *   guarded    override the failed guards; attest an unreachable old
 *              primary down
 *   failed     retry (unless it may still run), skip
 *   unknown    retry when it cannot still run, mark done after a check by hand
 *   always     note, abort; inject in a drill; fence while a split brain
 *              waits for its fence
 * A step with requests in flight is not retried, marked or skipped. A
 * held run takes only the abort; a finished one only a new pick. The engine
 * refuses what is not allowed here, so the key line says what the keys do.
 */
#include "config.h"

#include <string.h>

#include "conf.h"
#include "rbkeys.h"
#include "snapshot.h"

/* Reads what the actions depend on from a run and its last snapshots. */
void rbkeys_read(const struct runbook *rb, struct rbkeys_in *in)
{
	memset(in, 0, sizeof *in);
	in->on = 1;
	in->finished = rb->finished;
	in->held = rb->held;
	in->tabletop = rb->tabletop;
	in->drill = rb->tabletop;
	in->fence_key = rb->split_brain && !rb->fence_request && !rb->fence_on_return;
	const struct rb_step *st =
	    !rb->finished && rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	if (st == NULL)
		return;
	in->has_step = 1;
	in->state = st->state;
	in->manual = st->plan->action->kind == ACTION_MANUAL || rb->tabletop;
	in->typed = st->plan->action->confirm == CONFIRM_TYPED;
	in->may_run = runbook_may_run(st);
	in->pending = st->pending > 0;
	const struct site *p = conf_primary(&rb->cat->cf);
	const struct site_status *s =
	    p && rb->sites ? snapshot_find(rb->sites, rb->n_sites, p->name) : NULL;
	in->primary_down = s != NULL && !s->reachable;
}

/* Tells whether a step awaiting its confirmation takes act. */
static int rbkeys_awaiting(const struct rbkeys_in *in, enum rbkey_act act)
{
	if (in->tabletop)
		return act == RBKEY_NARRATE;
	if (in->manual)
		return act == RBKEY_DONE;
	return act == (in->typed ? RBKEY_CONFIRM_TYPED : RBKEY_CONFIRM);
}

/*
 * Tells whether the current step's state takes act (one that changes the
 * step); requests in flight keep it from being retried, marked or skipped.
 */
static int rbkeys_step(const struct rbkeys_in *in, enum rbkey_act act)
{
	if (!in->has_step)
		return 0;
	int skip = act == RBKEY_SKIP && !in->pending;
	int retry = act == RBKEY_RETRY && !in->may_run && !in->pending;
	switch (in->state) {
	case RB_AWAITING:
		return skip || rbkeys_awaiting(in, act);
	case RB_GUARDED:
		return skip || act == RBKEY_OVERRIDE || (act == RBKEY_ATTEST && in->primary_down);
	case RB_FAILED:
		return skip || retry;
	case RB_UNKNOWN:
		return skip || retry || (act == RBKEY_DONE_CHECKED && !in->pending);
	default:
		return 0;
	}
}

/* Tells whether the operator can do act to the run now. */
int rbkeys_applies(const struct rbkeys_in *in, enum rbkey_act act)
{
	if (!in->on || act == RBKEY_NONE)
		return 0;
	if (in->finished)
		return act == RBKEY_PICK;
	switch (act) {
	case RBKEY_PICK:
		return 0;
	case RBKEY_FENCE:
		return in->fence_key;
	case RBKEY_ABORT:
		return 1;
	case RBKEY_NOTE:
		return !in->held;
	case RBKEY_INJECT:
		return !in->held && in->drill;
	default:
		return !in->held && rbkeys_step(in, act);
	}
}
