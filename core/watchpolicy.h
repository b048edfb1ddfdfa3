/*
 * The watcher's judgement of the primary, as a pure state machine: no I/O,
 * times come in as arguments (monotonic milliseconds).
 *
 *   watching  --the jump host sees the primary's PostgreSQL lost-->  suspected
 *   suspected --a confirmation check every confirm_interval: the jump host
 *               AND the DR site (its connection test to the primary) both
 *               find it lost, confirm_checks times in a row-->  confirmed
 *             --the jump host sees it again-->  watching
 *             --the observers disagree: the count starts over (told once)
 *   confirmed --the host acts-->  failing_over | held (a person decides)
 *   failing_over --the run ends-->  failed_over (the old primary's fence is
 *               kept; no second failover until a person disarms it)
 *             --a step stops the run-->  held
 *   held      --the primary answers again-->  watching
 *
 * Each change is queued as an event the host drains (journal, stderr,
 * on_event, metrics).
 */
#ifndef DR_WATCHPOLICY_H
#define DR_WATCHPOLICY_H

#include <stddef.h>
#include <stdint.h>

#define WP_MAX_EVENTS 16

enum wp_state {
	WP_WATCHING,
	WP_SUSPECTED,
	WP_CONFIRMED,
	WP_FAILING_OVER,
	WP_FAILED_OVER,
	WP_HELD,
};

/* What the host should do now. */
enum wp_due {
	WP_DUE_NOTHING,
	WP_DUE_CHECK,   /* a regular check (every check_interval): its time is the last check */
	WP_DUE_CONFIRM, /* a confirmation check: ask the DR site, then call watchpolicy_confirm */
};

/* One observer's view of the primary. */
struct wp_view {
	int lost;       /* 1: the primary's PostgreSQL cannot be reached or is down */
	int known;      /* 0: this observer could not look (then it does not agree) */
	char why[384];  /* the evidence, one sentence */
};

/* A change worth telling. */
struct wp_event {
	char kind[32];   /* primary_suspected, primary_confirmed, observers_disagree, ... */
	int critical;    /* 0: warning or information */
	char text[768];
};

struct watchpolicy {
	int64_t check_ms, confirm_ms;
	long confirm_checks;
	enum wp_state state;
	int64_t next_ms;    /* the next check of either kind */
	int asking;         /* a confirmation check is under way */
	long agreed;        /* consecutive confirmations */
	int disagreed;      /* the observers' disagreement was told in this suspicion */
	int64_t since_ms;   /* when the state was entered */
	char why[768];      /* the latest evidence behind the state */
	struct wp_event events[WP_MAX_EVENTS];
	size_t n_events;
	size_t lost_events; /* events beyond the queue, dropped */
};

void watchpolicy_init(struct watchpolicy *p, int64_t check_ms, int64_t confirm_ms,
                      long confirm_checks, int64_t now_ms);
void watchpolicy_see(struct watchpolicy *p, const struct wp_view *jump, int64_t now_ms);
enum wp_due watchpolicy_due(struct watchpolicy *p, int64_t now_ms);
void watchpolicy_confirm(struct watchpolicy *p, const struct wp_view *jump,
                         const struct wp_view *dr, int64_t now_ms);
void watchpolicy_set(struct watchpolicy *p, enum wp_state state, const char *kind, int critical,
                     const char *why, int64_t now_ms);
int64_t watchpolicy_wait_ms(const struct watchpolicy *p, int64_t now_ms);
size_t watchpolicy_take(struct watchpolicy *p, struct wp_event *out, size_t max);
const char *watchpolicy_state_name(enum wp_state s);

#endif
