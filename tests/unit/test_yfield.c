/*
 * Tests of core/yfield.c: each accessor's three outcomes (1 with the value
 * stored, 0 with the output untouched, -1 with a FILE:LINE:COL message naming
 * the key), the key checks, and yfield_load_list on good and bad files.
 */
#include "config.h"

#include "unit.h"

#include "yfield.h"

/* A parsed document with the context the accessors report into. */
struct fx {
	struct ydoc doc;
	struct diag d;
	struct yctx c;
};

/* Parses text, which must be valid, into f. */
static void fx_parse(struct fx *f, const char *text)
{
	diag_init(&f->d);
	if (yaml_doc_parse(&f->doc, "f.yml", text, strlen(text), &f->d) != 0)
		fail_msg("test document did not parse: %s", f->d.items[0].message);
	f->c.file = "f.yml";
	f->c.diag = &f->d;
}

/* Frees what fx_parse made (safe to call twice). */
static void fx_free(struct fx *f)
{
	yaml_doc_free(&f->doc);
	diag_free(&f->d);
}

/* Gives a test an empty fixture. */
static int fx_setup(void **state)
{
	*state = xcalloc(1, sizeof(struct fx));
	return 0;
}

/* Frees the fixture, even after a failed assertion. */
static int fx_teardown(void **state)
{
	fx_free(*state);
	free(*state);
	return 0;
}

/* Checks that exactly one diagnostic was reported, equal to want, then forgets it. */
static void fx_expect(struct fx *f, const char *want)
{
	if (f->d.n != 1)
		fail_msg("expected one diagnostic ('%s'), got %zu", want, f->d.n);
	char got[1024];
	char *s = diag_format(&f->d.items[0]);
	snprintf(got, sizeof got, "%s", s);
	free(s);
	diag_free(&f->d);
	if (strcmp(got, want) != 0)
		fail_msg("got '%s', expected '%s'", got, want);
}

/* Checks that nothing was reported. */
static void fx_quiet(struct fx *f)
{
	if (f->d.n != 0)
		fail_msg("unexpected diagnostic: %s", f->d.items[0].message);
}

/* yfield_get and yfield_key find the value and the key node; anything else gives NULL. */
static void test_yfield_get_key(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "a: 1\nbb: two\n");
	const struct ynode *v = yfield_get(f->doc.root, "bb");
	assert_string_equal(v->str, "two");
	assert_int_equal(v->col, 5);
	const struct ynode *k = yfield_key(f->doc.root, "bb");
	assert_string_equal(k->str, "bb");
	assert_int_equal(k->line, 2);
	assert_int_equal(k->col, 1);
	assert_null(yfield_get(f->doc.root, "b"));
	assert_null(yfield_key(f->doc.root, "zz"));
	assert_null(yfield_get(NULL, "a"));
	assert_null(yfield_get(yfield_get(f->doc.root, "a"), "a"));
	assert_null(yfield_key(yfield_get(f->doc.root, "a"), "a"));
	fx_free(f);
}

/* yfield_error and yfield_warning report at a node, or without a position for NULL. */
static void test_yfield_error_warning(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "a: 1\n");
	yfield_warning(&f->c, yfield_get(f->doc.root, "a"), "odd %s %d", "value", 7);
	assert_int_equal(f->d.warnings, 1);
	assert_int_equal(f->d.errors, 0);
	fx_expect(f, "f.yml:1:4: warning: odd value 7");
	yfield_error(&f->c, NULL, "whole file");
	assert_int_equal(f->d.errors, 1);
	fx_expect(f, "f.yml: error: whole file");
	fx_free(f);
}

/* yfield_is_map and yfield_is_seq name what is wrong and where. */
static void test_yfield_is_map_seq(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "m: {a: 1}\ns: [1]\nv: x\nn:\n");
	const struct ynode *r = f->doc.root;
	assert_int_equal(yfield_is_map(&f->c, yfield_get(r, "m"), "key 'm'"), 1);
	assert_int_equal(yfield_is_seq(&f->c, yfield_get(r, "s"), "key 's'"), 1);
	fx_quiet(f);
	assert_int_equal(yfield_is_map(&f->c, yfield_get(r, "s"), "key 's'"), 0);
	fx_expect(f, "f.yml:2:4: error: key 's' must be a mapping (key: value lines), not a list");
	assert_int_equal(yfield_is_seq(&f->c, yfield_get(r, "v"), "key 'v'"), 0);
	fx_expect(f,
		  "f.yml:3:4: error: key 'v' must be a list (lines starting with '- '), not a "
		  "string");
	assert_int_equal(yfield_is_seq(&f->c, yfield_get(r, "n"), "key 'n'"), 0);
	fx_expect(f, "f.yml:4:3: error: key 'n' must be a list (lines starting with '- '), "
		      "not nothing");
	assert_int_equal(yfield_is_map(&f->c, NULL, "the file"), 0);
	fx_expect(f, "f.yml: error: the file must be a mapping (key: value lines), not nothing");
	fx_free(f);
}

/* Every unknown key is reported with the list of expected keys. */
static void test_yfield_check_keys(void **state)
{
	struct fx *f = *state;
	static const char *const allowed[] = {"host", "port", "user", NULL};
	fx_parse(f, "host: a\nbogus: 1\nport: 2\nzz: 3\n");
	yfield_check_keys(&f->c, f->doc.root, "site 'a'", allowed);
	assert_int_equal(f->d.errors, 2);
	char *s = diag_format(&f->d.items[0]);
	assert_string_equal(s, "f.yml:2:1: error: unknown key 'bogus' in site 'a' (expected "
			       "one of: host, port, user)");
	free(s);
	s = diag_format(&f->d.items[1]);
	assert_string_equal(s, "f.yml:4:1: error: unknown key 'zz' in site 'a' (expected one "
			       "of: host, port, user)");
	free(s);
	diag_free(&f->d);

	/* A key already reported at its position (say, as a password) is not repeated. */
	diag_error(&f->d, "f.yml", 2, 1, "already said");
	yfield_check_keys(&f->c, f->doc.root, "site 'a'", allowed);
	assert_int_equal(f->d.n, 2);
	s = diag_format(&f->d.items[1]);
	assert_string_equal(s, "f.yml:4:1: error: unknown key 'zz' in site 'a' (expected one "
			       "of: host, port, user)");
	free(s);
	diag_free(&f->d);

	/* Not a mapping: nothing to check here (the caller reports the kind). */
	yfield_check_keys(&f->c, yfield_get(f->doc.root, "host"), "x", allowed);
	yfield_check_keys(&f->c, NULL, "x", allowed);
	fx_quiet(f);
	fx_free(f);
}

/* yfield_require reports a missing key at the mapping that lacks it. */
static void test_yfield_require(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "sites:\n  a:\n    port: 1\n    host:\n");
	const struct ynode *a = yfield_get(yfield_get(f->doc.root, "sites"), "a");
	assert_int_equal(yfield_require(&f->c, a, "port", "site 'a'"), 1);
	/* Present with no value still counts as present: the accessor reports it. */
	assert_int_equal(yfield_require(&f->c, a, "host", "site 'a'"), 1);
	fx_quiet(f);
	assert_int_equal(yfield_require(&f->c, a, "user", "site 'a'"), 0);
	fx_expect(f, "f.yml:3:5: error: missing required key 'user' in site 'a'");
	assert_int_equal(yfield_require(&f->c, NULL, "sites", "the config"), 0);
	fx_expect(f, "f.yml: error: missing required key 'sites' in the config");
	fx_free(f);
}

/* yfield_string and yfield_as_string: value, absence, no value, wrong kind. */
static void test_yfield_string(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "name: db1\nempty:\nlist: [a]\nq: \"42\"\nko: 데이터\n");
	char *out = xstrdup("old");
	assert_int_equal(yfield_string(&f->c, f->doc.root, "name", &out), 1);
	assert_string_equal(out, "db1");
	assert_int_equal(yfield_string(&f->c, f->doc.root, "q", &out), 1);
	assert_string_equal(out, "42");
	assert_int_equal(yfield_string(&f->c, f->doc.root, "ko", &out), 1);
	assert_string_equal(out, "데이터");
	fx_quiet(f);

	free(out);
	out = xstrdup("old");
	assert_int_equal(yfield_string(&f->c, f->doc.root, "absent", &out), 0);
	assert_string_equal(out, "old");
	fx_quiet(f);
	assert_int_equal(yfield_string(&f->c, f->doc.root, "empty", &out), -1);
	assert_string_equal(out, "old");
	fx_expect(f, "f.yml:2:7: error: key 'empty' has no value");
	assert_int_equal(yfield_string(&f->c, f->doc.root, "list", &out), -1);
	assert_string_equal(out, "old");
	fx_expect(f, "f.yml:3:7: error: key 'list' must be a string, not a list");
	free(out);

	out = NULL;
	assert_int_equal(yfield_as_string(&f->c, f->doc.root, "the file", &out), -1);
	assert_null(out);
	fx_expect(f, "f.yml:1:1: error: the file must be a string, not a mapping");
	assert_int_equal(yfield_as_string(&f->c, NULL, "item 3", &out), -1);
	fx_expect(f, "f.yml: error: item 3 has no value");
	assert_int_equal(yfield_as_string(&f->c, yfield_get(f->doc.root, "name"), "x", &out), 1);
	assert_string_equal(out, "db1");
	free(out);
	fx_free(f);
}

/* Reads key as an int in [min, max] and checks the result and the output. */
static void int_ok(struct fx *f, const char *key, long min, long max, long want)
{
	long v = -777;
	assert_int_equal(yfield_int(&f->c, f->doc.root, key, min, max, &v), 1);
	assert_int_equal(v, want);
	fx_quiet(f);
}

/* Reads key as an int that must be refused with want, the output untouched. */
static void int_bad(struct fx *f, const char *key, long min, long max, const char *want)
{
	long v = -777;
	assert_int_equal(yfield_int(&f->c, f->doc.root, key, min, max, &v), -1);
	assert_int_equal(v, -777);
	fx_expect(f, want);
}

/* Whole numbers: bounds are inclusive, junk and signs and blanks are refused. */
static void test_yfield_int(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "port: 5432\n"
		     "lo: 1\n"
		     "hi: 65535\n"
		     "zero: 0\n"
		     "neg: -5\n"
		     "junk: 12abc\n"
		     "plus: +5\n"
		     "qempty: \"\"\n"
		     "empty:\n"
		     "list: [1]\n"
		     "huge: 99999999999999999999\n"
		     "quoted: \"42\"\n"
		     "hex: 0x10\n"
		     "space: \" 5\"\n"
		     "big: 70000\n");
	int_ok(f, "port", 1, 65535, 5432);
	int_ok(f, "lo", 1, 65535, 1);
	int_ok(f, "hi", 1, 65535, 65535);
	int_ok(f, "neg", -10, 10, -5);
	int_ok(f, "quoted", 0, 100, 42);
	int_bad(f, "zero", 1, 65535, "f.yml:4:7: error: key 'zero' is 0, outside 1..65535");
	int_bad(f, "big", 1, 65535, "f.yml:15:6: error: key 'big' is 70000, outside 1..65535");
	int_bad(f, "neg", 0, 10, "f.yml:5:6: error: key 'neg' is -5, outside 0..10");
	int_bad(f, "junk", 0, 100, "f.yml:6:7: error: key 'junk' must be a whole number, not "
				    "'12abc'");
	int_bad(f, "plus", 0, 100, "f.yml:7:7: error: key 'plus' must be a whole number, not "
				    "'+5'");
	int_bad(f, "qempty", 0, 100, "f.yml:8:9: error: key 'qempty' must be a whole number, "
				      "not ''");
	int_bad(f, "empty", 0, 100, "f.yml:9:7: error: key 'empty' must be a whole number, "
				     "not nothing");
	int_bad(f, "list", 0, 100, "f.yml:10:7: error: key 'list' must be a whole number, not "
				    "a list");
	int_bad(f, "huge", 0, 100, "f.yml:11:7: error: key 'huge' must be a whole number, not "
				    "'99999999999999999999'");
	int_bad(f, "hex", 0, 100, "f.yml:13:6: error: key 'hex' must be a whole number, not "
				   "'0x10'");
	int_bad(f, "space", 0, 100, "f.yml:14:8: error: key 'space' must be a whole number, "
				     "not ' 5'");
	long v = -777;
	assert_int_equal(yfield_int(&f->c, f->doc.root, "absent", 0, 100, &v), 0);
	assert_int_equal(v, -777);
	fx_quiet(f);
	fx_free(f);
}

/* Leading white space of any kind is refused, as a leading space already is. */
static void test_yfield_int_leading_whitespace(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "tab: \"\\t5\"\nnl: \"\\n5\"\n");
	int_bad(f, "tab", 0, 100, "f.yml:1:6: error: key 'tab' must be a whole number, not "
				   "'\t5'");
	int_bad(f, "nl", 0, 100, "f.yml:2:5: error: key 'nl' must be a whole number, not "
				  "'\n5'");
	fx_free(f);
}

/* Booleans: the plain true/false forms, nothing else. */
static void test_yfield_bool(void **state)
{
	struct fx *f = *state;
	static const char *const yes[] = {"true", "yes", "on", "True", "Yes", "On", "TRUE"};
	static const char *const no[] = {"false", "no", "off", "False", "No", "Off", "FALSE"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		char *text = xasprintf("y: %s\nn: %s\n", yes[i], no[i]);
		fx_parse(f, text);
		int v = 0;
		assert_int_equal(yfield_bool(&f->c, f->doc.root, "y", &v), 1);
		assert_int_equal(v, 1);
		v = 1;
		assert_int_equal(yfield_bool(&f->c, f->doc.root, "n", &v), 1);
		assert_int_equal(v, 0);
		fx_quiet(f);
		fx_free(f);
		free(text);
	}

	fx_parse(f, "maybe: maybe\none: 1\nq: \"true\"\nlist: [true]\nempty:\n");
	int v = 42;
	assert_int_equal(yfield_bool(&f->c, f->doc.root, "absent", &v), 0);
	assert_int_equal(v, 42);
	fx_quiet(f);
	assert_int_equal(yfield_bool(&f->c, f->doc.root, "maybe", &v), -1);
	fx_expect(f, "f.yml:1:8: error: key 'maybe' must be true or false, not 'maybe'");
	assert_int_equal(yfield_bool(&f->c, f->doc.root, "one", &v), -1);
	fx_expect(f, "f.yml:2:6: error: key 'one' must be true or false, not '1'");
	assert_int_equal(yfield_bool(&f->c, f->doc.root, "q", &v), -1);
	fx_expect(f, "f.yml:3:4: error: key 'q' must be true or false, not 'true'");
	assert_int_equal(yfield_bool(&f->c, f->doc.root, "list", &v), -1);
	fx_expect(f, "f.yml:4:7: error: key 'list' must be true or false, not a list");
	assert_int_equal(yfield_bool(&f->c, f->doc.root, "empty", &v), -1);
	assert_true(unit_diag_has(&f->d, "f.yml:5:7: error: key 'empty' must be true or false"));
	diag_free(&f->d);
	assert_int_equal(v, 42);
	fx_free(f);
}

/* Durations in every written form; bad ones carry duration_parse's reason. */
static void test_yfield_duration(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "a: 15m\nb: 15분\nc: 300\nd: \"2시간 30분\"\nbad: 15x\nempty:\nmap: {}\n");
	int64_t ms = -1;
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "a", &ms), 1);
	assert_int_equal(ms, 900000);
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "b", &ms), 1);
	assert_int_equal(ms, 900000);
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "c", &ms), 1);
	assert_int_equal(ms, 300000);
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "d", &ms), 1);
	assert_int_equal(ms, 9000000);
	fx_quiet(f);

	ms = -1;
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "absent", &ms), 0);
	assert_int_equal(ms, -1);
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "bad", &ms), -1);
	assert_int_equal(ms, -1);
	fx_expect(f, "f.yml:5:6: error: key 'bad': invalid duration '15x': unknown unit at "
		      "'x' (use s, m, h, d, ms or 초, 분, 시간, 일)");
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "empty", &ms), -1);
	fx_expect(f, "f.yml:6:7: error: key 'empty' must be a duration such as 90s, 15m or "
		      "\"15분\", not nothing");
	assert_int_equal(yfield_duration(&f->c, f->doc.root, "map", &ms), -1);
	fx_expect(f, "f.yml:7:6: error: key 'map' must be a duration such as 90s, 15m or "
		      "\"15분\", not a mapping");
	assert_int_equal(ms, -1);
	fx_free(f);
}

/* Enumerations store the index; a wrong value lists the names. */
static void test_yfield_enum(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = {"manual", "auto", "off", NULL};
	fx_parse(f, "a: auto\nb: \"off\"\nc: Auto\nd:\ne: [auto]\n");
	int v = -1;
	assert_int_equal(yfield_enum(&f->c, f->doc.root, "a", names, &v), 1);
	assert_int_equal(v, 1);
	assert_int_equal(yfield_enum(&f->c, f->doc.root, "b", names, &v), 1);
	assert_int_equal(v, 2);
	fx_quiet(f);
	v = -1;
	assert_int_equal(yfield_enum(&f->c, f->doc.root, "absent", names, &v), 0);
	assert_int_equal(yfield_enum(&f->c, f->doc.root, "c", names, &v), -1);
	fx_expect(f, "f.yml:3:4: error: key 'c' is 'Auto', expected one of: manual, auto, off");
	assert_int_equal(yfield_enum(&f->c, f->doc.root, "d", names, &v), -1);
	fx_expect(f, "f.yml:4:3: error: key 'd' must be one of: manual, auto, off (not nothing)");
	assert_int_equal(yfield_enum(&f->c, f->doc.root, "e", names, &v), -1);
	fx_expect(f, "f.yml:5:4: error: key 'e' must be one of: manual, auto, off (not a list)");
	assert_int_equal(v, -1);
	fx_free(f);
}

/* String lists: a good list replaces the old one; one bad item fails the whole list. */
static void test_yfield_string_list(void **state)
{
	struct fx *f = *state;
	fx_parse(f, "hosts: [a, \"b c\", 데이터]\n"
		     "none: []\n"
		     "mixed: [a, {k: v}, c]\n"
		     "holes:\n"
		     "  - a\n"
		     "  -\n"
		     "word: a\n");
	char **list = NULL;
	size_t n = 0;
	assert_int_equal(yfield_string_list(&f->c, f->doc.root, "hosts", &list, &n), 1);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "a");
	assert_string_equal(list[1], "b c");
	assert_string_equal(list[2], "데이터");
	fx_quiet(f);

	char **before = list;
	assert_int_equal(yfield_string_list(&f->c, f->doc.root, "absent", &list, &n), 0);
	assert_ptr_equal(list, before);
	assert_int_equal(n, 3);
	assert_int_equal(yfield_string_list(&f->c, f->doc.root, "mixed", &list, &n), -1);
	assert_ptr_equal(list, before);
	assert_int_equal(n, 3);
	fx_expect(f, "f.yml:3:12: error: item 2 of key 'mixed' must be a string, not a mapping");
	assert_int_equal(yfield_string_list(&f->c, f->doc.root, "holes", &list, &n), -1);
	fx_expect(f, "f.yml:6:4: error: item 2 of key 'holes' has no value");
	assert_int_equal(yfield_string_list(&f->c, f->doc.root, "word", &list, &n), -1);
	fx_expect(f, "f.yml:7:7: error: key 'word' must be a list (lines starting with '- '), "
		      "not a string");
	assert_ptr_equal(list, before);
	assert_string_equal(list[2], "데이터");

	/* An empty list replaces (and frees) the old one. */
	assert_int_equal(yfield_string_list(&f->c, f->doc.root, "none", &list, &n), 1);
	assert_int_equal(n, 0);
	fx_quiet(f);
	yfield_free_list(list, n);
	fx_free(f);
}

/* What yfield_load_list's reader saw. */
struct seen {
	int calls;
	size_t n;
	char file[256];
};

/* Records the list handed over by yfield_load_list. */
static void seen_read(struct yctx *c, const struct ynode *list, void *arg)
{
	struct seen *s = arg;
	s->calls++;
	s->n = list->n;
	snprintf(s->file, sizeof s->file, "%s", c->file);
}

/* Runs yfield_load_list on text; returns its result and fills s and d. */
static int load_list(const char *text, struct seen *s, struct diag *d, char **path)
{
	memset(s, 0, sizeof *s);
	diag_init(d);
	*path = unit_write_file(text);
	return yfield_load_list(*path, "scenarios", "the scenario file", d, seen_read, s);
}

/* Checks that diagnostic i is the path followed by tail. */
static void check_item(const struct diag *d, size_t i, const char *path, const char *tail)
{
	assert_true(i < d->n);
	char *w = xasprintf("%s%s", path, tail);
	char *got = diag_format(&d->items[i]);
	if (strcmp(got, w) != 0)
		fail_msg("got '%s', expected '%s'", got, w);
	free(got);
	free(w);
}

/* Removes a test file and frees everything load_list made. */
static void load_list_done(struct diag *d, char *path)
{
	diag_free(d);
	unlink(path);
	free(path);
}

/* A good file hands its list to the reader once. */
static void test_yfield_load_list_ok(void **state)
{
	(void)state;
	struct seen s;
	struct diag d;
	char *path;
	assert_int_equal(load_list("# 시나리오\nscenarios:\n  - a\n  - b\n", &s, &d, &path), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.file, path);
	load_list_done(&d, path);
}

/* The wrong top-level keys, the wrong kinds and empty files are each reported once. */
static void test_yfield_load_list_bad(void **state)
{
	(void)state;
	struct seen s;
	struct diag d;
	char *path;

	assert_int_equal(load_list("other: []\n", &s, &d, &path), -1);
	assert_int_equal(s.calls, 0);
	assert_int_equal(d.n, 2);
	check_item(&d, 0, path,
		   ":1:1: error: unknown key 'other' in the scenario file (expected one "
			    "of: scenarios)");
	check_item(&d, 1, path, ":1:1: error: missing required key 'scenarios' in "
					 "the scenario file");
	load_list_done(&d, path);

	assert_int_equal(load_list("scenarios: []\nextra: 1\n", &s, &d, &path), -1);
	assert_int_equal(s.calls, 1);
	assert_int_equal(d.n, 1);
	check_item(&d, 0, path,
		   ":2:1: error: unknown key 'extra' in the scenario file (expected one "
			    "of: scenarios)");
	load_list_done(&d, path);

	assert_int_equal(load_list("- a\n", &s, &d, &path), -1);
	assert_int_equal(s.calls, 0);
	assert_int_equal(d.n, 1);
	check_item(&d, 0, path, ":1:1: error: the scenario file must be a mapping "
					 "(key: value lines), not a list");
	load_list_done(&d, path);

	assert_int_equal(load_list("scenarios: x\n", &s, &d, &path), -1);
	assert_int_equal(s.calls, 0);
	assert_int_equal(d.n, 1);
	check_item(&d, 0, path, ":1:12: error: key 'scenarios' must be a list (lines "
					 "starting with '- '), not a string");
	load_list_done(&d, path);

	assert_int_equal(load_list("scenarios:\n", &s, &d, &path), -1);
	assert_int_equal(s.calls, 0);
	assert_int_equal(d.n, 1);
	check_item(&d, 0, path, ":1:11: error: key 'scenarios' must be a list (lines "
					 "starting with '- '), not nothing");
	load_list_done(&d, path);

	const char *empties[] = {"", "\n", "# nothing yet\n"};
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		assert_int_equal(load_list(empties[i], &s, &d, &path), -1);
		assert_int_equal(s.calls, 0);
		assert_int_equal(d.n, 1);
		check_item(&d, 0, path,
			   ": error: the file is empty (expected 'scenarios:')");
		load_list_done(&d, path);
	}

	/* A syntax error is the only message: no "empty file" on top of it. */
	assert_int_equal(load_list("scenarios: [a,\n", &s, &d, &path), -1);
	assert_int_equal(s.calls, 0);
	assert_int_equal(d.n, 1);
	assert_true(unit_diag_has(&d, "error: syntax error: "));
	load_list_done(&d, path);

	/* A missing file: only "cannot open". */
	diag_init(&d);
	memset(&s, 0, sizeof s);
	assert_int_equal(yfield_load_list("/nonexistent/drconsole-unit.yml", "scenarios", "x",
					  &d, seen_read, &s),
			 -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(s.calls, 0);
	assert_true(unit_diag_has(&d, "/nonexistent/drconsole-unit.yml: error: cannot open: "));
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_yfield_get_key, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_error_warning, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_is_map_seq, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_check_keys, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_require, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_string, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_int, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_int_leading_whitespace, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_bool, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_duration, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_enum, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_yfield_string_list, fx_setup, fx_teardown),
		cmocka_unit_test(test_yfield_load_list_ok),
		cmocka_unit_test(test_yfield_load_list_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
