/*
 * The watcher's presence, for the consoles and status --json: while
 * "drconsole watch" runs, it holds an exclusive flock on
 * <state_dir>/watch.lock (one watcher per state folder; the kernel drops
 * the lock when the process dies, however it dies) and replaces
 * <state_dir>/watch.json after every check:
 *
 *   {"pid": 4242, "host": "jump1", "operator": "kim",
 *    "since": "<RFC 3339>", "mode": "automatic" | "manual",
 *    "state": "watching" | "suspected" | "confirmed" | "failing_over" |
 *             "failed_over" | "held" | "stopped",
 *    "last_check": "<RFC 3339>" or null, "check_interval_ms": 30000,
 *    "failovers": 0, "run": "<run id>" or null, "last_run": "<run id>" or null,
 *    "detail": "...",
 *    "reach": {"primary": "<site>", "dr": "<site>", "host": "...",
 *              "port": 5432} or null}
 *
 * reach is the primary's address as the DR site streamed from it, which the
 * DR site's connection test needs: a watcher started again while the
 * primary is down (it is no longer streamed from) takes it from here, for
 * the same primary and DR site.
 *
 * A reader tells "running" from the lock alone: a watch.json left by a
 * watcher that died is shown as what it was, not as a running watcher.
 */
#ifndef DR_WATCHSTATE_H
#define DR_WATCHSTATE_H

#include <stdint.h>

#define WATCHSTATE_FILE "watch.json"
#define WATCHSTATE_LOCK "watch.lock"

struct watchstate {
	int present; /* watch.json was read */
	int running; /* a watcher holds watch.lock now */
	int pid;
	char host[256];
	char operator[64];
	char since[32];
	char mode[16];
	char state[32];
	char last_check[32]; /* "" when none yet */
	int64_t check_interval_ms;
	int64_t failovers;
	char run[128];      /* the run under way, "" when none */
	char last_run[128]; /* the last run it started, "" when none */
	char detail[512];
	char reach_primary[128]; /* reach: for this primary and DR site ("" when none) */
	char reach_dr[128];
	char reach_host[128];
	int64_t reach_port;
};

int watchstate_claim(const char *state_dir, char **cause);
int watchstate_write(const char *state_dir, const struct watchstate *ws, char **cause);
int watchstate_read(const char *state_dir, struct watchstate *out, char **cause);

#endif
