/*
 * Action library loader. Each action has exactly one way to act: a built-in
 * that talks to PostgreSQL through the site agent (builtin:), a shell command
 * run over SSH on its site (run:), or a checklist item (manual: true). The
 * deployment's drconsole.yml may override any field of any action, or add new
 * actions; the merged result is validated as a whole.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "template.h"
#include "xmalloc.h"
#include "yfield.h"

#define ACTION_DEFAULT_TIMEOUT_MS 60000

static const char *const action_sites[] = {"primary", "dr", "both", "local", NULL};
static const char *const action_confirms[] = {"none", "key", "typed", NULL};

/* Built-ins, and the sites each may run on (bit per enum action_site). */
struct action_builtin {
	const char *name;
	unsigned sites;
	int is_check; /* may be used as a step's check: */
};

#define ON(s) (1u << (s))
static const struct action_builtin action_builtins[] = {
    {"replication_check", ON(ACTION_SITE_DR) | ON(ACTION_SITE_PRIMARY), 1},
    {"promote", ON(ACTION_SITE_DR), 0},
    {"writable", ON(ACTION_SITE_DR) | ON(ACTION_SITE_PRIMARY), 1},
    {"data_loss", ON(ACTION_SITE_DR), 1},
    {"backup_verify", ON(ACTION_SITE_DR) | ON(ACTION_SITE_PRIMARY) | ON(ACTION_SITE_BOTH), 1},
    {"restore_test", ON(ACTION_SITE_DR) | ON(ACTION_SITE_PRIMARY), 1},
    {"fence", ON(ACTION_SITE_PRIMARY), 0},
    {"site_health", ON(ACTION_SITE_DR) | ON(ACTION_SITE_PRIMARY) | ON(ACTION_SITE_BOTH), 1},
    {"service_check", ON(ACTION_SITE_DR) | ON(ACTION_SITE_PRIMARY) | ON(ACTION_SITE_BOTH), 1},
    {"rebuild_standby", ON(ACTION_SITE_PRIMARY) | ON(ACTION_SITE_DR), 0},
    {"stop_writes", ON(ACTION_SITE_DR), 0},
    {"lift_fence", ON(ACTION_SITE_PRIMARY), 0},
    {"promote_back", ON(ACTION_SITE_PRIMARY), 0},
};
#undef ON

static const char *const action_guards[] = {
    "primary_fenced", "primary_unreachable", "standby_caught_up", "standby_streaming",
    "dr_reachable",   "primary_reachable",   "backup_fresh",      "backup_proven",
    "dr_writable",    "primary_writable",    "dr_stopped",        NULL};

/* Finds a built-in by name. */
static const struct action_builtin *action_builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof action_builtins / sizeof action_builtins[0]; i++)
		if (strcmp(action_builtins[i].name, name) == 0)
			return &action_builtins[i];
	return NULL;
}

/* Tells whether name is a built-in action. */
int action_is_builtin(const char *name)
{
	return action_builtin_find(name) != NULL;
}

/* Tells whether name is a known guard. */
int action_is_guard(const char *name)
{
	for (size_t i = 0; action_guards[i] != NULL; i++)
		if (strcmp(action_guards[i], name) == 0)
			return 1;
	return 0;
}

/* Names a site role. */
const char *action_site_name(enum action_site s)
{
	return action_sites[s];
}

/* Names a confirmation kind. */
const char *action_confirm_name(enum action_confirm c)
{
	return action_confirms[c];
}

/* Frees the fields of one action. */
static void action_clear(struct action *a)
{
	free(a->name);
	free(a->title);
	free(a->description);
	free(a->builtin);
	free(a->run);
	yfield_free_list(a->guards, a->n_guards);
	free(a->check);
	memset(a, 0, sizeof *a);
}

/* Sets how the action acts, dropping the other ways. */
static void action_set_kind(struct action *a, enum action_kind kind, char *value, struct srcpos pos)
{
	free(a->builtin);
	free(a->run);
	a->builtin = a->run = NULL;
	a->kind = kind;
	if (kind == ACTION_BUILTIN)
		a->builtin = value;
	else if (kind == ACTION_RUN) {
		a->run = value;
		a->run_pos = pos;
	} else
		free(value);
}

/* Reads builtin:, run: or manual:, exactly one of which may be given. */
static void action_read_kind(struct yctx *c, const struct ynode *n, struct action *a)
{
	const char *given[3] = {NULL, NULL, NULL};
	int count = 0;
	static const char *const kinds[] = {"builtin", "run", "manual"};
	for (int i = 0; i < 3; i++)
		if (yfield_get(n, kinds[i]) != NULL)
			given[count++] = kinds[i];
	if (count > 1) {
		yfield_error(c, yfield_key(n, given[1]),
		             "action '%s' gives both '%s' and '%s': use exactly one of builtin, "
		             "run or manual",
		             a->name, given[0], given[1]);
		return;
	}
	if (count == 0)
		return;
	const struct ynode *v = yfield_get(n, given[0]);
	struct srcpos pos = {c->file, v->line, v->col};
	char *value = NULL;
	if (strcmp(given[0], "manual") == 0) {
		int manual = 0;
		if (yfield_bool(c, n, "manual", &manual) == 1) {
			if (manual)
				action_set_kind(a, ACTION_MANUAL, NULL, pos);
			else
				yfield_error(c, v,
				             "key 'manual: false' means nothing: give builtin "
				             "or run instead");
		}
		return;
	}
	if (yfield_string(c, n, given[0], &value) != 1)
		return;
	if (strcmp(given[0], "builtin") == 0) {
		const struct action_builtin *b = action_builtin_find(value);
		if (b == NULL) {
			const char *names[sizeof action_builtins / sizeof action_builtins[0] + 1];
			size_t i;
			for (i = 0; i < sizeof action_builtins / sizeof action_builtins[0]; i++)
				names[i] = action_builtins[i].name;
			names[i] = NULL;
			char *list = yfield_join(names);
			yfield_error(c, v, "unknown built-in '%s' (known: %s)", value, list);
			free(list);
			free(value);
			return;
		}
		action_set_kind(a, ACTION_BUILTIN, value, pos);
		return;
	}
	if (value[0] == '\0') {
		yfield_error(c, v, "key 'run' is empty");
		free(value);
		return;
	}
	action_set_kind(a, ACTION_RUN, value, pos);
}

/* Reads guards: and checks each name. */
static void action_read_guards(struct yctx *c, const struct ynode *n, struct action *a)
{
	if (yfield_string_list(c, n, "guards", &a->guards, &a->n_guards) != 1)
		return;
	const struct ynode *list = yfield_get(n, "guards");
	for (size_t i = 0; i < a->n_guards; i++) {
		if (action_is_guard(a->guards[i]))
			continue;
		char *known = yfield_join(action_guards);
		yfield_error(c, list->items[i], "unknown guard '%s' (known: %s)", a->guards[i],
		             known);
		free(known);
	}
}

/* Accepts any placeholder name: for checking a command's syntax before the sites are known. */
static char *action_any_value(void *arg, const char *name)
{
	return xstrdup("x");
}

/* Checks a command's quoting and placeholders' syntax; reports at the value. */
static void action_check_syntax(struct yctx *c, struct action *a, const char *cmd,
                                const struct ynode *at)
{
	char err[512], *out = NULL;
	size_t off;
	if (cmd == NULL || at == NULL)
		return;
	if (template_expand(cmd, TEMPLATE_SHELL, action_any_value, NULL, &out, err, sizeof err,
	                    &off) == 0) {
		free(out);
		return;
	}
	yfield_error(c, at, "action '%s': %s", a->name, err);
	a->template_bad = 1;
}

/* Reads the fields present in one definition into a (library entry or override). */
static void action_read(struct yctx *c, const struct ynode *n, struct action *a)
{
	static const char *const keys[] = {"title",   "description", "site",     "builtin",
	                                   "run",     "manual",      "guards",   "check",
	                                   "confirm", "timeout",     "estimate", NULL};
	char *what = xasprintf("action '%s'", a->name);
	int v;
	a->pos = (struct srcpos){c->file, n->line, n->col};
	yfield_check_keys(c, n, what, keys);
	free(what);
	yfield_string(c, n, "title", &a->title);
	if (yfield_string(c, n, "description", &a->description) == 1) {
		const struct ynode *dn = yfield_get(n, "description");
		a->desc_pos = (struct srcpos){c->file, dn->line, dn->col};
	}
	if (yfield_enum(c, n, "site", action_sites, &v) == 1) {
		a->site = (enum action_site)v;
		a->has_site = 1;
	}
	action_read_kind(c, n, a);
	action_read_guards(c, n, a);
	if (yfield_string(c, n, "check", &a->check) == 1) {
		const struct ynode *cn = yfield_get(n, "check");
		const struct action_builtin *b = action_builtin_find(a->check);
		a->check_builtin = b != NULL;
		a->check_pos = (struct srcpos){c->file, cn->line, cn->col};
		if (b != NULL && !b->is_check)
			yfield_error(c, cn, "built-in '%s' acts, it cannot be used as a check",
			             a->check);
		else if (a->check[0] == '\0')
			yfield_error(c, cn, "key 'check' is empty");
	}
	if (yfield_enum(c, n, "confirm", action_confirms, &v) == 1) {
		a->confirm = (enum action_confirm)v;
		a->has_confirm = 1;
	}
	if (yfield_duration(c, n, "timeout", &a->timeout_ms) == 1 && a->timeout_ms <= 0)
		yfield_error(c, yfield_get(n, "timeout"), "key 'timeout' must be more than zero");
	yfield_duration(c, n, "estimate", &a->estimate_ms);
	if (yfield_get(n, "run") != NULL)
		action_check_syntax(c, a, a->run, yfield_get(n, "run"));
	if (yfield_get(n, "check") != NULL && !a->check_builtin)
		action_check_syntax(c, a, a->check, yfield_get(n, "check"));
}

/* Checks that a (possibly merged) action is complete and consistent; def is its definition. */
static void action_validate(struct yctx *c, const struct ynode *at, const struct ynode *def,
                            struct action *a)
{
	int kind_given =
	    yfield_get(def, "builtin") || yfield_get(def, "run") || yfield_get(def, "manual");
	if (a->title == NULL)
		yfield_error(c, at, "action '%s' has no 'title'", a->name);
	if (!a->has_site)
		yfield_error(c, at, "action '%s' has no 'site' (primary, dr, both or local)",
		             a->name);
	if (a->kind == ACTION_NONE && !kind_given) /* a bad kind was reported already */
		yfield_error(c, at, "action '%s' does nothing: give builtin, run or manual: true",
		             a->name);
	if (a->estimate_ms <= 0)
		yfield_error(c, at, "action '%s' has no 'estimate' (how long the step takes)",
		             a->name);
	if (a->kind == ACTION_BUILTIN && a->has_site) {
		const struct action_builtin *b = action_builtin_find(a->builtin);
		if (b != NULL && !(b->sites & (1u << a->site)))
			yfield_error(c, at, "built-in '%s' cannot run on site '%s'", a->builtin,
			             action_site_name(a->site));
	}
	if (a->kind == ACTION_MANUAL && a->description == NULL)
		yfield_error(c, at,
		             "manual action '%s' needs a 'description' telling the "
		             "operator what to do",
		             a->name);
	if (a->timeout_ms == 0)
		a->timeout_ms = ACTION_DEFAULT_TIMEOUT_MS;
	if (!a->has_confirm)
		a->confirm = a->kind == ACTION_MANUAL ? CONFIRM_NONE : CONFIRM_KEY;
}

/* Finds an action by name (mutable). */
static struct action *action_lookup(struct action_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->items[i].name, name) == 0)
			return &set->items[i];
	return NULL;
}

/* Finds an action by name. */
const struct action *action_find(const struct action_set *set, const char *name)
{
	return action_lookup((struct action_set *)set, name);
}

/* Reads a mapping of name -> definition, creating or updating actions. */
static void action_read_map(struct yctx *c, struct action_set *set, const struct ynode *map,
                            int overrides)
{
	set->items = xreallocarray(set->items, set->n + map->n, sizeof *set->items);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
		char *what = xasprintf("action '%s'", k->str);
		if (!yfield_is_map(c, v, what)) {
			free(what);
			continue;
		}
		free(what);
		struct action *a = action_lookup(set, k->str);
		if (a == NULL) {
			a = &set->items[set->n++];
			memset(a, 0, sizeof *a);
			a->name = xstrdup(k->str);
		}
		a->overridden = overrides;
		enum action_kind before = a->kind;
		action_read(c, v, a);
		if (overrides && before != ACTION_NONE && a->kind != before &&
		    yfield_get(v, "description") == NULL) {
			/* The library's instructions were for the way it no longer acts. */
			free(a->description);
			a->description = NULL;
		}
		action_validate(c, k, v, a);
	}
}

/* Loads the action library; returns 0, or -1 with the problems in d. */
int action_load(struct action_set *set, const char *file, struct diag *d)
{
	/* drills: core/drillmap.c; scenarios: drconsole's own (scenario_load_key) */
	static const char *const top[] = {"actions", "drills", "scenarios", NULL};
	struct ydoc doc;
	struct yctx c = {file, d};
	size_t errors = d->errors;

	memset(set, 0, sizeof *set);
	set->file = xstrdup(file);
	c.file = set->file;
	yaml_doc_load(&doc, file, d);
	if (doc.root == NULL) {
		if (d->errors == errors)
			diag_error(d, file, 0, 0, "the file is empty (expected 'actions:')");
	} else if (yfield_is_map(&c, doc.root, "the action library")) {
		yfield_check_keys(&c, doc.root, "the action library", top);
		const struct ynode *map = yfield_get(doc.root, "actions");
		if (yfield_require(&c, doc.root, "actions", "the action library") &&
		    yfield_is_map(&c, map, "key 'actions'"))
			action_read_map(&c, set, map, 0);
	}
	yaml_doc_free(&doc);
	return d->errors > errors ? -1 : 0;
}

/* Applies the deployment's overrides (drconsole.yml "actions:"); file must outlive set. */
int action_apply_overrides(struct action_set *set, const char *file, const struct ynode *map,
                           struct diag *d)
{
	struct yctx c = {file, d};
	size_t errors = d->errors;
	if (map != NULL)
		action_read_map(&c, set, map, 1);
	return d->errors > errors ? -1 : 0;
}

/* Frees the library. */
void action_free(struct action_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		action_clear(&set->items[i]);
	free(set->items);
	free(set->file);
	memset(set, 0, sizeof *set);
}
