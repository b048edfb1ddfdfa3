/*
 * The action library (scenarios/actions.yml) with the deployment's overrides
 * from drconsole.yml: what each step a scenario names does, where, how it is
 * confirmed and checked, and how long it may take.
 */
#ifndef DR_ACTION_H
#define DR_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "srcpos.h"
#include "yaml_doc.h"

enum action_site { ACTION_SITE_PRIMARY, ACTION_SITE_DR, ACTION_SITE_BOTH, ACTION_SITE_LOCAL };
enum action_kind { ACTION_NONE, ACTION_BUILTIN, ACTION_RUN, ACTION_MANUAL };
enum action_confirm { CONFIRM_NONE, CONFIRM_KEY, CONFIRM_TYPED };

struct action {
	char *name;
	struct srcpos pos; /* where it was (last) defined */
	char *title;
	char *description;
	struct srcpos desc_pos;
	enum action_site site;
	int has_site;
	enum action_kind kind;
	char *builtin;
	char *run;
	struct srcpos run_pos;
	char **guards;
	size_t n_guards;
	char *check;
	int check_builtin;
	struct srcpos check_pos;
	enum action_confirm confirm;
	int has_confirm;
	int64_t timeout_ms;
	int64_t estimate_ms;
	int overridden;   /* changed by the deployment's config */
	int template_bad; /* a command failed the syntax check: not checked again */
};

struct action_set {
	char *file;
	struct action *items;
	size_t n;
};

int action_load(struct action_set *set, const char *file, struct diag *d);
int action_apply_overrides(struct action_set *set, const char *file, const struct ynode *map,
			   struct diag *d);
void action_free(struct action_set *set);
const struct action *action_find(const struct action_set *set, const char *name);
const char *action_site_name(enum action_site s);
const char *action_confirm_name(enum action_confirm c);
int action_is_builtin(const char *name);
int action_is_guard(const char *name);

#endif
