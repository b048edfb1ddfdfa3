/*
 * A run's report: what its journal says happened, built into one model
 * (report.c, report_steps.c, report_events.c), then rendered for people
 * (report_md.c, Markdown) or for tools (report_json.c). The journal is read
 * and checked by report_load.c; the model never claims more than the checks
 * allow: a damaged journal is a damaged report, a run that did not end is
 * in progress or unfinished, never done.
 */
#ifndef DR_REPORT_H
#define DR_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "journal.h"

struct catalog;

#define REPORT_UNKNOWN   (-1) /* an unknown duration, count or exit status */
#define REPORT_TAIL_MAX  600  /* bytes of a step's output kept, its end */
#define REPORT_TAIL_LINE 6    /* lines of a step's output kept, its end */
#define REPORT_VERSION   1    /* the JSON form's version */

/* What the checks of the journal found (journal_verify, the head file, the seals). */
struct report_check {
	int read;             /* the file could be read at all */
	int verified;         /* journal_verify found no error */
	size_t lines;         /* complete lines */
	size_t records;       /* records read cleanly */
	int torn;             /* an incomplete last line (not part of the chain) */
	int sealed;           /* the last record is a run_sealed one */
	int head;             /* the head file: 1 read, 0 none, -1 unreadable */
	int64_t head_records; /* what it says */
	char head_hash[JOURNAL_HASH_HEX + 1];
	char final_hash[JOURNAL_HASH_HEX + 1]; /* SHA-256 of the last complete line */
	char **problems; /* every error and warning, FILE:LINE:COL: level: message */
	size_t n_problems;
	size_t errors, warnings;
};

/* Someone who held the run: who, on which jump host, connected from where. */
struct report_person {
	char *name, *host, *origin;
	char *since; /* the record's ts */
	char *how;   /* "started the run", "took the run's lock", ... */
};

/* A drill's participant. */
struct report_participant {
	char *name, *role;
};

/* One step of the run. */
struct report_step {
	int n;                /* 1-based */
	char *action, *title; /* title: the catalog's, or NULL */
	char *state; /* done, failed, skipped, running, unknown, guarded, awaiting, not reached */
	char *current_at;    /* when it became the current step (ts), or NULL */
	char *finished_at;   /* its last step_finished (ts), or NULL */
	int64_t step_ms;     /* from becoming current to finished (or to the last record) */
	int64_t duration_ms; /* its command's own time, or REPORT_UNKNOWN */
	int64_t estimate_ms; /* the catalog's, or REPORT_UNKNOWN */
	int exit_status;     /* REPORT_UNKNOWN when none was told */
	int attempts;        /* step_started records */
	char *confirmed_by;  /* who confirmed it (an operator, "watch"), or NULL */
	char *confirm_how;   /* none, key, typed, marked done */
	char *confirmed_at;
	char *evidence; /* the watcher's evidence, or NULL */
	char *command;  /* what its last start sent: "site: command" for each target */
	char *detail;   /* why, reason or detail of its end */
	char *output;   /* the tail of its last output, or NULL */
	char *errout;   /* the tail of its last stderr, or NULL */
	int promotion;  /* it promotes the DR site (its recovery point) */
	int finished;   /* it has a step_finished */
};

/* One thing that happened: an override, an attestation, a note, a fence, ... */
struct report_event {
	char *at;     /* the record's ts */
	char *type;   /* the record's type */
	int step;     /* 0 when not about a step */
	char *what;   /* the main text: the guard, the site, the note */
	char *detail; /* evidence, reason, why */
	char *by;     /* who: an operator, "watch" */
	int ok;       /* fences: 1 worked, 0 failed, REPORT_UNKNOWN not told */
};

/* A list of events, in journal order. */
struct report_events {
	struct report_event *items;
	size_t n;
};

/* A corrective action of the hot wash. */
struct report_action {
	char *what, *owner, *due;
};

/* An achieved figure against its target. */
struct report_target {
	int64_t achieved_ms; /* REPORT_UNKNOWN: not achieved or not measured */
	char *basis;         /* what it was measured to, or why it is not known */
	int64_t target_ms;   /* REPORT_UNKNOWN when there is none */
	char *target_source; /* where the target came from */
	int met;             /* 1 met, 0 missed, REPORT_UNKNOWN */
};

struct report {
	char *run_id, *path;
	enum journal_state state;   /* as journal_state tells it (damaged, live, ...) */
	enum journal_state claimed; /* what the records read say, checked or not */
	struct report_check check;

	char *title;    /* the scenario, the drill, or what the action was */
	char *scenario; /* NULL when the run names none */
	char *drill;    /* NULL when the run names none */
	char *mode;     /* incident, drill, tabletop, action, watch */
	char *actor;    /* "person" or "watch" */
	char *started, *ended, *last_at;
	char *result, *reason;
	int64_t elapsed_ms;  /* to its end, or to the last record */
	int64_t estimate_ms; /* REPORT_UNKNOWN when not known */
	char *estimate_source;

	struct report_person *operators;
	size_t n_operators;
	struct report_participant *participants;
	size_t n_participants;
	char **objectives;
	size_t n_objectives;
	char *schedule;

	struct report_step *steps;
	size_t n_steps;
	struct report_events overrides, attestations, notes, fences, split_brain, timeline;

	int64_t loss_bytes;  /* the data_loss record's, REPORT_UNKNOWN when not measured */
	double loss_seconds; /* < 0 when not measured */
	char *loss_why;      /* why it was not measured, or NULL */
	int loss_recorded;   /* a data_loss record was found */
	struct report_target rto, rpo;

	char **issues; /* what went wrong, in sentences, the gravest kinds first */
	size_t n_issues;

	int hotwash; /* a hotwash record was found */
	char **went_well, **went_badly;
	size_t n_went_well, n_went_badly;
	struct report_action *actions;
	size_t n_actions;
};

void report_build(struct report *rep, const struct journal_records *r, enum journal_state state,
                  const struct catalog *cat);
void report_free(struct report *rep);
int report_sound(const struct report *rep);
int report_ended(const struct report *rep);
const char *report_state_words(const struct report *rep);
const char *report_type(const struct report *rep);
int64_t report_ts_ms(const char *ts);
char *report_text(json_t *data, const char *key);

const char *report_holder(const struct report *rep);

void report_steps_init(struct report *rep, const struct journal_records *r,
                       const struct catalog *cat);
void report_steps_take(struct report *rep, const struct journal_record *rec);
void report_steps_end(struct report *rep, const struct catalog *cat);
void report_steps_free(struct report *rep);

void report_events_take(struct report *rep, const struct journal_record *rec);
void report_events_free(struct report *rep);

void report_issues_build(struct report *rep);
void report_issues_free(struct report *rep);

int report_load(struct report *rep, const char *state_dir, const char *path,
                const struct catalog *cat);

void report_md(FILE *fp, const struct report *rep);
json_t *report_json(const struct report *rep);

#endif
