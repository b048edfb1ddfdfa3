/*
 * Typed accessors over the YAML tree. Each returns 1 when the key is present
 * and valid (the result stored), 0 when it is absent (the result untouched),
 * and -1 after reporting why the value is wrong. A key written with no value
 * is an error, never a silent default.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "xmalloc.h"
#include "yfield.h"

/* Reports an error at a node's position. */
void yfield_error(struct yctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(c->diag, c->file, at ? at->line : 0, at ? at->col : 0, "%s", msg);
	free(msg);
}

/* Reports a warning at a node's position. */
void yfield_warning(struct yctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_warning(c->diag, c->file, at ? at->line : 0, at ? at->col : 0, "%s", msg);
	free(msg);
}

/* Returns the value stored under key in a mapping, or NULL. */
const struct ynode *yfield_get(const struct ynode *map, const char *key)
{
	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].value;
	return NULL;
}

/* Returns the key node itself (for its position), or NULL. */
const struct ynode *yfield_key(const struct ynode *map, const char *key)
{
	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].key;
	return NULL;
}

/* Checks that n is a mapping; reports otherwise. */
int yfield_is_map(struct yctx *c, const struct ynode *n, const char *what)
{
	if (n != NULL && n->kind == YNODE_MAP)
		return 1;
	yfield_error(c, n, "%s must be a mapping (key: value lines), not %s", what,
		     ynode_kind_name(n));
	return 0;
}

/* Checks that n is a list; reports otherwise. */
int yfield_is_seq(struct yctx *c, const struct ynode *n, const char *what)
{
	if (n != NULL && n->kind == YNODE_SEQ)
		return 1;
	yfield_error(c, n, "%s must be a list (lines starting with '- '), not %s", what,
		     ynode_kind_name(n));
	return 0;
}

/* Tells whether an error was already reported at a node's position. */
static int yfield_reported(const struct yctx *c, const struct ynode *n)
{
	for (size_t i = 0; i < c->diag->n; i++) {
		const struct diag_item *it = &c->diag->items[i];
		if (it->level == DIAG_ERROR && it->line == n->line && it->col == n->col &&
		    it->file != NULL && strcmp(it->file, c->file) == 0)
			return 1;
	}
	return 0;
}

/* Joins a NULL-terminated list of names with ", " for a message (newly allocated). */
char *yfield_join(const char *const *names)
{
	size_t len = 1;
	for (size_t i = 0; names[i] != NULL; i++)
		len += strlen(names[i]) + 2;
	char *s = xmalloc(len), *p = s;
	*p = '\0';
	for (size_t i = 0; names[i] != NULL; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", names[i]);
	return s;
}

/* Reports every key of map that is not in the NULL-terminated allowed list. */
void yfield_check_keys(struct yctx *c, const struct ynode *map, const char *what,
		       const char *const *allowed)
{
	if (map == NULL || map->kind != YNODE_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;
		size_t j;
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(allowed[j], k->str) == 0)
				break;
		if (allowed[j] != NULL || yfield_reported(c, k))
			continue;
		char *list = yfield_join(allowed);
		yfield_error(c, k, "unknown key '%s' in %s (expected one of: %s)", k->str, what,
			     list);
		free(list);
	}
}

/* Reports a missing required key at the mapping; returns 1 when present. */
int yfield_require(struct yctx *c, const struct ynode *map, const char *key, const char *what)
{
	if (yfield_get(map, key) != NULL)
		return 1;
	yfield_error(c, map, "missing required key '%s' in %s", key, what);
	return 0;
}

/* Reads a scalar node as a string. */
int yfield_as_string(struct yctx *c, const struct ynode *n, const char *what, char **out)
{
	if (ynode_is_null(n)) {
		yfield_error(c, n, "%s has no value", what);
		return -1;
	}
	if (n->kind != YNODE_SCALAR) {
		yfield_error(c, n, "%s must be a string, not %s", what, ynode_kind_name(n));
		return -1;
	}
	*out = xstrdup(n->str);
	return 1;
}

/* Reads key as a string. */
int yfield_string(struct yctx *c, const struct ynode *map, const char *key, char **out)
{
	const struct ynode *n = yfield_get(map, key);
	if (n == NULL)
		return 0;
	char *what = xasprintf("key '%s'", key);
	char *s = NULL;
	int rc = yfield_as_string(c, n, what, &s);
	free(what);
	if (rc == 1) {
		free(*out);
		*out = s;
	}
	return rc;
}

/* Reads key as a whole number within [min, max]. */
int yfield_int(struct yctx *c, const struct ynode *map, const char *key, long min, long max,
	       long *out)
{
	const struct ynode *n = yfield_get(map, key);
	if (n == NULL)
		return 0;
	if (ynode_is_null(n) || n->kind != YNODE_SCALAR) {
		yfield_error(c, n, "key '%s' must be a whole number, not %s", key,
			     ynode_kind_name(n));
		return -1;
	}
	char *end;
	errno = 0;
	long v = strtol(n->str, &end, 10);
	if (errno != 0 || end == n->str || *end != '\0' || isspace((unsigned char)n->str[0]) ||
	    n->str[0] == '+') {
		yfield_error(c, n, "key '%s' must be a whole number, not '%s'", key, n->str);
		return -1;
	}
	if (v < min || v > max) {
		yfield_error(c, n, "key '%s' is %ld, outside %ld..%ld", key, v, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

/* Reads key as a boolean (true/false, yes/no, on/off). */
int yfield_bool(struct yctx *c, const struct ynode *map, const char *key, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "True", "Yes", "On", "TRUE", NULL};
	static const char *const no[] = {"false", "no", "off", "False", "No", "Off", "FALSE", NULL};
	const struct ynode *n = yfield_get(map, key);
	if (n == NULL)
		return 0;
	if (n->kind == YNODE_SCALAR && n->plain) {
		for (int i = 0; yes[i] != NULL; i++)
			if (strcmp(n->str, yes[i]) == 0)
				return *out = 1;
		for (int i = 0; no[i] != NULL; i++)
			if (strcmp(n->str, no[i]) == 0)
				return (*out = 0), 1;
	}
	if (ynode_is_null(n) || n->kind != YNODE_SCALAR)
		yfield_error(c, n, "key '%s' must be true or false, not %s", key, ynode_kind_name(n));
	else
		yfield_error(c, n, "key '%s' must be true or false, not '%s'", key, n->str);
	return -1;
}

/* Reads key as a duration, stored in milliseconds. */
int yfield_duration(struct yctx *c, const struct ynode *map, const char *key, int64_t *ms)
{
	const struct ynode *n = yfield_get(map, key);
	char err[256];
	if (n == NULL)
		return 0;
	if (ynode_is_null(n) || n->kind != YNODE_SCALAR) {
		yfield_error(c, n, "key '%s' must be a duration such as 90s, 15m or \"15분\", not %s",
			     key, ynode_kind_name(n));
		return -1;
	}
	if (duration_parse(n->str, ms, err, sizeof err) == -1) {
		yfield_error(c, n, "key '%s': %s", key, err);
		return -1;
	}
	return 1;
}

/* Reads key as one of the NULL-terminated names; stores its index. */
int yfield_enum(struct yctx *c, const struct ynode *map, const char *key,
		const char *const *names, int *out)
{
	const struct ynode *n = yfield_get(map, key);
	if (n == NULL)
		return 0;
	if (n->kind == YNODE_SCALAR && !ynode_is_null(n)) {
		for (int i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], n->str) == 0)
				return (*out = i), 1;
	}
	char *list = yfield_join(names);
	if (n->kind == YNODE_SCALAR && !ynode_is_null(n))
		yfield_error(c, n, "key '%s' is '%s', expected one of: %s", key, n->str, list);
	else
		yfield_error(c, n, "key '%s' must be one of: %s (not %s)", key, list,
			     ynode_kind_name(n));
	free(list);
	return -1;
}

/* Frees a list of strings. */
void yfield_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Reads key as a list of strings. */
int yfield_string_list(struct yctx *c, const struct ynode *map, const char *key, char ***out,
		       size_t *n)
{
	const struct ynode *v = yfield_get(map, key);
	char *what = xasprintf("key '%s'", key);
	int rc = 1;
	if (v == NULL) {
		free(what);
		return 0;
	}
	if (!yfield_is_seq(c, v, what)) {
		free(what);
		return -1;
	}
	char **list = xcalloc(v->n, sizeof *list);
	size_t count = 0;
	for (size_t i = 0; i < v->n; i++) {
		char *item = xasprintf("item %zu of key '%s'", i + 1, key);
		if (yfield_as_string(c, v->items[i], item, &list[count]) == 1)
			count++;
		else
			rc = -1;
		free(item);
	}
	free(what);
	if (rc == -1) {
		yfield_free_list(list, count);
		return -1;
	}
	yfield_free_list(*out, *n);
	*out = list;
	*n = count;
	return 1;
}

/* Frees a list of positioned strings. */
void srcstr_free_list(struct srcstr *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].text);
	free(list);
}

/*
 * Reads key, which must be a non-empty list of strings, keeping each one's
 * position ("item" names an entry in messages, "owner" the thing listing them).
 * Returns 1, or -1 after reporting (nothing is stored then).
 */
int yfield_srcstr_list(struct yctx *c, const struct ynode *map, const char *key,
		       const char *item, const char *owner, struct srcstr **out, size_t *n)
{
	const struct ynode *list = yfield_get(map, key);
	char *what = xasprintf("key '%s'", key);
	int ok = list != NULL && yfield_is_seq(c, list, what);
	free(what);
	if (!ok)
		return -1;
	if (list->n == 0) {
		yfield_error(c, list, "key '%s' is empty: %s needs steps", key, owner);
		return -1;
	}
	struct srcstr *items = xcalloc(list->n, sizeof *items);
	size_t count = 0;
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *it = list->items[i];
		char *itemwhat = xasprintf("%s %zu", item, i + 1);
		if (yfield_as_string(c, it, itemwhat, &items[count].text) == 1)
			items[count++].pos = (struct srcpos){c->file, it->line, it->col};
		else
			ok = 0;
		free(itemwhat);
	}
	if (!ok) {
		srcstr_free_list(items, count);
		return -1;
	}
	*out = items;
	*n = count;
	return 1;
}

/*
 * Loads a file whose whole content is "KEY: [ ... ]" and hands the list to
 * read(); returns 0, or -1 when any problem was reported.
 */
int yfield_load_list(const char *file, const char *key, const char *what, struct diag *d,
		     yfield_list_fn read, void *arg)
{
	const char *const top[] = {key, NULL};
	struct ydoc doc;
	struct yctx c = {file, d};
	size_t errors = d->errors;

	yaml_doc_load(&doc, file, d);
	if (doc.root == NULL) {
		if (d->errors == errors)
			diag_error(d, file, 0, 0, "the file is empty (expected '%s:')", key);
	} else if (yfield_is_map(&c, doc.root, what)) {
		yfield_check_keys(&c, doc.root, what, top);
		char *listwhat = xasprintf("key '%s'", key);
		const struct ynode *list = yfield_get(doc.root, key);
		if (yfield_require(&c, doc.root, key, what) && yfield_is_seq(&c, list, listwhat))
			read(&c, list, arg);
		free(listwhat);
	}
	yaml_doc_free(&doc);
	return d->errors > errors ? -1 : 0;
}
