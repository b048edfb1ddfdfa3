/*
 * The kept fence told in a few words, for the console: the header's
 * "fence kept: SITE (since HH:MM)" (UTC, as the header's clock; with the
 * date when it is not today's), shorter where the columns are few, and who
 * armed it, for the cause of a split brain that the kept fence explains.
 */
#ifndef DR_FENCENOTE_H
#define DR_FENCENOTE_H

#include <stddef.h>
#include <stdint.h>

#include "fencestate.h"

void fencenote_since(const char *at, int64_t now_ms, char *out, size_t len);
void fencenote_by(const struct fencestate_by *by, char *out, size_t len);
int fencenote_kept(const struct fencestate *fs, int64_t now_ms, int cols, char *out, size_t len);
void fencenote_cause(const struct fencestate *fs, int64_t now_ms, char *out, size_t len);

#endif
