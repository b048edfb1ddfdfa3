/*
 * The console's key tables, one per mode, and the dispatch through them. A
 * key goes to the mode the console is in (the dialog on top, the picker, the
 * help, a run, a drill, --follow, or the console itself); within a mode the
 * first binding that names it and applies now calls its function, else the
 * key does nothing. The help overlay lists every table; the runbook's key
 * line and the picker's are the bindings marked KEYS_LINE that apply now.
 */
#include "config.h"

#include <string.h>

#include "console.h"
#include "i18n.h"

#define ENTER_KEYS                                                                                 \
	{                                                                                          \
		'\n', '\r', KEY_ENTER                                                              \
	}
#define BACKSPACE_KEYS                                                                             \
	{                                                                                          \
		KEY_BACKSPACE, 127, 8                                                              \
	}
#define ESC 27

/* Tells whether a scenario can be picked: live sites, no run going or being set up. */
static int keys_can_pick(const struct keys_state *s)
{
	return s->live && !s->starting && (!s->run.on || s->run.finished);
}

/* Tells whether the console watches live sites. */
static int keys_live(const struct keys_state *s)
{
	return s->live;
}

/* Tells whether f is the console's (the kept fence), not the run's own. */
static int keys_fence_kept(const struct keys_state *s)
{
	return !rbkeys_applies(&s->run, RBKEY_FENCE);
}

/* Tells whether the picker's search is empty (j, k and digits then move). */
static int keys_not_searching(const struct keys_state *s)
{
	return !s->searching;
}

/* The tables: one binding to a line or two, its fields in the same places. */
/* clang-format off */
static const struct keys_binding view_keys[] = {
    {{'q', 'Q'}, 0, "q", console_view_quit, RBKEY_NONE, NULL,
     N_("quit (during a run: asks first; the run stays open)"), 0},
    {{'?'}, 0, "?", console_help_open, RBKEY_NONE, NULL, N_("this help"), 0},
    {{'\t'}, 0, "Tab", console_view_focus, RBKEY_NONE, NULL,
     N_("move the focus to the next panel"), 0},
    {{KEY_UP, KEY_DOWN}, 0, "Up/Down", console_view_scroll, RBKEY_NONE, NULL,
     N_("scroll the focused panel"), 0},
    {{KEY_PPAGE, KEY_NPAGE}, 0, "PgUp/PgDn", console_view_scroll, RBKEY_NONE, NULL,
     N_("scroll the focused panel by a page"), 0},
    {{CONSOLE_CTRL('l')}, 0, "Ctrl-L", console_view_repaint, RBKEY_NONE, NULL,
     N_("repaint the whole screen"), 0},
    {{'1'}, '9', "1..9", console_view_layout, RBKEY_NONE, NULL,
     N_("switch layout (overview, incident, drill, compact)"), 0},
};

static const struct keys_binding console_keys[] = {
    {{'s'}, 0, "s", console_pick_open, RBKEY_NONE, keys_can_pick,
     N_("pick a scenario"), KEYS_LINE},
    {{'K'}, 0, "K", console_hostkey_reopen, RBKEY_NONE, keys_live,
     N_("show an unknown host key set aside with Esc again"), 0},
    {{'f'}, 0, "f", console_fence_now, RBKEY_NONE, keys_fence_kept,
     N_("fence an old primary that came back writable (split brain)"), 0},
    {{'F'}, 0, "F", console_fence_ask_disarm, RBKEY_NONE, NULL,
     N_("disarm the kept fence (after a failback; type the site)"), 0},
};

static const struct keys_binding run_keys[] = {
    {{'f'}, 0, "f", console_run_fence, RBKEY_FENCE, NULL, N_("fence it"), KEYS_LINE},
    {ENTER_KEYS, 0, "Enter", console_run_confirm, RBKEY_CONFIRM, NULL, N_("confirm"),
     KEYS_LINE},
    {ENTER_KEYS, 0, "Enter", console_run_confirm, RBKEY_CONFIRM_TYPED, NULL,
     N_("confirm (type the site)"), KEYS_LINE},
    {{'d'}, 0, "d", console_run_done, RBKEY_DONE, NULL, N_("mark done"), KEYS_LINE},
    {ENTER_KEYS, 0, "Enter", console_run_done, RBKEY_DONE, NULL, N_("mark done"), 0},
    {{'o'}, 0, "o", console_run_override, RBKEY_OVERRIDE, NULL, N_("override guard"),
     KEYS_LINE},
    {{'t'}, 0, "t", console_run_attest, RBKEY_ATTEST, NULL, N_("attest primary down"),
     KEYS_LINE},
    {{'r'}, 0, "r", console_run_retry, RBKEY_RETRY, NULL, N_("retry"), KEYS_LINE},
    {{'d'}, 0, "d", console_run_done, RBKEY_DONE_CHECKED, NULL, N_("mark done (checked)"),
     KEYS_LINE},
    {{'k'}, 0, "k", console_run_skip, RBKEY_SKIP, NULL, N_("skip"), KEYS_LINE},
    {{'n'}, 0, "n", console_run_note, RBKEY_NOTE, NULL, N_("note"), KEYS_LINE},
    {{'a'}, 0, "a", console_run_abort, RBKEY_ABORT, NULL, N_("abort"), KEYS_LINE},
};

static const struct keys_binding drill_keys[] = {
    {ENTER_KEYS, 0, "Enter", console_drill_narrate, RBKEY_NARRATE, NULL,
     N_("what would you do"), KEYS_LINE},
    {{'i'}, 0, "i", console_drill_inject, RBKEY_INJECT, NULL, N_("inject"), KEYS_LINE},
};

static const struct keys_binding pick_keys[] = {
    {{KEY_UP, KEY_DOWN}, 0, "Up/Down", console_pick_move, RBKEY_NONE, NULL, N_("move"),
     KEYS_LINE},
    {{'k', 'j'}, 0, "k/j", console_pick_move, RBKEY_NONE, keys_not_searching,
     N_("move (before a search)"), 0},
    {{'1'}, '9', "1..9", console_pick_number, RBKEY_NONE, keys_not_searching,
     N_("select scenario N (before a search)"), 0},
    {ENTER_KEYS, 0, "Enter", console_pick_enter, RBKEY_NONE, NULL, N_("show its steps"),
     KEYS_LINE},
    {{ESC}, 0, "Esc", console_pick_back, RBKEY_NONE, NULL, N_("close"), KEYS_LINE},
    {BACKSPACE_KEYS, 0, "Backspace", console_pick_erase, RBKEY_NONE, NULL,
     N_("erase a character of the search"), 0},
    {{KEYS_TEXT}, 0, N_("type"), console_pick_type, RBKEY_NONE, NULL,
     N_("search the names (Korean too)"), KEYS_LINE},
};

static const struct keys_binding pick_steps_keys[] = {
    {ENTER_KEYS, 0, "Enter", console_pick_enter, RBKEY_NONE, NULL,
     N_("start it (a drill: live or tabletop)"), KEYS_LINE},
    {{ESC}, 0, "Esc", console_pick_back, RBKEY_NONE, NULL, N_("back to the list"), KEYS_LINE},
};

static const struct keys_binding dialog_keys[] = {
    {ENTER_KEYS, 0, "Enter", console_dialog_key, RBKEY_NONE, NULL, N_("answer"), 0},
    {{ESC}, 0, "Esc", console_dialog_key, RBKEY_NONE, NULL, N_("cancel (back out)"), 0},
    {{CONSOLE_CTRL('u')}, 0, "Ctrl-U", console_dialog_key, RBKEY_NONE, NULL,
     N_("clear the field"), 0},
    {BACKSPACE_KEYS, 0, "Backspace", console_dialog_key, RBKEY_NONE, NULL,
     N_("erase a character"), 0},
    {{KEYS_TEXT}, 0, N_("type"), console_dialog_key, RBKEY_NONE, NULL,
     N_("the answer (Korean too)"), 0},
};

static const struct keys_binding hostkey_keys[] = {
    {ENTER_KEYS, 0, "Enter", console_hostkey_key, RBKEY_NONE, NULL,
     N_("accept the key when yes is typed"), 0},
    {{ESC}, 0, "Esc", console_hostkey_key, RBKEY_NONE, NULL,
     N_("set it aside (K shows it again)"), 0},
    {BACKSPACE_KEYS, 0, "Backspace", console_hostkey_key, RBKEY_NONE, NULL,
     N_("erase a character"), 0},
    {{KEYS_TEXT}, 0, N_("type"), console_hostkey_key, RBKEY_NONE, NULL, N_("the answer"), 0},
};

static const struct keys_binding help_keys[] = {
    {{KEY_UP, KEY_DOWN}, 0, "Up/Down", console_help_scroll, RBKEY_NONE, NULL,
     N_("scroll this help"), 0},
    {{KEY_PPAGE, KEY_NPAGE}, 0, "PgUp/PgDn", console_help_scroll, RBKEY_NONE, NULL,
     N_("scroll this help by a page"), 0},
    {{KEYS_ANY}, 0, N_("any key"), console_help_close, RBKEY_NONE, NULL, N_("close this help"), 0},
};

static const struct keys_binding review_keys[] = {
    {ENTER_KEYS, 0, "Enter", console_review_confirm, RBKEY_CONFIRM, NULL,
     N_("show the step's confirmation (nothing is sent)"), 0},
    {ENTER_KEYS, 0, "Enter", console_review_confirm, RBKEY_CONFIRM_TYPED, NULL,
     N_("show the step's confirmation (nothing is sent)"), 0},
    {{'s'}, 0, "s", console_pick_open, RBKEY_NONE, NULL,
     N_("show the scenario picker (nothing starts)"), 0},
};

#define KEYS_OF(a) a, sizeof a / sizeof a[0]

const struct keys_table console_keys_tables[CONSOLE_KEYS_N] = {
    [CONSOLE_KEYS_VIEW] = {N_("Everywhere"), KEYS_OF(view_keys), NULL},
    [CONSOLE_KEYS_CONSOLE] = {N_("The console"), KEYS_OF(console_keys),
                              &console_keys_tables[CONSOLE_KEYS_VIEW]},
    [CONSOLE_KEYS_RUN] = {N_("During a run (the runbook's last line lists those that apply)"),
                          KEYS_OF(run_keys), &console_keys_tables[CONSOLE_KEYS_CONSOLE]},
    [CONSOLE_KEYS_DRILL] = {N_("During a drill (besides a run's)"), KEYS_OF(drill_keys),
                            &console_keys_tables[CONSOLE_KEYS_RUN]},
    [CONSOLE_KEYS_PICK] = {N_("Picking a scenario (s)"), KEYS_OF(pick_keys), NULL},
    [CONSOLE_KEYS_PICK_STEPS] = {N_("A picked scenario's steps"), KEYS_OF(pick_steps_keys),
                                 NULL},
    [CONSOLE_KEYS_DIALOG] = {N_("A dialog"), KEYS_OF(dialog_keys), NULL},
    [CONSOLE_KEYS_HOSTKEY] = {N_("An unknown host key"), KEYS_OF(hostkey_keys), NULL},
    [CONSOLE_KEYS_HELP] = {N_("This help"), KEYS_OF(help_keys), NULL},
    [CONSOLE_KEYS_FOLLOW] = {N_("Following a run (--follow): only the keys of the view"), NULL,
                             0, &console_keys_tables[CONSOLE_KEYS_VIEW]},
    [CONSOLE_KEYS_REVIEW] = {N_("Reviewing a run (view --run): its dialogs open, nothing acts"),
                             KEYS_OF(review_keys), &console_keys_tables[CONSOLE_KEYS_VIEW]},
};
/* clang-format on */

/* Reads what the bindings' predicates depend on from the console. */
void console_keys_state(const struct console *c, struct keys_state *s)
{
	memset(s, 0, sizeof *s);
	if (c->run.active && c->run.phase == RUNHOST_RUNNING) {
		rbkeys_read(&c->run.rb, &s->run);
		s->run.drill |= console_drill_word(c) != NULL;
	} else if (c->review && c->following) {
		rbkeys_read(&c->follow, &s->run); /* its key line as the console running it drew it */
	}
	/* A review draws the key lines the live console drew; its own table acts on none of them. */
	s->live = (c->agents != NULL && !c->follow_mode) || c->review;
	s->starting = c->run.active && c->run.phase != RUNHOST_RUNNING;
	s->searching = c->pick_on && c->pick.query[0] != '\0';
}

/* Returns the table of the run's keys: a drill's, or a run's. */
const struct keys_table *console_keys_run(const struct console *c)
{
	return &console_keys_tables[console_drill_word(c) ? CONSOLE_KEYS_DRILL : CONSOLE_KEYS_RUN];
}

/* Returns the mode the console is in: the table its keys go to. */
const struct keys_table *console_keys_mode(const struct console *c)
{
	enum console_keys_mode m = c->hostkey.open                    ? CONSOLE_KEYS_HOSTKEY
	                           : c->prompt.purpose != PROMPT_NONE ? CONSOLE_KEYS_DIALOG
	                           : c->pick_on && c->pick.steps      ? CONSOLE_KEYS_PICK_STEPS
	                           : c->pick_on                       ? CONSOLE_KEYS_PICK
	                           : c->help                          ? CONSOLE_KEYS_HELP
	                           : c->follow_mode                   ? CONSOLE_KEYS_FOLLOW
	                           : c->review                        ? CONSOLE_KEYS_REVIEW
	                                                              : CONSOLE_KEYS_CONSOLE;
	if (m == CONSOLE_KEYS_CONSOLE && c->run.active && c->run.phase == RUNHOST_RUNNING)
		return console_keys_run(c);
	return &console_keys_tables[m];
}

/* Handles one key: a resize everywhere, else what the mode's table binds it to. */
void console_key(struct console *c, int ch)
{
	struct keys_state s;
	if (ch == KEY_RESIZE) {
		console_layout(c);
		return;
	}
	console_keys_state(c, &s);
	const struct keys_binding *b = keys_find(console_keys_mode(c), &s, ch);
	if (b == NULL)
		return;
	b->act(c, ch);
	c->overlay_dirty = 1;
	console_run_pump(c);
}
