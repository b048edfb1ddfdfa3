/*
 * The watcher's presence told in a few words, for the console's header:
 * "watch: automatic, checked 3s ago", shorter where the columns are few,
 * with how much it deserves a look: a watcher that stopped during this
 * console's life, one in another state than watching, or one whose last
 * check is overdue is a warning.
 */
#ifndef DR_WATCHNOTE_H
#define DR_WATCHNOTE_H

#include <stddef.h>
#include <stdint.h>

#include "watchstate.h"

enum watchnote_level {
	WATCHNOTE_NONE, /* nothing fits */
	WATCHNOTE_DIM,  /* no watcher: said only where there is room */
	WATCHNOTE_OK,   /* it watches, and checked lately */
	WATCHNOTE_WARN, /* it stopped, is overdue, or is not just watching */
};

int watchnote_stamp_ms(const char *stamp, int64_t *ms);
void watchnote_age(int64_t ms, char *out, size_t len);
enum watchnote_level watchnote_text(const struct watchstate *ws, int seen_running, int64_t now_ms,
                                    int cols, char *out, size_t len);

#endif
