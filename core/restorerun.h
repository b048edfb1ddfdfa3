/*
 * A restore test inside a run: which backup file it restores (the refusal
 * decision of a step guarded by backup_proven), and what its answer leaves
 * behind: a proof for the state folder and a record for the journal.
 */
#ifndef DR_RESTORERUN_H
#define DR_RESTORERUN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf.h"
#include "restoreproof.h"
#include "restoretest.h"
#include "snapshot.h"

#define RESTORERUN_GUARD "backup_proven" /* the guard that keeps unproven backups out */

/* A restore test sent: the file it restores, as listed. */
struct restorerun {
	unsigned id; /* the operation's, 0: none */
	const struct site *site;
	char name[128]; /* in the backup folder */
	int64_t size, mtime_s;
	int proven;      /* the file was proven before this test */
	int overridden;  /* restored unproven on the operator's typed override */
};

int restorerun_pick(const struct site *site, const struct snap_backups *b,
                    const struct restoreproofs *proofs, int guarded, int overridden,
                    struct restorerun *out, char *why, size_t len);
void restorerun_proof(const struct restorerun *r, const struct restoretest_answer *a,
                      int64_t now_ms, const char *run, struct restoreproof *out);
json_t *restorerun_json(const struct restorerun *r, const struct restoretest_answer *a,
                        const char *detail);

#endif
