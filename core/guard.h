/*
 * Guards: the conditions a recovery step needs before it may be confirmed,
 * judged from the latest site snapshots and what the run itself knows (a
 * fence it carried out, an attestation the operator made). Each judgement
 * says pass or fail with the evidence shown to the operator.
 */
#ifndef DR_GUARD_H
#define DR_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "restoreproof.h"
#include "snapshot.h"

/* What a guard judges from. */
struct guard_ctx {
	const struct conf *cf;
	const struct site_status *sites; /* in the config's order */
	size_t n;
	int64_t now_ms;
	int64_t
	    last_primary_lsn; /* the highest WAL position the old primary was seen at; -1 unknown */
	int fenced;           /* the run stopped the old primary's PostgreSQL and saw it down */
	int attested;         /* the operator attested the old primary is down (journaled) */
	const struct restoreproofs *proofs; /* the proven restores; NULL: cannot be read */
};

/* A judgement. */
struct guard_result {
	int pass;
	char evidence[512];
};

int guard_check(const char *name, const struct guard_ctx *g, struct guard_result *r);
int guard_primary_writable(const struct guard_ctx *g, char *why, size_t len);
int guard_builtin(const char *name, const struct site *site, const struct guard_ctx *g,
                  struct guard_result *r);

#endif
