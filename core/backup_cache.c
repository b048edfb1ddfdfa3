/*
 * Backup verification cache. Each cycle's listing is compared with what was
 * verified before: a file with the same name, size and mtime keeps its
 * result; new or changed files (newest first, at most a batch per cycle) are
 * verified in one exec. Files that disappeared are forgotten, so the cache
 * never grows past the folder. A verification that could not run leaves the
 * files unverified (unknown), never valid.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backup_cache.h"
#include "sshexec.h"
#include "xmalloc.h"

/* Prepares an empty cache. */
void backup_cache_init(struct backup_cache *c)
{
	memset(c, 0, sizeof *c);
}

/* Frees the cache. */
void backup_cache_free(struct backup_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->items[i].name);
	free(c->items);
	backup_cache_init(c);
}

/* Finds the entry for a listed file (same name, size and mtime), or NULL. */
static struct backup_cache_entry *backup_cache_find(const struct backup_cache *c,
						    const struct probe_host_file *f)
{
	for (size_t i = 0; i < c->n; i++) {
		struct backup_cache_entry *e = &c->items[i];
		if (e->size == f->size && e->mtime_s == f->mtime_s && strcmp(e->name, f->name) == 0)
			return e;
	}
	return NULL;
}

/* Drops entries whose file is no longer listed as it was. */
static void backup_cache_prune(struct backup_cache *c, const struct probe_host_files *files)
{
	size_t kept = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct backup_cache_entry *e = &c->items[i];
		int listed = 0;
		for (size_t j = 0; j < files->n && !listed; j++)
			listed = e->size == files->items[j].size &&
				 e->mtime_s == files->items[j].mtime_s &&
				 strcmp(e->name, files->items[j].name) == 0;
		if (listed)
			c->items[kept++] = *e;
		else
			free(e->name);
	}
	c->n = kept;
}

/* Fills names with up to max listed files not yet verified, newest first; returns how many. */
int backup_cache_pending(struct backup_cache *c, const struct probe_host_files *files,
			 const char **names, size_t max)
{
	size_t n = 0;
	backup_cache_prune(c, files);
	while (n < max) {
		const struct probe_host_file *best = NULL;
		for (size_t i = 0; i < files->n; i++) {
			const struct probe_host_file *f = &files->items[i];
			int taken = 0;
			for (size_t j = 0; j < n && !taken; j++)
				taken = names[j] == f->name;
			if (taken || backup_cache_find(c, f) != NULL)
				continue;
			if (best == NULL || f->mtime_s > best->mtime_s)
				best = f;
		}
		if (best == NULL)
			break;
		names[n++] = best->name;
	}
	return (int)n;
}

/* Records verification results (UNKNOWN results are not kept: they are tried again). */
void backup_cache_record(struct backup_cache *c, const struct probe_host_files *files,
			 const char *const *names, const enum probe_verify *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (results[i] == PROBE_VERIFY_UNKNOWN || results[i] == PROBE_VERIFY_MISSING)
			continue;
		for (size_t j = 0; j < files->n; j++) {
			const struct probe_host_file *f = &files->items[j];
			if (f->name != names[i] && strcmp(f->name, names[i]) != 0)
				continue;
			c->items = xreallocarray(c->items, c->n + 1, sizeof *c->items);
			c->items[c->n++] = (struct backup_cache_entry){xstrdup(f->name), f->size,
								       f->mtime_s, results[i]};
			break;
		}
	}
}

/* Sets the snapshot's invalid and unverified counts from the cache. */
void backup_cache_summarize(const struct backup_cache *c, const struct probe_host_files *files,
			    struct snap_backups *b)
{
	b->invalid = 0;
	b->unverified = 0;
	for (size_t i = 0; i < files->n; i++) {
		const struct backup_cache_entry *e = backup_cache_find(c, &files->items[i]);
		if (e == NULL) {
			b->unverified++;
		} else if (e->result == PROBE_VERIFY_INVALID) {
			if (b->invalid < SNAPSHOT_MAX_INVALID)
				snprintf(b->invalid_names[b->invalid], sizeof b->invalid_names[0], "%s",
					 e->name);
			b->invalid++;
		}
	}
}

/*
 * Verifies new files over the session (one exec, within timeout_ms, given up
 * once the site has sent nothing for silent_ms) and updates b's counts.
 * Returns 1 when an exec ran, 0 when nothing was new; *lost (the caller
 * frees it) says why when the site stopped answering or the session failed.
 */
int backup_cache_verify(struct backup_cache *c, struct sshconn *conn, const struct site *site,
			const struct probe_host_files *files, int64_t timeout_ms,
			int64_t silent_ms, struct snap_backups *b, char **lost)
{
	*lost = NULL;
	const char *names[BACKUP_CACHE_BATCH];
	int n = backup_cache_pending(c, files, names, BACKUP_CACHE_BATCH);
	if (n > 0) {
		char *body = probe_host_verify_script(site, names, (size_t)n);
		char *script = sshexec_sh_line(body);
		free(body);
		struct sshexec_result r;
		char *cause = NULL;
		enum probe_verify results[BACKUP_CACHE_BATCH];
		int unheard = 0;
		if (sshconn_exec_heard(conn, script, timeout_ms, silent_ms, &r, &unheard, &cause) ==
		    0) {
			if (probe_host_verify_parse(r.out, (size_t)n, results, &cause) >= 0)
				backup_cache_record(c, files, names, results, (size_t)n);
			else
				free(cause);
			sshexec_result_free(&r);
		} else if (unheard) {
			*lost = cause;
		} else {
			free(cause);
		}
		free(script);
	}
	backup_cache_summarize(c, files, b);
	return n > 0;
}
