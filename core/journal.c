/*
 * The run journal, writing side. Each guided run writes
 * <state_dir>/runs/<run id>.jsonl, the id unique across jump hosts
 * (runid.h: 20261127T061500Z-jump1-4242-9f3c2a1b7d4e6f01), the file created
 * with O_EXCL (0600, its folder 0700). One record per line, keys in
 * this order, compact, UTF-8 as is:
 *
 *   {"seq":1,"ts":"2026-11-27T06:15:00.123Z","type":"run_started","prev":"000…0","data":{…}}
 *
 * seq counts from 1; ts is the injected wall clock; prev is the lowercase hex
 * SHA-256 of the previous line's bytes (its newline left out), 64 zeros on the
 * first line, so an edited, removed, duplicated or reordered line breaks the
 * chain where it stands. A record is written with one write() and fsync()ed
 * before journal_append returns; a line holds at most JOURNAL_LINE_MAX bytes
 * (the longest strings are cut at a UTF-8 boundary and data gets
 * "truncated": true). Every string and key is made valid UTF-8 (utf8.c: an
 * invalid byte becomes U+FFFD), so a record never loses a field to jansson;
 * data that could not be built at all (NULL: a json_pack that failed) is
 * refused rather than written empty. Secrets never enter: a string that
 * carries one, the value of a password-like key, and a key that carries one
 * are replaced by JOURNAL_REDACTED.
 *
 * The tail is anchored (journal_tail.c): after each record the head file
 * <stamp>-<n>.head is replaced, atomically, by the record count and the last
 * line's hash; and the run's end is sealed: a run_finished or detached record
 * is followed at once by a run_sealed record (journal_seal), holding the
 * count and hash of the records before it. A line removed from the end then
 * shows, against the head file and by the missing seal.
 *
 * Resuming checks the whole file first (journal_read.c), and the head file.
 * A console that died while writing leaves a last line without its newline:
 * that is a warning, and resume cuts it off before it appends; a head file
 * one record behind (the console died between the line and the head) is
 * brought up to date; any other damage, or a file shorter than its head file
 * says, refuses resume. The file is locked (flock) while a console appends
 * to it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "clock.h"
#include "durable.h"
#include "journal.h"
#include "paths.h"
#include "runid.h"
#include "secret.h"
#include "utf8.h"
#include "xmalloc.h"

#define JOURNAL_CREATE_TRIES 3 /* new ids tried when one is taken */
#define JOURNAL_TYPE_MAX     64

/* A journal open for appending. */
struct journal {
	int fd;
	char *path;
	int64_t (*now_ms)(void);
	int64_t seq;                     /* of the last record written */
	char prev[JOURNAL_HASH_HEX + 1]; /* the hash of the last line */
	off_t size;                      /* bytes in the file */
	char *broken;                    /* why appending stopped for good, or NULL */
	int sealed;                      /* the last record is a run_sealed */
	int head_stale;                  /* the head file is behind the last record written */
	int seal_due;                    /* the run ended, but its seal could not be written */
};

/* Writes the lowercase hex SHA-256 of len bytes at s into hex (65 bytes). */
void journal_hash(const char *s, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_Digest(s, len, md, &n, EVP_sha256(), NULL) != 1 || n * 2 != JOURNAL_HASH_HEX)
		abort(); /* SHA-256 is always there in libcrypto */
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[JOURNAL_HASH_HEX] = '\0';
}

/*
 * Formats wall-clock ms as UTC: "2026-11-27T06:15:00.123Z", or with compact
 * set "20261127T061500Z" (the file-name stamp). Newly allocated.
 */
char *journal_stamp(int64_t ms, int compact)
{
	int64_t sec = ms / 1000, milli = ms % 1000;
	if (milli < 0) {
		milli += 1000;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	if (compact)
		return xasprintf("%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)milli);
}

/* Tells whether a record type is well formed: 1 to 64 of a-z, 0-9 and _. */
int journal_type_ok(const char *type)
{
	size_t len = strlen(type);
	return len > 0 && len <= JOURNAL_TYPE_MAX &&
	       strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* Creates dir and its missing parents, each new one 0700. */
static int journal_mkdirs(const char *dir, char **cause)
{
	if (durable_mkdirs(dir) == 0)
		return 0;
	*cause = xasprintf("cannot create %s: %s", dir, strerror(errno));
	return -1;
}

/* Makes the entries of the folder dir durable (a new file, a new subfolder). */
static int journal_sync_dir(const char *dir, char **cause)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fsync(fd) == 0) {
		close(fd);
		return 0;
	}
	*cause = xasprintf("cannot sync %s: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Takes the lock that says a console appends to the journal open on fd. */
static int journal_lock(int fd, const char *path, char **cause)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		*cause = xasprintf("%s is open in another console (its journal is locked)", path);
	else
		*cause = xasprintf("cannot lock %s: %s", path, strerror(errno));
	return -1;
}

/* Returns a journal appending to fd, its chain starting afresh. */
static struct journal *journal_new(int fd, const char *path, int64_t (*now_ms)(void))
{
	struct journal *j = xcalloc(1, sizeof *j);
	j->fd = fd;
	j->path = xstrdup(path);
	j->now_ms = now_ms != NULL ? now_ms : clock_wall_ms;
	memcpy(j->prev, JOURNAL_HASH_ZERO, sizeof j->prev);
	return j;
}

/* Creates <run id>.jsonl in dir, a new id made at ms; returns its fd, and its path in *path. */
static int journal_create_file(const char *dir, int64_t ms, char **path, char **cause)
{
	int fd = -1;
	*path = NULL;
	for (int n = 0; fd == -1 && n < JOURNAL_CREATE_TRIES; n++) {
		char *id = runid_new(ms);
		free(*path);
		*path = xasprintf("%s/%s.jsonl", dir, id);
		free(id);
		fd = open(*path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		          0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd >= 0 && fchmod(fd, 0600) == 0)
		return fd;
	*cause = xasprintf("cannot create %s: %s", *path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(*path);
	*path = NULL;
	return -1;
}

/*
 * Starts the journal of a new run in <state_dir>/runs (made 0700 when
 * missing). now_ms is the wall clock (NULL: the real one). Returns NULL with
 * *cause set on failure; *path_out (optional) gets the file's path.
 */
struct journal *journal_create(const char *state_dir, int64_t (*now_ms)(void), char **path_out,
                               char **cause)
{
	int64_t (*now)(void) = now_ms != NULL ? now_ms : clock_wall_ms;
	char *dir = xasprintf("%s/runs", state_dir), *path = NULL;
	int fd =
	    journal_mkdirs(dir, cause) == 0 ? journal_create_file(dir, now(), &path, cause) : -1;
	if (fd >= 0 && journal_lock(fd, path, cause) == 0 &&
	    journal_head_write(path, 0, JOURNAL_HASH_ZERO, cause) == 0 &&
	    journal_sync_dir(dir, cause) == 0 && journal_sync_dir(state_dir, cause) == 0) {
		struct journal *j = journal_new(fd, path, now);
		if (path_out != NULL)
			*path_out = path;
		else
			free(path);
		free(dir);
		return j;
	}
	if (fd >= 0) {
		close(fd);
		journal_unlink(path);
	}
	free(path);
	free(dir);
	return NULL;
}

/* Tells whether a string value carries a secret (each NUL-separated part is looked at). */
static int journal_text_secret(const json_t *s)
{
	const char *p = json_string_value(s), *end = p + json_string_length(s);
	for (; p < end; p += strlen(p) + 1)
		if (secret_in_text(p))
			return 1;
	return 0;
}

/*
 * Returns a deep copy of v with the secrets replaced: strings that carry one,
 * values under password-like keys, and keys that carry one.
 */
static json_t *journal_clean(json_t *v)
{
	const char *key;
	json_t *sub;
	size_t i;
	if (json_is_string(v))
		return journal_text_secret(v)
		           ? json_string(JOURNAL_REDACTED)
		           : utf8_json_stringn(json_string_value(v), json_string_length(v));
	if (json_is_array(v)) {
		json_t *a = json_array();
		json_array_foreach(v, i, sub) json_array_append_new(a, journal_clean(sub));
		return a;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	json_t *o = json_object();
	json_object_foreach(v, key, sub)
	{
		int leaks = secret_in_text(key), hide = leaks || secret_key_name(key);
		char *name = utf8_clean(key, strlen(key), 0, NULL);
		json_object_set_new(o, leaks ? JOURNAL_REDACTED : name,
		                    hide ? json_string(JOURNAL_REDACTED) : journal_clean(sub));
		free(name);
	}
	return o;
}

/* Returns the longest string value below v (best so far: best), or NULL when there is none. */
static json_t *journal_longest(json_t *v, json_t *best)
{
	const char *key;
	json_t *sub;
	size_t i;
	if (json_is_string(v))
		return best == NULL || json_string_length(v) > json_string_length(best) ? v : best;
	if (json_is_array(v))
		json_array_foreach(v, i, sub) best = journal_longest(sub, best);
	else if (json_is_object(v))
		json_object_foreach(v, key, sub) best = journal_longest(sub, best);
	return best;
}

/* Shortens the longest string below data by at least excess bytes, at a UTF-8 boundary. */
static int journal_cut_longest(json_t *data, size_t excess)
{
	json_t *s = journal_longest(data, NULL);
	if (s == NULL || json_string_length(s) == 0)
		return -1;
	const char *v = json_string_value(s);
	size_t len = json_string_length(s);
	json_string_setn(s, v, utf8_cut(v, len, len > excess ? len - excess : 0));
	return 0;
}

/*
 * Dumps a record as one line with its newline, every control character in it
 * escaped (a journal read with cat acts on none); *len gets its length.
 */
static char *journal_dump(const json_t *rec, size_t *len)
{
	char *text = utf8_json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text == NULL)
		abort(); /* only out of memory: every value was made by jansson */
	*len = strlen(text);
	text = xrealloc(text, *len + 2);
	text[(*len)++] = '\n';
	text[*len] = '\0';
	return text;
}

/*
 * Returns the next record as a line (with its newline) of at most
 * JOURNAL_LINE_MAX bytes, cutting the longest strings of data (which it
 * changes) as needed; NULL with *cause when it cannot fit.
 */
static char *journal_render(const struct journal *j, const char *type, json_t *data, size_t *len,
                            char **cause)
{
	char *ts = journal_stamp(j->now_ms(), 0);
	json_t *rec = json_object();
	json_object_set_new(rec, "seq", json_integer(j->seq + 1));
	json_object_set_new(rec, "ts", json_string(ts));
	json_object_set_new(rec, "type", json_string(type));
	json_object_set_new(rec, "prev", json_string(j->prev));
	json_object_set(rec, "data", data);
	free(ts);
	char *line;
	while ((line = journal_dump(rec, len)), *len > JOURNAL_LINE_MAX) {
		free(line);
		line = NULL;
		if (!json_is_true(json_object_get(data, "truncated")))
			json_object_set_new(data, "truncated", json_true());
		else if (journal_cut_longest(data, *len - JOURNAL_LINE_MAX) == -1) {
			*cause = xasprintf("a %s record is over %d bytes even with its text cut",
			                   type, JOURNAL_LINE_MAX);
			break;
		}
	}
	json_decref(rec);
	return line;
}

/* Writes one line with one write() and fsync(); a failed write leaves the file as it was. */
static int journal_write(struct journal *j, const char *line, size_t len, char **cause)
{
	ssize_t n;
	do
		n = write(j->fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len) {
		const char *why = n == -1 ? strerror(errno) : "short write (disk full?)";
		if (n > 0 && ftruncate(j->fd, j->size) == -1)
			j->broken = xasprintf("%s; the partial line could not be removed", why);
		*cause = xasprintf("cannot write to %s: %s", j->path, why);
		return -1;
	}
	if (fsync(j->fd) == -1) {
		j->broken = xasprintf("fsync failed: %s", strerror(errno));
		*cause = xasprintf("cannot write to %s: %s", j->path, j->broken);
		return -1;
	}
	j->size += (off_t)len;
	return 0;
}

/* Appends one record (data a clean object, its reference kept); -1 with *cause. */
static int journal_put(struct journal *j, const char *type, json_t *data, char **cause)
{
	size_t len = 0;
	char *line = journal_render(j, type, data, &len, cause);
	if (line == NULL || journal_write(j, line, len, cause) == -1) {
		free(line);
		return -1;
	}
	journal_hash(line, len - 1, j->prev);
	j->seq++;
	j->sealed = strcmp(type, JOURNAL_RUN_SEALED) == 0;
	free(line);
	char *why = NULL;
	/* The record is in: it is never refused (and written again) for its head file, which is
	 * brought up to date before the next record goes in (journal_catch_up). */
	if (journal_head_write(j->path, j->seq, j->prev, &why) == -1)
		j->head_stale = 1;
	free(why);
	(void)cause;
	return 0;
}

/* Brings the head file up to date; -1 with *cause (no further record goes in meanwhile). */
static int journal_head_catch_up(struct journal *j, char **cause)
{
	char *why = NULL;
	if (!j->head_stale)
		return 0;
	if (journal_head_write(j->path, j->seq, j->prev, &why) == -1) {
		*cause = xasprintf("record %lld is written, but %s; no further record goes in until "
		                   "it is updated",
		                   (long long)j->seq, why);
		free(why);
		return -1;
	}
	j->head_stale = 0;
	return 0;
}

/*
 * Appends a run_sealed record: the count of the records before it and the
 * last one's hash, so that lines removed from the end show. Does nothing
 * when the last record is a seal already. -1 with *cause.
 */
int journal_seal(struct journal *j, char **cause)
{
	if (j->broken != NULL) {
		*cause = xasprintf("%s cannot take more records: %s", j->path, j->broken);
		return -1;
	}
	if (journal_head_catch_up(j, cause) == -1)
		return -1;
	if (j->sealed)
		return 0;
	json_t *data = json_pack("{s:I, s:s}", "records", (json_int_t)j->seq, "last_hash", j->prev);
	int rc = journal_put(j, JOURNAL_RUN_SEALED, data, cause);
	json_decref(data);
	if (rc == 0)
		j->seal_due = 0;
	return rc;
}

/* Tells whether a record of type ends a console's hold on the run (a seal follows it). */
static int journal_ends_run(const char *type)
{
	return strcmp(type, JOURNAL_RUN_FINISHED) == 0 || strcmp(type, JOURNAL_DETACHED) == 0;
}

/*
 * Appends one record of type with data (an object; the reference is stolen).
 * data NULL, what a json_pack that failed returns, is refused: no record is
 * written without its fields. A run_finished or detached record is sealed
 * at once (journal_seal); run_sealed itself is journal_seal's alone. Returns
 * 0 once the line is on disk, or -1 with *cause and nothing written. A record
 * on disk is never refused for what follows it (so never written twice): a
 * head file or a seal that could not be written then is written before the
 * next record, which is refused until they are. After a failed fsync the
 * journal refuses every further record.
 */
int journal_append(struct journal *j, const char *type, json_t *data, char **cause)
{
	json_t *clean = data != NULL ? journal_clean(data) : NULL;
	json_decref(data);
	int64_t before = j->seq;
	int rc = -1;
	if (j->broken != NULL)
		*cause = xasprintf("%s cannot take more records: %s", j->path, j->broken);
	else if (journal_head_catch_up(j, cause) == -1 ||
	         (j->seal_due && !j->sealed && journal_seal(j, cause) == -1))
		; /* the journal's end is anchored before anything follows it */
	else if (!journal_type_ok(type))
		*cause = xasprintf("'%s' is not a record type (a-z, 0-9 and _)", type);
	else if (clean == NULL)
		*cause = xasprintf("a %s record could not be built (its data is missing: a value "
		                   "was not valid UTF-8, or a required text was NULL); nothing "
		                   "was written",
		                   type);
	else if (!json_is_object(clean))
		*cause = xasprintf("the data of a %s record is not a JSON object", type);
	else if (strcmp(type, JOURNAL_RUN_SEALED) == 0)
		*cause = xstrdup("run_sealed records are written by journal_seal only");
	else
		rc = journal_put(j, type, clean, cause);
	json_decref(clean);
	char *why = NULL;
	if (j->seq > before && journal_ends_run(type) && journal_seal(j, &why) == -1)
		j->seal_due = 1; /* the record is in (never written twice): sealed before the next */
	free(why);
	return rc;
}

/* Journals that the console quits during the run (why it does), and seals it; -1 with *cause. */
int journal_detach(struct journal *j, const char *why, char **cause)
{
	return journal_append(j, JOURNAL_DETACHED,
	                      json_pack("{s:o}", "why", utf8_json_string(why ? why : "")), cause);
}

/* Removes a journal and its head file (a run that never started). */
void journal_unlink(const char *path)
{
	char *head = journal_head_path(path);
	unlink(path);
	unlink(head);
	free(head);
}

/* Returns the seq of the last record written (0 before the first). */
int64_t journal_seq(const struct journal *j)
{
	return j->seq;
}

/* Closes the journal (each record is already on disk) and frees it. */
void journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j->broken);
	free(j);
}

/*
 * Checks the journal open on fd and its head file; when intact, readies it
 * for appending (a torn line cut off, the head file brought up to date).
 */
static int journal_resume_fd(struct journal *j, struct diag *d)
{
	struct journal_records r = {0};
	char *cause = NULL;
	int rc = journal_lock(j->fd, j->path, &cause);
	if (rc == 0)
		rc = journal_read_fd(j->fd, j->path, &r, d);
	if (rc == 0)
		rc = journal_check_head(j->path, &r, d);
	if (rc == 0 && r.torn && (ftruncate(j->fd, (off_t)r.good_len) == -1 || fsync(j->fd) == -1))
		cause = xasprintf("cannot cut off the incomplete last line: %s", strerror(errno));
	j->seq = r.n > 0 ? r.items[r.n - 1].seq : 0;
	j->sealed = r.n > 0 && strcmp(r.items[r.n - 1].type, JOURNAL_RUN_SEALED) == 0;
	memcpy(j->prev, r.last_hash, sizeof j->prev);
	j->size = (off_t)r.good_len;
	if (rc == 0 && cause == NULL)
		journal_head_write(j->path, j->seq, j->prev, &cause);
	if (cause != NULL) {
		diag_error(d, j->path, 0, 0, "%s", cause);
		free(cause);
		rc = -1;
	}
	journal_records_free(&r);
	return rc;
}

/*
 * Opens the journal at path to append to it, after checking its chain and
 * its head file; seq and prev go on from its last record. An incomplete last
 * line, and a missing head file, are reported as warnings (the line is cut
 * off, the head file rewritten); any other damage, and a file shorter than
 * its head file says, refuses (NULL, errors in d).
 */
struct journal *journal_resume(const char *path, int64_t (*now_ms)(void), struct diag *d)
{
	int fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		diag_error(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct journal *j = journal_new(fd, path, now_ms);
	if (journal_resume_fd(j, d) == -1) {
		journal_close(j);
		return NULL;
	}
	return j;
}
