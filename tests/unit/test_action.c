/*
 * Tests of core/action.c: the shipped scenarios/actions.yml loads cleanly and
 * defines every action the seed's scenarios name, with the fields an operator
 * relies on; malformed definitions are reported at their exact positions; and
 * the deployment's overrides (drconsole.yml "actions:") change, replace or add
 * actions, with the merged result validated.
 */
#include "config.h"

#include "unit.h"

#include "action.h"
#include "scenario.h"
#include "yfield.h"

/* The name the overrides are read under; it must outlive the action set. */
static const char override_file[] = "drconsole.yml";

/* A loaded action file with its diagnostics. */
struct loaded {
	char *file;
	struct action_set set;
	struct diag d;
	int rc;
};

/* Returns the path of a file in the source tree's scenarios folder. */
static char *seed_path(const char *name)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	return xasprintf("%s/scenarios/%s", top, name);
}

/* Loads the shipped action library, failing on any diagnostic. */
static void load_shipped(struct loaded *l)
{
	diag_init(&l->d);
	l->file = seed_path("actions.yml");
	l->rc = action_load(&l->set, l->file, &l->d);
	if (l->d.n != 0) {
		diag_print(&l->d, stderr);
		fail_msg("the shipped actions.yml has %zu diagnostics", l->d.n);
	}
	assert_int_equal(l->rc, 0);
}

/* Writes text to a temporary file and loads it as an action library. */
static void load_text(struct loaded *l, const char *text)
{
	diag_init(&l->d);
	l->file = unit_write_file(text);
	l->rc = action_load(&l->set, l->file, &l->d);
}

/* Frees a loaded library (and removes a temporary file). */
static void loaded_done(struct loaded *l, int remove_file)
{
	action_free(&l->set);
	diag_free(&l->d);
	if (remove_file)
		unlink(l->file);
	free(l->file);
}

/* Fails unless the only diagnostic is an error in the file at line:col reading exactly msg. */
static void expect_only(const struct loaded *l, int line, int col, const char *msg)
{
	unit_expect_only(&l->d, l->rc, l->file, line, col, msg);
}

/* Fails unless an error at line:col in file reads exactly msg. */
static void expect_error(const struct diag *d, const char *file, int line, int col,
			 const char *msg)
{
	unit_expect_error(d, file, line, col, msg, 1);
}

/* Loads a one-action library: text is the body of action "a" (indented by four). */
static void load_action(struct loaded *l, const char *body)
{
	char *text = xasprintf("actions:\n  a:\n%s", body);
	load_text(l, text);
	free(text);
}

/* The shipped library defines every action the seed's recovery-scenarios.yml names. */
static void test_action_shipped_covers_scenarios(void **state)
{
	(void)state;
	static const char *const named[] = {
		"check_datacenter_health", "activate_dr_site",       "update_dns",
		"verify_services",         "verify_replication_status", "promote_standby",
		"update_connection_string", "verify_data_integrity", "activate_backup_network",
		"update_routing_tables",   "verify_connectivity",
	};
	struct loaded l;
	load_shipped(&l);
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (action_find(&l.set, named[i]) == NULL)
			fail_msg("actions.yml does not define '%s'", named[i]);

	/* And, read from the seed file itself, every step of every scenario. */
	struct scenario_set sc;
	struct diag d;
	diag_init(&d);
	char *file = seed_path("recovery-scenarios.yml");
	assert_int_equal(scenario_load(&sc, file, &d), 0);
	size_t steps = 0;
	for (size_t i = 0; i < sc.n; i++)
		for (size_t j = 0; j < sc.items[i].n_steps; j++, steps++)
			if (action_find(&l.set, sc.items[i].steps[j].text) == NULL)
				fail_msg("scenario '%s' names '%s', which actions.yml lacks",
					 sc.items[i].name, sc.items[i].steps[j].text);
	assert_int_equal(steps, 11);
	scenario_free(&sc);
	diag_free(&d);
	free(file);

	/* Every shipped action is complete. */
	for (size_t i = 0; i < l.set.n; i++) {
		const struct action *a = &l.set.items[i];
		assert_non_null(a->title);
		assert_true(a->has_site);
		assert_int_not_equal(a->kind, ACTION_NONE);
		assert_true(a->estimate_ms > 0);
		assert_true(a->timeout_ms > 0);
		assert_false(a->overridden);
		if (a->kind == ACTION_MANUAL)
			assert_non_null(a->description);
	}
	assert_null(action_find(&l.set, "promote"));
	assert_null(action_find(&l.set, ""));
	loaded_done(&l, 0);
}

/* The fields of the shipped actions an operator relies on most. */
static void test_action_shipped_fields(void **state)
{
	(void)state;
	struct loaded l;
	load_shipped(&l);
	assert_int_equal(l.set.n, 19); /* 11 for the scenarios, 3 for the drills, 5 for the failback */

	const struct action *a = action_find(&l.set, "promote_standby");
	assert_non_null(a);
	assert_string_equal(a->title, "Promote the DR standby to primary");
	assert_int_equal(a->site, ACTION_SITE_DR);
	assert_int_equal(a->kind, ACTION_BUILTIN);
	assert_string_equal(a->builtin, "promote");
	assert_null(a->run);
	assert_int_equal(a->n_guards, 2);
	assert_string_equal(a->guards[0], "primary_fenced");
	assert_string_equal(a->guards[1], "standby_caught_up");
	assert_int_equal(a->confirm, CONFIRM_TYPED);
	assert_string_equal(a->check, "writable");
	assert_true(a->check_builtin);
	assert_int_equal(a->timeout_ms, 90000);
	assert_int_equal(a->estimate_ms, 180000);
	assert_ptr_equal(a->pos.file, l.set.file);

	a = action_find(&l.set, "activate_dr_site");
	assert_int_equal(a->site, ACTION_SITE_DR);
	assert_string_equal(a->builtin, "promote");
	assert_int_equal(a->confirm, CONFIRM_TYPED);
	assert_int_equal(a->n_guards, 2);
	assert_string_equal(a->guards[0], "primary_unreachable");

	a = action_find(&l.set, "check_datacenter_health");
	assert_int_equal(a->site, ACTION_SITE_DR);
	assert_string_equal(a->builtin, "site_health");
	assert_int_equal(a->n_guards, 1);
	assert_string_equal(a->guards[0], "primary_unreachable");
	assert_int_equal(a->confirm, CONFIRM_NONE);
	assert_int_equal(a->timeout_ms, 30000);
	assert_int_equal(a->estimate_ms, 120000);
	assert_non_null(strstr(a->description, "{{primary.name}}"));

	a = action_find(&l.set, "verify_replication_status");
	assert_int_equal(a->site, ACTION_SITE_DR);
	assert_string_equal(a->builtin, "replication_check");
	assert_null(a->check);

	a = action_find(&l.set, "verify_connectivity");
	assert_int_equal(a->site, ACTION_SITE_BOTH);
	assert_string_equal(a->check, "replication_check");
	assert_true(a->check_builtin);

	/* Deployment-specific steps are manual, confirmed by marking them done. */
	a = action_find(&l.set, "update_dns");
	assert_int_equal(a->site, ACTION_SITE_LOCAL);
	assert_int_equal(a->kind, ACTION_MANUAL);
	assert_null(a->builtin);
	assert_null(a->run);
	assert_int_equal(a->confirm, CONFIRM_NONE);
	assert_int_equal(a->timeout_ms, 60000);
	assert_int_equal(a->estimate_ms, 600000);
	assert_string_equal(a->description,
			    "Change the service's DNS record to the DR site {{dr.name}} "
			    "({{dr.host}}).");
	a = action_find(&l.set, "update_connection_string");
	assert_int_equal(a->kind, ACTION_MANUAL);
	assert_int_equal(a->site, ACTION_SITE_LOCAL);

	assert_string_equal(action_site_name(ACTION_SITE_PRIMARY), "primary");
	assert_string_equal(action_site_name(ACTION_SITE_DR), "dr");
	assert_string_equal(action_site_name(ACTION_SITE_BOTH), "both");
	assert_string_equal(action_site_name(ACTION_SITE_LOCAL), "local");
	assert_string_equal(action_confirm_name(CONFIRM_NONE), "none");
	assert_string_equal(action_confirm_name(CONFIRM_KEY), "key");
	assert_string_equal(action_confirm_name(CONFIRM_TYPED), "typed");
	assert_true(action_is_builtin("promote"));
	assert_true(action_is_builtin("fence"));
	assert_false(action_is_builtin("pg_promote"));
	assert_false(action_is_builtin("Promote"));
	assert_true(action_is_guard("primary_fenced"));
	assert_true(action_is_guard("backup_fresh"));
	assert_false(action_is_guard("standby_in_sync"));
	loaded_done(&l, 0);
}

/* A run: action gets the documented defaults: confirm by key, a 60 s timeout. */
static void test_action_defaults(void **state)
{
	(void)state;
	struct loaded l;
	load_action(&l, "    title: Switch DNS\n"
			"    site: primary\n"
			"    run: \"/usr/local/sbin/dr-dns-switch {{dr.name}}\"\n"
			"    estimate: 2m\n");
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.d.n, 0);
	const struct action *a = action_find(&l.set, "a");
	assert_int_equal(a->kind, ACTION_RUN);
	assert_string_equal(a->run, "/usr/local/sbin/dr-dns-switch {{dr.name}}");
	assert_int_equal(a->run_pos.line, 5);
	assert_int_equal(a->run_pos.col, 10);
	assert_int_equal(a->confirm, CONFIRM_KEY);
	assert_int_equal(a->timeout_ms, 60000);
	assert_int_equal(a->n_guards, 0);
	assert_int_equal(a->pos.line, 3);
	assert_int_equal(a->pos.col, 5);
	loaded_done(&l, 1);
}

/* builtin:, run: and manual: exclude each other. */
static void test_action_builtin_and_run(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "actions:\n"
		      "  promote_standby:\n"
		      "    title: Promote the DR standby\n"
		      "    site: dr\n"
		      "    builtin: promote\n"
		      "    run: \"pg_ctl promote\"\n"
		      "    estimate: 3m\n");
	expect_only(&l, 6, 5,
		    "action 'promote_standby' gives both 'builtin' and 'run': use exactly one of "
		    "builtin, run or manual");
	loaded_done(&l, 1);

	load_action(&l, "    title: t\n"
			"    site: local\n"
			"    manual: true\n"
			"    run: \"true\"\n"
			"    description: d\n"
			"    estimate: 1m\n");
	expect_only(&l, 5, 5,
		    "action 'a' gives both 'run' and 'manual': use exactly one of builtin, run "
		    "or manual");
	loaded_done(&l, 1);

	load_action(&l, "    title: t\n"
			"    site: dr\n"
			"    estimate: 1m\n");
	expect_only(&l, 2, 3, "action 'a' does nothing: give builtin, run or manual: true");
	loaded_done(&l, 1);
}

/* Unknown built-ins and guards are refused at the value, listing the known ones. */
static void test_action_unknown_names(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "actions:\n"
		      "  promote_standby:\n"
		      "    title: Promote the DR standby\n"
		      "    site: dr\n"
		      "    builtin: promote_now\n"
		      "    estimate: 3m\n");
	expect_only(&l, 5, 14,
		    "unknown built-in 'promote_now' (known: replication_check, promote, writable, "
		    "data_loss, backup_verify, restore_test, fence, site_health, service_check, "
		    "rebuild_standby, stop_writes, lift_fence, promote_back)");
	loaded_done(&l, 1);

	load_text(&l, "actions:\n"
		      "  promote_standby:\n"
		      "    title: Promote the DR standby\n"
		      "    site: dr\n"
		      "    builtin: promote\n"
		      "    guards: [primary_fenced, standby_in_sync]\n"
		      "    estimate: 3m\n");
	expect_only(&l, 6, 30,
		    "unknown guard 'standby_in_sync' (known: primary_fenced, primary_unreachable, "
		    "standby_caught_up, standby_streaming, dr_reachable, primary_reachable, "
		    "backup_fresh, backup_proven, dr_writable, primary_writable, dr_stopped)");
	loaded_done(&l, 1);
}

/* A built-in runs only on the sites it can act on. */
static void test_action_builtin_site(void **state)
{
	(void)state;
	struct loaded l;
	load_action(&l, "    title: Promote\n"
			"    site: primary\n"
			"    builtin: promote\n"
			"    estimate: 3m\n");
	expect_only(&l, 2, 3, "built-in 'promote' cannot run on site 'primary'");
	loaded_done(&l, 1);

	load_action(&l, "    title: Fence\n"
			"    site: dr\n"
			"    builtin: fence\n"
			"    estimate: 1m\n");
	expect_only(&l, 2, 3, "built-in 'fence' cannot run on site 'dr'");
	loaded_done(&l, 1);

	load_action(&l, "    title: Promote both\n"
			"    site: both\n"
			"    builtin: promote\n"
			"    estimate: 1m\n");
	expect_only(&l, 2, 3, "built-in 'promote' cannot run on site 'both'");
	loaded_done(&l, 1);

	load_action(&l, "    title: Fence\n"
			"    site: primary\n"
			"    builtin: fence\n"
			"    check: promote\n"
			"    estimate: 1m\n");
	expect_only(&l, 6, 12, "built-in 'promote' acts, it cannot be used as a check");
	loaded_done(&l, 1);
}

/* A manual step needs instructions, and manual: false means nothing. */
static void test_action_manual(void **state)
{
	(void)state;
	struct loaded l;
	load_action(&l, "    title: Call the service desk\n"
			"    site: local\n"
			"    manual: true\n"
			"    estimate: 5m\n");
	expect_only(&l, 2, 3,
		    "manual action 'a' needs a 'description' telling the operator what to do");
	loaded_done(&l, 1);

	load_action(&l, "    title: Call the service desk\n"
			"    site: local\n"
			"    manual: false\n"
			"    description: Call them.\n"
			"    estimate: 5m\n");
	expect_only(&l, 5, 13, "key 'manual: false' means nothing: give builtin or run instead");
	loaded_done(&l, 1);

	load_action(&l, "    title: Call the service desk\n"
			"    site: local\n"
			"    manual: maybe\n"
			"    description: Call them.\n"
			"    estimate: 5m\n");
	expect_only(&l, 5, 13, "key 'manual' must be true or false, not 'maybe'");
	loaded_done(&l, 1);

	load_action(&l, "    title: Call the service desk\n"
			"    site: local\n"
			"    manual: yes\n"
			"    description: Call them.\n"
			"    estimate: 5m\n");
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.set.items[0].kind, ACTION_MANUAL);
	assert_int_equal(l.set.items[0].confirm, CONFIRM_NONE);
	loaded_done(&l, 1);
}

/* title, site and estimate are required; all three are reported at the action. */
static void test_action_missing_fields(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "actions:\n"
		      "  update_routing_tables:\n"
		      "    description: Route over the backup path.\n"
		      "    manual: true\n");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.errors, 3);
	expect_error(&l.d, l.file, 2, 3, "action 'update_routing_tables' has no 'title'");
	expect_error(&l.d, l.file, 2, 3,
		     "action 'update_routing_tables' has no 'site' (primary, dr, both or local)");
	expect_error(&l.d, l.file, 2, 3,
		     "action 'update_routing_tables' has no 'estimate' (how long the step takes)");
	loaded_done(&l, 1);
}

/* Other malformed fields, each at its value. */
static void test_action_bad_fields(void **state)
{
	(void)state;
	struct loaded l;
	load_action(&l, "    title: t\n"
			"    site: remote\n"
			"    builtin: writable\n"
			"    estimate: 1m\n");
	assert_int_equal(l.rc, -1);
	expect_error(&l.d, l.file, 4, 11,
		     "key 'site' is 'remote', expected one of: primary, dr, both, local");
	expect_error(&l.d, l.file, 2, 3, "action 'a' has no 'site' (primary, dr, both or local)");
	assert_int_equal(l.d.errors, 2);
	loaded_done(&l, 1);

	load_action(&l, "    title: t\n"
			"    site: dr\n"
			"    builtin: writable\n"
			"    confirm: yes\n"
			"    timeout: 0s\n"
			"    estimate: 1m\n");
	assert_int_equal(l.rc, -1);
	expect_error(&l.d, l.file, 6, 14,
		     "key 'confirm' is 'yes', expected one of: none, key, typed");
	expect_error(&l.d, l.file, 7, 14, "key 'timeout' must be more than zero");
	assert_int_equal(l.d.errors, 2);
	loaded_done(&l, 1);

	load_action(&l, "    title: t\n"
			"    site: dr\n"
			"    run: \"\"\n"
			"    estimate: 1m\n");
	expect_only(&l, 5, 10, "key 'run' is empty");
	loaded_done(&l, 1);

	load_action(&l, "    title: Switch DNS\n"
			"    site: dr\n"
			"    run: \"dns-switch --zone erp '{{dr.name}}'\"\n"
			"    estimate: 2m\n");
	expect_only(&l, 5, 10,
		    "action 'a': placeholder {{dr.name}} is inside single quotes: drconsole "
		    "quotes every value itself, so write it without quotes");
	loaded_done(&l, 1);

	load_action(&l, "    title: t\n"
			"    site: dr\n"
			"    builtin: writable\n"
			"    check: \"test -f '/run/{{x'\"\n"
			"    estimate: 1m\n");
	expect_only(&l, 6, 12, "action 'a': '{{' without a closing '}}'");
	loaded_done(&l, 1);

	load_action(&l, "    title: t\n"
			"    site: dr\n"
			"    builtin: writable\n"
			"    sites: dr\n"
			"    estimate: 1m\n");
	expect_only(&l, 6, 5,
		    "unknown key 'sites' in action 'a' (expected one of: title, description, "
		    "site, builtin, run, manual, guards, check, confirm, timeout, estimate)");
	loaded_done(&l, 1);

	load_text(&l, "actions:\n  a: pg_ctl promote\n");
	expect_only(&l, 2, 6, "action 'a' must be a mapping (key: value lines), not a string");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l, 1);

	load_text(&l, "actions:\n  - a\n");
	expect_only(&l, 2, 3, "key 'actions' must be a mapping (key: value lines), not a list");
	loaded_done(&l, 1);
}

/* Parses an overrides document and applies its "actions" mapping. */
static int apply(struct action_set *set, const char *text, struct diag *d)
{
	struct ydoc doc;
	assert_int_equal(yaml_doc_parse(&doc, override_file, text, strlen(text), d), 0);
	int rc = action_apply_overrides(set, override_file, yfield_get(doc.root, "actions"), d);
	yaml_doc_free(&doc);
	return rc;
}

/* Overrides change fields, replace how an action acts, and add complete actions. */
static void test_action_overrides(void **state)
{
	(void)state;
	struct loaded l;
	load_shipped(&l);
	size_t before = l.set.n;
	int rc = apply(&l.set,
		       "actions:\n"
		       "  promote_standby:\n"
		       "    run: \"/usr/local/bin/promote {{site.name}}\"\n"
		       "  update_dns:\n"
		       "    site: dr\n"
		       "    run: \"/usr/local/sbin/dr-dns-switch {{site.dr.name}}\"\n"
		       "  update_routing_tables:\n"
		       "    site: primary\n"
		       "    run: /usr/local/sbin/route-backup\n"
		       "    description: Routes now go over the backup link.\n"
		       "  activate_backup_network:\n"
		       "    estimate: 6m\n"
		       "  verify_services:\n"
		       "    builtin: service_check\n"
		       "    estimate: 7m\n"
		       "  notify_service_desk:\n"
		       "    title: Tell the service desk\n"
		       "    site: local\n"
		       "    manual: true\n"
		       "    description: Call the service desk.\n"
		       "    estimate: 1m\n",
		       &l.d);
	if (l.d.n != 0)
		diag_print(&l.d, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.set.n, before + 1);

	/* run: replaces the built-in; the rest of the library's definition stays. */
	const struct action *a = action_find(&l.set, "promote_standby");
	assert_int_equal(a->kind, ACTION_RUN);
	assert_null(a->builtin);
	assert_string_equal(a->run, "/usr/local/bin/promote {{site.name}}");
	assert_ptr_equal(a->run_pos.file, override_file);
	assert_int_equal(a->run_pos.line, 3);
	assert_int_equal(a->run_pos.col, 10);
	assert_true(a->overridden);
	assert_string_equal(a->title, "Promote the DR standby to primary");
	assert_int_equal(a->site, ACTION_SITE_DR);
	assert_int_equal(a->n_guards, 2);
	assert_int_equal(a->confirm, CONFIRM_TYPED);
	assert_string_equal(a->check, "writable");
	assert_int_equal(a->estimate_ms, 180000);

	/* A manual step turned into a command loses the instructions written for a person. */
	a = action_find(&l.set, "update_dns");
	assert_int_equal(a->kind, ACTION_RUN);
	assert_int_equal(a->site, ACTION_SITE_DR);
	assert_null(a->description);
	assert_string_equal(a->run, "/usr/local/sbin/dr-dns-switch {{site.dr.name}}");
	assert_true(a->overridden);

	/* ... unless the override writes its own. */
	a = action_find(&l.set, "update_routing_tables");
	assert_int_equal(a->kind, ACTION_RUN);
	assert_string_equal(a->description, "Routes now go over the backup link.");

	/* Changing only the estimate keeps the library's way and its instructions. */
	a = action_find(&l.set, "activate_backup_network");
	assert_int_equal(a->kind, ACTION_MANUAL);
	assert_int_equal(a->estimate_ms, 360000);
	assert_non_null(a->description);
	assert_true(a->overridden);
	a = action_find(&l.set, "verify_services");
	assert_int_equal(a->kind, ACTION_BUILTIN);
	assert_string_equal(a->builtin, "service_check");
	assert_int_equal(a->estimate_ms, 420000);

	/* A complete new action is added. */
	a = action_find(&l.set, "notify_service_desk");
	assert_non_null(a);
	assert_int_equal(a->kind, ACTION_MANUAL);
	assert_true(a->overridden);
	assert_ptr_equal(a->pos.file, override_file);
	assert_int_equal(a->pos.line, 17);

	/* What was not overridden is untouched. */
	a = action_find(&l.set, "verify_replication_status");
	assert_false(a->overridden);
	assert_int_equal(a->kind, ACTION_BUILTIN);

	assert_int_equal(action_apply_overrides(&l.set, override_file, NULL, &l.d), 0);
	loaded_done(&l, 0);
}

/* A new action must be complete; an override may not break a library action. */
static void test_action_overrides_bad(void **state)
{
	(void)state;
	struct loaded l;
	load_shipped(&l);
	int rc = apply(&l.set,
		       "actions:\n"
		       "  new_step:\n"
		       "    run: \"true\"\n"
		       "  promote_standby:\n"
		       "    site: primary\n"
		       "  update_dns:\n"
		       "    manual: false\n"
		       "  activate_dr_site: promote\n",
		       &l.d);
	assert_int_equal(rc, -1);
	expect_error(&l.d, override_file, 2, 3, "action 'new_step' has no 'title'");
	expect_error(&l.d, override_file, 2, 3,
		     "action 'new_step' has no 'site' (primary, dr, both or local)");
	expect_error(&l.d, override_file, 2, 3,
		     "action 'new_step' has no 'estimate' (how long the step takes)");
	expect_error(&l.d, override_file, 4, 3, "built-in 'promote' cannot run on site 'primary'");
	expect_error(&l.d, override_file, 7, 13,
		     "key 'manual: false' means nothing: give builtin or run instead");
	expect_error(&l.d, override_file, 8, 21,
		     "action 'activate_dr_site' must be a mapping (key: value lines), not a "
		     "string");
	assert_int_equal(l.d.errors, 6);
	assert_true(action_find(&l.set, "promote_standby")->overridden);
	/* update_dns stays the manual step it was. */
	assert_int_equal(action_find(&l.set, "update_dns")->kind, ACTION_MANUAL);
	assert_non_null(action_find(&l.set, "update_dns")->description);
	assert_false(action_find(&l.set, "activate_dr_site")->overridden);
	loaded_done(&l, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_shipped_covers_scenarios),
		cmocka_unit_test(test_action_shipped_fields),
		cmocka_unit_test(test_action_defaults),
		cmocka_unit_test(test_action_builtin_and_run),
		cmocka_unit_test(test_action_unknown_names),
		cmocka_unit_test(test_action_builtin_site),
		cmocka_unit_test(test_action_manual),
		cmocka_unit_test(test_action_missing_fields),
		cmocka_unit_test(test_action_bad_fields),
		cmocka_unit_test(test_action_overrides),
		cmocka_unit_test(test_action_overrides_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
