/*
 * drconsole.yml loader. Every problem is reported (not only the first); a
 * password anywhere in the file is an error, since secrets belong in ssh-agent,
 * key files and ~/.pgpass. Paths on this machine (identity, known_hosts,
 * dr_config, the data and state folders) are relative to the config's folder;
 * paths on a site (the backup folder) must be absolute.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "duration.h"
#include "paths.h"
#include "secret.h"
#include "xmalloc.h"
#include "yfield.h"

#define CONF_DEFAULT_INTERVAL_MS 2000
#define CONF_DEFAULT_TIMEOUT_MS 3000
#define CONF_DEFAULT_START_MS 15000
#define CONF_DEFAULT_CHECK_MS    30000
#define CONF_DEFAULT_CONFIRM_MS  1000
#define CONF_DEFAULT_CONFIRMS    3
#define CONF_DEFAULT_SCENARIO    "데이터베이스 장애"

/* Reads a path key, expanded against the config's folder. */
static int conf_path(struct yctx *c, const struct conf *cf, const struct ynode *map,
		     const char *key, char **out)
{
	char *raw = NULL;
	int rc = yfield_string(c, map, key, &raw);
	if (rc == 1) {
		free(*out);
		*out = paths_expand(raw, cf->dir);
	}
	free(raw);
	return rc;
}

/* Reads a site's ssh: block. */
static void conf_read_ssh(struct yctx *c, const struct conf *cf, const struct ynode *n,
			  struct site *s)
{
	static const char *const keys[] = {"host", "port", "user", "identity",
					   "known_hosts", "jump", "config", NULL};
	if (!yfield_is_map(c, n, "key 'ssh'"))
		return;
	yfield_check_keys(c, n, "ssh", keys);
	yfield_require(c, n, "host", "ssh");
	yfield_string(c, n, "host", &s->ssh.host);
	yfield_int(c, n, "port", 1, 65535, &s->ssh.port);
	yfield_string(c, n, "user", &s->ssh.user);
	conf_path(c, cf, n, "identity", &s->ssh.identity);
	conf_path(c, cf, n, "known_hosts", &s->ssh.known_hosts);
	yfield_string(c, n, "jump", &s->ssh.jump);
	conf_path(c, cf, n, "config", &s->ssh.config);
}

/* Reads a folder on the site, which must be an absolute path. */
static void conf_site_folder(struct yctx *c, const struct ynode *n, const char *key, char **out)
{
	if (yfield_string(c, n, key, out) == 1 && (*out)[0] != '/')
		yfield_error(c, yfield_get(n, key),
			     "key '%s' is a folder on the site and must be an absolute path, not '%s'",
			     key, *out);
}

/* Reads a site's postgres: block. */
static void conf_read_pg(struct yctx *c, const struct ynode *n, struct site *s)
{
	static const char *const keys[] = {"port",  "dbname", "user",
	                                   "host",  "via",    "data_dir",
	                                   "bindir", "start", "stop",
	                                   "replication_host", "replication_user", NULL};
	static const char *const vias[] = {"ssh", "direct", NULL};
	int via = PG_VIA_SSH;
	if (!yfield_is_map(c, n, "key 'postgres'"))
		return;
	yfield_check_keys(c, n, "postgres", keys);
	yfield_int(c, n, "port", 1, 65535, &s->pg.port);
	yfield_string(c, n, "dbname", &s->pg.dbname);
	yfield_string(c, n, "user", &s->pg.user);
	yfield_string(c, n, "host", &s->pg.host);
	conf_site_folder(c, n, "data_dir", &s->pg.data_dir);
	yfield_string(c, n, "bindir", &s->pg.bindir);
	yfield_string(c, n, "start", &s->pg.start);
	yfield_string(c, n, "stop", &s->pg.stop);
	yfield_string(c, n, "replication_host", &s->pg.replication_host);
	yfield_string(c, n, "replication_user", &s->pg.replication_user);
	if (yfield_enum(c, n, "via", vias, &via) == 1)
		s->pg.via = (enum pg_via)via;
	if (s->pg.host != NULL && s->pg.via != PG_VIA_DIRECT)
		yfield_error(c, yfield_get(n, "host"),
			     "key 'host' is only used with 'via: direct' (through SSH the "
			     "site's own loopback is used)");
}

/* Tells whether text is HOST:PORT: a host name or address, and a port 1-65535. */
static int conf_host_port(const char *text)
{
	const char *colon = strrchr(text, ':');
	char *end;
	if (colon == NULL || colon == text ||
	    strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") <
	        (size_t)(colon - text))
		return 0;
	long port = strtol(colon + 1, &end, 10);
	return colon[1] >= '0' && colon[1] <= '9' && *end == '\0' && port > 0 && port < 65536;
}

/* Reads a site's backups: block. */
static void conf_read_backups(struct yctx *c, const struct ynode *n, struct site *s)
{
	static const char *const keys[] = {"dir",    "pattern",        "retention_days", "max_age",
	                                   "canary", "restore_target", NULL};
	if (!yfield_is_map(c, n, "key 'backups'"))
		return;
	yfield_check_keys(c, n, "backups", keys);
	yfield_require(c, n, "dir", "backups");
	conf_site_folder(c, n, "dir", &s->backups.dir);
	yfield_string(c, n, "pattern", &s->backups.pattern);
	yfield_int(c, n, "retention_days", 1, 36500, &s->backups.retention_days);
	if (yfield_duration(c, n, "max_age", &s->backups.max_age_ms) == 1 &&
	    s->backups.max_age_ms <= 0)
		yfield_error(c, yfield_get(n, "max_age"), "key 'max_age' must be more than zero");
	if (yfield_string(c, n, "canary", &s->backups.canary) == 1 && s->backups.canary[0] == '\0')
		yfield_error(c, yfield_get(n, "canary"), "key 'canary' must be a query, not empty");
	if (yfield_string(c, n, "restore_target", &s->backups.restore_target) == 1 &&
	    !conf_host_port(s->backups.restore_target))
		yfield_error(c, yfield_get(n, "restore_target"),
			     "key 'restore_target' must be HOST:PORT (a PostgreSQL server as the "
			     "site reaches it), not '%s'",
			     s->backups.restore_target);
}

/* Reads a site's services: list. */
static void conf_read_services(struct yctx *c, const struct ynode *n, struct site *s)
{
	static const char *const keys[] = {"name", "check", NULL};
	if (!yfield_is_seq(c, n, "key 'services'"))
		return;
	s->services = xcalloc(n->n, sizeof *s->services);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];
		struct site_service *sv = &s->services[s->n_services];
		if (!yfield_is_map(c, it, "a service"))
			continue;
		yfield_check_keys(c, it, "a service", keys);
		int ok = yfield_require(c, it, "name", "a service");
		ok &= yfield_require(c, it, "check", "a service");
		ok &= yfield_string(c, it, "name", &sv->name) == 1;
		ok &= yfield_string(c, it, "check", &sv->check) == 1;
		if (!ok) {
			free(sv->name);
			free(sv->check);
			memset(sv, 0, sizeof *sv);
			continue;
		}
		s->n_services++;
	}
}

/* Applies the defaults a site gets for what it leaves out. */
static void conf_site_defaults(struct site *s)
{
	if (s->ssh.known_hosts == NULL)
		s->ssh.known_hosts = paths_expand("~/.ssh/known_hosts", NULL);
	if (s->pg.port == 0)
		s->pg.port = 5432;
	if (s->pg.dbname == NULL)
		s->pg.dbname = xstrdup("postgres");
	if (s->backups.dir != NULL && s->backups.pattern == NULL)
		s->backups.pattern = xstrdup("*");
	if (s->backups.dir != NULL && s->backups.retention_days == 0)
		s->backups.retention_days = 30;
	if (s->backups.dir != NULL && s->backups.max_age_ms == 0)
		s->backups.max_age_ms = (int64_t)26 * 3600 * 1000;
}

/* Reads one entry of sites:. */
static void conf_read_site(struct yctx *c, struct conf *cf, const struct ynode *n)
{
	static const char *const keys[] = {"name",     "ssh",      "postgres", "backups",
					   "services", "lock_dir", NULL};
	if (!yfield_is_map(c, n, "a site"))
		return;
	struct site *s = &cf->sites[cf->n_sites++];
	s->line = n->line;
	s->col = n->col;
	yfield_check_keys(c, n, "a site", keys);
	yfield_require(c, n, "name", "a site");
	yfield_require(c, n, "ssh", "a site");
	if (yfield_string(c, n, "name", &s->name) == 1) {
		for (size_t i = 0; i + 1 < cf->n_sites; i++)
			if (cf->sites[i].name && strcmp(cf->sites[i].name, s->name) == 0)
				yfield_error(c, yfield_get(n, "name"),
					     "site '%s' is defined twice (first at line %d)",
					     s->name, cf->sites[i].line);
	}
	if (yfield_get(n, "ssh") != NULL)
		conf_read_ssh(c, cf, yfield_get(n, "ssh"), s);
	if (yfield_get(n, "postgres") != NULL)
		conf_read_pg(c, yfield_get(n, "postgres"), s);
	if (yfield_get(n, "backups") != NULL)
		conf_read_backups(c, yfield_get(n, "backups"), s);
	if (yfield_get(n, "services") != NULL)
		conf_read_services(c, yfield_get(n, "services"), s);
	if (yfield_string(c, n, "lock_dir", &s->lock_dir) == 1 && s->lock_dir[0] != '/' &&
	    strncmp(s->lock_dir, "~/", 2) != 0)
		yfield_error(c, yfield_get(n, "lock_dir"),
		             "key 'lock_dir' is a folder on the site and must be an absolute path, "
		             "not '%s' (or start with ~/, the site account's home)",
		             s->lock_dir);
	conf_site_defaults(s);
}

/* Reads the sites: list (two sites: the primary and the DR site). */
static void conf_read_sites(struct yctx *c, struct conf *cf, const struct ynode *n)
{
	if (!yfield_is_seq(c, n, "key 'sites'"))
		return;
	cf->sites = xcalloc(n->n, sizeof *cf->sites);
	for (size_t i = 0; i < n->n; i++)
		conf_read_site(c, cf, n->items[i]);
	if (n->n < 2)
		yfield_error(c, n, "key 'sites' lists %zu site%s; drconsole needs two (the "
				   "primary and the DR site)",
			     n->n, n->n == 1 ? "" : "s");
}

/* Reads a duration key of at least min_ms; 1 when read, 0 when absent, -1 on error. */
static int conf_interval(struct yctx *c, const struct ynode *map, const char *key, int64_t min_ms,
                         int64_t *out)
{
	int rc = yfield_duration(c, map, key, out);
	if (rc != 1 || *out >= min_ms)
		return rc;
	char buf[32];
	yfield_error(c, yfield_get(map, key), "key '%s' must be at least %s", key,
	             duration_text(min_ms, buf, sizeof buf));
	*out = 0;
	return -1;
}

/* Reads the probe: block. */
static void conf_read_probe(struct yctx *c, struct conf *cf, const struct ynode *n)
{
	static const char *const keys[] = {"interval", "timeout", "start_timeout", NULL};
	if (!yfield_is_map(c, n, "key 'probe'"))
		return;
	yfield_check_keys(c, n, "probe", keys);
	conf_interval(c, n, "interval", 200, &cf->probe_interval_ms);
	conf_interval(c, n, "timeout", 100, &cf->probe_timeout_ms);
	conf_interval(c, n, "start_timeout", 100, &cf->probe_start_ms);
}

/* Reads a string key that names a local command, with where it was written. */
static void conf_command(struct yctx *c, const struct ynode *map, const char *key, char **out,
                         struct srcpos *pos)
{
	if (yfield_string(c, map, key, out) != 1)
		return;
	const struct ynode *v = yfield_get(map, key);
	if ((*out)[strspn(*out, " \t\n")] == '\0') {
		yfield_error(c, v, "key '%s' must name a command, not be empty", key);
		free(*out);
		*out = NULL;
		return;
	}
	if (pos != NULL)
		*pos = (struct srcpos){c->file, v->line, v->col};
}

/* Reads the watch: block of drconsole watch, the headless failover watcher. */
static void conf_read_watch(struct yctx *c, struct conf *cf, const struct ynode *root)
{
	static const char *const keys[] = {
	    "check_interval", "confirm_interval", "confirm_checks", "fence_command",
	    "on_event",       "metrics_file",     "scenario",       NULL};
	const struct ynode *n = yfield_get(root, "watch");
	struct conf_watch *w = &cf->watch;
	const struct ynode *k = yfield_key(root, "watch");
	w->pos = (struct srcpos){c->file, k->line, k->col};
	if (!yfield_is_map(c, n, "key 'watch'"))
		return;
	yfield_check_keys(c, n, "watch", keys);
	conf_interval(c, n, "check_interval", 1000, &w->check_interval_ms);
	conf_interval(c, n, "confirm_interval", 100, &w->confirm_interval_ms);
	yfield_int(c, n, "confirm_checks", 1, 100, &w->confirm_checks);
	conf_command(c, n, "fence_command", &w->fence_command, &w->fence_pos);
	conf_command(c, n, "on_event", &w->on_event, NULL);
	conf_path(c, cf, n, "metrics_file", &w->metrics_file);
	if (yfield_string(c, n, "scenario", &w->scenario) == 1) {
		const struct ynode *v = yfield_get(n, "scenario");
		w->scenario_pos = (struct srcpos){c->file, v->line, v->col};
	}
}

/* Reads the params: mapping of deployment values used as {{params.NAME}}. */
static void conf_read_params(struct yctx *c, struct conf *cf, const struct ynode *n)
{
	if (!yfield_is_map(c, n, "key 'params'"))
		return;
	cf->params = xcalloc(n->n, sizeof *cf->params);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->pairs[i].key;
		const char *p;
		for (p = k->str; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				break;
		if (*p != '\0' || k->len == 0) {
			yfield_error(c, k, "parameter name '%s' may hold only letters, digits and '_'",
				     k->str);
			continue;
		}
		char *what = xasprintf("parameter '%s'", k->str);
		char *value = NULL;
		if (yfield_as_string(c, n->pairs[i].value, what, &value) == 1) {
			cf->params[cf->n_params].name = xstrdup(k->str);
			cf->params[cf->n_params++].value = value;
		}
		free(what);
	}
}

/* Reads the DR settings, inline or from the ConfigMap named by dr_config:. */
static void conf_read_dr(struct yctx *c, struct conf *cf, const struct ynode *root)
{
	const struct ynode *inline_dr = yfield_get(root, "dr");
	const struct ynode *ref = yfield_get(root, "dr_config");
	if (inline_dr != NULL && ref != NULL) {
		yfield_error(c, yfield_key(root, "dr_config"),
			     "give either 'dr' or 'dr_config', not both");
		return;
	}
	if (inline_dr == NULL && ref == NULL) {
		yfield_error(c, root,
			     "missing required key 'dr' (or 'dr_config' naming the DR ConfigMap)");
		return;
	}
	if (inline_dr != NULL) {
		configmap_read_dr(c, inline_dr, &cf->dr);
		return;
	}
	char *path = NULL;
	if (conf_path(c, cf, root, "dr_config", &path) == 1) {
		if (!paths_is_file(path))
			yfield_error(c, ref, "key 'dr_config': cannot read '%s'", path);
		else
			configmap_load(&cf->dr, path, c->diag);
	}
	free(path);
}

/* Reads the top-level mapping. */
static void conf_read_root(struct yctx *c, struct conf *cf, const struct ynode *root)
{
	static const char *const keys[] = {
	    "dr",    "dr_config", "probe",   "scenarios_dir",   "layouts_dir", "state_dir",
	    "sites", "params",    "actions", "fence_on_return", "watch",       NULL};
	yfield_check_keys(c, root, "the config", keys);
	conf_read_dr(c, cf, root);
	if (yfield_get(root, "probe") != NULL)
		conf_read_probe(c, cf, yfield_get(root, "probe"));
	conf_path(c, cf, root, "scenarios_dir", &cf->scenarios_dir);
	conf_path(c, cf, root, "layouts_dir", &cf->layouts_dir);
	conf_path(c, cf, root, "state_dir", &cf->state_dir);
	cf->fence_on_return = 1;
	yfield_bool(c, root, "fence_on_return", &cf->fence_on_return);
	if (yfield_require(c, root, "sites", "the config"))
		conf_read_sites(c, cf, yfield_get(root, "sites"));
	if (yfield_get(root, "params") != NULL)
		conf_read_params(c, cf, yfield_get(root, "params"));
	if (yfield_get(root, "watch") != NULL)
		conf_read_watch(c, cf, root);
	cf->actions = yfield_get(root, "actions");
	if (cf->actions != NULL && !yfield_is_map(c, cf->actions, "key 'actions'"))
		cf->actions = NULL;
}

/* Checks that the DR settings name two configured sites. */
static void conf_check_roles(struct yctx *c, struct conf *cf)
{
	const char *names[2] = {cf->dr.primary_site, cf->dr.dr_site};
	const char *keys[2] = {"primary_site", "dr_site"};
	int lines[2] = {cf->dr.line, cf->dr.dr_line}, cols[2] = {cf->dr.col, cf->dr.dr_col};
	for (int i = 0; i < 2; i++) {
		if (names[i] == NULL || conf_site(cf, names[i]) != NULL || cf->n_sites == 0)
			continue;
		char *known = xstrdup("");
		for (size_t j = 0; j < cf->n_sites; j++) {
			char *next = xasprintf("%s%s%s", known, j ? ", " : "",
					       cf->sites[j].name ? cf->sites[j].name : "?");
			free(known);
			known = next;
		}
		diag_error(c->diag, cf->dr.source, lines[i], cols[i],
			   "%s '%s' is not one of the configured sites (%s)", keys[i], names[i],
			   known);
		free(known);
	}
}

/* Fills in what the config leaves out. */
static void conf_defaults(struct conf *cf)
{
	if (cf->probe_interval_ms == 0)
		cf->probe_interval_ms = CONF_DEFAULT_INTERVAL_MS;
	if (cf->probe_timeout_ms == 0)
		cf->probe_timeout_ms = CONF_DEFAULT_TIMEOUT_MS;
	if (cf->probe_start_ms == 0)
		cf->probe_start_ms = CONF_DEFAULT_START_MS;
	if (cf->scenarios_dir == NULL)
		cf->scenarios_dir = paths_data_dir("scenarios");
	if (cf->layouts_dir == NULL)
		cf->layouts_dir = paths_data_dir("layouts");
	if (cf->state_dir == NULL)
		cf->state_dir = paths_state_dir();
	if (cf->watch.check_interval_ms == 0)
		cf->watch.check_interval_ms = CONF_DEFAULT_CHECK_MS;
	if (cf->watch.confirm_interval_ms == 0)
		cf->watch.confirm_interval_ms = CONF_DEFAULT_CONFIRM_MS;
	if (cf->watch.confirm_checks == 0)
		cf->watch.confirm_checks = CONF_DEFAULT_CONFIRMS;
	if (cf->watch.scenario == NULL)
		cf->watch.scenario = xstrdup(CONF_DEFAULT_SCENARIO);
}

/* Loads and checks drconsole.yml; returns 0, or -1 with every problem in d. */
int conf_load(struct conf *cf, const char *file, struct diag *d)
{
	struct yctx c = {file, d};
	size_t errors = d->errors;

	memset(cf, 0, sizeof *cf);
	cf->file = xstrdup(file);
	cf->dir = paths_dirname(file);
	yaml_doc_load(&cf->doc, file, d);
	if (cf->doc.root == NULL) {
		if (d->errors == errors)
			diag_error(d, file, 0, 0, "the config is empty");
	} else if (yfield_is_map(&c, cf->doc.root, "the config")) {
		secret_scan(&c, cf->doc.root);
		conf_read_root(&c, cf, cf->doc.root);
		conf_check_roles(&c, cf);
	}
	conf_defaults(cf);
	return d->errors > errors ? -1 : 0;
}

/* Frees everything the config holds. */
void conf_free(struct conf *cf)
{
	for (size_t i = 0; i < cf->n_sites; i++) {
		struct site *s = &cf->sites[i];
		free(s->name);
		free(s->ssh.host);
		free(s->ssh.user);
		free(s->ssh.identity);
		free(s->ssh.known_hosts);
		free(s->ssh.jump);
		free(s->ssh.config);
		free(s->pg.dbname);
		free(s->pg.user);
		free(s->pg.host);
		free(s->pg.data_dir);
		free(s->pg.bindir);
		free(s->pg.start);
		free(s->pg.stop);
		free(s->pg.replication_host);
		free(s->pg.replication_user);
		free(s->backups.dir);
		free(s->lock_dir);
		free(s->backups.pattern);
		free(s->backups.canary);
		free(s->backups.restore_target);
		for (size_t j = 0; j < s->n_services; j++) {
			free(s->services[j].name);
			free(s->services[j].check);
		}
		free(s->services);
	}
	free(cf->sites);
	for (size_t i = 0; i < cf->n_params; i++) {
		free(cf->params[i].name);
		free(cf->params[i].value);
	}
	free(cf->params);
	configmap_free(&cf->dr);
	free(cf->scenarios_dir);
	free(cf->layouts_dir);
	free(cf->state_dir);
	free(cf->watch.fence_command);
	free(cf->watch.on_event);
	free(cf->watch.metrics_file);
	free(cf->watch.scenario);
	yaml_doc_free(&cf->doc);
	free(cf->file);
	free(cf->dir);
	memset(cf, 0, sizeof *cf);
}

/* Finds a site by name. */
const struct site *conf_site(const struct conf *cf, const char *name)
{
	for (size_t i = 0; i < cf->n_sites; i++)
		if (cf->sites[i].name != NULL && strcmp(cf->sites[i].name, name) == 0)
			return &cf->sites[i];
	return NULL;
}

/* Returns the index of s among the config's sites, or -1 (s NULL or not one of them). */
int conf_site_index(const struct conf *cf, const struct site *s)
{
	for (size_t i = 0; s != NULL && i < cf->n_sites; i++)
		if (&cf->sites[i] == s)
			return (int)i;
	return -1;
}

/* Returns the configured primary site, or NULL. */
const struct site *conf_primary(const struct conf *cf)
{
	return cf->dr.primary_site ? conf_site(cf, cf->dr.primary_site) : NULL;
}

/* Returns the configured DR site, or NULL. */
const struct site *conf_dr(const struct conf *cf)
{
	return cf->dr.dr_site ? conf_site(cf, cf->dr.dr_site) : NULL;
}

/* Returns a deployment parameter's value, or NULL. */
const char *conf_param(const struct conf *cf, const char *name)
{
	for (size_t i = 0; i < cf->n_params; i++)
		if (strcmp(cf->params[i].name, name) == 0)
			return cf->params[i].value;
	return NULL;
}
