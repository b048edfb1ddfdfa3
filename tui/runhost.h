/*
 * The runbook engine's host in the console: its clock, its journal file, and
 * its executor, which answers built-ins that read the snapshots at once and
 * hands everything else to the site agents; their results come back through
 * runhost_pump on the main thread.
 */
#ifndef DR_RUNHOST_H
#define DR_RUNHOST_H

#include "agent.h"
#include "catalog.h"
#include "fencekeep.h"
#include "journal.h"
#include "localrun.h"
#include "restorerun.h"
#include "runbook.h"
#include "runlock.h"

#define RUNHOST_MAX_LOCAL    16
#define RUNHOST_MAX_RESTORES 4 /* restore tests in flight */

/* A result computed here, delivered after the engine's call returns. */
struct runhost_local {
	unsigned id;
	int ok;
	char detail[512];
};

/* Where the host stands: a run starts once the DR site's run lock is ours. */
enum runhost_phase {
	RUNHOST_LOCKING,     /* the DR site's lock asked for */
	RUNHOST_HELD,        /* another holder that may be stale: the operator may take it over */
	RUNHOST_TAKING,      /* a takeover asked for */
	RUNHOST_RUNNING,     /* the engine runs */
	RUNHOST_REFUSED,     /* it cannot go on: notice says why */
	RUNHOST_UNREACHABLE, /* the DR site does not answer: it may start unlocked, if typed */
};

struct runhost {
	int active;
	enum runhost_phase phase;
	const struct scenario *sc; /* to start; NULL when resuming */
	const struct rb_track *seen;
	struct runlock_owner me;
	char *me_json;
	char *holder_json;   /* the DR lock's content when another holds it */
	char notice[640];    /* REFUSED: why; HELD: who holds the lock */
	unsigned lock_op;    /* the lock operation in flight, 0: none */
	unsigned release_op; /* the DR lock's release in flight, 0: none */
	int site_locked;     /* the DR lock is ours: released when the run ends */
	int lock_deferred;   /* started without the DR lock: taken as soon as the site answers */
	int fence_kept;      /* the old primary's fence was kept in the state folder */
	int detached;        /* left open: late results no longer reach the engine */
	json_t *lock_record; /* journaled once the run's journal has begun */
	struct runbook rb;
	const struct catalog *cat;
	struct agent **agents;
	struct fencekeep *keep;  /* the kept fence's results go there, or NULL */
	int (*claim)(void *ctx, struct op *op); /* the host's own operations go there, or NULL */
	void *claim_ctx;
	const char *actor;       /* who runs it when not a person at a console, or NULL */
	const char *mode;        /* a drill's "drill" (live) or "tabletop": on every record; NULL */
	struct localrun *runner; /* commands on the operator's side */
	const struct site_status *snaps;
	struct event_log *events;
	struct journal *journal;
	char *journal_path;
	struct runlock lock;     /* one run at a time on this jump host, for the DR site */
	char journal_error[256]; /* the last append that failed: shown, never ignored */
	struct runhost_local local[RUNHOST_MAX_LOCAL];
	size_t n_local;
	const struct restoreproofs *proofs;                  /* NULL: not known */
	struct restorerun restores[RUNHOST_MAX_RESTORES]; /* restore tests in flight (id 0: free) */
};

/* What a run works with: the sites' agents, the local runner, the live state. */
struct runhost_io {
	struct agent **agents;
	struct localrun *local;
	const struct site_status *snaps;
	const struct rb_track *seen; /* the old primary's WAL as followed so far */
	struct event_log *events;    /* where split brain and fence outcomes are told, or NULL */
	struct fencekeep *keep;      /* takes the kept fence's results, or NULL */
	const char *actor;           /* FENCESTATE_WATCH: every record says so; NULL: a console */
	const char *mode;            /* RUNHOST_DRILL or RUNHOST_TABLETOP for a drill; NULL */
	const struct restoreproofs *proofs; /* the proven restores, as last read; NULL: unknown */
	/* Takes a finished operation that is not the run's (1: taken, and freed), or NULL. */
	int (*claim)(void *ctx, struct op *op);
	void *claim_ctx;
};

#define RUNHOST_DRILL    "drill"    /* a live drill: steps act on the sites */
#define RUNHOST_TABLETOP "tabletop" /* nothing is sent to any site, not even the run lock */

int runhost_start(struct runhost *h, const struct catalog *cat, const struct scenario *sc,
                  const struct runhost_io *io, char **cause);
int runhost_resume(struct runhost *h, const struct catalog *cat, const char *path,
                   const struct runhost_io *io, char **cause);
int runhost_pump(struct runhost *h, const struct site_status *snaps, size_t n);
int runhost_takeover(struct runhost *h, const char *typed);
int runhost_start_unlocked(struct runhost *h, const char *typed);
void runhost_stop(struct runhost *h);
void runhost_seal(struct runhost *h);
int runhost_going(const struct runhost *h);
int runhost_arms_fence(const struct runhost *h);
void runhost_take_op(struct runhost *h, struct op *op);
char *runhost_run_id(const char *path);
void runhost_detach(struct runhost *h, const char *reason);
int runhost_settle(struct runhost *h, int64_t timeout_ms);

#endif
