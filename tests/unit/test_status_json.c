/*
 * Tests of core/status_json.c: the rendered text is parsed back with jansson
 * and checked key by key, whole objects compared exactly where they are
 * small, and unknown values checked to be null, never 0.
 */
#include "config.h"

#include <jansson.h>

#include "unit.h"

#include "status_json.h"

#define NOW 1795753200123LL

/* A config, two sites' snapshots and the verdict on them. */
struct fx {
	struct conf cf;
	struct site sites[2];
	struct site_status st[2];
	struct verdict v;
};

/* Fills a site that answered everything a moment ago, in the given role. */
static void fx_site(struct fx *f, size_t i, const char *name, enum pg_role role)
{
	f->sites[i].name = (char *)name;
	f->sites[i].backups.dir = "/backup";
	f->sites[i].backups.pattern = "db_backup_*.dump";
	f->sites[i].backups.retention_days = 30;
	f->sites[i].backups.max_age_ms = 26 * 3600 * 1000LL;
	struct site_status *s = &f->st[i];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->at_ms = s->pg.at_ms = NOW - 500;
	s->reachable = s->pg.up = 1;
	s->pg.role = role;
	snprintf(s->pg.version, sizeof s->pg.version, "15.18 (Debian 15.18-0+deb12u1)");
	s->pg.timeline = (struct opt_i64){1, 1};
	snprintf(s->pg.wal_level, sizeof s->pg.wal_level, "replica");
	s->pg.max_wal_senders = (struct opt_i64){1, 10};
	s->pg.wal_keep_size_mb = (struct opt_i64){1, 512};
	s->pg.hot_standby = 1;
	s->health = (struct snap_health){.at_ms = NOW - 500,
	                                 .ok = 1,
	                                 .load1 = 1.5,
	                                 .load_known = 1,
	                                 .rtt_ms = {1, 4},
	                                 .n_services = 1};
	s->health.data_free_bytes = (struct opt_i64){1, 1000};
	s->health.data_total_bytes = (struct opt_i64){1, 4000};
	s->health.services[0] = (struct snap_service){"postgresql", 1, 0};
	s->backups = (struct snap_backups){.at_ms = NOW - 1500,
	                                   .ok = 1,
	                                   .configured = 1,
	                                   .count = 4,
	                                   .total_bytes = 1142424,
	                                   .newest_age_s = {1, 3600},
	                                   .newest_bytes = 285606,
	                                   .expired = 2,
	                                   .unverified = 1};
	snprintf(s->backups.newest_name, sizeof s->backups.newest_name,
	         "db_backup_20261127_031034.dump");
	s->execs_last_cycle = 1;
	s->queries_last_cycle = 1;
}

/* The lab in good shape: datacenter-1 streams to datacenter-2, caught up. */
static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	f->cf.dr.primary_site = "datacenter-1";
	f->cf.dr.dr_site = "datacenter-2";
	f->cf.dr.sync_interval_ms = 300000;
	f->cf.probe_interval_ms = 2000;
	f->cf.sites = f->sites;
	f->cf.n_sites = 2;
	fx_site(f, 0, "datacenter-1", PG_ROLE_PRIMARY);
	fx_site(f, 1, "datacenter-2", PG_ROLE_STANDBY);
	struct snap_pg *p = &f->st[0].pg, *s = &f->st[1].pg;
	p->current_lsn = (struct opt_i64){1, 0x4191890};
	p->n_standbys = 1;
	p->standbys[0] = (struct snap_standby){"datacenter-2", "127.0.0.1",    "streaming",
	                                       "async",        {1, 0x4191890}, {1, 0x4191890},
	                                       {1, 0x4191890}, {1, 0x4191890}, {1, 0}};
	p->n_slots = 1;
	p->slots[0] = (struct snap_slot){"dr_standby", 1, {1, 0x4191890}, {1, 0}};
	s->receive_lsn = s->replay_lsn = (struct opt_i64){1, 0x4191890};
	s->replay_delay_ms = (struct opt_i64){1, 1702};
	snprintf(s->receiver_status, sizeof s->receiver_status, "streaming");
	snprintf(s->receiver_host, sizeof s->receiver_host, "127.0.0.1");
	s->n_findings = 1;
	snprintf(s->findings[0], sizeof s->findings[0], "primary_conninfo carries a password");
}

/* Judges and renders the fixture, and parses the text back (decref it). */
static json_t *fx_render(struct fx *f)
{
	verdict_judge(&f->cf, f->st, 2, NOW, &f->v);
	char *text = status_json_render(&f->cf, f->st, 2, &f->v, NOW);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);
	if (root == NULL)
		fail_msg("status --json is not JSON: %s\n%s", err.text, text);
	free(text);
	return root;
}

/* Judges and renders the fixture with the state folder's fence and watcher (decref it). */
static json_t *fx_render_state(struct fx *f, const struct status_json_state *st)
{
	verdict_judge(&f->cf, f->st, 2, NOW, &f->v);
	char *text = status_json_render_state(&f->cf, f->st, 2, &f->v, NOW, st);
	json_t *root = json_loads(text, 0, NULL);
	if (root == NULL)
		fail_msg("status --json is not JSON:\n%s", text);
	free(text);
	return root;
}

/* Returns the value at a path of object keys and array indexes ("sites.0.postgres.up"). */
static json_t *at(json_t *root, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	json_t *j = root;
	for (char *k = strtok_r(copy, ".", &save); j != NULL && k != NULL;
	     k = strtok_r(NULL, ".", &save))
		j = json_is_array(j) ? json_array_get(j, strtoul(k, NULL, 10))
		                     : json_object_get(j, k);
	if (j == NULL)
		fail_msg("no value at %s", path);
	free(copy);
	return j;
}

/* Fails unless the value at path is null. */
static void expect_null(json_t *root, const char *path)
{
	if (!json_is_null(at(root, path)))
		fail_msg("%s is not null", path);
}

/* Fails unless the value at path is the string want. */
static void expect_str(json_t *root, const char *path, const char *want)
{
	const char *s = json_string_value(at(root, path));
	if (s == NULL || strcmp(s, want) != 0)
		fail_msg("%s is %s, expected \"%s\"", path, s ? s : "(not a string)", want);
}

/* Fails unless the value at path is the integer want. */
static void expect_int(json_t *root, const char *path, json_int_t want)
{
	json_t *j = at(root, path);
	if (!json_is_integer(j) || json_integer_value(j) != want)
		fail_msg("%s is not the integer %lld", path, (long long)want);
}

/* Fails unless the value at path is the boolean want. */
static void expect_bool(json_t *root, const char *path, int want)
{
	json_t *j = at(root, path);
	if (!json_is_boolean(j) || json_is_true(j) != want)
		fail_msg("%s is not %s", path, want ? "true" : "false");
}

/* Fails unless the object at path equals the JSON text want exactly. */
static void expect_json(json_t *root, const char *path, const char *want)
{
	json_t *w = json_loads(want, 0, NULL);
	assert_non_null(w);
	if (!json_equal(at(root, path), w)) {
		char *got = json_dumps(at(root, path), JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("%s is\n%s\nexpected\n%s", path, got, want);
	}
	json_decref(w);
}

/* Fails unless the object at path has exactly these keys, in this order. */
static void expect_keys(json_t *root, const char *path, const char *const *keys, size_t n)
{
	json_t *obj = at(root, path);
	size_t i = 0;
	assert_int_equal(json_object_size(obj), n);
	for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it), i++)
		if (strcmp(json_object_iter_key(it), keys[i]) != 0)
			fail_msg("key %zu of %s is '%s', expected '%s'", i, path,
			         json_object_iter_key(it), keys[i]);
}

/* The top level, a site, and the design's stable keys, all present. */
static void test_keys(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	json_t *root = fx_render(&f);
	const char *top[] = {"overall", "exit_code", "time",       "reasons",
	                     "error",   "sites",     "replication"};
	expect_keys(root, "", top, 7);
	expect_null(root, "error");
	const char *site[] = {"name",  "role",     "configured_as", "reachable", "error",
	                      "age_s", "postgres", "health",        "backups",   "probe"};
	expect_keys(root, "sites.0", site, 10);
	const char *pg[] = {
	    "up",       "in_recovery",   "error",           "age_s",         "version",
	    "timeline", "current_lsn",   "receive_lsn",     "replay_lsn",    "replay_delay_s",
	    "lag_s",    "replay_paused", "replay_waiting",  "receiver_status", "receiver_host",
	    "settings", "standbys",      "slots",           "findings"};
	expect_keys(root, "sites.1.postgres", pg, 19);
	const char *bk[] = {"configured",   "ok",          "error",       "age_s",
	                    "count",        "total_bytes", "newest_name", "newest_bytes",
	                    "newest_age_s", "expired",     "invalid",     "invalid_names",
	                    "unverified"};
	expect_keys(root, "sites.0.backups", bk, 13);
	const char *link[] = {"from",
	                      "to",
	                      "state",
	                      "sync_state",
	                      "lag_bytes",
	                      "lag_s",
	                      "replay_delay_s",
	                      "receiver_status",
	                      "application_name"};
	expect_keys(root, "replication.0", link, 9);
	json_decref(root);
}

/* A healthy pair: every stable value, the extras, and whole small objects exactly. */
static void test_healthy(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	json_t *root = fx_render(&f);
	expect_str(root, "overall", "warning"); /* expired backups, the finding */
	expect_int(root, "exit_code", 1);
	expect_str(root, "time", "2026-11-27T04:20:00.123Z");
	expect_json(root, "reasons",
	            "[{\"level\": \"warning\", \"site\": \"datacenter-1\", \"text\": \"2 "
	            "backups on datacenter-1 are older than retention_days (30) and still "
	            "present\"}, {\"level\": \"warning\", \"site\": \"datacenter-2\", \"text\": "
	            "\"2 backups on datacenter-2 are older than retention_days (30) and still "
	            "present\"}, {\"level\": \"warning\", \"site\": \"datacenter-2\", \"text\": "
	            "\"datacenter-2: primary_conninfo carries a password\"}, {\"level\": \"ok\", "
	            "\"site\": \"datacenter-2\", \"text\": \"standby datacenter-2 is 0s behind in "
	            "replay, 0 bytes of WAL behind the primary\"}]");
	expect_str(root, "sites.0.name", "datacenter-1");
	expect_str(root, "sites.0.role", "primary");
	expect_str(root, "sites.0.configured_as", "primary");
	expect_bool(root, "sites.0.reachable", 1);
	expect_null(root, "sites.0.error");
	expect_bool(root, "sites.0.postgres.up", 1);
	expect_bool(root, "sites.0.postgres.in_recovery", 0);
	expect_str(root, "sites.0.postgres.current_lsn", "0/4191890");
	expect_null(root, "sites.0.postgres.receive_lsn");
	expect_null(root, "sites.0.postgres.replay_delay_s");
	expect_null(root, "sites.0.postgres.lag_s");
	expect_null(root, "sites.0.postgres.replay_paused");
	expect_int(root, "sites.0.postgres.timeline", 1);
	expect_json(root, "sites.0.postgres.standbys.0",
	            "{\"application_name\": \"datacenter-2\", \"client_addr\": \"127.0.0.1\", "
	            "\"state\": \"streaming\", \"sync_state\": \"async\", \"sent_lsn\": "
	            "\"0/4191890\", \"write_lsn\": \"0/4191890\", \"flush_lsn\": \"0/4191890\", "
	            "\"replay_lsn\": \"0/4191890\", \"lag_bytes\": 0}");
	expect_json(root, "sites.0.postgres.slots",
	            "[{\"name\": \"dr_standby\", \"active\": true, \"restart_lsn\": \"0/4191890\", "
	            "\"retained_bytes\": 0}]");
	expect_json(root, "sites.0.postgres.settings",
	            "{\"wal_level\": \"replica\", \"max_wal_senders\": 10, \"wal_keep_size_mb\": "
	            "512, \"hot_standby\": true}");
	expect_json(
	    root, "sites.0.backups",
	    "{\"configured\": true, \"ok\": true, \"error\": null, \"age_s\": 1.5, "
	    "\"count\": 4, \"total_bytes\": 1142424, \"newest_name\": "
	    "\"db_backup_20261127_031034.dump\", \"newest_bytes\": 285606, "
	    "\"newest_age_s\": 3601, \"expired\": 2, \"invalid\": 0, \"invalid_names\": [], "
	    "\"unverified\": 1}");
	expect_json(
	    root, "sites.0.health",
	    "{\"ok\": true, \"error\": null, \"age_s\": 0.5, \"rtt_ms\": 4, \"load1\": 1.5, "
	    "\"data_free_bytes\": 1000, \"data_total_bytes\": 4000, \"backup_free_bytes\": "
	    "null, \"backup_total_bytes\": null, \"services\": [{\"name\": \"postgresql\", "
	    "\"ok\": true, \"exit_status\": 0}]}");
	expect_json(root, "sites.0.probe", "{\"execs_last_cycle\": 1, \"queries_last_cycle\": 1}");
	expect_str(root, "sites.1.role", "standby");
	expect_str(root, "sites.1.configured_as", "dr");
	expect_bool(root, "sites.1.postgres.in_recovery", 1);
	expect_bool(root, "sites.1.postgres.replay_paused", 0);
	expect_null(root, "sites.1.postgres.current_lsn");
	expect_str(root, "sites.1.postgres.replay_lsn", "0/4191890");
	expect_str(root, "sites.1.postgres.receiver_status", "streaming");
	expect_json(root, "sites.1.postgres.findings", "[\"primary_conninfo carries a password\"]");
	expect_json(root, "replication",
	            "[{\"from\": \"datacenter-1\", \"to\": \"datacenter-2\", \"state\": "
	            "\"streaming\", \"sync_state\": \"async\", \"lag_bytes\": 0, \"lag_s\": 0.0, "
	            "\"replay_delay_s\": 1.702, \"receiver_status\": \"streaming\", "
	            "\"application_name\": \"datacenter-2\"}]");
	json_decref(root);
}

/* Nothing known: null everywhere a value would be, never 0 or false made up. */
static void test_unknown_is_null(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	for (size_t i = 0; i < 2; i++) {
		memset(&f.st[i], 0, sizeof f.st[i]);
		snprintf(f.st[i].name, sizeof f.st[i].name, "%s", f.sites[i].name);
	}
	snprintf(f.st[0].error, sizeof f.st[0].error, "no answer within 3.0 s");
	json_t *root = fx_render(&f);
	expect_str(root, "overall", "unknown");
	expect_int(root, "exit_code", 3);
	expect_str(root, "sites.0.role", "unknown");
	expect_bool(root, "sites.0.reachable", 0);
	expect_str(root, "sites.0.error", "no answer within 3.0 s");
	expect_null(root, "sites.1.reachable"); /* nothing published at all */
	expect_null(root, "sites.1.error");
	for (size_t i = 0; i < 2; i++) {
		const char *paths[] = {"age_s",
		                       "postgres.up",
		                       "postgres.in_recovery",
		                       "postgres.timeline",
		                       "postgres.current_lsn",
		                       "postgres.settings",
		                       "postgres.version",
		                       "health.ok",
		                       "health.load1",
		                       "health.data_free_bytes",
		                       "health.services",
		                       "health.rtt_ms",
		                       "backups.ok",
		                       "backups.count",
		                       "backups.newest_age_s",
		                       "backups.invalid",
		                       "backups.expired"};
		for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
			char *p = xasprintf("sites.%zu.%s", i, paths[k]);
			expect_null(root, p);
			free(p);
		}
		expect_bool(root, i ? "sites.1.backups.configured" : "sites.0.backups.configured",
		            0);
	}
	expect_json(root, "replication",
	            "[{\"from\": \"datacenter-1\", \"to\": \"datacenter-2\", \"state\": null, "
	            "\"sync_state\": null, \"lag_bytes\": null, \"lag_s\": null, "
	            "\"replay_delay_s\": null, \"receiver_status\": null, \"application_name\": "
	            "null}]");
	json_decref(root);
}

/* The primary down: role down, up false, recovery unknown; the link has no state or lag. */
static void test_primary_down(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_DOWN;
	snprintf(f.st[0].pg.error, sizeof f.st[0].pg.error, "connection refused");
	f.st[1].pg.receiver_status[0] = '\0';
	json_t *root = fx_render(&f);
	expect_str(root, "overall", "critical");
	expect_int(root, "exit_code", 2);
	expect_str(root, "reasons.0.level", "critical");
	expect_str(root, "reasons.0.text",
	           "PostgreSQL on primary datacenter-1 is down: connection refused");
	expect_str(root, "sites.0.role", "down");
	expect_bool(root, "sites.0.reachable", 1);
	expect_bool(root, "sites.0.postgres.up", 0);
	expect_null(root, "sites.0.postgres.in_recovery");
	expect_str(root, "sites.0.postgres.error", "connection refused");
	/* the last known position stays, with its age */
	expect_str(root, "sites.0.postgres.current_lsn", "0/4191890");
	expect_null(root, "replication.0.state");
	expect_null(root, "replication.0.lag_bytes");
	expect_null(root, "replication.0.receiver_status");
	expect_str(root, "replication.0.from", "datacenter-1");
	json_decref(root);
}

/* Values a role without pg_monitor cannot read are null in the rows. */
static void test_unreadable_row(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct snap_standby *sb = &f.st[0].pg.standbys[0];
	sb->state[0] = sb->sync_state[0] = sb->client_addr[0] = '\0';
	sb->replay_lag_bytes.known = sb->sent_lsn.known = 0;
	f.st[1].pg.hot_standby = -1;
	f.st[1].backups.ok = 0;
	snprintf(f.st[1].backups.error, sizeof f.st[1].backups.error, "listing failed");
	json_t *root = fx_render(&f);
	expect_null(root, "replication.0.state");
	expect_null(root, "replication.0.lag_bytes");
	expect_null(root, "sites.0.postgres.standbys.0.client_addr");
	expect_null(root, "sites.0.postgres.standbys.0.sent_lsn");
	expect_null(root, "sites.1.postgres.settings.hot_standby");
	expect_bool(root, "sites.1.backups.ok", 0);
	expect_null(root, "sites.1.backups.count");
	expect_null(root, "sites.1.backups.newest_age_s");
	expect_int(root, "sites.1.backups.invalid", 0);
	json_decref(root);
}

/* Split brain: both primary, the reason first; the link starts at the freshest primary. */
static void test_split_brain(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].pg.role = PG_ROLE_PRIMARY;
	f.st[1].pg.timeline.v = 2;
	f.st[1].pg.at_ms = NOW - 100;
	json_t *root = fx_render(&f);
	expect_str(root, "overall", "critical");
	expect_str(root, "reasons.0.text",
	           "SPLIT BRAIN: both datacenter-1 and datacenter-2 accept writes as primary");
	expect_null(root, "reasons.0.site");
	expect_str(root, "sites.0.role", "primary");
	expect_str(root, "sites.1.role", "primary");
	expect_int(root, "sites.1.postgres.timeline", 2);
	expect_bool(root, "sites.1.postgres.in_recovery", 0);
	expect_str(root, "replication.0.from", "datacenter-2");
	expect_str(root, "replication.0.to", "datacenter-1");
	expect_null(root, "replication.0.state");
	json_decref(root);
}

/* Text from a site that is not UTF-8 (or was cut mid-character) comes out valid. */
static void test_bad_utf8(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].reachable = 0;
	snprintf(f.st[1].error, sizeof f.st[1].error, "bad \xff byte, cut \xed\x95");
	snprintf(f.st[0].backups.newest_name, sizeof f.st[0].backups.newest_name,
	         "db_backup_\xb9\xe9\xbe\xf7.dump"); /* "backup" in EUC-KR */
	json_t *root = fx_render(&f);
	expect_str(root, "sites.1.error", "bad \xef\xbf\xbd byte, cut \xef\xbf\xbd\xef\xbf\xbd");
	expect_str(root, "sites.0.backups.newest_name",
	           "db_backup_\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.dump");
	json_decref(root);
}

/* A fence kept and a watcher running: both objects, every key, after the others. */
static void test_fence_and_watcher(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct fencestate fs = {.present = 1, .armed = 1, .site = "datacenter-1"};
	snprintf(fs.arm.at, sizeof fs.arm.at, "2026-11-27T06:04:11.123Z");
	struct watchstate ws = {.present = 1, .running = 1, .pid = 4242, .host = "jump1",
	                        .since = "2026-11-27T06:00:00.000Z", .mode = "automatic",
	                        .state = "watching", .last_check = "2026-11-27T06:05:01.000Z",
	                        .detail = "both sites answer"};
	struct status_json_state st = {&fs, NULL, &ws, NULL};
	json_t *root = fx_render_state(&f, &st);
	static const char *const top[] = {"overall", "exit_code", "time", "reasons", "error",
	                                  "sites", "replication", "fence", "watcher"};
	expect_keys(root, "", top, sizeof top / sizeof top[0]);
	expect_json(root, "fence",
	            "{\"armed\": true, \"site\": \"datacenter-1\", "
	            "\"since\": \"2026-11-27T06:04:11.123Z\", \"error\": null}");
	expect_json(root, "watcher",
	            "{\"running\": true, \"mode\": \"automatic\", \"state\": \"watching\", "
	            "\"since\": \"2026-11-27T06:00:00.000Z\", "
	            "\"last_check\": \"2026-11-27T06:05:01.000Z\", \"pid\": 4242, "
	            "\"host\": \"jump1\", \"detail\": \"both sites answer\", \"error\": null}");
	static const char *const keys[] = {"running", "mode", "state", "since", "last_check",
	                                   "pid", "host", "detail", "error"};
	expect_keys(root, "watcher", keys, sizeof keys / sizeof keys[0]);
	json_decref(root);
}

/* No watcher ever here: running false, the rest null; no fence armed: site and since null. */
static void test_watcher_never_seen(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct fencestate fs = {0};
	struct watchstate ws = {0};
	struct status_json_state st = {&fs, NULL, &ws, NULL};
	json_t *root = fx_render_state(&f, &st);
	expect_bool(root, "watcher.running", 0);
	static const char *const nulls[] = {"watcher.mode", "watcher.state", "watcher.since",
	                                    "watcher.last_check", "watcher.pid", "watcher.host",
	                                    "watcher.detail", "watcher.error", "fence.site",
	                                    "fence.since", "fence.error"};
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		expect_null(root, nulls[i]);
	expect_bool(root, "fence.armed", 0);
	json_decref(root);
}

/* A watcher that died: its last status as it was, running false; a first check not yet made. */
static void test_watcher_stopped(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct fencestate fs = {0};
	struct watchstate ws = {.present = 1, .pid = 77, .mode = "manual", .state = "held",
	                        .since = "2026-11-27T06:00:00.000Z"};
	struct status_json_state st = {&fs, NULL, &ws, NULL};
	json_t *root = fx_render_state(&f, &st);
	expect_bool(root, "watcher.running", 0);
	expect_str(root, "watcher.mode", "manual");
	expect_str(root, "watcher.state", "held");
	expect_int(root, "watcher.pid", 77);
	expect_null(root, "watcher.last_check");
	expect_null(root, "watcher.detail");
	json_decref(root);
}

/* Neither can be read: running and armed null (not known), each with its error. */
static void test_state_unreadable(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct status_json_state st = {NULL, "fence.json: not a fence state", NULL,
	                               "cannot open watch.lock: Permission denied"};
	json_t *root = fx_render_state(&f, &st);
	expect_null(root, "fence.armed");
	expect_str(root, "fence.error", "fence.json: not a fence state");
	expect_null(root, "watcher.running");
	expect_null(root, "watcher.mode");
	expect_null(root, "watcher.pid");
	expect_str(root, "watcher.error", "cannot open watch.lock: Permission denied");
	json_decref(root);
}

/* status_json_render, which has no state folder to tell, leaves both out. */
static void test_no_state_keys(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	json_t *root = fx_render(&f);
	assert_null(json_object_get(root, "fence"));
	assert_null(json_object_get(root, "watcher"));
	json_decref(root);
}

/* No status could be taken (a bad config): still one object, unknown, with the error. */
static void test_error(void **state)
{
	(void)state;
	char *text = status_json_render_error("drconsole.yml:3:5: error: bad \xff", NOW);
	json_t *root = json_loads(text, 0, NULL);
	assert_non_null(root);
	free(text);
	const char *top[] = {"overall", "exit_code", "time",       "reasons",
	                     "error",   "sites",     "replication"};
	expect_keys(root, "", top, 7);
	expect_str(root, "overall", "unknown");
	expect_int(root, "exit_code", 3);
	expect_str(root, "error", "drconsole.yml:3:5: error: bad \xef\xbf\xbd");
	expect_str(root, "reasons.0.level", "unknown");
	expect_str(root, "reasons.0.text", "drconsole.yml:3:5: error: bad \xef\xbf\xbd");
	expect_json(root, "sites", "[]");
	expect_json(root, "replication", "[]");
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_healthy),
	    cmocka_unit_test(test_unknown_is_null),
	    cmocka_unit_test(test_primary_down),
	    cmocka_unit_test(test_unreadable_row),
	    cmocka_unit_test(test_split_brain),
	    cmocka_unit_test(test_bad_utf8),
	    cmocka_unit_test(test_error),
	    cmocka_unit_test(test_fence_and_watcher),
	    cmocka_unit_test(test_watcher_never_seen),
	    cmocka_unit_test(test_watcher_stopped),
	    cmocka_unit_test(test_state_unreadable),
	    cmocka_unit_test(test_no_state_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
