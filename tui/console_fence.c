/*
 * The fence kept in the state folder, in the console: its keeper
 * (fencekeep.h) runs from the moment the agents start, is ticked at every
 * pass of the loop, and takes the agents' finished operations while no run
 * does. A split brain that the kept fence explains is told once as an event
 * with its cause; f fences the old primary at once (outside a run too), F
 * disarms the kept fence after a deliberate failback, the site's name typed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "console.h"
#include "fencenote.h"
#include "fencestate.h"
#include "i18n.h"

/* Sets up the keeper on the console's agents (call once they run). */
void console_fence_start(struct console *c)
{
	fencekeep_init(&c->keep, &c->cat.cf, c->agents, &c->events, FENCESTATE_CONSOLE);
	c->keep_on = 1;
}

/*
 * Tells whether a split brain holds that the kept fence explains: the
 * verdict sees two primaries, and one is the site whose fence is kept.
 */
int console_fence_split(const struct console *c)
{
	const struct verdict_reason *r = verdict_top(&c->verdict);
	if (!c->keep_on || !fencekeep_armed(&c->keep) || r == NULL || r->kind != VERDICT_KIND_SPLIT)
		return 0;
	for (size_t i = 0; i < c->cat.cf.n_sites; i++)
		if (strcmp(c->cat.cf.sites[i].name, c->keep.st.site) == 0)
			return c->snaps[i].reachable &&
			       verdict_site_role(&c->snaps[i]) == PG_ROLE_PRIMARY;
	return 0;
}

/* Writes what the header and the events read of the keeper, to tell when it changed. */
static void fence_signature(const struct fencekeep *k, char *out, size_t len)
{
	snprintf(out, len, "%d|%d|%s|%s|%s|%llu|%u", k->known, k->st.armed, k->st.site,
	         k->st.arm.at, k->error, (unsigned long long)k->fired, k->now_id);
}

/* Tells, once per split brain, that the kept fence explains it: whose, armed when, by whom. */
static void fence_tell_split(struct console *c)
{
	if (!console_fence_split(c)) {
		c->split_told = 0;
		return;
	}
	if (c->split_told)
		return;
	c->split_told = 1;
	const struct fencestate *fs = &c->keep.st;
	char by[400];
	fencenote_by(&fs->arm.by, by, sizeof by);
	event_log_add(
	    &c->events, console_now(c), EVENT_CRITICAL, fs->site,
	    _("SPLIT BRAIN: %s is back writable while its fence is kept (armed %s by %s%s%s); "
	    "f fences it now"),
	    fs->site, fs->arm.at, by, fs->arm.by.run[0] ? _(", run ") : "", fs->arm.by.run);
}

/*
 * Keeps the fence armed (the run's own fence standing in while it arms one)
 * and, with no run going, takes the agents' finished operations; marks what
 * changed. Called at every pass of the loop.
 */
void console_fence_tick(struct console *c)
{
	char before[1024], after[1024];
	if (!c->keep_on)
		return;
	size_t events = c->events.n + c->events.dropped;
	fence_signature(&c->keep, before, sizeof before);
	fencekeep_tick(&c->keep, runhost_arms_fence(&c->run));
	if (!c->run.active)
		fencekeep_drain(&c->keep);
	fence_tell_split(c);
	fence_signature(&c->keep, after, sizeof after);
	unsigned in = strcmp(before, after) != 0 ? PANEL_IN_KEEP : 0;
	console_mark(c, in | (c->events.n + c->events.dropped != events ? PANEL_IN_EVENTS : 0));
}

/* Shows a notice (Enter or Esc closes it). */
static void fence_notice(struct console *c, const char *title, const char *text)
{
	prompt_open(&c->prompt, PROMPT_NOTICE, title, _("Enter or Esc closes"), "%s", text);
	c->overlay_dirty = 1;
}

/*
 * f: fences the kept fence's site now when a split brain it explains holds;
 * otherwise says why not (no fence kept, or the site is not writable: the
 * kept fence then fires on its own the moment it is).
 */
void console_fence_now(struct console *c, int ch)
{
	char why[512];
	(void)ch;
	if (!c->keep_on) {
		fence_notice(c, _("fence"),
		             _("Nothing is fenced from a capture: open the live console."));
		return;
	}
	if (fencekeep_armed(&c->keep) && !console_fence_split(c)) {
		snprintf(
		    why, sizeof why,
		    _("%s does not answer as a writable primary now: its kept fence fires on its "
		    "own the moment it does. f fences at once in a split brain."),
		    c->keep.st.site);
		fence_notice(c, _("fence"), why);
		return;
	}
	if (fencekeep_fire(&c->keep, why, sizeof why) == -1) {
		fence_notice(c, _("fence"), why);
		return;
	}
	event_log_add(&c->events, console_now(c), EVENT_WARNING, c->keep.st.site,
	              _("%s (f, on the operator's word)"), why);
	console_mark(c, PANEL_IN_EVENTS | PANEL_IN_KEEP);
}

/* F: asks for the fenced site's name to disarm the kept fence, or says why there is none. */
void console_fence_ask_disarm(struct console *c, int ch)
{
	(void)ch;
	const struct fencestate *fs = &c->keep.st;
	char by[400], label[96], why[512];
	if (!c->keep_on || !fencekeep_armed(&c->keep)) {
		snprintf(why, sizeof why, "%s%s",
		         !c->keep_on ? _("Nothing is disarmed from a capture: open the live console.")
		         : c->keep.error[0] ? _("The kept fence cannot be read: ")
		                            : _("No fence is kept: nothing to disarm."),
		         c->keep_on ? c->keep.error : "");
		fence_notice(c, _("disarm the kept fence"), why);
		return;
	}
	fencenote_by(&fs->arm.by, by, sizeof by);
	if (strlen(fs->site) + 20 < sizeof label)
		snprintf(label, sizeof label, _("type %.*s to disarm:"), (int)(sizeof label - 20),
		         fs->site);
	else /* never cut a name in two: the body says it whole */
		snprintf(label, sizeof label, _("type the site's name to disarm:"));
	prompt_open(&c->prompt, PROMPT_DISARM, _("disarm the kept fence"), label,
	            _("type %s to disarm the fence kept for %s (after a deliberate failback)\n\n"
	            "Armed %s by %s%s%s: %s.\nOnce disarmed, no console and no watcher fences %s "
	            "when it answers as a writable primary. Esc leaves it armed."),
	            fs->site, fs->site, fs->arm.at, by, fs->arm.by.run[0] ? _(", run ") : "",
	            fs->arm.by.run, fs->arm.reason[0] ? fs->arm.reason : _("no reason given"),
	            fs->site);
	c->overlay_dirty = 1;
}

/* Disarms the kept fence when typed is its site's name; says the outcome, which is an event too. */
static void fence_disarm(struct console *c, const char *typed)
{
	struct fencestate_by by;
	char site[sizeof c->keep.st.site], *cause = NULL;
	snprintf(site, sizeof site, "%s", c->keep.st.site);
	fencestate_by_me(&by, FENCESTATE_CONSOLE, "");
	if (fencestate_disarm(c->cat.cf.state_dir, typed, &by,
	                      "disarmed in the console after a deliberate failback",
	                      &cause) == -1) {
		if (strcmp(typed, site) != 0)
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         _("Refused: type exactly %s. The fence stays armed."), site);
		else
			snprintf(c->prompt.note, sizeof c->prompt.note, _("Not disarmed: %s."), cause);
		c->prompt.typed[0] = '\0';
		event_log_add(&c->events, console_now(c), EVENT_WARNING, site,
		              _("disarming the kept fence of %s refused: %s"), site, cause);
		free(cause);
		console_mark(c, PANEL_IN_EVENTS);
		return;
	}
	event_log_add(&c->events, console_now(c), EVENT_WARNING, site,
	              _("the kept fence of %s disarmed by %s@%s in this console (its name typed)"),
	              site, by.operator, by.host);
	c->keep.read_ms = clock_mono_ms() - FENCEKEEP_READ_MS; /* read again now: taken back */
	console_fence_tick(c);
	char text[512];
	snprintf(text, sizeof text,
	         _("The fence kept for %s is disarmed: no console and no watcher fences it any more "
	         "when it answers as a writable primary."),
	         site);
	fence_notice(c, _("fence disarmed"), text);
	console_mark(c, PANEL_IN_EVENTS | PANEL_IN_KEEP);
}

/* Handles a key while the disarm dialog is open. */
void console_fence_prompt(struct console *c, int ch)
{
	if (prompt_key(&c->prompt, ch) == PROMPT_ENTER)
		fence_disarm(c, c->prompt.typed);
	if (c->prompt.purpose == PROMPT_NONE)
		console_dirty_all(c);
	else
		c->overlay_dirty = 1;
}

/* Takes the armed fence back from its agent (before the agents stop). */
void console_fence_stop(struct console *c)
{
	if (c->keep_on)
		fencekeep_stop(&c->keep);
}
