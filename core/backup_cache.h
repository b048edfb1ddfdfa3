/*
 * What is known about each backup file's validity, so a file is checked with
 * pg_restore --list once (keyed by name, size and mtime), not every cycle.
 */
#ifndef DR_BACKUP_CACHE_H
#define DR_BACKUP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "probe_host.h"
#include "snapshot.h"

#define BACKUP_CACHE_BATCH 8 /* files verified per exec, newest first */

struct backup_cache_entry {
	char *name;
	int64_t size;
	int64_t mtime_s;
	enum probe_verify result;
};

struct backup_cache {
	struct backup_cache_entry *items;
	size_t n;
};

struct sshconn;

void backup_cache_init(struct backup_cache *c);
void backup_cache_free(struct backup_cache *c);
int backup_cache_pending(struct backup_cache *c, const struct probe_host_files *files,
			 const char **names, size_t max);
void backup_cache_record(struct backup_cache *c, const struct probe_host_files *files,
			 const char *const *names, const enum probe_verify *results, size_t n);
void backup_cache_summarize(const struct backup_cache *c, const struct probe_host_files *files,
			    struct snap_backups *b);
int backup_cache_verify(struct backup_cache *c, struct sshconn *conn, const struct site *site,
			const struct probe_host_files *files, int64_t timeout_ms,
			int64_t silent_ms, struct snap_backups *b, char **lost);

#endif
