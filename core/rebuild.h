/*
 * Rebuilding a site's PostgreSQL as a streaming standby of another site
 * (the built-in rebuild_standby): pg_rewind when its prerequisites hold
 * (wal_log_hints = on or data checksums, a clean shutdown), else
 * pg_basebackup into the data folder with the old one moved aside and kept;
 * or, when no rewind is needed, the data folder kept as it is. Then
 * standby.signal and primary_conninfo, a start, and a wait until it streams
 * from the source.
 */
#ifndef DR_REBUILD_H
#define DR_REBUILD_H

#include <stddef.h>

#include "conf.h"

enum rebuild_mode {
	REBUILD_AUTO, /* pg_rewind if it can, else pg_basebackup */
	REBUILD_KEEP, /* the data folder kept (a clean shutdown the source has all of) */
};

enum rebuild_method { REBUILD_NONE, REBUILD_REWIND, REBUILD_BASEBACKUP, REBUILD_KEPT };

char *rebuild_script(const struct site *self, const struct site *source, enum rebuild_mode mode,
                     int wait_s);
int rebuild_parse(const char *out, enum rebuild_method *method, char *detail, size_t len);
const char *rebuild_method_name(enum rebuild_method m);

#endif
