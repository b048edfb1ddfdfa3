/*
 * Reading the drill mapping:
 *   drills:
 *     "랜섬웨어 감염":
 *       schedule: "데이터 복구 테스트"
 *       objectives: ["..."]
 *       steps:
 *         "감염된 시스템 격리": fence_primary
 * The key is optional: without it every drill step is a manual step. Whether
 * the actions exist is checked later, against the action library.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "drillmap.h"
#include "xmalloc.h"
#include "yaml_doc.h"
#include "yfield.h"

/* Reads the steps: map of one entry. */
static void drillmap_read_steps(struct yctx *c, struct drillmap_entry *e, const struct ynode *map)
{
	if (!yfield_is_map(c, map, "key 'steps'"))
		return;
	e->steps = xcalloc(map->n, sizeof *e->steps);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
		struct drillmap_step *s = &e->steps[e->n_steps];
		char *what = xasprintf("step '%s'", k->str);
		if (yfield_as_string(c, v, what, &s->action) == 1) {
			s->text = xstrdup(k->str);
			s->pos = (struct srcpos){c->file, v->line, v->col};
			e->n_steps++;
		}
		free(what);
	}
}

/* Reads one drill's entry. */
static void drillmap_read_entry(struct yctx *c, struct drillmap *m, const struct ynode *k,
                                const struct ynode *v)
{
	static const char *const keys[] = {"schedule", "objectives", "steps", "then", NULL};
	char *what = xasprintf("drill '%s'", k->str);
	int ok = yfield_is_map(c, v, what);
	free(what);
	if (!ok)
		return;
	struct drillmap_entry *e = &m->items[m->n++];
	e->drill = xstrdup(k->str);
	e->pos = (struct srcpos){m->file, k->line, k->col};
	yfield_check_keys(c, v, "a drill's mapping", keys);
	const struct ynode *sched = yfield_get(v, "schedule");
	if (sched != NULL && yfield_string(c, v, "schedule", &e->schedule) == 1)
		e->schedule_pos = (struct srcpos){m->file, sched->line, sched->col};
	const struct ynode *then = yfield_get(v, "then");
	if (then != NULL && yfield_string(c, v, "then", &e->then) == 1)
		e->then_pos = (struct srcpos){m->file, then->line, then->col};
	if (yfield_get(v, "objectives") != NULL)
		yfield_string_list(c, v, "objectives", &e->objectives, &e->n_objectives);
	if (yfield_get(v, "steps") != NULL)
		drillmap_read_steps(c, e, yfield_get(v, "steps"));
}

/* Loads the "drills:" key of the action library; returns 0, or -1 with the problems in d. */
int drillmap_load(struct drillmap *m, const char *file, struct diag *d)
{
	struct ydoc doc;
	size_t errors = d->errors;
	memset(m, 0, sizeof *m);
	m->file = xstrdup(file);
	struct yctx c = {m->file, d};
	struct diag quiet; /* the action library reports the file's own problems */
	diag_init(&quiet);
	yaml_doc_load(&doc, file, &quiet);
	diag_free(&quiet);
	const struct ynode *map = doc.root && doc.root->kind == YNODE_MAP
	                              ? yfield_get(doc.root, "drills") : NULL;
	if (map != NULL && yfield_is_map(&c, map, "key 'drills'")) {
		m->items = xcalloc(map->n, sizeof *m->items);
		for (size_t i = 0; i < map->n; i++)
			drillmap_read_entry(&c, m, map->pairs[i].key, map->pairs[i].value);
	}
	yaml_doc_free(&doc);
	return d->errors > errors ? -1 : 0;
}

/* Frees the mapping. */
void drillmap_free(struct drillmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct drillmap_entry *e = &m->items[i];
		free(e->drill);
		free(e->schedule);
		free(e->then);
		yfield_free_list(e->objectives, e->n_objectives);
		for (size_t j = 0; j < e->n_steps; j++) {
			free(e->steps[j].text);
			free(e->steps[j].action);
		}
		free(e->steps);
	}
	free(m->items);
	free(m->file);
	memset(m, 0, sizeof *m);
}

/* Finds a drill's entry by the drill's name, or NULL. */
const struct drillmap_entry *drillmap_find(const struct drillmap *m, const char *drill)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->items[i].drill, drill) == 0)
			return &m->items[i];
	return NULL;
}

/* Finds the mapping of one step's text in an entry, or NULL. */
const struct drillmap_step *drillmap_step(const struct drillmap_entry *e, const char *text)
{
	for (size_t i = 0; e != NULL && i < e->n_steps; i++)
		if (strcmp(e->steps[i].text, text) == 0)
			return &e->steps[i];
	return NULL;
}
