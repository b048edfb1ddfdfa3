/*
 * The recovery run in the console: s picks a scenario; Enter confirms the
 * current step (its dialog shows the site, host, role and the exact
 * command, and a typed confirmation takes the site's name); o overrides
 * failed guards (typing the guard's name), t attests that an unreachable old
 * primary is down (typing its name), r retries, k skips with a reason, d
 * marks an unknown step done after checking it by hand, n adds a note, a
 * aborts (typing "abort"), f fences an old primary that came back writable
 * (when fence_on_return is off). The panels keep refreshing under every dialog.
 */
#include "config.h"
#include "drillrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "probe_sql.h"
#include "rbkeys.h"
#include "verdict.h"

/* Returns the run, or NULL when none is going. */
static struct runbook *run_of(struct console *c)
{
	return c->run.active && c->run.phase == RUNHOST_RUNNING ? &c->run.rb : NULL;
}

/* Returns the current step of the run, or NULL. */
static struct rb_step *run_step(struct console *c)
{
	struct runbook *rb = run_of(c);
	return rb && !rb->finished && rb->current < rb->n ? &rb->steps[rb->current] : NULL;
}

/* Describes a site for a confirmation: name, configured role, host, and what it is now. */
static void run_site_text(struct console *c, const struct site *s, char *buf, size_t len)
{
	const char *as = s == conf_primary(&c->cat.cf) ? "primary site"
	                 : s == conf_dr(&c->cat.cf)    ? "DR site"
	                                               : "site";
	int i = conf_site_index(&c->cat.cf, s);
	const char *now = i < 0                   ? "?"
	                  : c->snaps[i].reachable ? verdict_role_name(verdict_site_role(&c->snaps[i]))
	                                          : "unreachable";
	snprintf(buf, len, "%s (%s), host %s, now %s", s->name, as, s->ssh.host, now);
}

/* Opens the confirmation of the current step, recording the live state it is checked against. */
static void run_confirm_open(struct console *c, struct rb_step *st)
{
	struct runbook *rb = run_of(c);
	char site[256] = "this jump host (the operator's side)", lsn[LSN_TEXT_MAX] = "?",
	     body[1800] = "";
	size_t n = 0;
	runbook_mark(rb);
	if (st->plan->n_targets > 0 && st->plan->targets[0].site != NULL)
		run_site_text(c, st->plan->targets[0].site, site, sizeof site);
	if (rb->mark.replay_lsn >= 0)
		lsn_format(rb->mark.replay_lsn, lsn, sizeof lsn);
	n += (size_t)snprintf(body + n, sizeof body - n, "Step %zu of %zu: %s\n%s\n\nSite: %s\n",
	                      rb->current + 1, rb->n, st->plan->action->name,
	                      st->plan->action->title ? st->plan->action->title : "", site);
	for (size_t i = 0; i < st->plan->n_targets && n < sizeof body; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "Runs: %s\n",
		                      st->plan->targets[i].command ? st->plan->targets[i].command
		                                                   : "?");
	if (n < sizeof body)
		snprintf(body + n, sizeof body - n,
		         "Checked again when you confirm: primary %s, timeline %lld%s%s.",
		         rb->mark.primary[0] ? rb->mark.primary : "none",
		         (long long)rb->mark.timeline, rb->mark.replay_lsn >= 0 ? ", replay " : "",
		         rb->mark.replay_lsn >= 0 ? lsn : "");
	int typed = st->plan->action->confirm == CONFIRM_TYPED;
	char label[96];
	snprintf(label, sizeof label, typed ? "type %s to run it:" : "Enter runs it, Esc cancels",
	         runbook_confirm_target(rb));
	prompt_open(&c->prompt, PROMPT_CONFIRM, "confirm the step", label, "%s", body);
}

/* Opens the list of scenarios to pick from. */
static void run_pick_open(struct console *c)
{
	char body[1800] = "";
	size_t n = 0;
	for (size_t i = 0; i < c->cat.scenarios.n && n < sizeof body; i++) {
		const struct scenario *sc = &c->cat.scenarios.items[i];
		n += (size_t)snprintf(body + n, sizeof body - n,
		                      "%zu. %s  (%zu steps, estimated %lld min)\n", i + 1, sc->name,
		                      sc->n_steps, (long long)(sc->estimated_ms / 60000));
	}
	for (size_t i = 0; i < c->cat.drill_runs.n && n < sizeof body; i++) {
		const struct scenario *sc = &c->cat.drill_runs.items[i];
		n += (size_t)snprintf(body + n, sizeof body - n,
		                      "%sD%zu. %s  (drill: %zu steps, estimated %lld min)\n",
		                      i == 0 ? "\nDrills (live or tabletop):\n" : "", i + 1, sc->name,
		                      sc->n_steps, (long long)(sc->estimated_ms / 60000));
	}
	prompt_open(&c->prompt, PROMPT_PICK, "recovery scenarios and drills",
	            "number or name (D<n>: a drill), then Enter:", "%s", body);
}

/* Opens the override of the current step's failed guards. */
static void run_override_open(struct console *c, struct rb_step *st)
{
	char body[1800] = "", first[64] = "";
	size_t n = 0;
	for (size_t i = 0; i < st->n_guards && n < sizeof body; i++) {
		if (st->guards[i].pass)
			continue;
		if (first[0] == '\0')
			snprintf(first, sizeof first, "%s", st->plan->action->guards[i]);
		n += (size_t)snprintf(body + n, sizeof body - n, "%s failed: %s\n",
		                      st->plan->action->guards[i], st->guards[i].evidence);
	}
	if (n < sizeof body)
		snprintf(body + n, sizeof body - n,
		         "\nOverriding is journaled. A promotion is still "
		         "refused while the old primary answers writable.");
	char label[96];
	snprintf(label, sizeof label, "type %s to override:", first);
	prompt_open(&c->prompt, PROMPT_OVERRIDE, "override guards", label, "%s", body);
}

/* Tells whether a key does something now, as the runbook's key line says. */
static int run_key_applies(const struct runbook *rb, const char *key)
{
	struct rbkeys_in in;
	struct rbkey keys[RBKEYS_MAX];
	rbkeys_read(rb, &in);
	return rbkeys_has(keys, rbkeys_list(&in, keys, RBKEYS_MAX), key);
}

/* Handles a run key; returns 1 when the key was the run's. */
int console_run_key(struct console *c, int ch)
{
	struct runbook *rb = run_of(c);
	struct rb_step *st = run_step(c);
	const struct site *p = conf_primary(&c->cat.cf);
	int starting = c->run.active && c->run.phase != RUNHOST_RUNNING;
	if (console_drill_key(c, ch)) {
		; /* i, and Enter in a tabletop */
	} else if (ch == 's' && c->agents != NULL && !starting && (rb == NULL || rb->finished)) {
		run_pick_open(c);
	} else if (ch == 'f' && rb != NULL && rb->split_brain) {
		runbook_fence_returned_now(
		    rb); /* the alarm's own key, when fence_on_return is off */
	} else if (st == NULL) {
		return 0;
	} else if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && st->state == RB_AWAITING) {
		if (st->plan->action->kind == ACTION_MANUAL)
			runbook_manual_done(rb);
		else
			run_confirm_open(c, st);
	} else if (ch == 'o' && st->state == RB_GUARDED) {
		run_override_open(c, st);
	} else if (ch == 't' && st->state == RB_GUARDED && p != NULL) {
		prompt_open(
		    &c->prompt, PROMPT_ATTEST, "attest the old primary is down", "type its name:",
		    "You attest that %s (%s) is down and will stay down: it cannot come back "
		    "as a primary. This is journaled with your name.",
		    p->name, p->ssh.host);
	} else if (ch == 'r') {
		runbook_retry(rb);
	} else if (ch == 'd' && run_key_applies(rb, "d")) {
		runbook_manual_done(rb);
	} else if (ch == 'k' && run_key_applies(rb, "k")) {
		prompt_open(&c->prompt, PROMPT_SKIP, "skip the step",
		            "reason:", "Skip %s? The reason is journaled.", st->plan->action->name);
	} else if (ch == 'n') {
		prompt_open(&c->prompt, PROMPT_NOTE, "note", "note:", "%s",
		            "A note for the journal and the report.");
	} else if (ch == 'a') {
		prompt_open(&c->prompt, PROMPT_ABORT, "abort the run", "type abort:",
		            "Abort %s? Steps already done stay done; nothing more is run.",
		            rb->scenario->name);
	} else {
		return 0;
	}
	c->overlay_dirty = 1;
	console_run_pump(c);
	return 1;
}

/*
 * Starts the picked scenario, or asks a drill's mode first (1: that dialog
 * is open); a note when it cannot.
 */
static int run_pick(struct console *c, const char *typed)
{
	const struct scenario *sc = drillrun_find(&c->cat, typed);
	if (sc == NULL) {
		snprintf(c->prompt.note, sizeof c->prompt.note, "No scenario '%s'.", typed);
		return -1;
	}
	if (drillrun_is_drill(&c->cat, sc)) {
		console_drill_ask_mode(c, sc);
		return 1;
	}
	return console_run_start(c, sc, NULL);
}

/*
 * Starts a run of sc, a drill's in mode (RUNHOST_DRILL or RUNHOST_TABLETOP,
 * or NULL), the runbook first on screen; -1 with a note when it cannot.
 */
int console_run_start(struct console *c, const struct scenario *sc, const char *mode)
{
	char *cause = NULL;
	runhost_stop(&c->run); /* the finished run before, if any */
	struct runhost_io io = {c->agents, c->local,  c->snaps, &c->track,           &c->events,
	                        c->keep_on ? &c->keep : NULL, NULL, mode, console_proofs(c)};
	if (runhost_start(&c->run, &c->cat, sc, &io, &cause) == -1) {
		snprintf(c->prompt.note, sizeof c->prompt.note, "Cannot start: %s", cause);
		free(cause);
		return -1;
	}
	console_show_run(c); /* the runbook first */
	return 0;
}

/* Resumes the unfinished run offered at start, when the operator typed resume. */
static int run_resume(struct console *c, const char *typed)
{
	char *cause = NULL;
	if (strcmp(typed, "resume") != 0) {
		snprintf(c->prompt.note, sizeof c->prompt.note, "Type resume, or Esc to leave it.");
		return -1;
	}
	struct runhost_io io = {c->agents, c->local,  c->snaps, &c->track,          &c->events,
	                        c->keep_on ? &c->keep : NULL, NULL, NULL, console_proofs(c)};
	if (runhost_resume(&c->run, &c->cat, c->resume_path, &io, &cause) == -1) {
		snprintf(c->prompt.note, sizeof c->prompt.note, "Cannot resume: %s", cause);
		free(cause);
		return -1;
	}
	console_show_run(c);
	return 0;
}

/* Counts the unfinished runs in the state folder besides the one offered (live ones included). */
static size_t run_others_unfinished(const struct console *c)
{
	struct journal_runs runs;
	char *cause = NULL;
	if (journal_unfinished(c->cat.cf.state_dir, &runs, &cause) == -1) {
		free(cause);
		return 0;
	}
	size_t n = runs.n > 0 ? runs.n - 1 : 0;
	journal_runs_free(&runs);
	return n;
}

/*
 * Looks for the newest unfinished run (crashed, or detached by a console
 * that quit) that no live console runs, judged from its whole journal, and
 * offers to resume it; the others are counted.
 */
void console_run_offer_resume(struct console *c)
{
	struct journal_records recs;
	struct diag d;
	char *path = NULL, *cause = NULL;
	memset(&recs, 0, sizeof recs);
	if (journal_resumable(c->cat.cf.state_dir, &path, &cause) == -1) {
		free(cause);
		return;
	}
	diag_init(&d);
	int rc = journal_read(path, &recs, &d);
	diag_free(&d);
	size_t done = 0, last = recs.n;
	for (size_t i = 0; i < recs.n; i++) {
		done += strcmp(recs.items[i].type, "step_finished") == 0 &&
		        strcmp(journal_text(recs.items[i].data, "result", ""), "failed") != 0;
		if (strcmp(recs.items[i].type, "run_sealed") != 0)
			last = i;
	}
	if (rc == 0 && recs.n > 0 && last < recs.n &&
	    strcmp(recs.items[0].type, "run_started") == 0) {
		size_t others = run_others_unfinished(c);
		c->resume_path = path;
		path = NULL;
		prompt_open(
		    &c->prompt, PROMPT_RESUME, "unfinished run", "type resume to carry on:",
		    "A run of %s started %s did not finish (%zu step%s done; last record: "
		    "%s).%s\n\n"
		    "Resuming picks it up at the step where it stopped; a step that was running "
		    "is checked before anything is run again. Esc leaves it "
		    "(drconsole journal list shows it%s).",
		    journal_text(recs.items[0].data, "scenario", "?"), recs.items[0].ts, done,
		    done == 1 ? "" : "s", recs.items[last].type,
		    strcmp(recs.items[last].type, "detached") == 0 ? " Its console quit." : "",
		    others > 0 ? ", and the other unfinished runs" : "");
	}
	journal_records_free(&recs);
	free(path);
}

/* Asks before quitting while a run goes on: it stays open, and says what stops. */
void console_run_ask_detach(struct console *c)
{
	struct runbook *rb = run_of(c);
	prompt_open(&c->prompt, PROMPT_DETACH, "quit during a run", "type quit to leave:",
	            "A run of %s is going on%s.\n\nQuitting stops watching the sites, timing the "
	            "run and fencing an old primary that comes back (unless another console or "
	            "the watcher does). Steps running on the sites go on under their deadlines. "
	            "The run stays open: start drconsole again to resume it. Its run locks are "
	            "given back. Esc stays; Ctrl-C again leaves.",
	            rb ? rb->scenario->name : (c->run.sc ? c->run.sc->name : "a scenario"),
	            rb ? "" : " (it is starting)");
	c->overlay_dirty = 1;
}

/* Acts on the typed answer of the dialog; 0 closes it. */
static int run_answer(struct console *c, const char *typed)
{
	struct runbook *rb = run_of(c);
	switch (c->prompt.purpose) {
	case PROMPT_PICK:
		return run_pick(c, typed);
	case PROMPT_CONFIRM:
		switch (runbook_confirm(rb, typed)) {
		case RB_CONFIRM_MISTYPED:
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         "Not confirmed: type exactly %s.", runbook_confirm_target(rb));
			c->prompt.typed[0] = '\0';
			return -1;
		case RB_CONFIRM_HELD:
			snprintf(
			    c->prompt.note, sizeof c->prompt.note, "%s",
			    "Not confirmed: the journal cannot be written (the runbook says why); "
			    "nothing runs until it can.");
			return -1;
		case RB_CONFIRM_CHANGED:
			run_confirm_open(c, &rb->steps[rb->current]);
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         "Refused: the primary, timeline or "
			         "replay position changed since the dialog opened. Check, then "
			         "confirm again.");
			return -1;
		default:
			return 0;
		}
	case PROMPT_OVERRIDE:
	case PROMPT_ATTEST:
		if ((c->prompt.purpose == PROMPT_OVERRIDE ? runbook_override(rb, typed)
		                                          : runbook_attest(rb, typed)) == 0)
			return 0;
		snprintf(c->prompt.note, sizeof c->prompt.note, "Not accepted: %s.",
		         c->prompt.label);
		return -1;
	case PROMPT_SKIP:
		if (runbook_skip(rb, typed) == 0)
			return 0;
		snprintf(c->prompt.note, sizeof c->prompt.note, "Give a reason.");
		return -1;
	case PROMPT_NOTE:
		if (runbook_note(rb, typed) == 0) {
			console_flash(c, "note journaled");
			return 0;
		}
		snprintf(c->prompt.note, sizeof c->prompt.note,
		         "Not noted: the journal cannot be written. Esc leaves it.");
		return -1;
	case PROMPT_RESUME:
		return run_resume(c, typed);
	case PROMPT_TAKEOVER:
		if (runhost_takeover(&c->run, typed) == 0)
			return 0;
		snprintf(c->prompt.note, sizeof c->prompt.note, "Not taken over: type takeover.");
		return -1;
	case PROMPT_UNLOCKED:
		if (runhost_start_unlocked(&c->run, typed) == 0) {
			console_show_run(c);
			return 0;
		}
		snprintf(c->prompt.note, sizeof c->prompt.note, "Not started: type start.");
		return -1;
	case PROMPT_DETACH:
		if (strcmp(typed, "quit") != 0) {
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         "Type quit, or Esc to stay.");
			return -1;
		}
		runhost_detach(&c->run, "the operator quit");
		c->quit = 1;
		return 0;
	case PROMPT_ABORT:
		if (strcmp(typed, "abort") == 0) {
			runbook_abort(rb, "aborted by the operator");
			return 0;
		}
		snprintf(c->prompt.note, sizeof c->prompt.note, "Not aborted: type abort.");
		return -1;
	default:
		return console_drill_answer(c, typed);
	}
}

/* Handles a key while a run dialog is open. */
void console_run_prompt(struct console *c, int ch)
{
	enum prompt_purpose was = c->prompt.purpose;
	enum prompt_answer a = prompt_key(&c->prompt, ch);
	if (a == PROMPT_ENTER && run_answer(c, c->prompt.typed) == 0)
		c->prompt.purpose = PROMPT_NONE;
	else if (a == PROMPT_ENTER)
		c->prompt.typed[0] = '\0'; /* refused: the note says why; the field starts again */
	if (a == PROMPT_CANCEL && (was == PROMPT_TAKEOVER || was == PROMPT_UNLOCKED))
		runhost_stop(&c->run); /* the lock is left to its holder: no run */
	if (a == PROMPT_CANCEL)
		console_drill_cancel(c, was);
	if (c->prompt.purpose == PROMPT_NONE)
		console_dirty_all(c);
	else
		c->overlay_dirty = 1;
	console_run_pump(c);
}

/* Says why a run cannot start (the DR site's lock), offering a takeover when its holder may be
 * gone. */
static void run_lock_dialogs(struct console *c)
{
	if (c->prompt.purpose != PROMPT_NONE)
		return;
	if (c->run.phase == RUNHOST_HELD) {
		prompt_open(
		    &c->prompt, PROMPT_TAKEOVER, "run lock held", "type takeover to take it:",
		    "%s.\n\nTake it over only if you know that run is over. The takeover is "
		    "journaled; Esc leaves the lock to its holder.",
		    c->run.notice);
		c->overlay_dirty = 1;
	} else if (c->run.phase == RUNHOST_UNREACHABLE) {
		const struct site *dr = conf_dr(&c->cat.cf);
		prompt_open(
		    &c->prompt, PROMPT_UNLOCKED, "DR site not answering",
		    "type start to run without its lock:",
		    "%s does not answer (%s): its run lock cannot be taken now.\n\nStarting "
		    "without it is journaled, and the lock is taken as soon as the site "
		    "answers; until then a console on another jump host is not kept out. "
		    "Esc: no run.",
		    dr ? dr->name : "The DR site", c->run.notice);
		c->overlay_dirty = 1;
	} else if (c->run.phase == RUNHOST_REFUSED) {
		prompt_open(&c->prompt, PROMPT_NOTICE, "no run", "Enter or Esc closes", "%s",
		            c->run.notice);
		runhost_stop(&c->run);
		c->overlay_dirty = 1;
	}
}

/*
 * Delivers results to the run and gives it the live snapshots; marks the
 * runbook panel, and the events panel when the run told of a split brain or
 * a fence.
 */
void console_run_pump(struct console *c)
{
	if (!c->run.active)
		return;
	size_t events = c->events.n + c->events.dropped;
	console_proofs_read(c); /* a restore test's proof, as soon as it is kept */
	c->run.proofs = console_proofs(c);
	runhost_pump(&c->run, c->snaps, c->cat.cf.n_sites);
	runhost_pump(&c->run, c->snaps, c->cat.cf.n_sites); /* results computed during the first */
	run_lock_dialogs(c);
	console_drill_pump(c);
	console_mark(c, PANEL_IN_RUN |
	                    (c->events.n + c->events.dropped != events ? PANEL_IN_EVENTS : 0));
}
