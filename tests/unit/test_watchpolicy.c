/*
 * Tests of core/watchpolicy.c, the watcher's judgement, with injected
 * times: regular checks every check_interval, a suspicion at the jump
 * host's first loss, confirmed only by confirm_checks agreeing checks in a
 * row (not fewer), an unknown DR view never confirming, a disagreement
 * starting the count over and told once, a freeze shorter than the window
 * never confirming, checks never overlapping, the host's own moves, and the
 * event queue drained in order and bounded.
 */
#include "config.h"

#include "unit.h"

#include "watchpolicy.h"

#define T0 100000 /* the policy's start, monotonic ms */

/* Returns a view that is known, lost or not, with why as its evidence. */
static struct wp_view view(int known, int lost, const char *why)
{
	struct wp_view v;
	memset(&v, 0, sizeof v);
	v.known = known;
	v.lost = lost;
	snprintf(v.why, sizeof v.why, "%s", why);
	return v;
}

/* Takes every queued event into out (room for WP_MAX_EVENTS); returns how many. */
static size_t take_all(struct watchpolicy *p, struct wp_event *out)
{
	return watchpolicy_take(p, out, WP_MAX_EVENTS);
}

/* Runs one confirmation check at now: due must ask for it, then both views are taken in. */
static void confirm_at(struct watchpolicy *p, int64_t now, const struct wp_view *jump,
                       const struct wp_view *dr)
{
	assert_int_equal(watchpolicy_due(p, now), WP_DUE_CONFIRM);
	watchpolicy_confirm(p, jump, dr, now + 200);
}

/* Suspects the primary at now (the jump host lost it), draining the suspicion's event. */
static void suspect_at(struct watchpolicy *p, int64_t now)
{
	struct wp_view lost = view(1, 1, "connection refused");
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_see(p, &lost, now);
	assert_int_equal(p->state, WP_SUSPECTED);
	assert_int_equal(take_all(p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_suspected");
}

/* While watching, a regular check is due at once, then every check_interval, and not between. */
static void test_watchpolicy_checks(void **state)
{
	(void)state;
	struct watchpolicy p;
	watchpolicy_init(&p, 5000, 1000, 3, T0);
	assert_string_equal(watchpolicy_state_name(p.state), "watching");
	assert_int_equal(watchpolicy_wait_ms(&p, T0), 0);
	assert_int_equal(watchpolicy_due(&p, T0), WP_DUE_CHECK);
	assert_int_equal(watchpolicy_due(&p, T0), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_wait_ms(&p, T0 + 1), 4999);
	assert_int_equal(watchpolicy_due(&p, T0 + 4999), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_due(&p, T0 + 5000), WP_DUE_CHECK);
	assert_int_equal(watchpolicy_due(&p, T0 + 9999), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_due(&p, T0 + 10000), WP_DUE_CHECK);
	/* a primary seen well, or an observer that could not look, changes nothing */
	struct wp_view fine = view(1, 0, "accepts connections");
	struct wp_view blind = view(0, 1, "the agent is not connected");
	watchpolicy_see(&p, &fine, T0 + 10001);
	watchpolicy_see(&p, &blind, T0 + 10002);
	assert_int_equal(p.state, WP_WATCHING);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(watchpolicy_due(&p, T0 + 10003), WP_DUE_NOTHING);
}

/* confirm_checks 3 at 1 s: two agreeing checks are not enough, the third confirms. */
static void test_watchpolicy_confirm_exactly(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 30000, 1000, 3, T0);
	assert_int_equal(watchpolicy_due(&p, T0), WP_DUE_CHECK);
	struct wp_view jump = view(1, 1, "connection refused");
	struct wp_view dr = view(1, 1, "no answer from 10.0.0.1:5432");
	watchpolicy_see(&p, &jump, T0 + 100);
	assert_int_equal(p.state, WP_SUSPECTED);
	assert_int_equal(p.since_ms, T0 + 100);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_suspected");
	assert_int_equal(ev[0].critical, 0);
	assert_string_equal(ev[0].text, "primary suspected lost: connection refused");
	/* the first confirmation is due at once, not after check_interval */
	assert_int_equal(watchpolicy_wait_ms(&p, T0 + 100), 0);
	int64_t t = T0 + 100;
	for (int i = 1; i <= 2; i++) {
		confirm_at(&p, t, &jump, &dr);
		assert_int_equal(p.state, WP_SUSPECTED);
		assert_int_equal(p.agreed, i);
		assert_int_equal(p.n_events, 0);
		/* the next one is due confirm_interval after this one's answer, not before */
		assert_int_equal(watchpolicy_due(&p, t + 200 + 999), WP_DUE_NOTHING);
		t += 200 + 1000;
	}
	assert_non_null(strstr(p.why, "check 2 of 3"));
	confirm_at(&p, t, &jump, &dr);
	assert_int_equal(p.state, WP_CONFIRMED);
	assert_string_equal(watchpolicy_state_name(p.state), "confirmed");
	assert_int_equal(p.since_ms, t + 200);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_confirmed");
	assert_int_equal(ev[0].critical, 1);
	assert_string_equal(ev[0].text,
	                    "primary failure confirmed by both observers, 3 checks: the jump host: "
	                    "connection refused; the DR site: no answer from 10.0.0.1:5432");
	/* once confirmed, more answers neither count nor tell anything */
	watchpolicy_confirm(&p, &jump, &dr, t + 5000);
	assert_int_equal(p.agreed, 3);
	assert_int_equal(p.n_events, 0);
	/* a confirmed primary seen again is for the host to act on: the state stays */
	struct wp_view back = view(1, 0, "accepts connections");
	watchpolicy_see(&p, &back, t + 6000);
	assert_int_equal(p.state, WP_CONFIRMED);
}

/* A DR site that could not look never confirms, however long; the disagreement is told once. */
static void test_watchpolicy_unknown_dr(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 30000, 1000, 2, T0);
	suspect_at(&p, T0);
	struct wp_view jump = view(1, 1, "connection refused");
	struct wp_view dr = view(0, 1, ""); /* lost set, but not known: it must not count */
	int64_t t = T0;
	for (int i = 0; i < 20; i++, t += 1200)
		confirm_at(&p, t, &jump, &dr);
	assert_int_equal(p.state, WP_SUSPECTED);
	assert_int_equal(p.agreed, 0);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "observer_blind");
	assert_int_equal(ev[0].critical, 1);
	assert_string_equal(ev[0].text, "no failover: an observer could not look: the jump host: "
	                                "connection refused; the DR site: could not look");
	/* an unknown DR view with its own reason says it */
	struct watchpolicy q;
	watchpolicy_init(&q, 30000, 1000, 1, T0);
	suspect_at(&q, T0);
	struct wp_view dr2 = view(0, 0, "the DR site has no pg_isready");
	confirm_at(&q, T0, &jump, &dr2);
	assert_int_equal(q.state, WP_SUSPECTED);
	assert_non_null(strstr(q.why, "the DR site: the DR site has no pg_isready"));
	/* and a jump host that could not look at a confirmation does not agree either */
	struct wp_view blind = view(0, 1, "the agent dropped");
	struct wp_view dr3 = view(1, 1, "no answer");
	confirm_at(&q, T0 + 2000, &blind, &dr3);
	assert_int_equal(q.state, WP_SUSPECTED);
	assert_int_equal(q.agreed, 0);
}

/* A disagreement starts the count over; a second one in the same suspicion is not told again. */
static void test_watchpolicy_disagree_resets(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 30000, 1000, 3, T0);
	suspect_at(&p, T0);
	struct wp_view jump = view(1, 1, "connection refused");
	struct wp_view lost = view(1, 1, "no answer");
	struct wp_view alive = view(1, 0, "accepts connections from the DR site");
	int64_t t = T0;
	confirm_at(&p, t, &jump, &lost);
	confirm_at(&p, t += 1200, &jump, &lost);
	assert_int_equal(p.agreed, 2);
	confirm_at(&p, t += 1200, &jump, &alive);
	assert_int_equal(p.agreed, 0);
	assert_int_equal(p.state, WP_SUSPECTED);
	confirm_at(&p, t += 1200, &jump, &lost);
	confirm_at(&p, t += 1200, &jump, &alive);
	confirm_at(&p, t += 1200, &jump, &lost);
	confirm_at(&p, t += 1200, &jump, &lost);
	assert_int_equal(p.state, WP_SUSPECTED); /* two in a row since the last disagreement */
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "observers_disagree");
	assert_non_null(strstr(ev[0].text, "the DR site: accepts connections from the DR site"));
	confirm_at(&p, t += 1200, &jump, &lost);
	assert_int_equal(p.state, WP_CONFIRMED);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_confirmed");
}

/* A freeze shorter than the window (lost, lost, then back) never confirms. */
static void test_watchpolicy_freeze(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 30000, 1000, 3, T0);
	struct wp_view jump = view(1, 1, "timed out after 3 s");
	struct wp_view dr = view(1, 1, "no answer");
	struct wp_view back = view(1, 0, "accepts connections");
	suspect_at(&p, T0);
	confirm_at(&p, T0, &jump, &dr);
	confirm_at(&p, T0 + 1200, &jump, &dr);
	/* the third check finds the jump host seeing it again: the suspicion is over */
	confirm_at(&p, T0 + 2400, &back, &dr);
	assert_int_equal(p.state, WP_WATCHING);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_back");
	assert_string_equal(ev[0].text,
	                    "suspicion over: the primary answers again (accepts connections)");
	/* regular checks again, check_interval after the answer */
	assert_int_equal(watchpolicy_due(&p, T0 + 2600 + 29999), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_due(&p, T0 + 2600 + 30000), WP_DUE_CHECK);
	/* a new suspicion counts from zero: two more agreements do not confirm */
	int64_t t = T0 + 40000;
	suspect_at(&p, t);
	assert_int_equal(p.agreed, 0);
	confirm_at(&p, t, &jump, &dr);
	confirm_at(&p, t + 1200, &jump, &dr);
	assert_int_equal(p.state, WP_SUSPECTED);
	/* the jump host's own round sees it back while a confirmation is asked */
	assert_int_equal(watchpolicy_due(&p, t + 2400), WP_DUE_CONFIRM);
	watchpolicy_see(&p, &back, t + 2500);
	assert_int_equal(p.state, WP_WATCHING);
	assert_int_equal(p.asking, 0);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_back");
	/* the late answer of that confirmation counts for nothing */
	watchpolicy_confirm(&p, &jump, &dr, t + 2600);
	assert_int_equal(p.state, WP_WATCHING);
	assert_int_equal(p.n_events, 0);
}

/* Checks never overlap: while a confirmation is asked, nothing more is due, however late. */
static void test_watchpolicy_no_overlap(void **state)
{
	(void)state;
	struct watchpolicy p;
	watchpolicy_init(&p, 5000, 1000, 2, T0);
	suspect_at(&p, T0);
	assert_int_equal(watchpolicy_due(&p, T0), WP_DUE_CONFIRM);
	assert_int_equal(p.asking, 1);
	assert_int_equal(watchpolicy_due(&p, T0 + 1000), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_due(&p, T0 + 600000), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_wait_ms(&p, T0 + 600000), 1000);
	struct wp_view jump = view(1, 1, "connection refused");
	struct wp_view dr = view(1, 1, "no answer");
	watchpolicy_confirm(&p, &jump, &dr, T0 + 600000);
	assert_int_equal(p.asking, 0);
	assert_int_equal(watchpolicy_due(&p, T0 + 600999), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_due(&p, T0 + 601000), WP_DUE_CONFIRM);
	/* the jump host's rounds meanwhile, still losing it, change nothing */
	watchpolicy_see(&p, &jump, T0 + 601100);
	assert_int_equal(p.state, WP_SUSPECTED);
	assert_int_equal(p.agreed, 1);
	assert_int_equal(p.asking, 1);
}

/* The host's moves: failing over (no event), held (told), and a held failover ends when seen. */
static void test_watchpolicy_set(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 5000, 1000, 1, T0);
	suspect_at(&p, T0);
	assert_int_equal(watchpolicy_due(&p, T0), WP_DUE_CONFIRM);
	watchpolicy_set(&p, WP_FAILING_OVER, NULL, 0, "fencing datacenter-1", T0 + 10);
	assert_int_equal(p.state, WP_FAILING_OVER);
	assert_string_equal(watchpolicy_state_name(p.state), "failing_over");
	assert_string_equal(p.why, "fencing datacenter-1");
	assert_int_equal(p.since_ms, T0 + 10);
	assert_int_equal(p.asking, 0); /* the set ends any confirmation asked */
	assert_int_equal(p.n_events, 0);
	assert_int_equal(watchpolicy_due(&p, T0 + 5009), WP_DUE_NOTHING);
	assert_int_equal(watchpolicy_due(&p, T0 + 5010), WP_DUE_CHECK);
	watchpolicy_set(&p, WP_HELD, "failover_held", 1, "step 3 must be done by a person",
	                T0 + 6000);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "failover_held");
	assert_int_equal(ev[0].critical, 1);
	assert_string_equal(ev[0].text, "step 3 must be done by a person");
	/* still lost: held it stays; seen again: watching */
	struct wp_view jump = view(1, 1, "connection refused");
	struct wp_view back = view(1, 0, "accepts connections");
	watchpolicy_see(&p, &jump, T0 + 7000);
	assert_int_equal(p.state, WP_HELD);
	assert_int_equal(p.n_events, 0);
	watchpolicy_see(&p, &back, T0 + 8000);
	assert_int_equal(p.state, WP_WATCHING);
	assert_int_equal(take_all(&p, ev), 1);
	assert_string_equal(ev[0].kind, "primary_back");
	assert_string_equal(ev[0].text,
	                    "held failover over: the primary answers again (accepts connections)");
	/* a failed-over primary seen again is not a reason to watch it as before */
	watchpolicy_set(&p, WP_FAILED_OVER, "failover_finished", 1, "done", T0 + 9000);
	watchpolicy_see(&p, &back, T0 + 9500);
	assert_int_equal(p.state, WP_FAILED_OVER);
	assert_string_equal(watchpolicy_state_name(p.state), "failed_over");
	assert_string_equal(watchpolicy_state_name(WP_HELD), "held");
	assert_string_equal(watchpolicy_state_name(WP_SUSPECTED), "suspected");
}

/* watchpolicy_take drains in order, as many as asked, the rest kept in order. */
static void test_watchpolicy_take(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 5000, 1000, 1, T0);
	watchpolicy_set(&p, WP_WATCHING, "a", 0, "first", T0);
	watchpolicy_set(&p, WP_WATCHING, "b", 0, "second", T0);
	watchpolicy_set(&p, WP_WATCHING, "c", 1, "third", T0);
	assert_int_equal(watchpolicy_take(&p, ev, 2), 2);
	assert_string_equal(ev[0].kind, "a");
	assert_string_equal(ev[0].text, "first");
	assert_string_equal(ev[1].kind, "b");
	assert_int_equal(p.n_events, 1);
	watchpolicy_set(&p, WP_WATCHING, "d", 0, "fourth", T0);
	assert_int_equal(take_all(&p, ev), 2);
	assert_string_equal(ev[0].kind, "c");
	assert_int_equal(ev[0].critical, 1);
	assert_string_equal(ev[1].kind, "d");
	assert_int_equal(take_all(&p, ev), 0);
	assert_int_equal(watchpolicy_take(&p, ev, 0), 0);
}

/* Beyond WP_MAX_EVENTS undrained events the oldest are kept and the rest counted as lost. */
static void test_watchpolicy_queue_bound(void **state)
{
	(void)state;
	struct watchpolicy p;
	struct wp_event ev[WP_MAX_EVENTS];
	watchpolicy_init(&p, 5000, 1000, 1, T0);
	struct wp_view lost = view(1, 1, "connection refused");
	struct wp_view back = view(1, 0, "accepts connections");
	for (int i = 0; i < WP_MAX_EVENTS / 2 + 2; i++) { /* WP_MAX_EVENTS + 4 events */
		watchpolicy_see(&p, &lost, T0 + 2 * i);
		watchpolicy_see(&p, &back, T0 + 2 * i + 1);
	}
	assert_int_equal(p.n_events, WP_MAX_EVENTS);
	assert_int_equal(p.lost_events, 4);
	assert_int_equal(take_all(&p, ev), WP_MAX_EVENTS);
	for (size_t i = 0; i < WP_MAX_EVENTS; i++)
		assert_string_equal(ev[i].kind, i % 2 == 0 ? "primary_suspected" : "primary_back");
	/* drained, the queue takes events again */
	watchpolicy_see(&p, &lost, T0 + 1000);
	assert_int_equal(p.n_events, 1);
	assert_int_equal(p.lost_events, 4);
}

/* A confirm_checks of zero or less still needs one agreeing check. */
static void test_watchpolicy_min_checks(void **state)
{
	(void)state;
	struct watchpolicy p;
	watchpolicy_init(&p, 5000, 1000, 0, T0);
	assert_int_equal(p.confirm_checks, 1);
	suspect_at(&p, T0);
	assert_int_equal(p.state, WP_SUSPECTED); /* not confirmed by the suspicion alone */
	struct wp_view jump = view(1, 1, "connection refused");
	struct wp_view dr = view(1, 1, "no answer");
	confirm_at(&p, T0, &jump, &dr);
	assert_int_equal(p.state, WP_CONFIRMED);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_watchpolicy_checks),
	    cmocka_unit_test(test_watchpolicy_confirm_exactly),
	    cmocka_unit_test(test_watchpolicy_unknown_dr),
	    cmocka_unit_test(test_watchpolicy_disagree_resets),
	    cmocka_unit_test(test_watchpolicy_freeze),
	    cmocka_unit_test(test_watchpolicy_no_overlap),
	    cmocka_unit_test(test_watchpolicy_set),
	    cmocka_unit_test(test_watchpolicy_take),
	    cmocka_unit_test(test_watchpolicy_queue_bound),
	    cmocka_unit_test(test_watchpolicy_min_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
