/*
 * Drills, as the plan writes them:
 *   drills:
 *     - scenario: "랜섬웨어 감염"
 *       steps: ["감염된 시스템 격리", ...]
 * A step whose text is an action's name runs that action; any other step is a
 * checklist item the facilitator marks done.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "xmalloc.h"
#include "yaml_doc.h"
#include "yfield.h"

/* Reads one drill entry; returns 1 when it was kept. */
static int drill_read(struct yctx *c, struct drill_set *set, const struct ynode *n)
{
	static const char *const keys[] = {"scenario", "steps", "description", NULL};
	struct drill *dr = &set->items[set->n];
	if (!yfield_is_map(c, n, "a drill"))
		return 0;
	memset(dr, 0, sizeof *dr);
	dr->pos = (struct srcpos){set->file, n->line, n->col};
	yfield_check_keys(c, n, "a drill", keys);
	int ok = yfield_require(c, n, "scenario", "a drill");
	ok &= yfield_require(c, n, "steps", "a drill");
	if (yfield_string(c, n, "scenario", &dr->scenario) != 1)
		ok = 0;
	if (yfield_get(n, "steps") != NULL &&
	    yfield_srcstr_list(c, n, "steps", "step", "a drill", &dr->steps, &dr->n_steps) != 1)
		ok = 0;
	if (!ok) {
		free(dr->scenario);
		srcstr_free_list(dr->steps, dr->n_steps);
		return 0;
	}
	set->n++;
	return 1;
}

/* Reads every entry of the list. */
static void drill_read_all(struct yctx *c, const struct ynode *list, void *arg)
{
	struct drill_set *set = arg;
	set->items = xcalloc(list->n, sizeof *set->items);
	for (size_t i = 0; i < list->n; i++)
		drill_read(c, set, list->items[i]);
}

/* Loads a drills file; returns 0, or -1 with the problems in d. */
int drill_load(struct drill_set *set, const char *file, struct diag *d)
{
	memset(set, 0, sizeof *set);
	set->file = xstrdup(file);
	return yfield_load_list(set->file, "drills", "the drills file", d, drill_read_all, set);
}

/* Frees a drill set. */
void drill_free(struct drill_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->items[i].scenario);
		srcstr_free_list(set->items[i].steps, set->items[i].n_steps);
	}
	free(set->items);
	free(set->file);
	memset(set, 0, sizeof *set);
}
