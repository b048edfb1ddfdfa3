/*
 * The console: one poll() loop over the keyboard, the agents' wakeup pipe and
 * a signal self-pipe, with a timeout for the clock. Agents publish snapshots;
 * the loop copies them, derives the verdict and the events, and redraws only
 * the panels marked dirty: each into its own window with wnoutrefresh, then
 * one doupdate. Nothing here waits on a site: a frozen site only stops
 * changing its snapshot, which then ages into "stale".
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "console.h"
#include "drillrun.h"
#include "clock.h"
#include "diag.h"
#include "draw.h"
#include "events.h"
#include "hostkey_dialog.h"
#include "i18n.h"
#include "knownhosts.h"
#include "layout.h"
#include "logpipe.h"
#include "panel.h"
#include "rundir.h"
#include "selfpipe.h"
#include "status_read.h"
#include "textout.h"
#include "theme.h"
#include "utf8.h"
#include "verdict.h"
#include "xmalloc.h"


/* Returns the wall clock, or the time of the capture being viewed. */
int64_t console_now(const struct console *c)
{
	return c->recorded_ms ? c->recorded_ms : clock_wall_ms();
}

/* Returns what the panels see: the snapshots, the verdict, the events, the clock. */
static struct view console_panel_view(const struct console *c)
{
	int running = c->run.active && c->run.phase == RUNHOST_RUNNING;
	struct view v = {
	    .cf = &c->cat.cf,
	    .sites = c->snaps,
	    .n_sites = c->cat.cf.n_sites,
	    .verdict = &c->verdict,
	    .events = &c->events,
	    .now_ms = console_now(c),
	    .theme = &c->theme,
	    .recorded = c->recorded_ms != 0,
	    .following = c->follow_mode,
	    .run = running ? &c->run.rb : !c->run.active && c->following ? &c->follow : NULL,
	    .run_owner = running || c->run.active ? NULL : console_follow_note(c),
	    .run_flash = c->flash[0] && clock_mono_ms() < c->flash_until ? c->flash : NULL,
	    .run_status = c->run.active && !running
	                      ? _("Starting the run: taking the DR site's run lock...")
	                      : NULL,
	    .journal_error = c->run.active && c->run.journal_error[0] ? c->run.journal_error : NULL,
	    .drill = console_drill_word(c),
	    .fence = c->keep_on && c->keep.known ? &c->keep.st : NULL,
	    .fence_error = c->keep_on && c->keep.error[0] ? c->keep.error : NULL,
	    .fence_split = console_fence_split(c),
	    .watch_shown = c->watch_read,
	    .watch = c->watch_error ? NULL : &c->watch,
	    .watch_seen = c->watch_seen,
	    .schedule = c->sched_read ? &c->sched : NULL,
	    .proofs = console_proofs(c),
	    .proofs_error = c->proofs_error[0] ? c->proofs_error : NULL,
	};
	return v;
}

/*
 * Sends stderr (libpq, libssh, and anything else) to a log file before curses
 * starts, through the sanitizer (logpipe): a server's text in it is harmless
 * to read.
 */
static void console_redirect_stderr(struct console *c)
{
	mkdir(c->cat.cf.state_dir, 0700);
	char *path = xasprintf("%s/console.log", c->cat.cf.state_dir), *cause = NULL;
	c->log = logpipe_start(path, STDERR_FILENO, &cause);
	if (c->log == NULL) {
		textout_printf(stderr, "drconsole: %s\n", cause);
		free(cause);
	}
	free(path);
}

/* Makes one window per panel of the current layout for the current size. */
void console_layout(struct console *c)
{
	for (size_t i = 0; i < c->n_panes; i++)
		delwin(c->panes[i].win);
	c->n_panes = 0;
	struct layout_rect r[LAYOUT_MAX_PANELS];
	size_t n;
	char err[256];
	c->too_small =
	    layout_compute(c->layout, COLS, LINES, r, LAYOUT_MAX_PANELS, &n, err, sizeof err) == -1;
	for (size_t i = 0; !c->too_small && i < n; i++) {
		const struct panel_class *cls = panel_find(r[i].panel);
		if (cls == NULL)
			continue;
		struct console_pane *p = &c->panes[c->n_panes++];
		p->cls = cls;
		p->win = newwin(r[i].h, r[i].w, r[i].y, r[i].x);
		leaveok(p->win, TRUE); /* no cursor to put back after each update */
		p->scroll = 0;
		p->dirty = 1;
	}
	if (c->focus >= (int)c->n_panes)
		c->focus = 0;
	clearok(curscr, TRUE);
}

/* Marks every panel for redrawing. */
void console_dirty_all(struct console *c)
{
	for (size_t i = 0; i < c->n_panes; i++)
		c->panes[i].dirty = 1;
}

/* Marks the panels that read any of the given inputs. */
void console_mark(struct console *c, unsigned inputs)
{
	for (size_t i = 0; i < c->n_panes; i++)
		if (c->panes[i].cls->inputs & inputs)
			c->panes[i].dirty = 1;
}

/* Returns the panel inputs whose data is stale now (older than two probe intervals). */
static unsigned console_stale_inputs(const struct console *c)
{
	struct view v = console_panel_view(c);
	unsigned in = 0;
	for (size_t i = 0; i < c->cat.cf.n_sites; i++) {
		in |= panel_is_stale(&v, c->snaps[i].health.at_ms) ? PANEL_IN_HEALTH : 0;
		in |= panel_is_stale(&v, c->snaps[i].backups.at_ms) ? PANEL_IN_BACKUPS : 0;
		in |= panel_is_stale(&v, c->snaps[i].pg.at_ms) ? PANEL_IN_PG : 0;
	}
	return in;
}

/*
 * Marks the panels a clock tick changes: those showing the clock, and those
 * showing stale data (its age grows) or data that just turned stale or fresh.
 */
static void console_tick(struct console *c)
{
	console_watch_read(c);
	console_follow_read(c);
	console_schedule_read(c);
	console_proofs_read(c);
	unsigned stale = console_stale_inputs(c);
	console_mark(c, PANEL_IN_CLOCK | stale | c->stale_inputs);
	c->stale_inputs = stale;
}

/* Tells whether two copies of a part differ, their refresh time (at_ms, at offset at) aside. */
static int console_part_differs(const void *a, const void *b, size_t len, size_t at)
{
	size_t after = at + sizeof(int64_t);
	return memcmp(a, b, at) != 0 ||
	       memcmp((const char *)a + after, (const char *)b + after, len - after) != 0;
}

#define CONSOLE_DIFFERS(a, b, type)                                                                \
	console_part_differs(&(a), &(b), sizeof(type), offsetof(type, at_ms))

/*
 * Rounds the values that move at every round to the precision the panels
 * show them at (round trip 0.1 s, replay delay 1 s, newest backup's age
 * 1 min), so that a round changing only digits nobody sees redraws nothing.
 */
static void console_coarse(struct site_status *s)
{
	s->health.rtt_ms.v /= 100;
	s->pg.replay_delay_ms.v /= 1000;
	s->backups.newest_age_s.v /= 60;
}

/* Returns the panel inputs that differ between two snapshots of one site. */
static unsigned console_site_changes(const struct site_status *was, const struct site_status *now)
{
	struct site_status x = *was, y = *now;
	const struct site_status *a = &x, *b = &y;
	console_coarse(&x);
	console_coarse(&y);
	unsigned in = 0;
	if (a->generation == 0 || a->reachable != b->reachable || strcmp(a->error, b->error) != 0)
		in |= PANEL_IN_REACH;
	in |= CONSOLE_DIFFERS(a->health, b->health, struct snap_health) ? PANEL_IN_HEALTH : 0;
	in |= CONSOLE_DIFFERS(a->pg, b->pg, struct snap_pg) ? PANEL_IN_PG : 0;
	in |= CONSOLE_DIFFERS(a->backups, b->backups, struct snap_backups) ? PANEL_IN_BACKUPS : 0;
	return in;
}

/* Takes in a new snapshot of site i seen at now; returns the panel inputs it changed. */
static unsigned console_take(struct console *c, size_t i, const struct site_status *st, int64_t now)
{
	events_diff(&c->cat.cf, &c->snaps[i], st, now, &c->events);
	unsigned in = console_site_changes(&c->snaps[i], st);
	c->snaps[i] = *st;
	return in;
}

/* Tells whether every site has had its first round (then it stays so). */
static int console_first_rounds_done(struct console *c)
{
	for (size_t i = 0; !c->first_rounds && c->agents != NULL && i < c->cat.cf.n_sites; i++)
		if (agent_rounds(c->agents[i]) < 1)
			return 0;
	c->first_rounds = 1;
	return 1;
}

/*
 * Judges the verdict again at now (freshness moves with the clock alone, so
 * this runs at every tick: pure computation), telling its changes as events
 * once every site has had its first round; returns the panel inputs that changed.
 */
static unsigned console_judge(struct console *c, int64_t now)
{
	struct verdict before = c->verdict;
	size_t events_before = c->events.n + c->events.dropped;
	verdict_judge(&c->cat.cf, c->snaps, c->cat.cf.n_sites, now, &c->verdict);
	if (memcmp(&before, &c->verdict, sizeof before) == 0)
		return 0;
	if (console_first_rounds_done(c)) /* before, the verdict tells of what is not asked yet */
		events_verdict(&before, &c->verdict, now, &c->events);
	return PANEL_IN_VERDICT |
	       (c->events.n + c->events.dropped != events_before ? PANEL_IN_EVENTS : 0);
}

/*
 * Copies the agents' snapshots; turns what changed into events; judges the
 * verdict again; returns the panel inputs that changed.
 */
static unsigned console_refresh(struct console *c)
{
	unsigned in = 0;
	int64_t now = console_now(c);
	size_t events_before = c->events.n + c->events.dropped;
	for (size_t i = 0; c->agents != NULL && i < c->cat.cf.n_sites; i++) {
		struct site_status st;
		agent_snapshot(c->agents[i], &st);
		if (st.generation != c->snaps[i].generation)
			in |= console_take(c, i, &st, now);
	}
	in |= console_judge(c, now);
	if (c->events.n + c->events.dropped != events_before)
		in |= PANEL_IN_EVENTS;
	return in;
}

/*
 * Draws a pane's frame and title over its content, and how much its
 * scrolling hides; the focused pane's title starts with a marker, which
 * tells it without colour (NO_COLOR, a monochrome terminal).
 */
static void console_frame(struct console *c, const struct console_pane *p, int focused)
{
	int top = p->scroll + p->moved; /* the content's first line in view */
	int h = getmaxy(p->win), w = getmaxx(p->win), below = p->lines - top - (h - 2);
	char buf[32];
	attr_t a = theme_attr(&c->theme, THEME_TITLE);
	char title[64];
	snprintf(title, sizeof title, "%s%s", focused ? theme_glyph(&c->theme, "▶ ", "> ") : "",
	         _(p->cls->title));
	draw_box(p->win, &c->theme, title, focused);
	if (top > 0) {
		snprintf(buf, sizeof buf, " %s %d ", theme_glyph(&c->theme, "↑", "^"), top);
		draw_text(p->win, 0, w - 2 - utf8_width(buf), utf8_width(buf), a, buf);
	}
	if (below > 0) {
		snprintf(buf, sizeof buf, _(" %s %d more "), theme_glyph(&c->theme, "↓", "v"), below);
		draw_text(p->win, h - 1, w - 2 - utf8_width(buf), utf8_width(buf), a, buf);
	}
}

/*
 * Keeps the runbook where the operator scrolled it while the run stays on
 * the same step; once its step changes, the panel follows the current one
 * again (a scroll key sets pin_step to SIZE_MAX: the step is taken here).
 */
static void console_pin_follow(struct console_pane *p, const struct runbook *run)
{
	if (!p->pinned)
		return;
	if (p->pin_step == SIZE_MAX)
		p->pin_step = run != NULL ? run->current : 0;
	else if (run == NULL || run->current != p->pin_step)
		p->pinned = p->scroll = 0;
}

/* Redraws the dirty panels (or the too-small notice) and updates the terminal once. */
static void console_draw(struct console *c)
{
	struct view v = console_panel_view(c);
	struct keys_state keys;
	console_keys_state(c, &keys);
	v.key_state = &keys;
	v.keys = keys.run.on ? console_keys_run(c) : NULL;
	if (c->too_small) {
		erase();
		char msg[96];
		snprintf(msg, sizeof msg, _("terminal too small: need %dx%d, have %dx%d"),
		         c->layout->min_w, c->layout->min_h, COLS, LINES);
		draw_text(stdscr, LINES / 2, 0, COLS, A_BOLD, msg);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	int any = 0;
	for (size_t i = 0; i < c->n_panes; i++) {
		struct console_pane *p = &c->panes[i];
		if (!p->dirty)
			continue;
		werase(p->win);
		if (p->cls == &panel_runbook)
			console_pin_follow(p, v.run);
		p->moved = 0;
		v.moved = &p->moved;
		v.pinned = p->pinned;
		p->lines = p->cls->draw(p->win, &v, p->scroll);
		if (p->cls->title != NULL)
			console_frame(c, p, (int)i == c->focus);
		wnoutrefresh(p->win);
		p->dirty = 0;
		any = 1;
	}
	/* An overlay goes back on top of whatever was redrawn under it. */
	if (c->help && (any || c->overlay_dirty))
		console_help_draw(c);
	if (c->pick_on && (any || c->overlay_dirty))
		console_pick_draw(c);
	if (c->prompt.purpose != PROMPT_NONE && (any || c->overlay_dirty))
		prompt_draw(&c->prompt, &c->theme);
	if (c->hostkey.open && (any || c->overlay_dirty))
		hostkey_dialog_draw(&c->hostkey, &c->theme);
	if (any || c->overlay_dirty)
		doupdate();
	c->overlay_dirty = 0;
}

/* Switches to a layout by name, if there is one. */
void console_use_layout(struct console *c, const char *name)
{
	const struct layout *l = layout_find(&c->cat.layouts, name);
	if (l != NULL && l != c->layout) {
		c->layout = l;
		console_layout(c);
	}
}

/* Shows a run: the incident layout, the focus on its runbook panel (its keys act on the run). */
void console_show_run(struct console *c)
{
	console_use_layout(c, "incident");
	for (size_t i = 0; i < c->n_panes; i++)
		if (c->panes[i].cls == &panel_runbook && c->focus != (int)i) {
			c->panes[c->focus].dirty = 1;
			c->focus = (int)i;
			c->panes[i].dirty = 1;
		}
}

/* Says a brief word on the run in the runbook panel's key line, for a few seconds. */
void console_flash(struct console *c, const char *word)
{
	snprintf(c->flash, sizeof c->flash, "%s", word);
	c->flash_until = clock_mono_ms() + CONSOLE_FLASH_MS;
	console_mark(c, PANEL_IN_RUN);
}

/* Writes the key the operator accepted to known_hosts and has the site connect again. */
static void console_accept_hostkey(struct console *c)
{
	struct hostkey_dialog *d = &c->hostkey;
	char *cause = NULL;
	if (knownhosts_append(d->key.file, d->key.entry, &cause) == -1) {
		snprintf(d->note, sizeof d->note, _("Not added: %s"), cause);
		free(cause);
		return;
	}
	event_log_add(&c->events, console_now(c), EVENT_WARNING, d->site_name,
	              _("%s: host key %s %s accepted by the operator, added to %s"), d->site_name,
	              d->key.key_type, d->key.fingerprint, d->key.file);
	/* Not offered again for this key: the agent reports it until it has reconnected. */
	snprintf(d->dismissed[d->site], sizeof d->dismissed[d->site], "%s", d->key.fingerprint);
	d->open = 0;
	agent_retry(c->agents[d->site]);
	console_mark(c, PANEL_IN_EVENTS);
}

/* Handles a key while the host key dialog is open. */
void console_hostkey_key(struct console *c, int ch)
{
	enum hostkey_answer a = hostkey_dialog_key(&c->hostkey, ch);
	if (a == HOSTKEY_ACCEPT)
		console_accept_hostkey(c);
	if (c->hostkey.open)
		c->overlay_dirty = 1;
	else
		console_dirty_all(c);
}

/*
 * Quits, or, while a run goes on, asks first (reason NULL: the operator's
 * q or Ctrl-C) or, with nobody to ask (a signal, the terminal gone), journals
 * that the console left the run open and gives its locks back.
 */
void console_quit(struct console *c, const char *reason)
{
	if (!runhost_going(&c->run)) {
		c->quit = 1;
	} else if (reason != NULL) {
		runhost_detach(&c->run, reason);
		c->quit = 1;
	} else if (c->prompt.purpose != PROMPT_DETACH) {
		console_run_ask_detach(c);
	} else { /* Ctrl-C again while asked */
		runhost_detach(&c->run, "the operator pressed Ctrl-C twice");
		c->quit = 1;
	}
}

/* K: offers again the unknown host key set aside with Esc, if there is one. */
void console_hostkey_reopen(struct console *c, int ch)
{
	(void)ch;
	hostkey_dialog_reopen(&c->hostkey);
	c->overlay_dirty = hostkey_dialog_offer(&c->hostkey, c->snaps, c->cat.cf.n_sites);
}

/* Handles a key of a typed dialog: the disarm dialog's, or a run's (and a drill's). */
void console_dialog_key(struct console *c, int ch)
{
	if (c->review)
		console_review_prompt(c, ch); /* nothing acts */
	else if (c->prompt.purpose == PROMPT_DISARM)
		console_fence_prompt(c, ch);
	else
		console_run_prompt(c, ch);
}

/*
 * Sets up signals: SIGTERM, SIGHUP and SIGINT through the self-pipe.
 * SIGWINCH stays with ncurses, which turns it into KEY_RESIZE (and wakes
 * poll with EINTR).
 */
static int console_signals(int pipefd[2])
{
	if (selfpipe_start(pipefd) == -1)
		return -1;
	/*
	 * Ctrl-Z is ignored: a suspended console stops watching the sites and
	 * timing the run, which during an incident nobody should do by a slip
	 * of the finger. (It also spares two syscalls per screen update, which
	 * curses spends guarding SIGTSTP when it handles it.)
	 */
	signal(SIGTSTP, SIG_IGN);
	return 0;
}

/*
 * Tells the agents whether every round must wake the loop: during a run
 * (its checks wait for fresh rounds), else only rounds that bring news, the
 * others being read at the next clock tick.
 */
static void console_eager(struct console *c)
{
	int want = c->run.active;
	if (c->agents == NULL || want == c->eager)
		return;
	for (size_t i = 0; i < c->cat.cf.n_sites; i++)
		agent_set_eager(c->agents[i], want);
	c->eager = want;
}

/* Takes in what the agents published, and what follows from it. */
static void console_take_all(struct console *c)
{
	console_mark(c, console_refresh(c));
	runbook_track(&c->track, &c->cat.cf, c->snaps, c->cat.cf.n_sites);
	console_run_pump(c);
	if (!c->follow_mode) /* a follower accepts no host key: it changes nothing */
		c->overlay_dirty |= hostkey_dialog_offer(&c->hostkey, c->snaps, c->cat.cf.n_sites);
	if (c->hostkey.open && c->help) {
		c->help = 0; /* the dialog needs the keys */
		console_dirty_all(c);
	}
}

/* Runs the loop until quit. */
static void console_loop(struct console *c, int sigfd)
{
	int64_t next_tick = clock_mono_ms();
	c->eager = 1;
	while (!c->quit) {
		console_eager(c);
		console_fence_tick(c);
		if (clock_left_ms(next_tick) == 0) {
			next_tick = clock_mono_ms() + 1000;
			console_tick(c);
			console_take_all(c);
		}
		if (c->follow_mode)
			console_follow_read(c); /* a step change shows within a quarter second */
		console_draw(c);
		struct pollfd pfd[3] = {
		    {STDIN_FILENO, POLLIN, 0}, {c->wake[0], POLLIN, 0}, {sigfd, POLLIN, 0}};
		int wait = clock_left_ms(next_tick);
		int n = poll(pfd, 3, c->follow_mode && wait > 250 ? 250 : wait);
		if (n > 0 && pfd[2].revents) {
			int sig;
			while ((sig = selfpipe_take(sigfd)) != 0)
				console_quit(c, sig == SIGINT ? NULL
				                : sig == SIGHUP
				                    ? "SIGHUP: the terminal went away"
				                    : "SIGTERM: the console was told to stop");
		}
		if (n > 0 && pfd[1].revents) {
			/* A pipe read takes all that waits: a short one left it empty. */
			char buf[64];
			while (read(c->wake[0], buf, sizeof buf) == (ssize_t)sizeof buf)
				;
			console_take_all(c);
		}
		if (n > 0 && (pfd[0].revents & (POLLHUP | POLLERR)))
			console_quit(c, "the terminal went away (a dropped SSH session)");
		/*
		 * Keys, and KEY_RESIZE after a SIGWINCH, which only the main thread
		 * receives (the agents' threads block signals), so it ends poll.
		 */
		int ch;
		if ((n > 0 && pfd[0].revents) || (n < 0 && errno == EINTR))
			while ((ch = getch()) != ERR)
				console_key(c, ch);
	}
}

/* Tells whether stdin and stdout are a terminal; says what to use instead when not. */
static int console_has_tty(void)
{
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return 1;
	textout_printf(stderr, _("drconsole: the console needs a terminal; for scripts, use "
	                       "'drconsole status'\n"));
	return 0;
}

/*
 * Prepares a console on the config's catalog: the layout, the empty
 * snapshots, the pipes; NULL (with the reason on stderr) when it cannot run
 * (need_tty: without a terminal either).
 */
static struct console *console_new(const char *config, const char *layout_name, int need_tty)
{
	struct console *c = xcalloc(1, sizeof *c);
	if (cli_load_catalog(config, &c->cat, 1) == -1)
		return NULL;
	c->layout = layout_name        ? layout_find(&c->cat.layouts, layout_name)
	            : c->cat.layouts.n ? &c->cat.layouts.items[0]
	                               : NULL;
	if (c->layout == NULL) {
		textout_printf(stderr, _("drconsole: no layout '%s'\n"),
		               layout_name ? layout_name : "");
		return NULL;
	}
	if (need_tty && !console_has_tty())
		return NULL;
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		textout_printf(stderr, _("drconsole: cannot create a pipe: %s\n"), strerror(errno));
		return NULL;
	}
	struct conf *cf = &c->cat.cf;
	c->snaps = xcalloc(cf->n_sites, sizeof *c->snaps);
	for (size_t i = 0; i < cf->n_sites; i++)
		snprintf(c->snaps[i].name, sizeof c->snaps[i].name, "%s", cf->sites[i].name);
	event_log_init(&c->events, 0);
	hostkey_dialog_init(&c->hostkey, cf->n_sites);
	runbook_track_init(&c->track);
	verdict_judge(cf, c->snaps, cf->n_sites, console_now(c), &c->verdict);
	return c;
}

/* Starts the terminal, runs the loop until quit, and leaves. */
static int console_run(struct console *c)
{
	int sig[2];
	if (console_signals(sig) == -1) {
		textout_printf(stderr, _("drconsole: cannot create a pipe: %s\n"), strerror(errno));
		return 1;
	}
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(50); /* Esc closes dialogs: do not wait a second for a sequence */
	typeahead(-1);    /* no look for pending keys at each update: two syscalls saved */
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	/*
	 * getch() refreshes stdscr first when it was touched, which a fresh
	 * stdscr is: refreshed once here, it never paints blank over the panels.
	 */
	refresh();
	theme_init(&c->theme);
	console_layout(c);
	if (c->review)
		console_show_run(c); /* the run reviewed, as the console running it showed it */
	console_loop(c, sig[0]);
	console_fence_stop(c);
	console_follow_stop(c);
	restoreproofs_free(&c->proofs);
	endwin();
	/* A run that just ended gives the DR site's lock back before the console leaves. */
	int64_t settle_ms = 2 * c->cat.cf.probe_timeout_ms;
	if (runhost_settle(&c->run, settle_ms) == -1)
		textout_printf(
		    stdout,
		    _("drconsole: the DR site's run lock was not given back within %lld s; the "
		    "next run offers to take it over\n"),
		    (long long)(settle_ms / 1000));
	fflush(stdout);
	logpipe_stop(c->log, 300);
	/* A frozen site's agent may sit in a deadline: leave without waiting for it. */
	rundir_remove_own();
	_exit(0);
}

/*
 * Runs the live console (no command given); with drill (and mode "drill" or
 * "tabletop"), straight into that drill's run, unless an unfinished run is
 * offered for resuming first (the operator decides that one).
 */
int cmd_console(const char *config, const char *layout_name, const char *drill, const char *mode)
{
	struct console *c = console_new(config, layout_name, 1);
	if (c == NULL)
		return 1;
	const struct scenario *sc = drill ? drillrun_find(&c->cat, drill) : NULL;
	if (drill != NULL && (sc == NULL || !drillrun_is_drill(&c->cat, sc))) {
		textout_printf(stderr, "drconsole: --%s %s: no such drill (drconsole plan lists them)\n",
		               mode, drill);
		return CLI_EXIT_USAGE;
	}
	struct conf *cf = &c->cat.cf;
	console_redirect_stderr(c);
	c->agents = xcalloc(cf->n_sites, sizeof *c->agents);
	for (size_t i = 0; i < cf->n_sites; i++) {
		char *cause = NULL;
		c->agents[i] = agent_start(cf, &cf->sites[i], c->wake[1], &cause);
		if (c->agents[i] == NULL) {
			textout_printf(stderr, "drconsole: %s\n", cause);
			return 1;
		}
	}
	char *cause = NULL;
	if ((c->local = localrun_start(c->wake[1], &cause)) == NULL) {
		textout_printf(stderr, "drconsole: %s\n", cause);
		return 1;
	}
	console_fence_start(c);
	console_run_offer_resume(c);
	if (sc != NULL && c->resume_path == NULL)
		console_drill_begin(c, sc, strcmp(mode, "tabletop") == 0 ? RUNHOST_TABLETOP
		                                                         : RUNHOST_DRILL);
	else if (sc != NULL)
		snprintf(c->prompt.note, sizeof c->prompt.note,
		         "--%s %s was not started: resume or leave this run first.", mode, sc->name);
	return console_run(c);
}

/*
 * drconsole --follow [RUN]: a read-only console for a run's participants:
 * the run (given, else the one in progress, else the first to start) from
 * its journal as it grows, beside the live sites (their own probes, or none
 * with no_probe); no key changes anything, no fence is kept, no host key is
 * accepted, nothing is run.
 */
int cmd_follow(const char *config, const char *layout_name, const char *run, int no_probe)
{
	struct console *c = console_new(config, layout_name ? layout_name : "incident", 0);
	if (c == NULL)
		return 1;
	char *cause = NULL;
	c->follow_mode = 1;
	if (run != NULL && console_follow_pin(c, run, &cause) == -1) {
		textout_printf(stderr, _("drconsole: --follow %s: %s\n"), run, cause);
		free(cause);
		return 1;
	}
	if (!console_has_tty())
		return 1;
	struct conf *cf = &c->cat.cf;
	console_redirect_stderr(c);
	if (!no_probe) {
		c->agents = xcalloc(cf->n_sites, sizeof *c->agents);
		for (size_t i = 0; i < cf->n_sites; i++) {
			c->agents[i] = agent_start(cf, &cf->sites[i], c->wake[1], &cause);
			if (c->agents[i] == NULL) {
				textout_printf(stderr, "drconsole: %s\n", cause);
				return 1;
			}
		}
	}
	return console_run(c);
}

/*
 * Opens the console on captures of status --json in a file, oldest first:
 * nothing is connected, the events panel shows what changed from one capture
 * to the next, and the clock stays at the last one.
 */
int console_view(const char *config, const char *layout_name, const char *path,
                 const char *run)
{
	struct console *c = console_new(config, layout_name, 1);
	if (c == NULL)
		return 1;
	struct status_captures caps;
	struct diag d;
	diag_init(&d);
	int rc = status_read_file(path, &c->cat.cf, &caps, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (rc == -1)
		return 1;
	for (size_t k = 0; k < caps.n; k++) {
		c->recorded_ms = caps.items[k].time_ms;
		for (size_t i = 0; i < c->cat.cf.n_sites; i++)
			console_take(c, i, &caps.items[k].sites[i], c->recorded_ms);
		console_judge(c, c->recorded_ms);
	}
	status_captures_free(&caps);
	char *cause = NULL;
	if (run != NULL && console_review_load(c, run, &cause) == -1) {
		textout_printf(stderr, _("drconsole: --run %s: %s\n"), run, cause);
		free(cause);
		return 1;
	}
	return console_run(c);
}
