/*
 * The watcher's judgement of the primary (watchpolicy.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "watchpolicy.h"

/* Starts watching: the first regular check is due at once. */
void watchpolicy_init(struct watchpolicy *p, int64_t check_ms, int64_t confirm_ms,
                      long confirm_checks, int64_t now_ms)
{
	memset(p, 0, sizeof *p);
	p->check_ms = check_ms;
	p->confirm_ms = confirm_ms;
	p->confirm_checks = confirm_checks > 0 ? confirm_checks : 1;
	p->state = WP_WATCHING;
	p->next_ms = now_ms;
	p->since_ms = now_ms;
}

/* Queues an event (the oldest kept when the queue is full: counted as lost). */
static void watchpolicy_event(struct watchpolicy *p, const char *kind, int critical,
                              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void watchpolicy_event(struct watchpolicy *p, const char *kind, int critical,
                              const char *fmt, ...)
{
	if (p->n_events == WP_MAX_EVENTS) {
		p->lost_events++;
		return;
	}
	struct wp_event *e = &p->events[p->n_events++];
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	e->critical = critical;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
}

/* Enters a state, its evidence kept. */
static void watchpolicy_enter(struct watchpolicy *p, enum wp_state s, const char *why,
                              int64_t now_ms)
{
	p->state = s;
	p->since_ms = now_ms;
	if (why != p->why)
		snprintf(p->why, sizeof p->why, "%s", why);
}

/*
 * Takes in the jump host's latest view of the primary (on every round of its
 * agent): a loss is suspected at once, and the first confirmation check is
 * due at once; a primary seen again ends a suspicion or a hold.
 */
void watchpolicy_see(struct watchpolicy *p, const struct wp_view *jump, int64_t now_ms)
{
	if (p->state == WP_WATCHING && jump->known && jump->lost) {
		watchpolicy_enter(p, WP_SUSPECTED, jump->why, now_ms);
		p->agreed = 0;
		p->disagreed = 0;
		p->next_ms = now_ms;
		watchpolicy_event(p, "primary_suspected", 0, "primary suspected lost: %s", jump->why);
	} else if ((p->state == WP_SUSPECTED || p->state == WP_HELD) && jump->known &&
	           !jump->lost) {
		const char *was = p->state == WP_HELD ? "held failover" : "suspicion";
		watchpolicy_enter(p, WP_WATCHING, jump->why, now_ms);
		p->asking = 0;
		p->next_ms = now_ms + p->check_ms;
		watchpolicy_event(p, "primary_back", 0, "%s over: the primary answers again (%s)", was,
		                  jump->why);
	}
}

/* Tells what is due now: a regular check, a confirmation check, or nothing. */
enum wp_due watchpolicy_due(struct watchpolicy *p, int64_t now_ms)
{
	if (now_ms < p->next_ms || p->asking)
		return WP_DUE_NOTHING;
	if (p->state == WP_SUSPECTED) {
		p->asking = 1;
		return WP_DUE_CONFIRM;
	}
	p->next_ms = now_ms + p->check_ms;
	return WP_DUE_CHECK;
}

/*
 * Takes in a confirmation check: both observers find the primary lost
 * (agreement, counted), or not (the count starts over; a disagreement is
 * told once per suspicion). The next one is due confirm_interval after this
 * one's answer, so that checks never overlap.
 */
void watchpolicy_confirm(struct watchpolicy *p, const struct wp_view *jump,
                         const struct wp_view *dr, int64_t now_ms)
{
	p->asking = 0;
	if (p->state != WP_SUSPECTED)
		return; /* a late answer: the suspicion is over, the regular checks stand */
	p->next_ms = now_ms + p->confirm_ms;
	if (jump->known && !jump->lost) {
		watchpolicy_see(p, jump, now_ms);
		return;
	}
	if (jump->known && jump->lost && dr->known && dr->lost) {
		p->agreed++;
		snprintf(p->why, sizeof p->why, "check %ld of %ld: the jump host: %s; the DR site: %s",
		         p->agreed, p->confirm_checks, jump->why, dr->why);
		if (p->agreed >= p->confirm_checks) {
			watchpolicy_enter(p, WP_CONFIRMED, p->why, now_ms);
			watchpolicy_event(p, "primary_confirmed", 1,
			                  "primary failure confirmed by both observers, %ld checks: "
			                  "the jump host: %s; the DR site: %s",
			                  p->agreed, jump->why, dr->why);
		}
		return;
	}
	p->agreed = 0;
	int blind = !jump->known || !dr->known; /* an observer could not look: no agreement */
	snprintf(p->why, sizeof p->why, "%s: the jump host: %s; the DR site: %s",
	         blind ? "an observer could not look" : "the observers disagree",
	         jump->known ? jump->why : jump->why[0] ? jump->why : "could not look",
	         dr->known ? dr->why : dr->why[0] ? dr->why : "could not look");
	if (!p->disagreed) {
		p->disagreed = 1;
		watchpolicy_event(p, blind ? "observer_blind" : "observers_disagree", 1,
		                  "no failover: %s", p->why);
	}
}

/* The host moves the state on (failing over, failed over, held), with an event when kind is set. */
void watchpolicy_set(struct watchpolicy *p, enum wp_state state, const char *kind, int critical,
                     const char *why, int64_t now_ms)
{
	watchpolicy_enter(p, state, why, now_ms);
	p->asking = 0;
	p->next_ms = now_ms + p->check_ms;
	if (kind != NULL)
		watchpolicy_event(p, kind, critical, "%s", why);
}

/* Returns how long the host may sleep before something is due (0: now). */
int64_t watchpolicy_wait_ms(const struct watchpolicy *p, int64_t now_ms)
{
	if (p->asking)
		return p->confirm_ms;
	return p->next_ms > now_ms ? p->next_ms - now_ms : 0;
}

/* Moves up to max queued events into out; returns how many. */
size_t watchpolicy_take(struct watchpolicy *p, struct wp_event *out, size_t max)
{
	size_t n = p->n_events < max ? p->n_events : max;
	memcpy(out, p->events, n * sizeof *out);
	memmove(p->events, p->events + n, (p->n_events - n) * sizeof *p->events);
	p->n_events -= n;
	return n;
}

/* Returns a state's name, as in watch.json and the metrics. */
const char *watchpolicy_state_name(enum wp_state s)
{
	switch (s) {
	case WP_WATCHING:
		return "watching";
	case WP_SUSPECTED:
		return "suspected";
	case WP_CONFIRMED:
		return "confirmed";
	case WP_FAILING_OVER:
		return "failing_over";
	case WP_FAILED_OVER:
		return "failed_over";
	case WP_HELD:
		return "held";
	}
	return "?";
}
