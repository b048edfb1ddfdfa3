/*
 * The runbook engine's host in the console: its clock, its journal file, and
 * its executor, which answers built-ins that read the snapshots at once and
 * hands everything else to the site agents; their results come back through
 * runhost_pump on the main thread.
 */
#ifndef DR_RUNHOST_H
#define DR_RUNHOST_H

#include "agent.h"
#include "catalog.h"
#include "journal.h"
#include "runbook.h"
#include "runlock.h"

#define RUNHOST_MAX_LOCAL 16

/* A result computed here, delivered after the engine's call returns. */
struct runhost_local {
	unsigned id;
	int ok;
	char detail[512];
};

struct runhost {
	int active;
	struct runbook rb;
	const struct catalog *cat;
	struct agent **agents;
	const struct site_status *snaps;
	struct journal *journal;
	char *journal_path;
	struct runlock lock; /* one run at a time on this jump host, for the DR site */
	char journal_error[256]; /* the last append that failed: shown, never ignored */
	struct runhost_local local[RUNHOST_MAX_LOCAL];
	size_t n_local;
};

int runhost_start(struct runhost *h, const struct catalog *cat, const struct scenario *sc,
		  struct agent **agents, const struct site_status *snaps, const struct rb_track *seen,
		  char **cause);
int runhost_resume(struct runhost *h, const struct catalog *cat, const char *path,
		   struct agent **agents, const struct site_status *snaps, const struct rb_track *seen,
		   char **cause);
int runhost_pump(struct runhost *h, const struct site_status *snaps, size_t n);
void runhost_stop(struct runhost *h);

#endif
