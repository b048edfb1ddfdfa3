/*
 * The one YAML reader every loader shares. It turns a file into a small tree of
 * maps, sequences and scalars, each node carrying its 1-based line and column.
 * It accepts only the plain subset drconsole's files need: no anchors, aliases
 * or tags, one document, bounded size and depth, unique mapping keys, valid UTF-8.
 */
#ifndef DR_YAML_DOC_H
#define DR_YAML_DOC_H

#include <stddef.h>

#include "diag.h"

#define YAML_DOC_MAX_SIZE (1024 * 1024) /* bytes per file */
#define YAML_DOC_MAX_DEPTH 32           /* nested collections */
#define YAML_DOC_MAX_NODES 100000       /* nodes per file */

enum ynode_kind { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ };

struct ypair;

struct ynode {
	enum ynode_kind kind;
	int line; /* 1-based */
	int col;  /* 1-based, in characters */
	/* YNODE_SCALAR */
	char *str;
	size_t len;
	int plain; /* written without quotes or block style */
	/* YNODE_SEQ */
	struct ynode **items;
	/* YNODE_MAP */
	struct ypair *pairs;
	size_t n;   /* items or pairs */
	size_t cap; /* room allocated for them */
};

struct ypair {
	struct ynode *key; /* always a scalar */
	struct ynode *value;
};

struct ydoc {
	char *file;
	struct ynode *root; /* NULL for an empty document */
	size_t nodes;
};

int yaml_doc_parse(struct ydoc *doc, const char *file, const char *buf, size_t len,
		   struct diag *d);
int yaml_doc_load(struct ydoc *doc, const char *file, struct diag *d);
void yaml_doc_free(struct ydoc *doc);
int ynode_is_null(const struct ynode *n);
const char *ynode_kind_name(const struct ynode *n);

#endif
