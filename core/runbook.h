/*
 * The runbook engine: a scenario's steps walked one at a time, as a pure
 * state machine on the main thread. Its inputs are the operator's decisions,
 * the results of the operations it asked for, and clock ticks with the live
 * site snapshots; its outputs are operation requests (to the site agents, or
 * a fake in tests) and journal records. The clock is injected.
 *
 *   pending -> guarded (a guard failed: evidence; wait, or override typed)
 *           -> awaiting (confirmation: none, key, or the site's name typed;
 *                        refused if the primary, timeline or replay LSN moved
 *                        since the dialog opened)
 *           -> running -> verifying (the step's check) -> done | failed
 *   failed  -> retry (back to the guards) | skipped (with a reason)
 *   unknown: the console lost track of a running step (it died, the site
 *            dropped, no answer in time): while it may still run on its site
 *            the site is asked every RUNBOOK_ASK_MS and a retry is refused;
 *            once it is seen ended its check decides. A command is never
 *            re-run blindly.
 *   A record the journal cannot take holds the run: nothing more is sent and
 *   no decision of the operator's is accepted until the records kept meanwhile
 *   are written (runbook_flush, on every tick).
 */
#ifndef DR_RUNBOOK_H
#define DR_RUNBOOK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "catalog.h"
#include "events.h"
#include "guard.h"
#include "journal.h"
#include "plan.h"
#include "snapshot.h"

#define RUNBOOK_MAX_GUARDS  8
#define RUNBOOK_OUTPUT_TAIL 2048
#define RUNBOOK_MAX_FLIGHTS 16
#define RUNBOOK_SAMPLES     256
#define RUNBOOK_MAX_LINGER  4    /* operations of a step that may still run on their sites */
#define RUNBOOK_ASK_MS      2000 /* how often a site is asked whether such an operation ended */
#define RUNBOOK_BACKLOG     64   /* records kept while the journal cannot be written */
#define RUNBOOK_ID_SPAN     (1u << 20) /* operation ids of one run: [first_id, first_id + span) */

enum rb_state {
	RB_PENDING,
	RB_GUARDED,
	RB_AWAITING,
	RB_RUNNING,
	RB_VERIFYING,
	RB_DONE,
	RB_FAILED,
	RB_SKIPPED,
	RB_UNKNOWN,
};

/* What an operation request asks for. */
enum rb_op {
	RB_OP_RUN,     /* a shell command on the site (the step's run:) */
	RB_OP_CHECK,   /* the step's check: a shell command, or a built-in check */
	RB_OP_BUILTIN, /* a built-in action (promote, fence, writable, ...) */
	RB_OP_STATUS,  /* asks the site whether an earlier RUN still runs (of) */
};

/* One operation for the executor; its result comes back with the same id. */
struct rb_request {
	unsigned id;
	size_t step;
	enum rb_op op;
	const struct site *site; /* NULL: on the operator's side */
	const char *command;     /* RUN, or CHECK by command */
	const char *builtin;     /* BUILTIN, or CHECK by built-in */
	int64_t timeout_ms;
	int on_return; /* the fence of an old primary: sent by the site's agent itself the
	                  moment the site answers as a writable primary */
	unsigned of;   /* STATUS: the operation asked about */
};

/* The outcome of an operation. */
struct rb_result {
	unsigned id;
	int ok;             /* it succeeded: exit status 0, or the built-in's verdict */
	int exit_status;    /* -1: none (a built-in, a signal, a timeout) */
	int timed_out;      /* the deadline passed: whether it took effect is not known */
	int lost;           /* the connection dropped while it ran: not known either */
	const char *output; /* bounded tail of stdout and stderr, or NULL */
	const char *detail; /* one sentence: the evidence of a built-in, or why it failed */
	int64_t lsn;        /* promote: the new primary's replay LSN when it was promoted; -1 */
	const char *errout; /* bounded tail of stderr, or NULL */
	int64_t cut;        /* bytes of output not kept */
	int not_run;        /* it certainly did not run */
	int stopped;        /* timed out, and the site saw it stopped */
	int may_run;        /* it may still be running on its site (pid, if known) */
	long pid;           /* its process group on the site, 0 when not known */
	int status_end;     /* STATUS: the site's answer (enum supervise_end) */
};

/* What the engine needs from its host: the clock, the executor, the journal. */
struct rb_env {
	int64_t (*now_ms)(void *arg);
	int (*submit)(void *arg, const struct rb_request *req); /* -1: cannot be sent now */
	/* data: reference stolen; -1 when the record could not be written */
	int (*journal)(void *arg, const char *type, json_t *data);
	void *arg;
	unsigned first_id; /* this run's operation ids start after it (unique in the process) */
	struct event_log *events; /* split brain and fence outcomes are told here too, or NULL */
};

/* An operation of a step that may still run on its site: asked about until it is seen ended. */
struct rb_linger {
	unsigned op;
	const struct site *site;
	long pid; /* its process group there, 0 when not known */
};

/* A record that could not be written yet, kept in order. */
struct rb_pending {
	char type[32];
	json_t *data;
};

/* One step of the run. */
struct rb_step {
	const struct plan_step *plan;
	enum rb_state state;
	struct guard_result guards[RUNBOOK_MAX_GUARDS];
	size_t n_guards;
	int overridden;      /* failed guards acknowledged by the operator */
	int64_t started_ms;  /* 0: not started */
	int64_t finished_ms; /* 0: not finished */
	int attempts;
	unsigned pending;   /* requests in flight */
	int failed_targets; /* of the current phase */
	char why[512];      /* failure, skip reason, or guard summary */
	char output[RUNBOOK_OUTPUT_TAIL];
	char errout[RUNBOOK_OUTPUT_TAIL / 2]; /* the tail of stderr */
	int64_t cut;                          /* bytes of output not kept, of the last attempt */
	struct rb_linger linger[RUNBOOK_MAX_LINGER];
	size_t n_linger;
	unsigned asking;    /* the status question in flight, 0: none */
	int64_t asked_ms;   /* when the sites were last asked */
	int64_t current_ms; /* when it became the current step: its time runs from there */
	char cause[256];    /* what became of its command, when its check decides after */
	int settled;        /* its lingering operations were all seen ended */
};

/* The live state a confirmation is checked against. */
struct rb_mark {
	char primary[64];
	int64_t timeline;
	int64_t replay_lsn;
};

enum rb_confirm_answer {
	RB_CONFIRM_OK,        /* accepted: the step runs */
	RB_CONFIRM_MISTYPED,  /* the typed text is not the site's name */
	RB_CONFIRM_CHANGED,   /* the live state moved since the dialog opened: shown again */
	RB_CONFIRM_GUARDED,   /* a guard fails now */
	RB_CONFIRM_NOT_ASKED, /* no step awaits a confirmation */
	RB_CONFIRM_HELD,      /* the journal cannot be written: nothing is accepted */
};

enum rb_timer_level { RB_TIMER_OK, RB_TIMER_AMBER, RB_TIMER_RED };

/* A request in flight: the step and phase its result belongs to. */
struct rb_flight {
	unsigned id;
	size_t step;
	enum rb_op op;
	const struct site *site;
	unsigned of; /* STATUS: the operation asked about */
};

/* Where the old primary's WAL was, and when: to tell how many seconds of writes were lost. */
struct rb_sample {
	int64_t at_ms;
	int64_t lsn;
};

/*
 * What the console saw of the old primary's WAL, kept from its start (a run
 * begins after the failure, when the primary can no longer be asked).
 */
struct rb_track {
	int64_t lsn;   /* the highest position seen; -1: never */
	int64_t at_ms; /* the last answer of the old primary as a primary */
	struct rb_sample samples[RUNBOOK_SAMPLES]; /* a ring, oldest overwritten */
	size_t n_samples, next_sample;
};

struct runbook {
	const struct catalog *cat;
	const struct scenario *scenario;
	struct plan plan;
	struct rb_step *steps;
	size_t n;
	size_t current; /* n when the run is over */
	int aborted;
	int finished;
	int tabletop; /* a tabletop drill (runbook_start_mode): env.submit is never called; each
	                 step is narrated and marked "done (tabletop)" by runbook_manual_done */
	int64_t started_ms;
	int64_t ended_ms; /* when it finished or was aborted: its clock stops there */
	struct rb_env env;
	unsigned next_id;
	struct rb_flight flights[RUNBOOK_MAX_FLIGHTS];
	size_t n_flights;
	/* facts gathered from the live state */
	const struct site_status *sites;
	size_t n_sites;
	struct rb_track track; /* the old primary's WAL, until the promotion */
	int fenced, attested;
	struct rb_mark mark; /* at the opening of the confirmation */
	/* after a promotion, the old primary is watched */
	int promoted;
	int64_t promoted_lsn; /* the new primary's position when promoted; -1 */
	int split_brain;      /* the old primary came back writable */
	int fence_on_return;
	unsigned fence_request; /* the fence sent or armed on return, 0: none */
	int fence_armed;        /* ... armed: the agent sends it when the site answers writable */
	int fence_failed;       /* the last fence on return failed: not armed again by itself */
	/* the failback (core/switchback.h) */
	int64_t stopped_lsn; /* the DR site's final checkpoint when this run stopped its writes; -1 */
	int64_t back_lsn;    /* where the original primary was promoted back; -1 */
	int fence_lifted;    /* a person lifted the old primary's fence: it is no longer watched */
	char alarm[512];
	/* the journal: a record that cannot be written holds the run (nothing more is sent) */
	struct rb_pending backlog[RUNBOOK_BACKLOG];
	size_t n_backlog;
	size_t backlog_lost; /* facts beyond the backlog, told once it is written */
	int held;
	int broken;     /* a record could not be built: the run stays held */
	char stop[320]; /* the run is stopped for this reason (held for good), or "" */
	unsigned stray; /* results for operations this run did not send, dropped */
	const struct restoreproofs *proofs; /* the proven restores (backup_proven), NULL: unknown */
};

void runbook_track_init(struct rb_track *t);
void runbook_track(struct rb_track *t, const struct conf *cf, const struct site_status *sites,
                   size_t n);
/* The live state a run starts from. */
struct rb_live {
	const struct site_status *sites;
	size_t n;
	const struct rb_track *seen; /* the old primary's WAL as seen so far, or NULL */
	json_t *about;               /* more for run_started (who runs it, from where), or NULL */
	const int64_t *at_ms; /* runbook_replay: its clock, read at each use (a review's capture
	                         time); NULL or 0: the wall clock */
	const struct restoreproofs *proofs; /* the proven restores, or NULL: not known */
};

int runbook_start(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                  const struct rb_env *env, const struct rb_live *live, char **cause);
int runbook_start_mode(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                       const struct rb_env *env, const struct rb_live *live, int tabletop,
                       char **cause);
int runbook_resume(struct runbook *rb, const struct catalog *cat,
                   const struct journal_records *recs, const struct rb_env *env,
                   const struct rb_live *live, char **cause);
int runbook_replay(struct runbook *rb, const struct catalog *cat,
                   const struct journal_records *recs, const struct rb_live *live, char **cause);
void runbook_free(struct runbook *rb);

void runbook_tick(struct runbook *rb, const struct site_status *sites, size_t n);
void runbook_mark(struct runbook *rb);
enum rb_confirm_answer runbook_confirm(struct runbook *rb, const char *typed);
enum rb_confirm_answer runbook_confirm_by(struct runbook *rb, json_t *by);
int runbook_fenced_by(struct runbook *rb, const char *by, const char *evidence);
int runbook_override(struct runbook *rb, const char *typed);
int runbook_attest(struct runbook *rb, const char *typed);
void runbook_result(struct runbook *rb, const struct rb_result *res);
int runbook_retry(struct runbook *rb);
int runbook_skip(struct runbook *rb, const char *reason);
int runbook_manual_done(struct runbook *rb);
int runbook_note(struct runbook *rb, const char *text);
void runbook_abort(struct runbook *rb, const char *reason);
void runbook_detach(struct runbook *rb, const char *reason);
int runbook_log(struct runbook *rb, const char *type, json_t *data, const struct rb_step *st);
int runbook_fence_returned_now(struct runbook *rb);
void runbook_guard_ctx(const struct runbook *rb, struct guard_ctx *g);
int runbook_flush(struct runbook *rb);
int runbook_may_run(const struct rb_step *st);

const char *runbook_state_name(enum rb_state s);
const char *runbook_confirm_target(const struct runbook *rb);
int64_t runbook_elapsed_ms(const struct runbook *rb);
int64_t runbook_step_elapsed_ms(const struct runbook *rb, const struct rb_step *st);
int64_t runbook_projected_ms(const struct runbook *rb);
enum rb_timer_level runbook_timer_level(const struct runbook *rb);

#endif
