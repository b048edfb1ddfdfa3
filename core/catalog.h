/*
 * Everything drconsole reads before it acts: the config, the action library
 * with the deployment's overrides, scenarios, drills, the test schedule and the
 * layouts, loaded together and cross-checked.
 */
#ifndef DR_CATALOG_H
#define DR_CATALOG_H

#include "action.h"
#include "conf.h"
#include "diag.h"
#include "drill.h"
#include "drillmap.h"
#include "layout.h"
#include "scenario.h"
#include "schedule.h"

struct catalog {
	struct conf cf;
	struct action_set actions;
	struct scenario_set scenarios;
	struct scenario_set own;        /* drconsole's own scenarios ("scenarios:" of actions.yml) */
	struct drill_set drills;
	struct drillmap drillmap;      /* "drills:" of actions.yml */
	struct scenario_set drill_runs; /* each drill as a scenario (core/drillrun.c) */
	struct scenario_set drill_lives; /* a drill with its live-only tail ("then:"), as run live */
	struct action_set drill_steps;  /* the manual actions of unmapped drill steps */
	struct schedule_set schedule;
	struct layout_set layouts;
};

int catalog_load(struct catalog *cat, const char *config_file, struct diag *d);
void catalog_free(struct catalog *cat);
int64_t catalog_scenario_estimate(const struct catalog *cat, const struct scenario *sc);

#endif
