/*
 * The DR test schedule seen from the console: the runs in the state folder's
 * journals (schedule_runs) judged against dr-test-schedule.yml at the
 * console's time (schedule_due), for the schedule panel. Read from the
 * loop's one-second tick: at start, then at most once a minute while a
 * schedule panel is on screen; never at a frame (every journal is verified).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "console.h"
#include "xmalloc.h"

#define CONSOLE_SCHEDULE_EVERY_MS 60000

/* Tells whether the current layout shows the schedule panel. */
static int console_schedule_shown(const struct console *c)
{
	for (size_t i = 0; i < c->n_panes; i++)
		if (c->panes[i].cls == &panel_schedule)
			return 1;
	return 0;
}

/* Frees what the last read kept. */
static void console_schedule_free(struct console *c)
{
	schedule_runs_free(&c->sched_runs);
	free(c->sched_due);
	c->sched_due = NULL;
}

/* Reads the runs and judges the schedule at the console's time, when it is time to. */
void console_schedule_read(struct console *c)
{
	int64_t mono = clock_mono_ms();
	if (c->sched_read &&
	    (mono - c->sched_read_mono < CONSOLE_SCHEDULE_EVERY_MS || !console_schedule_shown(c)))
		return;
	char *cause = NULL;
	int64_t now = console_now(c);
	console_schedule_free(c);
	c->sched_due = xcalloc(c->cat.schedule.n + 1, sizeof *c->sched_due);
	c->sched = (struct view_schedule){.due = c->sched_due, .at_ms = now};
	if (schedule_runs_read(c->cat.cf.state_dir, &c->sched_runs, &cause) == -1) {
		snprintf(c->sched_error, sizeof c->sched_error, "%s", cause);
		c->sched.error = c->sched_error;
		free(cause);
	} else {
		schedule_due_compute(&c->cat.schedule, c->sched_runs.items, c->sched_runs.n, now,
		                     c->sched_due);
		c->sched.n = c->cat.schedule.n;
		c->sched.damaged = c->sched_runs.n_damaged;
	}
	c->sched_read = 1;
	c->sched_read_mono = mono;
	console_mark(c, PANEL_IN_SCHEDULE);
}
