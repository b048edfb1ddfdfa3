/*
 * Turning drills into scenarios the runbook engine runs. A drill step runs an
 * action when the drill mapping names one for it, or when its text is an
 * action's name; a step whose text looks like an action's name (lower case,
 * digits and '_') but names none is an error at the step; a mapping that
 * names an unknown action is an error at the mapping. Any other step is a
 * manual step, never dropped silently.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "drillrun.h"
#include "xmalloc.h"

/* Returns 1 when text reads like an action's name rather than free text. */
static int drillrun_looks_like_name(const char *text)
{
	if (text[0] == '\0' || strchr(text, '_') == NULL)
		return 0;
	return strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(text);
}

/* Adds the manual action of an unmapped step; returns its name. */
static const char *drillrun_manual(struct catalog *cat, size_t drill, size_t step,
                                   const struct srcstr *text)
{
	struct action_set *set = &cat->drill_steps;
	struct action *a = &set->items[set->n++];
	memset(a, 0, sizeof *a);
	a->name = xasprintf("D%zu.%zu", drill + 1, step + 1);
	a->pos = text->pos;
	a->title = xstrdup(text->text);
	a->description = xstrdup(text->text);
	a->desc_pos = text->pos;
	a->site = ACTION_SITE_LOCAL;
	a->has_site = 1;
	a->kind = ACTION_MANUAL;
	a->confirm = CONFIRM_KEY;
	a->estimate_ms = DRILLRUN_MANUAL_ESTIMATE_MS;
	return a->name;
}

/* Decides which action one drill step runs; NULL after reporting an error. */
static const char *drillrun_step(struct catalog *cat, const struct drill *dr, size_t i,
                                 size_t s, struct diag *d)
{
	const struct srcstr *st = &dr->steps[s];
	const struct drillmap_step *m = drillmap_step(drillmap_find(&cat->drillmap, dr->scenario),
	                                              st->text);
	if (m != NULL) {
		if (action_find(&cat->actions, m->action) != NULL)
			return m->action;
		diag_error(d, m->pos.file, m->pos.line, m->pos.col,
		           "drill '%s' step '%s' names unknown action '%s'", dr->scenario, st->text,
		           m->action);
		return NULL;
	}
	if (action_find(&cat->actions, st->text) != NULL)
		return st->text;
	if (drillrun_looks_like_name(st->text)) {
		diag_error(d, st->pos.file, st->pos.line, st->pos.col,
		           "drill '%s' names unknown action '%s' (define it in actions.yml, or write "
		           "the step as text to make it a manual step)",
		           dr->scenario, st->text);
		return NULL;
	}
	return drillrun_manual(cat, i, s, st);
}

/* Builds the scenario of one drill. */
static void drillrun_one(struct catalog *cat, size_t i, struct diag *d)
{
	const struct drill *dr = &cat->drills.items[i];
	struct scenario *sc = &cat->drill_runs.items[cat->drill_runs.n++];
	memset(sc, 0, sizeof *sc);
	sc->name = xstrdup(dr->scenario);
	sc->pos = dr->pos;
	sc->estimated_pos = dr->pos;
	sc->steps = xcalloc(dr->n_steps, sizeof *sc->steps);
	for (size_t s = 0; s < dr->n_steps; s++) {
		const char *name = drillrun_step(cat, dr, i, s, d);
		if (name == NULL)
			continue;
		sc->steps[sc->n_steps].text = xstrdup(name);
		sc->steps[sc->n_steps].pos = dr->steps[s].pos;
		sc->estimated_ms += drillrun_action(cat, name)->estimate_ms;
		sc->n_steps++;
	}
}

/* Warns about mapping entries that match no drill or no step (likely a typo). */
static void drillrun_check_map(const struct catalog *cat, struct diag *d)
{
	for (size_t i = 0; i < cat->drillmap.n; i++) {
		const struct drillmap_entry *e = &cat->drillmap.items[i];
		const struct drill *dr = NULL;
		for (size_t j = 0; j < cat->drills.n; j++)
			if (strcmp(cat->drills.items[j].scenario, e->drill) == 0)
				dr = &cat->drills.items[j];
		if (dr == NULL) {
			diag_warning(d, e->pos.file, e->pos.line, e->pos.col,
			             "the drill mapping names drill '%s', which dr-drill.yml does not "
			             "have", e->drill);
			continue;
		}
		for (size_t k = 0; k < e->n_steps; k++) {
			size_t j = 0;
			while (j < dr->n_steps && strcmp(dr->steps[j].text, e->steps[k].text) != 0)
				j++;
			if (j == dr->n_steps)
				diag_warning(d, e->steps[k].pos.file, e->steps[k].pos.line,
				             e->steps[k].pos.col,
				             "drill '%s' has no step '%s'", e->drill, e->steps[k].text);
		}
	}
}

/* Finds one of drconsole's own scenarios or a recovery scenario by its name (no index). */
static const struct scenario *drillrun_named(const struct catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->own.n; i++)
		if (strcmp(cat->own.items[i].name, name) == 0)
			return &cat->own.items[i];
	for (size_t i = 0; i < cat->scenarios.n; i++)
		if (strcmp(cat->scenarios.items[i].name, name) == 0)
			return &cat->scenarios.items[i];
	return NULL;
}

/*
 * Builds the live form of drill i when its mapping names a scenario to run
 * after its steps in a live drill ("then:"): the drill's steps, then that
 * scenario's.
 */
static void drillrun_live_one(struct catalog *cat, size_t i, struct diag *d)
{
	const struct drillmap_entry *e = drillmap_find(&cat->drillmap, cat->drill_runs.items[i].name);
	if (e == NULL || e->then == NULL)
		return;
	const struct scenario *base = &cat->drill_runs.items[i], *then = drillrun_named(cat, e->then);
	if (then == NULL) {
		diag_error(d, e->then_pos.file, e->then_pos.line, e->then_pos.col,
		           "drill '%s' names unknown scenario '%s' to run after it (then:)", e->drill,
		           e->then);
		return;
	}
	struct scenario *sc = &cat->drill_lives.items[cat->drill_lives.n++];
	sc->name = xstrdup(base->name);
	sc->pos = base->pos;
	sc->estimated_pos = base->estimated_pos;
	sc->estimated_ms = base->estimated_ms + then->estimated_ms;
	sc->steps = xcalloc(base->n_steps + then->n_steps + 1, sizeof *sc->steps);
	for (size_t k = 0; k < base->n_steps + then->n_steps; k++) {
		const struct srcstr *from =
		    k < base->n_steps ? &base->steps[k] : &then->steps[k - base->n_steps];
		sc->steps[k].text = xstrdup(from->text);
		sc->steps[k].pos = from->pos;
	}
	sc->n_steps = base->n_steps + then->n_steps;
}

/* Builds a scenario for every drill, with the manual actions of its unmapped steps. */
void drillrun_build(struct catalog *cat, struct diag *d)
{
	size_t steps = 0;
	for (size_t i = 0; i < cat->drills.n; i++)
		steps += cat->drills.items[i].n_steps;
	cat->drill_runs.file = xstrdup(cat->drills.file ? cat->drills.file : "dr-drill.yml");
	cat->drill_runs.items = xcalloc(cat->drills.n + 1, sizeof *cat->drill_runs.items);
	cat->drill_steps.file = xstrdup(cat->drill_runs.file);
	cat->drill_steps.items = xcalloc(steps + 1, sizeof *cat->drill_steps.items);
	for (size_t i = 0; i < cat->drills.n; i++)
		drillrun_one(cat, i, d);
	cat->drill_lives.file = xstrdup(cat->drill_runs.file);
	cat->drill_lives.items = xcalloc(cat->drill_runs.n + 1, sizeof *cat->drill_lives.items);
	for (size_t i = 0; i < cat->drill_runs.n; i++)
		drillrun_live_one(cat, i, d);
	drillrun_check_map(cat, d);
}

/* Frees the drills' scenarios and manual actions. */
void drillrun_free(struct catalog *cat)
{
	scenario_free(&cat->drill_runs);
	scenario_free(&cat->drill_lives);
	for (size_t i = 0; i < cat->drill_steps.n; i++) {
		free(cat->drill_steps.items[i].name);
		free(cat->drill_steps.items[i].title);
		free(cat->drill_steps.items[i].description);
	}
	free(cat->drill_steps.items);
	free(cat->drill_steps.file);
	memset(&cat->drill_steps, 0, sizeof cat->drill_steps);
}

/*
 * Finds what to run by name: a recovery scenario (its name or 1-based index),
 * else one of drconsole's own (failback) by its name, else a drill by its
 * name or as D1, D2, ... (d1 too).
 */
const struct scenario *drillrun_find(const struct catalog *cat, const char *name)
{
	const struct scenario *sc = scenario_find(&cat->scenarios, name);
	if (sc != NULL)
		return sc;
	for (size_t i = 0; i < cat->own.n; i++)
		if (strcmp(cat->own.items[i].name, name) == 0)
			return &cat->own.items[i];
	for (size_t i = 0; i < cat->drill_runs.n; i++)
		if (strcmp(cat->drill_runs.items[i].name, name) == 0)
			return &cat->drill_runs.items[i];
	if ((name[0] == 'D' || name[0] == 'd') && name[1] >= '1' && name[1] <= '9') {
		char *end;
		long idx = strtol(name + 1, &end, 10);
		if (*end == '\0' && idx >= 1 && (size_t)idx <= cat->drill_runs.n)
			return &cat->drill_runs.items[idx - 1];
	}
	return NULL;
}

/* Finds an action of the library or a drill's manual step, or NULL. */
const struct action *drillrun_action(const struct catalog *cat, const char *name)
{
	const struct action *a = action_find(&cat->actions, name);
	return a != NULL ? a : action_find(&cat->drill_steps, name);
}

/* Returns 1 when sc is one of the drills' scenarios (or a drill's live form). */
int drillrun_is_drill(const struct catalog *cat, const struct scenario *sc)
{
	return (sc >= cat->drill_runs.items && sc < cat->drill_runs.items + cat->drill_runs.n) ||
	       (sc >= cat->drill_lives.items && sc < cat->drill_lives.items + cat->drill_lives.n);
}

/* Returns what a drill runs when live: its live form if it has one ("then:"), else sc itself. */
const struct scenario *drillrun_live(const struct catalog *cat, const struct scenario *sc)
{
	for (size_t i = 0; drillrun_is_drill(cat, sc) && i < cat->drill_lives.n; i++)
		if (strcmp(cat->drill_lives.items[i].name, sc->name) == 0)
			return &cat->drill_lives.items[i];
	return sc;
}

/* Returns the mapping entry of a drill's scenario, or NULL. */
const struct drillmap_entry *drillrun_entry(const struct catalog *cat, const struct scenario *sc)
{
	return drillrun_is_drill(cat, sc) ? drillmap_find(&cat->drillmap, sc->name) : NULL;
}

/* Returns the scheduled test a drill satisfies (its mapping's "schedule:"), or NULL. */
const struct schedule_test *drillrun_schedule(const struct catalog *cat, const struct scenario *sc)
{
	const struct drillmap_entry *e = drillrun_entry(cat, sc);
	for (size_t i = 0; e != NULL && e->schedule != NULL && i < cat->schedule.n; i++)
		if (strcmp(cat->schedule.items[i].name, e->schedule) == 0)
			return &cat->schedule.items[i];
	return NULL;
}

/*
 * What a drill's run_started says besides the scenario: "drill": its name, its
 * "mode" ("drill": live, or "tabletop"), the scheduled test it satisfies, its
 * participants (the test's teams as roles, names to be filled in), objectives,
 * and its targets: the RTO is the drill's estimate, the RPO the sync_interval.
 */
json_t *drillrun_about(const struct catalog *cat, const struct scenario *sc, int tabletop)
{
	const struct drillmap_entry *e = drillrun_entry(cat, sc);
	const struct schedule_test *t = drillrun_schedule(cat, sc);
	json_t *who = json_array(), *goals = json_array();
	for (size_t i = 0; t != NULL && i < t->n_participants; i++)
		json_array_append_new(who, json_pack("{s:s, s:s}", "name", "", "role",
		                                     t->participants[i]));
	for (size_t i = 0; e != NULL && i < e->n_objectives; i++)
		json_array_append_new(goals, json_string(e->objectives[i]));
	return json_pack("{s:s, s:s, s:s?, s:o, s:o, s:I, s:I}", "drill", sc->name, "mode",
	                 tabletop ? "tabletop" : "drill", "schedule",
	                 e != NULL ? e->schedule : NULL, "participants", who, "objectives", goals,
	                 "rto_target_ms", (json_int_t)sc->estimated_ms, "rpo_target_ms",
	                 (json_int_t)cat->cf.dr.sync_interval_ms);
}
