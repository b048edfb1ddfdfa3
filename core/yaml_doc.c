/*
 * YAML reader on the libyaml event API. Events are folded into a tree with an
 * explicit stack (no recursion, so depth is bounded by YAML_DOC_MAX_DEPTH, not
 * by the C stack). libyaml marks are 0-based; everything stored here is 1-based.
 * After a libyaml error the parser keeps returning YAML_NO_EVENT, so the loop
 * stops on the first error instead of trusting the parser to end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "utf8.h"
#include "xmalloc.h"
#include "yaml_doc.h"

struct yaml_build {
	struct ydoc *doc;
	struct diag *diag;
	const char *buf;
	size_t len;
	struct ynode *stack[YAML_DOC_MAX_DEPTH + 1];
	int depth;
	struct ynode *pending_key[YAML_DOC_MAX_DEPTH + 1]; /* a map's key awaiting its value */
	int documents;
	int failed;
};

/* Frees a node and everything below it. */
static void ynode_free(struct ynode *n)
{
	if (n == NULL)
		return;
	free(n->str);
	for (size_t i = 0; n->kind == YNODE_SEQ && i < n->n; i++)
		ynode_free(n->items[i]);
	for (size_t i = 0; n->kind == YNODE_MAP && i < n->n; i++) {
		ynode_free(n->pairs[i].key);
		ynode_free(n->pairs[i].value);
	}
	free(n->items);
	free(n->pairs);
	free(n);
}

/* Tells whether a scalar is YAML's null: empty, "~" or "null", written plain. */
int ynode_is_null(const struct ynode *n)
{
	if (n == NULL)
		return 1;
	if (n->kind != YNODE_SCALAR || !n->plain)
		return 0;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

/* Names a node's kind for messages ("a mapping", "a list", "a string"). */
const char *ynode_kind_name(const struct ynode *n)
{
	if (ynode_is_null(n))
		return "nothing";
	switch (n->kind) {
	case YNODE_MAP:
		return "a mapping";
	case YNODE_SEQ:
		return "a list";
	default:
		return "a string";
	}
}

/* Reports an error at a libyaml mark and marks the build as failed. */
static void yaml_build_error(struct yaml_build *b, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void yaml_build_error(struct yaml_build *b, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(b->diag, b->doc->file, (int)mark.line + 1, (int)mark.column + 1, "%s", msg);
	free(msg);
	b->failed = 1;
}

/* Creates a node at an event's start mark and counts it against the limit. */
static struct ynode *yaml_build_node(struct yaml_build *b, enum ynode_kind kind, yaml_mark_t mark)
{
	if (b->doc->nodes >= YAML_DOC_MAX_NODES) {
		yaml_build_error(b, mark, "too many nodes (limit %d)", YAML_DOC_MAX_NODES);
		return NULL;
	}
	struct ynode *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->line = (int)mark.line + 1;
	n->col = (int)mark.column + 1;
	b->doc->nodes++;
	return n;
}

struct yaml_key_ref {
	const struct ynode *key;
	size_t index;
};

/* Orders keys by text, then by their place in the mapping. */
static int yaml_key_compare(const void *a, const void *b)
{
	const struct yaml_key_ref *x = a, *y = b;
	size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
	int c = memcmp(x->key->str, y->key->str, n);
	if (c != 0)
		return c;
	if (x->key->len != y->key->len)
		return x->key->len < y->key->len ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Reports every key given twice in a finished mapping (at the later one, in
 * O(n log n) so a huge mapping cannot stall the reader) and drops the later
 * ones, keeping the first as YAML readers commonly do.
 */
static void yaml_build_dedupe(struct yaml_build *b, struct ynode *map)
{
	if (map->n < 2)
		return;
	struct yaml_key_ref *refs = xcalloc(map->n, sizeof *refs);
	unsigned char *dup = xcalloc(map->n, 1);
	for (size_t i = 0; i < map->n; i++)
		refs[i] = (struct yaml_key_ref){map->pairs[i].key, i};
	qsort(refs, map->n, sizeof *refs, yaml_key_compare);
	size_t first = 0, found = 0;
	for (size_t i = 1; i < map->n; i++) {
		const struct ynode *k = refs[i].key, *f = refs[first].key;
		if (k->len != f->len || memcmp(k->str, f->str, k->len) != 0) {
			first = i;
			continue;
		}
		diag_error(b->diag, b->doc->file, k->line, k->col,
			   "duplicate key '%s' (first given at line %d)", k->str, f->line);
		dup[refs[i].index] = 1;
		found++;
	}
	size_t kept = 0;
	for (size_t i = 0; found > 0 && i < map->n; i++) {
		if (dup[i]) {
			ynode_free(map->pairs[i].key);
			ynode_free(map->pairs[i].value);
		} else {
			map->pairs[kept++] = map->pairs[i];
		}
	}
	if (found > 0)
		map->n = kept;
	free(refs);
	free(dup);
}

/* Appends to a growing array of elem-sized items, doubling its room as needed. */
static void *yaml_build_grow(void *array, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return array;
	*cap = *cap ? *cap * 2 : 4;
	return xreallocarray(array, *cap, elem);
}

/* Attaches a finished node to its parent (or makes it the root). */
static void yaml_build_attach(struct yaml_build *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->doc->root = n;
		return;
	}
	struct ynode *parent = b->stack[b->depth - 1];
	if (parent->kind == YNODE_SEQ) {
		parent->items = yaml_build_grow(parent->items, parent->n, &parent->cap,
						sizeof *parent->items);
		parent->items[parent->n++] = n;
		return;
	}
	struct ynode *key = b->pending_key[b->depth - 1];
	if (key == NULL) {
		if (n->kind != YNODE_SCALAR) {
			yaml_mark_t m = {0, (size_t)n->line - 1, (size_t)n->col - 1};
			yaml_build_error(b, m, "a mapping key must be a plain string, not %s",
					 ynode_kind_name(n));
			ynode_free(n);
			return;
		}
		b->pending_key[b->depth - 1] = n;
		return;
	}
	b->pending_key[b->depth - 1] = NULL;
	parent->pairs = yaml_build_grow(parent->pairs, parent->n, &parent->cap,
					sizeof *parent->pairs);
	parent->pairs[parent->n].key = key;
	parent->pairs[parent->n].value = n;
	parent->n++;
}

/* Rejects anchors and tags, which drconsole's files never need. */
static int yaml_build_check_props(struct yaml_build *b, yaml_mark_t mark,
				  const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor != NULL) {
		yaml_build_error(b, mark, "anchors are not supported (&%s): write the value out",
				 (const char *)anchor);
		return -1;
	}
	if (tag != NULL) {
		const char *t = (const char *)tag;
		int std = strncmp(t, "tag:yaml.org,2002:", 18) == 0;
		yaml_build_error(b, mark, "tags are not supported (%s%s): write the plain value",
				 std ? "!!" : "", std ? t + 18 : t);
		return -1;
	}
	return 0;
}

/*
 * Reports a control character (at s, len bytes left) in a scalar: a name or a
 * value that a terminal would act on when it is printed (ESC, BEL, C1, bidi
 * controls) is an error; tab and newline are allowed. The build goes on, so
 * every such string is reported.
 */
static void yaml_build_control_error(struct yaml_build *b, yaml_mark_t mark, const char *s,
                                     size_t len)
{
	unsigned int cp = 0;
	int n = utf8_decode(s, len, &cp);
	char *shown = utf8_clean(s, n > 0 ? (size_t)n : 1, UTF8_CLEAN_CONTROLS, NULL);
	diag_error(b->diag, b->doc->file, (int)mark.line + 1, (int)mark.column + 1,
	           "a string may not contain a control character (%s): terminals act on them; "
	           "only tab and newline are allowed",
	           shown);
	free(shown);
}

/* Handles a scalar event. */
static void yaml_build_scalar(struct yaml_build *b, yaml_event_t *ev)
{
	if (yaml_build_check_props(b, ev->start_mark, ev->data.scalar.anchor,
				   ev->data.scalar.tag) == -1)
		return;
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	if (memchr(value, '\0', len) != NULL) {
		yaml_build_error(b, ev->start_mark, "a string may not contain a NUL character");
		return;
	}
	size_t ctl = utf8_control_offset(value, len);
	if (ctl != (size_t)-1)
		yaml_build_control_error(b, ev->start_mark, value + ctl, len - ctl);
	struct ynode *n = yaml_build_node(b, YNODE_SCALAR, ev->start_mark);
	if (n == NULL)
		return;
	n->str = xstrndup(value, len);
	n->len = len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	yaml_build_attach(b, n);
}

/* Handles the start of a mapping or sequence. */
static void yaml_build_open(struct yaml_build *b, yaml_event_t *ev, enum ynode_kind kind)
{
	const yaml_char_t *anchor, *tag;
	if (kind == YNODE_MAP) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	} else {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	}
	if (yaml_build_check_props(b, ev->start_mark, anchor, tag) == -1)
		return;
	if (b->depth >= YAML_DOC_MAX_DEPTH) {
		yaml_build_error(b, ev->start_mark, "nested too deeply (limit %d levels)",
				 YAML_DOC_MAX_DEPTH);
		return;
	}
	struct ynode *n = yaml_build_node(b, kind, ev->start_mark);
	if (n == NULL)
		return;
	b->pending_key[b->depth] = NULL;
	b->stack[b->depth++] = n;
}

/* Handles the end of a mapping or sequence. */
static void yaml_build_close(struct yaml_build *b)
{
	struct ynode *n = b->stack[--b->depth];
	ynode_free(b->pending_key[b->depth]);
	b->pending_key[b->depth] = NULL;
	if (n->kind == YNODE_MAP)
		yaml_build_dedupe(b, n);
	yaml_build_attach(b, n);
}

/* Turns a byte offset into a 1-based line and character column. */
static void yaml_build_offset_mark(const char *buf, size_t len, size_t offset, yaml_mark_t *m)
{
	size_t line = 0, col = 0;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		/* Line breaks as libyaml counts them: LF, CR, and CR LF as one. */
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			line++;
			col = 0;
		} else if (buf[i] == '\r') {
			continue;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	m->index = offset;
	m->line = line;
	m->column = col;
}

/* Reports the parser's own error with the best position it offers. */
static void yaml_build_parser_error(struct yaml_build *b, yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "unknown problem";
	if (p->error == YAML_READER_ERROR) {
		yaml_build_offset_mark(b->buf, b->len, p->problem_offset, &m);
		if (strstr(problem, "UTF-8") != NULL || strstr(problem, "utf-8") != NULL)
			yaml_build_error(b, m, "invalid UTF-8 (%s)", problem);
		else
			yaml_build_error(b, m, "cannot read the file: %s", problem);
		return;
	}
	if (p->context != NULL)
		yaml_build_error(b, m, "syntax error: %s %s", problem, p->context);
	else
		yaml_build_error(b, m, "syntax error: %s", problem);
}

/* Folds one event into the tree; returns 1 at the end of the stream. */
static int yaml_build_event(struct yaml_build *b, yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			yaml_build_error(b, ev->start_mark,
					 "only one document per file is allowed (found '---')");
		break;
	case YAML_ALIAS_EVENT:
		yaml_build_error(b, ev->start_mark,
				 "aliases are not supported (*%s): write the value out",
				 (const char *)ev->data.alias.anchor);
		break;
	case YAML_SCALAR_EVENT:
		yaml_build_scalar(b, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		yaml_build_open(b, ev, YNODE_SEQ);
		break;
	case YAML_MAPPING_START_EVENT:
		yaml_build_open(b, ev, YNODE_MAP);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		yaml_build_close(b);
		break;
	default:
		break;
	}
	return 0;
}

/* Parses a buffer into doc; returns 0, or -1 with the problems in d. */
int yaml_doc_parse(struct ydoc *doc, const char *file, const char *buf, size_t len,
		   struct diag *d)
{
	struct yaml_build b;
	yaml_parser_t parser;
	size_t errors_before = d->errors;

	memset(doc, 0, sizeof *doc);
	doc->file = xstrdup(file);
	memset(&b, 0, sizeof b);
	b.doc = doc;
	b.diag = d;
	b.buf = buf;
	b.len = len;

	if (len > YAML_DOC_MAX_SIZE) {
		diag_error(d, file, 0, 0, "file too large (%zu bytes, limit %d)", len,
			   YAML_DOC_MAX_SIZE);
		return -1;
	}
	/* A byte-order mark (as some editors write) is not part of the text. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
		b.buf = buf;
		b.len = len;
	}
	size_t bad = utf8_invalid_offset(buf, len);
	if (bad != (size_t)-1) {
		yaml_mark_t m;
		yaml_build_offset_mark(buf, len, bad, &m);
		yaml_build_error(&b, m, "invalid UTF-8 (byte 0x%02x)", (unsigned char)buf[bad]);
		return -1;
	}

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_build_parser_error(&b, &parser);
			break;
		}
		if (ev.type == YAML_NO_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		int end = yaml_build_event(&b, &ev);
		yaml_event_delete(&ev);
		if (end || b.failed)
			break;
	}
	yaml_parser_delete(&parser);

	/* On a failure, report the duplicates seen so far, then free what was still open. */
	while (b.depth > 0) {
		b.depth--;
		if (b.stack[b.depth]->kind == YNODE_MAP)
			yaml_build_dedupe(&b, b.stack[b.depth]);
		ynode_free(b.pending_key[b.depth]);
		ynode_free(b.stack[b.depth]);
	}
	if (b.failed) {
		ynode_free(doc->root);
		doc->root = NULL;
	}
	return d->errors > errors_before ? -1 : 0;
}

/* Reads a file (bounded in size) and parses it. */
int yaml_doc_load(struct ydoc *doc, const char *file, struct diag *d)
{
	memset(doc, 0, sizeof *doc);
	/* O_NONBLOCK: a FIFO without a writer must not hang the open. */
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		diag_error(d, file, 0, 0, "cannot open: %s", strerror(errno));
		doc->file = xstrdup(file);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_error(d, file, 0, 0, "not a regular file");
		close(fd);
		doc->file = xstrdup(file);
		return -1;
	}
	if (st.st_size > YAML_DOC_MAX_SIZE) {
		diag_error(d, file, 0, 0, "file too large (%lld bytes, limit %d)",
			   (long long)st.st_size, YAML_DOC_MAX_SIZE);
		close(fd);
		doc->file = xstrdup(file);
		return -1;
	}
	size_t cap = (size_t)st.st_size + 1, len = 0; /* one more byte notices growth */
	char *buf = xmalloc(cap);
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			diag_error(d, file, 0, 0, "cannot read: %s", strerror(errno));
			free(buf);
			close(fd);
			doc->file = xstrdup(file);
			return -1;
		}
		if (r == 0 || (len += (size_t)r) == cap)
			break;
	}
	close(fd);
	if (len == cap) {
		diag_error(d, file, 0, 0, "the file changed while it was read; try again");
		free(buf);
		doc->file = xstrdup(file);
		return -1;
	}
	int rc = yaml_doc_parse(doc, file, buf, len, d);
	free(buf);
	return rc;
}

/* Frees a document's tree and name. */
void yaml_doc_free(struct ydoc *doc)
{
	ynode_free(doc->root);
	free(doc->file);
	memset(doc, 0, sizeof *doc);
}
