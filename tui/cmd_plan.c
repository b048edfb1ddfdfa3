/*
 * drconsole plan SCENARIO: the steps of a scenario as they would run against
 * this deployment: each step's title, site and host, the exact command after
 * placeholder substitution, guards, confirmation and estimate, then the total
 * against the scenario's estimated time. Connects nowhere and runs nothing.
 */
#include "config.h"
#include "drillrun.h"

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "duration.h"
#include "plan.h"
#include "textout.h"
#include "xmalloc.h"

static const char plan_usage[] =
    N_("Usage: drconsole plan [SCENARIO] [-c FILE]\n"
    "\n"
    "Without SCENARIO: list the scenarios and the drills, with their numbers.\n"
    "Print the steps of SCENARIO (its name as written, e.g. \"데이터베이스 장애\",\n"
    "or its number in recovery-scenarios.yml, from 1), or a drill of dr-drill.yml\n"
    "(its name, e.g. \"랜섬웨어 감염\", or D1, D2, ... in file order): for each step the site and\n"
    "host it runs on, the exact command after parameter substitution (shell-quoted),\n"
    "its guards, check, confirmation and estimate; then the total against the\n"
    "scenario's estimated time. Nothing is run and nothing is connected to.\n");

/* Describes where a target runs: a site's name, role and SSH address, or this console. */
static char *plan_site_text(const struct conf *cf, const struct site *s)
{
	if (s == NULL)
		return xstrdup(_("this console (local)"));
	const char *role = s == conf_primary(cf) ? _("primary site") : _("DR site");
	if (s->ssh.port)
		return xasprintf("%s (%s, %s:%ld)", s->name, role, s->ssh.host, s->ssh.port);
	return xasprintf("%s (%s, %s)", s->name, role, s->ssh.host);
}

/* Prints how a step is confirmed. */
static void plan_print_confirm(const struct action *a, const struct plan_step *st)
{
	switch (a->confirm) {
	case CONFIRM_NONE:
		textout_printf(stdout, _("     confirm: none (runs when reached)\n"));
		break;
	case CONFIRM_KEY:
		textout_printf(stdout, _("     confirm: press Enter\n"));
		break;
	case CONFIRM_TYPED:
		if (st->n_targets > 0 && st->targets[0].site != NULL)
			textout_printf(stdout, _("     confirm: type the site's name \"%s\"\n"),
			               plan_confirm_word(st));
		else
			textout_printf(stdout, _("     confirm: type \"%s\"\n"),
			               plan_confirm_word(st));
		break;
	}
}

/* Prints one step of the plan. */
static void plan_print_step(const struct catalog *cat, size_t i, const struct plan_step *st)
{
	const struct action *a = st->action;
	char *est = duration_format(a->estimate_ms), *tmo = duration_format(a->timeout_ms);
	textout_printf(stdout, "%2zu. %s  [%s]\n", i + 1, a->title, a->name);
	if (st->n_targets == 0)
		textout_printf(stdout, _("     site:    this console (local)\n"));
	for (size_t t = 0; t < st->n_targets; t++) {
		const struct plan_target *pt = &st->targets[t];
		char *site = plan_site_text(&cat->cf, pt->site);
		textout_printf(stdout, _("     site:    %s\n"), site);
		free(site);
		if (a->kind == ACTION_RUN)
			textout_printf(stdout, _("     run:     %s\n"), pt->command);
		else if (a->kind == ACTION_BUILTIN)
			textout_printf(stdout, _("     builtin: %s: %s\n"), a->builtin, pt->command);
		if (pt->check != NULL)
			textout_printf(stdout, _("     check:   %s%s\n"),
			               a->check_builtin ? _("built-in: ") : "", pt->check);
	}
	if (a->kind == ACTION_MANUAL)
		textout_printf(stdout, _("     manual:  %s\n"),
		               st->instruction ? st->instruction : "");
	else if (st->instruction != NULL)
		textout_printf(stdout, _("     note:    %s\n"), st->instruction);
	if (a->n_guards > 0) {
		textout_printf(stdout, _("     guards: "));
		for (size_t g = 0; g < a->n_guards; g++)
			textout_printf(stdout, " %s%s", a->guards[g],
			               g + 1 < a->n_guards ? "," : "");
		textout_printf(stdout, "\n");
	}
	plan_print_confirm(a, st);
	if (a->kind == ACTION_MANUAL)
		textout_printf(stdout, _("     time:    estimate %s\n"), est);
	else
		textout_printf(stdout, _("     time:    estimate %s, timeout %s\n"), est, tmo);
	free(est);
	free(tmo);
}

/* Prints the plan's header, steps and total. */
static void plan_print(const struct catalog *cat, const struct plan *p, size_t index)
{
	const struct scenario *sc = p->scenario;
	char *est = duration_format(sc->estimated_ms), *total = duration_format(p->total_ms);
	char *budget = duration_format(cat->cf.dr.sync_interval_ms);
	if (drillrun_is_drill(cat, sc)) {
		const struct drillmap_entry *e = drillrun_entry(cat, sc);
		textout_printf(stdout, _("Drill D%zu: %s (%zu steps, estimated time %s)\n"), index,
		               sc->name, p->n, est);
		if (e != NULL && e->schedule != NULL)
			textout_printf(stdout, _("Satisfies the scheduled test: %s\n"), e->schedule);
		const struct scenario *base = drillrun_find(cat, sc->name);
		if (base != NULL && base != sc)
			textout_printf(stdout,
			               _("Steps %zu-%zu (%s) run only in a live drill; a tabletop ends "
			                 "after step %zu\n"),
			               base->n_steps + 1, sc->n_steps, e ? e->then : "?",
			               base->n_steps);
	} else if (index == 0) {
		textout_printf(stdout, _("Scenario %s (%zu steps, estimated time %s)\n"), sc->name, p->n,
		               est);
	} else {
		textout_printf(stdout, _("Scenario %zu: %s (%zu steps, estimated time %s)\n"), index,
		               sc->name, p->n, est);
	}
	textout_printf(stdout, _("Primary %s, DR %s, failover %s, lag budget %s\n\n"),
	               cat->cf.dr.primary_site, cat->cf.dr.dr_site,
	               configmap_mode_name(cat->cf.dr.failover_mode), budget);
	for (size_t i = 0; i < p->n; i++)
		plan_print_step(cat, i, &p->steps[i]);
	textout_printf(stdout, _("\nTotal: steps estimated at %s against the scenario's %s"), total,
	               est);
	if (p->total_ms > sc->estimated_ms) {
		char *over = duration_format(p->total_ms - sc->estimated_ms);
		textout_printf(stdout, _(": OVER by %s\n"), over);
		free(over);
	} else {
		char *spare = duration_format(sc->estimated_ms - p->total_ms);
		textout_printf(stdout, _(" (%s to spare)\n"), spare);
		free(spare);
	}
	free(est);
	free(total);
	free(budget);
}

/* Lists the scenarios, for an error message. */
static void plan_list_scenarios(const struct catalog *cat)
{
	textout_printf(stderr, _("Scenarios:\n"));
	for (size_t i = 0; i < cat->scenarios.n; i++)
		textout_printf(stderr, "  %zu. %s\n", i + 1, cat->scenarios.items[i].name);
	for (size_t i = 0; i < cat->own.n; i++)
		textout_printf(stderr, "  %s\n", cat->own.items[i].name);
	if (cat->drill_runs.n > 0)
		textout_printf(stderr, _("Drills:\n"));
	for (size_t i = 0; i < cat->drill_runs.n; i++)
		textout_printf(stderr, "  D%zu. %s\n", i + 1, cat->drill_runs.items[i].name);
}

/* Lists the scenarios and the drills with their numbers, for "plan" without a scenario. */
static void plan_print_catalog(const struct catalog *cat)
{
	textout_printf(stdout, _("Scenarios (%s):\n"), cat->scenarios.file);
	for (size_t i = 0; i < cat->scenarios.n; i++) {
		const struct scenario *sc = &cat->scenarios.items[i];
		char *est = duration_format(sc->estimated_ms);
		textout_printf(stdout, _("  %zu. %s  (%zu steps, estimated %s)\n"), i + 1, sc->name,
		               sc->n_steps, est);
		free(est);
	}
	for (size_t i = 0; i < cat->own.n; i++) {
		const struct scenario *sc = &cat->own.items[i];
		char *est = duration_format(sc->estimated_ms);
		textout_printf(stdout, _("%s  %s  (%zu steps, estimated %s)\n"),
		               i == 0 ? _("drconsole's own (by name):\n") : "", sc->name, sc->n_steps,
		               est);
		free(est);
	}
	if (cat->drills.file != NULL) {
		textout_printf(stdout, _("Drills (%s):\n"), cat->drills.file);
		for (size_t i = 0; i < cat->drills.n; i++)
			textout_printf(stdout, _("  D%zu. %s  (%zu steps)\n"), i + 1,
			               cat->drills.items[i].scenario, cat->drills.items[i].n_steps);
	}
	textout_printf(stdout, _("\nShow a scenario's steps: drconsole plan NUMBER (a drill's: D1, D2...), or its name.\n"));
}

/* Runs "drconsole plan". */
int cmd_plan(int argc, char **argv)
{
	const char *config = NULL;
	int rc = cli_parse_options(argc, argv, plan_usage, &config);
	if (rc != CLI_PARSED)
		return rc;
	if (optind + 1 < argc) {
		cli_usage_error(_("plan: give one scenario (quote a name with spaces)"));
		return CLI_EXIT_USAGE;
	}
	struct catalog cat;
	if (cli_load_catalog(config, &cat, 1) == -1) {
		catalog_free(&cat);
		return 1;
	}
	if (optind >= argc) {
		plan_print_catalog(&cat);
		catalog_free(&cat);
		return 0;
	}
	const struct scenario *sc = drillrun_find(&cat, argv[optind]);
	if (sc == NULL) {
		textout_printf(stderr, _("drconsole: plan: no scenario '%s'\n"), argv[optind]);
		plan_list_scenarios(&cat);
		catalog_free(&cat);
		return 1;
	}
	struct plan p;
	struct diag d;
	diag_init(&d);
	size_t index = drillrun_is_drill(&cat, sc) ? (size_t)(sc - cat.drill_runs.items) + 1
	               : sc >= cat.scenarios.items && sc < cat.scenarios.items + cat.scenarios.n
	                   ? (size_t)(sc - cat.scenarios.items) + 1
	                   : 0; /* drconsole's own: by name */
	rc = plan_build(&p, &cat, drillrun_live(&cat, sc), &d); /* a drill as it runs live */
	diag_print(&d, stderr);
	if (rc == 0)
		plan_print(&cat, &p, index);
	plan_free(&p);
	diag_free(&d);
	catalog_free(&cat);
	return rc == 0 ? 0 : 1;
}
