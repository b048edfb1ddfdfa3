/*
 * Tests of core/yaml_doc.c: positions (1-based, columns in characters), the
 * subset it accepts, every refusal with its exact FILE:LINE:COL message, the
 * limits, file loading, and a seeded mutation loop that must never crash.
 */
#include "config.h"

#include "unit.h"

#include <errno.h>
#include <sys/stat.h>

#include "yaml_doc.h"

/* Parses len bytes and returns the result, leaving doc and d for the caller to check. */
static int parse_n(struct ydoc *doc, struct diag *d, const char *text, size_t len)
{
	diag_init(d);
	return yaml_doc_parse(doc, "t.yml", text, len, d);
}

/* Parses a NUL-terminated text. */
static int parse(struct ydoc *doc, struct diag *d, const char *text)
{
	return parse_n(doc, d, text, strlen(text));
}

/* Parses len bytes that must be refused with exactly one diagnostic equal to want. */
static void parse_refused_n(const char *text, size_t len, const char *want)
{
	struct ydoc doc;
	struct diag d;
	int rc = parse_n(&doc, &d, text, len);
	int has_root = doc.root != NULL;
	size_t errors = d.errors, n = d.n;
	char got[1024];
	char *s = unit_first_diag(&d);
	snprintf(got, sizeof got, "%s", s);
	free(s);
	yaml_doc_free(&doc);
	diag_free(&d);
	if (strcmp(got, want) != 0)
		fail_msg("got '%s', expected '%s'", got, want);
	assert_int_equal(rc, -1);
	assert_false(has_root);
	assert_int_equal(errors, 1);
	assert_int_equal(n, 1);
}

/* Same as parse_refused_n for a NUL-terminated text. */
static void parse_refused(const char *text, const char *want)
{
	parse_refused_n(text, strlen(text), want);
}

/* A document and its diagnostics, freed by the teardown even when a test fails. */
struct fx {
	struct ydoc doc;
	struct diag d;
};

/* Gives a test an empty document and diagnostic list. */
static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	diag_init(&f->d);
	*state = f;
	return 0;
}

/* Frees whatever the test left in its document and diagnostic list. */
static int fx_teardown(void **state)
{
	struct fx *f = *state;
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	free(f);
	return 0;
}

/* Parses text into f, failing with the first diagnostic when it is refused. */
static void parse_ok(struct fx *f, const char *text)
{
	if (parse(&f->doc, &f->d, text) != 0) {
		char got[1024];
		char *s = unit_first_diag(&f->d);
		snprintf(got, sizeof got, "%s", s);
		free(s);
		fail_msg("refused: %s", got);
	}
}

/* Returns the value under key in a map node, failing the test when it is missing. */
static const struct ynode *get(const struct ynode *map, const char *key)
{
	assert_non_null(map);
	assert_int_equal(map->kind, YNODE_MAP);
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].value;
	fail_msg("key '%s' not found", key);
	return NULL;
}

/* Checks a scalar's text, position and style. */
static void check_scalar(const struct ynode *n, const char *str, int line, int col, int plain)
{
	assert_non_null(n);
	assert_int_equal(n->kind, YNODE_SCALAR);
	assert_string_equal(n->str, str);
	assert_int_equal(n->len, strlen(str));
	if (n->line != line || n->col != col)
		fail_msg("'%s' is at %d:%d, expected %d:%d", str, n->line, n->col, line, col);
	assert_int_equal(n->plain, plain);
}

/* Nested maps and lists get the line and column where each node starts. */
static void test_yaml_doc_positions(void **state)
{
	struct fx *f = *state;
	const char *text = "name: db1\n"
			   "hosts:\n"
			   "  - alpha\n"
			   "  - \"beta\"\n"
			   "nested:\n"
			   "  inner:\n"
			   "    deep: 'x'\n"
			   "flow: {k: [1, 22, 333]}\n";
	assert_int_equal(parse(&f->doc, &f->d, text), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->doc.file, "t.yml");
	const struct ynode *r = f->doc.root;
	assert_int_equal(r->kind, YNODE_MAP);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->col, 1);
	assert_int_equal(r->n, 4);
	check_scalar(r->pairs[0].key, "name", 1, 1, 1);
	check_scalar(r->pairs[1].key, "hosts", 2, 1, 1);
	check_scalar(r->pairs[3].key, "flow", 8, 1, 1);
	check_scalar(get(r, "name"), "db1", 1, 7, 1);

	const struct ynode *hosts = get(r, "hosts");
	assert_int_equal(hosts->kind, YNODE_SEQ);
	assert_int_equal(hosts->line, 3);
	assert_int_equal(hosts->col, 3);
	assert_int_equal(hosts->n, 2);
	check_scalar(hosts->items[0], "alpha", 3, 5, 1);
	check_scalar(hosts->items[1], "beta", 4, 5, 0);

	const struct ynode *inner = get(get(r, "nested"), "inner");
	assert_int_equal(inner->kind, YNODE_MAP);
	assert_int_equal(inner->line, 7);
	assert_int_equal(inner->col, 5);
	check_scalar(inner->pairs[0].key, "deep", 7, 5, 1);
	check_scalar(get(inner, "deep"), "x", 7, 11, 0);

	const struct ynode *flow = get(r, "flow");
	assert_int_equal(flow->kind, YNODE_MAP);
	assert_int_equal(flow->col, 7);
	const struct ynode *k = get(flow, "k");
	assert_int_equal(k->kind, YNODE_SEQ);
	assert_int_equal(k->col, 11);
	check_scalar(k->items[0], "1", 8, 12, 1);
	check_scalar(k->items[1], "22", 8, 15, 1);
	check_scalar(k->items[2], "333", 8, 19, 1);
	/* 1 root + 4 keys + db1 + seq + 2 items + map + inner + map + deep + x + map + k +
	 * seq + 3 items */
	assert_int_equal(f->doc.nodes, 20);
	yaml_doc_free(&f->doc);
	assert_null(f->doc.root);
	assert_null(f->doc.file);
	diag_free(&f->d);
}

/* Columns count characters, so a value after Korean text sits where an editor shows it. */
static void test_yaml_doc_korean_columns(void **state)
{
	struct fx *f = *state;
	const char *text = "이름: 데이터베이스\n"
			   "설명: \"장애 조치\"\n"
			   "목록: [가, 나다, 라]\n";
	assert_int_equal(parse(&f->doc, &f->d, text), 0);
	check_scalar(f->doc.root->pairs[0].key, "이름", 1, 1, 1);
	check_scalar(get(f->doc.root, "이름"), "데이터베이스", 1, 5, 1);
	check_scalar(get(f->doc.root, "설명"), "장애 조치", 2, 5, 0);
	const struct ynode *list = get(f->doc.root, "목록");
	assert_int_equal(list->col, 5);
	check_scalar(list->items[0], "가", 3, 6, 1);
	check_scalar(list->items[1], "나다", 3, 9, 1);
	check_scalar(list->items[2], "라", 3, 13, 1);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
}

/* Plain, quoted and block scalars, and what counts as null. */
static void test_yaml_doc_scalars(void **state)
{
	struct fx *f = *state;
	const char *text = "a: 1\n"
			   "b: \"1\"\n"
			   "c: '1'\n"
			   "d: |\n"
			   "  line one\n"
			   "  line two\n"
			   "e:\n"
			   "f: ~\n"
			   "g: \"~\"\n"
			   "h: null\n"
			   "i: ''\n"
			   "j: \"tab\\there\"\n";
	assert_int_equal(parse(&f->doc, &f->d, text), 0);
	const struct ynode *r = f->doc.root;
	check_scalar(get(r, "a"), "1", 1, 4, 1);
	check_scalar(get(r, "b"), "1", 2, 4, 0);
	check_scalar(get(r, "c"), "1", 3, 4, 0);
	check_scalar(get(r, "d"), "line one\nline two\n", 4, 4, 0);
	assert_false(ynode_is_null(get(r, "a")));
	assert_true(ynode_is_null(get(r, "e")));
	assert_true(ynode_is_null(get(r, "f")));
	assert_false(ynode_is_null(get(r, "g")));
	assert_true(ynode_is_null(get(r, "h")));
	assert_false(ynode_is_null(get(r, "i")));
	assert_true(ynode_is_null(NULL));
	check_scalar(get(r, "j"), "tab\there", 12, 4, 0);
	assert_string_equal(ynode_kind_name(get(r, "a")), "a string");
	assert_string_equal(ynode_kind_name(get(r, "e")), "nothing");
	assert_string_equal(ynode_kind_name(r), "a mapping");
	assert_string_equal(ynode_kind_name(NULL), "nothing");
	yaml_doc_free(&f->doc);
	diag_free(&f->d);

	assert_int_equal(parse(&f->doc, &f->d, "- x\n"), 0);
	assert_string_equal(ynode_kind_name(f->doc.root), "a list");
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
}

/* An empty document, or one holding only comments, has no root and no error. */
static void test_yaml_doc_empty(void **state)
{
	(void)state;
	const char *texts[] = {"", "\n\n", "# only a comment\n", "   \n# x\n"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct ydoc doc;
		struct diag d;
		assert_int_equal(parse(&doc, &d, texts[i]), 0);
		assert_null(doc.root);
		assert_int_equal(d.n, 0);
		assert_int_equal(doc.nodes, 0);
		assert_string_equal(doc.file, "t.yml");
		yaml_doc_free(&doc);
		diag_free(&d);
	}
}

/* One explicit '---' or a closing '...' is one document and is accepted. */
static void test_yaml_doc_one_document_markers(void **state)
{
	struct fx *f = *state;
	assert_int_equal(parse(&f->doc, &f->d, "---\na: 1\n...\n"), 0);
	check_scalar(get(f->doc.root, "a"), "1", 2, 4, 1);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
}

/* A second document is refused where its '---' stands. */
static void test_yaml_doc_second_document(void **state)
{
	(void)state;
	parse_refused("a: 1\n---\nb: 2\n",
		      "t.yml:2:1: error: only one document per file is allowed (found '---')");
	parse_refused("---\na: 1\n---\n",
		      "t.yml:3:1: error: only one document per file is allowed (found '---')");
}

/* Anchors and aliases are refused at the '&' or '*'. */
static void test_yaml_doc_anchors_aliases(void **state)
{
	(void)state;
	parse_refused("a: &x 1\nb: *x\n",
		      "t.yml:1:4: error: anchors are not supported (&x): write the value out");
	parse_refused("a: 1\nb: *x\n",
		      "t.yml:2:4: error: aliases are not supported (*x): write the value out");
	parse_refused("top:\n  m: &base\n    k: v\n",
		      "t.yml:2:6: error: anchors are not supported (&base): write the value out");
	parse_refused("- &s [1]\n",
		      "t.yml:1:3: error: anchors are not supported (&s): write the value out");
	parse_refused("이름: &a 값\n",
		      "t.yml:1:5: error: anchors are not supported (&a): write the value out");
}

/* Tags, standard or local, are refused at the '!'. */
static void test_yaml_doc_tags(void **state)
{
	(void)state;
	parse_refused("a: !!str x\n",
		      "t.yml:1:4: error: tags are not supported (!!str): write the plain value");
	parse_refused("a: 1\nb: !foo {c: 1}\n",
		      "t.yml:2:4: error: tags are not supported (!foo): write the plain value");
	parse_refused("- !!seq [1]\n",
		      "t.yml:1:3: error: tags are not supported (!!seq): write the plain value");
}

/* Checks diagnostic i of d against want. */
static void item_is(const struct diag *d, size_t i, const char *want)
{
	char got[1024];
	if (i >= d->n)
		fail_msg("no diagnostic %zu (expected '%s')", i, want);
	char *s = diag_format(&d->items[i]);
	snprintf(got, sizeof got, "%s", s);
	free(s);
	if (strcmp(got, want) != 0)
		fail_msg("diagnostic %zu is '%s', expected '%s'", i, got, want);
}

/* A duplicate key is reported at the second key, and parsing goes on to find more. */
static void test_yaml_doc_duplicate_keys(void **state)
{
	struct fx *f = *state;
	const char *text = "a: 1\n"
			   "b: 2\n"
			   "a: 3\n"
			   "m:\n"
			   "  x: 1\n"
			   "  \"x\": 2\n"
			   "c: 4\n"
			   "a: 5\n";
	assert_int_equal(parse(&f->doc, &f->d, text), -1);
	assert_int_equal(f->d.errors, 3);
	diag_sort(&f->d);
	item_is(&f->d, 0, "t.yml:3:1: error: duplicate key 'a' (first given at line 1)");
	item_is(&f->d, 1, "t.yml:6:3: error: duplicate key 'x' (first given at line 5)");
	item_is(&f->d, 2, "t.yml:8:1: error: duplicate key 'a' (first given at line 1)");
	/* The tree is kept: the first value wins and keys after the duplicate are there. */
	assert_non_null(f->doc.root);
	assert_int_equal(f->doc.root->n, 4);
	check_scalar(f->doc.root->pairs[0].key, "a", 1, 1, 1);
	check_scalar(get(f->doc.root, "a"), "1", 1, 4, 1);
	check_scalar(f->doc.root->pairs[1].key, "b", 2, 1, 1);
	check_scalar(f->doc.root->pairs[2].key, "m", 4, 1, 1);
	check_scalar(f->doc.root->pairs[3].key, "c", 7, 1, 1);
	check_scalar(get(f->doc.root, "c"), "4", 7, 4, 1);
	assert_int_equal(get(f->doc.root, "m")->n, 1);
	check_scalar(get(get(f->doc.root, "m"), "x"), "1", 5, 6, 1);
}

/* Keys are compared as whole strings: a prefix, or a different case, is another key. */
static void test_yaml_doc_similar_keys(void **state)
{
	struct fx *f = *state;
	assert_int_equal(parse(&f->doc, &f->d, "ab: 1\na: 2\nA: 3\nabc: 4\n\"\": 5\n'': 6\n"), -1);
	assert_int_equal(f->d.errors, 1);
	item_is(&f->d, 0, "t.yml:6:1: error: duplicate key '' (first given at line 5)");
	assert_int_equal(f->doc.root->n, 5);
}

/* A duplicate key is still reported when a later problem stops the reader. */
static void test_yaml_doc_duplicate_then_error(void **state)
{
	struct fx *f = *state;
	assert_int_equal(parse(&f->doc, &f->d, "a: 1\na: 2\nb: c: d\n"), -1);
	diag_sort(&f->d);
	item_is(&f->d, 0, "t.yml:2:1: error: duplicate key 'a' (first given at line 1)");
	item_is(&f->d, 1, "t.yml:3:5: error: syntax error: mapping values are not allowed in "
			  "this context");
	assert_int_equal(f->d.n, 2);
}

/* A key that is a list or a mapping is refused at that key. */
static void test_yaml_doc_nonscalar_keys(void **state)
{
	(void)state;
	parse_refused("{[a]: b}", "t.yml:1:2: error: a mapping key must be a plain string, "
				      "not a list");
	parse_refused("? [a]\n: b\n", "t.yml:1:3: error: a mapping key must be a plain "
					  "string, not a list");
	parse_refused("x: 1\n? {k: v}\n: b\n", "t.yml:2:3: error: a mapping key must be a "
						"plain string, not a mapping");
}

/* Builds n nested flow lists "[[...]]". */
static char *nested_flow(int n)
{
	char *s = xmalloc((size_t)n * 2 + 1);
	memset(s, '[', (size_t)n);
	memset(s + n, ']', (size_t)n);
	s[n * 2] = '\0';
	return s;
}

/* Builds n nested block mappings, each one key deeper than the last. */
static char *nested_block(int n)
{
	char *s = xstrdup("");
	for (int i = 0; i < n; i++) {
		char *next = xasprintf("%s%*sk:%s\n", s, i * 2, "", i == n - 1 ? " v" : "");
		free(s);
		s = next;
	}
	return s;
}

/* YAML_DOC_MAX_DEPTH levels are accepted; one more is refused where it opens. */
static void test_yaml_doc_depth(void **state)
{
	struct fx *f = *state;
	char *s = nested_flow(YAML_DOC_MAX_DEPTH);
	assert_int_equal(parse(&f->doc, &f->d, s), 0);
	const struct ynode *n = f->doc.root;
	for (int i = 1; i < YAML_DOC_MAX_DEPTH; i++) {
		assert_int_equal(n->kind, YNODE_SEQ);
		assert_int_equal(n->n, 1);
		n = n->items[0];
	}
	assert_int_equal(n->n, 0);
	assert_int_equal(n->col, YAML_DOC_MAX_DEPTH);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	free(s);

	s = nested_flow(YAML_DOC_MAX_DEPTH + 1);
	char *want = xasprintf("t.yml:1:%d: error: nested too deeply (limit %d levels)",
			       YAML_DOC_MAX_DEPTH + 1, YAML_DOC_MAX_DEPTH);
	parse_refused(s, want);
	free(want);
	free(s);

	s = nested_block(YAML_DOC_MAX_DEPTH);
	assert_int_equal(parse(&f->doc, &f->d, s), 0);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	free(s);

	s = nested_block(YAML_DOC_MAX_DEPTH + 1);
	want = xasprintf("t.yml:%d:%d: error: nested too deeply (limit %d levels)",
			 YAML_DOC_MAX_DEPTH + 1, YAML_DOC_MAX_DEPTH * 2 + 1, YAML_DOC_MAX_DEPTH);
	parse_refused(s, want);
	free(want);
	free(s);

	/* Far deeper than the limit: refused at the same place, no stack trouble. */
	s = nested_flow(100000);
	want = xasprintf("t.yml:1:%d: error: nested too deeply (limit %d levels)",
			 YAML_DOC_MAX_DEPTH + 1, YAML_DOC_MAX_DEPTH);
	parse_refused(s, want);
	free(want);
	free(s);
}

/* A buffer of YAML_DOC_MAX_SIZE bytes is read; one byte more is refused unread. */
static void test_yaml_doc_max_size(void **state)
{
	struct fx *f = *state;
	size_t len = YAML_DOC_MAX_SIZE;
	char *buf = xmalloc(len + 2);
	memcpy(buf, "a: ", 3);
	memset(buf + 3, 'x', len - 4);
	buf[len - 1] = '\n';
	assert_int_equal(parse_n(&f->doc, &f->d, buf, len), 0);
	assert_int_equal(get(f->doc.root, "a")->len, len - 4);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);

	buf[len - 1] = 'x';
	buf[len] = '\n';
	char *want = xasprintf("t.yml: error: file too large (%d bytes, limit %d)",
			       YAML_DOC_MAX_SIZE + 1, YAML_DOC_MAX_SIZE);
	parse_refused_n(buf, len + 1, want);
	free(want);
	free(buf);
}

/* YAML_DOC_MAX_NODES nodes are accepted; the next one is refused where it starts. */
static void test_yaml_doc_max_nodes(void **state)
{
	struct fx *f = *state;
	/* A list of k one-digit items is k + 1 nodes, "[1,1,...,1]" is 2k + 1 bytes. */
	size_t k = YAML_DOC_MAX_NODES - 1;
	char *buf = xmalloc(2 * (k + 1) + 2);
	buf[0] = '[';
	for (size_t i = 0; i < k + 1; i++) {
		buf[1 + 2 * i] = '1';
		buf[2 + 2 * i] = ',';
	}
	buf[2 * k] = ']';
	assert_int_equal(parse_n(&f->doc, &f->d, buf, 2 * k + 1), 0);
	assert_int_equal(f->doc.nodes, YAML_DOC_MAX_NODES);
	assert_int_equal(f->doc.root->n, k);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);

	buf[2 * k] = ',';
	buf[2 * k + 1] = '1';
	buf[2 * k + 2] = ']';
	char *want = xasprintf("t.yml:1:%zu: error: too many nodes (limit %d)", 2 * k + 2,
			       YAML_DOC_MAX_NODES);
	parse_refused_n(buf, 2 * k + 3, want);
	free(want);
	free(buf);
}

/* Invalid UTF-8 is refused at the exact line and character column of the bad byte. */
static void test_yaml_doc_bad_utf8(void **state)
{
	(void)state;
	parse_refused("a: \xff\n", "t.yml:1:4: error: invalid UTF-8 (byte 0xff)");
	/* "애" (EC 95 A0) cut to two bytes, after Korean text on the second line. */
	parse_refused("이름: 데이터\n설명: 장\xec\x95\n",
		      "t.yml:2:6: error: invalid UTF-8 (byte 0xec)");
	/* The same cut at the very end of the buffer. */
	parse_refused("a: b\nc: \xeb\x8d", "t.yml:2:4: error: invalid UTF-8 (byte 0xeb)");
	/* Overlong '/'. */
	parse_refused("a: b\nc: \xc0\xaf\n", "t.yml:2:4: error: invalid UTF-8 (byte 0xc0)");
	/* A UTF-16 surrogate and a code point past U+10FFFF. */
	parse_refused("a: \xed\xa0\x80\n", "t.yml:1:4: error: invalid UTF-8 (byte 0xed)");
	parse_refused("a:\n  - ok\n  - \xf4\x90\x80\x80\n",
		      "t.yml:3:5: error: invalid UTF-8 (byte 0xf4)");
	/* A lone continuation byte inside a key. */
	parse_refused("ab\x80: 1\n", "t.yml:1:3: error: invalid UTF-8 (byte 0x80)");
}

/* A NUL byte, raw or escaped, is refused at its position. */
static void test_yaml_doc_nul(void **state)
{
	(void)state;
	parse_refused_n("a: b\0c\n", 7,
			"t.yml:1:5: error: cannot read the file: control characters are not "
			"allowed");
	parse_refused_n("이름: 값\0\n", 12,
			"t.yml:1:6: error: cannot read the file: control characters are not "
			"allowed");
	parse_refused("a: 1\nb: \"x\\0y\"\n",
		      "t.yml:2:4: error: a string may not contain a NUL character");
}

/*
 * A string holding a control a terminal acts on (written as an escape in a
 * quoted scalar, or raw where YAML allows it) is an error at its position,
 * quoted visibly; every such string is reported, and tab and newline pass.
 */
static void test_yaml_doc_controls(void **state)
{
	struct fx *f = *state;
	const char *text = "name: \"dc\\e]0;x\\a\"\n"
	                   "\"k\\x9b\": 1\n"
	                   "rtl: \"a\\u202Eb\"\n"
	                   "raw: a\xe2\x81\xa6"
	                   "b\n"
	                   "del: \"\\x7f\"\n"
	                   "cr: \"a\\rb\"\n"
	                   "ok: \"tab\\there\\nand a line\"\n";
	assert_int_equal(parse(&f->doc, &f->d, text), -1);
	assert_int_equal(f->d.errors, 6);
	static const char *const want[] = {"t.yml:1:7: error: a string may not contain a control "
	                                   "character (\\x1b): terminals act on them; only tab and "
	                                   "newline are allowed",
	                                   "t.yml:2:1:", "(\\u009b)", "t.yml:3:6:", "(\\u202e)",
	                                   "t.yml:4:6:", "(\\u2066)", "(\\x7f)", "t.yml:6:5:",
	                                   "(\\x0d)"};
	char *first = unit_first_diag(&f->d);
	assert_string_equal(first, want[0]);
	free(first);
	for (size_t i = 1; i < sizeof want / sizeof *want; i++)
		if (!unit_diag_has(&f->d, want[i]))
			fail_msg("no diagnostic has '%s'", want[i]);
	/* The strings are kept as they are: the loaders see them, and the load fails. */
	assert_string_equal(f->doc.root->pairs[6].value->str, "tab\there\nand a line");
}

/* Syntax errors carry libyaml's own problem and position. */
static void test_yaml_doc_syntax_errors(void **state)
{
	(void)state;
	parse_refused("a: [1, 2\n", "t.yml:2:1: error: syntax error: did not find expected "
					"',' or ']' while parsing a flow sequence");
	parse_refused("a: b: c\n", "t.yml:1:5: error: syntax error: mapping values are not "
				       "allowed in this context");
	parse_refused("x: 1\n이름: 값: c\n", "t.yml:2:6: error: syntax error: mapping values "
						 "are not allowed in this context");
	parse_refused("a: \"x\n", "t.yml:2:1: error: syntax error: found unexpected end of "
				      "stream while scanning a quoted scalar");
	parse_refused("- a\n b: c\n", "t.yml:2:3: error: syntax error: mapping values are "
					  "not allowed in this context");
}

/*
 * A UTF-8 byte-order mark (as Windows editors write it) is not a character an
 * editor shows: positions on line 1 must not count it.
 */
static void test_yaml_doc_bom_columns(void **state)
{
	struct fx *f = *state;
	parse_ok(f, "\xef\xbb\xbf"
		    "a: 1\nb: 2\n");
	check_scalar(f->doc.root->pairs[0].key, "a", 1, 1, 1);
	check_scalar(get(f->doc.root, "a"), "1", 1, 4, 1);
	check_scalar(get(f->doc.root, "b"), "2", 2, 4, 1);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	parse_refused("\xef\xbb\xbf"
		      "a: &x 1\n",
		      "t.yml:1:4: error: anchors are not supported (&x): write the value out");
	parse_refused("\xef\xbb\xbf"
		      "a: \xff\n",
		      "t.yml:1:4: error: invalid UTF-8 (byte 0xff)");
}

/* A lone CR ends a line for libyaml, so the UTF-8 check must count it as one too. */
static void test_yaml_doc_cr_line_ends(void **state)
{
	(void)state;
	parse_refused("a: 1\rb: &x 1\r",
		      "t.yml:2:4: error: anchors are not supported (&x): write the value out");
	parse_refused("a: 1\rb: \xff\r", "t.yml:2:4: error: invalid UTF-8 (byte 0xff)");
	/* CR LF is one line end for both. */
	parse_refused("a: 1\r\nb: \xff\r\n", "t.yml:2:4: error: invalid UTF-8 (byte 0xff)");
}

/* Loading a file gives the same tree, with the file's name in doc and messages. */
static void test_yaml_doc_load_file(void **state)
{
	struct fx *f = *state;
	diag_init(&f->d);
	char *path = unit_write_file("a:\n  - 데이터\n  - x\nb: 1\nb: 2\n");
	assert_int_equal(yaml_doc_load(&f->doc, path, &f->d), -1);
	assert_string_equal(f->doc.file, path);
	check_scalar(get(f->doc.root, "a")->items[0], "데이터", 2, 5, 1);
	char *want = xasprintf("%s:5:1: error: duplicate key 'b' (first given at line 4)", path);
	char *got = unit_first_diag(&f->d);
	assert_string_equal(got, want);
	free(got);
	free(want);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	unlink(path);
	free(path);
}

/* A missing file and a directory are refused with the reason and no position. */
static void test_yaml_doc_load_missing_and_dir(void **state)
{
	struct fx *f = *state;
	char dir[] = "/tmp/drconsole-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *missing = xasprintf("%s/none.yml", dir);

	diag_init(&f->d);
	assert_int_equal(yaml_doc_load(&f->doc, missing, &f->d), -1);
	assert_null(f->doc.root);
	assert_string_equal(f->doc.file, missing);
	char *want = xasprintf("%s: error: cannot open: %s", missing, strerror(ENOENT));
	char *got = unit_first_diag(&f->d);
	assert_string_equal(got, want);
	assert_int_equal(f->d.n, 1);
	free(got);
	free(want);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);

	diag_init(&f->d);
	assert_int_equal(yaml_doc_load(&f->doc, dir, &f->d), -1);
	assert_null(f->doc.root);
	want = xasprintf("%s: error: not a regular file", dir);
	got = unit_first_diag(&f->d);
	assert_string_equal(got, want);
	assert_int_equal(f->d.n, 1);
	free(got);
	free(want);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);

	free(missing);
	assert_int_equal(rmdir(dir), 0);
}

/* Writes size bytes of comment lines to a new temporary file. */
static char *write_big_file(size_t size)
{
	char *path = unit_write_file("");
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (size_t i = 0; i < size; i++)
		fputc(i % 64 == 63 ? '\n' : '#', fp);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* A file one byte over the limit is refused with its size. */
static void test_yaml_doc_load_too_large(void **state)
{
	struct fx *f = *state;
	char *path = write_big_file(YAML_DOC_MAX_SIZE + 1);
	diag_init(&f->d);
	assert_int_equal(yaml_doc_load(&f->doc, path, &f->d), -1);
	assert_null(f->doc.root);
	char *want = xasprintf("%s: error: file too large (%d bytes, limit %d)", path,
			       YAML_DOC_MAX_SIZE + 1, YAML_DOC_MAX_SIZE);
	char *got = unit_first_diag(&f->d);
	assert_string_equal(got, want);
	free(got);
	free(want);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	unlink(path);
	free(path);

	/* Exactly at the limit, comments only: an empty document. */
	path = write_big_file(YAML_DOC_MAX_SIZE);
	diag_init(&f->d);
	assert_int_equal(yaml_doc_load(&f->doc, path, &f->d), 0);
	assert_null(f->doc.root);
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
	unlink(path);
	free(path);
}

/* A file far over the limit is refused with its real size, not the bytes read so far. */
static void test_yaml_doc_load_too_large_real_size(void **state)
{
	struct fx *f = *state;
	char *path = write_big_file(2 * YAML_DOC_MAX_SIZE);
	int rc = yaml_doc_load(&f->doc, path, &f->d);
	char want[1024], got[1024];
	snprintf(want, sizeof want, "%s: error: file too large (%d bytes, limit %d)", path,
		 2 * YAML_DOC_MAX_SIZE, YAML_DOC_MAX_SIZE);
	char *s = unit_first_diag(&f->d);
	snprintf(got, sizeof got, "%s", s);
	free(s);
	unlink(path);
	free(path);
	assert_int_equal(rc, -1);
	if (strcmp(got, want) != 0)
		fail_msg("got '%s', expected '%s'", got, want);
}

/* A deterministic generator (64-bit LCG) for the mutation loop. */
static uint32_t lcg_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* Counts the nodes of a tree and checks what a successful parse promises of each node. */
static size_t check_tree(const struct ynode *n, int depth)
{
	size_t count = 1;
	assert_true(depth <= YAML_DOC_MAX_DEPTH + 1);
	assert_true(n->line >= 1);
	assert_true(n->col >= 1);
	if (n->kind == YNODE_SCALAR) {
		assert_non_null(n->str);
		assert_int_equal(strlen(n->str), n->len);
		return count;
	}
	if (n->kind == YNODE_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			count += check_tree(n->items[i], depth + 1);
		return count;
	}
	for (size_t i = 0; i < n->n; i++) {
		assert_int_equal(n->pairs[i].key->kind, YNODE_SCALAR);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(n->pairs[j].key->str, n->pairs[i].key->str);
		count += check_tree(n->pairs[i].key, depth + 1);
		count += check_tree(n->pairs[i].value, depth + 1);
	}
	return count;
}

/* Mutated input never crashes: the result is 0 with a sound tree, or -1 with an error. */
static void test_yaml_doc_mutations(void **state)
{
	(void)state;
	static const char base[] = "# 복구 시나리오\n"
				   "name: \"데이터베이스 장애\"\n"
				   "sites:\n"
				   "  seoul: {host: db1, port: 5432}\n"
				   "  busan:\n"
				   "    host: 'db2'\n"
				   "    tags: [a, b, \"c d\"]\n"
				   "steps:\n"
				   "  - run: pg_ctl promote\n"
				   "    timeout: 15분\n"
				   "  - text: |\n"
				   "      수동 확인\n"
				   "      two lines\n"
				   "  - empty:\n"
				   "? complex\n"
				   ": value\n";
	static const char special[] = ":-[]{}&*!|>'\"#\n\t?,% @`\\\r";
	uint64_t seed = 20241127;
	size_t cap = sizeof base * 4;
	char *buf = xmalloc(cap);
	size_t len = sizeof base - 1;
	int ok = 0, bad = 0;

	/* The base must be valid, or the loop would test nothing. */
	struct ydoc doc;
	struct diag d;
	assert_int_equal(parse(&doc, &d, base), 0);
	yaml_doc_free(&doc);
	diag_free(&d);
	memcpy(buf, base, len);

	for (int iter = 0; iter < 5000; iter++) {
		/* Mostly one or two edits of the base; one run in four keeps mutating. */
		if (iter % 4 != 0 || len + 8 >= cap) {
			len = sizeof base - 1;
			memcpy(buf, base, len);
		}
		int edits = 1 + (int)(lcg_next(&seed) % 2);
		for (int e = 0; e < edits; e++) {
			uint32_t r = lcg_next(&seed);
			size_t at = len ? lcg_next(&seed) % len : 0;
			char ch;
			if (r & 8)
				ch = special[lcg_next(&seed) % (sizeof special - 1)];
			else if (r & 16)
				ch = (char)('a' + lcg_next(&seed) % 26);
			else
				ch = (char)(lcg_next(&seed) & 0xff);
			switch (r % 3) {
			case 0: /* replace */
				if (len > 0)
					buf[at] = ch;
				break;
			case 1: /* insert */
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = ch;
				len++;
				break;
			default: /* delete */
				if (len > 0) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
				break;
			}
		}
		int rc = parse_n(&doc, &d, buf, len);
		if (rc != 0 && rc != -1)
			fail_msg("iteration %d: yaml_doc_parse returned %d", iter, rc);
		if (rc == 0) {
			assert_int_equal(d.errors, 0);
			if (doc.root != NULL)
				assert_int_equal(check_tree(doc.root, 1), doc.nodes);
			ok++;
		} else {
			if (d.errors == 0)
				fail_msg("iteration %d: -1 without an error", iter);
			for (size_t i = 0; i < d.n; i++) {
				assert_string_equal(d.items[i].file, "t.yml");
				assert_true(d.items[i].line >= 0);
				assert_true(d.items[i].line == 0 || d.items[i].col >= 1);
				assert_true(d.items[i].message[0] != '\0');
			}
			bad++;
		}
		yaml_doc_free(&doc);
		diag_free(&d);
	}
	/* Both outcomes must have been exercised. */
	if (ok < 100 || bad < 100)
		fail_msg("%d parsed and %d refused: the mutations explore too little", ok, bad);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_yaml_doc_positions, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_korean_columns, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_scalars, fx_setup, fx_teardown),
		cmocka_unit_test(test_yaml_doc_empty),
		cmocka_unit_test_setup_teardown(test_yaml_doc_one_document_markers, fx_setup,
						fx_teardown),
		cmocka_unit_test(test_yaml_doc_second_document),
		cmocka_unit_test(test_yaml_doc_anchors_aliases),
		cmocka_unit_test(test_yaml_doc_tags),
		cmocka_unit_test_setup_teardown(test_yaml_doc_duplicate_keys, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_similar_keys, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_duplicate_then_error, fx_setup,
						fx_teardown),
		cmocka_unit_test(test_yaml_doc_nonscalar_keys),
		cmocka_unit_test_setup_teardown(test_yaml_doc_depth, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_max_size, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_max_nodes, fx_setup, fx_teardown),
		cmocka_unit_test(test_yaml_doc_bad_utf8),
		cmocka_unit_test(test_yaml_doc_nul),
		cmocka_unit_test_setup_teardown(test_yaml_doc_controls, fx_setup, fx_teardown),
		cmocka_unit_test(test_yaml_doc_syntax_errors),
		cmocka_unit_test_setup_teardown(test_yaml_doc_bom_columns, fx_setup, fx_teardown),
		cmocka_unit_test(test_yaml_doc_cr_line_ends),
		cmocka_unit_test_setup_teardown(test_yaml_doc_load_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_load_missing_and_dir, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_load_too_large, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_doc_load_too_large_real_size, fx_setup,
						fx_teardown),
		cmocka_unit_test(test_yaml_doc_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
