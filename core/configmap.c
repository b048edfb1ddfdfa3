/*
 * DR settings. drconsole.yml may carry them inline (dr: with lower-case keys)
 * or point at the plan's Kubernetes ConfigMap (dr_config:), which is read as it
 * is: apiVersion, kind: ConfigMap, metadata, and data with upper-case keys whose
 * values are strings (SYNC_INTERVAL: "300" is seconds, as in the plan).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "configmap.h"
#include "xmalloc.h"
#include "yaml_doc.h"

static const char *const configmap_modes[] = {"manual", "automatic", NULL};

/* Names a failover mode. */
const char *configmap_mode_name(enum failover_mode mode)
{
	return configmap_modes[mode];
}

/* Frees the strings of the settings. */
void configmap_free(struct dr_settings *dr)
{
	free(dr->primary_site);
	free(dr->dr_site);
	free(dr->source);
	memset(dr, 0, sizeof *dr);
}

/* Reads the four settings from a mapping under the given key names. */
static int configmap_read_keys(struct yctx *c, const struct ynode *map, const char *what,
			       const char *const keys[4], struct dr_settings *dr)
{
	int ok = 1, mode = FAILOVER_MANUAL;
	for (int i = 0; i < 4; i++)
		if (!yfield_require(c, map, keys[i], what))
			ok = 0;
	if (yfield_string(c, map, keys[0], &dr->primary_site) < 0)
		ok = 0;
	if (yfield_string(c, map, keys[1], &dr->dr_site) < 0)
		ok = 0;
	if (yfield_enum(c, map, keys[2], configmap_modes, &mode) < 0)
		ok = 0;
	dr->failover_mode = (enum failover_mode)mode;
	if (yfield_duration(c, map, keys[3], &dr->sync_interval_ms) < 0)
		ok = 0;
	else if (yfield_get(map, keys[3]) != NULL && dr->sync_interval_ms <= 0) {
		yfield_error(c, yfield_get(map, keys[3]), "key '%s' must be more than zero",
			     keys[3]);
		ok = 0;
	}
	const struct ynode *k = yfield_get(map, keys[0]);
	if (k != NULL) {
		dr->line = k->line;
		dr->col = k->col;
	}
	k = yfield_get(map, keys[1]);
	if (k != NULL) {
		dr->dr_line = k->line;
		dr->dr_col = k->col;
	}
	if (ok && dr->primary_site != NULL && dr->dr_site != NULL &&
	    strcmp(dr->primary_site, dr->dr_site) == 0) {
		yfield_error(c, yfield_get(map, keys[1]),
			     "the DR site must differ from the primary site ('%s')", dr->dr_site);
		ok = 0;
	}
	dr->source = xstrdup(c->file);
	return ok ? 0 : -1;
}

/* Reads drconsole.yml's "dr:" mapping. */
int configmap_read_dr(struct yctx *c, const struct ynode *map, struct dr_settings *dr)
{
	static const char *const keys[] = {"primary_site", "dr_site", "failover_mode",
					   "sync_interval", NULL};
	if (!yfield_is_map(c, map, "key 'dr'"))
		return -1;
	yfield_check_keys(c, map, "dr", keys);
	return configmap_read_keys(c, map, "dr", keys, dr);
}

/* Checks the ConfigMap's envelope: apiVersion, kind and metadata. */
static int configmap_check_envelope(struct yctx *c, const struct ynode *root)
{
	static const char *const top[] = {"apiVersion", "kind", "metadata", "data", NULL};
	char *kind = NULL;
	int ok = 1;
	yfield_check_keys(c, root, "the ConfigMap", top);
	if (!yfield_require(c, root, "kind", "the ConfigMap") ||
	    !yfield_require(c, root, "data", "the ConfigMap"))
		ok = 0;
	if (yfield_string(c, root, "kind", &kind) == 1 && strcmp(kind, "ConfigMap") != 0) {
		yfield_error(c, yfield_get(root, "kind"), "key 'kind' is '%s', expected ConfigMap",
			     kind);
		ok = 0;
	}
	free(kind);
	const struct ynode *meta = yfield_get(root, "metadata");
	if (meta != NULL && !yfield_is_map(c, meta, "key 'metadata'"))
		ok = 0;
	return ok;
}

/* Loads the settings from a Kubernetes ConfigMap file. */
int configmap_load(struct dr_settings *dr, const char *file, struct diag *d)
{
	static const char *const keys[] = {"PRIMARY_SITE", "DR_SITE", "FAILOVER_MODE",
					   "SYNC_INTERVAL", NULL};
	struct ydoc doc;
	struct yctx c = {file, d};
	size_t errors = d->errors;

	memset(dr, 0, sizeof *dr);
	yaml_doc_load(&doc, file, d);
	if (doc.root == NULL) {
		if (d->errors == errors)
			diag_error(d, file, 0, 0, "the file is empty (expected a ConfigMap)");
	} else if (yfield_is_map(&c, doc.root, "the ConfigMap") &&
		   configmap_check_envelope(&c, doc.root)) {
		const struct ynode *data = yfield_get(doc.root, "data");
		if (yfield_is_map(&c, data, "key 'data'")) {
			/* A ConfigMap may carry other applications' keys: only ours are read. */
			configmap_read_keys(&c, data, "the ConfigMap's data", keys, dr);
		}
	}
	yaml_doc_free(&doc);
	return d->errors > errors ? -1 : 0;
}
