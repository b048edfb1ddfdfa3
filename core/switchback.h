/*
 * The planned switchover back to the original primary after a failover,
 * with no data loss: writes stopped on the DR site by a clean shutdown
 * (which sends all of its WAL to the connected standby first), the standby
 * proven to have received the final checkpoint, the kept fence lifted by a
 * person, the original primary promoted, and the DR site rejoined as its
 * standby (pg_rewind only when it wrote past what the new primary has).
 */
#ifndef DR_SWITCHBACK_H
#define DR_SWITCHBACK_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

char *switchback_stop_script(const struct site *s);
int switchback_stop_parse(const char *out, int64_t *lsn, char *detail, size_t len);
const char *switchback_promote_refusal(int fence_kept, int fence_armed, int64_t stopped_lsn);
int switchback_received(int64_t received_lsn, int64_t stopped_lsn, char *detail, size_t len);
int switchback_rewind_needed(int64_t stopped_lsn, int64_t promoted_lsn);

#endif
