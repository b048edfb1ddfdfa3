/*
 * A site agent: the threads that own one site's SSH session, its PostgreSQL
 * bridge and its libpq connection, probe the site every interval and publish
 * an immutable snapshot. The main thread only reads snapshots; it never waits
 * on the site.
 */
#ifndef DR_AGENT_H
#define DR_AGENT_H

#include <stdint.h>

#include "conf.h"
#include "opqueue.h"
#include "snapshot.h"

struct agent;

struct agent *agent_start(const struct conf *cf, const struct site *site, int wake_fd,
			  char **cause);
void agent_snapshot(struct agent *a, struct site_status *out);
int agent_rounds(struct agent *a);
int64_t agent_round_deadline(struct agent *a);
void agent_retry(struct agent *a);
void agent_set_eager(struct agent *a, int on);
void agent_submit(struct agent *a, struct op *op);
int agent_disarm(struct agent *a, unsigned id);
int agent_take(struct agent *a, struct op *out);
void agent_stop(struct agent *a);

#endif
