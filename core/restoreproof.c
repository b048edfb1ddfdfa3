/*
 * The proven restores, <state_dir>/restores.json, one JSON object:
 *
 *   {"version": 1, "proofs": [{"site": "dc-2", "file": "/backup/db_1.dump",
 *     "size": 81234, "mtime": 1767225600, "proven_ms": 1767229200123,
 *     "duration_ms": 870 | null, "tables": 4, "rows": 1200, "canary": false,
 *     "target": "127.0.0.1:5432", "run": "<run id>" | null}, ...]}
 *
 * One proof per file identity (site, path, size, mtime: a file rewritten in
 * place is another file), the latest test replacing the earlier; at most
 * RESTOREPROOF_KEEP per site, the most recently proven. Written whole by
 * durable_replace under the flock of restores.lock (a read, a change, a
 * write), so two processes never lose each other's proof; read without a
 * lock. A file that cannot be read is an error, never "never proven".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "restoreproof.h"
#include "statefile.h"
#include "utf8.h"
#include "xmalloc.h"

#define RESTOREPROOF_MAX (4 * 1024 * 1024) /* bytes of the file */

/* Frees one proof's strings. */
void restoreproof_clear(struct restoreproof *p)
{
	free(p->site);
	free(p->file);
	free(p->target);
	free(p->run);
	memset(p, 0, sizeof *p);
}

/* Frees a set of proofs. */
void restoreproofs_free(struct restoreproofs *set)
{
	for (size_t i = 0; i < set->n; i++)
		restoreproof_clear(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->n = 0;
}

/* Copies a proof (its strings duplicated). */
static void restoreproof_copy(struct restoreproof *to, const struct restoreproof *from)
{
	*to = *from;
	to->site = xstrdup(from->site);
	to->file = xstrdup(from->file);
	to->target = from->target ? xstrdup(from->target) : NULL;
	to->run = from->run ? xstrdup(from->run) : NULL;
}

/* Returns one proof as JSON (the file's and status --json's form). */
json_t *restoreproof_json(const struct restoreproof *p)
{
	return json_pack("{s:s, s:o, s:I, s:I, s:I, s:o, s:I, s:I, s:b, s:s?, s:s?}", "site",
	                 p->site, "file", utf8_json_string(p->file), "size", (json_int_t)p->size, "mtime",
	                 (json_int_t)p->mtime_s, "proven_ms", (json_int_t)p->proven_ms,
	                 "duration_ms",
	                 p->duration_ms >= 0 ? json_integer(p->duration_ms) : json_null(),
	                 "tables", (json_int_t)p->tables, "rows", (json_int_t)p->rows, "canary",
	                 p->canary, "target", p->target, "run", p->run);
}

/* Reads a member that must be a non-negative integer; -1 when it is not. */
static int restoreproof_int(const json_t *o, const char *key, int64_t *v)
{
	const json_t *m = json_object_get(o, key);
	if (!json_is_integer(m) || json_integer_value(m) < 0)
		return -1;
	*v = json_integer_value(m);
	return 0;
}

/* Reads a member that must be a non-empty string (or null, when allowed); -1 when it is not. */
static int restoreproof_str(const json_t *o, const char *key, int nullable, char **v)
{
	const json_t *m = json_object_get(o, key);
	if (nullable && (m == NULL || json_is_null(m)))
		return 0;
	if (!json_is_string(m) || json_string_length(m) == 0 ||
	    strlen(json_string_value(m)) != json_string_length(m))
		return -1;
	*v = xstrdup(json_string_value(m));
	return 0;
}

/* Reads one proof; the member at fault, or NULL. */
static const char *restoreproof_from(const json_t *o, struct restoreproof *p)
{
	const json_t *d = json_object_get(o, "duration_ms");
	memset(p, 0, sizeof *p);
	p->duration_ms = -1;
	if (!json_is_object(o))
		return "proof";
	if (restoreproof_str(o, "site", 0, &p->site) == -1)
		return "site";
	if (restoreproof_str(o, "file", 0, &p->file) == -1)
		return "file";
	if (restoreproof_int(o, "size", &p->size) == -1)
		return "size";
	if (restoreproof_int(o, "mtime", &p->mtime_s) == -1)
		return "mtime";
	if (restoreproof_int(o, "proven_ms", &p->proven_ms) == -1 || p->proven_ms == 0)
		return "proven_ms";
	if (!json_is_null(d) && restoreproof_int(o, "duration_ms", &p->duration_ms) == -1)
		return "duration_ms";
	if (restoreproof_int(o, "tables", &p->tables) == -1)
		return "tables";
	if (restoreproof_int(o, "rows", &p->rows) == -1)
		return "rows";
	if (!json_is_boolean(json_object_get(o, "canary")))
		return "canary";
	p->canary = json_is_true(json_object_get(o, "canary"));
	if (restoreproof_str(o, "target", 1, &p->target) == -1)
		return "target";
	if (restoreproof_str(o, "run", 1, &p->run) == -1)
		return "run";
	return NULL;
}

/*
 * Reads the file's text into set (emptied first); 0, or -1 with *cause
 * ("LINE:COL: ..." for bad JSON, else the proof and member at fault): set is
 * then empty, and must be said unknown, not "never".
 */
int restoreproof_parse(const char *text, struct restoreproofs *set, char **cause)
{
	json_error_t err;
	restoreproofs_free(set);
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		*cause = xasprintf("%d:%d: %s", err.line, err.column, err.text);
		return -1;
	}
	const json_t *list = json_object_get(root, "proofs"), *v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1 || !json_is_array(list)) {
		*cause = xstrdup("not a record of proven restores (\"version\": 1 and \"proofs\")");
		json_decref(root);
		return -1;
	}
	set->items = xcalloc(json_array_size(list) + 1, sizeof *set->items);
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *bad = restoreproof_from(json_array_get(list, i), &set->items[set->n]);
		if (bad != NULL) {
			restoreproof_clear(&set->items[set->n]);
			*cause = xasprintf("proof %zu: \"%s\" is missing or wrong", i + 1, bad);
			restoreproofs_free(set);
			json_decref(root);
			return -1;
		}
		set->n++;
	}
	json_decref(root);
	return 0;
}

/* Returns the file's text for set (allocated), one line. */
char *restoreproof_format(const struct restoreproofs *set)
{
	json_t *list = json_array();
	for (size_t i = 0; i < set->n; i++)
		json_array_append_new(list, restoreproof_json(&set->items[i]));
	json_t *root = json_pack("{s:i, s:o}", "version", 1, "proofs", list);
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	char *line = xasprintf("%s\n", text);
	free(text);
	return line;
}

/* Tells whether a proof is of the file f of site. */
static int restoreproof_is(const struct restoreproof *p, const char *site,
                           const struct restoreproof_file *f)
{
	return strcmp(p->site, site) == 0 && strcmp(p->file, f->path) == 0 &&
	       p->size == f->size && p->mtime_s == f->mtime_s;
}

/* Drops the site's least recently proven proofs beyond RESTOREPROOF_KEEP. */
static void restoreproof_trim(struct restoreproofs *set, const char *site)
{
	for (;;) {
		size_t count = 0, oldest = set->n;
		for (size_t i = 0; i < set->n; i++) {
			if (strcmp(set->items[i].site, site) != 0)
				continue;
			count++;
			if (oldest == set->n || set->items[i].proven_ms < set->items[oldest].proven_ms)
				oldest = i;
		}
		if (count <= RESTOREPROOF_KEEP)
			return;
		restoreproof_clear(&set->items[oldest]);
		memmove(&set->items[oldest], &set->items[oldest + 1],
		        (set->n - oldest - 1) * sizeof *set->items);
		set->n--;
	}
}

/* Puts a proof into set (a copy), replacing the earlier one of the same file. */
void restoreproof_put(struct restoreproofs *set, const struct restoreproof *p)
{
	struct restoreproof_file f = {p->file, p->size, p->mtime_s};
	size_t i = 0;
	while (i < set->n && !restoreproof_is(&set->items[i], p->site, &f))
		i++;
	if (i == set->n)
		set->items = xreallocarray(set->items, ++set->n, sizeof *set->items);
	else
		restoreproof_clear(&set->items[i]);
	restoreproof_copy(&set->items[i], p);
	restoreproof_trim(set, p->site);
}

/* Reads the file at path into set; 0 (empty when there is none), or -1 with *cause. */
static int restoreproof_load(const char *path, struct restoreproofs *set, char **cause)
{
	restoreproofs_free(set);
	int fd = statefile_open(path, RESTOREPROOF_MAX, "a record of proven restores", cause);
	if (fd < 0)
		return fd == -2 ? 0 : -1;
	char *text = xmalloc(RESTOREPROOF_MAX + 1);
	size_t len = 0;
	ssize_t got;
	while (len < RESTOREPROOF_MAX && (got = read(fd, text + len, RESTOREPROOF_MAX - len)) > 0)
		len += (size_t)got;
	close(fd);
	text[len] = '\0';
	char *why = NULL;
	int rc = restoreproof_parse(text, set, &why);
	free(text);
	if (rc == -1) {
		*cause = xasprintf("%s:%s", path, why);
		free(why);
	}
	return rc;
}

/* Reads <state_dir>/restores.json into set; 0 (empty when there is none), or -1 with *cause. */
int restoreproof_read(const char *state_dir, struct restoreproofs *set, char **cause)
{
	char *path = xasprintf("%s/%s", state_dir, RESTOREPROOF_FILE);
	int rc = restoreproof_load(path, set, cause);
	free(path);
	return rc;
}

/* Adds a proof to <state_dir>/restores.json, durably; 0, or -1 with *cause (nothing changed). */
int restoreproof_add(const char *state_dir, const struct restoreproof *p, char **cause)
{
	struct restoreproofs set = {0};
	char *path = xasprintf("%s/%s", state_dir, RESTOREPROOF_FILE);
	int lock = statefile_lock(state_dir, RESTOREPROOF_LOCK, cause), rc = -1;
	if (lock != -1 && restoreproof_load(path, &set, cause) == 0) {
		restoreproof_put(&set, p);
		char *text = restoreproof_format(&set);
		rc = durable_replace_mode(path, text, strlen(text), 0600);
		if (rc == -1)
			*cause = xasprintf("cannot write %s", path);
		free(text);
	}
	if (lock != -1)
		close(lock);
	restoreproofs_free(&set);
	free(path);
	return rc;
}

/* Returns the site's most recently proven restore, or NULL. */
const struct restoreproof *restoreproof_last(const struct restoreproofs *set, const char *site)
{
	const struct restoreproof *last = NULL;
	for (size_t i = 0; set != NULL && i < set->n; i++)
		if (strcmp(set->items[i].site, site) == 0 &&
		    (last == NULL || set->items[i].proven_ms > last->proven_ms))
			last = &set->items[i];
	return last;
}

/* Returns the proof of the file f of site, or NULL. */
const struct restoreproof *restoreproof_find(const struct restoreproofs *set, const char *site,
                                             const struct restoreproof_file *f)
{
	for (size_t i = 0; set != NULL && f != NULL && f->path != NULL && i < set->n; i++)
		if (restoreproof_is(&set->items[i], site, f))
			return &set->items[i];
	return NULL;
}

/*
 * Judges the site's newest backup (NULL or without a path: not known)
 * against the proofs; *last is its proof when proven, else the site's most
 * recently proven restore (NULL: none).
 */
enum restoreproof_state restoreproof_judge(const struct restoreproofs *set, const char *site,
                                           const struct restoreproof_file *newest,
                                           const struct restoreproof **last)
{
	const struct restoreproof *p = restoreproof_find(set, site, newest);
	*last = p != NULL ? p : restoreproof_last(set, site);
	if (p != NULL)
		return RESTOREPROOF_PROVEN;
	if (newest == NULL || newest->path == NULL)
		return RESTOREPROOF_UNKNOWN;
	return *last != NULL ? RESTOREPROOF_UNPROVEN : RESTOREPROOF_NEVER;
}
