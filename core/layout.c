/*
 * Layout loader and geometry. A layout file:
 *   name: overview
 *   key: 1
 *   min_size: 80x24
 *   layout:
 *     rows:
 *       - panel: header
 *         size: 2
 *       - columns:
 *           - { panel: health, size: 50% }
 *           - { panel: replication }     # size: rest is the default
 *       - { panel: events, size: rest }
 * In a split, fixed cells are given first, percentages (of the whole split,
 * rounded with the remainder carried forward so sizes add up) next, and the
 * "rest" children share what is left, the first ones taking any odd cell.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "xmalloc.h"
#include "yaml_doc.h"
#include "yfield.h"

#define LAYOUT_MAX_TERMINAL 1000

static const char *const layout_panels[] = {"header", "health", "replication", "backups",
					    "runbook", "events", "schedule", NULL};

/* Tells whether name is a known panel. */
int layout_is_panel(const char *name)
{
	for (size_t i = 0; layout_panels[i] != NULL; i++)
		if (strcmp(layout_panels[i], name) == 0)
			return 1;
	return 0;
}

/* Frees a node's children (the node itself is embedded in its parent). */
static void layout_node_free(struct layout_node *n)
{
	for (size_t i = 0; i < n->n; i++)
		layout_node_free(&n->children[i]);
	free(n->children);
	free(n->panel);
	memset(n, 0, sizeof *n);
}

/* Reads "size:": whole cells, "N%" or "rest". */
static int layout_read_size(struct yctx *c, const struct ynode *map, struct layout_node *ln)
{
	const struct ynode *v = yfield_get(map, "size");
	ln->size_kind = LAYOUT_SIZE_REST;
	if (v == NULL)
		return 0;
	if (v->kind == YNODE_SCALAR && strcmp(v->str, "rest") == 0)
		return 0;
	if (v->kind == YNODE_SCALAR && !ynode_is_null(v)) {
		char *end;
		long n = strtol(v->str, &end, 10);
		int pct = *end == '%' && end[1] == '\0';
		if (end != v->str && (*end == '\0' || pct) && v->str[0] != '-' && v->str[0] != '+') {
			if (pct && (n < 1 || n > 100)) {
				yfield_error(c, v, "size '%s' must be between 1%% and 100%%", v->str);
				return -1;
			}
			if (!pct && (n < 1 || n > LAYOUT_MAX_TERMINAL)) {
				yfield_error(c, v, "size '%s' must be between 1 and %d cells", v->str,
					     LAYOUT_MAX_TERMINAL);
				return -1;
			}
			ln->size_kind = pct ? LAYOUT_SIZE_PERCENT : LAYOUT_SIZE_CELLS;
			ln->size = (int)n;
			return 0;
		}
	}
	yfield_error(c, v, "key 'size' must be cells (3), a percentage (40%%) or rest, not %s%s%s",
		     v->kind == YNODE_SCALAR ? "'" : "",
		     v->kind == YNODE_SCALAR ? v->str : ynode_kind_name(v),
		     v->kind == YNODE_SCALAR ? "'" : "");
	return -1;
}

static int layout_read_node(struct yctx *c, const struct ynode *n, struct layout_node *ln);

/* Reads the children of a rows:/columns: split. */
static int layout_read_split(struct yctx *c, const struct ynode *list, struct layout_node *ln,
			     const char *key)
{
	char *what = xasprintf("key '%s'", key);
	int ok = yfield_is_seq(c, list, what);
	free(what);
	if (!ok)
		return -1;
	if (list->n == 0) {
		yfield_error(c, list, "key '%s' is empty: a split needs panels", key);
		return -1;
	}
	ln->children = xcalloc(list->n, sizeof *ln->children);
	int pct = 0;
	for (size_t i = 0; i < list->n; i++) {
		if (layout_read_node(c, list->items[i], &ln->children[ln->n]) == -1)
			ok = 0;
		if (ln->children[ln->n].size_kind == LAYOUT_SIZE_PERCENT)
			pct += ln->children[ln->n].size;
		ln->n++;
	}
	int rest = 0;
	for (size_t i = 0; i < ln->n; i++)
		rest += ln->children[i].size_kind == LAYOUT_SIZE_REST;
	if (pct > 100) {
		yfield_error(c, list, "the sizes in '%s' add up to %d%%, more than 100%%", key, pct);
		ok = 0;
	} else if (ok && rest == 0 && pct != 100) {
		/* Otherwise part of the screen would be left undrawn. */
		yfield_error(c, list,
			     "'%s' must fill its space: give one entry 'size: rest' (or "
			     "percentages adding up to 100%%)",
			     key);
		ok = 0;
	}
	return ok ? 0 : -1;
}

/* Reads one node: a panel, or a rows:/columns: split. */
static int layout_read_node(struct yctx *c, const struct ynode *n, struct layout_node *ln)
{
	static const char *const keys[] = {"panel", "rows", "columns", "size", NULL};
	static const char *const kinds[] = {"panel", "rows", "columns"};
	const char *given = NULL;
	int count = 0;

	ln->pos = (struct srcpos){c->file, n ? n->line : 0, n ? n->col : 0};
	if (!yfield_is_map(c, n, "a layout entry"))
		return -1;
	yfield_check_keys(c, n, "a layout entry", keys);
	for (int i = 0; i < 3; i++)
		if (yfield_get(n, kinds[i]) != NULL) {
			if (count++ > 0) {
				yfield_error(c, yfield_key(n, kinds[i]),
					     "a layout entry has both '%s' and '%s': give one",
					     given, kinds[i]);
				return -1;
			}
			given = kinds[i];
			ln->kind = (enum layout_kind)i;
		}
	if (given == NULL) {
		yfield_error(c, n, "a layout entry needs 'panel', 'rows' or 'columns'");
		return -1;
	}
	int rc = layout_read_size(c, n, ln);
	if (ln->kind != LAYOUT_PANEL)
		return layout_read_split(c, yfield_get(n, given), ln, given) == -1 ? -1 : rc;
	if (yfield_string(c, n, "panel", &ln->panel) != 1)
		return -1;
	if (!layout_is_panel(ln->panel)) {
		yfield_error(c, yfield_get(n, "panel"),
			     "unknown panel '%s' (known: header, health, replication, backups, "
			     "runbook, events, schedule)",
			     ln->panel);
		return -1;
	}
	return rc;
}

/* Reads "min_size: WxH". */
static int layout_read_min(struct yctx *c, const struct ynode *root, struct layout *l)
{
	char *s = NULL;
	int rc = yfield_string(c, root, "min_size", &s);
	if (rc != 1)
		return rc;
	char tail;
	if (sscanf(s, "%dx%d%c", &l->min_w, &l->min_h, &tail) != 2 || l->min_w < 10 ||
	    l->min_h < 3 || l->min_w > LAYOUT_MAX_TERMINAL || l->min_h > LAYOUT_MAX_TERMINAL) {
		yfield_error(c, yfield_get(root, "min_size"),
			     "key 'min_size' must be WIDTHxHEIGHT such as 80x24, not '%s'", s);
		rc = -1;
	}
	free(s);
	return rc;
}

/* Collects every panel name in the tree, reporting one used twice. */
static void layout_check_unique(struct yctx *c, const struct layout_node *n, const char **seen,
				size_t *count)
{
	if (n->kind != LAYOUT_PANEL) {
		for (size_t i = 0; i < n->n; i++)
			layout_check_unique(c, &n->children[i], seen, count);
		return;
	}
	for (size_t i = 0; i < *count; i++)
		if (strcmp(seen[i], n->panel) == 0) {
			diag_error(c->diag, c->file, n->pos.line, n->pos.col,
				   "panel '%s' appears twice in this layout", n->panel);
			return;
		}
	if (*count < LAYOUT_MAX_PANELS)
		seen[(*count)++] = n->panel;
	else
		diag_error(c->diag, c->file, n->pos.line, n->pos.col,
			   "too many panels (limit %d)", LAYOUT_MAX_PANELS);
}

/* Returns the file's base name without ".yml". */
static char *layout_file_stem(const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".yml") == 0)
		len -= 4;
	return xstrndup(base, len);
}

/* Reads the top-level mapping of a layout file. */
static void layout_read_root(struct yctx *c, const struct ynode *root, struct layout *l)
{
	static const char *const keys[] = {"name", "description", "key", "min_size", "layout",
					   NULL};
	long key = 0;
	char *stem = layout_file_stem(l->file);
	yfield_check_keys(c, root, "a layout", keys);
	if (yfield_string(c, root, "name", &l->name) == 1 && strcmp(l->name, stem) != 0)
		yfield_error(c, yfield_get(root, "name"),
			     "layout name '%s' differs from its file name '%s.yml'", l->name, stem);
	if (l->name == NULL)
		l->name = xstrdup(stem);
	free(stem);
	yfield_string(c, root, "description", &l->description);
	if (yfield_int(c, root, "key", 1, 9, &key) == 1) {
		const struct ynode *k = yfield_get(root, "key");
		l->key = (int)key;
		l->key_pos = (struct srcpos){l->file, k->line, k->col};
	}
	yfield_require(c, root, "min_size", "a layout");
	int ok = layout_read_min(c, root, l) == 1;
	if (!yfield_require(c, root, "layout", "a layout"))
		return;
	if (layout_read_node(c, yfield_get(root, "layout"), &l->root) == -1)
		return;
	const char *seen[LAYOUT_MAX_PANELS];
	size_t count = 0;
	layout_check_unique(c, &l->root, seen, &count);
	if (!ok)
		return;
	struct layout_rect rects[LAYOUT_MAX_PANELS];
	size_t n;
	char err[256];
	if (layout_compute(l, l->min_w, l->min_h, rects, LAYOUT_MAX_PANELS, &n, err,
			   sizeof err) == -1)
		yfield_error(c, yfield_get(root, "min_size"),
			     "the layout does not fit its min_size %dx%d: %s", l->min_w, l->min_h,
			     err);
}

/* Loads one layout file; returns 0, or -1 with the problems in d. */
int layout_load(struct layout *l, const char *file, struct diag *d)
{
	struct ydoc doc;
	size_t errors = d->errors;

	memset(l, 0, sizeof *l);
	l->file = xstrdup(file);
	struct yctx c = {l->file, d};
	yaml_doc_load(&doc, file, d);
	if (doc.root == NULL) {
		if (d->errors == errors)
			diag_error(d, file, 0, 0, "the file is empty (expected a layout)");
	} else if (yfield_is_map(&c, doc.root, "a layout")) {
		layout_read_root(&c, doc.root, l);
	}
	yaml_doc_free(&doc);
	if (l->name == NULL)
		l->name = layout_file_stem(file);
	return d->errors > errors ? -1 : 0;
}

/* Orders layouts by key, then by name. */
static int layout_compare(const void *a, const void *b)
{
	const struct layout *x = a, *y = b;
	int kx = x->key ? x->key : 100, ky = y->key ? y->key : 100;
	if (kx != ky)
		return kx - ky;
	return strcmp(x->name, y->name);
}

/* Tells whether a directory entry is a layout file. */
static int layout_dir_filter(const struct dirent *e)
{
	size_t len = strlen(e->d_name);
	return e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".yml") == 0;
}

/* Loads every *.yml of a folder; returns 0, or -1 with the problems in d. */
int layout_load_dir(struct layout_set *set, const char *dir, struct diag *d)
{
	struct dirent **names;
	size_t errors = d->errors;
	memset(set, 0, sizeof *set);
	int count = scandir(dir, &names, layout_dir_filter, alphasort);
	if (count < 0) {
		diag_error(d, dir, 0, 0, "cannot read the layouts folder");
		return -1;
	}
	if (count == 0)
		diag_error(d, dir, 0, 0, "no layouts (*.yml) in this folder");
	set->items = xcalloc((size_t)count, sizeof *set->items);
	for (int i = 0; i < count; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		struct layout *l = &set->items[set->n];
		if (layout_load(l, path, d) == 0)
			set->n++;
		else
			layout_free(l);
		free(path);
		free(names[i]);
	}
	free(names);
	for (size_t i = 0; i < set->n; i++)
		for (size_t j = i + 1; j < set->n; j++)
			if (set->items[i].key != 0 && set->items[i].key == set->items[j].key)
				diag_error(d, set->items[j].file, set->items[j].key_pos.line,
					   set->items[j].key_pos.col,
					   "key %d is already used by layout '%s'",
					   set->items[j].key, set->items[i].name);
	qsort(set->items, set->n, sizeof *set->items, layout_compare);
	return d->errors > errors ? -1 : 0;
}

/* Frees one layout. */
void layout_free(struct layout *l)
{
	layout_node_free(&l->root);
	free(l->name);
	free(l->file);
	free(l->description);
	memset(l, 0, sizeof *l);
}

/* Frees a set of layouts. */
void layout_free_set(struct layout_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		layout_free(&set->items[i]);
	free(set->items);
	memset(set, 0, sizeof *set);
}

/* Finds a layout by name. */
const struct layout *layout_find(const struct layout_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->items[i].name, name) == 0)
			return &set->items[i];
	return NULL;
}

struct layout_out {
	struct layout_rect *rects;
	size_t max;
	size_t n;
	char *err;
	size_t errlen;
};

/* Splits len cells among a split's children; returns 0 or -1 when they do not fit. */
static int layout_split_sizes(const struct layout_node *n, int len, int *sizes,
			      struct layout_out *o)
{
	int fixed = 0, rest = 0, pct_acc = 0, pct_prev = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct layout_node *ch = &n->children[i];
		if (ch->size_kind == LAYOUT_SIZE_CELLS)
			sizes[i] = ch->size;
		else if (ch->size_kind == LAYOUT_SIZE_PERCENT) {
			pct_acc += ch->size;
			int upto = len * pct_acc / 100;
			sizes[i] = upto - pct_prev;
			pct_prev = upto;
		} else {
			sizes[i] = 0;
			rest++;
		}
		fixed += sizes[i];
	}
	int left = len - fixed;
	if (left < rest) {
		snprintf(o->err, o->errlen, "%s at line %d need %d %s, only %d available",
			 n->kind == LAYOUT_ROWS ? "rows" : "columns", n->pos.line, fixed + rest,
			 n->kind == LAYOUT_ROWS ? "lines" : "columns", len);
		return -1;
	}
	for (size_t i = 0, k = 0; i < n->n; i++) {
		if (n->children[i].size_kind != LAYOUT_SIZE_REST)
			continue;
		sizes[i] = left / rest + ((int)k < left % rest ? 1 : 0);
		k++;
	}
	for (size_t i = 0; i < n->n; i++)
		if (sizes[i] < 1) {
			snprintf(o->err, o->errlen, "entry at line %d gets no room",
				 n->children[i].pos.line);
			return -1;
		}
	return 0;
}

/* Places a node in the rectangle (x, y, w, h). */
static int layout_place(const struct layout_node *n, int x, int y, int w, int h,
			struct layout_out *o)
{
	if (n->kind == LAYOUT_PANEL) {
		if (o->n >= o->max) {
			snprintf(o->err, o->errlen, "more than %zu panels", o->max);
			return -1;
		}
		o->rects[o->n++] = (struct layout_rect){n->panel, x, y, w, h};
		return 0;
	}
	int *sizes = xcalloc(n->n, sizeof *sizes);
	int rc = layout_split_sizes(n, n->kind == LAYOUT_ROWS ? h : w, sizes, o);
	for (size_t i = 0; rc == 0 && i < n->n; i++) {
		if (n->kind == LAYOUT_ROWS) {
			rc = layout_place(&n->children[i], x, y, w, sizes[i], o);
			y += sizes[i];
		} else {
			rc = layout_place(&n->children[i], x, y, sizes[i], h, o);
			x += sizes[i];
		}
	}
	free(sizes);
	return rc;
}

/* Computes every panel's rectangle for a w x h terminal; -1 (with err) if it does not fit. */
int layout_compute(const struct layout *l, int w, int h, struct layout_rect *out, size_t max,
		   size_t *n, char *err, size_t errlen)
{
	struct layout_out o = {out, max, 0, err, errlen};
	*n = 0;
	if (w < l->min_w || h < l->min_h) {
		snprintf(err, errlen, "terminal too small: need %dx%d, have %dx%d", l->min_w,
			 l->min_h, w, h);
		return -1;
	}
	if (layout_place(&l->root, 0, 0, w, h, &o) == -1)
		return -1;
	*n = o.n;
	return 0;
}
