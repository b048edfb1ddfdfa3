/*
 * The runbook panel: the run's scenario and its timer against the estimated
 * time (amber when the projected finish overruns, red once the time is
 * gone), then every step with its state glyph, its time against its
 * estimate and why it stands where it stands; under the current step its
 * guards with their evidence, the exact command, and the tail of its output.
 * A split-brain alarm comes first, in red, for as long as it holds. A drill
 * run says DRILL or TABLETOP on the first line; in a tabletop the current
 * step says what would run, and where.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "bytes.h"
#include "duration.h"
#include "panel.h"
#include "runbook.h"

/* Returns a step state's glyph. */
static const char *runbook_glyph(const struct theme *t, enum rb_state s)
{
	static const char *const u[] = {"·", "!", "?", "▶", "…", "✓", "✗", "↷", "?"};
	static const char *const a[] = {".", "!", "?", ">", "~", "+", "x", "-", "?"};
	return theme_glyph(t, u[s], a[s]);
}

/* Returns the role a step state is drawn in. */
static enum theme_role runbook_role(enum rb_state s)
{
	switch (s) {
	case RB_DONE:
		return THEME_OK;
	case RB_FAILED:
	case RB_UNKNOWN:
		return THEME_CRIT;
	case RB_GUARDED:
	case RB_AWAITING:
		return THEME_WARN;
	case RB_PENDING:
	case RB_SKIPPED:
		return THEME_DIM;
	default:
		return THEME_TITLE;
	}
}

/* Writes "m:ss" of a duration. */
static const char *runbook_clock(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;
	snprintf(buf, len, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
	return buf;
}

/* Draws the run's heading: scenario, elapsed against the estimate, projected finish. */
static int runbook_heading(WINDOW *w, int y, int wd, const struct view *v, const struct runbook *rb)
{
	const struct theme *t = v->theme;
	char e[16], b[16], p[16];
	enum rb_timer_level lvl = runbook_timer_level(rb);
	enum theme_role r = lvl == RB_TIMER_RED     ? THEME_CRIT
	                    : lvl == RB_TIMER_AMBER ? THEME_WARN
	                                            : THEME_OK;
	if (rb->split_brain)
		draw_textf(w, y++, 1, wd - 2, theme_attr(t, THEME_CRIT) | A_BOLD, "%s%s", rb->alarm,
		           rb->fence_request     ? ": fencing it"
		           : rb->fence_on_return ? ""
		                                 : ": f fences it");
	if (rb->stop[0])
		y += draw_wrap(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT) | A_BOLD, rb->stop);
	else if (rb->held)
		y += draw_wrap(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT) | A_BOLD,
		               rb->broken
		                   ? "JOURNAL: a record could not be built: the run is stopped; "
		                     "a aborts it"
		                   : "JOURNAL CANNOT BE WRITTEN: the run is held; nothing is "
		                     "sent and nothing is confirmed until it can be written");
	if (rb->held && !rb->stop[0] && v->journal_error != NULL)
		y += draw_wrap(w, y, 3, wd - 4, theme_attr(t, THEME_CRIT), v->journal_error);
	draw_textf(w, y++, 1, wd - 2, theme_attr(t, r), "%s  %s of %s, projected %s%s",
	           rb->scenario->name, runbook_clock(runbook_elapsed_ms(rb), e, sizeof e),
	           runbook_clock(rb->scenario->estimated_ms, b, sizeof b),
	           runbook_clock(runbook_projected_ms(rb), p, sizeof p),
	           rb->aborted    ? "  (aborted)"
	           : rb->finished ? "  (finished)"
	                          : "");
	return y;
}

/* Draws the last lines (at most most) of a tail, each after mark; returns the next line. */
static int runbook_tail_lines(WINDOW *w, int y, int wd, const struct view *v, const char *tail,
                              const char *mark, int most)
{
	const char *nl;
	int lines = 0;
	for (const char *p = tail; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		lines++;
	for (; lines > most && (nl = strchr(tail, '\n')) != NULL; lines--)
		tail = nl + 1;
	for (const char *p = tail; *p != '\0'; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		char line[256];
		snprintf(line, sizeof line, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
		draw_textf(w, y++, 5, wd - 6, theme_attr(v->theme, THEME_DIM), "%s %s", mark, line);
	}
	return y;
}

/* Draws what a tabletop step would run, and on which site: nothing runs. */
static int runbook_narrate(WINDOW *w, int y, int wd, const struct view *v, const struct rb_step *st)
{
	const struct action *a = st->plan->action;
	for (size_t i = 0; i < st->plan->n_targets; i++) {
		const struct plan_target *pt = &st->plan->targets[i];
		y += draw_wrap(w, y, 5, wd - 6, theme_attr(v->theme, THEME_NORMAL),
		               pt->command  ? pt->command
		               : a->builtin ? a->builtin
		                            : "?");
		draw_textf(w, y++, 5, wd - 6, theme_attr(v->theme, THEME_DIM),
		           "would run %s%s%s, not run: a tabletop", a->builtin ? "(built-in) " : "",
		           pt->site ? "on " : "on this jump host", pt->site ? pt->site->name : "");
	}
	if (st->plan->instruction != NULL && a->kind == ACTION_MANUAL)
		y += draw_wrap(w, y, 5, wd - 6, theme_attr(v->theme, THEME_NORMAL),
		               st->plan->instruction);
	return y;
}

/* Draws the current step's guards, command and output tail. */
static int runbook_detail(WINDOW *w, int y, int wd, const struct view *v, const struct rb_step *st)
{
	const struct theme *t = v->theme;
	for (size_t i = 0; i < st->n_guards; i++)
		draw_textf(
		    w, y++, 5, wd - 6, theme_attr(t, st->guards[i].pass ? THEME_OK : THEME_CRIT),
		    "%s %s: %s",
		    theme_glyph(t, st->guards[i].pass ? "✓" : "✗", st->guards[i].pass ? "+" : "x"),
		    st->plan->action->guards[i], st->guards[i].evidence);
	if (v->run->tabletop)
		return runbook_narrate(w, y, wd, v, st);
	for (size_t i = 0; i < st->plan->n_targets; i++)
		if (st->plan->targets[i].command != NULL)
			y += draw_wrap(w, y, 5, wd - 6, theme_attr(t, THEME_NORMAL),
			               st->plan->targets[i].command);
	if (st->plan->instruction != NULL && st->plan->action->kind == ACTION_MANUAL)
		y += draw_wrap(w, y, 5, wd - 6, theme_attr(t, THEME_NORMAL), st->plan->instruction);
	if (st->cut > 0) {
		char b[32];
		draw_textf(w, y++, 5, wd - 6, theme_attr(t, THEME_WARN),
		           "output cut: %s not kept; the tail is below and in the journal",
		           bytes_text(st->cut, b, sizeof b));
	}
	y = runbook_tail_lines(w, y, wd, v, st->output, "|", 4);
	return runbook_tail_lines(w, y, wd, v, st->errout, "stderr |", 2);
}

/* Says what the operator can do now, for the current step. */
static const char *runbook_hint(const struct runbook *rb, const struct rb_step *st)
{
	if (rb->finished)
		return "s: pick a scenario";
	if (rb->held)
		return "held: nothing is confirmed until the journal can be written  a: abort";
	if (rb->tabletop && st->state == RB_AWAITING)
		return "Enter: what would you do  i: inject  k: skip  n: note";
	switch (st->state) {
	case RB_GUARDED:
		return "o: override (type the guard's name)  t: attest the old primary is down  k: "
		       "skip";
	case RB_AWAITING:
		return st->plan->action->kind == ACTION_MANUAL
		           ? "Enter: mark done  k: skip  n: note"
		       : st->plan->action->confirm == CONFIRM_TYPED
		           ? "Enter: confirm (type the site's name)  k: skip"
		           : "Enter: confirm  k: skip";
	case RB_FAILED:
		return "r: retry  k: skip (reason)  a: abort";
	case RB_UNKNOWN:
		return runbook_may_run(st)
		           ? "r refused while it may still run  d: mark done (checked "
		             "by hand)  k: skip (reason)  a: abort"
		           : "r: retry  d: mark done (checked by hand)  k: skip  "
		             "a: abort";
	default:
		return "n: note  a: abort";
	}
}

/* Draws the runbook panel. */
static int runbook_draw(WINDOW *w, const struct view *v, int scroll)
{
	const struct theme *t = v->theme;
	const struct runbook *rb = v->run;
	int wd = getmaxx(w), y = 1 - scroll;
	char e[16], est[16];
	if (rb == NULL) {
		draw_text(w, y, 2, wd - 4, theme_attr(t, v->run_status ? THEME_WARN : THEME_DIM),
		          v->run_status ? v->run_status
		                        : "No run. Press s to pick a recovery scenario.");
		return 1;
	}
	if (v->drill != NULL)
		draw_textf(w, y++, 1, wd - 2, theme_attr(t, THEME_WARN) | A_BOLD | A_REVERSE,
		           " %s ",
		           rb->tabletop ? "TABLETOP: nothing runs; Enter narrates, i injects"
		                        : "DRILL: steps act on the sites; i injects");
	if (v->run_owner != NULL)
		y += draw_wrap(w, y, 1, wd - 2, theme_attr(t, THEME_WARN) | A_BOLD, v->run_owner);
	y = runbook_heading(w, y, wd, v, rb);
	for (size_t i = 0; i < rb->n; i++) {
		const struct rb_step *st = &rb->steps[i];
		int64_t took = runbook_step_elapsed_ms(rb, st);
		draw_textf(w, y++, 1, wd - 2, theme_attr(t, runbook_role(st->state)),
		           "%s %zu %s  %s/%s  %s%s%s", runbook_glyph(t, st->state), i + 1,
		           st->plan->action->name, runbook_clock(took, e, sizeof e),
		           runbook_clock(st->plan->action->estimate_ms, est, sizeof est),
		           runbook_state_name(st->state), st->why[0] ? ": " : "", st->why);
		if (i == rb->current)
			y = runbook_detail(w, y, wd, v, st);
	}
	if (v->run_owner == NULL && (rb->current < rb->n || rb->finished))
		draw_text(w, y++, 1, wd - 2, theme_attr(t, THEME_DIM),
		          runbook_hint(rb, rb->current < rb->n ? &rb->steps[rb->current] : NULL));
	return y - (1 - scroll);
}

const struct panel_class panel_runbook = {
    .name = "runbook",
    .title = "runbook",
    .min_w = 20,
    .min_h = 3,
    .inputs = PANEL_IN_RUN | PANEL_IN_CLOCK,
    .draw = runbook_draw,
};
