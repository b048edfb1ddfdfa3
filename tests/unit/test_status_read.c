/*
 * Tests of core/status_read.c. The round trip is the test that matters: for
 * each set of snapshots, rendering what was read gives the very text that was
 * read, and judging it again gives the same verdict. Then the fields the
 * renderer does not write, several documents in one file, and every kind of
 * bad input with its exact FILE:LINE:COL message.
 */
#include "config.h"

#include <jansson.h>

#include "unit.h"

#include "status_json.h"
#include "status_read.h"

#define NOW     1795753200123LL /* 2026-11-27T04:20:00.123Z */
#define CAPTURE "capture.json"

/* Copies text into a fixed-size field of a snapshot. */
#define PUT(field, text) snprintf(field, sizeof field, "%s", text)

/* A config of up to three sites and their snapshots. */
struct fx {
	struct conf cf;
	struct site sites[3];
	struct site_status st[3];
	struct diag d;
	struct status_captures caps;
};

/* Sets up n configured sites, never heard from; the first is the primary, the second the DR site.
 */
static void fx_init(struct fx *f, size_t n, const char *const *names)
{
	memset(f, 0, sizeof *f);
	diag_init(&f->d);
	f->cf.sites = f->sites;
	f->cf.n_sites = n;
	f->cf.probe_interval_ms = 2000;
	f->cf.dr.sync_interval_ms = 60000;
	f->cf.dr.primary_site = (char *)names[0];
	f->cf.dr.dr_site = (char *)names[1];
	for (size_t i = 0; i < n; i++) {
		f->sites[i] = (struct site){.name = (char *)names[i],
		                            .backups = {"/srv/backup", "db_*.dump", 14, 86400000}};
		PUT(f->st[i].name, names[i]);
	}
}

/* The usual two sites. */
static void fx_pair(struct fx *f)
{
	static const char *const names[] = {"datacenter-1", "datacenter-2"};
	fx_init(f, 2, names);
}

/* Makes site i a site that answered everything, age_ms ago, in the given role. */
static void fx_answered(struct fx *f, size_t i, enum pg_role role, int64_t age_ms)
{
	struct site_status *s = &f->st[i];
	int64_t at = NOW - age_ms;
	s->generation = 5;
	s->at_ms = s->since_ms = at;
	s->reachable = 1;
	s->pg = (struct snap_pg){.at_ms = at - 7,
	                         .up = 1,
	                         .role = role,
	                         .timeline = {1, 3},
	                         .max_wal_senders = {1, 10},
	                         .wal_keep_size_mb = {1, 1024},
	                         .hot_standby = 1};
	PUT(s->pg.version, "16.4 (Ubuntu 16.4-1.pgdg24.04+1)");
	PUT(s->pg.wal_level, "replica");
	s->health = (struct snap_health){.at_ms = at - 13,
	                                 .ok = 1,
	                                 .rtt_ms = {1, 12},
	                                 .load1 = 0.27,
	                                 .load_known = 1,
	                                 .data_free_bytes = {1, 52LL << 30},
	                                 .data_total_bytes = {1, 200LL << 30},
	                                 .backup_free_bytes = {1, 9LL << 30},
	                                 .backup_total_bytes = {1, 50LL << 30}};
	s->backups = (struct snap_backups){.at_ms = at - 2711,
	                                   .ok = 1,
	                                   .configured = 1,
	                                   .count = 7,
	                                   .total_bytes = 7123456,
	                                   .newest_age_s = {1, 5400},
	                                   .newest_bytes = 1017654,
	                                   .unverified = 2};
	PUT(s->backups.newest_name, "db_20261127_024500.dump");
	s->execs_last_cycle = 2;
	s->queries_last_cycle = 1;
}

/* Adds a service check's outcome to site i (exit_status -1: it did not finish). */
static void fx_service(struct fx *f, size_t i, const char *name, int exit_status)
{
	struct snap_health *h = &f->st[i].health;
	struct snap_service *svc = &h->services[h->n_services++];
	PUT(svc->name, name);
	svc->ok = exit_status == 0;
	svc->exit_status = exit_status;
}

/* Returns an LSN that is known. */
static struct opt_i64 lsn(int64_t v)
{
	return (struct opt_i64){1, v};
}

/* Adds a pg_stat_replication row to the primary p. */
static void fx_row(struct fx *f, size_t p, const char *app, const char *state, int64_t replay)
{
	struct snap_pg *pg = &f->st[p].pg;
	struct snap_standby *sb = &pg->standbys[pg->n_standbys++];
	PUT(sb->application_name, app);
	PUT(sb->client_addr, "10.20.0.5");
	PUT(sb->state, state);
	PUT(sb->sync_state, "async");
	sb->sent_lsn = sb->write_lsn = lsn(0x1A0004000);
	sb->flush_lsn = lsn(0x1A0003F00);
	sb->replay_lsn = lsn(replay);
	sb->replay_lag_bytes = (struct opt_i64){1, 0x1A0004000 - replay};
}

/* The healthy pair: datacenter-1 streams to datacenter-2, which is a little behind. */
static void fx_healthy(struct fx *f)
{
	fx_pair(f);
	fx_answered(f, 0, PG_ROLE_PRIMARY, 400);
	fx_answered(f, 1, PG_ROLE_STANDBY, 1250);
	struct snap_pg *p = &f->st[0].pg, *s = &f->st[1].pg;
	p->current_lsn = lsn(0x1A0004000);
	fx_row(f, 0, "datacenter-2", "streaming", 0x1A0002000);
	fx_row(f, 0, "pg_basebackup", "catchup", 0x190000000);
	p->slots[p->n_slots++] = (struct snap_slot){"dr_standby", 1, lsn(0x1A0002000), {1, 8192}};
	p->slots[p->n_slots++] = (struct snap_slot){"old_slot", 0, {0, 0}, {0, 0}};
	PUT(p->findings[p->n_findings++],
	    "max_wal_senders (10) leaves no room for a second standby");
	s->receive_lsn = lsn(0x1A0003000);
	s->replay_lsn = lsn(0x1A0002000);
	s->replay_delay_ms = (struct opt_i64){1, 4321};
	s->timeline.v = 3;
	PUT(s->receiver_status, "streaming");
	PUT(s->receiver_host, "db1.dc1.example.com");
	PUT(s->findings[s->n_findings++], "primary_conninfo carries a password");
	PUT(s->findings[s->n_findings++], "hot_standby_feedback is off");
	fx_service(f, 0, "erp-chatbot", 0);
	fx_service(f, 0, "pgbouncer", 0);
	fx_service(f, 1, "erp-chatbot", 0);
}

/* Renders the fixture's snapshots as status --json does at time now (free the text). */
static char *fx_render(const struct fx *f, const struct site_status *st, int64_t now)
{
	struct verdict v;
	verdict_judge(&f->cf, st, f->cf.n_sites, now, &v);
	return status_json_render(&f->cf, st, f->cf.n_sites, &v, now);
}

/* Reads text as CAPTURE into f->caps; returns what status_read_text returned. */
static int fx_read(struct fx *f, const char *text)
{
	status_captures_free(&f->caps);
	diag_free(&f->d);
	return status_read_text(text, strlen(text), CAPTURE, &f->cf, &f->caps, &f->d);
}

/* Fails unless the text renders back byte for byte, with the recorded verdict and judged anew. */
static void expect_round_trip(struct fx *f)
{
	char *text = fx_render(f, f->st, NOW);
	int rc = fx_read(f, text);
	if (rc != 0 || f->d.n != 0) {
		diag_print(&f->d, stderr);
		fail_msg("the rendered text was not read back");
	}
	assert_int_equal(f->caps.n, 1);
	const struct status_capture *cap = &f->caps.items[0];
	assert_int_equal(cap->time_ms, NOW);
	struct verdict v;
	status_read_verdict(cap, &v);
	char *again = status_json_render(&f->cf, cap->sites, f->cf.n_sites, &v, cap->time_ms);
	assert_string_equal(again, text);
	free(again);
	again = fx_render(f, cap->sites, cap->time_ms);
	assert_string_equal(again, text);
	free(again);
	free(text);
}

/* Frees what a test read. */
static void fx_free(struct fx *f)
{
	status_captures_free(&f->caps);
	diag_free(&f->d);
}

/* A healthy primary and standby: lag, rows, slots, findings, settings, services. */
static void test_round_trip_healthy(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	expect_round_trip(&f);
	const struct site_status *p = &f.caps.items[0].sites[0], *s = &f.caps.items[0].sites[1];
	assert_int_equal(p->pg.role, PG_ROLE_PRIMARY);
	assert_int_equal(p->pg.at_ms, f.st[0].pg.at_ms);
	assert_int_equal(p->health.at_ms, f.st[0].health.at_ms);
	assert_int_equal(p->backups.at_ms, f.st[0].backups.at_ms);
	assert_int_equal(p->backups.newest_age_s.v, 5400);
	assert_int_equal(p->pg.standbys[1].replay_lsn.v, 0x190000000);
	assert_false(p->pg.slots[1].restart_lsn.known);
	assert_int_equal(s->pg.role, PG_ROLE_STANDBY);
	assert_int_equal(s->pg.replay_delay_ms.v, 4321);
	assert_int_equal(s->pg.receive_lsn.v, 0x1A0003000);
	assert_true(s->health.load1 == 0.27);
	assert_string_equal(s->pg.findings[1], "hot_standby_feedback is off");
	fx_free(&f);
}

/* Sites never reached: everything unknown, one with the reason why. */
static void test_round_trip_never_reached(void **state)
{
	(void)state;
	struct fx f;
	fx_pair(&f);
	PUT(f.st[1].error, "ssh: connect to db2.dc2.example.com port 22: No route to host");
	expect_round_trip(&f);
	const struct site_status *s = &f.caps.items[0].sites[1];
	assert_int_equal(s->at_ms, 0);
	assert_int_equal(s->pg.at_ms, 0);
	assert_false(s->pg.timeline.known);
	assert_int_equal(s->pg.hot_standby, -1);
	assert_false(s->health.load_known);
	assert_string_equal(s->error, f.st[1].error);
	fx_free(&f);
}

/* A standby unreachable for ten minutes keeps its old values with their ages. */
static void test_round_trip_unreachable(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	struct site_status *s = &f.st[1];
	s->reachable = 0;
	PUT(s->error, "no answer within 3.0 s");
	s->pg.at_ms = NOW - 600000;
	s->health.at_ms = NOW - 601234;
	s->backups.at_ms = NOW - 3599999;
	f.st[0].pg.n_standbys = 0;
	expect_round_trip(&f);
	assert_int_equal(f.caps.items[0].sites[1].health.at_ms, NOW - 601234);
	assert_false(f.caps.items[0].sites[1].reachable);
	fx_free(&f);
}

/* PostgreSQL down on the primary, its last values kept; the standby has no receiver. */
static void test_round_trip_pg_down(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	struct snap_pg *pg = &f.st[0].pg;
	pg->up = 0;
	pg->role = PG_ROLE_DOWN;
	PUT(pg->error, "connection to server on socket failed: Connection refused");
	f.st[1].pg.receiver_status[0] = '\0';
	f.st[1].pg.replay_paused = 1;
	expect_round_trip(&f);
	assert_int_equal(f.caps.items[0].sites[0].pg.role, PG_ROLE_DOWN);
	assert_false(f.caps.items[0].sites[0].pg.up);
	assert_int_equal(f.caps.items[0].level, VERDICT_CRITICAL);
	fx_free(&f);
}

/* Backups failing verification: more than the names kept, and a listing that failed. */
static void test_round_trip_invalid_backups(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	struct snap_backups *b = &f.st[0].backups;
	b->invalid = 11;
	for (int i = 0; i < SNAPSHOT_MAX_INVALID; i++)
		snprintf(b->invalid_names[i], sizeof b->invalid_names[i], "db_2026110%d.dump", i);
	b->expired = 3;
	b = &f.st[1].backups;
	b->ok = 0;
	PUT(b->error, "ls: cannot access '/srv/backup': Permission denied");
	expect_round_trip(&f);
	assert_int_equal(f.caps.items[0].sites[0].backups.invalid, 11);
	assert_string_equal(f.caps.items[0].sites[0].backups.invalid_names[7], "db_20261107.dump");
	fx_free(&f);
}

/* Service checks that fail and one that did not finish. */
static void test_round_trip_services(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	fx_service(&f, 1, "pgbouncer", 3);
	fx_service(&f, 1, "nightly-export", -1);
	f.st[1].health.backup_free_bytes.known = 0;
	f.st[1].health.load_known = 0;
	expect_round_trip(&f);
	const struct snap_health *h = &f.caps.items[0].sites[1].health;
	assert_int_equal(h->n_services, 3);
	assert_int_equal(h->services[1].exit_status, 3);
	assert_int_equal(h->services[2].exit_status, -1);
	assert_false(h->services[2].ok);
	fx_free(&f);
}

/* Korean site names, a byte that is not UTF-8 and a U+FFFD of the site's own. */
static void test_round_trip_korean(void **state)
{
	(void)state;
	static const char *const names[] = {"서울-주센터", "부산-재해복구", "대전"};
	struct fx f;
	fx_init(&f, 3, names);
	fx_answered(&f, 0, PG_ROLE_PRIMARY, 300);
	fx_answered(&f, 1, PG_ROLE_STANDBY, 900);
	fx_row(&f, 0, "부산-재해복구", "streaming", 0x1A0004000);
	PUT(f.st[1].error, "접속 실패: \xff byte, \xef\xbf\xbd sent as is");
	PUT(f.st[1].backups.newest_name, "백업_20261127.dump");
	fx_service(&f, 1, "챗봇", 1);
	expect_round_trip(&f);
	assert_string_equal(f.caps.items[0].sites[1].error,
	                    "접속 실패: \xef\xbf\xbd byte, \xef\xbf\xbd sent as is");
	assert_string_equal(f.caps.items[0].sites[2].name, "대전");
	fx_free(&f);
}

/* What the renderer does not write: generation, since_ms; a site the document leaves out. */
static void test_fields_not_written(void **state)
{
	(void)state;
	static const char *const names[] = {"datacenter-1", "datacenter-2", "datacenter-3"};
	struct fx f;
	fx_healthy(&f);
	char *text = fx_render(&f, f.st, NOW);
	fx_init(&f, 3, names);
	assert_int_equal(fx_read(&f, text), 0);
	const struct site_status *sites = f.caps.items[0].sites;
	assert_int_equal(sites[0].generation, 1);
	assert_int_equal(sites[1].since_ms, NOW - 1250);
	assert_int_equal(sites[2].generation, 0);
	assert_string_equal(sites[2].name, "datacenter-3");
	assert_int_equal(sites[2].at_ms, 0);
	assert_true(sites[2].backups.configured); /* as an agent starts it */
	free(text);
	fx_free(&f);
}

/* Appended runs and JSON lines: one capture each, in order, with a generation each. */
static void test_several_documents(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	char *a = fx_render(&f, f.st, NOW), *b = fx_render(&f, f.st, NOW + 5000);
	json_t *root = json_loads(b, 0, NULL);
	char *line = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	char *text = xasprintf("\xef\xbb\xbf%s\n%s%s\n%s\n\n", a, b, line, line);
	assert_int_equal(fx_read(&f, text), 0);
	assert_int_equal(f.caps.n, 4);
	assert_int_equal(f.caps.items[0].time_ms, NOW);
	for (size_t i = 1; i < 4; i++) {
		const struct status_capture *cap = &f.caps.items[i];
		assert_int_equal(cap->time_ms, NOW + 5000);
		assert_int_equal(cap->sites[1].generation, i + 1);
		assert_int_equal(cap->sites[0].pg.at_ms, f.st[0].pg.at_ms);
		struct verdict v;
		status_read_verdict(cap, &v);
		char *again = status_json_render(&f.cf, cap->sites, 2, &v, cap->time_ms);
		assert_string_equal(again, b);
		free(again);
	}
	free(a);
	free(b);
	free(line);
	free(text);
	fx_free(&f);
}

/* Text longer than its field once a bad byte became U+FFFD: cut at a character, with a warning. */
static void test_text_cut(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	memset(f.st[0].pg.version, '\xff', sizeof f.st[0].pg.version - 1);
	char *text = fx_render(&f, f.st, NOW);
	assert_int_equal(fx_read(&f, text), 0);
	assert_int_equal(f.d.n, 1);
	assert_int_equal(f.d.items[0].level, DIAG_WARNING);
	assert_string_equal(f.d.items[0].message,
	                    "sites[0].postgres.version: longer than 63 bytes, cut to 63");
	assert_int_equal(strlen(f.caps.items[0].sites[0].pg.version), 63);
	free(text);
	fx_free(&f);
}

/* Returns text with the nth (1-based) occurrence of old replaced by new (free it). */
static char *edit(const char *text, const char *old, const char *new, int nth)
{
	const char *at = text;
	for (int i = 0; at != NULL && i < nth; i++)
		at = strstr(i ? at + 1 : at, old);
	if (at == NULL)
		fail_msg("no occurrence %d of %s", nth, old);
	return xasprintf("%.*s%s%s", (int)(at - text), text, new, at + strlen(old));
}

/* One edit of the healthy text: the nth occurrence of old becomes new, giving error msg. */
struct bad_edit {
	const char *old, *new;
	int nth;
	const char *msg;
};

/* Makes each edit alone; fails unless it gives only its error, at the document's start. */
static void expect_bad_edits(const struct bad_edit *edits, size_t n)
{
	struct fx f;
	fx_healthy(&f);
	char *text = fx_render(&f, f.st, NOW);
	for (size_t i = 0; i < n; i++) {
		char *bad = edit(text, edits[i].old, edits[i].new, edits[i].nth);
		int rc = fx_read(&f, bad);
		unit_expect_only(&f.d, rc, CAPTURE, 1, 1, edits[i].msg);
		assert_int_equal(f.caps.n, 0);
		free(bad);
	}
	free(text);
	fx_free(&f);
}

/* Returns the number of lines of text that ends with a newline. */
static int lines_of(const char *text)
{
	int n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* Not JSON at all, and JSON broken in the second document (its own line and column). */
static void test_bad_syntax(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	int rc = fx_read(&f, "status: ok\n");
	unit_expect_only(&f.d, rc, CAPTURE, 1, 6, "invalid token near 'status'");
	char *doc = fx_render(&f, f.st, NOW);
	char *text = xasprintf("%s\n  {\"overall\": \"ok\",\n   \"time\": ,}\n", doc);
	rc = fx_read(&f, text);
	unit_expect_only(&f.d, rc, CAPTURE, lines_of(doc) + 3, 12, "unexpected token near ','");
	free(text);
	text = xasprintf("%s {\"a\": 1, \"a\": 2}", doc);
	rc = fx_read(&f, text);
	unit_expect_only(&f.d, rc, CAPTURE, lines_of(doc) + 1, 14,
	                 "duplicate object key near '\"a\"'");
	free(text);
	free(doc);
	fx_free(&f);
}

/* A document that is not an object, after a good one. */
static void test_bad_not_object(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	char *doc = fx_render(&f, f.st, NOW), *text = xasprintf("%s\n\n   [1, 2]\n", doc);
	int rc = fx_read(&f, text);
	unit_expect_only(&f.d, rc, CAPTURE, lines_of(doc) + 3, 4,
	                 "a document must be a JSON object (status --json)");
	rc = fx_read(&f, "\"sites\"");
	unit_expect_only(&f.d, rc, CAPTURE, 1, 1,
	                 "a document must be a JSON object (status --json)");
	free(text);
	free(doc);
	fx_free(&f);
}

/* A document without its time or its sites, or a part without a key. */
static void test_bad_missing(void **state)
{
	(void)state;
	static const struct bad_edit edits[] = {
	    {"\"time\":", "\"when\":", 1, "time: missing"},
	    {"\"sites\":", "\"nodes\":", 1, "sites: missing"},
	    {"\"probe\":", "\"probes\":", 2, "sites[1].probe: missing"},
	    {"\"lag_bytes\": 8192", "\"lag_bytez\": 8192", 1,
	     "sites[0].postgres.standbys[0].lag_bytes: missing"},
	};
	expect_bad_edits(edits, sizeof edits / sizeof edits[0]);
}

/* Values of the wrong type, each named by its path. */
static void test_bad_types(void **state)
{
	(void)state;
	static const struct bad_edit edits[] = {
	    {"\"timeline\": 3", "\"timeline\": \"3\"", 2,
	     "sites[1].postgres.timeline: expected an integer or null"},
	    {"\"reachable\": true", "\"reachable\": 1", 1,
	     "sites[0].reachable: expected true, false or null"},
	    {"\"active\": true", "\"active\": null", 1,
	     "sites[0].postgres.slots[0].active: expected true or false"},
	    {"\"exit_status\": 0", "\"exit_status\": -1", 3,
	     "sites[1].health.services[0].exit_status: expected an integer from 0 to 2147483647 "
	     "or null"},
	    {"\"execs_last_cycle\": 2", "\"execs_last_cycle\": null", 1,
	     "sites[0].probe.execs_last_cycle: expected an integer from 0 to 2147483647"},
	    {"\"services\": [", "\"services\": \"none\", \"x\": [", 1,
	     "sites[0].health.services: expected a list or null"},
	    {"\"max_wal_senders (10)", "7, \"x", 1,
	     "sites[0].postgres.findings[0]: expected a string or null"},
	    {"\"probe\": {", "\"probe\": 7, \"x\": {", 1, "sites[0].probe: expected an object"},
	    {"\"load1\": 0.27", "\"load1\": \"0.27\"", 1,
	     "sites[0].health.load1: expected a number or null"},
	    {"\"sites\": [", "\"sites\": [7, ", 1, "sites[0]: expected an object"},
	};
	expect_bad_edits(edits, sizeof edits / sizeof edits[0]);
}

/* Values of the right type that are still wrong. */
static void test_bad_values(void **state)
{
	(void)state;
	static const struct bad_edit edits[] = {
	    {"\"1/A0003000\"", "\"1/A0003000/\"", 1,
	     "sites[1].postgres.receive_lsn: expected an LSN such as \"0/3000148\" or null"},
	    {"\"time\": \"2026-11-27", "\"time\": \"2026-11-31", 1,
	     "time: expected a UTC time such as \"2026-11-27T04:20:00.123Z\""},
	    {"\"age_s\": 1.25,", "\"age_s\": -1.25,", 1,
	     "sites[1].age_s: expected an age from 0 to the document's time, or null"},
	    {"\"replay_delay_s\": 4.321", "\"replay_delay_s\": 4e15", 1,
	     "sites[1].postgres.replay_delay_s: 4e+15 seconds is out of range"},
	    {"\"role\": \"standby\"", "\"role\": \"replica\"", 1,
	     "sites[1].role: expected one of unknown, primary, standby, down"},
	    {"\"role\": \"standby\"", "\"role\": \"primary\"", 1,
	     "sites[1].postgres: up and in_recovery do not agree with the role \"primary\""},
	    {"\"overall\": \"warning\"", "\"overall\": \"fine\"", 1,
	     "overall: expected one of ok, warning, critical, unknown"},
	    {"\"exit_code\": 1", "\"exit_code\": 0", 1,
	     "exit_code: 0, while overall \"warning\" exits with 1"},
	    {"\"invalid\": 0", "\"invalid\": null", 1,
	     "sites[0].backups.invalid_names: a list while invalid is null"},
	    {"\"invalid_names\": []", "\"invalid_names\": [\"x.dump\"]", 2,
	     "sites[1].backups.invalid_names: 1 names for 0 invalid backups (expected 0)"},
	    {"\"name\": \"datacenter-2\"", "\"name\": \"datacenter-9\"", 1,
	     "sites[1].name: no site \"datacenter-9\" in the config"},
	    {"\"name\": \"datacenter-2\"", "\"name\": \"datacenter-1\"", 1,
	     "sites[1].name: site \"datacenter-1\" appears twice"},
	    {"\"name\": \"datacenter-2\"", "\"name\": null", 1,
	     "sites[1].name: expected a site's name"},
	};
	expect_bad_edits(edits, sizeof edits / sizeof edits[0]);
}

/* More rows than a snapshot keeps. */
static void test_bad_too_many_items(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	for (int i = 2; i < SNAPSHOT_MAX_STANDBYS; i++)
		fx_row(&f, 0, "x", "streaming", 0);
	char *text = fx_render(&f, f.st, NOW),
	     *bad = edit(text, "\"standbys\": [", "\"standbys\": [{},", 1);
	int rc = fx_read(&f, bad);
	unit_expect_only(&f.d, rc, CAPTURE, 1, 1,
	                 "sites[0].postgres.standbys: 9 items, more than the 8 kept");
	free(bad);
	free(text);
	fx_free(&f);
}

/* Problems in two documents: both reported at their documents' starts, nothing read. */
static void test_bad_two_documents(void **state)
{
	(void)state;
	struct fx f;
	fx_healthy(&f);
	char *doc = fx_render(&f, f.st, NOW),
	     *bad = edit(doc, "\"timeline\": 3", "\"timeline\": 3.5", 1);
	char *text = xasprintf("%s\n%s\n%s\n", bad, doc, bad);
	assert_int_equal(fx_read(&f, text), -1);
	assert_int_equal(f.d.n, 2);
	unit_expect_error(&f.d, CAPTURE, 1, 1,
	                  "sites[0].postgres.timeline: expected an integer or null", 1);
	unit_expect_error(&f.d, CAPTURE, 2 * lines_of(doc) + 3, 1, "sites[0].postgres.timeline", 0);
	assert_int_equal(f.caps.n, 0);
	assert_null(f.caps.items);
	free(text);
	free(bad);
	free(doc);
	fx_free(&f);
}

/* Reads a file into f; returns what status_read_file returned. */
static int fx_read_file(struct fx *f, const char *path)
{
	status_captures_free(&f->caps);
	diag_free(&f->d);
	return status_read_file(path, &f->cf, &f->caps, &f->d);
}

/* An empty file, one of white space only, one that does not exist, one that is too large. */
static void test_bad_files(void **state)
{
	(void)state;
	struct fx f;
	fx_pair(&f);
	char *path = unit_write_file("");
	int rc = fx_read_file(&f, path);
	unit_expect_only(&f.d, rc, path, 1, 1, "no document (expected status --json output)");
	unlink(path);
	free(path);
	path = unit_write_file("\n  \n\t ");
	rc = fx_read_file(&f, path);
	unit_expect_only(&f.d, rc, path, 3, 3, "no document (expected status --json output)");
	assert_int_equal(truncate(path, STATUS_READ_MAX_BYTES + 1LL), 0);
	rc = fx_read_file(&f, path);
	unit_expect_only(&f.d, rc, path, 0, 0, "file too large (67108865 bytes, limit 67108864)");
	unlink(path);
	rc = fx_read_file(&f, path);
	unit_expect_only(&f.d, rc, path, 0, 0, "cannot open: No such file or directory");
	rc = fx_read_file(&f, "/");
	unit_expect_only(&f.d, rc, "/", 0, 0, "not a regular file");
	free(path);
	fx_free(&f);
}

/* The document limit: the one past it is refused where it starts. */
static void test_bad_too_many_documents(void **state)
{
	(void)state;
	static const char one[] = "{\"overall\": \"unknown\", \"exit_code\": 3, \"time\": "
	                          "\"2026-11-27T04:20:00.123Z\", \"reasons\": [], \"sites\": []}\n";
	struct fx f;
	fx_pair(&f);
	f.cf.n_sites = 0;
	size_t n = STATUS_READ_MAX_DOCS + 1, len = sizeof one - 1;
	char *text = xmalloc(n * len + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * len, one, len);
	text[n * len] = '\0';
	int rc = fx_read(&f, text);
	unit_expect_only(&f.d, rc, CAPTURE, STATUS_READ_MAX_DOCS + 1, 1,
	                 "more than 10080 documents");
	assert_int_equal(f.caps.n, 0);
	text[(n - 1) * len] = '\0';
	assert_int_equal(fx_read(&f, text), 0);
	assert_int_equal(f.caps.n, STATUS_READ_MAX_DOCS);
	free(text);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_healthy),
	    cmocka_unit_test(test_round_trip_never_reached),
	    cmocka_unit_test(test_round_trip_unreachable),
	    cmocka_unit_test(test_round_trip_pg_down),
	    cmocka_unit_test(test_round_trip_invalid_backups),
	    cmocka_unit_test(test_round_trip_services),
	    cmocka_unit_test(test_round_trip_korean),
	    cmocka_unit_test(test_fields_not_written),
	    cmocka_unit_test(test_several_documents),
	    cmocka_unit_test(test_text_cut),
	    cmocka_unit_test(test_bad_syntax),
	    cmocka_unit_test(test_bad_not_object),
	    cmocka_unit_test(test_bad_missing),
	    cmocka_unit_test(test_bad_types),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_bad_too_many_items),
	    cmocka_unit_test(test_bad_two_documents),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_bad_too_many_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
