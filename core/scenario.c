/*
 * Recovery scenarios, as the plan writes them:
 *   scenarios:
 *     - name: "데이터베이스 장애"
 *       actions: [verify_replication_status, promote_standby, ...]
 *       estimated_time: "15분"
 * Whether each action exists is checked later, against the action library.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "xmalloc.h"
#include "yaml_doc.h"
#include "yfield.h"

/* Reads one scenario entry; returns 1 when it was kept. */
static int scenario_read(struct yctx *c, struct scenario_set *set, const struct ynode *n)
{
	static const char *const keys[] = {"name", "actions", "estimated_time", "description",
					   NULL};
	struct scenario *s = &set->items[set->n];
	if (!yfield_is_map(c, n, "a scenario"))
		return 0;
	memset(s, 0, sizeof *s);
	s->pos = (struct srcpos){set->file, n->line, n->col};
	yfield_check_keys(c, n, "a scenario", keys);
	int ok = yfield_require(c, n, "name", "a scenario");
	ok &= yfield_require(c, n, "actions", "a scenario");
	ok &= yfield_require(c, n, "estimated_time", "a scenario");
	if (yfield_string(c, n, "name", &s->name) == 1) {
		for (size_t i = 0; i < set->n; i++)
			if (strcmp(set->items[i].name, s->name) == 0) {
				yfield_error(c, yfield_get(n, "name"),
					     "scenario '%s' is defined twice (first at line %d)",
					     s->name, set->items[i].pos.line);
				ok = 0;
			}
	} else {
		ok = 0;
	}
	const struct ynode *est = yfield_get(n, "estimated_time");
	if (yfield_duration(c, n, "estimated_time", &s->estimated_ms) == 1) {
		s->estimated_pos = (struct srcpos){set->file, est->line, est->col};
		if (s->estimated_ms <= 0) {
			yfield_error(c, est, "key 'estimated_time' must be more than zero");
			ok = 0;
		}
	} else {
		ok = 0;
	}
	if (yfield_get(n, "actions") != NULL &&
	    yfield_srcstr_list(c, n, "actions", "action", "a scenario", &s->steps, &s->n_steps) != 1)
		ok = 0;
	if (!ok) {
		free(s->name);
		srcstr_free_list(s->steps, s->n_steps);
		return 0;
	}
	set->n++;
	return 1;
}

/* Reads every entry of the list. */
static void scenario_read_all(struct yctx *c, const struct ynode *list, void *arg)
{
	struct scenario_set *set = arg;
	set->items = xcalloc(list->n, sizeof *set->items);
	for (size_t i = 0; i < list->n; i++)
		scenario_read(c, set, list->items[i]);
}

/* Loads a scenarios file; returns 0, or -1 with the problems in d. */
int scenario_load(struct scenario_set *set, const char *file, struct diag *d)
{
	memset(set, 0, sizeof *set);
	set->file = xstrdup(file);
	return yfield_load_list(set->file, "scenarios", "the scenarios file", d, scenario_read_all, set);
}

/*
 * Loads the scenarios under key of a file that holds more (drconsole's own
 * scenarios, in the action library); a file without the key has none.
 * The file's other keys are its own loader's to check.
 */
int scenario_load_key(struct scenario_set *set, const char *file, const char *key,
                      struct diag *d)
{
	struct ydoc doc;
	struct diag quiet; /* the file's own loader reports its syntax */
	size_t errors = d->errors;
	memset(set, 0, sizeof *set);
	set->file = xstrdup(file);
	struct yctx c = {set->file, d};
	diag_init(&quiet);
	yaml_doc_load(&doc, file, &quiet);
	diag_free(&quiet);
	const struct ynode *list =
	    doc.root && doc.root->kind == YNODE_MAP ? yfield_get(doc.root, key) : NULL;
	char *what = xasprintf("key '%s'", key);
	if (list != NULL && yfield_is_seq(&c, list, what))
		scenario_read_all(&c, list, set);
	free(what);
	yaml_doc_free(&doc);
	return d->errors > errors ? -1 : 0;
}

/* Frees a scenario set. */
void scenario_free(struct scenario_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct scenario *s = &set->items[i];
		free(s->name);
		srcstr_free_list(s->steps, s->n_steps);
	}
	free(set->items);
	free(set->file);
	memset(set, 0, sizeof *set);
}

/* Finds a scenario by its name as written, or by its 1-based index. */
const struct scenario *scenario_find(const struct scenario_set *set, const char *name_or_index)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->items[i].name, name_or_index) == 0)
			return &set->items[i];
	char *end;
	long idx = strtol(name_or_index, &end, 10);
	if (*name_or_index != '\0' && *end == '\0' && idx >= 1 && (size_t)idx <= set->n)
		return &set->items[idx - 1];
	return NULL;
}
