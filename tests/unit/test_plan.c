/*
 * Tests of core/plan.c: the seed's scenarios resolved against a deployment.
 * A command's placeholders become single shell words (a parameter holding
 * "; rm -rf /" stays one quoted argument), built-in steps carry the text of
 * what they will do, manual steps their filled-in instructions, a "both" step
 * one target per site, and the total is the sum of the step estimates.
 */
#include "config.h"

#include <ftw.h>
#include <sys/stat.h>

#include "unit.h"

#include "plan.h"

/* The deployment: two sites, a dangerous-looking parameter, three overrides. */
static const char config_fmt[] =
    "dr:\n"
    "  primary_site: datacenter-1\n"
    "  dr_site: datacenter-2\n"
    "  failover_mode: manual\n"
    "  sync_interval: 300\n"
    "scenarios_dir: \"%s/scenarios\"\n"
    "layouts_dir: \"%s/layouts\"\n"
    "sites:\n"
    "  - name: datacenter-1\n"
    "    ssh: {host: db1.example.com, port: 2222}\n"
    "    postgres: {dbname: erp_chatbot}\n"
    "    backups: {dir: /backup, pattern: \"db_backup_*.dump\"}\n"
    "    services:\n"
    "      - {name: erp, check: \"systemctl is-active erp\"}\n"
    "  - name: datacenter-2\n"
    "    ssh: {host: db2.example.com}\n"
    "    postgres: {dbname: erp_dr}\n"
    "    services:\n"
    "      - {name: erp, check: \"systemctl is-active erp\"}\n"
    "      - {name: nginx, check: \"systemctl is-active nginx\"}\n"
    "params:\n"
    "  app: \"erp chat; rm -rf /\"\n"
    "actions:\n"
    "  update_connection_string:\n"
    "    site: dr\n"
    "    run: \"/usr/local/bin/switch-db {{params.app}} {{site.host}}\"\n"
    "  verify_connectivity:\n"
    "    run: \"ping -c 1 {{site.host}}\"\n"
    "  update_routing_tables:\n"
    "    run: \"/usr/local/sbin/route-via-backup {{dr.host}}\"\n"
    "  verify_backups:\n"
    "    title: Verify the newest backups\n"
    "    site: both\n"
    "    builtin: backup_verify\n"
    "    estimate: 2m\n";

/* The catalog, loaded once for the group from a config in a temporary folder. */
struct fixture {
	char *dir;
	char *config;
	struct catalog cat;
};

/* Removes one entry of a folder tree (an nftw callback). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Writes the config and loads the catalog; fails the group on any diagnostic. */
static int setup(void **state)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	struct fixture *fx = xcalloc(1, sizeof *fx);
	struct diag d;
	*state = fx;
	fx->dir = xstrdup("/tmp/drconsole-unit-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->config = xasprintf("%s/drconsole.yml", fx->dir);
	FILE *fp = fopen(fx->config, "w");
	if (fp == NULL)
		return -1;
	fprintf(fp, config_fmt, top, top);
	fclose(fp);
	diag_init(&d);
	int rc = catalog_load(&fx->cat, fx->config, &d);
	if (d.n != 0) {
		diag_print(&d, stderr);
		rc = -1;
	}
	diag_free(&d);
	return rc;
}

/* Frees the catalog and removes the folder. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	catalog_free(&fx->cat);
	nftw(fx->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx->config);
	free(fx);
	return 0;
}

/* Builds the plan of the named scenario, failing on any diagnostic. */
static void build(const struct catalog *cat, const char *scenario, struct plan *p)
{
	const struct scenario *sc = scenario_find(&cat->scenarios, scenario);
	struct diag d;
	assert_non_null(sc);
	diag_init(&d);
	int rc = plan_build(p, cat, sc, &d);
	if (d.n != 0)
		diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	assert_int_equal(rc, 0);
	assert_ptr_equal(p->scenario, sc);
	assert_int_equal(p->n, sc->n_steps);
	assert_int_equal(p->total_ms, catalog_scenario_estimate(cat, sc));
	diag_free(&d);
}

/* Checks a step's action and its one target's site and command. */
static void check_target(const struct plan_step *st, const char *action, size_t t,
                         const struct site *site, const char *command, const char *check)
{
	assert_string_equal(st->action->name, action);
	assert_true(t < st->n_targets);
	assert_ptr_equal(st->targets[t].site, site);
	if (command == NULL)
		assert_null(st->targets[t].command);
	else
		assert_string_equal(st->targets[t].command, command);
	if (check == NULL)
		assert_null(st->targets[t].check);
	else
		assert_string_equal(st->targets[t].check, check);
}

/* 데이터베이스 장애: the override's command quoted exactly; built-ins described. */
static void test_plan_database_failure(void **state)
{
	const struct catalog *cat = &((struct fixture *)*state)->cat;
	const struct site *dr = conf_dr(&cat->cf);
	struct plan p;
	build(cat, "데이터베이스 장애", &p);
	assert_int_equal(p.n, 4);

	check_target(&p.steps[0], "verify_replication_status", 0, dr,
	             "standby streaming from the primary, replay lag within 5m", NULL);
	check_target(&p.steps[1], "promote_standby", 0, dr,
	             "SELECT pg_promote(true, 90) on erp_dr; refused while the old primary is "
	             "reachable and writable",
	             "a write in a temporary table succeeds on erp_dr");
	check_target(&p.steps[2], "update_connection_string", 0, dr,
	             "/usr/local/bin/switch-db 'erp chat; rm -rf /' db2.example.com", NULL);
	check_target(&p.steps[3], "verify_data_integrity", 0, dr,
	             "last primary LSN seen vs the new primary's replayed LSN, in bytes and "
	             "seconds (the measured RPO)",
	             "a write in a temporary table succeeds on erp_dr");
	for (size_t i = 0; i < p.n; i++) {
		assert_int_equal(p.steps[i].n_targets, 1);
		/* None of these carries instructions: the override's kind change dropped them. */
		assert_null(p.steps[i].instruction);
	}
	assert_int_equal(p.steps[2].action->kind, ACTION_RUN);
	assert_true(p.steps[2].action->overridden);
	/* 1m + 3m + 5m + 3m. */
	assert_int_equal(p.total_ms, 12 * 60000);
	plan_free(&p);
	assert_int_equal(p.n, 0);
	assert_null(p.steps);
}

/* 데이터센터 장애, by number: a both step has two targets; a local step has instructions. */
static void test_plan_datacenter_failure(void **state)
{
	const struct catalog *cat = &((struct fixture *)*state)->cat;
	const struct site *dr = conf_dr(&cat->cf);
	struct plan p;
	build(cat, "1", &p);
	assert_string_equal(p.scenario->name, "데이터센터 장애");
	assert_int_equal(p.n, 4);

	const struct plan_step *st = &p.steps[0];
	assert_int_equal(st->n_targets, 1); /* the DR site; the primary's outage is its guard */
	check_target(st, "check_datacenter_health", 0, dr,
	             "SSH reachable, PostgreSQL up, disk and load within limits", NULL);
	assert_string_equal(st->instruction,
	                    "Confirm that the primary datacenter datacenter-1 is really down and "
	                    "that the DR site datacenter-2 is healthy before anything is "
	                    "switched.");

	st = &p.steps[1];
	assert_int_equal(st->n_targets, 1);
	check_target(st, "activate_dr_site", 0, dr,
	             "SELECT pg_promote(true, 120) on erp_dr; refused while the old primary is "
	             "reachable and writable",
	             "a write in a temporary table succeeds on erp_dr");

	st = &p.steps[2];
	assert_string_equal(st->action->name, "update_dns");
	assert_int_equal(st->n_targets, 0);
	assert_string_equal(st->instruction,
	                    "Change the service's DNS record to the DR site datacenter-2 "
	                    "(db2.example.com).");

	st = &p.steps[3];
	check_target(st, "verify_services", 0, dr, "run each configured service check (2)", NULL);
	/* 2m + 10m + 10m + 5m. */
	assert_int_equal(p.total_ms, 27 * 60000);
	plan_free(&p);
}

/*
 * 네트워크 장애: text placeholders are filled in raw; a both command is expanded per
 * site; a local command has one target without a site.
 */
static void test_plan_network_failure(void **state)
{
	const struct catalog *cat = &((struct fixture *)*state)->cat;
	const struct site *primary = conf_primary(&cat->cf), *dr = conf_dr(&cat->cf);
	struct plan p;
	build(cat, "네트워크 장애", &p);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.steps[0].n_targets, 0);
	assert_non_null(p.steps[0].instruction);
	/* A local step given a command: one target without a site, run on the jump host. */
	assert_int_equal(p.steps[1].n_targets, 1);
	check_target(&p.steps[1], "update_routing_tables", 0, NULL,
	             "/usr/local/sbin/route-via-backup db2.example.com", NULL);
	assert_null(p.steps[1].instruction); /* the library's "override me" text went with it */
	const struct plan_step *st = &p.steps[2];
	assert_int_equal(st->n_targets, 2);
	check_target(st, "verify_connectivity", 0, primary, "ping -c 1 db1.example.com",
	             "standby streaming from the primary, replay lag within 5m");
	check_target(st, "verify_connectivity", 1, dr, "ping -c 1 db2.example.com",
	             "standby streaming from the primary, replay lag within 5m");
	/* A typed confirmation names the first site, or "local" for a step without one. */
	assert_string_equal(plan_confirm_word(&p.steps[0]), "local");
	assert_string_equal(plan_confirm_word(&p.steps[1]), "local");
	assert_string_equal(plan_confirm_word(st), "datacenter-1");
	/* 4m + 3m + 2m. */
	assert_int_equal(p.total_ms, 9 * 60000);
	plan_free(&p);
}

/* A step list made here: a built-in described per site, and an unknown action reported. */
static void test_plan_made_up_scenario(void **state)
{
	const struct catalog *cat = &((struct fixture *)*state)->cat;
	const struct site *primary = conf_primary(&cat->cf), *dr = conf_dr(&cat->cf);
	static const char file[] = "made-up.yml";
	struct srcstr steps[] = {
	    {(char *)"verify_backups", {file, 3, 9}},
	    {(char *)"no_such_action", {file, 4, 9}},
	    {(char *)"promote_standby", {file, 5, 9}},
	};
	struct scenario sc = {"made up", {file, 1, 5}, steps, 3, 60000, {file, 6, 21}};
	struct plan p;
	struct diag d;
	diag_init(&d);
	assert_int_equal(plan_build(&p, cat, &sc, &d), -1);
	assert_int_equal(d.errors, 1);
	char *first = unit_first_diag(&d);
	assert_string_equal(first, "made-up.yml:4:9: error: unknown action 'no_such_action'");
	free(first);
	assert_int_equal(p.n, 2);
	check_target(&p.steps[0], "verify_backups", 0, primary,
	             "pg_restore --list on the newest db_backup_*.dump in /backup", NULL);
	check_target(&p.steps[0], "verify_backups", 1, dr,
	             "pg_restore --list on the newest backup in (no backups: dir)", NULL);
	assert_string_equal(p.steps[1].action->name, "promote_standby");
	assert_int_equal(p.total_ms, 2 * 60000 + 3 * 60000);
	plan_free(&p);
	diag_free(&d);
}

/* plan_builtin_text describes every built-in, naming the site's database where it acts. */
static void test_plan_builtin_text(void **state)
{
	const struct catalog *cat = &((struct fixture *)*state)->cat;
	const struct site *primary = conf_primary(&cat->cf);
	const struct action *a = action_find(&cat->actions, "promote_standby");
	static const struct {
		const char *builtin;
		const char *text;
	} cases[] = {
	    {"writable", "a write in a temporary table succeeds on erp_chatbot"},
	    {"restore_test", "restore the newest backup into a scratch database and check it"},
	    {"fence", "stop PostgreSQL (pg_ctl stop -m fast); if the site cannot be reached, "
	              "the operator attests it is down"},
	    {"service_check", "run each configured service check (1)"},
	    {"backup_verify", "pg_restore --list on the newest db_backup_*.dump in /backup"},
	    {"site_health", "SSH reachable, PostgreSQL up, disk and load within limits"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = plan_builtin_text(cat, a, primary, cases[i].builtin);
		assert_string_equal(s, cases[i].text);
		free(s);
	}
	char *s = plan_builtin_text(cat, a, NULL, "writable");
	assert_string_equal(s, "a write in a temporary table succeeds on ?");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_database_failure),
	    cmocka_unit_test(test_plan_datacenter_failure),
	    cmocka_unit_test(test_plan_network_failure),
	    cmocka_unit_test(test_plan_made_up_scenario),
	    cmocka_unit_test(test_plan_builtin_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
