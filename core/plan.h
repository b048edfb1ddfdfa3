/*
 * A scenario resolved against the deployment: for each step, the sites it
 * runs on and the exact commands after placeholder substitution. Runs nothing.
 */
#ifndef DR_PLAN_H
#define DR_PLAN_H

#include "catalog.h"

struct plan_target {
	const struct site *site; /* NULL for a local step */
	char *command;           /* what runs: a shell command, or a built-in's description */
	char *check;             /* how success is decided, or NULL */
};

struct plan_step {
	const struct action *action;
	char *instruction; /* manual steps and descriptions, placeholders filled in */
	struct plan_target targets[2];
	size_t n_targets;
};

struct plan {
	const struct scenario *scenario;
	struct plan_step *steps;
	size_t n;
	int64_t total_ms;
};

int plan_build(struct plan *p, const struct catalog *cat, const struct scenario *sc,
               struct diag *d);
void plan_free(struct plan *p);
const char *plan_confirm_word(const struct plan_step *st);
char *plan_builtin_text(const struct catalog *cat, const struct action *a, const struct site *site,
                        const char *builtin);

#endif
