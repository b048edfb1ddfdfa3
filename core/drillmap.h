/*
 * The drill mapping (key "drills:" of scenarios/actions.yml): for each drill
 * of dr-drill.yml, which action each of its free-text steps runs, the test of
 * dr-test-schedule.yml it satisfies, and its objectives. Steps it does not map
 * stay manual checklist items whose instruction is the plan's text.
 */
#ifndef DR_DRILLMAP_H
#define DR_DRILLMAP_H

#include <stddef.h>

#include "diag.h"
#include "srcpos.h"

struct drillmap_step {
	char *text;   /* the step as dr-drill.yml writes it */
	char *action; /* the action it runs */
	struct srcpos pos; /* of the action's name */
};

struct drillmap_entry {
	char *drill; /* the drill's scenario name */
	struct srcpos pos;
	char *schedule; /* the schedule's test name, or NULL */
	char *then;     /* a scenario run after the drill's steps in a live drill, or NULL */
	struct srcpos then_pos;
	struct srcpos schedule_pos;
	char **objectives;
	size_t n_objectives;
	struct drillmap_step *steps;
	size_t n_steps;
};

struct drillmap {
	char *file;
	struct drillmap_entry *items;
	size_t n;
};

int drillmap_load(struct drillmap *m, const char *file, struct diag *d);
void drillmap_free(struct drillmap *m);
const struct drillmap_entry *drillmap_find(const struct drillmap *m, const char *drill);
const struct drillmap_step *drillmap_step(const struct drillmap_entry *e, const char *text);

#endif
