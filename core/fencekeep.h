/*
 * The fence kept in the state folder (fencestate.h), made to act: every
 * drconsole process that loads the config (the watcher, each console) arms
 * it at the old primary's agent, which sends it the moment that site answers
 * as a writable primary. A fence that fired, failed or was sent on a
 * person's word is told to the event log and journaled as a standalone
 * action (a journal of its own in <state_dir>/runs, "mode": "action"), and
 * armed again. While the host's recovery run arms a fence of its own at the
 * same site, the keeper stands back: an agent holds one armed fence.
 */
#ifndef DR_FENCEKEEP_H
#define DR_FENCEKEEP_H

#include <stdint.h>

#include "agent.h"
#include "conf.h"
#include "events.h"
#include "fencestate.h"
#include "filestamp.h"
#include "opqueue.h"

#define FENCEKEEP_ID_BASE  0xF0000000u /* its operation ids: [base, base + 2^24) */
#define FENCEKEEP_READ_MS  1000        /* how often fence.json is looked at */
#define FENCEKEEP_AGAIN_MS 5000        /* a fence that failed is armed again after this */

struct fencekeep {
	const struct conf *cf;
	struct agent **agents;     /* in the config's order */
	struct event_log *events;  /* or NULL */
	const char *actor;         /* FENCESTATE_CONSOLE or FENCESTATE_WATCH */
	struct fencestate st;      /* as last read */
	int known;                 /* st was read (0: never, or the last read failed) */
	char error[256];           /* the last read failed: why ("" otherwise) */
	char stamp[FILESTAMP_MAX]; /* fence.json's identity at the last read */
	int64_t read_ms;           /* monotonic: when fence.json was last looked at */
	unsigned next_id;
	unsigned armed_id; /* the fence armed at the agent, 0: none */
	int armed_site;    /* its site's index, -1: none */
	unsigned now_id;   /* a fence sent on a person's word, in flight; 0: none */
	int64_t again_ms;  /* monotonic: a failed fence is not armed again before */
	uint64_t fired;    /* fences that ran (on return or on a person's word) */
};

void fencekeep_init(struct fencekeep *k, const struct conf *cf, struct agent **agents,
                    struct event_log *events, const char *actor);
void fencekeep_tick(struct fencekeep *k, int run_arms);
int fencekeep_take(struct fencekeep *k, struct op *op);
int fencekeep_drain(struct fencekeep *k);
int fencekeep_fire(struct fencekeep *k, char *why, size_t len);
int fencekeep_armed(const struct fencekeep *k);
void fencekeep_reload(struct fencekeep *k);
void fencekeep_stop(struct fencekeep *k);

#endif
