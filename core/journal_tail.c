/*
 * The run journal's tail. The hash chain catches a line changed, removed or
 * reordered anywhere but at the end: lines cut off the end leave a shorter
 * journal that still chains. Two things anchor the end.
 *
 * The head file, <stamp>-<n>.head beside <stamp>-<n>.jsonl, holds one line,
 *
 *   {"records":7,"last_hash":"<SHA-256 of line 7>"}
 *
 * replaced after every record (written to <stamp>-<n>.head.tmp, fsynced,
 * renamed over the head file, the folder fsynced), so it is always whole: the
 * old count or the new one. A journal shorter than its head file says, or
 * whose line at that count is not the one hashed there, lost its end. A
 * journal longer than its head file says, its lines chaining, is a console
 * that died between a line and the head file: that is fine.
 *
 * The seal: a run_sealed record follows every run_finished and detached
 * record (journal.c), holding the count of the records before it and the
 * last one's hash. A run that claims it finished and has no seal after that
 * record lost its end (or its console died between the two lines).
 *
 * Neither is a signature: whoever can write the files can rewrite the chain,
 * the seal and the head file alike. They catch lines lost or cut by hand,
 * by a tool, or by a disk, as the chain does.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "journal.h"
#include "xmalloc.h"

#define JOURNAL_HEAD_MAX 256 /* bytes of a head file */

/* Returns the head file of the journal at path: .jsonl replaced by .head (newly allocated). */
char *journal_head_path(const char *path)
{
	size_t len = strlen(path);
	if (len > 6 && strcmp(path + len - 6, ".jsonl") == 0)
		return xasprintf("%.*s.head", (int)(len - 6), path);
	return xasprintf("%s.head", path);
}

/*
 * Replaces the head file of the journal at path, atomically: records and
 * last_hash written to a temporary file, fsynced, renamed over it, the
 * folder fsynced. -1 with *cause.
 */
int journal_head_write(const char *path, int64_t records, const char *last_hash, char **cause)
{
	char *head = journal_head_path(path);
	char *line =
	    xasprintf("{\"records\":%lld,\"last_hash\":\"%s\"}\n", (long long)records, last_hash);
	int rc = durable_replace(head, line, strlen(line));
	if (rc == -1)
		*cause = xasprintf("cannot update the head file %s: %s", head, strerror(errno));
	free(line);
	free(head);
	return rc;
}

/* Reads the text of a head file (at most JOURNAL_HEAD_MAX bytes); 1 when there is none. */
static int journal_head_text(const char *head, char *buf, size_t *len, char **cause)
{
	int fd = open(head, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n = -1;
	if (fd == -1 && errno == ENOENT)
		return 1;
	const char *why = NULL;
	if (fd == -1 || fstat(fd, &st) == -1)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else {
		do
			n = read(fd, buf, JOURNAL_HEAD_MAX + 1);
		while (n == -1 && errno == EINTR);
		why = n == -1                ? strerror(errno)
		      : n > JOURNAL_HEAD_MAX ? "too long to be one"
		                             : NULL;
	}
	if (fd != -1)
		close(fd);
	if (why != NULL) {
		*cause = xasprintf("cannot read the head file %s: %s", head, why);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/*
 * Reads the head file of the journal at path into h. Returns 0, 1 when there
 * is no head file, or -1 with *cause when it cannot be read or is not one.
 */
int journal_head_read(const char *path, struct journal_head *h, char **cause)
{
	char *head = journal_head_path(path), buf[JOURNAL_HEAD_MAX + 1];
	size_t len = 0;
	memset(h, 0, sizeof *h);
	int rc = journal_head_text(head, buf, &len, cause);
	if (rc != 0) {
		free(head);
		return rc;
	}
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *records = json_object_get(o, "records");
	const char *hash = json_string_value(json_object_get(o, "last_hash"));
	if (json_object_size(o) == 2 && json_is_integer(records) &&
	    json_integer_value(records) >= 0 && hash != NULL && strlen(hash) == JOURNAL_HASH_HEX &&
	    strspn(hash, "0123456789abcdef") == JOURNAL_HASH_HEX) {
		h->records = json_integer_value(records);
		memcpy(h->last_hash, hash, sizeof h->last_hash);
	} else {
		*cause = xasprintf("%s is not a head file (one line: {\"records\":N,"
		                   "\"last_hash\":\"<SHA-256>\"})",
		                   head);
		rc = -1;
	}
	json_decref(o);
	free(head);
	return rc;
}

/* Tells whether the records hold a run_sealed record. */
static int journal_has_seal(const struct journal_records *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].type, JOURNAL_RUN_SEALED) == 0)
			return 1;
	return 0;
}

/*
 * Checks the journal at path (read into r) against its head file: no fewer
 * lines than it says, the line at its count the one it hashed (when the
 * chain is intact). A missing head file is an error once the journal has a
 * seal (it had a head file), a warning before. Returns -1 on errors.
 */
int journal_check_head(const char *path, const struct journal_records *r, struct diag *d)
{
	struct journal_head h;
	char *cause = NULL, *head = journal_head_path(path);
	size_t errors = d->errors;
	int rc = journal_head_read(path, &h, &cause);
	if (rc == -1) {
		diag_error(d, head, 0, 0, "%s", cause);
	} else if (rc == 1 && journal_has_seal(r)) {
		diag_error(d, head, 0, 0,
		           "the head file is missing, though the journal is sealed: whether "
		           "lines were removed from its end cannot be told");
	} else if (rc == 1) {
		diag_warning(d, head, 0, 0,
		             "no head file: whether lines were removed from the end of the "
		             "journal cannot be told");
	} else if ((uint64_t)h.records > r->lines && r->n < r->lines) {
		diag_error(d, path, (int)r->lines + 1, 1,
		           "the journal has %zu line%s, but its head file says %lld records: "
		           "lines were removed",
		           r->lines, r->lines == 1 ? "" : "s", (long long)h.records);
	} else if ((uint64_t)h.records > r->lines) {
		long long lost = (long long)h.records - (long long)r->lines;
		diag_error(d, path, (int)r->lines + 1, 1,
		           "the journal ends after %zu line%s, but its head file says %lld "
		           "records: %lld record%s removed from its end",
		           r->lines, r->lines == 1 ? "" : "s", (long long)h.records, lost,
		           lost == 1 ? " was" : "s were");
	} else if (r->n == r->lines && h.records > 0 &&
	           strcmp(r->items[h.records - 1].hash, h.last_hash) != 0) {
		diag_error(d, path, (int)h.records, 1,
		           "line %lld is not the record the head file names (another hash): the "
		           "end of the journal was replaced",
		           (long long)h.records);
	} else if (r->n == r->lines && h.records == 0 && strcmp(h.last_hash, JOURNAL_HASH_ZERO)) {
		diag_error(d, head, 0, 0, "the head file says no records, with a hash");
	}
	free(cause);
	free(head);
	return d->errors > errors ? -1 : 0;
}

/* Checks that a run_sealed record (item i) holds the count and hash of the records before it. */
static void journal_check_one_seal(const char *path, const struct journal_records *r, size_t i,
                                   struct diag *d)
{
	const struct journal_record *s = &r->items[i];
	json_t *records = json_object_get(s->data, "records");
	const char *hash = journal_text(s->data, "last_hash", "");
	const char *want = i > 0 ? r->items[i - 1].hash : JOURNAL_HASH_ZERO;
	if (!json_is_integer(records) || json_integer_value(records) != s->seq - 1 ||
	    strcmp(hash, want) != 0)
		diag_error(d, path, s->line, 1,
		           "the seal does not match the %lld records before it",
		           (long long)(s->seq - 1));
}

/*
 * Checks the seals of the journal at path (read into r, its chain intact):
 * each holds the count and hash of the records before it, and a run that
 * finished has one after its run_finished. Returns -1 on errors.
 */
int journal_check_seal(const char *path, const struct journal_records *r, struct diag *d)
{
	size_t errors = d->errors, finished = 0;
	int sealed = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->items[i].type, JOURNAL_RUN_FINISHED) == 0) {
			finished = i + 1;
			sealed = 0;
		} else if (strcmp(r->items[i].type, JOURNAL_RUN_SEALED) == 0) {
			journal_check_one_seal(path, r, i, d);
			sealed = 1;
		}
	}
	if (finished > 0 && !sealed)
		diag_error(d, path, (int)r->lines + 1, 1,
		           "the run finished (line %d) but no seal follows: lines were removed "
		           "from the end of the journal, or its console stopped before sealing it",
		           r->items[finished - 1].line);
	return d->errors > errors ? -1 : 0;
}

/*
 * Reads the journal at path and checks all of it: the chain line by line
 * (journal_read), then its tail against the head file and the seals.
 * Returns 0 when there are no errors (warnings aside); out is always safe to
 * free.
 */
int journal_verify(const char *path, struct journal_records *out, struct diag *d)
{
	int rc = journal_read(path, out, d);
	if (out->lines == 0 && rc == -1)
		return -1; /* not read at all */
	if (journal_check_head(path, out, d) == -1)
		rc = -1;
	if (out->n == out->lines && journal_check_seal(path, out, d) == -1)
		rc = -1;
	return rc;
}
