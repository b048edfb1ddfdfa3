/*
 * Tests of core/events.c: the ring, then each state change alone. The fixture
 * is the lab's standby, datacenter-2, healthy and streaming with no lag; each
 * test steps it through snapshots (two seconds apart) and checks exactly which
 * events each step appends, in the order they were emitted.
 */
#include "config.h"

#include "unit.h"

#include "events.h"
#include "utf8.h"

#define NOW    1795753200000LL
#define BUDGET 60000 /* sync_interval */

/* A config, the site's previous and current snapshots, and the log. */
struct fx {
	struct conf cf;
	struct site_status prev, cur;
	struct event_log log;
	int64_t now;
};

/* An event expected: its level and its exact text. */
struct want {
	enum event_level level;
	const char *text;
};

/* Diffs the previous snapshot against the current one, expecting the events listed. */
#define DIFF(f, ...)                                                                               \
	fx_diff(f, (const struct want[]){__VA_ARGS__},                                             \
	        sizeof((const struct want[]){__VA_ARGS__}) / sizeof(struct want))

/* Sets the standby's replay lag (0: it has replayed all it received). */
static void fx_lag(struct fx *f, int64_t ms)
{
	struct snap_pg *pg = &f->cur.pg;
	pg->receive_lsn = (struct opt_i64){1, ms > 0 ? 0x6000 : 0x5000};
	pg->replay_lsn = (struct opt_i64){1, 0x5000};
	pg->replay_delay_ms = (struct opt_i64){1, ms};
}

/* Fills the healthy standby; the previous snapshot is the zeroed one of generation 0. */
static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->cf.dr.sync_interval_ms = BUDGET;
	f->cf.probe_interval_ms = 2000;
	f->now = NOW;
	struct site_status *s = &f->cur;
	snprintf(s->name, sizeof s->name, "datacenter-2");
	s->generation = 1;
	s->at_ms = NOW;
	s->reachable = 1;
	s->since_ms = NOW - 3600000;
	s->pg.at_ms = NOW;
	s->pg.up = 1;
	s->pg.role = PG_ROLE_STANDBY;
	s->pg.timeline = (struct opt_i64){1, 1};
	snprintf(s->pg.receiver_status, sizeof s->pg.receiver_status, "streaming");
	fx_lag(f, 0);
	s->health.at_ms = NOW;
	s->health.ok = 1;
	s->health.n_services = 1;
	snprintf(s->health.services[0].name, sizeof s->health.services[0].name, "erp-chatbot");
	s->health.services[0].ok = 1;
	s->backups.at_ms = NOW;
	s->backups.ok = 1;
	s->backups.configured = 1;
	s->backups.count = 2;
	s->backups.newest_age_s = (struct opt_i64){1, 3600};
	snprintf(s->backups.newest_name, sizeof s->backups.newest_name,
	         "db_backup_20261127_031034.dump");
	s->backups.newest_bytes = 571212;
	event_log_init(&f->log, 0);
	*state = f;
	return 0;
}

/* Frees the fixture. */
static int fx_teardown(void **state)
{
	struct fx *f = *state;
	event_log_free(&f->log);
	free(f);
	return 0;
}

/* Makes the current snapshot the previous one and starts the next, two seconds later. */
static void fx_step(struct fx *f)
{
	f->prev = f->cur;
	f->now += 2000;
	f->cur.generation++;
	f->cur.at_ms = f->cur.pg.at_ms = f->cur.health.at_ms = f->cur.backups.at_ms = f->now;
}

/* Runs the diff and fails unless it appended n events: those of w in order (w NULL: any). */
static void fx_diff(struct fx *f, const struct want *w, size_t n)
{
	size_t before = event_log_count(&f->log);
	events_diff(&f->cf, &f->prev, &f->cur, f->now, &f->log);
	size_t got = event_log_count(&f->log) - before;
	for (size_t i = 0; i < got; i++) {
		const struct event *e = event_log_get(&f->log, got - 1 - i);
		print_message("event %zu: %s %s\n", i, event_level_name(e->level), e->text);
	}
	assert_int_equal(got, n);
	for (size_t i = 0; i < n; i++) {
		const struct event *e = event_log_get(&f->log, n - 1 - i);
		if (w != NULL) {
			assert_string_equal(e->text, w[i].text);
			assert_int_equal(e->level, w[i].level);
		}
		assert_string_equal(e->site, f->cur.name);
		assert_int_equal(e->at_ms, f->now);
	}
}

/* Runs the diff and fails if it appended anything. */
static void fx_quiet(struct fx *f)
{
	fx_diff(f, NULL, 0);
}

/* The ring keeps the newest events, newest first, and counts the ones it dropped. */
static void test_events_ring_overflow(void **state)
{
	(void)state;
	struct event_log log;
	event_log_init(&log, 3);
	assert_null(event_log_get(&log, 0));
	for (int i = 1; i <= 5; i++)
		event_log_add(&log, i, EVENT_WARNING, "datacenter-1", "event %d", i);
	assert_int_equal(event_log_count(&log), 3);
	assert_int_equal(log.dropped, 2);
	for (size_t i = 0; i < 3; i++) {
		char text[16];
		snprintf(text, sizeof text, "event %zu", 5 - i);
		assert_string_equal(event_log_get(&log, i)->text, text);
		assert_int_equal(event_log_get(&log, i)->at_ms, (int64_t)(5 - i));
		assert_string_equal(event_log_get(&log, i)->site, "datacenter-1");
	}
	assert_null(event_log_get(&log, 3));
	event_log_free(&log);
}

/* A healthy first snapshot tells nothing; neither does the same snapshot diffed again. */
static void test_events_first_healthy(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	f->prev = f->cur;
	fx_quiet(f);
	fx_quiet(f);
	fx_step(f);
	fx_quiet(f);
}

/* A first snapshot tells what is already wrong: the site down, a bad backup. */
static void test_events_first_unreachable(void **state)
{
	struct fx *f = *state;
	f->cur.reachable = 0;
	snprintf(f->cur.error, sizeof f->cur.error, "timed out after 5s");
	f->cur.pg.up = 0;
	f->cur.pg.role = PG_ROLE_UNKNOWN;
	f->cur.health.ok = 0;
	f->cur.backups.invalid = 1;
	snprintf(f->cur.backups.invalid_names[0], sizeof f->cur.backups.invalid_names[0],
	         "db_backup_20261126_031002.dump");
	DIFF(f, {EVENT_CRITICAL, "datacenter-2 unreachable: timed out after 5s"},
	     {EVENT_CRITICAL,
	      "backup db_backup_20261126_031002.dump on datacenter-2 fails pg_restore --list"});
	fx_step(f);
	fx_quiet(f);
}

/* A first snapshot of a standby that lags, does not stream, fails a check, has a finding. */
static void test_events_first_standby_abnormal(void **state)
{
	struct fx *f = *state;
	snprintf(f->cur.pg.receiver_status, sizeof f->cur.pg.receiver_status, "starting");
	fx_lag(f, 90000);
	f->cur.health.services[0].ok = 0;
	f->cur.health.services[0].exit_status = 3;
	f->cur.pg.n_findings = 1;
	snprintf(f->cur.pg.findings[0], sizeof f->cur.pg.findings[0], "hot_standby is off");
	DIFF(f, {EVENT_WARNING, "the WAL receiver of datacenter-2 is starting"},
	     {EVENT_CRITICAL,
	      "standby datacenter-2 is 1m30s behind in replay, beyond sync_interval 1m"},
	     {EVENT_WARNING, "service erp-chatbot on datacenter-2 fails its check (exit status 3)"},
	     {EVENT_WARNING, "datacenter-2: hot_standby is off"});
	fx_step(f);
	fx_quiet(f);
}

/* Losing SSH is critical, with the error; coming back tells how long it took. */
static void test_events_reach(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step(f);
	f->cur.reachable = 0;
	f->cur.since_ms = f->now;
	snprintf(f->cur.error, sizeof f->cur.error, "ssh: connection refused");
	f->cur.pg.up = 0;
	f->cur.pg.role = PG_ROLE_UNKNOWN;
	f->cur.health.ok = 0;
	f->cur.backups.ok = 0;
	DIFF(f, {EVENT_CRITICAL, "datacenter-2 unreachable: ssh: connection refused"});
	fx_step(f);
	fx_quiet(f);
	fx_step(f);
	f->cur.reachable = 1;
	f->cur.since_ms = f->prev.since_ms + 125000;
	f->cur.error[0] = '\0';
	f->cur.pg.up = 1;
	f->cur.pg.role = PG_ROLE_STANDBY;
	f->cur.health.ok = 1;
	f->cur.backups.ok = 1;
	DIFF(f, {EVENT_INFO, "datacenter-2 reachable again after 2m5s"});
}

/* PostgreSQL going down is critical, with its error; coming back names its role. */
static void test_events_pg_down_up(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step(f);
	f->cur.pg.up = 0;
	f->cur.pg.role = PG_ROLE_DOWN;
	snprintf(f->cur.pg.error, sizeof f->cur.pg.error, "connection refused");
	DIFF(f, {EVENT_CRITICAL, "PostgreSQL on datacenter-2 is down: connection refused"});
	fx_step(f);
	fx_quiet(f);
	fx_step(f);
	f->cur.pg.up = 1;
	f->cur.pg.role = PG_ROLE_STANDBY;
	f->cur.pg.error[0] = '\0';
	DIFF(f, {EVENT_INFO, "PostgreSQL on datacenter-2 is up again as standby"});
}

/* A promotion: the new role (critical) and the new timeline. */
static void test_events_role_change(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step(f);
	f->cur.pg.role = PG_ROLE_PRIMARY;
	f->cur.pg.timeline.v = 2;
	f->cur.pg.receiver_status[0] = '\0';
	DIFF(f, {EVENT_CRITICAL, "datacenter-2 is now primary (was standby)"},
	     {EVENT_WARNING, "timeline of datacenter-2 changed from 1 to 2"});
	fx_step(f);
	fx_quiet(f);
	fx_step(f);
	f->cur.pg.role = PG_ROLE_STANDBY;
	snprintf(f->cur.pg.receiver_status, sizeof f->cur.pg.receiver_status, "streaming");
	DIFF(f, {EVENT_WARNING, "datacenter-2 is now standby (was primary)"});
}

/* The WAL receiver stops streaming, changes its status again (quiet), and streams again. */
static void test_events_receiver(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step(f);
	snprintf(f->cur.pg.receiver_status, sizeof f->cur.pg.receiver_status, "waiting");
	DIFF(f, {EVENT_WARNING, "the WAL receiver of datacenter-2 is waiting (was streaming)"});
	fx_step(f);
	f->cur.pg.receiver_status[0] = '\0';
	fx_quiet(f);
	fx_step(f);
	snprintf(f->cur.pg.receiver_status, sizeof f->cur.pg.receiver_status, "streaming");
	DIFF(f, {EVENT_INFO, "the WAL receiver of datacenter-2 is streaming again"});
}

/* Steps the fixture to a new lag. */
static void fx_step_lag(struct fx *f, int64_t ms)
{
	fx_step(f);
	fx_lag(f, ms);
}

/* Lag over half of sync_interval, beyond it, and back under each line. */
static void test_events_lag_bands(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step_lag(f, 35000);
	DIFF(f, {EVENT_WARNING,
	         "standby datacenter-2 is 35s behind in replay, over half of sync_interval 1m"});
	fx_step_lag(f, 65000);
	DIFF(f, {EVENT_CRITICAL,
	         "standby datacenter-2 is 1m5s behind in replay, beyond sync_interval 1m"});
	fx_step_lag(f, 50000);
	DIFF(f, {EVENT_WARNING,
	         "standby datacenter-2 is back within sync_interval 1m: 50s behind in replay"});
	fx_step_lag(f, 2000);
	DIFF(f, {EVENT_INFO, "standby datacenter-2 is back under half of sync_interval 1m: 2s "
	                     "behind in replay"});
}

/* Lag wavering inside a band, or around a line, tells nothing until it leaves by a margin. */
static void test_events_lag_hysteresis(void **state)
{
	struct fx *f = *state;
	static const int64_t within_half[] = {40000, 45000, 38000, 31000};
	static const int64_t around_budget[] = {59000, 61000, 57000, 61000, 54001};
	static const int64_t around_half[] = {29000, 31000, 24001};
	fx_quiet(f);
	fx_step_lag(f, 35000);
	DIFF(f, {EVENT_WARNING,
	         "standby datacenter-2 is 35s behind in replay, over half of sync_interval 1m"});
	for (size_t i = 0; i < sizeof within_half / sizeof within_half[0]; i++) {
		fx_step_lag(f, within_half[i]);
		fx_quiet(f);
	}
	fx_step_lag(f, 61000);
	DIFF(f, {EVENT_CRITICAL,
	         "standby datacenter-2 is 1m1s behind in replay, beyond sync_interval 1m"});
	for (size_t i = 0; i < sizeof around_budget / sizeof around_budget[0]; i++) {
		fx_step_lag(f, around_budget[i]);
		fx_quiet(f);
	}
	fx_step_lag(f, 54000);
	DIFF(f, {EVENT_WARNING,
	         "standby datacenter-2 is back within sync_interval 1m: 54s behind in replay"});
	for (size_t i = 0; i < sizeof around_half / sizeof around_half[0]; i++) {
		fx_step_lag(f, around_half[i]);
		fx_quiet(f);
	}
	fx_step_lag(f, 24000);
	DIFF(f, {EVENT_INFO, "standby datacenter-2 is back under half of sync_interval 1m: 24s "
	                     "behind in replay"});
}

/* Parts turning unknown tell nothing, nor does coming back to what they were. */
static void test_events_unknown_quiet(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step_lag(f, 65000);
	DIFF(f, {EVENT_CRITICAL,
	         "standby datacenter-2 is 1m5s behind in replay, beyond sync_interval 1m"});
	fx_step(f);
	f->cur.pg.replay_delay_ms.known = 0;
	fx_quiet(f);
	fx_step(f);
	f->cur.pg.up = 0;
	f->cur.pg.role = PG_ROLE_UNKNOWN;
	snprintf(f->cur.pg.error, sizeof f->cur.pg.error, "tunnel: channel open failed");
	fx_quiet(f);
	fx_step_lag(f, 62000);
	f->cur.pg.up = 1;
	f->cur.pg.role = PG_ROLE_STANDBY;
	f->cur.pg.error[0] = '\0';
	fx_quiet(f);
}

/* A new newest backup is told with its name and size; a failed listing tells nothing. */
static void test_events_new_backup(void **state)
{
	struct fx *f = *state;
	fx_quiet(f);
	fx_step(f);
	f->cur.backups.count = 3;
	snprintf(f->cur.backups.newest_name, sizeof f->cur.backups.newest_name,
	         "db_backup_20261128_031005.dump");
	f->cur.backups.newest_bytes = 583020;
	DIFF(f, {EVENT_INFO,
	         "new backup on datacenter-2: db_backup_20261128_031005.dump (569.4 KiB)"});
	fx_step(f);
	f->cur.backups.ok = 0;
	snprintf(f->cur.backups.error, sizeof f->cur.backups.error, "ls: timed out");
	fx_quiet(f);
}

/* Each backup newly failing verification is critical and named; a known one is not repeated. */
static void test_events_invalid_backup(void **state)
{
	struct fx *f = *state;
	struct snap_backups *b = &f->cur.backups;
	fx_quiet(f);
	fx_step(f);
	b->invalid = 1;
	snprintf(b->invalid_names[0], sizeof b->invalid_names[0], "db_backup_20261127_031034.dump");
	DIFF(f, {EVENT_CRITICAL,
	         "backup db_backup_20261127_031034.dump on datacenter-2 fails pg_restore --list"});
	fx_step(f);
	fx_quiet(f);
	fx_step(f);
	b->invalid = 2;
	snprintf(b->invalid_names[1], sizeof b->invalid_names[1], "db_backup_20261125_031001.dump");
	DIFF(f, {EVENT_CRITICAL,
	         "backup db_backup_20261125_031001.dump on datacenter-2 fails pg_restore --list"});
}

/* More failing backups than the snapshot names are told by count. */
static void test_events_invalid_by_count(void **state)
{
	struct fx *f = *state;
	struct snap_backups *b = &f->cur.backups;
	b->invalid = SNAPSHOT_MAX_INVALID;
	for (int i = 0; i < SNAPSHOT_MAX_INVALID; i++)
		snprintf(b->invalid_names[i], sizeof b->invalid_names[i], "db_%d.dump", i);
	fx_diff(f, NULL, SNAPSHOT_MAX_INVALID);
	fx_step(f);
	b->invalid = SNAPSHOT_MAX_INVALID + 1;
	DIFF(f, {EVENT_CRITICAL, "9 backups on datacenter-2 fail pg_restore --list (was 8)"});
}

/* A service check failing, failing still (quiet), and passing again. */
static void test_events_service(void **state)
{
	struct fx *f = *state;
	struct snap_service *svc = &f->cur.health.services[0];
	fx_quiet(f);
	fx_step(f);
	svc->ok = 0;
	svc->exit_status = 3;
	DIFF(f, {EVENT_WARNING,
	         "service erp-chatbot on datacenter-2 fails its check (exit status 3)"});
	fx_step(f);
	fx_quiet(f);
	fx_step(f);
	svc->ok = 1;
	svc->exit_status = 0;
	DIFF(f, {EVENT_INFO, "service erp-chatbot on datacenter-2 passes its check again"});
}

/* A new conformity finding is told once. */
static void test_events_finding(void **state)
{
	struct fx *f = *state;
	struct snap_pg *pg = &f->cur.pg;
	fx_quiet(f);
	fx_step(f);
	pg->n_findings = 1;
	snprintf(pg->findings[0], sizeof pg->findings[0], "wal_keep_size is 0");
	DIFF(f, {EVENT_WARNING, "datacenter-2: wal_keep_size is 0"});
	fx_step(f);
	fx_quiet(f);
	fx_step(f);
	pg->n_findings = 2;
	snprintf(pg->findings[1], sizeof pg->findings[1], "hot_standby is off");
	DIFF(f, {EVENT_WARNING, "datacenter-2: hot_standby is off"});
}

/* Korean site names are kept whole, and a long text is cut between characters. */
static void test_events_korean(void **state)
{
	struct fx *f = *state;
	const char *prefix = "데이터센터-1 unreachable: 연결 실패";
	snprintf(f->cur.name, sizeof f->cur.name, "데이터센터-1");
	f->cur.reachable = 0;
	for (int i = 0; i < 60; i++)
		strcat(f->cur.error, "연결 실패 ");
	fx_diff(f, NULL, 1);
	const struct event *e = event_log_get(&f->log, 0);
	size_t len = strlen(e->text);
	assert_string_equal(e->site, "데이터센터-1");
	assert_memory_equal(e->text, prefix, strlen(prefix));
	/* 31 bytes of prefix, 15 times "연결 실패 " (14 bytes), "연결 실" (10): 251, then "…" */
	assert_int_equal(len, 254);
	assert_string_equal(e->text + 241, "연결 실…");
	assert_int_equal(utf8_invalid_offset(e->text, len), (size_t)-1);
}

/* Makes a verdict of one level whose reasons (of that level) are given as kind and text. */
static void fx_verdict(struct verdict *v, enum verdict_level level, size_t n,
                       const enum verdict_kind *kinds, const char *const *texts)
{
	memset(v, 0, sizeof *v);
	v->level = level;
	for (size_t i = 0; i < n; i++) {
		v->reasons[i].level = level;
		v->reasons[i].kind = kinds[i];
		snprintf(v->reasons[i].site, sizeof v->reasons[i].site, "datacenter-1");
		snprintf(v->reasons[i].text, sizeof v->reasons[i].text, "%s", texts[i]);
	}
	v->n = n;
}

/* Tells the change from *was to *is, expecting exactly one event (text NULL: none); *was becomes
 * *is. */
static void fx_verdict_step(struct fx *f, struct verdict *was, const struct verdict *is,
                            enum event_level level, const char *text)
{
	size_t before = event_log_count(&f->log);
	events_verdict(was, is, f->now, &f->log);
	*was = *is;
	if (text == NULL) {
		assert_int_equal(event_log_count(&f->log), before);
		return;
	}
	assert_int_equal(event_log_count(&f->log), before + 1);
	const struct event *e = event_log_get(&f->log, 0);
	assert_string_equal(e->text, text);
	assert_int_equal(e->level, level);
	assert_int_equal(e->at_ms, f->now);
}

/*
 * The overall verdict: its level, what heads it and a split brain are
 * events; its sentences moving with the clock are not; from nothing known
 * to ok tells nothing.
 */
static void test_events_verdict(void **state)
{
	struct fx *f = *state;
	static const enum verdict_kind other[] = {VERDICT_KIND_OTHER, VERDICT_KIND_OTHER};
	static const enum verdict_kind down[] = {VERDICT_KIND_PRIMARY, VERDICT_KIND_BACKUPS};
	static const enum verdict_kind split[] = {VERDICT_KIND_SPLIT, VERDICT_KIND_PRIMARY};
	static const enum verdict_kind stream[] = {VERDICT_KIND_STANDBY};
	static const char *const nothing[] = {"nothing known about datacenter-1: no answer yet",
	                                      "nothing known about datacenter-2: no answer yet"};
	static const char *const down_t[] = {"PostgreSQL on primary datacenter-1 is down: refused",
	                                     "no backup matches"};
	static const char *const split_t[] = {
	    "SPLIT BRAIN: both datacenter-1 and datacenter-2 accept writes as primary",
	    "datacenter-1 answered as primary 4s ago"};
	static const char *const stream_t[] = {"whether a standby streams from primary "
	                                       "datacenter-1 is unknown (x)"};
	struct verdict was, is;
	fx_verdict(&was, VERDICT_UNKNOWN, 2, other, nothing);
	fx_verdict(&is, VERDICT_OK, 0, NULL, NULL);
	fx_verdict_step(f, &was, &is, EVENT_INFO, NULL);
	fx_verdict(&is, VERDICT_CRITICAL, 2, down, down_t);
	fx_verdict_step(f, &was, &is, EVENT_CRITICAL,
	                "verdict critical (was ok): PostgreSQL on primary datacenter-1 is down: "
	                "refused (+1 more)");
	/* the same judgement in other words (an age grew): no news */
	snprintf(is.reasons[0].text, sizeof is.reasons[0].text, "%s",
	         "PostgreSQL on primary "
	         "datacenter-1 is down: gone");
	fx_verdict_step(f, &was, &is, EVENT_INFO, NULL);
	fx_verdict(&is, VERDICT_CRITICAL, 2, split, split_t);
	fx_verdict_step(f, &was, &is, EVENT_CRITICAL,
	                "verdict critical, now headed by SPLIT BRAIN: both datacenter-1 and "
	                "datacenter-2 accept writes as primary (+1 more)");
	fx_verdict(&is, VERDICT_CRITICAL, 2, down, down_t);
	fx_verdict_step(f, &was, &is, EVENT_CRITICAL,
	                "split brain over; verdict critical, now headed by PostgreSQL on primary "
	                "datacenter-1 is down: refused (+1 more)");
	fx_verdict(&is, VERDICT_OK, 0, NULL, NULL);
	fx_verdict_step(f, &was, &is, EVENT_INFO, "verdict ok (was critical)");
	fx_verdict(&is, VERDICT_UNKNOWN, 1, stream, stream_t);
	fx_verdict_step(f, &was, &is, EVENT_WARNING,
	                "verdict unknown (was ok): whether a standby streams from primary "
	                "datacenter-1 is unknown (x)");
	fx_verdict(&is, VERDICT_OK, 0, NULL, NULL);
	fx_verdict_step(f, &was, &is, EVENT_INFO, "verdict ok (was unknown)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_events_ring_overflow),
	    cmocka_unit_test_setup_teardown(test_events_first_healthy, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_first_unreachable, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_first_standby_abnormal, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_reach, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_pg_down_up, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_role_change, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_receiver, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_lag_bands, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_lag_hysteresis, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_unknown_quiet, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_new_backup, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_invalid_backup, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_invalid_by_count, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_service, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_finding, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_korean, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_events_verdict, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
