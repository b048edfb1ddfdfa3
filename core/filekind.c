/*
 * File kind detection for "drconsole check FILE": the top-level key tells
 * (scenarios:, actions:, drills:, tests:, layout:, kind: ConfigMap, sites:).
 * A file that cannot be parsed reports its syntax problems here.
 */
#include "config.h"

#include "filekind.h"
#include "yaml_doc.h"
#include "yfield.h"

/* Names a kind for messages. */
const char *filekind_name(enum filekind k)
{
	static const char *const names[] = {
		"unknown",   "drconsole config", "DR ConfigMap", "recovery scenarios",
		"action library", "drills", "test schedule", "layout"};
	return names[k];
}

/* Parses file and tells its kind; FILEKIND_UNKNOWN (with the reason in d) when it cannot. */
enum filekind filekind_detect(const char *file, struct diag *d)
{
	struct ydoc doc;
	struct yctx c = {file, d};
	enum filekind k = FILEKIND_UNKNOWN;
	size_t errors = d->errors;

	yaml_doc_load(&doc, file, d);
	const struct ynode *r = doc.root;
	if (r != NULL && r->kind == YNODE_MAP) {
		if (yfield_get(r, "sites") || yfield_get(r, "dr") || yfield_get(r, "dr_config"))
			k = FILEKIND_CONFIG;
		else if (yfield_get(r, "kind") || yfield_get(r, "apiVersion"))
			k = FILEKIND_CONFIGMAP;
		else if (yfield_get(r, "actions")) /* the library may hold scenarios: of its own */
			k = FILEKIND_ACTIONS;
		else if (yfield_get(r, "scenarios"))
			k = FILEKIND_SCENARIOS;
		else if (yfield_get(r, "drills"))
			k = FILEKIND_DRILLS;
		else if (yfield_get(r, "tests"))
			k = FILEKIND_SCHEDULE;
		else if (yfield_get(r, "layout") || yfield_get(r, "min_size"))
			k = FILEKIND_LAYOUT;
	}
	if (k == FILEKIND_UNKNOWN && d->errors == errors)
		yfield_error(&c, r,
			     "cannot tell what kind of file this is (expected a top-level key "
			     "such as sites:, scenarios:, actions:, drills:, tests: or layout:)");
	yaml_doc_free(&doc);
	return k;
}
