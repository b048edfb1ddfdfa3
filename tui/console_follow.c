/*
 * The watcher's run shown live in the console, read-only: while watch.json
 * names a run, its journal is read again whenever it grew (looked at once a
 * second) and rebuilt by runbook_replay into a run the runbook panel draws.
 * Nothing is sent and nothing is written: the watcher runs it. Once the
 * watcher's run ends, its last state stays on screen, marked ended.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "diag.h"
#include "filestamp.h"
#include "journal.h"
#include "xmalloc.h"

/* Drops the run followed. */
static void follow_drop(struct console *c)
{
	if (c->following)
		runbook_free(&c->follow);
	c->following = 0;
	c->follow_path[0] = '\0';
	c->follow_stamp[0] = '\0';
}

/* Keeps whose run it is: the watcher, or the operator and host of its run_started. */
static void follow_who(struct console *c, const struct journal_records *recs)
{
	if (recs->n == 0)
		return;
	json_t *d = recs->items[0].data;
	const char *actor = journal_text(d, "actor", "");
	snprintf(c->follow_who, sizeof c->follow_who, "%s%s@%s%s",
	         strcmp(actor, "watch") == 0 ? "the watcher (" : "", journal_text(d, "operator", "?"),
	         journal_text(d, "host", "?"), strcmp(actor, "watch") == 0 ? ")" : "");
}

static void follow_load(struct console *c);

/* Reads the followed journal again when it changed since it was last read. */
static void follow_load_changed(struct console *c)
{
	char stamp[sizeof c->follow_stamp];
	filestamp_read(c->follow_path, 1, stamp, sizeof stamp);
	if (strcmp(stamp, c->follow_stamp) == 0)
		return;
	snprintf(c->follow_stamp, sizeof c->follow_stamp, "%s", stamp);
	follow_load(c);
}

/* Reads the followed journal again and rebuilds its run; a failure keeps what was shown. */
static void follow_load(struct console *c)
{
	struct journal_records recs;
	struct diag d;
	char *cause = NULL;
	memset(&recs, 0, sizeof recs);
	diag_init(&d);
	if (journal_read(c->follow_path, &recs, &d) == 0) {
		follow_who(c, &recs);
		struct runbook rb;
		struct rb_live live = {c->snaps, c->cat.cf.n_sites, NULL, NULL, NULL};
		if (runbook_replay(&rb, &c->cat, &recs, &live, &cause) == 0) {
			if (c->following)
				runbook_free(&c->follow);
			c->follow = rb;
			c->following = 1;
		}
		free(cause);
	}
	journal_records_free(&recs);
	diag_free(&d);
	console_mark(c, PANEL_IN_RUN);
}

/* Pins the run to follow (drconsole --follow RUN); -1 with *cause when it is not a run here. */
int console_follow_pin(struct console *c, const char *run, char **cause)
{
	char *path = NULL;
	if (journal_find(c->cat.cf.state_dir, run, &path, cause) == -1)
		return -1;
	char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(c->follow_run, sizeof c->follow_run, "%.*s",
	         (int)(strlen(base) > 6 ? strlen(base) - 6 : strlen(base)), base);
	snprintf(c->follow_path, sizeof c->follow_path, "%s", path);
	free(path);
	c->follow_pinned = 1;
	return 0;
}

/* Finds the run in progress for this config: one a console or the watcher holds now. */
static void follow_find_live(struct console *c)
{
	struct journal_runs runs;
	char *cause = NULL;
	if (c->watch_read && !c->watch_error && c->watch.running && c->watch.run[0] &&
	    console_follow_pin(c, c->watch.run, &cause) == 0)
		return;
	free(cause);
	cause = NULL;
	if (journal_unfinished(c->cat.cf.state_dir, &runs, &cause) == -1) {
		free(cause);
		return;
	}
	for (size_t i = 0; i < runs.n && c->follow_path[0] == '\0'; i++)
		if (runs.states[i] == JOURNAL_IS_LIVE) {
			char *name = xstrndup(runs.names[i], strlen(runs.names[i]) - 6);
			if (console_follow_pin(c, name, &cause) == -1)
				free(cause);
			free(name);
		}
	journal_runs_free(&runs);
}

/*
 * drconsole --follow: the pinned run (or the first live one found), read
 * again whenever its journal changed, whoever runs it now: it survives the
 * run's end and a console resuming it (the same journal goes on).
 */
static void follow_mode_read(struct console *c)
{
	if (c->follow_path[0] == '\0')
		follow_find_live(c);
	if (c->follow_path[0] == '\0')
		return;
	follow_load_changed(c);
}

/*
 * In follow mode, takes every key but those that only look (q, ?, Tab,
 * arrows, PgUp/PgDn, Ctrl-L, layouts): 1 when the key was taken (ignored).
 */
int console_follow_key(struct console *c, int ch)
{
	if (!c->follow_mode)
		return 0;
	switch (ch) {
	case 'q':
	case 'Q':
	case '?':
	case '\t':
	case KEY_UP:
	case KEY_DOWN:
	case KEY_PPAGE:
	case KEY_NPAGE:
	case KEY_RESIZE:
	case CONSOLE_CTRL('l'):
		return 0;
	default:
		return !(ch >= '1' && ch <= '9');
	}
}

/*
 * Follows the watcher's run (from the once-a-second tick, after
 * console_watch_read): the run under way named in watch.json, read again
 * whenever its journal grew; or, once over, its last run while it still
 * matters (the failover held, or the fence it left kept), read once more and
 * kept as ended. Dropped when the watcher watches again.
 */
void console_follow_read(struct console *c)
{
	if (c->recorded_ms != 0 || (c->agents == NULL && !c->follow_mode))
		return;
	if (c->follow_mode) {
		follow_mode_read(c);
		return;
	}
	int seen = c->watch_read && !c->watch_error && c->watch.running;
	int matters = seen && (strcmp(c->watch.state, "failed_over") == 0 ||
	                       strcmp(c->watch.state, "held") == 0);
	const char *run = seen && c->watch.run[0] ? c->watch.run : matters ? c->watch.last_run : "";
	int live = seen && c->watch.run[0] != '\0';
	if (run[0] == '\0') {
		if (c->follow_run[0] != '\0' && c->follow_ended) {
			console_follow_stop(c); /* no longer of interest */
			console_mark(c, PANEL_IN_RUN);
			return;
		}
		run = c->follow_run; /* the run just over: read a last time below */
	}
	if (run[0] == '\0')
		return;
	if (strcmp(run, c->follow_run) != 0) {
		char *path = NULL, *cause = NULL;
		follow_drop(c);
		if (journal_find(c->cat.cf.state_dir, run, &path, &cause) == -1) {
			free(cause);
			return; /* asked again at the next tick */
		}
		snprintf(c->follow_run, sizeof c->follow_run, "%s", run);
		snprintf(c->follow_path, sizeof c->follow_path, "%s", path);
		free(path);
		c->follow_ended = 0;
		if (!c->run.active)
			console_show_run(c); /* the runbook first, as for a run of its own */
	} else if (c->follow_ended) {
		return; /* read for the last time already */
	}
	if (c->follow_ended != !live)
		console_mark(c, PANEL_IN_RUN); /* its note changes */
	c->follow_ended = !live;
	follow_load_changed(c);
}

/* Returns the line that says whose run is shown, or NULL when none is followed. */
const char *console_follow_note(const struct console *c)
{
	static char note[400];
	if (c->follow_mode) {
		snprintf(note, sizeof note, "FOLLOWING run %s of %s: read-only%s",
		         c->follow_run[0] ? c->follow_run : "(none yet)", c->follow_who,
		         c->following && c->follow.finished ? " (the run is over)" : "");
		return c->following ? note : NULL;
	}
	if (!c->following)
		return NULL;
	return c->follow_ended ? "the watcher's run (ended; read from its journal)"
	                       : "the watcher's run, live and read-only: the watcher runs it";
}

/* Forgets the run followed (the console quits). */
void console_follow_stop(struct console *c)
{
	follow_drop(c);
	c->follow_run[0] = '\0';
}
