/*
 * Tests of core/catalog.c: a config pointing at the source tree's scenarios
 * and layouts loads everything with no diagnostics; a scenario naming an
 * unknown action, an override with an unknown placeholder and a command on a
 * local step are errors at their exact positions; steps estimated beyond a
 * scenario's estimated_time are a warning, not an error; the watcher's scenario
 * and fence command must exist, and automatic failover without a fence command
 * is a warning. Configs (and edited
 * copies of the shipped files) are written into temporary folders.
 */
#include "config.h"

#include <ftw.h>
#include <sys/stat.h>

#include "unit.h"

#include "catalog.h"
#include "drillrun.h"

/* Removes one entry of a folder tree (an nftw callback). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Returns the path of name under the source tree. */
static char *src_path(const char *name)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	return xasprintf("%s/%s", top, name);
}

/* Reads a whole file into a string. */
static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char *buf = xmalloc(1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, fp);
	assert_true(n > 0 && n < (1 << 16) - 1);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Writes text to dir/name; returns the path. */
static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Returns text with the single occurrence of from replaced by to. */
static char *replace_once(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* Returns the 1-based line of the first occurrence of needle in text. */
static int line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	assert_non_null(at);
	int line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* A temporary folder with a config, and the catalog loaded from it. */
struct fixture {
	char *dir;
	char *config;
	char *scenarios; /* the folder the config names */
	struct catalog cat;
	struct diag d;
	int rc;
};

/* Creates the folder; with copy, also a scenarios/ folder holding copies of the shipped files. */
static void fixture_init(struct fixture *fx, int copy)
{
	static const char *const files[] = {"actions.yml", "recovery-scenarios.yml",
					    "dr-drill.yml", "dr-test-schedule.yml"};
	memset(fx, 0, sizeof *fx);
	diag_init(&fx->d);
	fx->dir = xstrdup("/tmp/drconsole-unit-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	if (!copy) {
		fx->scenarios = src_path("scenarios");
		return;
	}
	fx->scenarios = xasprintf("%s/scenarios", fx->dir);
	assert_int_equal(mkdir(fx->scenarios, 0700), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *name = xasprintf("scenarios/%s", files[i]);
		char *src = src_path(name);
		char *text = read_file(src);
		free(write_file(fx->scenarios, files[i], text));
		free(text);
		free(src);
		free(name);
	}
}

/* Writes the config (lines 1-14 fixed, extra from line 15) in a failover mode and loads the
 * catalog. */
static void fixture_load_mode(struct fixture *fx, const char *mode, const char *extra)
{
	char *layouts = src_path("layouts");
	char *text = xasprintf("dr:\n"
	                       "  primary_site: datacenter-1\n"
	                       "  dr_site: datacenter-2\n"
	                       "  failover_mode: %s\n"
	                       "  sync_interval: 300\n"
	                       "scenarios_dir: \"%s\"\n"
	                       "layouts_dir: \"%s\"\n"
	                       "sites:\n"
	                       "  - name: datacenter-1\n"
	                       "    ssh: {host: db1.example.com}\n"
	                       "    postgres: {dbname: erp_chatbot}\n"
	                       "  - name: datacenter-2\n"
	                       "    ssh: {host: db2.example.com}\n"
	                       "    postgres: {dbname: erp_chatbot}\n"
	                       "%s",
	                       mode, fx->scenarios, layouts, extra);
	fx->config = write_file(fx->dir, "drconsole.yml", text);
	fx->rc = catalog_load(&fx->cat, fx->config, &fx->d);
	free(text);
	free(layouts);
}

/* Writes the config in manual failover mode and loads the catalog. */
static void fixture_load(struct fixture *fx, const char *extra)
{
	fixture_load_mode(fx, "manual", extra);
}

/* Frees the catalog and its diagnostics, keeping the folder. */
static void fixture_forget(struct fixture *fx)
{
	catalog_free(&fx->cat);
	diag_free(&fx->d);
	diag_init(&fx->d);
}

/* Loads the catalog again from the same config. */
static void fixture_reload(struct fixture *fx)
{
	fixture_forget(fx);
	fx->rc = catalog_load(&fx->cat, fx->config, &fx->d);
}

/* Frees the catalog and removes the folder. */
static void fixture_done(struct fixture *fx)
{
	catalog_free(&fx->cat);
	diag_free(&fx->d);
	assert_int_equal(nftw(fx->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(fx->dir);
	free(fx->config);
	free(fx->scenarios);
}

/* Fails, printing them, unless there are no diagnostics. */
static void expect_clean(const struct diag *d)
{
	if (d->n == 0)
		return;
	diag_print(d, stderr);
	fail_msg("expected no diagnostics, got %zu", d->n);
}

/* Fails unless a diagnostic of the level sits at file:line:col and reads exactly msg. */
static void expect_diag(const struct diag *d, enum diag_level level, const char *file, int line,
			int col, const char *msg)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->items[i];
		if (it->level == level && it->line == line && it->col == col && it->file &&
		    strcmp(it->file, file) == 0 && strcmp(it->message, msg) == 0)
			return;
	}
	diag_print(d, stderr);
	fail_msg("no %s at %s:%d:%d reading '%s'", level == DIAG_ERROR ? "error" : "warning", file,
		 line, col, msg);
}

/* The shipped files, through a config that points at the source tree, load cleanly. */
static void test_catalog_source_tree(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load(&fx, "");
	expect_clean(&fx.d);
	assert_int_equal(fx.rc, 0);
	const struct catalog *cat = &fx.cat;
	assert_int_equal(cat->actions.n, 19); /* 11 for the scenarios, 3 for the drills, 5 failback */
	assert_int_equal(cat->scenarios.n, 3);
	assert_int_equal(cat->own.n, 1); /* failback */
	assert_string_equal(cat->own.items[0].name, "failback");
	assert_int_equal(cat->own.items[0].n_steps, 5);
	/* a live drill of 전체 시스템 다운 ends with the failback; a tabletop does not */
	const struct scenario *d1 = drillrun_find(cat, "D1");
	assert_int_equal(drillrun_live(cat, d1)->n_steps, d1->n_steps + 5);
	assert_string_equal(drillrun_live(cat, d1)->steps[d1->n_steps].text, "rebuild_old_primary");
	assert_ptr_equal(drillrun_live(cat, drillrun_find(cat, "D2")), drillrun_find(cat, "D2"));
	assert_int_equal(cat->drill_runs.n, 2);
	assert_int_equal(cat->drills.n, 2);
	assert_int_equal(cat->schedule.n, 3);
	assert_int_equal(cat->layouts.n, 4);
	assert_string_equal(cat->layouts.items[0].name, "overview");
	char *file = src_path("scenarios/recovery-scenarios.yml");
	assert_string_equal(cat->scenarios.file, file);
	free(file);
	/* The steps fit the plan's estimated times: 27 of 30, 12 of 15, 9 of 10 minutes. */
	assert_int_equal(catalog_scenario_estimate(cat, &cat->scenarios.items[0]), 27 * 60000);
	assert_int_equal(catalog_scenario_estimate(cat, &cat->scenarios.items[1]), 12 * 60000);
	assert_int_equal(catalog_scenario_estimate(cat, &cat->scenarios.items[2]), 9 * 60000);
	fixture_done(&fx);
}

/* The example config shipped in doc/ loads cleanly against the shipped data. */
static void test_catalog_example_config(void **state)
{
	(void)state;
	char *top = src_path("");
	char *file = src_path("doc/drconsole.yml.example");
	struct catalog cat;
	struct diag d;
	diag_init(&d);
	setenv("DRCONSOLE_DATADIR", top, 1);
	int rc = catalog_load(&cat, file, &d);
	expect_clean(&d);
	assert_int_equal(rc, 0);
	const struct action *a = action_find(&cat.actions, "update_dns");
	assert_int_equal(a->kind, ACTION_RUN);
	assert_true(a->overridden);
	catalog_free(&cat);
	diag_free(&d);
	free(file);
	free(top);
}

/* A scenario naming an action nobody defines is an error at that list item. */
static void test_catalog_unknown_action(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 1);
	char *path = xasprintf("%s/recovery-scenarios.yml", fx.scenarios);
	char *seed = read_file(path);
	char *edited = replace_once(seed, "      - promote_standby\n",
				    "      - promote_standby_now\n");
	free(write_file(fx.scenarios, "recovery-scenarios.yml", edited));
	fixture_load(&fx, "");
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	assert_int_equal(fx.d.warnings, 0);
	char *msg = xasprintf("scenario '데이터베이스 장애' names unknown action "
			      "'promote_standby_now' (define it in actions.yml or under "
			      "'actions:' in %s)",
			      fx.config);
	expect_diag(&fx.d, DIAG_ERROR, path, 14, 9, msg);
	free(msg);
	fixture_done(&fx);

	/* Defined under actions: in the config, the same scenario resolves. */
	fixture_init(&fx, 1);
	free(write_file(fx.scenarios, "recovery-scenarios.yml", edited));
	fixture_load(&fx, "actions:\n"
			  "  promote_standby_now:\n"
			  "    title: Promote at once\n"
			  "    site: dr\n"
			  "    builtin: promote\n"
			  "    estimate: 3m\n");
	expect_clean(&fx.d);
	assert_int_equal(fx.rc, 0);
	assert_int_equal(fx.cat.actions.n, 20);
	fixture_done(&fx);
	free(seed);
	free(edited);
	free(path);
}

/* A placeholder nothing defines, in an override's run or check, is an error at that value. */
static void test_catalog_unknown_placeholder(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load(&fx, "actions:\n"
			  "  update_dns:\n"
			  "    site: dr\n"
			  "    run: \"/usr/local/sbin/dr-dns-switch {{site.nope}}\"\n"
			  "    check: \"dig +short {{params.zone}}\"\n");
	assert_int_equal(fx.rc, -1);
	expect_diag(&fx.d, DIAG_ERROR, fx.config, 18, 10,
		    "action 'update_dns': unknown placeholder {{site.nope}}");
	expect_diag(&fx.d, DIAG_ERROR, fx.config, 19, 12,
		    "action 'update_dns': unknown placeholder {{params.zone}}");
	assert_int_equal(fx.d.errors, 2);
	fixture_done(&fx);

	/* Defining the parameter makes the same check resolve. */
	fixture_init(&fx, 0);
	fixture_load(&fx, "params:\n"
			  "  zone: erp.example.com\n"
			  "actions:\n"
			  "  update_dns:\n"
			  "    site: dr\n"
			  "    run: \"/usr/local/sbin/dr-dns-switch {{site.name}}\"\n"
			  "    check: \"dig +short {{params.zone}}\"\n");
	expect_clean(&fx.d);
	fixture_done(&fx);
}

/* A command on a step that stays local (the library's site) runs on the jump host: accepted. */
static void test_catalog_local_command(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load(&fx, "actions:\n"
			  "  update_dns:\n"
			  "    run: \"/usr/local/sbin/dr-dns-switch {{dr.name}}\"\n");
	expect_clean(&fx.d);
	fixture_done(&fx);
}

/* Steps estimated beyond the scenario's estimated_time are a warning at that value. */
static void test_catalog_estimate_warning(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load(&fx, "actions:\n"
			  "  promote_standby:\n"
			  "    estimate: 20m\n");
	assert_int_equal(fx.rc, 0);
	assert_int_equal(fx.d.errors, 0);
	assert_int_equal(fx.d.warnings, 1);
	char *file = src_path("scenarios/recovery-scenarios.yml");
	expect_diag(&fx.d, DIAG_WARNING, file, 17, 21,
		    "the steps of scenario '데이터베이스 장애' are estimated at 29m, more than its "
		    "estimated_time of 15m");
	assert_int_equal(catalog_scenario_estimate(&fx.cat, &fx.cat.scenarios.items[1]),
			 29 * 60000);
	free(file);
	fixture_done(&fx);
}

/* Automatic failover without a fence command is a warning: at watch: when given, else at the DR
 * settings. */
static void test_catalog_watch_no_fence(void **state)
{
	(void)state;
	static const char msg[] =
	    "failover_mode is automatic and watch.fence_command is not set: the watcher can "
	    "fence the old primary only by stopping PostgreSQL over SSH; with the site "
	    "unreachable it cannot fence, and will not promote";
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load_mode(&fx, "automatic", "watch:\n  confirm_checks: 5\n");
	assert_int_equal(fx.rc, 0);
	assert_int_equal(fx.d.errors, 0);
	assert_int_equal(fx.d.warnings, 1);
	expect_diag(&fx.d, DIAG_WARNING, fx.config, 15, 1, msg);
	fixture_done(&fx);

	fixture_init(&fx, 0);
	fixture_load_mode(&fx, "automatic", "");
	assert_int_equal(fx.d.warnings, 1);
	expect_diag(&fx.d, DIAG_WARNING, fx.config, 2, 17, msg);
	fixture_done(&fx);

	fixture_init(&fx, 0);
	fixture_load_mode(&fx, "automatic", "watch:\n  fence_command: /bin/sh -c true\n");
	expect_clean(&fx.d);
	fixture_done(&fx);

	fixture_init(&fx, 0);
	fixture_load(&fx, "");
	expect_clean(&fx.d);
	fixture_done(&fx);
}

/* A fence command whose first word is an absolute path must be an executable file. */
static void test_catalog_watch_fence_command(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load(&fx, "watch:\n  fence_command: /nonexistent/dr-fence datacenter-1\n");
	assert_int_equal(fx.rc, -1);
	expect_diag(&fx.d, DIAG_ERROR, fx.config, 16, 18,
	            "key 'fence_command': '/nonexistent/dr-fence' does not exist or is not a file");
	fixture_done(&fx);

	fixture_init(&fx, 0);
	char *plain = write_file(fx.dir, "dr-fence", "#!/bin/sh\n");
	assert_int_equal(chmod(plain, 0644), 0);
	char *extra = xasprintf("watch:\n  fence_command: \"%s;x\"\n", plain);
	fixture_load(&fx, extra);
	char *msg = xasprintf("key 'fence_command': '%s' is not executable", plain);
	expect_diag(&fx.d, DIAG_ERROR, fx.config, 16, 18, msg);
	assert_int_equal(fx.d.errors, 1);
	assert_int_equal(chmod(plain, 0755), 0);
	fixture_reload(&fx);
	expect_clean(&fx.d);
	free(msg);
	free(extra);
	free(plain);
	fixture_done(&fx);

	/* a command found on PATH is not looked up */
	fixture_init(&fx, 0);
	fixture_load(&fx, "watch:\n  fence_command: dr-fence-not-installed datacenter-1\n");
	expect_clean(&fx.d);
	fixture_done(&fx);
}

/* The watcher's scenario must be one of the scenarios: the named one, or the default. */
static void test_catalog_watch_scenario(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 0);
	fixture_load(&fx, "watch:\n  scenario: \"데이터센터 장애\"\n");
	expect_clean(&fx.d);
	fixture_done(&fx);

	fixture_init(&fx, 0);
	fixture_load(&fx, "watch:\n  scenario: \"DB 장애\"\n");
	assert_int_equal(fx.rc, -1);
	expect_diag(&fx.d, DIAG_ERROR, fx.config, 16, 13,
	            "scenario 'DB 장애' is not one of the scenarios ('데이터센터 장애', "
	            "'데이터베이스 장애', '네트워크 장애')");
	fixture_done(&fx);

	/* without watch:, scenarios lacking the default are nobody's concern */
	fixture_init(&fx, 1);
	char *path = xasprintf("%s/recovery-scenarios.yml", fx.scenarios);
	char *seed = read_file(path);
	char *edited = replace_once(seed, "\"데이터베이스 장애\"", "\"DB 장애\"");
	free(write_file(fx.scenarios, "recovery-scenarios.yml", edited));
	fixture_load(&fx, "");
	expect_clean(&fx.d);
	fixture_forget(&fx);
	free(fx.config);
	fixture_load(&fx, "watch:\n  confirm_checks: 2\n");
	expect_diag(
	    &fx.d, DIAG_ERROR, fx.config, 15, 1,
	    "the watcher's default scenario '데이터베이스 장애' is not one of the scenarios "
	    "('데이터센터 장애', 'DB 장애', '네트워크 장애'); name one with key 'scenario'");
	free(edited);
	free(seed);
	free(path);
	fixture_done(&fx);
}

/* Without both sites, the config's error stands alone: no cascade of unresolved placeholders. */
static void test_catalog_no_cascade(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 1);
	char *layouts = src_path("layouts");
	char *body = xasprintf("dr:\n"
			       "  primary_site: datacenter-1\n"
			       "  dr_site: datacenter-9\n"
			       "  failover_mode: manual\n"
			       "  sync_interval: 300\n"
			       "scenarios_dir: scenarios\n"
			       "layouts_dir: \"%s\"\n"
			       "sites:\n"
			       "  - {name: datacenter-1, ssh: {host: db1.example.com}}\n"
			       "  - {name: datacenter-2, ssh: {host: db2.example.com}}\n",
			       layouts);
	fx.config = write_file(fx.dir, "drconsole.yml", body);
	fx.rc = catalog_load(&fx.cat, fx.config, &fx.d);
	assert_int_equal(fx.rc, -1);
	/* The relative scenarios_dir resolved against the config's folder. */
	assert_string_equal(fx.cat.cf.scenarios_dir, fx.scenarios);
	assert_int_equal(fx.cat.actions.n, 19);
	expect_diag(&fx.d, DIAG_ERROR, fx.config, 3, 12,
		    "dr_site 'datacenter-9' is not one of the configured sites (datacenter-1, "
		    "datacenter-2)");
	assert_int_equal(fx.d.n, 1);
	free(body);
	free(layouts);
	fixture_done(&fx);
}

/* A placeholder nothing defines in a library description is reported at the description. */
static void test_catalog_description_placeholder(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 1);
	char *path = xasprintf("%s/actions.yml", fx.scenarios);
	char *seed = read_file(path);
	char *edited =
		replace_once(seed, "({{dr.host}}).\n", "({{dr.host}}) in {{params.zone}}.\n");
	free(write_file(fx.scenarios, "actions.yml", edited));
	int line = line_of(strstr(edited, "  update_dns:\n"), "    description: >-") +
		   line_of(edited, "  update_dns:\n") - 1;
	fixture_load(&fx, "");
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	assert_true(unit_diag_has(&fx.d, "action 'update_dns': unknown placeholder "
					 "{{params.zone}}"));
	const struct diag_item it = fx.d.items[0];
	int at_value = it.file != NULL && strcmp(it.file, path) == 0 && it.line == line &&
		       it.col == 18;
	if (!at_value)
		fprintf(stderr, "expected %s:%d:18, got %s:%d:%d\n", path, line, it.file, it.line,
			it.col);
	free(seed);
	free(edited);
	free(path);
	fixture_done(&fx);
	/* At the description's value, like run: and check: errors, not at the action. */
	assert_true(at_value);
}

/* After an override, a library description's error still points into the library. */
static void test_catalog_description_placeholder_override(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_init(&fx, 1);
	char *path = xasprintf("%s/actions.yml", fx.scenarios);
	char *seed = read_file(path);
	char *edited =
		replace_once(seed, "({{dr.host}}).\n", "({{dr.host}}) in {{params.zone}}.\n");
	free(write_file(fx.scenarios, "actions.yml", edited));
	fixture_load(&fx, "actions:\n"
			  "  update_dns:\n"
			  "    estimate: 12m\n");
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	const struct diag_item it = fx.d.items[0];
	int in_library = it.file != NULL && strcmp(it.file, path) == 0;
	if (!in_library)
		diag_print(&fx.d, stderr);
	free(seed);
	free(edited);
	free(path);
	fixture_done(&fx);
	/* The text at fault is in actions.yml; drconsole.yml only changed the estimate. */
	assert_true(in_library);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalog_source_tree),
	    cmocka_unit_test(test_catalog_example_config),
	    cmocka_unit_test(test_catalog_unknown_action),
	    cmocka_unit_test(test_catalog_unknown_placeholder),
	    cmocka_unit_test(test_catalog_local_command),
	    cmocka_unit_test(test_catalog_estimate_warning),
	    cmocka_unit_test(test_catalog_watch_no_fence),
	    cmocka_unit_test(test_catalog_watch_fence_command),
	    cmocka_unit_test(test_catalog_watch_scenario),
	    cmocka_unit_test(test_catalog_no_cascade),
	    cmocka_unit_test(test_catalog_description_placeholder),
	    cmocka_unit_test(test_catalog_description_placeholder_override),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
