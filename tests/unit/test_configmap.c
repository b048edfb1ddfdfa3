/*
 * Tests of core/configmap.c: the seed's Kubernetes ConfigMap loads exactly as
 * written, drconsole.yml's inline "dr:" block reads the same settings, and a
 * wrong kind, a missing key, a bad mode, a bad interval or one site named for
 * both roles are reported at their exact positions.
 */
#include "config.h"

#include "unit.h"

#include "configmap.h"

/* A loaded ConfigMap with its diagnostics. */
struct loaded {
	char *file;
	struct dr_settings dr;
	struct diag d;
	int rc;
};

/* Writes text to a temporary file and loads it as a ConfigMap. */
static void load_text(struct loaded *l, const char *text)
{
	memset(l, 0, sizeof *l);
	diag_init(&l->d);
	l->file = unit_write_file(text);
	l->rc = configmap_load(&l->dr, l->file, &l->d);
}

/* Frees a loaded ConfigMap and removes its file. */
static void loaded_done(struct loaded *l)
{
	configmap_free(&l->dr);
	diag_free(&l->d);
	unlink(l->file);
	free(l->file);
}

/* Fails unless the only diagnostic is an error at line:col reading exactly msg. */
static void expect_only(const struct loaded *l, int line, int col, const char *msg)
{
	unit_expect_only(&l->d, l->rc, l->file, line, col, msg);
}

/* A ConfigMap with the given four data values (NULL leaves the key out). */
static char *configmap_text(const char *primary, const char *dr, const char *mode,
			    const char *sync)
{
	return xasprintf("apiVersion: v1\n"
			 "kind: ConfigMap\n"
			 "metadata:\n"
			 "  name: dr-config\n"
			 "data:\n"
			 "%s%s%s%s%s%s%s%s%s%s%s%s",
			 primary ? "  PRIMARY_SITE: \"" : "", primary ? primary : "",
			 primary ? "\"\n" : "", dr ? "  DR_SITE: \"" : "", dr ? dr : "",
			 dr ? "\"\n" : "", mode ? "  FAILOVER_MODE: \"" : "", mode ? mode : "",
			 mode ? "\"\n" : "", sync ? "  SYNC_INTERVAL: \"" : "", sync ? sync : "",
			 sync ? "\"\n" : "");
}

/* Loads a ConfigMap built by configmap_text(). */
static void load_values(struct loaded *l, const char *primary, const char *dr,
			const char *mode, const char *sync)
{
	char *text = configmap_text(primary, dr, mode, sync);
	load_text(l, text);
	free(text);
}

/* The seed's kubernetes/dr-config.yml, from the source tree, as written. */
static void test_configmap_seed(void **state)
{
	(void)state;
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *file = xasprintf("%s/scenarios/kubernetes/dr-config.yml", top);
	struct dr_settings dr;
	struct diag d;
	memset(&dr, 0, sizeof dr);
	diag_init(&d);
	assert_int_equal(configmap_load(&dr, file, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(dr.primary_site, "datacenter-1");
	assert_string_equal(dr.dr_site, "datacenter-2");
	assert_int_equal(dr.failover_mode, FAILOVER_AUTOMATIC);
	assert_int_equal(dr.sync_interval_ms, 300000);
	assert_string_equal(dr.source, file);
	assert_int_equal(dr.line, 7);
	assert_int_equal(dr.col, 17);
	assert_int_equal(dr.dr_line, 8);
	assert_int_equal(dr.dr_col, 12);
	assert_string_equal(configmap_mode_name(dr.failover_mode), "automatic");
	assert_string_equal(configmap_mode_name(FAILOVER_MANUAL), "manual");
	configmap_free(&dr);
	assert_null(dr.primary_site);
	diag_free(&d);
	free(file);
}

/* Other values: manual mode and a sync interval with a unit. */
static void test_configmap_values(void **state)
{
	(void)state;
	struct loaded l;
	load_values(&l, "dc-seoul", "dc-busan", "manual", "90s");
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.d.n, 0);
	assert_string_equal(l.dr.primary_site, "dc-seoul");
	assert_string_equal(l.dr.dr_site, "dc-busan");
	assert_int_equal(l.dr.failover_mode, FAILOVER_MANUAL);
	assert_int_equal(l.dr.sync_interval_ms, 90000);
	loaded_done(&l);

	load_values(&l, "dc-seoul", "dc-busan", "automatic", "5분");
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.dr.sync_interval_ms, 300000);
	loaded_done(&l);
}

/* A ConfigMap may carry other applications' keys; only drconsole's are read. */
static void test_configmap_foreign_keys(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "apiVersion: v1\n"
		      "kind: ConfigMap\n"
		      "metadata:\n"
		      "  name: dr-config\n"
		      "  namespace: ops\n"
		      "data:\n"
		      "  LOG_LEVEL: debug\n"
		      "  PRIMARY_SITE: \"datacenter-1\"\n"
		      "  DR_SITE: \"datacenter-2\"\n"
		      "  FAILOVER_MODE: \"manual\"\n"
		      "  SYNC_INTERVAL: \"60\"\n");
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.dr.sync_interval_ms, 60000);
	assert_int_equal(l.dr.line, 8);
	loaded_done(&l);
}

/* Anything but kind: ConfigMap is refused at the kind value, and nothing is read. */
static void test_configmap_wrong_kind(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "apiVersion: v1\n"
		      "kind: Secret\n"
		      "metadata:\n"
		      "  name: dr-config\n"
		      "data:\n"
		      "  PRIMARY_SITE: \"datacenter-1\"\n"
		      "  DR_SITE: \"datacenter-2\"\n"
		      "  FAILOVER_MODE: \"automatic\"\n"
		      "  SYNC_INTERVAL: \"300\"\n");
	expect_only(&l, 2, 7, "key 'kind' is 'Secret', expected ConfigMap");
	assert_null(l.dr.primary_site);
	loaded_done(&l);

	load_text(&l, "apiVersion: v1\n"
		      "metadata: {name: x}\n"
		      "data: {PRIMARY_SITE: a, DR_SITE: b, FAILOVER_MODE: manual, "
		      "SYNC_INTERVAL: 1}\n");
	expect_only(&l, 1, 1, "missing required key 'kind' in the ConfigMap");
	loaded_done(&l);
}

/* Each of the four keys is required in data, reported at the data mapping. */
static void test_configmap_missing_key(void **state)
{
	(void)state;
	struct loaded l;
	load_values(&l, "datacenter-1", NULL, "manual", "300");
	expect_only(&l, 6, 3, "missing required key 'DR_SITE' in the ConfigMap's data");
	loaded_done(&l);

	load_values(&l, "datacenter-1", "datacenter-2", "manual", NULL);
	expect_only(&l, 6, 3, "missing required key 'SYNC_INTERVAL' in the ConfigMap's data");
	loaded_done(&l);

	load_values(&l, NULL, "datacenter-2", NULL, "300");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.errors, 2);
	assert_true(unit_diag_has(&l.d, ":6:3: error: missing required key 'PRIMARY_SITE'"));
	assert_true(unit_diag_has(&l.d, ":6:3: error: missing required key 'FAILOVER_MODE'"));
	loaded_done(&l);

	load_text(&l, "apiVersion: v1\nkind: ConfigMap\ndata: PRIMARY_SITE=a\n");
	expect_only(&l, 3, 7,
		    "key 'data' must be a mapping (key: value lines), not a string");
	loaded_done(&l);
}

/* FAILOVER_MODE accepts manual or automatic only, and says so. */
static void test_configmap_bad_mode(void **state)
{
	(void)state;
	struct loaded l;
	load_values(&l, "datacenter-1", "datacenter-2", "auto", "300");
	expect_only(&l, 8, 18, "key 'FAILOVER_MODE' is 'auto', expected one of: manual, automatic");
	loaded_done(&l);

	load_values(&l, "datacenter-1", "datacenter-2", "Manual", "300");
	expect_only(&l, 8, 18,
		    "key 'FAILOVER_MODE' is 'Manual', expected one of: manual, automatic");
	loaded_done(&l);
}

/* SYNC_INTERVAL must be a duration above zero. */
static void test_configmap_bad_interval(void **state)
{
	(void)state;
	struct loaded l;
	load_values(&l, "datacenter-1", "datacenter-2", "manual", "abc");
	expect_only(&l, 9, 18,
		    "key 'SYNC_INTERVAL': invalid duration 'abc': expected a number at 'abc'");
	loaded_done(&l);

	load_values(&l, "datacenter-1", "datacenter-2", "manual", "0");
	expect_only(&l, 9, 18, "key 'SYNC_INTERVAL' must be more than zero");
	loaded_done(&l);

	load_values(&l, "datacenter-1", "datacenter-2", "manual", "");
	expect_only(&l, 9, 18, "key 'SYNC_INTERVAL': empty duration");
	loaded_done(&l);
}

/* One site cannot be both the primary and the DR site: reported at DR_SITE. */
static void test_configmap_same_sites(void **state)
{
	(void)state;
	struct loaded l;
	load_values(&l, "datacenter-1", "datacenter-1", "manual", "300");
	expect_only(&l, 7, 12, "the DR site must differ from the primary site ('datacenter-1')");
	loaded_done(&l);
}

/* An empty file and a file that is a list are refused. */
static void test_configmap_not_a_configmap(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "# nothing here\n");
	expect_only(&l, 0, 0, "the file is empty (expected a ConfigMap)");
	loaded_done(&l);

	load_text(&l, "- PRIMARY_SITE\n");
	expect_only(&l, 1, 1, "the ConfigMap must be a mapping (key: value lines), not a list");
	loaded_done(&l);

	load_text(&l, "apiVersion: v1\nkind: ConfigMap\nspec: {}\ndata: {}\n");
	assert_int_equal(l.rc, -1);
	assert_true(unit_diag_has(&l.d, ":3:1: error: unknown key 'spec' in the ConfigMap "
					"(expected one of: apiVersion, kind, metadata, data)"));
	loaded_done(&l);
}

/* drconsole.yml's inline dr: block, with lower-case keys, reads the same settings. */
static void test_configmap_inline(void **state)
{
	(void)state;
	static const char text[] = "dr:\n"
				   "  primary_site: datacenter-2\n"
				   "  dr_site: datacenter-1\n"
				   "  failover_mode: automatic\n"
				   "  sync_interval: 2m\n";
	struct ydoc doc;
	struct diag d;
	struct dr_settings dr;
	diag_init(&d);
	memset(&dr, 0, sizeof dr);
	assert_int_equal(yaml_doc_parse(&doc, "inline.yml", text, strlen(text), &d), 0);
	struct yctx c = {"inline.yml", &d};
	assert_int_equal(configmap_read_dr(&c, doc.root->pairs[0].value, &dr), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(dr.primary_site, "datacenter-2");
	assert_string_equal(dr.dr_site, "datacenter-1");
	assert_int_equal(dr.failover_mode, FAILOVER_AUTOMATIC);
	assert_int_equal(dr.sync_interval_ms, 120000);
	assert_string_equal(dr.source, "inline.yml");
	assert_int_equal(dr.line, 2);
	assert_int_equal(dr.col, 17);
	configmap_free(&dr);
	yaml_doc_free(&doc);

	/* The ConfigMap's upper-case names are not the config's. */
	static const char upper[] = "dr:\n"
				    "  PRIMARY_SITE: datacenter-1\n"
				    "  dr_site: datacenter-2\n"
				    "  failover_mode: manual\n"
				    "  sync_interval: 300\n";
	assert_int_equal(yaml_doc_parse(&doc, "inline.yml", upper, strlen(upper), &d), 0);
	assert_int_equal(configmap_read_dr(&c, doc.root->pairs[0].value, &dr), -1);
	assert_int_equal(d.errors, 2);
	char *first = unit_first_diag(&d);
	assert_string_equal(first, "inline.yml:2:3: error: unknown key 'PRIMARY_SITE' in dr "
				   "(expected one of: primary_site, dr_site, failover_mode, "
				   "sync_interval)");
	free(first);
	assert_true(unit_diag_has(&d, "inline.yml:2:3: error: missing required key "
				      "'primary_site' in dr"));
	configmap_free(&dr);
	yaml_doc_free(&doc);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configmap_seed),
		cmocka_unit_test(test_configmap_values),
		cmocka_unit_test(test_configmap_foreign_keys),
		cmocka_unit_test(test_configmap_wrong_kind),
		cmocka_unit_test(test_configmap_missing_key),
		cmocka_unit_test(test_configmap_bad_mode),
		cmocka_unit_test(test_configmap_bad_interval),
		cmocka_unit_test(test_configmap_same_sites),
		cmocka_unit_test(test_configmap_not_a_configmap),
		cmocka_unit_test(test_configmap_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
