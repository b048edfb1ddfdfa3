/*
 * The watcher seen from the console: whether "drconsole watch" runs for
 * this state folder, read from the loop's one-second tick (never at every
 * frame). A watcher seen running and then gone is an event, and stays a
 * warning in the header for the rest of this console's life.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "i18n.h"

/* Tells whether two reads of the watcher differ in what the header shows. */
static int watch_differs(const struct watchstate *a, const struct watchstate *b)
{
	return a->present != b->present || a->running != b->running || a->pid != b->pid ||
	       strcmp(a->mode, b->mode) != 0 || strcmp(a->state, b->state) != 0 ||
	       strcmp(a->last_check, b->last_check) != 0 || strcmp(a->since, b->since) != 0;
}

/* Tells the watcher's coming and going as events (not at the first read: that is no change). */
static void watch_tell(struct console *c, const struct watchstate *was,
                       const struct watchstate *now)
{
	if (!c->watch_read || c->watch_error || was->running == now->running)
		return;
	if (now->running && now->present)
		event_log_add(&c->events, console_now(c), EVENT_INFO, "",
		              _("the watcher runs (%s, pid %d on %s)"), now->mode, now->pid,
		              now->host);
	else if (now->running)
		event_log_add(&c->events, console_now(c), EVENT_INFO, "", _("the watcher runs"));
	else
		event_log_add(&c->events, console_now(c), EVENT_WARNING, "",
		              _("the watcher stopped (pid %d on %s): nothing watches the sites but "
		              "the consoles"),
		              was->pid, was->host[0] ? was->host : "?");
	console_mark(c, PANEL_IN_EVENTS);
}

/* Reads the watcher's presence for the header (from the once-a-second tick of a live console). */
void console_watch_read(struct console *c)
{
	struct watchstate ws;
	char *cause = NULL;
	if (c->recorded_ms != 0 || (c->agents == NULL && !c->follow_mode))
		return; /* a capture: no watcher to tell of */
	int error = watchstate_read(c->cat.cf.state_dir, &ws, &cause) == -1;
	free(cause);
	if (error)
		memset(&ws, 0, sizeof ws);
	else
		watch_tell(c, &c->watch, &ws);
	if (!c->watch_read || error != c->watch_error || watch_differs(&c->watch, &ws))
		console_mark(c, PANEL_IN_KEEP);
	c->watch_seen |= ws.running;
	c->watch = ws;
	c->watch_error = error;
	c->watch_read = 1;
}
