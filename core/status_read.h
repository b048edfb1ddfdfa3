/*
 * Reading drconsole status --json back into snapshots: a file holding one or
 * more documents one after another (appended runs, JSON lines) becomes one
 * capture per document, each with the sites' snapshots in the config's order
 * and the verdict as it was recorded, so that a recorded capture can be shown
 * again. Every problem is reported as FILE:LINE:COL with the JSON path at fault.
 */
#ifndef DR_STATUS_READ_H
#define DR_STATUS_READ_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "diag.h"
#include "snapshot.h"
#include "verdict.h"

#define STATUS_READ_MAX_BYTES (64 * 1024 * 1024) /* per file */
#define STATUS_READ_MAX_DOCS  10080 /* documents per file: a week of one a minute */

/* One document: its time, every configured site, the recorded verdict. */
struct status_capture {
	int64_t time_ms;                /* the document's "time" (wall clock, ms since the epoch) */
	struct site_status *sites;      /* cf->n_sites entries, in the config's site order */
	enum verdict_level level;       /* "overall" */
	struct verdict_reason *reasons; /* "reasons", in their order */
	size_t n_reasons;
};

/* Every document of a file, in file order. */
struct status_captures {
	struct status_capture *items;
	size_t n;
};

int status_read_text(const char *text, size_t len, const char *file, const struct conf *cf,
                     struct status_captures *out, struct diag *d);
int status_read_file(const char *path, const struct conf *cf, struct status_captures *out,
                     struct diag *d);
void status_read_verdict(const struct status_capture *cap, struct verdict *v);
void status_captures_free(struct status_captures *c);

#endif
