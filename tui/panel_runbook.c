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
#include "i18n.h"
#include "panel.h"
#include "i18n.h"
#include "keys.h"
#include "runbook.h"
#include "utf8.h"

#define RUNBOOK_KEYS_MAX 16 /* keys on the key line, at most */

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
		           rb->fence_request     ? _(": fencing it")
		           : rb->fence_on_return ? ""
		                                 : _(": f fences it"));
	if (rb->stop[0])
		y += draw_wrap(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT) | A_BOLD, rb->stop);
	else if (rb->held)
		y += draw_wrap(w, y, 1, wd - 2, theme_attr(t, THEME_CRIT) | A_BOLD,
		               rb->broken
		                   ? _("JOURNAL: a record could not be built: the run is stopped; "
		                     "a aborts it")
		                   : _("JOURNAL CANNOT BE WRITTEN: the run is held; nothing is "
		                     "sent and nothing is confirmed until it can be written"));
	if (rb->held && !rb->stop[0] && v->journal_error != NULL)
		y += draw_wrap(w, y, 3, wd - 4, theme_attr(t, THEME_CRIT), v->journal_error);
	draw_textf(w, y++, 1, wd - 2, theme_attr(t, r), _("%s  %s of %s, projected %s%s"),
	           rb->scenario->name, runbook_clock(runbook_elapsed_ms(rb), e, sizeof e),
	           runbook_clock(rb->scenario->estimated_ms, b, sizeof b),
	           runbook_clock(runbook_projected_ms(rb), p, sizeof p),
	           rb->aborted    ? _("  (aborted)")
	           : rb->finished ? _("  (finished)")
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
		           _("would run %s%s%s, not run: a tabletop"), a->builtin ? _("(built-in) ") : "",
		           pt->site ? _("on ") : _("on this jump host"), pt->site ? pt->site->name : "");
	}
	if (st->plan->instruction != NULL && a->kind == ACTION_MANUAL)
		y += draw_wrap(w, y, 5, wd - 6, theme_attr(v->theme, THEME_NORMAL),
		               st->plan->instruction);
	return y;
}

/* Draws a guard of the current step with its evidence, wrapped; returns the next line. */
static int runbook_guard(WINDOW *w, int y, int wd, const struct theme *t, const char *name,
                         const struct guard_result *g)
{
	char line[768];
	snprintf(line, sizeof line, "%s %s: %s", theme_glyph(t, g->pass ? "✓" : "✗", g->pass ? "+" : "x"),
	         name, g->evidence);
	return y + draw_wrap(w, y, 5, wd - 6, theme_attr(t, g->pass ? THEME_OK : THEME_CRIT), line);
}

/* Draws the current step's guards, command or instruction, and output tail. */
static int runbook_detail(WINDOW *w, int y, int wd, const struct view *v, const struct runbook *rb,
                          const struct rb_step *st)
{
	const struct theme *t = v->theme;
	if (rb->aborted)
		return y; /* nothing more is run: what it waited for no longer matters */
	for (size_t i = 0; i < st->n_guards; i++)
		y = runbook_guard(w, y, wd, t, st->plan->action->guards[i], &st->guards[i]);
	if (rb->tabletop)
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
		           _("output cut: %s not kept; the tail is below and in the journal"),
		           bytes_text(st->cut, b, sizeof b));
	}
	y = runbook_tail_lines(w, y, wd, v, st->output, "|", 4);
	return runbook_tail_lines(w, y, wd, v, st->errout, "stderr |", 2);
}

/* Returns what a step's state is called on screen: a step an abort left unrun says so. */
static const char *runbook_state_text(const struct runbook *rb, const struct rb_step *st)
{
	if (rb->aborted && (st->state == RB_PENDING || st->state == RB_GUARDED ||
	                    st->state == RB_AWAITING))
		return _("not run (aborted)");
	return runbook_state_name(st->state);
}

/* Returns a step's why as shown after its state, without the state's name said twice. */
static const char *runbook_why_text(const struct runbook *rb, const struct rb_step *st)
{
	const char *name = runbook_state_name(st->state);
	size_t len = strlen(name);
	if (rb->aborted && strcmp(runbook_state_text(rb, st), name) != 0)
		return "";
	if (strncmp(st->why, name, len) == 0 && st->why[len] == ':')
		return st->why + len + 1 + (st->why[len + 1] == ' ');
	return st->why;
}

/* Tells whether a step's why is what its guards say (drawn under it, each with its evidence). */
static int runbook_why_is_guard(const struct rb_step *st)
{
	for (size_t i = 0; i < st->n_guards; i++) {
		size_t len = strlen(st->plan->action->guards[i]);
		if (strncmp(st->why, st->plan->action->guards[i], len) == 0 && st->why[len] == ':')
			return 1;
	}
	return 0;
}

/* Returns the step whose why is wrapped in full: the current one, or the last of a finished run. */
static size_t runbook_focus(const struct runbook *rb)
{
	return rb->current < rb->n ? rb->current : rb->n > 0 ? rb->n - 1 : 0;
}

/*
 * Draws one step: glyph, number, its action's title, time against estimate,
 * state and why, on one line, with the action's id at the right end where the
 * line has room; the current step's why (or a finished run's last, the data
 * lost), when it does not fit, wraps on the lines below. Returns the next line.
 */
static int runbook_step(WINDOW *w, int y, int wd, const struct view *v, const struct runbook *rb,
                        size_t i)
{
	const struct theme *t = v->theme;
	const struct rb_step *st = &rb->steps[i];
	const struct action *a = st->plan->action;
	const char *why = runbook_why_text(rb, st);
	if (i == rb->current && runbook_why_is_guard(st))
		why = ""; /* its guards follow, each with its evidence */
	char e[16], est[16], line[768];
	attr_t attr = theme_attr(t, runbook_role(st->state));
	snprintf(line, sizeof line, "%s %zu %s  %s/%s  %s", runbook_glyph(t, st->state), i + 1,
	         a->title ? a->title : a->name,
	         runbook_clock(runbook_step_elapsed_ms(rb, st), e, sizeof e),
	         runbook_clock(a->estimate_ms, est, sizeof est), runbook_state_text(rb, st));
	int top = y, room = wd - 2, used, whyw = why[0] ? 2 + utf8_width(why) : 0;
	if (why[0] != '\0' && i == runbook_focus(rb) && utf8_width(line) + whyw > room) {
		used = draw_text(w, y++, 1, room, attr, line);
		y += draw_wrap(w, y, 5, wd - 6, attr, why);
	} else {
		used = draw_textf(w, y++, 1, room, attr, "%s%s%s", line, why[0] ? ": " : "", why);
	}
	int idw = utf8_width(a->name);
	if (a->title != NULL && used + 2 + idw <= room)
		draw_text(w, top, wd - 1 - idw, idw, theme_attr(t, THEME_DIM), a->name);
	return y;
}

/* Draws steps up to n from line y (the current one with its detail); returns the next line. */
static int runbook_steps(WINDOW *w, int y, int wd, const struct view *v, const struct runbook *rb,
                         size_t n)
{
	for (size_t i = 0; i < n && i < rb->n; i++) {
		y = runbook_step(w, y, wd, v, rb, i);
		if (i == rb->current)
			y = runbook_detail(w, y, wd, v, rb, &rb->steps[i]);
	}
	return y;
}

/*
 * Draws the keys that apply now, as the run's key table says (after a brief
 * word, when there is one) on
 * the lines ending at line last, as many as the width needs, a key never cut
 * in two; returns the lines used.
 */
static int runbook_keys(WINDOW *w, int last, int wd, const struct view *v)
{
	const struct theme *t = v->theme;
	const struct keys_binding *keys[RUNBOOK_KEYS_MAX];
	char item[RUNBOOK_KEYS_MAX][96], line[RUNBOOK_KEYS_MAX][256];
	int n_lines = 0, room = wd - 2;
	size_t n = keys_line(v->keys, v->key_state, keys, RUNBOOK_KEYS_MAX);
	for (size_t i = 0; i < n; i++)
		keys_item(keys[i], item[i], sizeof item[i]);
	line[0][0] = '\0';
	int used = v->run_flash != NULL ? utf8_width(v->run_flash) + 2 : 0;
	for (size_t i = 0; i < n; i++) {
		int need = utf8_width(item[i]) + (line[n_lines][0] ? 2 : 0);
		if (used > 0 && used + need > room && n_lines + 1 < RUNBOOK_KEYS_MAX) {
			line[++n_lines][0] = '\0';
			used = 0;
			need = utf8_width(item[i]);
		}
		size_t len = strlen(line[n_lines]);
		snprintf(line[n_lines] + len, sizeof line[0] - len, "%s%s", len ? "  " : "", item[i]);
		used += need;
	}
	n_lines++;
	for (int k = 0; k < n_lines; k++) {
		int y = last - (n_lines - 1) + k, x = 1;
		if (k == 0 && v->run_flash != NULL)
			x += 2 + draw_text(w, y, x, room, theme_attr(t, THEME_OK) | A_BOLD, v->run_flash);
		draw_text(w, y, x, wd - 1 - x, theme_attr(t, THEME_FOCUS), line[k]);
	}
	return n_lines;
}

/*
 * Returns the lines the steps are moved up by when not scrolled so that the
 * focused step (runbook_focus) shows whole with its detail in room lines:
 * the steps before it go out of sight first (0 when it all fits).
 */
static int runbook_follow(WINDOW *w, int wd, const struct view *v, const struct runbook *rb,
                          int room)
{
	int h = getmaxy(w);
	size_t f = runbook_focus(rb);
	int start = runbook_steps(w, h, wd, v, rb, f) - h; /* counted, not drawn */
	int end = runbook_steps(w, h, wd, v, rb, f + 1) - h;
	if (end <= room)
		return 0;
	return end - room < start ? end - room : start;
}

/*
 * Draws the runbook panel: the timer (and any alarm) fixed at the top, the
 * keys that apply now fixed at the bottom, whatever the scroll; only the
 * steps between them scroll. Not scrolled, the steps follow the current
 * one: those before it go out of sight when its detail needs their room.
 * The height returned counts the fixed lines, so that the console's scroll
 * stops when the last step is in view.
 */
static int runbook_draw(WINDOW *w, const struct view *v, int scroll)
{
	const struct theme *t = v->theme;
	const struct runbook *rb = v->run;
	int wd = getmaxx(w), h = getmaxy(w), y = 1;
	if (rb == NULL) {
		draw_text(w, 1 - scroll, 2, wd - 4,
		          theme_attr(t, v->run_status ? THEME_WARN : THEME_DIM),
		          v->run_status ? v->run_status
		                        : _("No run. Press s to pick a recovery scenario."));
		return 1;
	}
	if (v->drill != NULL)
		draw_textf(w, y++, 1, wd - 2, theme_attr(t, THEME_WARN) | A_BOLD | A_REVERSE,
		           " %s ",
		           rb->tabletop ? _("TABLETOP: nothing runs; Enter narrates, i injects")
		                        : _("DRILL: steps act on the sites; i injects"));
	if (v->run_owner != NULL)
		y += draw_wrap(w, y, 1, wd - 2, theme_attr(t, THEME_WARN) | A_BOLD, v->run_owner);
	y = runbook_heading(w, y, wd, v, rb);
	int keys = 0, list = 0;
	if (v->run_owner == NULL && v->keys != NULL && h - 2 >= y)
		keys = runbook_keys(w, h - 2, wd, v);
	int bottom = h - 1 - keys, up = 0;
	if (bottom > y) {
		WINDOW *mid = derwin(w, bottom - y, wd, y, 0);
		if (mid != NULL) {
			up = scroll == 0 && !v->pinned ? runbook_follow(w, wd, v, rb, bottom - y) : 0;
			if (v->moved != NULL)
				*v->moved = up;
			/* the steps' whole height, however they are moved: the scroll can reach the end */
			list = runbook_steps(mid, -scroll - up, wd, v, rb, rb->n) + scroll + up;
			delwin(mid);
		}
	} else {
		list = runbook_steps(w, h, wd, v, rb, rb->n) - h; /* counted, not drawn */
	}
	return (y - 1) + list + keys;
}

const struct panel_class panel_runbook = {
    .name = "runbook",
    .title = N_("runbook"),
    .min_w = 20,
    .min_h = 3,
    .inputs = PANEL_IN_RUN | PANEL_IN_CLOCK,
    .draw = runbook_draw,
};
