/*
 * The restore test's file. Without the backup_proven guard a restore test
 * restores the newest backup listed. With it (the ransomware drill), it
 * restores the newest backup only when that file is proven, or when the
 * operator overrode the guard by typing its name: a newer, unproven backup
 * that appeared after the guard passed is refused, not restored behind the
 * operator's back. The script then checks the file is still the one listed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restorerun.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * Picks the file a restore test restores on site; 0 with out filled, or -1
 * with why (nothing is restored).
 */
int restorerun_pick(const struct site *site, const struct snap_backups *b,
                    const struct restoreproofs *proofs, int guarded, int overridden,
                    struct restorerun *out, char *why, size_t len)
{
	struct restoreproof_file f;
	memset(out, 0, sizeof *out);
	if (restoreproof_newest(site, b, &f) == -1) {
		snprintf(why, len, "no backup is listed at %s to restore", site->name);
		return -1;
	}
	out->proven = restoreproof_find(proofs, site->name, &f) != NULL;
	free((char *)f.path);
	if (guarded && !out->proven && !overridden) {
		snprintf(why, len,
		         "the newest backup %s on %s is not proven restorable: it is not restored "
		         "without the typed override of %s",
		         b->newest_name, site->name, RESTORERUN_GUARD);
		return -1;
	}
	out->site = site;
	snprintf(out->name, sizeof out->name, "%s", b->newest_name);
	out->size = b->newest_bytes;
	out->mtime_s = b->newest_mtime_s.v;
	out->overridden = guarded && !out->proven;
	return 0;
}

/* Fills the proof a successful restore test of r leaves (strings allocated). */
void restorerun_proof(const struct restorerun *r, const struct restoretest_answer *a,
                      int64_t now_ms, const char *run, struct restoreproof *out)
{
	memset(out, 0, sizeof *out);
	out->site = xstrdup(r->site->name);
	out->file = restoretest_path(r->site, r->name);
	out->size = a->size;
	out->mtime_s = a->mtime_s;
	out->proven_ms = now_ms;
	out->duration_ms = a->duration_ms;
	out->tables = a->tables;
	out->rows = a->rows;
	out->canary = a->canary;
	out->target = restoretest_target(r->site);
	out->run = run ? xstrdup(run) : NULL;
}

/* Returns an integer, or null when it is not known (-1). */
static json_t *restorerun_int(int64_t v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

/* Returns the journal's record of a restore test: the file, the outcome, the counts. */
json_t *restorerun_json(const struct restorerun *r, const struct restoretest_answer *a,
                        const char *detail)
{
	char *path = restoretest_path(r->site, r->name), *target = restoretest_target(r->site);
	json_t *o = json_pack(
	    "{s:s, s:o, s:I, s:I, s:b, s:b, s:b, s:s?, s:o, s:o, s:o, s:b, s:s, s:o}", "site",
	    r->site->name, "file", utf8_json_string(path), "size", (json_int_t)r->size, "mtime",
	    (json_int_t)r->mtime_s, "ok", a->ok, "was_proven", r->proven, "overridden",
	    r->overridden, "failed_at", a->ok ? NULL : a->failed_at, "tables",
	    restorerun_int(a->tables), "rows", restorerun_int(a->rows), "duration_ms",
	    restorerun_int(a->duration_ms), "canary", a->canary, "target", target, "detail",
	    utf8_json_string(detail ? detail : ""));
	free(path);
	free(target);
	return o;
}
