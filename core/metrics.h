/*
 * The watcher's Prometheus textfile (watch.metrics_file): the overall status,
 * each site's reachability, PostgreSQL, role, lag and newest backup, and the
 * watcher's own counters, in the text exposition format, replaced whole.
 */
#ifndef DR_METRICS_H
#define DR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "snapshot.h"
#include "verdict.h"

/* What the watcher adds to the sites' snapshots. */
struct metrics_watch {
	int64_t now_ms;            /* wall clock the ages are reckoned at */
	int64_t last_check_ms;     /* wall clock of the last check; 0: none yet (omitted) */
	uint64_t failovers_total;  /* failovers the watcher has started */
	const char *const *fenced; /* the sites whose fence is armed */
	size_t n_fenced;
};

char *metrics_render(const struct conf *cf, const struct site_status *sites, size_t n,
                     const struct verdict *v, const struct metrics_watch *w);
int metrics_write(const char *path, const char *text, char **cause);

#endif
