/*
 * Tests of core/conf.c: a full drconsole.yml loads with every field right
 * (ports, durations in ms, paths resolved against the config's folder, "~"
 * expanded, defaults filled in), a dr_config: reference reads the seed's
 * ConfigMap, and every mistake is reported at its exact FILE:LINE:COL, all of
 * them in one load. Each config is written into its own temporary folder.
 */
#include "config.h"

#include <ftw.h>
#include <sys/stat.h>

#include "unit.h"

#include "conf.h"

/* The inline DR settings: lines 1 to 5 of a config that starts with them. */
#define DR_INLINE                                                                          \
	"dr:\n"                                                                            \
	"  primary_site: datacenter-1\n"                                                   \
	"  dr_site: datacenter-2\n"                                                        \
	"  failover_mode: manual\n"                                                        \
	"  sync_interval: 300\n"

/* Two minimal sites: five lines. */
#define TWO_SITES                                                                          \
	"sites:\n"                                                                         \
	"  - name: datacenter-1\n"                                                         \
	"    ssh: {host: db1.example.com}\n"                                               \
	"  - name: datacenter-2\n"                                                         \
	"    ssh: {host: db2.example.com}\n"

/* A temporary folder holding one config, loaded with its diagnostics. */
struct fixture {
	char *dir;
	char *file;
	struct conf cf;
	struct diag d;
	int rc;
};

/* Removes one entry of a folder tree (an nftw callback). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Creates the fixture's folder and writes text as its drconsole.yml. */
static void fixture_write(struct fixture *fx, const char *text)
{
	memset(fx, 0, sizeof *fx);
	fx->dir = xstrdup("/tmp/drconsole-unit-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->file = xasprintf("%s/drconsole.yml", fx->dir);
	FILE *fp = fopen(fx->file, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	diag_init(&fx->d);
}

/* Writes text as the fixture's config and loads it. */
static void fixture_load(struct fixture *fx, const char *text)
{
	fixture_write(fx, text);
	fx->rc = conf_load(&fx->cf, fx->file, &fx->d);
}

/* Frees the config and the diagnostics, and removes the folder. */
static void fixture_done(struct fixture *fx)
{
	conf_free(&fx->cf);
	diag_free(&fx->d);
	assert_int_equal(nftw(fx->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(fx->file);
	free(fx->dir);
}

/* Fails, printing every diagnostic, unless there are none. */
static void expect_clean(const struct diag *d)
{
	if (d->n == 0)
		return;
	diag_print(d, stderr);
	fail_msg("expected no diagnostics, got %zu", d->n);
}

/* Fails unless an error in file (NULL: any) sits at line:col and its message holds needle. */
static void expect_error(const struct diag *d, const char *file, int line, int col,
			 const char *needle)
{
	unit_expect_error(d, file, line, col, needle, 0);
}

/* Fails unless the error at line:col has exactly the message msg. */
static void expect_message(const struct diag *d, int line, int col, const char *msg)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].line == line && d->items[i].col == col &&
		    strcmp(d->items[i].message, msg) == 0)
			return;
	diag_print(d, stderr);
	fail_msg("no diagnostic at %d:%d reading '%s'", line, col, msg);
}

/* Every key of the design's config, plus params and probe, lands in the right field. */
static void test_conf_full(void **state)
{
	(void)state;
	struct fixture fx;
	setenv("HOME", "/home/unit", 1);
	fixture_load(&fx, DR_INLINE
		     "probe:\n"
		     "  interval: 1500ms\n"
		     "  timeout: 4s\n"
		     "  start_timeout: 40s\n"
		     "scenarios_dir: data/scenarios\n"
		     "layouts_dir: /opt/drconsole/layouts\n"
		     "state_dir: ~/state/drconsole\n"
		     "sites:\n"
		     "  - name: datacenter-1\n"
		     "    ssh:\n"
		     "      host: db1.dc1.example.com\n"
		     "      port: 2222\n"
		     "      user: drops\n"
		     "      identity: keys/id_ed25519\n"
		     "      known_hosts: ~/.ssh/known_hosts_dr\n"
		     "      jump: bastion.example.com\n"
		     "    postgres:\n"
		     "      port: 5433\n"
		     "      dbname: erp_chatbot\n"
		     "      user: drmonitor\n"
		     "    backups:\n"
		     "      dir: /backup\n"
		     "      pattern: \"db_backup_*.dump\"\n"
		     "      retention_days: 14\n"
		     "      max_age: 1h30m\n"
		     "    services:\n"
		     "      - { name: erp-chatbot, check: \"systemctl is-active --quiet "
		     "erp-chatbot\" }\n"
		     "      - name: nginx\n"
		     "        check: \"systemctl is-active --quiet nginx\"\n"
		     "  - name: datacenter-2\n"
		     "    ssh:\n"
		     "      host: db2.dc2.example.com\n"
		     "      identity: /etc/drconsole/id_dc2\n"
		     "    postgres:\n"
		     "      host: 10.0.0.5\n"
		     "      via: direct\n"
		     "params:\n"
		     "  app: erp-chatbot\n"
		     "  region: \"서울\"\n"
		     "actions:\n"
		     "  update_dns:\n"
		     "    run: \"/usr/local/sbin/dr-dns-switch {{site.dr.name}}\"\n");
	expect_clean(&fx.d);
	assert_int_equal(fx.rc, 0);
	const struct conf *cf = &fx.cf;

	assert_string_equal(cf->file, fx.file);
	assert_string_equal(cf->dir, fx.dir);
	assert_string_equal(cf->dr.primary_site, "datacenter-1");
	assert_string_equal(cf->dr.dr_site, "datacenter-2");
	assert_int_equal(cf->dr.failover_mode, FAILOVER_MANUAL);
	assert_int_equal(cf->dr.sync_interval_ms, 300000);
	assert_string_equal(cf->dr.source, fx.file);
	assert_int_equal(cf->dr.line, 2);
	assert_int_equal(cf->dr.col, 17);
	assert_int_equal(cf->dr.dr_line, 3);
	assert_int_equal(cf->dr.dr_col, 12);
	assert_int_equal(cf->probe_interval_ms, 1500);
	assert_int_equal(cf->probe_timeout_ms, 4000);
	assert_int_equal(cf->probe_start_ms, 40000);

	char *want = xasprintf("%s/data/scenarios", fx.dir);
	assert_string_equal(cf->scenarios_dir, want);
	free(want);
	assert_string_equal(cf->layouts_dir, "/opt/drconsole/layouts");
	assert_string_equal(cf->state_dir, "/home/unit/state/drconsole");

	assert_int_equal(cf->n_sites, 2);
	const struct site *s = &cf->sites[0];
	assert_string_equal(s->name, "datacenter-1");
	assert_int_equal(s->line, 14);
	assert_int_equal(s->col, 5);
	assert_string_equal(s->ssh.host, "db1.dc1.example.com");
	assert_int_equal(s->ssh.port, 2222);
	assert_string_equal(s->ssh.user, "drops");
	want = xasprintf("%s/keys/id_ed25519", fx.dir);
	assert_string_equal(s->ssh.identity, want);
	free(want);
	assert_string_equal(s->ssh.known_hosts, "/home/unit/.ssh/known_hosts_dr");
	assert_string_equal(s->ssh.jump, "bastion.example.com");
	assert_int_equal(s->pg.port, 5433);
	assert_string_equal(s->pg.dbname, "erp_chatbot");
	assert_string_equal(s->pg.user, "drmonitor");
	assert_null(s->pg.host);
	assert_int_equal(s->pg.via, PG_VIA_SSH);
	assert_string_equal(s->backups.dir, "/backup");
	assert_string_equal(s->backups.pattern, "db_backup_*.dump");
	assert_int_equal(s->backups.retention_days, 14);
	assert_int_equal(s->backups.max_age_ms, 5400000);
	assert_int_equal(s->n_services, 2);
	assert_string_equal(s->services[0].name, "erp-chatbot");
	assert_string_equal(s->services[0].check, "systemctl is-active --quiet erp-chatbot");
	assert_string_equal(s->services[1].name, "nginx");
	assert_string_equal(s->services[1].check, "systemctl is-active --quiet nginx");

	s = &cf->sites[1];
	assert_string_equal(s->name, "datacenter-2");
	assert_string_equal(s->ssh.host, "db2.dc2.example.com");
	assert_int_equal(s->ssh.port, 0);
	assert_null(s->ssh.user);
	assert_null(s->ssh.jump);
	assert_string_equal(s->ssh.identity, "/etc/drconsole/id_dc2");
	assert_string_equal(s->ssh.known_hosts, "/home/unit/.ssh/known_hosts");
	assert_int_equal(s->pg.port, 5432);
	assert_string_equal(s->pg.dbname, "postgres");
	assert_string_equal(s->pg.host, "10.0.0.5");
	assert_int_equal(s->pg.via, PG_VIA_DIRECT);
	assert_null(s->backups.dir);
	assert_null(s->backups.pattern);
	assert_int_equal(s->n_services, 0);

	assert_int_equal(cf->n_params, 2);
	assert_string_equal(cf->params[0].name, "app");
	assert_string_equal(cf->params[0].value, "erp-chatbot");
	assert_string_equal(cf->params[1].name, "region");
	assert_string_equal(cf->params[1].value, "서울");

	assert_non_null(cf->actions);
	assert_int_equal(cf->actions->kind, YNODE_MAP);
	assert_int_equal(cf->actions->n, 1);
	assert_string_equal(cf->actions->pairs[0].key->str, "update_dns");
	fixture_done(&fx);
}

/* What a config leaves out gets the documented defaults. */
static void test_conf_defaults(void **state)
{
	(void)state;
	struct fixture fx;
	const char *was = getenv("DRCONSOLE_DATADIR");
	char *saved = was ? xstrdup(was) : NULL;
	setenv("HOME", "/home/unit", 1);
	setenv("DRCONSOLE_DATADIR", "/srv/drdata", 1);
	unsetenv("XDG_STATE_HOME");
	fixture_load(&fx, DR_INLINE TWO_SITES
		     "  - name: datacenter-3\n"
		     "    ssh: {host: db3.example.com}\n"
		     "    backups: {dir: /var/backups/pg}\n");
	expect_clean(&fx.d);
	assert_int_equal(fx.rc, 0);
	assert_int_equal(fx.cf.probe_interval_ms, 2000);
	assert_int_equal(fx.cf.probe_timeout_ms, 3000);
	assert_int_equal(fx.cf.probe_start_ms, 15000);
	assert_string_equal(fx.cf.scenarios_dir, "/srv/drdata/scenarios");
	assert_string_equal(fx.cf.layouts_dir, "/srv/drdata/layouts");
	assert_string_equal(fx.cf.state_dir, "/home/unit/.local/state/drconsole");
	assert_int_equal(fx.cf.n_sites, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct site *s = &fx.cf.sites[i];
		assert_int_equal(s->ssh.port, 0);
		assert_null(s->ssh.identity);
		assert_string_equal(s->ssh.known_hosts, "/home/unit/.ssh/known_hosts");
		assert_int_equal(s->pg.port, 5432);
		assert_string_equal(s->pg.dbname, "postgres");
		assert_int_equal(s->pg.via, PG_VIA_SSH);
	}
	const struct site_backups *b = &fx.cf.sites[2].backups;
	assert_string_equal(b->dir, "/var/backups/pg");
	assert_string_equal(b->pattern, "*");
	assert_int_equal(b->retention_days, 30);
	assert_int_equal(b->max_age_ms, 26 * 3600 * 1000LL);
	assert_null(fx.cf.sites[0].backups.dir);
	assert_null(fx.cf.actions);
	assert_int_equal(fx.cf.n_params, 0);
	assert_int_equal(fx.cf.fence_on_return, 1);
	fixture_done(&fx);
	if (saved != NULL)
		setenv("DRCONSOLE_DATADIR", saved, 1);
	else
		unsetenv("DRCONSOLE_DATADIR");
	free(saved);
}

/* fence_on_return: false turns the fence on return into a prompt; only a boolean is taken. */
static void test_conf_fence_on_return(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE "fence_on_return: false\n" TWO_SITES);
	expect_clean(&fx.d);
	assert_int_equal(fx.cf.fence_on_return, 0);
	fixture_done(&fx);
	fixture_load(&fx, DR_INLINE "fence_on_return: sometimes\n" TWO_SITES);
	expect_message(&fx.d, 6, 18, "key 'fence_on_return' must be true or false, not 'sometimes'");
	fixture_done(&fx);
}

/* Without watch:, the watcher gets its defaults; with it, every key lands in its field. */
static void test_conf_watch(void **state)
{
	(void)state;
	struct fixture fx;
	setenv("HOME", "/home/unit", 1);
	fixture_load(&fx, DR_INLINE TWO_SITES);
	expect_clean(&fx.d);
	assert_int_equal(fx.cf.watch.check_interval_ms, 30000);
	assert_int_equal(fx.cf.watch.confirm_interval_ms, 1000);
	assert_int_equal(fx.cf.watch.confirm_checks, 3);
	assert_null(fx.cf.watch.fence_command);
	assert_null(fx.cf.watch.on_event);
	assert_null(fx.cf.watch.metrics_file);
	assert_string_equal(fx.cf.watch.scenario, "데이터베이스 장애");
	assert_int_equal(fx.cf.watch.pos.line, 0);
	fixture_done(&fx);

	fixture_load(&fx,
	             DR_INLINE "watch:\n"
	                       "  check_interval: 1m\n"
	                       "  confirm_interval: 500ms\n"
	                       "  confirm_checks: 5\n"
	                       "  fence_command: /usr/local/sbin/dr-fence {{site.primary.name}}\n"
	                       "  on_event: logger -t drconsole\n"
	                       "  metrics_file: metrics/drconsole.prom\n"
	                       "  scenario: \"데이터센터 장애\"\n" TWO_SITES);
	expect_clean(&fx.d);
	assert_int_equal(fx.cf.watch.check_interval_ms, 60000);
	assert_int_equal(fx.cf.watch.confirm_interval_ms, 500);
	assert_int_equal(fx.cf.watch.confirm_checks, 5);
	assert_string_equal(fx.cf.watch.fence_command,
	                    "/usr/local/sbin/dr-fence {{site.primary.name}}");
	assert_int_equal(fx.cf.watch.fence_pos.line, 10);
	assert_int_equal(fx.cf.watch.fence_pos.col, 18);
	assert_string_equal(fx.cf.watch.on_event, "logger -t drconsole");
	char *metrics = xasprintf("%s/metrics/drconsole.prom", fx.dir);
	assert_string_equal(fx.cf.watch.metrics_file, metrics);
	free(metrics);
	assert_string_equal(fx.cf.watch.scenario, "데이터센터 장애");
	assert_int_equal(fx.cf.watch.scenario_pos.line, 13);
	assert_int_equal(fx.cf.watch.pos.line, 6);
	assert_int_equal(fx.cf.watch.pos.col, 1);
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE "watch:\n  metrics_file: ~/drconsole.prom\n" TWO_SITES);
	expect_clean(&fx.d);
	assert_string_equal(fx.cf.watch.metrics_file, "/home/unit/drconsole.prom");
	fixture_done(&fx);
}

/* Each wrong watch: value is reported at its FILE:LINE:COL, all in one load. */
static void test_conf_watch_errors(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE "watch:\n"
	                            "  check_interval: 999ms\n"
	                            "  confirm_interval: 0s\n"
	                            "  confirm_checks: 0\n"
	                            "  fence_command: \" \"\n"
	                            "  on_event: [a]\n"
	                            "  every: 1s\n" TWO_SITES);
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 6);
	expect_message(&fx.d, 7, 19, "key 'check_interval' must be at least 1s");
	expect_message(&fx.d, 8, 21, "key 'confirm_interval' must be at least 100ms");
	expect_message(&fx.d, 9, 19, "key 'confirm_checks' is 0, outside 1..100");
	expect_message(&fx.d, 10, 18, "key 'fence_command' must name a command, not be empty");
	expect_error(&fx.d, fx.file, 11, 13, "key 'on_event' must be a string");
	expect_error(&fx.d, fx.file, 12, 3, "unknown key 'every' in watch");
	/* a value refused is not kept: the defaults stand */
	assert_int_equal(fx.cf.watch.check_interval_ms, 30000);
	assert_int_equal(fx.cf.watch.confirm_interval_ms, 1000);
	assert_null(fx.cf.watch.fence_command);
	fixture_done(&fx);

	fixture_load(&fx,
	             DR_INLINE "watch:\n  check_interval: -5s\n  confirm_checks: 101\n" TWO_SITES);
	expect_error(&fx.d, fx.file, 7, 19, "key 'check_interval': invalid duration '-5s'");
	expect_message(&fx.d, 8, 19, "key 'confirm_checks' is 101, outside 1..100");
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE "watch: 30s\n" TWO_SITES);
	expect_error(&fx.d, fx.file, 6, 8, "key 'watch' must be a mapping");
	fixture_done(&fx);
}

/* An unknown key is reported where it is written, listing the keys that are allowed. */
static void test_conf_unknown_key(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE
		     "probes:\n"
		     "  interval: 2s\n" TWO_SITES);
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	expect_error(&fx.d, fx.file, 6, 1, "unknown key 'probes'");
	expect_message(
	    &fx.d, 6, 1,
	    "unknown key 'probes' in the config (expected one of: dr, dr_config, probe, "
	    "scenarios_dir, layouts_dir, state_dir, sites, params, actions, fence_on_return, "
	    "watch)");
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE TWO_SITES
		     "  - name: datacenter-3\n"
		     "    ssh: {host: h, hostname: x}\n");
	assert_int_equal(fx.rc, -1);
	expect_message(&fx.d, 12, 20,
		       "unknown key 'hostname' in ssh (expected one of: host, port, user, "
		       "identity, known_hosts, jump, config)");
	fixture_done(&fx);
}

/* Without sites:, or with one site only, the config is refused. */
static void test_conf_sites_count(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE);
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	expect_error(&fx.d, fx.file, 1, 1, "missing required key 'sites' in the config");
	assert_int_equal(fx.cf.n_sites, 0);
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE
		     "sites:\n"
		     "  - name: datacenter-1\n"
		     "    ssh: {host: db1.example.com}\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 7, 3,
		     "key 'sites' lists 1 site; drconsole needs two (the primary and the DR site)");
	/* The DR site named in dr: is then missing too, reported at its value. */
	expect_error(&fx.d, fx.file, 3, 12,
		     "dr_site 'datacenter-2' is not one of the configured sites (datacenter-1)");
	assert_int_equal(fx.d.errors, 2);
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE "sites: []\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 6, 8, "key 'sites' lists 0 sites");
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE "sites: db1, db2\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 6, 8, "key 'sites' must be a list");
	fixture_done(&fx);
}

/* A site name given twice is reported at the second name, citing the first. */
static void test_conf_duplicate_site(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE
		     "sites:\n"
		     "  - name: datacenter-1\n"
		     "    ssh: {host: db1.example.com}\n"
		     "  - name: datacenter-1\n"
		     "    ssh: {host: db2.example.com}\n");
	assert_int_equal(fx.rc, -1);
	expect_message(&fx.d, 9, 11, "site 'datacenter-1' is defined twice (first at line 7)");
	fixture_done(&fx);
}

/* Ports must be whole numbers in 1..65535, wherever they are. */
static void test_conf_ports(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE
		     "sites:\n"
		     "  - name: datacenter-1\n"
		     "    ssh:\n"
		     "      host: db1\n"
		     "      port: 70000\n"
		     "    postgres:\n"
		     "      port: abc\n"
		     "  - name: datacenter-2\n"
		     "    ssh: {host: db2, port: 0}\n"
		     "    postgres: {port: \"-1\"}\n");
	assert_int_equal(fx.rc, -1);
	expect_message(&fx.d, 10, 13, "key 'port' is 70000, outside 1..65535");
	expect_message(&fx.d, 12, 13, "key 'port' must be a whole number, not 'abc'");
	expect_message(&fx.d, 14, 28, "key 'port' is 0, outside 1..65535");
	expect_message(&fx.d, 15, 22, "key 'port' is -1, outside 1..65535");
	assert_int_equal(fx.d.errors, 4);
	/* A refused port is not stored: the default applies. */
	assert_int_equal(fx.cf.sites[0].ssh.port, 0);
	assert_int_equal(fx.cf.sites[0].pg.port, 5432);
	fixture_done(&fx);
}

/* The backup folder is on the site, so it must be absolute. */
static void test_conf_relative_backups(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE TWO_SITES
		     "    backups:\n"
		     "      dir: backup\n"
		     "      max_age: 0s\n");
	assert_int_equal(fx.rc, -1);
	expect_message(&fx.d, 12, 12,
		       "key 'dir' is a folder on the site and must be an absolute path, not "
		       "'backup'");
	expect_message(&fx.d, 13, 16, "key 'max_age' must be more than zero");
	assert_int_equal(fx.d.errors, 2);
	fixture_done(&fx);
}

/* The lock folder is on the site: absolute, or under the site account's home ("~/"). */
static void test_conf_lock_dir(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE TWO_SITES "    lock_dir: ~/locks\n");
	expect_clean(&fx.d);
	assert_string_equal(fx.cf.sites[1].lock_dir, "~/locks");
	assert_null(fx.cf.sites[0].lock_dir);
	fixture_done(&fx);
	static const char *const bad[] = {"locks", "~locks", "~user/locks", "$HOME/locks"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *text = xasprintf(DR_INLINE TWO_SITES "    lock_dir: \"%s\"\n", bad[i]);
		char *want = xasprintf("key 'lock_dir' is a folder on the site and must be an "
		                       "absolute path, not '%s' (or start with ~/, the site "
		                       "account's home)",
		                       bad[i]);
		fixture_load(&fx, text);
		assert_int_equal(fx.rc, -1);
		expect_message(&fx.d, 11, 15, want);
		fixture_done(&fx);
		free(want);
		free(text);
	}
}

/* dr: and dr_config: exclude each other, and one of them is required. */
static void test_conf_dr_choice(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE "dr_config: kubernetes/dr-config.yml\n" TWO_SITES);
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	expect_error(&fx.d, fx.file, 6, 1, "give either 'dr' or 'dr_config', not both");
	fixture_done(&fx);

	fixture_load(&fx, TWO_SITES);
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	expect_error(&fx.d, fx.file, 1, 1,
		     "missing required key 'dr' (or 'dr_config' naming the DR ConfigMap)");
	fixture_done(&fx);

	fixture_load(&fx, "dr_config: nowhere/dr-config.yml\n" TWO_SITES);
	assert_int_equal(fx.rc, -1);
	char *msg = xasprintf("key 'dr_config': cannot read '%s/nowhere/dr-config.yml'", fx.dir);
	expect_error(&fx.d, fx.file, 1, 12, msg);
	free(msg);
	fixture_done(&fx);
}

/* Naming a site that is not configured is reported at the primary_site value. */
static void test_conf_unknown_primary(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, "dr:\n"
			  "  primary_site: datacenter-9\n"
			  "  dr_site: datacenter-2\n"
			  "  failover_mode: automatic\n"
			  "  sync_interval: 5m\n" TWO_SITES);
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	expect_error(&fx.d, fx.file, 2, 17,
		     "primary_site 'datacenter-9' is not one of the configured sites "
		     "(datacenter-1, datacenter-2)");
	assert_null(conf_primary(&fx.cf));
	assert_ptr_equal(conf_dr(&fx.cf), &fx.cf.sites[1]);
	fixture_done(&fx);
}

/* A password key is an error wherever it sits, and so is "password=" inside a value. */
static void test_conf_passwords(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE TWO_SITES
		     "    postgres:\n"
		     "      user: drmonitor\n"
		     "      password: hunter2\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 13, 7,
		     "key 'password': a password may not be written in the config");
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE TWO_SITES
		     "    services:\n"
		     "      - name: app\n"
		     "        check: \"psql 'host=db2 password=hunter2' -c 'select 1'\"\n");
	assert_int_equal(fx.rc, -1);
	assert_int_equal(fx.d.errors, 1);
	expect_error(&fx.d, fx.file, 13, 16, "a password is written in this value");
	fixture_done(&fx);

	fixture_load(&fx, DR_INLINE TWO_SITES
		     "params:\n"
		     "  db_passwd: x\n"
		     "  url: \"postgresql://drops:hunter2@db2/erp\"\n"
		     "  env: PGPASSWORD=hunter2\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 12, 3, "key 'db_passwd': a password may not be written");
	expect_error(&fx.d, fx.file, 13, 8, "a password is written in this value");
	expect_error(&fx.d, fx.file, 14, 8, "a password is written in this value");
	assert_int_equal(fx.d.errors, 3);
	fixture_done(&fx);
}

/* One load reports every problem it finds, not just the first. */
static void test_conf_many_errors(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE
		     "colour: blue\n"
		     "sites:\n"
		     "  - name: datacenter-1\n"
		     "    ssh: {host: db1, port: 99999}\n"
		     "    backups: {dir: relative/dir}\n"
		     "  - name: datacenter-2\n"
		     "    ssh: {host: db2}\n"
		     "    postgres: {passphrase: x}\n"
		     "probe: {interval: 2 seconds}\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 6, 1, "unknown key 'colour'");
	expect_error(&fx.d, fx.file, 9, 28, "outside 1..65535");
	expect_error(&fx.d, fx.file, 10, 20, "must be an absolute path, not 'relative/dir'");
	expect_error(&fx.d, fx.file, 13, 16, "key 'passphrase': a password may not be written");
	/* The password key is reported once, not again as an unknown key. */
	assert_false(unit_diag_has(&fx.d, "unknown key 'passphrase'"));
	expect_error(&fx.d, fx.file, 14, 19, "key 'interval': invalid duration '2 seconds'");
	assert_int_equal(fx.d.errors, 5);
	fixture_done(&fx);
}

/* dr_config: a path relative to the config's folder, read as the seed's ConfigMap. */
static void test_conf_dr_config(void **state)
{
	(void)state;
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	struct fixture fx;
	fixture_write(&fx, "dr_config: kubernetes/dr-config.yml\n" TWO_SITES);
	char *sub = xasprintf("%s/kubernetes", fx.dir);
	char *seed = xasprintf("%s/scenarios/kubernetes/dr-config.yml", top);
	char *link = xasprintf("%s/dr-config.yml", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(symlink(seed, link), 0);
	fx.rc = conf_load(&fx.cf, fx.file, &fx.d);
	expect_clean(&fx.d);
	assert_int_equal(fx.rc, 0);
	assert_string_equal(fx.cf.dr.primary_site, "datacenter-1");
	assert_string_equal(fx.cf.dr.dr_site, "datacenter-2");
	assert_int_equal(fx.cf.dr.failover_mode, FAILOVER_AUTOMATIC);
	assert_int_equal(fx.cf.dr.sync_interval_ms, 300000);
	assert_string_equal(fx.cf.dr.source, link);
	assert_ptr_equal(conf_primary(&fx.cf), &fx.cf.sites[0]);
	assert_ptr_equal(conf_dr(&fx.cf), &fx.cf.sites[1]);
	conf_free(&fx.cf);
	diag_free(&fx.d);

	/* Sites that do not match the ConfigMap: the error points into the ConfigMap. */
	FILE *fp = fopen(fx.file, "w");
	assert_non_null(fp);
	fputs("dr_config: kubernetes/dr-config.yml\n"
	      "sites:\n"
	      "  - {name: dc-a, ssh: {host: a}}\n"
	      "  - {name: dc-b, ssh: {host: b}}\n",
	      fp);
	assert_int_equal(fclose(fp), 0);
	fx.rc = conf_load(&fx.cf, fx.file, &fx.d);
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, link, 7, 17,
		     "primary_site 'datacenter-1' is not one of the configured sites (dc-a, dc-b)");
	expect_error(&fx.d, link, 8, 12, "dr_site 'datacenter-2' is not one of the configured");
	assert_int_equal(fx.d.errors, 2);
	free(sub);
	free(seed);
	free(link);
	fixture_done(&fx);
}

/* The lookups: sites by name, the two roles, and deployment parameters. */
static void test_conf_lookups(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, "dr:\n"
			  "  primary_site: datacenter-2\n"
			  "  dr_site: datacenter-1\n"
			  "  failover_mode: manual\n"
			  "  sync_interval: 60\n" TWO_SITES
			  "params:\n"
			  "  app: erp-chatbot\n"
			  "  empty: \"\"\n");
	expect_clean(&fx.d);
	assert_ptr_equal(conf_site(&fx.cf, "datacenter-1"), &fx.cf.sites[0]);
	assert_ptr_equal(conf_site(&fx.cf, "datacenter-2"), &fx.cf.sites[1]);
	assert_null(conf_site(&fx.cf, "datacenter-3"));
	assert_null(conf_site(&fx.cf, "datacenter"));
	assert_ptr_equal(conf_primary(&fx.cf), &fx.cf.sites[1]);
	assert_ptr_equal(conf_dr(&fx.cf), &fx.cf.sites[0]);
	assert_string_equal(conf_param(&fx.cf, "app"), "erp-chatbot");
	assert_string_equal(conf_param(&fx.cf, "empty"), "");
	assert_null(conf_param(&fx.cf, "ap"));
	assert_null(conf_param(&fx.cf, "missing"));
	fixture_done(&fx);
}

/* Malformed params and a PostgreSQL host without via: direct are refused. */
static void test_conf_params_and_via(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DR_INLINE TWO_SITES
		     "    postgres: {host: 10.0.0.5}\n"
		     "params:\n"
		     "  app-name: x\n"
		     "  list: [a, b]\n");
	assert_int_equal(fx.rc, -1);
	expect_error(&fx.d, fx.file, 11, 22, "key 'host' is only used with 'via: direct'");
	expect_error(&fx.d, fx.file, 13, 3,
		     "parameter name 'app-name' may hold only letters, digits and '_'");
	expect_error(&fx.d, fx.file, 14, 9, "parameter 'list' must be a string, not a list");
	assert_int_equal(fx.d.errors, 3);
	assert_int_equal(fx.cf.n_params, 0);
	fixture_done(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf_full),
	    cmocka_unit_test(test_conf_defaults),
	    cmocka_unit_test(test_conf_fence_on_return),
	    cmocka_unit_test(test_conf_watch),
	    cmocka_unit_test(test_conf_watch_errors),
	    cmocka_unit_test(test_conf_unknown_key),
	    cmocka_unit_test(test_conf_sites_count),
	    cmocka_unit_test(test_conf_duplicate_site),
	    cmocka_unit_test(test_conf_ports),
	    cmocka_unit_test(test_conf_relative_backups),
	    cmocka_unit_test(test_conf_lock_dir),
	    cmocka_unit_test(test_conf_dr_choice),
	    cmocka_unit_test(test_conf_unknown_primary),
	    cmocka_unit_test(test_conf_passwords),
	    cmocka_unit_test(test_conf_many_errors),
	    cmocka_unit_test(test_conf_dr_config),
	    cmocka_unit_test(test_conf_lookups),
	    cmocka_unit_test(test_conf_params_and_via),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
