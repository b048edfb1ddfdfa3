/*
 * drconsole.yml, the operator's config: the DR settings, probe timing, where
 * scenarios, layouts and state live, the two sites (SSH, PostgreSQL, backups,
 * services), deployment parameters and per-deployment action overrides.
 */
#ifndef DR_CONF_H
#define DR_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "configmap.h"
#include "diag.h"
#include "srcpos.h"
#include "yaml_doc.h"

enum pg_via { PG_VIA_SSH, PG_VIA_DIRECT };

struct site_ssh {
	char *host;
	long port;         /* 0: from ~/.ssh/config or 22 */
	char *user;        /* NULL: from ~/.ssh/config or the local user */
	char *identity;    /* NULL: ssh-agent and the default keys */
	char *known_hosts; /* expanded path */
	char *jump;        /* NULL: no jump host */
	char *config;      /* the ssh client config to read; NULL: ~/.ssh/config and /etc/ssh/ssh_config */
};

struct site_pg {
	long port;
	char *dbname;
	char *user;
	char *host; /* with via: direct, the address to connect to */
	enum pg_via via;
	/* how drconsole's scripts handle PostgreSQL on the site (core/pgsite.c); NULL: learnt or
	 * the defaults */
	char *data_dir;         /* absolute; NULL: the data_directory the probe learnt */
	char *bindir;           /* NULL: /usr/lib/postgresql/VERSION/bin, else pg_ctl on PATH */
	char *start, *stop;     /* shell commands run as the data folder's owner; NULL: pg_ctl(cluster) */
	char *replication_host; /* how the other site reaches it to stream; NULL: ssh.host */
	char *replication_user; /* NULL: user */
};

struct site_backups {
	char *dir; /* on the site; NULL when the site keeps no backups */
	char *pattern;
	long retention_days;
	int64_t max_age_ms;
	char *canary;         /* a query that must return a row in a restored backup, or NULL */
	char *restore_target; /* "HOST:PORT" where restore tests make their scratch database, as
	                         the site reaches it; NULL: the site's own PostgreSQL */
};

struct site_service {
	char *name;
	char *check;
};

struct site {
	char *name;
	int line, col;
	struct site_ssh ssh;
	struct site_pg pg;
	struct site_backups backups;
	struct site_service *services;
	size_t n_services;
	char *lock_dir; /* the site's folder for a recovery run's lock ("~/": the account's
	                   home); NULL: RUNLOCK_SITE_DIR, ~/.local/state/drconsole */
};

struct conf_param {
	char *name;
	char *value;
};

/* The watch: block: how drconsole watch checks, confirms, fences and alerts. */
struct conf_watch {
	int64_t check_interval_ms;   /* between checks while all is well */
	int64_t confirm_interval_ms; /* between checks once a failure is suspected */
	long confirm_checks;         /* confirmations before an automatic failover */
	char *fence_command;         /* local command fencing the old primary; NULL: none */
	char *on_event;              /* local command given each event's JSON; NULL: none */
	char *metrics_file;          /* expanded path of the Prometheus textfile; NULL: none */
	char *scenario;              /* the scenario a failover runs */
	struct srcpos pos;           /* the watch: key (line 0: not given) */
	struct srcpos fence_pos, scenario_pos; /* where those were given (line 0: not given) */
};

struct conf {
	char *file;
	char *dir; /* the config file's folder: relative paths start here */
	struct dr_settings dr;
	int64_t probe_interval_ms;
	int fence_on_return; /* fence an old primary that comes back writable after a promotion */
	int64_t probe_timeout_ms;
	int64_t probe_start_ms; /* for a site's shell to start the probe loop (startup files) */
	char *scenarios_dir;
	char *layouts_dir;
	char *state_dir;
	struct site *sites;
	size_t n_sites;
	struct conf_param *params;
	size_t n_params;
	struct conf_watch watch;
	struct ydoc doc;                 /* kept: the action overrides are read from it */
	const struct ynode *actions;     /* the "actions:" mapping, or NULL */
};

int conf_load(struct conf *cf, const char *file, struct diag *d);
void conf_free(struct conf *cf);
const struct site *conf_site(const struct conf *cf, const char *name);
int conf_site_index(const struct conf *cf, const struct site *s);
const struct site *conf_primary(const struct conf *cf);
const struct site *conf_dr(const struct conf *cf);
const char *conf_param(const struct conf *cf, const char *name);

#endif
