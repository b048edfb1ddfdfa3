/*
 * Tests of core/drillrun.c: the seed's drills become scenarios the runbook
 * engine runs. 전체 시스템 다운 fences the primary, promotes the DR site with
 * its typed confirmation and guards, checks services and the data lost;
 * 랜섬웨어 감염 fences, restores at the DR site, and keeps its last two steps
 * as manual steps with the plan's own text. Drills are found by name and as
 * D1/D2; a mapping or a drill step naming an unknown action is an error at
 * its exact position.
 */
#include "config.h"

#include <ftw.h>
#include <sys/stat.h>

#include "unit.h"

#include "drillrun.h"
#include "plan.h"

static const char config_fmt[] =
    "dr: {primary_site: datacenter-1, dr_site: datacenter-2, failover_mode: manual,"
    " sync_interval: 300}\n"
    "scenarios_dir: \"%s\"\n"
    "layouts_dir: \"%s/layouts\"\n"
    "sites:\n"
    "  - {name: datacenter-1, ssh: {host: db1.example.com}, postgres: {dbname: erp}}\n"
    "  - {name: datacenter-2, ssh: {host: db2.example.com}, postgres: {dbname: erp}}\n";

/* A catalog loaded from a scenarios folder, with its diagnostics. */
struct fixture {
	char *dir;
	struct catalog cat;
	struct diag d;
	int rc;
};

/* Removes one entry of a folder tree (an nftw callback). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Returns the source tree's top folder. */
static const char *top(void)
{
	return getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
}

/* Copies a shipped scenarios file into dir, replacing the first old by new (old NULL: as is). */
static void copy_file(const char *dir, const char *name, const char *old, const char *new)
{
	char *src = xasprintf("%s/scenarios/%s", top(), name), *dst = xasprintf("%s/%s", dir, name);
	FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, in);
	buf[n] = '\0';
	char *at = old ? strstr(buf, old) : NULL;
	if (old != NULL)
		assert_non_null(at);
	if (at == NULL) {
		fputs(buf, out);
	} else {
		fwrite(buf, 1, (size_t)(at - buf), out);
		fputs(new, out);
		fputs(at + strlen(old), out);
	}
	fclose(in);
	fclose(out);
	free(src);
	free(dst);
}

/* Loads a catalog from a copy of the shipped scenarios, with one replacement in one file. */
static struct fixture *load(const char *file, const char *old, const char *new)
{
	static const char *const names[] = {"actions.yml", "recovery-scenarios.yml", "dr-drill.yml",
	                                    "dr-test-schedule.yml", NULL};
	struct fixture *fx = xcalloc(1, sizeof *fx);
	fx->dir = xstrdup("/tmp/drconsole-unit-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	for (size_t i = 0; names[i]; i++)
		copy_file(fx->dir, names[i], file && strcmp(file, names[i]) == 0 ? old : NULL, new);
	char *config = xasprintf("%s/drconsole.yml", fx->dir);
	FILE *fp = fopen(config, "w");
	assert_non_null(fp);
	fprintf(fp, config_fmt, fx->dir, top());
	fclose(fp);
	diag_init(&fx->d);
	fx->rc = catalog_load(&fx->cat, config, &fx->d);
	free(config);
	return fx;
}

/* Frees a fixture and removes its folder. */
static void done(struct fixture *fx)
{
	catalog_free(&fx->cat);
	diag_free(&fx->d);
	nftw(fx->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx);
}

/* Builds the plan of a drill, failing on any diagnostic. */
static void build(const struct catalog *cat, const char *name, struct plan *p)
{
	const struct scenario *sc = drillrun_find(cat, name);
	struct diag d;
	assert_non_null(sc);
	assert_true(drillrun_is_drill(cat, sc));
	diag_init(&d);
	assert_int_equal(plan_build(p, cat, sc, &d), 0);
	assert_int_equal(d.n, 0);
	diag_free(&d);
}

/* 전체 시스템 다운: fence the primary, promote (typed, guarded), services, data loss. */
static void test_drillrun_system_down(void **state)
{
	(void)state;
	struct fixture *fx = load(NULL, NULL, NULL);
	if (fx->d.n)
		diag_print(&fx->d, stderr);
	assert_int_equal(fx->rc, 0);
	struct plan p;
	build(&fx->cat, "전체 시스템 다운", &p);
	assert_int_equal(p.n, 4);
	const struct site *prim = conf_primary(&fx->cat.cf), *dr = conf_dr(&fx->cat.cf);
	assert_string_equal(p.steps[0].action->builtin, "fence");
	assert_ptr_equal(p.steps[0].targets[0].site, prim);
	assert_string_equal(p.steps[1].action->builtin, "promote");
	assert_int_equal(p.steps[1].action->confirm, CONFIRM_TYPED);
	assert_ptr_equal(p.steps[1].targets[0].site, dr);
	assert_true(p.steps[1].action->n_guards >= 1);
	assert_string_equal(p.steps[1].action->guards[0], "primary_fenced");
	assert_string_equal(p.steps[2].action->builtin, "service_check");
	assert_string_equal(p.steps[3].action->builtin, "data_loss");
	assert_string_equal(p.steps[3].action->check, "writable");
	assert_int_equal(p.total_ms, drillrun_find(&fx->cat, "D1")->estimated_ms);
	const struct drillmap_entry *e = drillrun_entry(&fx->cat, drillrun_find(&fx->cat, "D1"));
	assert_non_null(e);
	assert_string_equal(e->schedule, "전체 시스템 페일오버 테스트");
	plan_free(&p);
	done(fx);
}

/* 랜섬웨어 감염: fence, restore at the DR site, then two manual steps with the plan's text. */
static void test_drillrun_ransomware(void **state)
{
	(void)state;
	struct fixture *fx = load(NULL, NULL, NULL);
	struct plan p;
	build(&fx->cat, "D2", &p);
	assert_string_equal(p.scenario->name, "랜섬웨어 감염");
	assert_int_equal(p.n, 4);
	assert_string_equal(p.steps[0].action->builtin, "fence");
	assert_string_equal(p.steps[1].action->builtin, "restore_test");
	assert_ptr_equal(p.steps[1].targets[0].site, conf_dr(&fx->cat.cf));
	assert_int_equal(p.steps[2].action->kind, ACTION_MANUAL);
	assert_string_equal(p.steps[2].action->name, "D2.3");
	assert_string_equal(p.steps[2].instruction, "시스템 정상화");
	assert_int_equal(p.steps[3].action->kind, ACTION_MANUAL);
	assert_string_equal(p.steps[3].instruction, "보안 취약점 점검");
	assert_int_equal(p.steps[3].n_targets, 0);
	assert_string_equal(drillrun_entry(&fx->cat, p.scenario)->schedule, "데이터 복구 테스트");
	json_t *about = drillrun_about(&fx->cat, p.scenario, 1);
	assert_string_equal(json_string_value(json_object_get(about, "drill")), "랜섬웨어 감염");
	assert_string_equal(json_string_value(json_object_get(about, "mode")), "tabletop");
	json_decref(about);
	plan_free(&p);
	done(fx);
}

/* Names: recovery scenarios first (by name or number), then drills by name, D<n> or d<n>. */
static void test_drillrun_find(void **state)
{
	(void)state;
	struct fixture *fx = load(NULL, NULL, NULL);
	const struct catalog *cat = &fx->cat;
	assert_ptr_equal(drillrun_find(cat, "1"), &cat->scenarios.items[0]);
	assert_false(drillrun_is_drill(cat, drillrun_find(cat, "1")));
	assert_ptr_equal(drillrun_find(cat, "d1"), &cat->drill_runs.items[0]);
	assert_ptr_equal(drillrun_find(cat, "랜섬웨어 감염"), &cat->drill_runs.items[1]);
	assert_null(drillrun_find(cat, "D3"));
	assert_null(drillrun_find(cat, "D0"));
	assert_null(drillrun_find(cat, "D1x"));
	assert_null(drillrun_entry(cat, &cat->scenarios.items[0]));
	done(fx);
}

/* Returns the 1-based line of the first line of file holding needle, or 0. */
static int line_of(const char *file, const char *needle)
{
	char buf[1024];
	int n = 0, at = 0;
	FILE *fp = fopen(file, "r");
	assert_non_null(fp);
	while (at == 0 && fgets(buf, sizeof buf, fp) != NULL)
		at = ++n * (strstr(buf, needle) != NULL);
	fclose(fp);
	return at;
}

/* A mapping naming an unknown action: an error at the action's name; the step is left out. */
static void test_drillrun_unknown_in_mapping(void **state)
{
	(void)state;
	struct fixture *fx = load("actions.yml", "\"백업 데이터 복구\": restore_proven_backup",
	                          "\"백업 데이터 복구\": restore_backup_tset");
	char *file = xasprintf("%s/actions.yml", fx->dir);
	assert_int_equal(fx->rc, -1);
	unit_expect_error(&fx->d, file, line_of(file, "restore_backup_tset"), 20,
	                  "drill '랜섬웨어 감염' step '백업 데이터 복구' names unknown action "
	                  "'restore_backup_tset'", 1);
	assert_int_equal(drillrun_find(&fx->cat, "D2")->n_steps, 3);
	free(file);
	done(fx);
}

/* A drill step written as an unknown action's name: an error at the step. */
static void test_drillrun_unknown_step(void **state)
{
	(void)state;
	struct fixture *fx = load("dr-drill.yml", "\"보안 취약점 점검\"", "security_scann");
	char *file = xasprintf("%s/dr-drill.yml", fx->dir);
	assert_int_equal(fx->rc, -1);
	unit_expect_error(&fx->d, file, 15, 9, "names unknown action 'security_scann'", 0);
	free(file);
	done(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_drillrun_system_down),
	    cmocka_unit_test(test_drillrun_ransomware),
	    cmocka_unit_test(test_drillrun_find),
	    cmocka_unit_test(test_drillrun_unknown_in_mapping),
	    cmocka_unit_test(test_drillrun_unknown_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
