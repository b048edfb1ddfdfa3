/*
 * Panel layouts (the layouts folder): a tree of row and column splits whose leaves
 * are panels, each sized in cells, percent of its parent, or "rest". Geometry
 * is a pure function: a layout and a terminal size in, panel rectangles out.
 */
#ifndef DR_LAYOUT_H
#define DR_LAYOUT_H

#include <stddef.h>

#include "diag.h"
#include "srcpos.h"

#define LAYOUT_MAX_PANELS 16

enum layout_kind { LAYOUT_PANEL, LAYOUT_ROWS, LAYOUT_COLUMNS };
enum layout_size { LAYOUT_SIZE_REST, LAYOUT_SIZE_CELLS, LAYOUT_SIZE_PERCENT };

struct layout_node {
	enum layout_kind kind;
	char *panel; /* LAYOUT_PANEL */
	enum layout_size size_kind;
	int size;
	struct layout_node *children;
	size_t n;
	struct srcpos pos;
};

struct layout {
	char *name;
	char *file;
	char *description;
	int key; /* 1..9: the key that switches to it; 0 for none */
	struct srcpos key_pos;
	int min_w, min_h;
	struct layout_node root;
};

struct layout_rect {
	const char *panel;
	int x, y, w, h;
};

struct layout_set {
	struct layout *items;
	size_t n;
};

int layout_load(struct layout *l, const char *file, struct diag *d);
int layout_load_dir(struct layout_set *set, const char *dir, struct diag *d);
void layout_free(struct layout *l);
void layout_free_set(struct layout_set *set);
const struct layout *layout_find(const struct layout_set *set, const char *name);
int layout_compute(const struct layout *l, int w, int h, struct layout_rect *out, size_t max,
		   size_t *n, char *err, size_t errlen);
int layout_is_panel(const char *name);

#endif
