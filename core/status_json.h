/*
 * drconsole status --json: the sites' snapshots and the verdict as one JSON
 * object with the stable keys of the design (overall, sites[], replication[])
 * and more. An unknown value is null, never 0.
 */
#ifndef DR_STATUS_JSON_H
#define DR_STATUS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "fencestate.h"
#include "restoreproof.h"
#include "snapshot.h"
#include "verdict.h"
#include "watchstate.h"

/* What the state folder tells: the kept fence and the watcher, or (NULL) why not known. */
struct status_json_state {
	const struct fencestate *fence;
	const char *fence_error;
	const struct watchstate *watch;
	const char *watch_error;
	const struct restoreproofs *proofs; /* the proven restores; NULL: cannot be read */
	const char *proofs_error;           /* ... why */
};

char *status_json_render(const struct conf *cf, const struct site_status *sites, size_t n,
                         const struct verdict *v, int64_t now_wall_ms);
char *status_json_render_fence(const struct conf *cf, const struct site_status *sites, size_t n,
                               const struct verdict *v, int64_t now_wall_ms,
                               const struct fencestate *fence, const char *fence_error);
char *status_json_render_state(const struct conf *cf, const struct site_status *sites, size_t n,
                               const struct verdict *v, int64_t now_wall_ms,
                               const struct status_json_state *st);
char *status_json_render_error(const char *error, int64_t now_wall_ms);

#endif
