/*
 * Tests of core/layout.c: every shipped layout loads and tiles the terminal
 * exactly (no overlap, no gap, the header on top) at 80x24 and 132x43; below
 * its minimum a layout says "terminal too small"; percentages are rounded with
 * the remainder carried forward and "rest" shares odd cells from the first;
 * malformed layouts are reported at their exact positions; a folder of layouts
 * is ordered by key. Layout files live in temporary folders, since a layout's
 * name must match its file name.
 */
#include "config.h"

#include <ftw.h>
#include <sys/stat.h>

#include "unit.h"

#include "layout.h"

/* Removes one entry of a folder tree (an nftw callback). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Creates a temporary folder. */
static char *tmpdir_new(void)
{
	char *dir = xstrdup("/tmp/drconsole-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* Removes a temporary folder and everything in it. */
static void tmpdir_remove(char *dir)
{
	assert_int_equal(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

/* Writes text to dir/name and returns the path. */
static char *tmpdir_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Returns the source tree's layouts folder. */
static char *layouts_dir(void)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	return xasprintf("%s/layouts", top);
}

/* A layout loaded from a temporary folder, with its diagnostics. */
struct loaded {
	char *dir;
	char *file;
	struct layout l;
	struct diag d;
	int rc;
};

/* Writes text as dir/NAME.yml in a new temporary folder and loads it. */
static void load_text(struct loaded *x, const char *name, const char *text)
{
	char *base = xasprintf("%s.yml", name);
	diag_init(&x->d);
	x->dir = tmpdir_new();
	x->file = tmpdir_write(x->dir, base, text);
	x->rc = layout_load(&x->l, x->file, &x->d);
	free(base);
}

/* Frees a loaded layout and removes its folder. */
static void loaded_done(struct loaded *x)
{
	layout_free(&x->l);
	diag_free(&x->d);
	free(x->file);
	tmpdir_remove(x->dir);
}

/* Fails unless the only diagnostic is an error in the file at line:col reading exactly msg. */
static void expect_only(const struct loaded *x, int line, int col, const char *msg)
{
	unit_expect_only(&x->d, x->rc, x->file, line, col, msg);
}

/* Computes l at w x h, failing on an error; returns the number of rectangles. */
static size_t compute_ok(const struct layout *l, int w, int h, struct layout_rect *r)
{
	char err[256] = "";
	size_t n = 0;
	if (layout_compute(l, w, h, r, LAYOUT_MAX_PANELS, &n, err, sizeof err) != 0)
		fail_msg("layout '%s' at %dx%d: %s", l->name, w, h, err);
	return n;
}

/* Checks that the rectangles cover the w x h screen exactly once, the header on top. */
static void check_tiling(const struct layout *l, const struct layout_rect *r, size_t n, int w,
			 int h)
{
	unsigned char *seen = xcalloc((size_t)w * (size_t)h, 1);
	long area = 0;
	for (size_t i = 0; i < n; i++) {
		if (r[i].w < 1 || r[i].h < 1 || r[i].x < 0 || r[i].y < 0 || r[i].x + r[i].w > w ||
		    r[i].y + r[i].h > h)
			fail_msg("layout '%s' %dx%d: panel %s at %d,%d %dx%d is off the screen",
				 l->name, w, h, r[i].panel, r[i].x, r[i].y, r[i].w, r[i].h);
		area += (long)r[i].w * r[i].h;
		for (int y = r[i].y; y < r[i].y + r[i].h; y++)
			for (int x = r[i].x; x < r[i].x + r[i].w; x++)
				if (seen[y * w + x]++)
					fail_msg("layout '%s' %dx%d: %s overlaps at %d,%d", l->name,
						 w, h, r[i].panel, x, y);
	}
	for (int i = 0; i < w * h; i++)
		if (!seen[i])
			fail_msg("layout '%s' %dx%d: cell %d,%d is not covered", l->name, w, h,
				 i % w, i / w);
	free(seen);
	assert_int_equal(area, (long)w * h);
	assert_string_equal(r[0].panel, "header");
	assert_int_equal(r[0].x, 0);
	assert_int_equal(r[0].y, 0);
	assert_int_equal(r[0].w, w);
}

/* Checks one rectangle. */
static void check_rect(const struct layout_rect *r, const char *panel, int x, int y, int w,
		       int h)
{
	if (strcmp(r->panel, panel) != 0 || r->x != x || r->y != y || r->w != w || r->h != h)
		fail_msg("got %s %d,%d %dx%d, expected %s %d,%d %dx%d", r->panel, r->x, r->y, r->w,
			 r->h, panel, x, y, w, h);
}

/* Every shipped layout loads, in key order, and tiles 80x24 and 132x43 exactly. */
static void test_layout_shipped(void **state)
{
	(void)state;
	static const char *const order[] = {"overview", "incident", "drill", "compact"};
	char *dir = layouts_dir();
	struct layout_set set;
	struct diag d;
	diag_init(&d);
	int rc = layout_load_dir(&set, dir, &d);
	if (d.n != 0)
		diag_print(&d, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(set.n, 4);
	for (size_t i = 0; i < set.n; i++) {
		const struct layout *l = &set.items[i];
		struct layout_rect r[LAYOUT_MAX_PANELS];
		assert_string_equal(l->name, order[i]);
		assert_int_equal(l->key, (int)i + 1);
		assert_non_null(l->description);
		assert_true(l->min_w <= 80 && l->min_h <= 24);
		size_t n = compute_ok(l, 80, 24, r);
		check_tiling(l, r, n, 80, 24);
		n = compute_ok(l, 132, 43, r);
		check_tiling(l, r, n, 132, 43);
		n = compute_ok(l, l->min_w, l->min_h, r);
		check_tiling(l, r, n, l->min_w, l->min_h);
	}
	assert_ptr_equal(layout_find(&set, "drill"), &set.items[2]);
	assert_null(layout_find(&set, "missing"));
	layout_free_set(&set);
	assert_int_equal(set.n, 0);
	diag_free(&d);
	free(dir);
}

/* The exact rectangles of the default layout, and of the others at 80x24. */
static void test_layout_shipped_geometry(void **state)
{
	(void)state;
	char *dir = layouts_dir();
	struct layout_set set;
	struct diag d;
	struct layout_rect r[LAYOUT_MAX_PANELS];
	diag_init(&d);
	assert_int_equal(layout_load_dir(&set, dir, &d), 0);

	const struct layout *l = layout_find(&set, "overview");
	assert_int_equal(l->min_w, 80);
	assert_int_equal(l->min_h, 24);
	assert_int_equal(compute_ok(l, 80, 24, r), 5);
	check_rect(&r[0], "header", 0, 0, 80, 2);
	check_rect(&r[1], "health", 0, 2, 40, 9);
	check_rect(&r[2], "replication", 40, 2, 40, 9);
	check_rect(&r[3], "backups", 0, 11, 80, 7);
	check_rect(&r[4], "events", 0, 18, 80, 6);
	assert_int_equal(compute_ok(l, 132, 43, r), 5);
	check_rect(&r[1], "health", 0, 2, 66, 9);
	check_rect(&r[2], "replication", 66, 2, 66, 9);
	check_rect(&r[4], "events", 0, 18, 132, 25);
	assert_int_equal(compute_ok(l, 81, 24, r), 5);
	check_rect(&r[1], "health", 0, 2, 40, 9);
	check_rect(&r[2], "replication", 40, 2, 41, 9);

	l = layout_find(&set, "incident");
	assert_int_equal(compute_ok(l, 80, 24, r), 5);
	check_rect(&r[1], "runbook", 0, 2, 80, 11);
	check_rect(&r[2], "replication", 0, 13, 40, 7);
	check_rect(&r[3], "health", 40, 13, 40, 7);
	check_rect(&r[4], "events", 0, 20, 80, 4);

	l = layout_find(&set, "drill");
	assert_int_equal(compute_ok(l, 80, 24, r), 4);
	check_rect(&r[1], "runbook", 0, 2, 48, 17);
	check_rect(&r[2], "schedule", 48, 2, 32, 17);
	check_rect(&r[3], "events", 0, 19, 80, 5);
	assert_int_equal(compute_ok(l, 132, 43, r), 4);
	check_rect(&r[1], "runbook", 0, 2, 79, 36);
	check_rect(&r[2], "schedule", 79, 2, 53, 36);

	l = layout_find(&set, "compact");
	assert_int_equal(l->min_w, 60);
	assert_int_equal(l->min_h, 16);
	assert_int_equal(compute_ok(l, 80, 24, r), 4);
	check_rect(&r[3], "backups", 0, 11, 80, 13);
	layout_free_set(&set);
	diag_free(&d);
	free(dir);
}

/* Below its minimum a layout computes nothing and says what it needs. */
static void test_layout_too_small(void **state)
{
	(void)state;
	char *dir = layouts_dir();
	struct layout_set set;
	struct diag d;
	struct layout_rect r[LAYOUT_MAX_PANELS];
	char err[256];
	size_t n = 99;
	diag_init(&d);
	assert_int_equal(layout_load_dir(&set, dir, &d), 0);
	const struct layout *l = layout_find(&set, "overview");
	assert_int_equal(layout_compute(l, 79, 24, r, LAYOUT_MAX_PANELS, &n, err, sizeof err), -1);
	assert_string_equal(err, "terminal too small: need 80x24, have 79x24");
	assert_int_equal(n, 0);
	assert_int_equal(layout_compute(l, 80, 23, r, LAYOUT_MAX_PANELS, &n, err, sizeof err), -1);
	assert_string_equal(err, "terminal too small: need 80x24, have 80x23");
	assert_int_equal(layout_compute(l, 0, 0, r, LAYOUT_MAX_PANELS, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "terminal too small: need 80x24"));
	l = layout_find(&set, "compact");
	assert_int_equal(layout_compute(l, 59, 30, r, LAYOUT_MAX_PANELS, &n, err, sizeof err), -1);
	assert_string_equal(err, "terminal too small: need 60x16, have 59x30");
	/* Room for fewer rectangles than the layout has panels is an error, not an overrun. */
	l = layout_find(&set, "overview");
	assert_int_equal(layout_compute(l, 80, 24, r, 2, &n, err, sizeof err), -1);
	assert_string_equal(err, "more than 2 panels");
	assert_int_equal(n, 0);
	layout_free_set(&set);
	diag_free(&d);
	free(dir);
}

/* Percentages are of the whole split, rounded with the remainder carried forward. */
static void test_layout_percent_rounding(void **state)
{
	(void)state;
	struct loaded x;
	struct layout_rect r[LAYOUT_MAX_PANELS];
	load_text(&x, "thirds",
		  "name: thirds\n"
		  "min_size: 10x3\n"
		  "layout:\n"
		  "  columns:\n"
		  "    - {panel: health, size: 33%}\n"
		  "    - {panel: replication, size: 33%}\n"
		  "    - {panel: backups, size: 33%}\n"
		  "    - {panel: events}\n");
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.d.n, 0);
	assert_int_equal(x.l.root.kind, LAYOUT_COLUMNS);
	assert_int_equal(x.l.root.n, 4);
	assert_int_equal(x.l.root.children[0].size_kind, LAYOUT_SIZE_PERCENT);
	assert_int_equal(x.l.root.children[0].size, 33);
	assert_int_equal(x.l.root.children[3].size_kind, LAYOUT_SIZE_REST);
	assert_int_equal(compute_ok(&x.l, 100, 5, r), 4);
	check_rect(&r[0], "health", 0, 0, 33, 5);
	check_rect(&r[1], "replication", 33, 0, 33, 5);
	check_rect(&r[2], "backups", 66, 0, 33, 5);
	check_rect(&r[3], "events", 99, 0, 1, 5);
	/* 26.4, 52.8, 79.2: the carried remainder gives the third 27, not 26. */
	assert_int_equal(compute_ok(&x.l, 80, 5, r), 4);
	check_rect(&r[0], "health", 0, 0, 26, 5);
	check_rect(&r[1], "replication", 26, 0, 26, 5);
	check_rect(&r[2], "backups", 52, 0, 27, 5);
	check_rect(&r[3], "events", 79, 0, 1, 5);
	loaded_done(&x);

	load_text(&x, "split",
		  "name: split\n"
		  "min_size: 10x3\n"
		  "layout:\n"
		  "  columns:\n"
		  "    - {panel: health, size: 33%}\n"
		  "    - {panel: replication, size: 33%}\n"
		  "    - {panel: backups, size: 34%}\n");
	assert_int_equal(x.rc, 0);
	assert_int_equal(compute_ok(&x.l, 80, 5, r), 3);
	check_rect(&r[0], "health", 0, 0, 26, 5);
	check_rect(&r[1], "replication", 26, 0, 26, 5);
	check_rect(&r[2], "backups", 52, 0, 28, 5);
	assert_int_equal(compute_ok(&x.l, 133, 5, r), 3);
	assert_int_equal(r[0].w + r[1].w + r[2].w, 133);
	assert_int_equal(r[0].w, 43);
	assert_int_equal(r[1].w, 44);
	assert_int_equal(r[2].w, 46);
	loaded_done(&x);
}

/* "rest" children share what is left; the first ones take the odd cells. */
static void test_layout_rest_sharing(void **state)
{
	(void)state;
	struct loaded x;
	struct layout_rect r[LAYOUT_MAX_PANELS];
	load_text(&x, "rests",
		  "name: rests\n"
		  "min_size: 10x5\n"
		  "layout:\n"
		  "  rows:\n"
		  "    - {panel: header, size: 2}\n"
		  "    - {panel: health, size: rest}\n"
		  "    - {panel: replication}\n"
		  "    - {panel: events}\n");
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.d.n, 0);
	assert_int_equal(compute_ok(&x.l, 80, 24, r), 4);
	check_rect(&r[0], "header", 0, 0, 80, 2);
	check_rect(&r[1], "health", 0, 2, 80, 8);
	check_rect(&r[2], "replication", 0, 10, 80, 7);
	check_rect(&r[3], "events", 0, 17, 80, 7);
	check_tiling(&x.l, r, 4, 80, 24);
	assert_int_equal(compute_ok(&x.l, 80, 25, r), 4);
	assert_int_equal(r[1].h, 8);
	assert_int_equal(r[2].h, 8);
	assert_int_equal(r[3].h, 7);
	assert_int_equal(compute_ok(&x.l, 80, 5, r), 4);
	assert_int_equal(r[1].h + r[2].h + r[3].h, 3);
	loaded_done(&x);
}

/* An unknown panel, a panel used twice, or an entry that is both a panel and a split. */
static void test_layout_bad_panels(void **state)
{
	(void)state;
	struct loaded x;
	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  rows:\n"
		  "    - panel: header\n"
		  "      size: 2\n"
		  "    - panel: graphs\n");
	expect_only(&x, 7, 14,
		    "unknown panel 'graphs' (known: header, health, replication, backups, "
		    "runbook, events, schedule)");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  rows:\n"
		  "    - {panel: header, size: 2}\n"
		  "    - columns:\n"
		  "        - {panel: health, size: 50%}\n"
		  "        - {panel: replication}\n"
		  "    - {panel: health}\n");
	expect_only(&x, 9, 7, "panel 'health' appears twice in this layout");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  rows:\n"
		  "    - panel: header\n"
		  "      rows:\n"
		  "        - {panel: events}\n");
	expect_only(&x, 6, 7, "a layout entry has both 'panel' and 'rows': give one");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  rows:\n"
		  "    - size: 2\n"
		  "    - {panel: events}\n");
	expect_only(&x, 5, 7, "a layout entry needs 'panel', 'rows' or 'columns'");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  columns: []\n");
	expect_only(&x, 4, 12, "key 'columns' is empty: a split needs panels");
	loaded_done(&x);
}

/* Sizes: cells from 1, percentages from 1% to 100% adding up to at most 100%, or rest. */
static void test_layout_bad_sizes(void **state)
{
	(void)state;
	static const struct {
		const char *size;
		const char *msg;
	} cases[] = {
		{"\"0\"", "size '0' must be between 1 and 1000 cells"},
		{"0", "size '0' must be between 1 and 1000 cells"},
		{"\"101%\"", "size '101%' must be between 1% and 100%"},
		{"0%", "size '0%' must be between 1% and 100%"},
		{"abc", "key 'size' must be cells (3), a percentage (40%) or rest, not 'abc'"},
		{"\"-3\"", "key 'size' must be cells (3), a percentage (40%) or rest, not '-3'"},
		{"40 %", "key 'size' must be cells (3), a percentage (40%) or rest, not '40 %'"},
		{"2x", "key 'size' must be cells (3), a percentage (40%) or rest, not '2x'"},
		{"[2]", "key 'size' must be cells (3), a percentage (40%) or rest, not a list"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct loaded x;
		char *text = xasprintf("name: bad\n"
				       "min_size: 80x24\n"
				       "layout:\n"
				       "  rows:\n"
				       "    - panel: header\n"
				       "      size: %s\n"
				       "    - panel: events\n",
				       cases[i].size);
		load_text(&x, "bad", text);
		expect_only(&x, 6, 13, cases[i].msg);
		free(text);
		loaded_done(&x);
	}

	struct loaded x;
	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  columns:\n"
		  "    - {panel: health, size: 60%}\n"
		  "    - {panel: replication, size: 50%}\n");
	expect_only(&x, 5, 5, "the sizes in 'columns' add up to 110%, more than 100%");
	loaded_done(&x);
}

/* The name must match the file, min_size must read WxH, and the layout must fit it. */
static void test_layout_bad_header(void **state)
{
	(void)state;
	struct loaded x;
	load_text(&x, "other",
		  "name: overview\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  panel: header\n");
	expect_only(&x, 1, 7, "layout name 'overview' differs from its file name 'other.yml'");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80by24\n"
		  "layout:\n"
		  "  panel: header\n");
	expect_only(&x, 2, 11, "key 'min_size' must be WIDTHxHEIGHT such as 80x24, not '80by24'");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "min_size: 80x24x2\n"
		  "layout:\n"
		  "  panel: header\n");
	expect_only(&x, 2, 11, "key 'min_size' must be WIDTHxHEIGHT such as 80x24, not '80x24x2'");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "layout:\n"
		  "  panel: header\n");
	expect_only(&x, 1, 1, "missing required key 'min_size' in a layout");
	loaded_done(&x);

	load_text(&x, "bad",
		  "name: bad\n"
		  "key: 10\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  panel: header\n");
	expect_only(&x, 2, 6, "key 'key' is 10, outside 1..9");
	loaded_done(&x);

	load_text(&x, "tall",
		  "name: tall\n"
		  "min_size: 80x20\n"
		  "layout:\n"
		  "  rows:\n"
		  "    - {panel: header, size: 2}\n"
		  "    - {panel: health, size: 20}\n"
		  "    - {panel: events}\n");
	expect_only(&x, 2, 11,
		    "the layout does not fit its min_size 80x20: rows at line 4 need 23 lines, "
		    "only 20 available");
	loaded_done(&x);

	load_text(&x, "wide",
		  "name: wide\n"
		  "min_size: 80x24\n"
		  "layout:\n"
		  "  columns:\n"
		  "    - {panel: health, size: 100%}\n"
		  "    - {panel: events}\n");
	expect_only(&x, 2, 11,
		    "the layout does not fit its min_size 80x24: columns at line 4 need 81 "
		    "columns, only 80 available");
	loaded_done(&x);
}

/* Writes a minimal layout file NAME.yml with the given key line into dir. */
static void write_keyed(const char *dir, const char *name, const char *key)
{
	char *base = xasprintf("%s.yml", name);
	char *text = xasprintf("name: %s\n%s%s%smin_size: 20x5\nlayout: {panel: header}\n", name,
			       key[0] ? "key: " : "", key, key[0] ? "\n" : "");
	free(tmpdir_write(dir, base, text));
	free(text);
	free(base);
}

/* A folder of layouts is ordered by key, then by name; broken layouts are left out. */
static void test_layout_dir(void **state)
{
	(void)state;
	static const char *const order[] = {"bravo", "delta", "alpha", "charlie", "echo"};
	char *dir = tmpdir_new();
	write_keyed(dir, "alpha", "3");
	write_keyed(dir, "bravo", "1");
	write_keyed(dir, "charlie", "");
	write_keyed(dir, "delta", "2");
	write_keyed(dir, "echo", "");
	free(tmpdir_write(dir, "notes.txt", "not a layout\n"));
	free(tmpdir_write(dir, ".hidden.yml", "broken: [\n"));
	struct layout_set set;
	struct diag d;
	diag_init(&d);
	assert_int_equal(layout_load_dir(&set, dir, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(set.n, 5);
	for (size_t i = 0; i < set.n; i++)
		assert_string_equal(set.items[i].name, order[i]);
	assert_int_equal(set.items[0].key, 1);
	assert_int_equal(set.items[3].key, 0);
	layout_free_set(&set);

	/* A broken layout is reported and left out; the others load. */
	free(tmpdir_write(dir, "foxtrot.yml",
			  "name: foxtrot\nmin_size: 20x5\nlayout: {panel: clock}\n"));
	assert_int_equal(layout_load_dir(&set, dir, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, 17);
	assert_non_null(strstr(d.items[0].file, "/foxtrot.yml"));
	assert_non_null(strstr(d.items[0].message, "unknown panel 'clock'"));
	assert_int_equal(set.n, 5);
	assert_null(layout_find(&set, "foxtrot"));
	layout_free_set(&set);
	diag_free(&d);
	tmpdir_remove(dir);

	dir = tmpdir_new();
	assert_int_equal(layout_load_dir(&set, dir, &d), -1);
	assert_string_equal(d.items[0].message, "no layouts (*.yml) in this folder");
	assert_int_equal(set.n, 0);
	layout_free_set(&set);
	diag_free(&d);
	char *missing = xasprintf("%s/none", dir);
	assert_int_equal(layout_load_dir(&set, missing, &d), -1);
	assert_string_equal(d.items[0].message, "cannot read the layouts folder");
	diag_free(&d);
	free(missing);
	tmpdir_remove(dir);
}

/* A key used by two layouts is reported in the later file, at its key value. */
static void test_layout_dir_duplicate_key(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	write_keyed(dir, "bravo", "1");
	write_keyed(dir, "delta", "2");
	write_keyed(dir, "foxtrot", "1");
	char *dup = xasprintf("%s/foxtrot.yml", dir);
	struct layout_set set;
	struct diag d;
	diag_init(&d);
	assert_int_equal(layout_load_dir(&set, dir, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.items[0].file, dup);
	assert_string_equal(d.items[0].message, "key 1 is already used by layout 'bravo'");
	/* Both are still loaded, so the console can start; check refuses the folder. */
	assert_int_equal(set.n, 3);
	layout_free_set(&set);
	free(dup);
	/* DESIGN 4: every error is FILE:LINE:COL and names the value at fault ("key: 1"). */
	int line = d.items[0].line, col = d.items[0].col;
	diag_free(&d);
	tmpdir_remove(dir);
	assert_int_equal(line, 2);
	assert_int_equal(col, 6);
}

/* layout_is_panel knows exactly the seven panels of the design. */
static void test_layout_panels(void **state)
{
	(void)state;
	static const char *const panels[] = {"header",  "health", "replication", "backups",
					     "runbook", "events", "schedule"};
	for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++)
		assert_true(layout_is_panel(panels[i]));
	assert_false(layout_is_panel("Header"));
	assert_false(layout_is_panel("graphs"));
	assert_false(layout_is_panel(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_shipped),
		cmocka_unit_test(test_layout_shipped_geometry),
		cmocka_unit_test(test_layout_too_small),
		cmocka_unit_test(test_layout_percent_rounding),
		cmocka_unit_test(test_layout_rest_sharing),
		cmocka_unit_test(test_layout_bad_panels),
		cmocka_unit_test(test_layout_bad_sizes),
		cmocka_unit_test(test_layout_bad_header),
		cmocka_unit_test(test_layout_dir),
		cmocka_unit_test(test_layout_dir_duplicate_key),
		cmocka_unit_test(test_layout_panels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
