/*
 * The recovery run in the console, the functions its keys call (bound in
 * console_keys.c, which says when each applies): Enter confirms the
 * current step (its dialog shows the site, host, role and the exact
 * command, and a typed confirmation takes the site's name); o overrides
 * failed guards (typing the guard's name), t attests that an unreachable old
 * primary is down (typing its name), r retries, k skips with a reason, d
 * marks an unknown step done after checking it by hand, n adds a note, a
 * aborts (typing "abort"), f fences an old primary that came back writable
 * (when fence_on_return is off). The panels keep refreshing under every dialog.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "i18n.h"
#include "probe_sql.h"
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
	const char *as = s == conf_primary(&c->cat.cf) ? _("primary site")
	                 : s == conf_dr(&c->cat.cf)    ? _("DR site")
	                                               : _("site");
	int i = conf_site_index(&c->cat.cf, s);
	const char *now = i < 0                   ? "?"
	                  : c->snaps[i].reachable ? _(verdict_role_name(verdict_site_role(&c->snaps[i])))
	                                          : _("unreachable");
	snprintf(buf, len, _("%s (%s), host %s, now %s"), s->name, as, s->ssh.host, now);
}

/*
 * Opens the confirmation of the current step, recording the live state it is
 * checked against. Keys typed ahead (a second Enter, a paste, keys sent
 * before a slow link drew the dialog) are dropped: the dialog is answered
 * only by keys pressed after it could be seen.
 */
static void run_confirm_open(struct console *c, struct runbook *rb, struct rb_step *st)
{
	char site[256], lsn[LSN_TEXT_MAX] = "?", body[1800] = "";
	size_t n = 0;
	flushinp();
	snprintf(site, sizeof site, "%s", _("this jump host (the operator's side)"));
	runbook_mark(rb);
	if (st->plan->n_targets > 0 && st->plan->targets[0].site != NULL)
		run_site_text(c, st->plan->targets[0].site, site, sizeof site);
	if (rb->mark.replay_lsn >= 0)
		lsn_format(rb->mark.replay_lsn, lsn, sizeof lsn);
	n += (size_t)snprintf(body + n, sizeof body - n, _("Step %zu of %zu: %s\n%s\n\nSite: %s\n"),
	                      rb->current + 1, rb->n, st->plan->action->name,
	                      st->plan->action->title ? st->plan->action->title : "", site);
	for (size_t i = 0; i < st->plan->n_targets && n < sizeof body; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, _("Runs: %s\n"),
		                      st->plan->targets[i].command ? st->plan->targets[i].command
		                                                   : "?");
	if (n < sizeof body)
		snprintf(body + n, sizeof body - n,
		         _("Checked again when you confirm: primary %s, timeline %lld%s%s."),
		         rb->mark.primary[0] ? rb->mark.primary : _("none"),
		         (long long)rb->mark.timeline, rb->mark.replay_lsn >= 0 ? _(", replay ") : "",
		         rb->mark.replay_lsn >= 0 ? lsn : "");
	int typed = st->plan->action->confirm == CONFIRM_TYPED;
	char label[96];
	snprintf(label, sizeof label, typed ? _("type %s to run it:") : _("Enter runs it, Esc cancels"),
	         runbook_confirm_target(rb));
	prompt_open(&c->prompt, PROMPT_CONFIRM, _("confirm the step"), label, "%s", body);
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
		n += (size_t)snprintf(body + n, sizeof body - n, _("%s failed: %s\n"),
		                      st->plan->action->guards[i], st->guards[i].evidence);
	}
	if (n < sizeof body)
		snprintf(body + n, sizeof body - n,
		         _("\nOverriding is journaled. A promotion is still "
		         "refused while the old primary answers writable."));
	char label[96];
	snprintf(label, sizeof label, _("type %s to override:"), first);
	prompt_open(&c->prompt, PROMPT_OVERRIDE, _("override guards"), label, "%s", body);
}

/* f: fences the old primary that came back writable, when fence_on_return is off. */
void console_run_fence(struct console *c, int ch)
{
	(void)ch;
	runbook_fence_returned_now(run_of(c));
}

/* Enter: opens the current step's confirmation. */
void console_run_confirm(struct console *c, int ch)
{
	(void)ch;
	run_confirm_open(c, run_of(c), run_step(c));
}

/* Opens the confirmation of a run's current step, when one awaits it (a run reviewed too). */
void console_run_confirm_open(struct console *c, struct runbook *rb)
{
	if (rb != NULL && !rb->finished && rb->current < rb->n)
		run_confirm_open(c, rb, &rb->steps[rb->current]);
}

/* d (or Enter on a manual step): marks the current step done. */
void console_run_done(struct console *c, int ch)
{
	(void)ch;
	runbook_manual_done(run_of(c));
}

/* o: asks for the name of the first failed guard, to override the failed guards. */
void console_run_override(struct console *c, int ch)
{
	(void)ch;
	run_override_open(c, run_step(c));
}

/* t: asks for the old primary's name, to attest it is down. */
void console_run_attest(struct console *c, int ch)
{
	const struct site *p = conf_primary(&c->cat.cf);
	(void)ch;
	if (p == NULL)
		return;
	prompt_open(&c->prompt, PROMPT_ATTEST, _("attest the old primary is down"), _("type its name:"),
	            _("You attest that %s (%s) is down and will stay down: it cannot come back "
	              "as a primary. This is journaled with your name."),
	            p->name, p->ssh.host);
}

/* r: runs the current step again. */
void console_run_retry(struct console *c, int ch)
{
	(void)ch;
	runbook_retry(run_of(c));
}

/* k: asks the reason to skip the current step. */
void console_run_skip(struct console *c, int ch)
{
	(void)ch;
	prompt_open(&c->prompt, PROMPT_SKIP, _("skip the step"), _("reason:"),
	            _("Skip %s? The reason is journaled."), run_step(c)->plan->action->name);
}

/* n: asks a note for the journal. */
void console_run_note(struct console *c, int ch)
{
	(void)ch;
	prompt_open(&c->prompt, PROMPT_NOTE, _("note"), _("note:"), "%s",
	            _("A note for the journal and the report."));
}

/* a: asks to type abort. */
void console_run_abort(struct console *c, int ch)
{
	(void)ch;
	prompt_open(&c->prompt, PROMPT_ABORT, _("abort the run"), _("type abort:"),
	            _("Abort %s? Steps already done stay done; nothing more is run."),
	            run_of(c)->scenario->name);
}

/*
 * Starts a run of sc, a drill's in mode (RUNHOST_DRILL or RUNHOST_TABLETOP,
 * or NULL), the runbook first on screen, the picker closed; -1 with a note
 * (into note) when it cannot.
 */
int console_run_start(struct console *c, const struct scenario *sc, const char *mode, char *note,
                      size_t len)
{
	char *cause = NULL;
	runhost_stop(&c->run); /* the finished run before, if any */
	struct runhost_io io = {c->agents, c->local,  c->snaps, &c->track,           &c->events,
	                        c->keep_on ? &c->keep : NULL, NULL, mode, console_proofs(c)};
	if (runhost_start(&c->run, &c->cat, sc, &io, &cause) == -1) {
		snprintf(note, len, _("Cannot start: %s"), cause);
		free(cause);
		return -1;
	}
	c->pick_on = 0;
	console_show_run(c); /* the runbook first */
	return 0;
}

/* Resumes the unfinished run offered at start, when the operator typed resume. */
static int run_resume(struct console *c, const char *typed)
{
	char *cause = NULL;
	if (strcmp(typed, "resume") != 0) {
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Type resume, or Esc to leave it."));
		return -1;
	}
	struct runhost_io io = {c->agents, c->local,  c->snaps, &c->track,          &c->events,
	                        c->keep_on ? &c->keep : NULL, NULL, NULL, console_proofs(c)};
	if (runhost_resume(&c->run, &c->cat, c->resume_path, &io, &cause) == -1) {
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Cannot resume: %s"), cause);
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
		    &c->prompt, PROMPT_RESUME, _("unfinished run"), _("type resume to carry on:"),
		    _("A run of %s started %s did not finish (%zu step%s done; last record: "
		    "%s).%s\n\n"
		    "Resuming picks it up at the step where it stopped; a step that was running "
		    "is checked before anything is run again. Esc leaves it "
		    "(drconsole journal list shows it%s)."),
		    journal_text(recs.items[0].data, "scenario", "?"), recs.items[0].ts, done,
		    done == 1 ? "" : "s", recs.items[last].type,
		    strcmp(recs.items[last].type, "detached") == 0 ? _(" Its console quit.") : "",
		    others > 0 ? _(", and the other unfinished runs") : "");
	}
	journal_records_free(&recs);
	free(path);
}

/* Asks before quitting while a run goes on: it stays open, and says what stops. */
void console_run_ask_detach(struct console *c)
{
	struct runbook *rb = run_of(c);
	prompt_open(&c->prompt, PROMPT_DETACH, _("quit during a run"), _("type quit to leave:"),
	            _("A run of %s is going on%s.\n\nQuitting stops watching the sites, timing the "
	            "run and fencing an old primary that comes back (unless another console or "
	            "the watcher does). Steps running on the sites go on under their deadlines. "
	            "The run stays open: start drconsole again to resume it. Its run locks are "
	            "given back. Esc stays; Ctrl-C again leaves."),
	            rb ? rb->scenario->name : (c->run.sc ? c->run.sc->name : _("a scenario")),
	            rb ? "" : _(" (it is starting)"));
	c->overlay_dirty = 1;
}

/* Acts on the typed answer of the dialog; 0 closes it. */
static int run_answer(struct console *c, const char *typed)
{
	struct runbook *rb = run_of(c);
	switch (c->prompt.purpose) {
	case PROMPT_CONFIRM:
		switch (runbook_confirm(rb, typed)) {
		case RB_CONFIRM_MISTYPED:
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         _("Not confirmed: type exactly %s."), runbook_confirm_target(rb));
			c->prompt.typed[0] = '\0';
			return -1;
		case RB_CONFIRM_HELD:
			snprintf(
			    c->prompt.note, sizeof c->prompt.note, "%s",
			    _("Not confirmed: the journal cannot be written (the runbook says why); "
			    "nothing runs until it can."));
			return -1;
		case RB_CONFIRM_CHANGED:
			run_confirm_open(c, rb, &rb->steps[rb->current]);
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         _("Refused: the primary, timeline or "
			         "replay position changed since the dialog opened. Check, then "
			         "confirm again."));
			return -1;
		default:
			return 0;
		}
	case PROMPT_OVERRIDE:
	case PROMPT_ATTEST:
		if ((c->prompt.purpose == PROMPT_OVERRIDE ? runbook_override(rb, typed)
		                                          : runbook_attest(rb, typed)) == 0)
			return 0;
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Not accepted: %s."),
		         c->prompt.label);
		return -1;
	case PROMPT_SKIP:
		if (runbook_skip(rb, typed) == 0)
			return 0;
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Give a reason."));
		return -1;
	case PROMPT_NOTE:
		if (runbook_note(rb, typed) == 0) {
			console_flash(c, _("note journaled"));
			return 0;
		}
		snprintf(c->prompt.note, sizeof c->prompt.note,
		         _("Not noted: the journal cannot be written. Esc leaves it."));
		return -1;
	case PROMPT_RESUME:
		return run_resume(c, typed);
	case PROMPT_TAKEOVER:
		if (runhost_takeover(&c->run, typed) == 0)
			return 0;
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Not taken over: type takeover."));
		return -1;
	case PROMPT_UNLOCKED:
		if (runhost_start_unlocked(&c->run, typed) == 0) {
			console_show_run(c);
			return 0;
		}
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Not started: type start."));
		return -1;
	case PROMPT_DETACH:
		if (strcmp(typed, "quit") != 0) {
			snprintf(c->prompt.note, sizeof c->prompt.note,
			         _("Type quit, or Esc to stay."));
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
		snprintf(c->prompt.note, sizeof c->prompt.note, _("Not aborted: type abort."));
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
		    &c->prompt, PROMPT_TAKEOVER, _("run lock held"), _("type takeover to take it:"),
		    _("%s.\n\nTake it over only if you know that run is over. The takeover is "
		    "journaled; Esc leaves the lock to its holder."),
		    c->run.notice);
		c->overlay_dirty = 1;
	} else if (c->run.phase == RUNHOST_UNREACHABLE) {
		const struct site *dr = conf_dr(&c->cat.cf);
		prompt_open(
		    &c->prompt, PROMPT_UNLOCKED, _("DR site not answering"),
		    _("type start to run without its lock:"),
		    _("%s does not answer (%s): its run lock cannot be taken now.\n\nStarting "
		    "without it is journaled, and the lock is taken as soon as the site "
		    "answers; until then a console on another jump host is not kept out. "
		    "Esc: no run."),
		    dr ? dr->name : _("The DR site"), c->run.notice);
		c->overlay_dirty = 1;
	} else if (c->run.phase == RUNHOST_REFUSED) {
		prompt_open(&c->prompt, PROMPT_NOTICE, _("no run"), _("Enter or Esc closes"), "%s",
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
