/*
 * Drills in the console. A drill picked with s asks its mode, typed: live
 * (the steps act on the sites) or tabletop (nothing runs on any site); Esc
 * backs out. During a drill run i injects an event (journaled as inject,
 * told in the events panel); in a tabletop Enter on the current step asks
 * what the facilitator's team would do and how long it would take, journals
 * the answer as a note of that step, then marks it done (tabletop). When
 * the run ends, finished or aborted, the hot wash asks in turn what went
 * well, what did not, and one corrective action "what / owner / due"; it is
 * journaled as hotwash (Esc at any of the three journals it as skipped) and
 * the journal sealed again after it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "hotwash.h"
#include "i18n.h"
#include "utf8.h"

/* Returns the drill run going on (or ended, its hot wash due), or NULL. */
static struct runbook *drill_run(struct console *c)
{
	return console_drill_word(c) != NULL && c->run.phase == RUNHOST_RUNNING ? &c->run.rb : NULL;
}

/* Returns "DRILL" or "TABLETOP" while a drill's run is hosted, or NULL. */
const char *console_drill_word(const struct console *c)
{
	if (!c->run.active)
		return NULL;
	if ((c->run.mode != NULL && strcmp(c->run.mode, RUNHOST_TABLETOP) == 0) ||
	    (c->run.phase == RUNHOST_RUNNING && c->run.rb.tabletop))
		return _("TABLETOP");
	return c->run.mode != NULL ? _("DRILL") : NULL;
}

/* Asks the mode of the drill picked: live or tabletop. */
void console_drill_ask_mode(struct console *c, const struct scenario *sc)
{
	c->drill_pick = sc;
	prompt_open(&c->prompt, PROMPT_DRILL_MODE, _("drill"), _("type live or tabletop:"),
	            _("%s (%zu steps, estimated %lld min)\n\n"
	            "live: the steps act on the sites (the lab, or a staging pair).\n"
	            "tabletop: nothing runs on any site; each step is narrated and the "
	            "answers, injects and the hot wash are journaled.\n\nEsc backs out."),
	            sc->name, sc->n_steps, (long long)(sc->estimated_ms / 60000));
}

/* Opens the narration of a tabletop step: what would run, where, and the question. */
static void drill_narrate_open(struct console *c, const struct rb_step *st)
{
	char body[1600] = "";
	size_t n = 0;
	const struct action *a = st->plan->action;
	n += (size_t)snprintf(body + n, sizeof body - n, _("Step %zu of %zu: %s\n%s\n\n"),
	                      c->run.rb.current + 1, c->run.rb.n, a->name,
	                      st->plan->instruction ? st->plan->instruction
	                      : a->title            ? a->title
	                                            : "");
	for (size_t i = 0; i < st->plan->n_targets && n < sizeof body; i++)
		n += (size_t)snprintf(
		    body + n, sizeof body - n, _("Would run on %s: %s\n"),
		    st->plan->targets[i].site ? st->plan->targets[i].site->name : _("this jump host"),
		    st->plan->targets[i].command ? st->plan->targets[i].command : "?");
	if (n < sizeof body)
		snprintf(body + n, sizeof body - n, "%s",
		         _("\nNothing runs: the answer is journaled as a note of this step, "
		         "which is then marked done (tabletop)."));
	prompt_open(&c->prompt, PROMPT_NARRATE, _("tabletop"), _("what would you do (and how long)?"),
	            "%s", body);
}

/* i: asks the event to inject into the drill. */
void console_drill_inject(struct console *c, int ch)
{
	(void)ch;
	prompt_open(&c->prompt, PROMPT_INJECT, _("inject"), _("event:"), "%s",
	            _("An event injected into the drill (a new failure, a message, a "
	              "surprise): journaled and shown in the events."));
}

/* Enter in a tabletop: narrates the current step and asks what would be done. */
void console_drill_narrate(struct console *c, int ch)
{
	struct runbook *rb = drill_run(c);
	(void)ch;
	if (rb != NULL && rb->current < rb->n)
		drill_narrate_open(c, &rb->steps[rb->current]);
}

/* Starts the drill picked in the mode typed; 0 started, -1 with a note. */
static int drill_start(struct console *c, const char *typed)
{
	const char *mode = strcmp(typed, "live") == 0       ? RUNHOST_DRILL
	                   : strcmp(typed, "tabletop") == 0 ? RUNHOST_TABLETOP
	                                                    : NULL;
	if (mode == NULL) {
		snprintf(c->prompt.note, sizeof c->prompt.note,
		         _("Type live or tabletop, or Esc to back out."));
		return -1;
	}
	if (console_drill_begin(c, c->drill_pick, mode) == -1)
		return -1;
	c->drill_pick = NULL;
	return 0;
}

/* Starts a drill's run in mode (RUNHOST_DRILL or RUNHOST_TABLETOP); 0, or -1 with a note. */
int console_drill_begin(struct console *c, const struct scenario *sc, const char *mode)
{
	if (console_run_start(c, sc, mode, c->prompt.note, sizeof c->prompt.note) == -1)
		return -1;
	c->wash_done = 0;
	c->wash_well[0] = c->wash_badly[0] = '\0';
	return 0;
}

/* Journals and tells an injected event; 0 done, -1 with a note. */
static int drill_inject(struct console *c, struct runbook *rb, const char *typed)
{
	if (typed[0] == '\0') {
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Type the event, or Esc."));
		return -1;
	}
	const struct rb_step *st = rb->current < rb->n ? &rb->steps[rb->current] : NULL;
	int kept =
	    runbook_log(rb, "inject", json_pack("{s:o}", "text", utf8_json_string(typed)), st);
	event_log_add(&c->events, console_now(c), EVENT_INFO, NULL, _("inject: %s%s"), typed,
	              kept == -1 ? _(" (kept until the journal can be written)") : "");
	console_mark(c, PANEL_IN_EVENTS);
	return 0;
}

/* Reads the corrective action and journals the hot wash; 0 done, -1 with a note. */
static int drill_wash(struct console *c, struct runbook *rb, const char *typed)
{
	struct hotwash_action a;
	char *cause = NULL;
	if (hotwash_action_parse(typed, &a, &cause) == -1) {
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Not taken: %s."), cause);
		c->prompt.typed[0] = '\0';
		free(cause);
		return -1;
	}
	runbook_log(rb, "hotwash", hotwash_record(c->wash_well, c->wash_badly, &a), NULL);
	runhost_seal(&c->run);
	event_log_add(&c->events, console_now(c), EVENT_INFO, NULL,
	              _("hot wash journaled: %s (%s, due %s)"), a.what, a.owner, a.due);
	console_mark(c, PANEL_IN_EVENTS);
	hotwash_action_free(&a);
	c->wash_done = 1;
	return 0;
}

/*
 * Acts on the typed answer of a drill's dialog: 0 closes it, -1 keeps it
 * with a note, 1 keeps the dialog that was opened next.
 */
int console_drill_answer(struct console *c, const char *typed)
{
	struct runbook *rb = drill_run(c);
	switch (c->prompt.purpose) {
	case PROMPT_DRILL_MODE:
		return drill_start(c, typed);
	case PROMPT_NARRATE:
		if (rb == NULL || typed[0] == '\0') {
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         _("Say what you would do and how long it would take, or Esc."));
			return rb == NULL ? 0 : -1;
		}
		if (runbook_note(rb, typed) == -1) {
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         _("Not noted: the journal cannot be written. Esc leaves it."));
			return -1;
		}
		runbook_manual_done(rb);
		return 0;
	case PROMPT_INJECT:
		return rb != NULL ? drill_inject(c, rb, typed) : 0;
	case PROMPT_WASH_WELL:
		snprintf(c->wash_well, sizeof c->wash_well, "%s", typed);
		prompt_open(&c->prompt, PROMPT_WASH_BADLY, _("hot wash (2 of 3)"),
		            _("what did not go well:"), "%s",
		            _("What did not go well, or what was missing. Esc skips the hot wash."));
		return 1;
	case PROMPT_WASH_BADLY:
		snprintf(c->wash_badly, sizeof c->wash_badly, "%s", typed);
		prompt_open(&c->prompt, PROMPT_WASH_ACTION, _("hot wash (3 of 3)"),
		            _("what / owner / due (YYYY-MM-DD):"), "%s",
		            _("One corrective action, with who owns it and when it is due, e.g.\n"
		            "  test the restore of the newest backup / DBA팀 / 2026-12-31\n"
		            "Esc skips the hot wash."));
		return 1;
	case PROMPT_WASH_ACTION:
		return rb != NULL ? drill_wash(c, rb, typed) : 0;
	default:
		return 0;
	}
}

/* Handles Esc on a drill's dialog: a mode not chosen starts nothing; a hot wash is skipped. */
void console_drill_cancel(struct console *c, enum prompt_purpose was)
{
	struct runbook *rb = drill_run(c);
	if (was == PROMPT_DRILL_MODE)
		c->drill_pick = NULL;
	if ((was == PROMPT_WASH_WELL || was == PROMPT_WASH_BADLY || was == PROMPT_WASH_ACTION) &&
	    rb != NULL && !c->wash_done) {
		runbook_log(rb, "hotwash", hotwash_skipped(), NULL);
		runhost_seal(&c->run);
		c->wash_done = 1;
	}
}

/* Opens the hot wash once a drill's run has ended, when no other dialog is open. */
void console_drill_pump(struct console *c)
{
	struct runbook *rb = drill_run(c);
	if (rb == NULL || !rb->finished || c->wash_done || c->run.detached ||
	    c->prompt.purpose != PROMPT_NONE || c->hostkey.open)
		return;
	prompt_open(&c->prompt, PROMPT_WASH_WELL, _("hot wash (1 of 3)"), _("what went well:"),
	            _("The drill %s ended (%s). The hot wash: three answers, journaled with the run. "
	            "Esc skips it (journaled as skipped)."),
	            rb->scenario->name, rb->aborted ? _("aborted") : _("finished"));
	c->overlay_dirty = 1;
}
