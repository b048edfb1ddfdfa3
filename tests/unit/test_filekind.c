/*
 * Tests of core/filekind.c: every kind told from a small file by its
 * top-level key, the order when several keys are present, and the messages
 * for files of no known kind, empty files, syntax errors and missing files.
 */
#include "config.h"

#include "unit.h"

#include "filekind.h"

/* Writes text to a file, detects its kind, and returns it; d receives the messages. */
static enum filekind detect(const char *text, struct diag *d, char **path)
{
	diag_init(d);
	*path = unit_write_file(text);
	return filekind_detect(*path, d);
}

/* Removes the file and frees the messages. */
static void done(struct diag *d, char *path)
{
	diag_free(d);
	unlink(path);
	free(path);
}

/* Checks that d holds exactly one message: the path followed by tail. */
static void only_message(const struct diag *d, const char *path, const char *tail)
{
	if (d->n != 1)
		fail_msg("expected one message ('%s'), got %zu", tail, d->n);
	char *want = xasprintf("%s%s", path, tail);
	char *got = diag_format(&d->items[0]);
	if (strcmp(got, want) != 0)
		fail_msg("got '%s', expected '%s'", got, want);
	free(got);
	free(want);
}

/* Each kind is told by its top-level key, with no message. */
static void test_filekind_each_kind(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum filekind kind;
	} cases[] = {
		{"sites:\n  seoul: {host: db1}\n", FILEKIND_CONFIG},
		{"dr:\n  mode: manual\n", FILEKIND_CONFIG},
		{"dr_config: {}\n", FILEKIND_CONFIG},
		{"apiVersion: v1\nkind: ConfigMap\n", FILEKIND_CONFIGMAP},
		{"kind: ConfigMap\n", FILEKIND_CONFIGMAP},
		{"apiVersion: v1\n", FILEKIND_CONFIGMAP},
		{"# 복구 시나리오\nscenarios:\n  - id: s1\n", FILEKIND_SCENARIOS},
		{"actions: []\n", FILEKIND_ACTIONS},
		{"drills: []\n", FILEKIND_DRILLS},
		{"tests: []\n", FILEKIND_SCHEDULE},
		{"layout: {}\n", FILEKIND_LAYOUT},
		{"min_size: 80x24\n", FILEKIND_LAYOUT},
		/* A null value still tells the kind; the loader reports it. */
		{"scenarios:\n", FILEKIND_SCENARIOS},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct diag d;
		char *path;
		enum filekind k = detect(cases[i].text, &d, &path);
		if (k != cases[i].kind)
			fail_msg("'%s' was taken for %s, expected %s", cases[i].text,
				 filekind_name(k), filekind_name(cases[i].kind));
		assert_int_equal(d.n, 0);
		done(&d, path);
	}
}

/* With several top-level keys, the config keys win, then ConfigMap, then the order above. */
static void test_filekind_precedence(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum filekind kind;
	} cases[] = {
		{"scenarios: []\nsites: {}\n", FILEKIND_CONFIG},
		{"layout: {}\nkind: ConfigMap\n", FILEKIND_CONFIGMAP},
		{"drills: []\nactions: []\n", FILEKIND_ACTIONS},
		{"tests: []\ndrills: []\n", FILEKIND_DRILLS},
		{"layout: {}\ntests: []\n", FILEKIND_SCHEDULE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct diag d;
		char *path;
		enum filekind k = detect(cases[i].text, &d, &path);
		if (k != cases[i].kind)
			fail_msg("'%s' was taken for %s, expected %s", cases[i].text,
				 filekind_name(k), filekind_name(cases[i].kind));
		done(&d, path);
	}
}

/* The names used in messages. */
static void test_filekind_names(void **state)
{
	(void)state;
	assert_string_equal(filekind_name(FILEKIND_UNKNOWN), "unknown");
	assert_string_equal(filekind_name(FILEKIND_CONFIG), "drconsole config");
	assert_string_equal(filekind_name(FILEKIND_CONFIGMAP), "DR ConfigMap");
	assert_string_equal(filekind_name(FILEKIND_SCENARIOS), "recovery scenarios");
	assert_string_equal(filekind_name(FILEKIND_ACTIONS), "action library");
	assert_string_equal(filekind_name(FILEKIND_DRILLS), "drills");
	assert_string_equal(filekind_name(FILEKIND_SCHEDULE), "test schedule");
	assert_string_equal(filekind_name(FILEKIND_LAYOUT), "layout");
}

/* The message for a file of no known kind. */
#define UNKNOWN_KIND                                                                        \
	"error: cannot tell what kind of file this is (expected a top-level key such as "  \
	"sites:, scenarios:, actions:, drills:, tests: or layout:)"

/* A mapping without a known key, a list, a string or an empty file is of no known kind. */
static void test_filekind_unknown(void **state)
{
	(void)state;
	struct diag d;
	char *path;
	assert_int_equal(detect("foo: 1\nbar: 2\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":1:1: " UNKNOWN_KIND);
	done(&d, path);

	assert_int_equal(detect("# 주석\n- sites\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":2:1: " UNKNOWN_KIND);
	done(&d, path);

	assert_int_equal(detect("sites\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":1:1: " UNKNOWN_KIND);
	done(&d, path);

	/* Keys are matched exactly. */
	assert_int_equal(detect("Sites: {}\nscenario: []\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":1:1: " UNKNOWN_KIND);
	done(&d, path);

	/* An empty file has no position to give. */
	assert_int_equal(detect("", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ": " UNKNOWN_KIND);
	done(&d, path);
	assert_int_equal(detect("# nothing\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ": " UNKNOWN_KIND);
	done(&d, path);
}

/* A file that does not parse gives its own errors, and not "cannot tell" on top. */
static void test_filekind_syntax_error(void **state)
{
	(void)state;
	struct diag d;
	char *path;
	assert_int_equal(detect("scenarios: [a,\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":2:1: error: syntax error: did not find expected node content "
			       "while parsing a flow node");
	done(&d, path);

	assert_int_equal(detect("sites: &a {}\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":1:8: error: anchors are not supported (&a): write the value out");
	done(&d, path);

	assert_int_equal(detect("sites: \xff\n", &d, &path), FILEKIND_UNKNOWN);
	only_message(&d, path, ":1:8: error: invalid UTF-8 (byte 0xff)");
	done(&d, path);

	/* Duplicate keys are reported, yet the tree is whole enough to tell the kind. */
	assert_int_equal(detect("scenarios: []\nscenarios: []\n", &d, &path), FILEKIND_SCENARIOS);
	only_message(&d, path, ":2:1: error: duplicate key 'scenarios' (first given at line 1)");
	done(&d, path);

	/* A missing file. */
	diag_init(&d);
	assert_int_equal(filekind_detect("/nonexistent/drconsole-unit.yml", &d), FILEKIND_UNKNOWN);
	assert_int_equal(d.n, 1);
	assert_true(unit_diag_has(&d, "/nonexistent/drconsole-unit.yml: error: cannot open: "));
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filekind_each_kind),
		cmocka_unit_test(test_filekind_precedence),
		cmocka_unit_test(test_filekind_names),
		cmocka_unit_test(test_filekind_unknown),
		cmocka_unit_test(test_filekind_syntax_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
