/*
 * The keys of a run, by the current step's state:
 *   awaiting   Enter confirms (a manual step: d or Enter marks it done)
 *   guarded    o overrides the failed guards; t attests an unreachable old
 *              primary down
 *   failed     r retries (unless it may still run), k skips
 *   unknown    r when it cannot still run, d marks it done after a check by hand
 *   always     n notes, a aborts; f while a split brain waits for its fence
 * A held run takes only a; a finished one only s. The engine refuses what
 * is not listed here, so the list says what the keys do.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "rbkeys.h"
#include "snapshot.h"

/* Reads what the keys depend on from a run and its last snapshots. */
void rbkeys_read(const struct runbook *rb, struct rbkeys_in *in)
{
	memset(in, 0, sizeof *in);
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

/* Appends a key when there is room; returns the new count. */
static size_t rbkeys_add(struct rbkey *out, size_t n, size_t max, const char *key, const char *what)
{
	if (n < max) {
		out[n].key = key;
		out[n].what = what;
		n++;
	}
	return n;
}

/* Adds the keys of the current step's state; returns the new count. */
static size_t rbkeys_step(const struct rbkeys_in *in, struct rbkey *out, size_t n, size_t max)
{
	int free_to_change = !in->pending;
	switch (in->state) {
	case RB_AWAITING:
		if (in->tabletop)
			n = rbkeys_add(out, n, max, "Enter", "what would you do");
		else if (in->manual)
			n = rbkeys_add(out, n, max, "d", "mark done");
		else
			n = rbkeys_add(out, n, max, "Enter",
			               in->typed ? "confirm (type the site)" : "confirm");
		break;
	case RB_GUARDED:
		n = rbkeys_add(out, n, max, "o", "override guard");
		if (in->primary_down)
			n = rbkeys_add(out, n, max, "t", "attest primary down");
		break;
	case RB_FAILED:
		if (!in->may_run && free_to_change)
			n = rbkeys_add(out, n, max, "r", "retry");
		break;
	case RB_UNKNOWN:
		if (!in->may_run && free_to_change)
			n = rbkeys_add(out, n, max, "r", "retry");
		if (free_to_change)
			n = rbkeys_add(out, n, max, "d", "mark done (checked)");
		break;
	default:
		return n;
	}
	if (free_to_change)
		n = rbkeys_add(out, n, max, "k", "skip");
	return n;
}

/* Lists the keys that do something now, in the order the key line shows them; returns how many. */
size_t rbkeys_list(const struct rbkeys_in *in, struct rbkey *out, size_t max)
{
	size_t n = 0;
	if (in->finished)
		return rbkeys_add(out, n, max, "s", "pick a scenario");
	if (in->fence_key)
		n = rbkeys_add(out, n, max, "f", "fence it");
	if (in->held)
		return rbkeys_add(out, n, max, "a", "abort");
	if (in->has_step)
		n = rbkeys_step(in, out, n, max);
	if (in->drill)
		n = rbkeys_add(out, n, max, "i", "inject");
	n = rbkeys_add(out, n, max, "n", "note");
	return rbkeys_add(out, n, max, "a", "abort");
}

/* Tells whether a key is in the list. */
int rbkeys_has(const struct rbkey *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].key, key) == 0)
			return 1;
	return 0;
}

/* Writes the list as one line: "o: override guard  n: note  a: abort". */
void rbkeys_text(const struct rbkey *keys, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s: %s", i ? "  " : "", keys[i].key,
		                 keys[i].what);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
