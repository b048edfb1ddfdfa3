/*
 * drconsole check: loads the config and everything it names, or the files
 * given, and reports every problem as FILE:LINE:COL. On success it prints a
 * short summary of what was loaded, so a typo in a site name shows up here and
 * not at 3 a.m.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "duration.h"
#include "filekind.h"
#include "sshconfig.h"
#include "sshjump.h"
#include "textout.h"
#include "utf8.h"
#include "xmalloc.h"

static const char check_usage[] =
	N_("Usage: drconsole check [-c FILE] [FILE...]\n"
	"\n"
	"Without FILE: load the config and everything it refers to (actions,\n"
	"scenarios, drills, test schedule, layouts), cross-check them, and print a\n"
	"summary. With FILEs: check each file on its own; its kind is told by its\n"
	"top-level key (sites:, scenarios:, actions:, drills:, tests:, layout:,\n"
	"kind: ConfigMap); a config file is checked with everything it refers to.\n"
	"\n"
	"Problems print as FILE:LINE:COL: error: message (or warning:).\n"
	"Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error.\n");

/* Prints the sites and the DR settings. */
static void check_print_sites(const struct conf *cf)
{
	for (size_t i = 0; i < cf->n_sites; i++) {
		const struct site *s = &cf->sites[i];
		const char *role = s == conf_primary(cf) ? "primary" : s == conf_dr(cf) ? "dr" : "-";
		textout_printf(stdout, "%-11s%s (%s): ssh %s%s%s", i == 0 ? "sites" : "", s->name,
		               role, s->ssh.user ? s->ssh.user : "", s->ssh.user ? "@" : "",
		               s->ssh.host);
		if (s->ssh.port)
			textout_printf(stdout, ":%ld", s->ssh.port);
		if (s->ssh.jump)
			textout_printf(stdout, " via %s", s->ssh.jump);
		textout_printf(stdout, ", postgres %ld/%s%s", s->pg.port, s->pg.dbname,
		               s->pg.via == PG_VIA_DIRECT ? " (direct)" : "");
		if (s->backups.dir)
			textout_printf(stdout, ", backups %s", s->backups.dir);
		textout_printf(stdout, ", %zu service check%s\n", s->n_services,
		               s->n_services == 1 ? "" : "s");
	}
	char *budget = duration_format(cf->dr.sync_interval_ms);
	textout_printf(stdout, _("%-11sfailover %s, lag budget %s (from %s)\n"), "dr",
	               configmap_mode_name(cf->dr.failover_mode), budget, cf->dr.source);
	free(budget);
}

/* Says, for one site and without connecting, which jump hosts reach it and who said so. */
static int check_ssh_site(const struct site *s)
{
	struct sshjump_report r;
	sshjump_report(s, &r);
	int errors = 0;
	if (r.error != NULL) {
		textout_printf(stderr, "error: site %s: %s\n", s->name, r.error);
		errors = 1;
	} else if (r.jump == NULL) {
		char *user = sshconfig_user_file();
		textout_printf(stdout, _("%-11s%s: no jump host (no ProxyJump for %s in %s)\n"), "ssh",
		               s->name, s->ssh.host,
		               s->ssh.config ? s->ssh.config : user);
		free(user);
	} else {
		size_t hops = 1;
		for (const char *c = r.jump; *c != '\0'; c++)
			hops += *c == ',';
		int from_yml = strcmp(r.origin, "ssh.jump") == 0;
		textout_printf(stdout,
		               hops == 1 ? _("%-11s%s: %zu jump host %s, from %s%s\n")
		                         : _("%-11s%s: %zu jump hosts %s, from %s%s\n"),
		               "ssh", s->name, hops, r.jump, from_yml ? "" : _("the ProxyJump at "),
		               from_yml ? _("ssh.jump in the config") : r.origin);
	}
	if (r.note != NULL)
		textout_printf(stdout, "%-11s%s: %s\n", "ssh", s->name, r.note);
	sshjump_report_free(&r);
	return errors;
}

/* Reports how each site is reached over ssh (its jump hosts); returns the errors. */
static size_t check_ssh_configs(const struct conf *cf)
{
	size_t errors = 0;
	for (size_t i = 0; i < cf->n_sites; i++)
		errors += (size_t)check_ssh_site(&cf->sites[i]);
	return errors;
}

/* Tells whether a scenario names an action. */
static int check_action_used(const struct catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->scenarios.n; i++)
		for (size_t k = 0; k < cat->scenarios.items[i].n_steps; k++)
			if (strcmp(cat->scenarios.items[i].steps[k].text, name) == 0)
				return 1;
	return 0;
}

/*
 * Says, as info, which manual steps the scenarios use that the config does
 * not override: advice for the configuration, given here and not on the
 * runbook at 3 a.m., where a manual step says only what to do.
 */
static void check_print_manual(const struct catalog *cat)
{
	for (size_t i = 0; i < cat->actions.n; i++) {
		const struct action *a = &cat->actions.items[i];
		if (a->kind == ACTION_MANUAL && !a->overridden && check_action_used(cat, a->name))
			textout_printf(stdout,
			               _("%-11s%s is a manual step: to have drconsole run it, give it "
			               "run: under actions: in %s\n"),
			               "info", a->name, cat->cf.file);
	}
}

/* Prints the summary of a loaded catalog. */
static void check_print_summary(const struct catalog *cat)
{
	size_t overridden = 0;
	textout_printf(stdout, "%-11s%s\n", "config", cat->cf.file);
	check_print_sites(&cat->cf);
	for (size_t i = 0; i < cat->actions.n; i++)
		overridden += cat->actions.items[i].overridden;
	textout_printf(stdout, _("%-11s%zu (%zu from the config)\n"), "actions", cat->actions.n,
	               overridden);
	check_print_manual(cat);
	textout_printf(stdout, _("%-11s%zu in %s\n"), "scenarios", cat->scenarios.n,
	               cat->scenarios.file);
	for (size_t i = 0; i < cat->scenarios.n; i++) {
		const struct scenario *sc = &cat->scenarios.items[i];
		char *est = duration_format(sc->estimated_ms);
		char *sum = duration_format(catalog_scenario_estimate(cat, sc));
		textout_printf(stdout, "%11s%zu. ", "", i + 1);
		textout_padded(stdout, sc->name, 22);
		textout_printf(stdout, _(" %zu steps, estimated %s (steps %s)\n"), sc->n_steps, est,
		               sum);
		free(est);
		free(sum);
	}
	textout_printf(stdout, _("%-11s%zu in %s\n"), "drills", cat->drills.n, cat->drills.file);
	for (size_t i = 0; i < cat->drills.n; i++) {
		textout_printf(stdout, "%11s%zu. ", "", i + 1);
		textout_padded(stdout, cat->drills.items[i].scenario, 22);
		textout_printf(stdout, _(" %zu steps\n"), cat->drills.items[i].n_steps);
	}
	textout_printf(stdout, _("%-11s%zu in %s\n"), "tests", cat->schedule.n, cat->schedule.file);
	for (size_t i = 0; i < cat->schedule.n; i++) {
		const struct schedule_test *t = &cat->schedule.items[i];
		char *dur = duration_format(t->duration_ms);
		textout_printf(stdout, "%11s%zu. ", "", i + 1);
		textout_padded(stdout, t->name, 30);
		textout_printf(stdout, _(" %s, %s, %zu participant%s\n"),
		               schedule_freq_name(t->frequency),
		               t->duration_ms ? dur : _("duration not given"), t->n_participants,
		               t->n_participants == 1 ? "" : "s");
		free(dur);
	}
	textout_printf(stdout, _("%-11s%zu in %s:"), "layouts", cat->layouts.n, cat->cf.layouts_dir);
	for (size_t i = 0; i < cat->layouts.n; i++)
		textout_printf(stdout, "%s %s (%dx%d)", i ? "," : "", cat->layouts.items[i].name,
		               cat->layouts.items[i].min_w, cat->layouts.items[i].min_h);
	textout_printf(stdout, "\n");
}

/* Checks one file on its own; returns the number of errors. */
static size_t check_file(const char *file)
{
	struct diag d, probe;
	struct catalog cat;
	diag_init(&d);
	diag_init(&probe);
	enum filekind k = filekind_detect(file, &probe);
	if (k == FILEKIND_UNKNOWN) {
		diag_print(&probe, stderr);
		size_t errors = probe.errors;
		diag_free(&probe);
		return errors;
	}
	diag_free(&probe);
	if (k == FILEKIND_CONFIG) {
		int rc = cli_load_catalog(file, &cat, 0);
		catalog_free(&cat);
		return rc == 0 ? 0 : 1;
	}
	union {
		struct dr_settings dr;
		struct scenario_set sc;
		struct action_set ac;
		struct drill_set dl;
		struct schedule_set sd;
		struct layout ly;
	} u;
	memset(&u, 0, sizeof u);
	switch (k) {
	case FILEKIND_CONFIGMAP:
		configmap_load(&u.dr, file, &d);
		configmap_free(&u.dr);
		break;
	case FILEKIND_SCENARIOS:
		scenario_load(&u.sc, file, &d);
		scenario_free(&u.sc);
		break;
	case FILEKIND_ACTIONS:
		action_load(&u.ac, file, &d);
		action_free(&u.ac);
		break;
	case FILEKIND_DRILLS:
		drill_load(&u.dl, file, &d);
		drill_free(&u.dl);
		break;
	case FILEKIND_SCHEDULE:
		schedule_load(&u.sd, file, &d);
		schedule_free(&u.sd);
		break;
	default:
		layout_load(&u.ly, file, &d);
		layout_free(&u.ly);
		break;
	}
	diag_sort(&d);
	diag_print(&d, stderr);
	size_t errors = d.errors;
	if (errors == 0)
		textout_printf(stdout, "%s: %s, OK\n", file, filekind_name(k));
	diag_free(&d);
	return errors;
}

/* Runs "drconsole check". */
int cmd_check(int argc, char **argv)
{
	const char *config = NULL;
	int rc = cli_parse_options(argc, argv, check_usage, &config);
	if (rc != CLI_PARSED)
		return rc;
	if (optind < argc) {
		if (config != NULL) {
			cli_usage_error(_("check: give either -c FILE or files to check, not both"));
			return CLI_EXIT_USAGE;
		}
		size_t errors = 0;
		for (int i = optind; i < argc; i++)
			errors += check_file(argv[i]);
		return errors ? 1 : 0;
	}
	struct catalog cat;
	rc = cli_load_catalog(config, &cat, 0);
	if (rc == 0)
		check_print_summary(&cat);
	if (rc == 0 && check_ssh_configs(&cat.cf) > 0)
		rc = 1;
	catalog_free(&cat);
	return rc == 0 ? 0 : 1;
}
