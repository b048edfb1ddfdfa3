/*
 * The fence that outlives every console: after a promotion, the old
 * primary's fence on return is written to <state_dir>/fence.json, and every
 * drconsole process that loads the config arms it, until a person disarms it
 * with the site's name typed.
 */
#ifndef DR_FENCESTATE_H
#define DR_FENCESTATE_H

#include <stddef.h>

#define FENCESTATE_FILE "fence.json"
#define FENCESTATE_LOCK "fence.lock"

/* fencestate_arm: the same site's fence was armed already (the file is left as it was). */
#define FENCESTATE_ALREADY 1

#define FENCESTATE_CONSOLE "console" /* actor: a console, run by a person */
#define FENCESTATE_WATCH   "watch"   /* actor: the headless watcher */

/* Who armed or disarmed a fence. Strings are UTF-8 without control characters. */
struct fencestate_by {
	char actor[16];    /* FENCESTATE_CONSOLE or FENCESTATE_WATCH */
	char run[128];     /* the run id (runid.h), "" when there is none */
	char operator[64]; /* $USER, else the account's name */
	char host[256];    /* gethostname */
	int pid;
};

/* One change of a fence: when, who, why. */
struct fencestate_mark {
	char at[32]; /* RFC 3339 UTC with milliseconds */
	struct fencestate_by by;
	char reason[512];
};

/* A fence state as read from fence.json. */
struct fencestate {
	int present;    /* fence.json exists (0: never armed here; the rest is empty) */
	int armed;      /* 1: the site must be fenced when it comes back */
	char site[128]; /* the old primary's name, as the config writes it */
	struct fencestate_mark arm;
	int disarmed;                  /* 1 when disarm holds the disarming (armed is then 0) */
	struct fencestate_mark disarm; /* disarmed: who lifted it */
	size_t history;                /* earlier fences kept in the file */
};

void fencestate_by_me(struct fencestate_by *by, const char *actor, const char *run_id);
int fencestate_read(const char *state_dir, struct fencestate *out, char **cause);
int fencestate_arm(const char *state_dir, const char *site, const struct fencestate_by *by,
                   const char *reason, char **cause);
int fencestate_disarm(const char *state_dir, const char *typed, const struct fencestate_by *by,
                      const char *reason, char **cause);

#endif
