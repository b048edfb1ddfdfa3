/*
 * Placeholder values:
 *   {{site.X}}                  the step's own site
 *   {{primary.X}}, {{dr.X}}     the primary and the DR site (also site.primary.X, site.dr.X)
 *   {{params.NAME}}             a value from drconsole.yml's params:
 *   {{sync_interval}}           the lag budget in seconds; {{failover_mode}}
 * where X is name, host, port, user, postgres.port, postgres.dbname,
 * postgres.user, backups.dir or backups.pattern.
 */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params.h"
#include "xmalloc.h"

/* Returns a string copy, or NULL when s is NULL. */
static char *params_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Returns field X of a site. */
static char *params_site_field(const struct site *s, const char *field)
{
	if (s == NULL)
		return NULL;
	if (strcmp(field, "name") == 0)
		return params_dup(s->name);
	if (strcmp(field, "host") == 0)
		return params_dup(s->ssh.host);
	if (strcmp(field, "port") == 0)
		return xasprintf("%ld", s->ssh.port ? s->ssh.port : 22);
	if (strcmp(field, "user") == 0) {
		if (s->ssh.user != NULL)
			return xstrdup(s->ssh.user);
		struct passwd *pw = getpwuid(getuid());
		return pw ? xstrdup(pw->pw_name) : NULL;
	}
	if (strcmp(field, "postgres.port") == 0)
		return xasprintf("%ld", s->pg.port);
	if (strcmp(field, "postgres.dbname") == 0)
		return params_dup(s->pg.dbname);
	if (strcmp(field, "postgres.user") == 0)
		return params_dup(s->pg.user);
	if (strcmp(field, "backups.dir") == 0)
		return params_dup(s->backups.dir);
	if (strcmp(field, "backups.pattern") == 0)
		return params_dup(s->backups.pattern);
	return NULL;
}

/* Strips prefix from name; returns the rest, or NULL when name does not start with it. */
static const char *params_after(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(name, prefix, n) == 0 ? name + n : NULL;
}

/* Resolves a placeholder name for a step (a template_lookup_fn). */
char *params_lookup(void *arg, const char *name)
{
	const struct params_ctx *p = arg;
	const char *rest;

	if ((rest = params_after(name, "site.primary.")) != NULL ||
	    (rest = params_after(name, "primary.")) != NULL)
		return params_site_field(conf_primary(p->cf), rest);
	if ((rest = params_after(name, "site.dr.")) != NULL ||
	    (rest = params_after(name, "dr.")) != NULL)
		return params_site_field(conf_dr(p->cf), rest);
	if ((rest = params_after(name, "site.")) != NULL)
		return params_site_field(p->site, rest);
	if ((rest = params_after(name, "params.")) != NULL)
		return params_dup(conf_param(p->cf, rest));
	if (strcmp(name, "sync_interval") == 0)
		return xasprintf("%lld", (long long)(p->cf->dr.sync_interval_ms / 1000));
	if (strcmp(name, "failover_mode") == 0)
		return xstrdup(configmap_mode_name(p->cf->dr.failover_mode));
	return NULL;
}
