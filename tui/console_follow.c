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
#include <sys/stat.h>

#include "console.h"
#include "diag.h"
#include "journal.h"

/* Writes a file's identity (size and mtime) into out; "" when it cannot be seen. */
static void follow_stamp(const char *path, char *out, size_t len)
{
	struct stat sb;
	if (stat(path, &sb) == -1)
		out[0] = '\0';
	else
		snprintf(out, len, "%lld %lld.%09ld", (long long)sb.st_size,
		         (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
}

/* Drops the run followed. */
static void follow_drop(struct console *c)
{
	if (c->following)
		runbook_free(&c->follow);
	c->following = 0;
	c->follow_path[0] = '\0';
	c->follow_stamp[0] = '\0';
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
		struct runbook rb;
		struct rb_live live = {c->snaps, c->cat.cf.n_sites, NULL, NULL};
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

/*
 * Follows the watcher's run (from the once-a-second tick, after
 * console_watch_read): the run under way named in watch.json, read again
 * whenever its journal grew; or, once over, its last run while it still
 * matters (the failover held, or the fence it left kept), read once more and
 * kept as ended. Dropped when the watcher watches again.
 */
void console_follow_read(struct console *c)
{
	if (c->agents == NULL)
		return;
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
			console_use_layout(c, "incident"); /* the runbook first, as for a run of its own */
	} else if (c->follow_ended) {
		return; /* read for the last time already */
	}
	if (c->follow_ended != !live)
		console_mark(c, PANEL_IN_RUN); /* its note changes */
	c->follow_ended = !live;
	char stamp[sizeof c->follow_stamp];
	follow_stamp(c->follow_path, stamp, sizeof stamp);
	if (strcmp(stamp, c->follow_stamp) == 0)
		return;
	snprintf(c->follow_stamp, sizeof c->follow_stamp, "%s", stamp);
	follow_load(c);
}

/* Returns the line that says whose run is shown, or NULL when none is followed. */
const char *console_follow_note(const struct console *c)
{
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
