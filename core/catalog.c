/*
 * Loading everything and checking it against itself: every action a scenario
 * names exists, every {{placeholder}} in a command resolves, and a scenario's
 * steps fit in its estimated time (a warning: the plan may be optimistic), and
 * the watcher's scenario and fence command exist.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "drillrun.h"
#include "duration.h"
#include "params.h"
#include "paths.h"
#include "template.h"
#include "xmalloc.h"

/* Returns the sum of a scenario's step estimates (unknown actions count zero). */
int64_t catalog_scenario_estimate(const struct catalog *cat, const struct scenario *sc)
{
	int64_t total = 0;
	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct action *a = drillrun_action(cat, sc->steps[i].text);
		if (a != NULL)
			total += a->estimate_ms;
	}
	return total;
}

/* Checks a scenario's action names and its time budget. */
static void catalog_check_scenario(const struct catalog *cat, const struct scenario *sc,
                                   struct diag *d)
{
	int complete = 1;
	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct srcstr *st = &sc->steps[i];
		if (action_find(&cat->actions, st->text) != NULL)
			continue;
		diag_error(d, st->pos.file, st->pos.line, st->pos.col,
		           "scenario '%s' names unknown action '%s' (define it in actions.yml or "
		           "under 'actions:' in %s)",
		           sc->name, st->text, cat->cf.file);
		complete = 0;
	}
	int64_t total = catalog_scenario_estimate(cat, sc);
	if (complete && total > sc->estimated_ms) {
		char *sum = duration_format(total), *budget = duration_format(sc->estimated_ms);
		diag_warning(d, sc->estimated_pos.file, sc->estimated_pos.line,
		             sc->estimated_pos.col,
		             "the steps of scenario '%s' are estimated at %s, more than its "
		             "estimated_time of %s",
		             sc->name, sum, budget);
		free(sum);
		free(budget);
	}
}

/* Expands one template for a site, reporting a failure at pos. */
static void catalog_check_template(const struct catalog *cat, const struct action *a,
                                   const char *tmpl, enum template_mode mode,
                                   const struct srcpos *pos, const struct site *site,
                                   struct diag *d)
{
	struct params_ctx p = {&cat->cf, site};
	char err[256], *out = NULL;
	size_t off;
	if (tmpl == NULL)
		return;
	if (template_expand(tmpl, mode, params_lookup, &p, &out, err, sizeof err, &off) == 0) {
		free(out);
		return;
	}
	diag_error(d, pos->file, pos->line, pos->col, "action '%s': %s", a->name, err);
}

/* Checks every template of an action against the sites it runs on. */
static void catalog_check_action(const struct catalog *cat, const struct action *a, struct diag *d)
{
	const struct site *sites[2] = {NULL, NULL};
	if (conf_primary(&cat->cf) == NULL || conf_dr(&cat->cf) == NULL)
		return; /* without both sites nothing resolves; the config's errors say why */
	switch (a->site) {
	case ACTION_SITE_PRIMARY:
		sites[0] = conf_primary(&cat->cf);
		break;
	case ACTION_SITE_DR:
		sites[0] = conf_dr(&cat->cf);
		break;
	case ACTION_SITE_BOTH:
		sites[0] = conf_primary(&cat->cf);
		sites[1] = conf_dr(&cat->cf);
		break;
	case ACTION_SITE_LOCAL:
		break;
	}
	if (a->template_bad)
		return; /* its syntax error was reported already */
	/* Report each template once, for the first site. */
	catalog_check_template(cat, a, a->run, TEMPLATE_SHELL, &a->run_pos, sites[0], d);
	if (a->check != NULL && !a->check_builtin)
		catalog_check_template(cat, a, a->check, TEMPLATE_SHELL, &a->check_pos, sites[0],
		                       d);
	catalog_check_template(cat, a, a->description, TEMPLATE_TEXT, &a->desc_pos, sites[0], d);
}

/* Checks the first word of the fence command when it is an absolute path. */
static void catalog_check_fence(const struct conf_watch *w, struct diag *d)
{
	const char *cmd = w->fence_command + strspn(w->fence_command, " \t\n");
	if (cmd[0] != '/')
		return;
	char *prog = xstrndup(cmd, strcspn(cmd, " \t\n;|&<>"));
	if (!paths_is_file(prog))
		diag_error(d, w->fence_pos.file, w->fence_pos.line, w->fence_pos.col,
		           "key 'fence_command': '%s' does not exist or is not a file", prog);
	else if (access(prog, X_OK) != 0)
		diag_error(d, w->fence_pos.file, w->fence_pos.line, w->fence_pos.col,
		           "key 'fence_command': '%s' is not executable", prog);
	free(prog);
}

/* Checks the watch: settings against the DR settings and the scenarios. */
static void catalog_check_watch(const struct catalog *cat, struct diag *d)
{
	const struct conf *cf = &cat->cf;
	const struct conf_watch *w = &cf->watch;
	if (cf->dr.failover_mode == FAILOVER_AUTOMATIC && w->fence_command == NULL) {
		int given = w->pos.line > 0;
		diag_warning(
		    d, given ? cf->file : cf->dr.source, given ? w->pos.line : cf->dr.line,
		    given ? w->pos.col : cf->dr.col,
		    "failover_mode is automatic and watch.fence_command is not set: the "
		    "watcher can fence the old primary only by stopping PostgreSQL over SSH; "
		    "with the site unreachable it cannot fence, and will not promote");
	}
	if (w->fence_command != NULL)
		catalog_check_fence(w, d);
	const struct srcpos *at = w->scenario_pos.line > 0 ? &w->scenario_pos : &w->pos;
	if (at->line == 0 || cat->scenarios.n == 0)
		return;
	for (size_t i = 0; i < cat->scenarios.n; i++)
		if (cat->scenarios.items[i].name != NULL &&
		    strcmp(cat->scenarios.items[i].name, w->scenario) == 0)
			return;
	char *known = xstrdup("");
	for (size_t i = 0; i < cat->scenarios.n; i++) {
		char *next =
		    xasprintf("%s%s'%s'", known, i ? ", " : "",
		              cat->scenarios.items[i].name ? cat->scenarios.items[i].name : "?");
		free(known);
		known = next;
	}
	diag_error(d, at->file, at->line, at->col,
	           "%sscenario '%s' is not one of the scenarios (%s)%s",
	           at == &w->pos ? "the watcher's default " : "", w->scenario, known,
	           at == &w->pos ? "; name one with key 'scenario'" : "");
	free(known);
}

/* Returns the path of a file in the scenarios folder. */
static char *catalog_path(const struct catalog *cat, const char *name)
{
	return xasprintf("%s/%s", cat->cf.scenarios_dir, name);
}

/* Loads everything the config refers to; returns 0, or -1 with every problem in d. */
int catalog_load(struct catalog *cat, const char *config_file, struct diag *d)
{
	size_t errors = d->errors;
	char *path;

	memset(cat, 0, sizeof *cat);
	conf_load(&cat->cf, config_file, d);

	path = catalog_path(cat, "actions.yml");
	action_load(&cat->actions, path, d);
	free(path);
	action_apply_overrides(&cat->actions, cat->cf.file, cat->cf.actions, d);

	path = catalog_path(cat, "recovery-scenarios.yml");
	scenario_load(&cat->scenarios, path, d);
	free(path);
	path = catalog_path(cat, "dr-drill.yml");
	drill_load(&cat->drills, path, d);
	free(path);
	path = catalog_path(cat, "actions.yml");
	drillmap_load(&cat->drillmap, path, d);
	scenario_load_key(&cat->own, path, "scenarios", d);
	free(path);
	path = catalog_path(cat, "dr-test-schedule.yml");
	schedule_load(&cat->schedule, path, d);
	free(path);
	layout_load_dir(&cat->layouts, cat->cf.layouts_dir, d);

	for (size_t i = 0; i < cat->scenarios.n; i++)
		catalog_check_scenario(cat, &cat->scenarios.items[i], d);
	for (size_t i = 0; i < cat->own.n; i++)
		catalog_check_scenario(cat, &cat->own.items[i], d);
	for (size_t i = 0; i < cat->actions.n; i++)
		catalog_check_action(cat, &cat->actions.items[i], d);
	catalog_check_watch(cat, d);
	drillrun_build(cat, d);
	return d->errors > errors ? -1 : 0;
}

/* Frees everything. */
void catalog_free(struct catalog *cat)
{
	layout_free_set(&cat->layouts);
	schedule_free(&cat->schedule);
	drillrun_free(cat);
	drillmap_free(&cat->drillmap);
	drill_free(&cat->drills);
	scenario_free(&cat->scenarios);
	scenario_free(&cat->own);
	action_free(&cat->actions);
	conf_free(&cat->cf);
}
