/*
 * The panel interface, htop style: a const class per panel with its name,
 * minimum size and a draw function that reads the view (the latest
 * snapshots, the verdict, the event log, the clock) and nothing else.
 */
#ifndef DR_PANEL_H
#define DR_PANEL_H

#include <curses.h>
#include <stdint.h>

#include "conf.h"
#include "events.h"
#include "fencestate.h"
#include "restoreproof.h"
#include "runbook.h"
#include "schedule_due.h"
#include "snapshot.h"
#include "theme.h"
#include "verdict.h"
#include "watchstate.h"

/* The DR test schedule as the console last judged it from the journals (console_schedule.c). */
struct view_schedule {
	const struct schedule_due *due; /* one per test of the schedule */
	size_t n;
	size_t damaged;    /* journals skipped as damaged */
	int64_t at_ms;     /* the time it was judged at */
	const char *error; /* why the runs could not be read (due is then empty), or NULL */
};

struct keys_table;
struct keys_state;

struct view {
	const struct conf *cf;
	const struct site_status *sites;
	size_t n_sites;
	const struct verdict *verdict;
	const struct event_log *events;
	int64_t now_ms; /* wall clock */
	const struct theme *theme;
	int recorded; /* a capture viewed after the fact, not the live sites */
	int following; /* drconsole --follow: read-only */
	const struct runbook *run; /* the recovery run, or NULL */
	const char *run_owner;     /* the run is another process's, shown read-only: whose; or NULL */
	const char *run_status;    /* a run being set up (its locks), or NULL */
	const char *run_flash;     /* a brief word on the run (a note journaled), or NULL */
	const char *journal_error; /* why the run's journal cannot be written, or NULL */
	const char *drill;         /* "DRILL" or "TABLETOP" while a drill runs, or NULL */
	const struct keys_table *keys;       /* the run's key table, for its key line, or NULL */
	const struct keys_state *key_state;  /* what its bindings read now */
	const struct fencestate *fence; /* the fence kept in the state folder, NULL: not known */
	const char *fence_error;        /* why fence.json cannot be read, or NULL */
	int fence_split;                /* a split brain holds with the kept fence's site writable */
	int watch_shown;                /* the watcher's presence is told (a live console) */
	const struct watchstate *watch; /* as last read; NULL when it cannot be read */
	int watch_seen;                 /* this console saw it running */
	const struct view_schedule *schedule; /* the DR tests; NULL until first read */
	const struct restoreproofs *proofs;   /* the proven restores; NULL: cannot be read */
	const char *proofs_error;             /* ... why, or NULL */
	int *moved; /* out: the lines a panel moved its content up by when not scrolled, or NULL */
	int pinned; /* the operator scrolled the panel being drawn: it keeps the scroll as it is */
};

/* What a panel reads: it is redrawn when one of these changed. */
enum panel_input {
	PANEL_IN_REACH = 1 << 0,   /* reachability, errors, roles */
	PANEL_IN_HEALTH = 1 << 1,  /* the host probe */
	PANEL_IN_PG = 1 << 2,      /* the PostgreSQL probe */
	PANEL_IN_BACKUPS = 1 << 3, /* the backup listing and verification */
	PANEL_IN_EVENTS = 1 << 4,  /* the event log */
	PANEL_IN_VERDICT = 1 << 5, /* the overall verdict */
	PANEL_IN_CLOCK = 1 << 6,   /* the wall clock, every second */
	PANEL_IN_RUN = 1 << 7,     /* the recovery run */
	PANEL_IN_KEEP = 1 << 8,    /* the kept fence, the watcher */
	PANEL_IN_SCHEDULE = 1 << 9, /* the DR test schedule, read from the journals */
};

struct panel_class {
	const char *name;
	const char *title;
	int min_w, min_h;
	unsigned inputs; /* enum panel_input bits */
	/*
	 * Draws the content into w (already erased) from line 1 - scroll, column 1,
	 * lines outside the window being dropped; the console draws the frame
	 * and title after. Returns the content's height in lines.
	 */
	int (*draw)(WINDOW *w, const struct view *v, int scroll);
};

const struct panel_class *panel_find(const char *name);
int panel_is_stale(const struct view *v, int64_t at_ms);
void panel_age(char *buf, size_t len, const struct view *v, int64_t at_ms);

extern const struct panel_class panel_header;
extern const struct panel_class panel_health;
extern const struct panel_class panel_replication;
extern const struct panel_class panel_backups;
extern const struct panel_class panel_events;
extern const struct panel_class panel_runbook;
extern const struct panel_class panel_schedule;

#endif
