/*
 * drconsole watch: the headless watcher. Its main loop (cmd_watch.c) runs
 * the site agents, keeps the persisted fence armed and judges the primary
 * (watchpolicy); a confirmed failure is acted on in watch_failover.c (fence
 * first, then the scenario through the runbook engine, its confirmations
 * given by the policy); every change is told in watch_tell.c (stderr, the
 * watcher's journal, on_event, the metrics file, watch.json).
 */
#ifndef DR_WATCH_H
#define DR_WATCH_H

#include <stdint.h>

#include "agent.h"
#include "alertq.h"
#include "catalog.h"
#include "events.h"
#include "fencekeep.h"
#include "journal.h"
#include "localrun.h"
#include "reach.h"
#include "runhost.h"
#include "verdict.h"
#include "watchpolicy.h"

#define WATCH_ID_BASE  0xE0000000u /* the watcher's own operation ids */
#define WATCH_GUARD_MS 60000       /* a guarded step waits this long for its guards, then stops */

/* Where a failover stands, once confirmed. */
enum watch_phase {
	WATCH_IDLE,
	WATCH_RUNNING, /* the scenario runs: its host takes the locks, then the fence, then the steps */
};

/* Where the old primary's fence stands within a failover. */
enum watch_fence {
	WATCH_FENCE_NONE,
	WATCH_FENCE_DUE,  /* once the run holds both locks */
	WATCH_FENCE_SSH,  /* the old primary's PostgreSQL is being stopped over SSH */
	WATCH_FENCE_CMD,  /* the configured fence_command runs here */
	WATCH_FENCE_DONE, /* fenced: fence_evidence says how */
};

struct watcher {
	struct catalog cat;
	const struct conf *cf;
	const struct scenario *sc;
	struct agent **agents;
	struct site_status *snaps;
	struct site_status *prev; /* the snapshots at the previous round, for events_diff */
	struct localrun *local;
	struct fencekeep keep;
	struct watchpolicy pol;
	struct reach_target reach;
	unsigned reach_op; /* the DR site's test in flight, 0: none */
	unsigned next_id;
	struct runhost run;
	struct rb_track track;
	struct event_log events;
	size_t events_told; /* events of the log told so far (count + dropped) */
	struct verdict verdict;
	int first_rounds;   /* every site had its first round */
	struct alertq *alerts;
	struct journal *journal; /* the watcher's own, in <state_dir>/watch/runs */
	char *journal_path;
	char journal_error[256];
	char since[32];
	char last_run[128]; /* the last run it started */
	int64_t last_check_ms; /* wall clock of the last check, 0: none */
	uint64_t failovers;
	enum watch_phase phase;
	enum watch_fence fence;
	unsigned fence_op;
	int fence_tried_cmd;
	char prepare[900];      /* the run is only prepared for a person: why ("" : it runs) */
	char fence_evidence[512];
	int fence_noted;        /* the fence was given to the run's engine */
	int64_t run_begun_ms;   /* monotonic: when the run's host was started */
	int64_t guarded_ms;     /* monotonic: since when the current step is guarded, 0: not */
	int64_t lag_ms;         /* the DR site's lag at the last sight of the primary */
	int lag_known;
	int wake[2];
	int stop;
	int dirty; /* something was told: the metrics and watch.json are written at the turn's end */
};

/* watch_tell.c */
void watch_tell(struct watcher *w, const char *kind, int critical, const char *site,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void watch_tell_log(struct watcher *w);
void watch_tell_policy(struct watcher *w);
void watch_publish(struct watcher *w);
int watch_journal_open(struct watcher *w, char **cause);
void watch_journal_close(struct watcher *w, const char *why);

/* cmd_watch.c */
int watch_claim(void *ctx, struct op *op);

/* watch_failover.c */
unsigned watch_id(struct watcher *w);
void watch_failover_begin(struct watcher *w);
int watch_failover_take(struct watcher *w, struct op *op);
void watch_failover_drive(struct watcher *w);
void watch_failover_stop(struct watcher *w, const char *why);

#endif
