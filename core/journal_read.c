/*
 * The run journal, reading side: every record of a journal parsed, its hash
 * chain checked line by line, and every problem reported as FILE:LINE:COL
 * (the column of the value at fault, jansson's for bad JSON, 1 for a line out
 * of place). A line that is not a record, a seq that does not follow, or a
 * prev that is not the SHA-256 of the line before is an error; a last line
 * without its newline (a console that died while writing it) is a warning.
 * Also finding runs in <state_dir>/runs: by path, file name or id, or the newest.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "paths.h"
#include "runid.h"
#include "xmalloc.h"

#define JOURNAL_FILE_MAX  (1L << 30) /* a journal larger than this is not read */
#define JOURNAL_STAMP_LEN 16         /* 20261127T061500Z */

/* Tells whether s matches pattern, in which '9' stands for any digit. */
static int journal_shape(const char *s, size_t len, const char *pattern)
{
	if (len != strlen(pattern))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (pattern[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != pattern[i])
			return 0;
	return 1;
}

/* Tells whether ts is RFC 3339 UTC with milliseconds, as the journal writes it. */
static int journal_ts_ok(const char *ts)
{
	return journal_shape(ts, strlen(ts), "9999-99-99T99:99:99.999Z");
}

/* Tells whether s is a SHA-256 in lowercase hex. */
static int journal_hex_ok(const char *s)
{
	return strlen(s) == JOURNAL_HASH_HEX && strspn(s, "0123456789abcdef") == JOURNAL_HASH_HEX;
}

/* One complete line of the file. */
struct journal_line {
	const char *s;
	size_t len; /* without the newline */
	char hash[JOURNAL_HASH_HEX + 1];
};

/* What reading one journal keeps track of. */
struct journal_reader {
	const char *file;
	struct diag *d;
	struct journal_line *lines;
	size_t n_lines;
	struct journal_records *out;
	int64_t last_seq; /* seq of the line before, -1 when it had none */
};

/* Returns the 1-based column of byte offset off in a line, counting characters. */
static int journal_col(const char *s, size_t off)
{
	int col = 1;
	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)s[i] & 0xc0) != 0x80;
	return col;
}

/* Returns the column of the value of top-level key in a line (1 when it cannot be found). */
static int journal_key_col(const struct journal_line *ln, const char *key)
{
	char *needle = xasprintf("\"%s\":", key);
	size_t n = strlen(needle);
	int col = 1;
	for (size_t i = 0; i + n <= ln->len; i++)
		if (memcmp(ln->s + i, needle, n) == 0) {
			col = journal_col(ln->s, i + n);
			break;
		}
	free(needle);
	return col;
}

/* Splits text into its complete lines, hashing each; returns how many bytes they take. */
static size_t journal_split(const char *text, size_t len, struct journal_line **lines, size_t *n)
{
	size_t start = 0;
	*lines = NULL;
	*n = 0;
	for (const char *nl; start < len && (nl = memchr(text + start, '\n', len - start));) {
		*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
		struct journal_line *ln = &(*lines)[(*n)++];
		ln->s = text + start;
		ln->len = (size_t)(nl - ln->s);
		journal_hash(ln->s, ln->len, ln->hash);
		start += ln->len + 1;
	}
	return start;
}

/* Reports a problem of line i (0-based) at col. */
static void journal_problem(struct journal_reader *r, size_t i, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void journal_problem(struct journal_reader *r, size_t i, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(r->d, r->file, (int)i + 1, col, "%s", msg);
	free(msg);
}

/* Returns the member key of rec when it has the type wanted; reports it otherwise. */
static json_t *journal_member(struct journal_reader *r, size_t i, json_t *rec, const char *key,
                              json_type type, const char *what)
{
	json_t *v = json_object_get(rec, key);
	if (v == NULL)
		journal_problem(r, i, 1, "missing key '%s'", key);
	else if (json_typeof(v) != type)
		journal_problem(r, i, journal_key_col(&r->lines[i], key), "%s must be %s", key,
		                what);
	else
		return v;
	return NULL;
}

/* Reports keys of rec that a record does not have. */
static void journal_unknown_keys(struct journal_reader *r, size_t i, json_t *rec)
{
	static const char *const known[] = {"seq", "ts", "type", "prev", "data"};
	const char *key;
	json_t *v;
	json_object_foreach(rec, key, v)
	{
		size_t k = 0;
		while (k < 5 && strcmp(key, known[k]) != 0)
			k++;
		if (k == 5)
			journal_problem(r, i, journal_key_col(&r->lines[i], key),
			                "unknown key '%s' (a record has seq, ts, type, prev, data)",
			                key);
	}
}

/* Returns the text of a string member when ok() accepts it; reports it otherwise. */
static const char *journal_text_member(struct journal_reader *r, size_t i, json_t *rec,
                                       const char *key, int (*ok)(const char *), const char *what)
{
	json_t *v = journal_member(r, i, rec, key, JSON_STRING, what);
	if (v == NULL)
		return NULL;
	const char *s = json_string_value(v);
	if (strlen(s) == json_string_length(v) && ok(s))
		return s;
	journal_problem(r, i, journal_key_col(&r->lines[i], key), "%s must be %s", key, what);
	return NULL;
}

/* Returns the seq of a record, or -1 when it is missing or not a positive integer. */
static int64_t journal_seq_member(struct journal_reader *r, size_t i, json_t *rec)
{
	const char *what = "a positive integer";
	json_t *v = journal_member(r, i, rec, "seq", JSON_INTEGER, what);
	if (v == NULL)
		return -1;
	if (json_integer_value(v) >= 1)
		return json_integer_value(v);
	journal_problem(r, i, journal_key_col(&r->lines[i], "seq"), "seq must be %s", what);
	return -1;
}

/* Checks that line i follows the one before it: seq one more, prev its hash. */
static void journal_check_chain(struct journal_reader *r, size_t i, int64_t seq, const char *prev)
{
	if (seq > 0 && r->last_seq >= 0 && seq != r->last_seq + 1) {
		if (i == 0)
			journal_problem(r, i, 1,
			                "the first record has seq %lld, not 1 (lines removed "
			                "from the start?)",
			                (long long)seq);
		else
			journal_problem(r, i, 1,
			                "seq %lld follows %lld (removed, duplicated or reordered "
			                "lines)",
			                (long long)seq, (long long)r->last_seq);
	}
	if (prev == NULL)
		return;
	const char *want = i == 0 ? JOURNAL_HASH_ZERO : r->lines[i - 1].hash;
	if (strcmp(prev, want) == 0)
		return;
	if (i == 0) {
		journal_problem(r, i, 1,
		                "the chain breaks here: the first record's prev is not 64 "
		                "zeros (lines removed from the start?)");
		return;
	}
	size_t k = r->d->n > DIAG_MAX_ITEMS ? r->n_lines : 0; /* past the list: no hint */
	while (k < r->n_lines && strcmp(prev, r->lines[k].hash) != 0)
		k++;
	char *hint =
	    k < r->n_lines ? xasprintf("; it is the hash of line %zu", k + 1) : xstrdup("");
	journal_problem(r, i, 1,
	                "the chain breaks here: prev does not match line %zu (edited, "
	                "removed or reordered lines)%s",
	                i, hint);
	free(hint);
}

/* Keeps a record that read cleanly. */
static void journal_keep(struct journal_reader *r, size_t i, int64_t seq, const char *ts,
                         const char *type, json_t *data)
{
	struct journal_records *out = r->out;
	out->items = xreallocarray(out->items, out->n + 1, sizeof *out->items);
	struct journal_record *rec = &out->items[out->n++];
	rec->line = (int)i + 1;
	rec->seq = seq;
	memcpy(rec->hash, r->lines[i].hash, sizeof rec->hash);
	rec->ts = xstrdup(ts);
	rec->type = xstrdup(type);
	rec->data = json_incref(data);
}

/* Reads the record on line i: its JSON, its keys, and its place in the chain. */
static void journal_read_line(struct journal_reader *r, size_t i)
{
	const struct journal_line *ln = &r->lines[i];
	json_error_t err;
	if (ln->len >= JOURNAL_LINE_MAX)
		journal_problem(r, i, 1, "the line is %zu bytes, over the %d a record may take",
		                ln->len + 1, JOURNAL_LINE_MAX);
	json_t *rec = json_loadb(ln->s, ln->len, JSON_REJECT_DUPLICATES, &err);
	if (rec == NULL || !json_is_object(rec)) {
		if (rec == NULL)
			journal_problem(r, i, err.column > 0 ? err.column : 1, "not JSON: %s",
			                err.text);
		else
			journal_problem(r, i, 1, "a record is a JSON object");
		json_decref(rec);
		r->last_seq = -1;
		return;
	}
	size_t errors = r->d->errors;
	int64_t seq = journal_seq_member(r, i, rec);
	const char *ts =
	    journal_text_member(r, i, rec, "ts", journal_ts_ok, "RFC 3339 UTC with milliseconds");
	const char *type = journal_text_member(r, i, rec, "type", journal_type_ok,
	                                       "a record type (a-z, 0-9 and _)");
	const char *prev =
	    journal_text_member(r, i, rec, "prev", journal_hex_ok, "a SHA-256 in lowercase hex");
	json_t *data = journal_member(r, i, rec, "data", JSON_OBJECT, "an object");
	journal_unknown_keys(r, i, rec);
	journal_check_chain(r, i, seq, prev);
	if (r->d->errors == errors)
		journal_keep(r, i, seq, ts, type, data);
	r->last_seq = seq;
	json_decref(rec);
}

/*
 * Parses a journal's text (file names it in diagnostics): every record, the
 * chain checked line by line, every problem reported. Returns 0 when there
 * are no errors (an incomplete last line is only a warning), -1 otherwise.
 */
int journal_parse(const char *text, size_t len, const char *file, struct journal_records *out,
                  struct diag *d)
{
	size_t errors = d->errors;
	struct journal_reader r = {.file = file, .d = d, .out = out, .last_seq = 0};
	memset(out, 0, sizeof *out);
	out->good_len = journal_split(text, len, &r.lines, &r.n_lines);
	out->lines = r.n_lines;
	for (size_t i = 0; i < r.n_lines; i++)
		journal_read_line(&r, i);
	memcpy(out->last_hash, r.n_lines ? r.lines[r.n_lines - 1].hash : JOURNAL_HASH_ZERO,
	       sizeof out->last_hash);
	if (out->good_len < len) {
		out->torn = 1;
		diag_warning(
		    d, file, (int)r.n_lines + 1, 1,
		    "the last line is incomplete (no newline: the console stopped while "
		    "writing it); it is not part of the chain, and resuming the run cuts it off");
	}
	free(r.lines);
	return d->errors > errors ? -1 : 0;
}

/* Reads all of fd (a journal named path) into a new buffer; -1 with a diagnostic on failure. */
static int journal_slurp(int fd, const char *path, char **text, size_t *len, struct diag *d)
{
	struct stat st;
	size_t cap = 0;
	*text = NULL;
	*len = 0;
	if (fstat(fd, &st) == -1) {
		diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(d, path, 0, 0, "not a journal: not a regular file");
		return -1;
	}
	for (ssize_t n = 1; n > 0; *len += (size_t)n) {
		if (*len >= JOURNAL_FILE_MAX) {
			diag_error(d, path, 0, 0, "over %ld bytes: not a journal",
			           JOURNAL_FILE_MAX);
			return -1;
		}
		if (cap - *len < 65536)
			*text = xrealloc(*text, cap = cap * 2 + 65536);
		do
			n = read(fd, *text + *len, cap - *len);
		while (n == -1 && errno == EINTR);
		if (n == -1) {
			diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Reads and checks the journal open on fd (file names it); see journal_parse. */
int journal_read_fd(int fd, const char *file, struct journal_records *out, struct diag *d)
{
	char *text = NULL;
	size_t len = 0;
	memset(out, 0, sizeof *out);
	int rc = journal_slurp(fd, file, &text, &len, d);
	if (rc == 0)
		rc = journal_parse(text, len, file, out, d);
	free(text);
	return rc;
}

/* Reads and checks the journal at path; see journal_parse. out is always safe to free. */
int journal_read(const char *path, struct journal_records *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		diag_error(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	int rc = journal_read_fd(fd, path, out, d);
	close(fd);
	return rc;
}

/* Frees every record and empties the list. */
void journal_records_free(struct journal_records *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].ts);
		free(r->items[i].type);
		json_decref(r->items[i].data);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* Tells whether name is a run's file name, <run id>.jsonl or <stamp>-<n>.jsonl; *n gets n. */
static int journal_name_ok(const char *name, long *n)
{
	char *end;
	size_t len = strlen(name);
	*n = 0;
	if (len > 6 && strcmp(name + len - 6, ".jsonl") == 0 && runid_ok(name, len - 6))
		return 1;
	if (!journal_shape(name, JOURNAL_STAMP_LEN, "99999999T999999Z") ||
	    name[JOURNAL_STAMP_LEN] != '-' || name[JOURNAL_STAMP_LEN + 1] < '1' ||
	    name[JOURNAL_STAMP_LEN + 1] > '9')
		return 0;
	*n = strtol(name + JOURNAL_STAMP_LEN + 1, &end, 10);
	return strcmp(end, ".jsonl") == 0;
}

/* Orders run file names newest first: by stamp, then by number, then by name. */
static int journal_name_newer(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long nx = 0, ny = 0;
	int c = strncmp(y, x, JOURNAL_STAMP_LEN);
	if (c != 0)
		return c;
	journal_name_ok(x, &nx);
	journal_name_ok(y, &ny);
	return nx != ny ? (ny > nx) - (ny < nx) : strcmp(y, x);
}

/* Lists the runs in <state_dir>/runs, newest first (none when the folder does not exist). */
int journal_list(const char *state_dir, struct journal_runs *out, char **cause)
{
	memset(out, 0, sizeof *out);
	out->dir = xasprintf("%s/runs", state_dir);
	DIR *dp = opendir(out->dir);
	if (dp == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read %s: %s", out->dir, strerror(errno));
		return -1;
	}
	long n;
	for (struct dirent *de; (de = readdir(dp)) != NULL;) {
		if (!journal_name_ok(de->d_name, &n))
			continue;
		out->names = xreallocarray(out->names, out->n + 1, sizeof *out->names);
		out->names[out->n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (out->n > 1)
		qsort(out->names, out->n, sizeof *out->names, journal_name_newer);
	return 0;
}

/* Frees a list of runs. */
void journal_runs_free(struct journal_runs *runs)
{
	for (size_t i = 0; i < runs->n; i++)
		free(runs->names[i]);
	free(runs->names);
	free(runs->states);
	free(runs->dir);
	memset(runs, 0, sizeof *runs);
}

/* Sets *path to candidate when none is set yet and it is a file; else frees candidate. */
static void journal_try(char *candidate, char **path)
{
	if (*path == NULL && paths_is_file(candidate))
		*path = candidate;
	else
		free(candidate);
}

/*
 * Finds the journal RUN names: a path (with a '/'), a file name in
 * <state_dir>/runs, or a run id (the file name without .jsonl); a bare name
 * not found there is tried as a path. state_dir may be NULL (paths only).
 */
int journal_find(const char *state_dir, const char *run, char **path, char **cause)
{
	*path = NULL;
	if (state_dir != NULL && strchr(run, '/') == NULL && *run != '\0') {
		journal_try(xasprintf("%s/runs/%s", state_dir, run), path);
		journal_try(xasprintf("%s/runs/%s.jsonl", state_dir, run), path);
	}
	journal_try(xstrdup(run), path);
	if (*path != NULL)
		return 0;
	if (state_dir != NULL && strchr(run, '/') == NULL)
		*cause = xasprintf("no run '%s' in %s/runs (give a path, a file name there, or an "
		                   "id such as 20261127T061500Z-1)",
		                   run, state_dir);
	else
		*cause = xasprintf("no journal at %s", run);
	return -1;
}

/* Finds the newest run in <state_dir>/runs. */
int journal_last(const char *state_dir, char **path, char **cause)
{
	struct journal_runs runs;
	*path = NULL;
	if (journal_list(state_dir, &runs, cause) == 0 && runs.n == 0)
		*cause = xasprintf("no runs in %s yet", runs.dir);
	else if (runs.n > 0)
		*path = xasprintf("%s/%s", runs.dir, runs.names[0]);
	journal_runs_free(&runs);
	return *path != NULL ? 0 : -1;
}

/* Returns a text field of a record's data, or otherwise when there is none. */
const char *journal_text(json_t *data, const char *key, const char *otherwise)
{
	const char *s = json_string_value(json_object_get(data, key));
	return s != NULL ? s : otherwise;
}
