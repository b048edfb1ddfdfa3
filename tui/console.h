/*
 * The console's state, shared by the files of the console: the main loop
 * (console.c) and the recovery run's keys and dialogs (console_run.c).
 */
#ifndef DR_CONSOLE_H
#define DR_CONSOLE_H

#include <curses.h>
#include <stdint.h>

#include "agent.h"
#include "catalog.h"
#include "events.h"
#include "filestamp.h"
#include "fencekeep.h"
#include "hostkey_dialog.h"
#include "keys.h"
#include "layout.h"
#include "logpipe.h"
#include "panel.h"
#include "pick.h"
#include "prompt.h"
#include "restoreproof.h"
#include "runhost.h"
#include "schedule_runs.h"
#include "theme.h"
#include "verdict.h"
#include "watchstate.h"

#define CONSOLE_CTRL(c) ((c)&0x1f)
#define CONSOLE_FLASH_MS 3000 /* how long a brief word on the run stays */

struct console_pane {
	const struct panel_class *cls;
	WINDOW *win;
	int scroll;
	int lines; /* the content's height at the last draw */
	int moved;  /* not scrolled: the lines the panel moved its content up by itself (the run) */
	int pinned; /* scrolled by the operator: the panel does not move it, until the run's step
	               changes (pin_step) */
	size_t pin_step;
	int dirty;
};

struct console {
	struct catalog cat;
	const struct layout *layout;
	struct console_pane panes[LAYOUT_MAX_PANELS];
	size_t n_panes;
	int focus;
	int help;        /* the help overlay is open */
	int help_scroll; /* its first row shown */
	struct pick pick; /* the scenario picker, when pick_on */
	int pick_on;
	char pick_note[256]; /* why the picked scenario did not start */
	struct hostkey_dialog hostkey;
	struct prompt prompt;  /* a typed-input dialog, when prompt.purpose is set */
	struct runhost run;    /* the recovery run, when run.active */
	struct rb_track track; /* the old primary's WAL since the console started */
	char *resume_path;     /* the journal of an unfinished run offered for resuming */
	int overlay_dirty;     /* the help or the dialog changed: draw it again */
	char flash[64];        /* a brief word on the run ("note journaled"), until flash_until */
	int64_t flash_until;   /* monotonic ms */
	int too_small;
	int quit;
	struct agent **agents;
	struct localrun *local; /* commands of steps on the operator's side */
	struct site_status *snaps;
	struct verdict verdict;
	struct event_log events;
	struct theme theme;
	int wake[2];
	int eager;             /* the agents wake the loop on every round (during a run) */
	int first_rounds;      /* every site has had its first round: verdict changes are events */
	int64_t recorded_ms;   /* viewing a capture: the clock stays at its time */
	unsigned stale_inputs; /* the inputs that were stale at the last tick */
	struct logpipe *log;   /* stderr, cleaned into console.log */
	struct fencekeep keep; /* the fence kept in the state folder, armed at the agents */
	int keep_on;           /* keep is set up (the agents run) */
	int split_told;        /* a split brain the kept fence explains was told as an event */
	struct watchstate watch; /* the watcher, as last read (console_watch.c) */
	int watch_read;          /* watch was read at least once (a live console) */
	int watch_error;         /* the last read failed */
	int watch_seen;          /* a watcher was seen running during this console's life */
	struct runbook follow;   /* the watcher's run, rebuilt from its journal (console_follow.c) */
	int following;           /* follow holds a run */
	int follow_ended;        /* ... which the watcher no longer runs */
	char follow_run[128];    /* its run id */
	char follow_path[4096];  /* its journal */
	char follow_stamp[FILESTAMP_MAX];   /* the journal's size and mtime when last read */
	char follow_who[192];    /* whose run it is, from its run_started */
	int follow_mode;         /* drconsole --follow: read-only, no key changes anything */
	int follow_pinned;       /* --follow RUN: that run, whatever the watcher does */
	int review;              /* drconsole view --run: follow holds a run reviewed, its dialogs
	                            inert (console_review.c) */
	struct schedule_runs sched_runs; /* the runs read for the schedule (console_schedule.c) */
	struct schedule_due *sched_due;  /* each test, judged at the last read */
	struct view_schedule sched;      /* what the schedule panel shows */
	char sched_error[512];           /* why the runs could not be read */
	int sched_read;                  /* read at least once */
	int64_t sched_read_mono;         /* when last read (monotonic) */
	struct restoreproofs proofs;       /* the proven restores, as last read (console_proofs.c) */
	char proofs_stamp[FILESTAMP_MAX];  /* restores.json's identity when last read */
	char proofs_error[512];            /* why it cannot be read, or "" */
	int64_t proofs_read_mono;          /* when it was last looked at (monotonic) */
	const struct scenario *drill_pick; /* a drill picked, its mode being asked (console_drill.c) */
	int wash_done;                     /* the drill run's hot wash was journaled or skipped */
	char wash_well[256], wash_badly[256]; /* its answers so far */
};

/* The modes of the console's keys: one key table each (console_keys.c). */
enum console_keys_mode {
	CONSOLE_KEYS_VIEW,    /* the panels' keys, in every mode below that falls back to them */
	CONSOLE_KEYS_CONSOLE, /* no run going */
	CONSOLE_KEYS_RUN,
	CONSOLE_KEYS_DRILL,
	CONSOLE_KEYS_PICK,
	CONSOLE_KEYS_PICK_STEPS,
	CONSOLE_KEYS_DIALOG,
	CONSOLE_KEYS_HOSTKEY,
	CONSOLE_KEYS_HELP,
	CONSOLE_KEYS_FOLLOW,
	CONSOLE_KEYS_REVIEW, /* drconsole view --run */
	CONSOLE_KEYS_N
};

extern const struct keys_table console_keys_tables[CONSOLE_KEYS_N];

void console_key(struct console *c, int ch);
void console_keys_state(const struct console *c, struct keys_state *s);
const struct keys_table *console_keys_mode(const struct console *c);
const struct keys_table *console_keys_run(const struct console *c);
void console_layout(struct console *c);
void console_quit(struct console *c, const char *reason);
void console_hostkey_key(struct console *c, int ch);
void console_hostkey_reopen(struct console *c, int ch);
void console_dialog_key(struct console *c, int ch);
void console_view_quit(struct console *c, int ch);
void console_view_focus(struct console *c, int ch);
void console_view_scroll(struct console *c, int ch);
void console_view_repaint(struct console *c, int ch);
void console_view_layout(struct console *c, int ch);
void console_help_open(struct console *c, int ch);
void console_help_scroll(struct console *c, int ch);
void console_help_close(struct console *c, int ch);
void console_help_draw(struct console *c);
void console_pick_open(struct console *c, int ch);
void console_pick_move(struct console *c, int ch);
void console_pick_number(struct console *c, int ch);
void console_pick_enter(struct console *c, int ch);
void console_pick_back(struct console *c, int ch);
void console_pick_erase(struct console *c, int ch);
void console_pick_type(struct console *c, int ch);
void console_pick_draw(struct console *c);
void console_run_fence(struct console *c, int ch);
void console_run_confirm(struct console *c, int ch);
void console_run_done(struct console *c, int ch);
void console_run_override(struct console *c, int ch);
void console_run_attest(struct console *c, int ch);
void console_run_retry(struct console *c, int ch);
void console_run_skip(struct console *c, int ch);
void console_run_note(struct console *c, int ch);
void console_run_abort(struct console *c, int ch);
void console_drill_narrate(struct console *c, int ch);
void console_drill_inject(struct console *c, int ch);
void console_fence_now(struct console *c, int ch);
void console_fence_ask_disarm(struct console *c, int ch);
void console_dirty_all(struct console *c);
void console_mark(struct console *c, unsigned inputs);
int64_t console_now(const struct console *c);
void console_use_layout(struct console *c, const char *name);
void console_show_run(struct console *c);
void console_flash(struct console *c, const char *word);
void console_run_prompt(struct console *c, int ch);
void console_run_pump(struct console *c);
void console_run_offer_resume(struct console *c);
void console_run_ask_detach(struct console *c);
void console_fence_start(struct console *c);
void console_fence_tick(struct console *c);
int console_fence_split(const struct console *c);
void console_fence_prompt(struct console *c, int ch);
void console_fence_stop(struct console *c);
void console_watch_read(struct console *c);
void console_follow_read(struct console *c);
const char *console_follow_note(const struct console *c);
void console_follow_stop(struct console *c);
int console_follow_pin(struct console *c, const char *run, char **cause);
void console_schedule_read(struct console *c);
int console_review_load(struct console *c, const char *path, char **cause);
struct runbook *console_review_run(struct console *c);
void console_review_confirm(struct console *c, int ch);
void console_review_prompt(struct console *c, int ch);
void console_run_confirm_open(struct console *c, struct runbook *rb);
int console_run_start(struct console *c, const struct scenario *sc, const char *mode, char *note,
                      size_t len);
const char *console_drill_word(const struct console *c);
void console_drill_ask_mode(struct console *c, const struct scenario *sc);
void console_proofs_read(struct console *c);
const struct restoreproofs *console_proofs(const struct console *c);
int console_drill_begin(struct console *c, const struct scenario *sc, const char *mode);
int console_drill_answer(struct console *c, const char *typed);
void console_drill_cancel(struct console *c, enum prompt_purpose was);
void console_drill_pump(struct console *c);

#endif
