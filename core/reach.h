/*
 * The DR site's own look at the primary, for the watcher's confirmation:
 * a connection test run on the DR site (pg_isready, with a deadline) to the
 * primary's PostgreSQL at the address the DR site's WAL receiver streamed
 * from, read together with that receiver's state.
 */
#ifndef DR_REACH_H
#define DR_REACH_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* Where the DR site streams from, as last seen while it streamed. */
struct reach_target {
	char host[128]; /* "" when never seen streaming */
	long port;
	int64_t receive_lsn; /* the DR site's receive position at the last check; -1 */
	char nonce[17];      /* the marker's nonce of the test last made (reach_script) */
};

void reach_init(struct reach_target *t);
void reach_learn(struct reach_target *t, const struct snap_pg *dr);
char *reach_script(struct reach_target *t, int64_t timeout_ms);
int reach_judge(struct reach_target *t, const struct snap_pg *dr, int op_ok, const char *output,
                const char *failure, int *lost, char *why, size_t len);

#endif
