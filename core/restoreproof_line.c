/*
 * The last proven restore of a site in one line, for the backups panel and
 * status: which file, how long ago, tables and rows, how long it took; and
 * how the newest backup stands against it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "i18n.h"
#include "restoreproof.h"
#include "restoretest.h"

/* Fills f with the site's newest backup as listed (path allocated); -1 (path NULL) when unknown. */
int restoreproof_newest(const struct site *s, const struct snap_backups *b,
                        struct restoreproof_file *f)
{
	memset(f, 0, sizeof *f);
	if (!b->configured || !b->ok || b->newest_name[0] == '\0' || !b->newest_mtime_s.known)
		return -1;
	f->path = restoretest_path(s, b->newest_name);
	f->size = b->newest_bytes;
	f->mtime_s = b->newest_mtime_s.v;
	return 0;
}

/* Returns a path's last part. */
static const char *restoreproof_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/*
 * Writes the site's last proven restore into buf ("never" when none) and
 * returns how the newest backup stands (UNPROVEN: the caller says so, on a
 * line of its own or after it); proofs NULL: they cannot be read, said with
 * why.
 */
enum restoreproof_state restoreproof_line(const struct restoreproofs *proofs, const char *why,
                                          const struct site *s, const struct snap_backups *b,
                                          int64_t now_ms, char *buf, size_t len)
{
	struct restoreproof_file f;
	const struct restoreproof *last = NULL;
	char age[32], took[32] = "?";
	if (proofs == NULL) {
		snprintf(buf, len, _("last proven restore: ? (%s)"), why ? why : _("not read"));
		return RESTOREPROOF_UNKNOWN;
	}
	restoreproof_newest(s, b, &f);
	enum restoreproof_state st =
	    restoreproof_judge(proofs, s->name, f.path ? &f : NULL, &last);
	free((char *)f.path);
	if (last == NULL) {
		snprintf(buf, len, "%s", _("last proven restore: never"));
		return st;
	}
	if (last->duration_ms >= 0)
		snprintf(took, sizeof took, "%.1f s", (double)last->duration_ms / 1000);
	snprintf(buf, len, _("last proven restore: %s, %s ago, %lld tables, %lld rows, %s"),
	                 restoreproof_base(last->file),
	                 duration_text(now_ms > last->proven_ms ? now_ms - last->proven_ms : 0, age,
	                               sizeof age),
	                 (long long)last->tables, (long long)last->rows, took);
	return st; /* UNPROVEN: the caller says the newest backup is unproven */
}

/* Returns the site's proven restore for status --json: state, last proof (with age_s), error. */
json_t *restoreproof_status_json(const struct restoreproofs *proofs, const char *why,
                                 const struct site *s, const struct snap_backups *b,
                                 int64_t now_ms)
{
	static const char *const names[] = {"proven", "unproven", "never", "unknown"};
	struct restoreproof_file f;
	const struct restoreproof *last = NULL;
	if (proofs == NULL)
		return json_pack("{s:s, s:n, s:s}", "state", "unknown", "last", "error",
		                 why ? why : "not read");
	restoreproof_newest(s, b, &f);
	enum restoreproof_state st =
	    restoreproof_judge(proofs, s->name, f.path ? &f : NULL, &last);
	free((char *)f.path);
	json_t *o = last ? restoreproof_json(last) : json_null();
	if (last != NULL)
		json_object_set_new(o, "age_s", json_integer(now_ms > last->proven_ms
		                                                 ? (now_ms - last->proven_ms) / 1000
		                                                 : 0));
	return json_pack("{s:s, s:o, s:n}", "state", names[st], "last", o, "error");
}
