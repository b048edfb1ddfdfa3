/*
 * Drills as runnable scenarios. Each drill of dr-drill.yml becomes a scenario
 * named as the drill, numbered D1, D2, ... in file order, whose steps are the
 * actions the drill mapping names; a step the mapping does not name (nor is
 * itself an action's name) becomes a manual checklist action "D<n>.<step>"
 * whose title and instruction are the plan's text.
 */
#ifndef DR_DRILLRUN_H
#define DR_DRILLRUN_H

#include <jansson.h>

#include "catalog.h"

#define DRILLRUN_MANUAL_ESTIMATE_MS (15 * 60 * 1000) /* a manual drill step's estimate */

void drillrun_build(struct catalog *cat, struct diag *d);
void drillrun_free(struct catalog *cat);
const struct scenario *drillrun_find(const struct catalog *cat, const char *name);
const struct action *drillrun_action(const struct catalog *cat, const char *name);
const struct drillmap_entry *drillrun_entry(const struct catalog *cat, const struct scenario *sc);
int drillrun_is_drill(const struct catalog *cat, const struct scenario *sc);
const struct scenario *drillrun_live(const struct catalog *cat, const struct scenario *sc);
const struct schedule_test *drillrun_schedule(const struct catalog *cat, const struct scenario *sc);
json_t *drillrun_about(const struct catalog *cat, const struct scenario *sc, int tabletop);

#endif
