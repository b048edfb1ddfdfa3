/*
 * The host probe: one POSIX sh command per probe cycle, run over SSH, that
 * reports the site's load, the disks holding PostgreSQL's data and the backups,
 * every service check and the backup folder listing; and a second command,
 * run only for new backup files, that checks each with pg_restore --list.
 */
#ifndef DR_PROBE_HOST_H
#define DR_PROBE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "snapshot.h"

/* Seconds a service check may run, and a pg_restore --list. */
#define PROBE_HOST_CHECK_TIMEOUT_S  10
#define PROBE_HOST_VERIFY_TIMEOUT_S 60

/* Backup files listed per probe, newest first (the rest are only counted). */
#define PROBE_HOST_LISTED 32

/* One backup file in the listing. */
struct probe_host_file {
	char *name; /* inside the backup folder, never holds '/' or control characters */
	int64_t size;
	int64_t mtime_s; /* epoch seconds */
};

/* The newest files of the backup folder (at most PROBE_HOST_LISTED), newest first. */
struct probe_host_files {
	struct probe_host_file *items;
	size_t n;
};

/* What pg_restore --list said about one file. */
enum probe_verify {
	PROBE_VERIFY_UNKNOWN, /* not checked: no answer, timed out, pg_restore missing, bad name */
	PROBE_VERIFY_VALID,   /* pg_restore --list read it */
	PROBE_VERIFY_INVALID, /* pg_restore --list refused it */
	PROBE_VERIFY_MISSING, /* the file was gone (deleted since the listing) */
};

char *probe_host_script(const struct site *s, const char *data_dir, int check_timeout_s);
int probe_host_parse(const char *out, const struct site *s, int64_t now_wall_ms,
                     struct snap_health *h, struct snap_backups *b, struct probe_host_files *files,
                     char **cause);
void probe_host_files_free(struct probe_host_files *files);
char *probe_host_verify_script(const struct site *s, const char *const *names, size_t n);
int probe_host_verify_parse(const char *out, size_t n, enum probe_verify *results, char **cause);
const char *probe_host_verify_name(enum probe_verify v);

#endif
