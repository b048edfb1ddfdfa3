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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "clock.h"
#include "draw.h"
#include "events.h"
#include "layout.h"
#include "panel.h"
#include "theme.h"
#include "verdict.h"
#include "xmalloc.h"

#define CONSOLE_CTRL(c) ((c) & 0x1f)

struct console_pane {
	const struct panel_class *cls;
	WINDOW *win;
	int scroll;
	int dirty;
};

struct console {
	struct catalog cat;
	const struct layout *layout;
	struct console_pane panes[LAYOUT_MAX_PANELS];
	size_t n_panes;
	int focus;
	int help;
	int too_small;
	int quit;
	struct agent **agents;
	struct site_status *snaps;
	struct verdict verdict;
	struct event_log events;
	struct theme theme;
	int wake[2];
	uint64_t stale_bits; /* which parts were stale at the last tick */
};

static int console_sig_fd = -1;

/* Signal handler: hands the signal number to the loop through the self-pipe. */
static void console_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;
	ssize_t w = write(console_sig_fd, &c, 1);
	(void)w;
	errno = saved;
}

/* Sends stderr (libpq, libssh, and anything else) to a log file before curses starts. */
static void console_redirect_stderr(const struct conf *cf)
{
	mkdir(cf->state_dir, 0700);
	char *path = xasprintf("%s/console.log", cf->state_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	free(path);
}

/* Makes one window per panel of the current layout for the current size. */
static void console_layout(struct console *c)
{
	for (size_t i = 0; i < c->n_panes; i++)
		delwin(c->panes[i].win);
	c->n_panes = 0;
	struct layout_rect r[LAYOUT_MAX_PANELS];
	size_t n;
	char err[256];
	c->too_small = layout_compute(c->layout, COLS, LINES, r, LAYOUT_MAX_PANELS, &n, err,
				      sizeof err) == -1;
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
static void console_dirty_all(struct console *c)
{
	for (size_t i = 0; i < c->n_panes; i++)
		c->panes[i].dirty = 1;
}

/* Returns a bit per site part (health, backups, PostgreSQL) that is stale now. */
static uint64_t console_stale_bits(const struct console *c)
{
	struct view v = {&c->cat.cf, c->snaps, c->cat.cf.n_sites, &c->verdict, &c->events,
			 clock_wall_ms(), &c->theme};
	uint64_t bits = 0;
	for (size_t i = 0; i < c->cat.cf.n_sites && i < 21; i++) {
		bits |= (uint64_t)panel_is_stale(&v, c->snaps[i].health.at_ms) << (3 * i);
		bits |= (uint64_t)panel_is_stale(&v, c->snaps[i].backups.at_ms) << (3 * i + 1);
		bits |= (uint64_t)panel_is_stale(&v, c->snaps[i].pg.at_ms) << (3 * i + 2);
	}
	return bits;
}

/* Marks the panels a clock tick changes: the header's clock, and all when staleness changed. */
static void console_tick(struct console *c)
{
	uint64_t bits = console_stale_bits(c);
	if (bits != c->stale_bits) {
		c->stale_bits = bits;
		console_dirty_all(c);
		return;
	}
	for (size_t i = 0; i < c->n_panes; i++)
		if (c->panes[i].cls == &panel_header)
			c->panes[i].dirty = 1;
}

/* Copies the agents' snapshots; turns what changed into events and a new verdict. */
static int console_refresh(struct console *c)
{
	int changed = 0;
	int64_t now = clock_wall_ms();
	for (size_t i = 0; i < c->cat.cf.n_sites; i++) {
		struct site_status st;
		agent_snapshot(c->agents[i], &st);
		if (st.generation == c->snaps[i].generation)
			continue;
		events_diff(&c->cat.cf, &c->snaps[i], &st, now, &c->events);
		c->snaps[i] = st;
		changed = 1;
	}
	if (changed)
		verdict_judge(&c->cat.cf, c->snaps, c->cat.cf.n_sites, now, &c->verdict);
	return changed;
}

/* Draws the help overlay listing every key. */
static void console_draw_help(struct console *c)
{
	static const char *const lines[] = {
		"q          quit",
		"?          this help (any key closes it)",
		"1 .. 9     switch layout (overview, incident, drill, compact)",
		"Tab        move the focus to the next panel",
		"Up/Down    scroll the focused panel; PgUp/PgDn by a page",
		"Ctrl-L     repaint the whole screen",
	};
	int n = (int)(sizeof lines / sizeof lines[0]);
	int w = 64 < COLS - 2 ? 64 : COLS - 2, h = n + 4 < LINES ? n + 4 : LINES;
	if (w < 10 || h < 3)
		return;
	WINDOW *win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	werase(win);
	draw_box(win, &c->theme, "keys", 1);
	for (int i = 0; i < n && i + 2 < h - 1; i++)
		draw_text(win, i + 2, 2, w - 4, A_NORMAL, lines[i]);
	wnoutrefresh(win);
	delwin(win);
}

/* Redraws the dirty panels (or the too-small notice) and updates the terminal once. */
static void console_draw(struct console *c)
{
	struct view v = {&c->cat.cf, c->snaps, c->cat.cf.n_sites, &c->verdict, &c->events,
			 clock_wall_ms(), &c->theme};
	if (c->too_small) {
		erase();
		char msg[96];
		snprintf(msg, sizeof msg, "terminal too small: need %dx%d, have %dx%d",
			 c->layout->min_w, c->layout->min_h, COLS, LINES);
		draw_text(stdscr, LINES / 2, 0, COLS, A_BOLD, msg);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	int any = 0;
	for (size_t i = 0; i < c->n_panes; i++) {
		struct console_pane *p = &c->panes[i];
		if (!p->dirty && !c->help)
			continue;
		werase(p->win);
		p->cls->draw(p->win, &v, p->scroll, (int)i == c->focus);
		wnoutrefresh(p->win);
		p->dirty = 0;
		any = 1;
	}
	if (c->help)
		console_draw_help(c);
	if (any || c->help)
		doupdate();
}

/* Switches to the layout bound to a digit key, if there is one. */
static void console_switch(struct console *c, int key)
{
	for (size_t i = 0; i < c->cat.layouts.n; i++)
		if (c->cat.layouts.items[i].key == key - '0') {
			c->layout = &c->cat.layouts.items[i];
			console_layout(c);
			return;
		}
}

/* Handles one key. */
static void console_key(struct console *c, int ch)
{
	if (c->help && ch != KEY_RESIZE) {
		c->help = 0;
		console_dirty_all(c);
		return;
	}
	struct console_pane *p = c->n_panes ? &c->panes[c->focus] : NULL;
	switch (ch) {
	case 'q':
	case 'Q':
		c->quit = 1;
		break;
	case '?':
		c->help = 1;
		break;
	case '\t':
		if (c->n_panes) {
			c->panes[c->focus].dirty = 1;
			c->focus = (c->focus + 1) % (int)c->n_panes;
			c->panes[c->focus].dirty = 1;
		}
		break;
	case KEY_UP:
	case KEY_DOWN:
	case KEY_PPAGE:
	case KEY_NPAGE:
		if (p != NULL) {
			int page = getmaxy(p->win) - 2, d = ch == KEY_UP ? -1 : ch == KEY_DOWN ? 1
							: ch == KEY_PPAGE ? -page : page;
			p->scroll = p->scroll + d < 0 ? 0 : p->scroll + d;
			p->dirty = 1;
		}
		break;
	case CONSOLE_CTRL('l'):
		clearok(curscr, TRUE);
		console_dirty_all(c);
		break;
	case KEY_RESIZE:
		console_layout(c);
		break;
	default:
		if (ch >= '1' && ch <= '9')
			console_switch(c, ch);
		break;
	}
}

/*
 * Sets up signals: a self-pipe for SIGTERM, SIGHUP and SIGINT. SIGWINCH stays
 * with ncurses, which turns it into KEY_RESIZE (and wakes poll with EINTR).
 */
static int console_signals(int pipefd[2])
{
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	console_sig_fd = pipefd[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = console_signal;
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGTERM, SIGHUP, SIGINT};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Runs the loop until quit. */
static void console_loop(struct console *c, int sigfd)
{
	int64_t next_tick = clock_mono_ms();
	while (!c->quit) {
		if (clock_left_ms(next_tick) == 0) {
			next_tick = clock_mono_ms() + 1000;
			console_tick(c);
		}
		console_draw(c);
		struct pollfd pfd[3] = {{STDIN_FILENO, POLLIN, 0}, {c->wake[0], POLLIN, 0},
					{sigfd, POLLIN, 0}};
		int n = poll(pfd, 3, clock_left_ms(next_tick));
		if (n > 0 && pfd[2].revents) {
			unsigned char sig;
			while (read(sigfd, &sig, 1) == 1)
				c->quit = 1;
		}
		if (n > 0 && pfd[1].revents) {
			char buf[64];
			while (read(c->wake[0], buf, sizeof buf) > 0)
				;
			if (console_refresh(c))
				console_dirty_all(c);
		}
		if (n > 0 && (pfd[0].revents & (POLLHUP | POLLERR)))
			c->quit = 1; /* the terminal went away (a dropped SSH session) */
		/* Keys, and KEY_RESIZE after a SIGWINCH (which may have ended poll early). */
		int ch;
		while ((ch = getch()) != ERR)
			console_key(c, ch);
	}
}

/* Runs the console (no command given). */
int cmd_console(const char *config, const char *layout_name)
{
	struct console *c = xcalloc(1, sizeof *c);
	if (cli_load_catalog(config, &c->cat, 1) == -1)
		return 1;
	c->layout = layout_name ? layout_find(&c->cat.layouts, layout_name)
				: c->cat.layouts.n ? &c->cat.layouts.items[0] : NULL;
	if (c->layout == NULL) {
		fprintf(stderr, "drconsole: no layout '%s'\n", layout_name ? layout_name : "");
		return 1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "drconsole: the console needs a terminal; for scripts, use "
				"'drconsole status'\n");
		return 1;
	}
	int sig[2];
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) == -1 || console_signals(sig) == -1) {
		fprintf(stderr, "drconsole: cannot create a pipe: %s\n", strerror(errno));
		return 1;
	}
	struct conf *cf = &c->cat.cf;
	c->agents = xcalloc(cf->n_sites, sizeof *c->agents);
	c->snaps = xcalloc(cf->n_sites, sizeof *c->snaps);
	for (size_t i = 0; i < cf->n_sites; i++)
		snprintf(c->snaps[i].name, sizeof c->snaps[i].name, "%s", cf->sites[i].name);
	event_log_init(&c->events, 0);
	verdict_judge(cf, c->snaps, cf->n_sites, clock_wall_ms(), &c->verdict);
	console_redirect_stderr(cf);
	for (size_t i = 0; i < cf->n_sites; i++) {
		char *cause = NULL;
		c->agents[i] = agent_start(cf, &cf->sites[i], c->wake[1], &cause);
		if (c->agents[i] == NULL) {
			fprintf(stderr, "drconsole: %s\n", cause);
			return 1;
		}
	}
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	theme_init(&c->theme);
	console_layout(c);
	console_loop(c, sig[0]);
	endwin();
	/* A frozen site's agent may sit in a deadline: leave without waiting for it. */
	_exit(0);
}
