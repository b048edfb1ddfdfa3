/*
 * Tests of core/guard.c: each guard passes on the healthy fixture only where
 * it should, fails with its evidence when what it is about breaks, and never
 * passes on stale or missing data. Above all: primary_fenced never passes
 * while the old primary answers as a writable primary, attested or not.
 */
#include "config.h"

#include "unit.h"

#include "guard.h"
#include "sites_fixture.h"

/* Judges one guard on the fixture; fails the test on an unknown name. */
static struct guard_result judge(const struct fx *f, const char *name, int64_t last_lsn,
				 int fenced, int attested)
{
	struct guard_ctx g = {&f->cf, f->st, f->n, NOW, last_lsn, fenced, attested};
	struct guard_result r;
	assert_int_equal(guard_check(name, &g, &r), 0);
	return r;
}

/* The fixture, both sites having published snapshots. */
static void init(struct fx *f)
{
	fx_init(f);
	f->st[0].generation = f->st[1].generation = 3;
}

/* Asserts a judgement and its evidence. */
static void expect(struct guard_result r, int pass, const char *evidence)
{
	if (r.pass != pass || strcmp(r.evidence, evidence) != 0)
		print_message("got %s: %s\n", r.pass ? "pass" : "fail", r.evidence);
	assert_int_equal(r.pass, pass);
	assert_string_equal(r.evidence, evidence);
}

/* The old primary is down at the PostgreSQL level: its host answers, the postmaster does not. */
static void pg_down(struct fx *f)
{
	f->st[0].pg.up = 0;
	f->st[0].pg.role = PG_ROLE_DOWN;
	snprintf(f->st[0].pg.error, sizeof f->st[0].pg.error, "connection refused");
}

/* The old primary's host does not answer at all. */
static void unreachable(struct fx *f)
{
	f->st[0].reachable = 0;
	f->st[0].since_ms = NOW - 95000;
	f->st[0].generation = 7;
	snprintf(f->st[0].error, sizeof f->st[0].error, "connect timed out after 3s");
	f->st[0].pg.up = 0;
	f->st[0].pg.at_ms = NOW - 95000;
}

/* A live writable primary is never fenced: not by attestation, not by the run's say-so. */
static void test_fenced_refuses_writable_primary(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	const char *ev = "datacenter-1 answers as a writable primary (timeline 1, WAL at "
			 "0/4191890): fence it first";
	expect(judge(&f, "primary_fenced", -1, 0, 0), 0, ev);
	expect(judge(&f, "primary_fenced", -1, 0, 1), 0, ev);
	expect(judge(&f, "primary_fenced", -1, 1, 1), 0, ev);
}

/* Down PostgreSQL on a reachable host is fenced; a fence by the run is too. */
static void test_fenced_pg_down(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	pg_down(&f);
	expect(judge(&f, "primary_fenced", -1, 0, 0), 1,
	       "datacenter-1 answers SSH and its PostgreSQL is down (connection refused)");
	expect(judge(&f, "primary_fenced", -1, 1, 0), 1,
	       "datacenter-1 fenced by this run: its PostgreSQL was stopped");
}

/* An unreachable primary needs the operator's attestation. */
static void test_fenced_unreachable_needs_attestation(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	unreachable(&f);
	expect(judge(&f, "primary_fenced", -1, 0, 0), 0,
	       "datacenter-1 unreachable: attest that it is down and stays down");
	expect(judge(&f, "primary_fenced", -1, 0, 1), 1,
	       "datacenter-1 unreachable; the operator attested it is down");
}

/* A reachable primary whose PostgreSQL data went stale cannot be judged fenced. */
static void test_fenced_stale(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	f.st[0].pg.at_ms = NOW - 10000;
	expect(judge(&f, "primary_fenced", -1, 0, 0), 0,
	       "datacenter-1: no fresh PostgreSQL data (last 10s ago); fence it first");
}

/* primary_unreachable: SSH and PostgreSQL both silent; the age of the outage is shown. */
static void test_primary_unreachable(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	expect(judge(&f, "primary_unreachable", -1, 0, 0), 0, "datacenter-1 answers SSH");
	unreachable(&f);
	expect(judge(&f, "primary_unreachable", -1, 0, 0), 1,
	       "datacenter-1 unreachable since 1m35s ago: connect timed out after 3s");
	fx_init(&f);
	f.st[0].generation = 0;
	expect(judge(&f, "primary_unreachable", -1, 0, 0), 0, "no data on the primary site yet");
}

/* standby_caught_up: all received replayed, and all the primary was seen at. */
static void test_caught_up(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	expect(judge(&f, "standby_caught_up", -1, 0, 0), 1,
	       "datacenter-2 replayed 0/4191890, all it received (the primary's position is not "
	       "known)");
	expect(judge(&f, "standby_caught_up", 0x4191890, 0, 0), 1,
	       "datacenter-2 replayed 0/4191890; the primary was last seen at 0/4191890");
	expect(judge(&f, "standby_caught_up", 0x4191890 + 2048, 0, 0), 0,
	       "datacenter-2 replayed 0/4191890, but the primary was last seen at 0/4192090 "
	       "(2.0 KiB missing)");
	f.st[1].pg.receive_lsn.v += 512;
	expect(judge(&f, "standby_caught_up", -1, 0, 0), 0,
	       "datacenter-2 replayed 0/4191890 of 0/4191A90 received (512 bytes behind)");
	/* its startup process waits for WAL: the bytes left are the start of an unfinished record */
	f.st[1].pg.replay_waiting = 1;
	expect(judge(&f, "standby_caught_up", 0x4191890 + 512, 0, 0), 1,
	       "datacenter-2 replayed 0/4191A90; the primary was last seen at 0/4191A90");
	expect(judge(&f, "standby_caught_up", 0x4191890 + 2048, 0, 0), 0,
	       "datacenter-2 replayed 0/4191A90, but the primary was last seen at 0/4192090 "
	       "(1.5 KiB missing)");
}

/* standby_caught_up never passes on a standby that is not one, or on stale data. */
static void test_caught_up_refuses(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	f.st[1].pg.role = PG_ROLE_PRIMARY;
	expect(judge(&f, "standby_caught_up", -1, 0, 0), 0, "datacenter-2 is not a standby (primary)");
	init(&f);
	f.st[1].pg.at_ms = NOW - 60000;
	expect(judge(&f, "standby_caught_up", -1, 0, 0), 0,
	       "datacenter-2: no fresh PostgreSQL data (last 1m ago)");
	init(&f);
	f.st[1].pg.replay_lsn.known = 0;
	expect(judge(&f, "standby_caught_up", -1, 0, 0), 0,
	       "datacenter-2: its replay position is not known");
}

/* Reachability, streaming and backup freshness guards. */
static void test_simple_guards(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	expect(judge(&f, "dr_reachable", -1, 0, 0), 1, "datacenter-2 answers SSH");
	expect(judge(&f, "primary_reachable", -1, 0, 0), 1, "datacenter-1 answers SSH");
	expect(judge(&f, "standby_streaming", -1, 0, 0), 1,
	       "datacenter-2 streams from db1.dc1.example.com");
	expect(judge(&f, "backup_fresh", -1, 0, 0), 1,
	       "datacenter-2: newest backup db_backup_20261127_031034.dump is 1h old (max 1d2h)");
	snprintf(f.st[1].pg.receiver_status, sizeof f.st[1].pg.receiver_status, "%s", "");
	expect(judge(&f, "standby_streaming", -1, 0, 0), 0, "datacenter-2: WAL receiver not running");
	f.st[1].backups.newest_age_s.v = 27 * 3600;
	expect(judge(&f, "backup_fresh", -1, 0, 0), 0,
	       "datacenter-2: newest backup db_backup_20261127_031034.dump is 1d3h old (max 1d2h)");
	unreachable(&f);
	expect(judge(&f, "primary_reachable", -1, 0, 0), 0,
	       "datacenter-1 unreachable: connect timed out after 3s");
}

/* site_health says what its service checks found, once, in its own words. */
static void test_site_health_evidence(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	struct guard_ctx g = {&f.cf, f.st, f.n, NOW, -1, 0, 0};
	struct guard_result r;
	assert_int_equal(guard_builtin("site_health", &f.cf.sites[1], &g, &r), 0);
	expect(r, 1, "datacenter-2 answers SSH and PostgreSQL (standby); datacenter-2: 1 service "
	             "check pass");
}

/*
 * The failback's guards: the old primary is rebuilt only from a DR site that
 * answers as the writable primary (never in the original roles), promoted
 * back only while the DR site cannot take writes, and the DR site rejoins
 * only a writable original primary.
 */
static void test_failback_guards(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	expect(judge(&f, "dr_writable", -1, 0, 0), 0,
	       "datacenter-2 does not answer as a writable primary (standby): there was no "
	       "failover to it");
	expect(judge(&f, "primary_writable", -1, 0, 0), 1,
	       "datacenter-1 answers as a writable primary (timeline 1, WAL at 0/4191890)");
	expect(judge(&f, "dr_stopped", -1, 0, 0), 1,
	       "datacenter-2 is a standby: it takes no writes");
	/* after the failover: the DR site the primary, restarted after its stop */
	fx_standby(&f, 0);
	fx_primary(&f, 1, NULL);
	expect(judge(&f, "dr_writable", -1, 0, 0), 1,
	       "datacenter-2 answers as a writable primary (timeline 1, WAL at 0/4191890)");
	expect(judge(&f, "dr_stopped", -1, 0, 0), 0,
	       "datacenter-2 answers as a writable primary (timeline 1, WAL at 0/4191890): stop "
	       "its writes first (step stop_dr_writes)");
	/* stopped by a clean shutdown: its host answers, its PostgreSQL does not */
	f.st[1].pg.up = 0;
	f.st[1].pg.role = PG_ROLE_DOWN;
	snprintf(f.st[1].pg.error, sizeof f.st[1].pg.error, "connection refused");
	expect(judge(&f, "dr_stopped", -1, 0, 0), 1,
	       "datacenter-2 answers SSH and its PostgreSQL is down (connection refused)");
	/* unknown is never taken for stopped */
	f.st[1].reachable = 0;
	expect(judge(&f, "dr_stopped", -1, 0, 0), 0,
	       "datacenter-2: whether it takes writes is not known (unreachable)");
	f.st[1].reachable = 1;
	f.st[1].health.at_ms = NOW - 10000;
	expect(judge(&f, "dr_stopped", -1, 0, 0), 0,
	       "datacenter-2: whether it takes writes is not known (no fresh data)");
}

/* An unknown guard name is refused, with a failing result. */
static void test_unknown(void **state)
{
	(void)state;
	struct fx f;
	init(&f);
	struct guard_ctx g = {&f.cf, f.st, f.n, NOW, -1, 0, 0};
	struct guard_result r;
	assert_int_equal(guard_check("moon_phase", &g, &r), -1);
	assert_false(r.pass);
	assert_string_equal(r.evidence, "unknown guard 'moon_phase'");
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fenced_refuses_writable_primary),
		cmocka_unit_test(test_fenced_pg_down),
		cmocka_unit_test(test_fenced_unreachable_needs_attestation),
		cmocka_unit_test(test_fenced_stale),
		cmocka_unit_test(test_primary_unreachable),
		cmocka_unit_test(test_caught_up),
		cmocka_unit_test(test_caught_up_refuses),
		cmocka_unit_test(test_simple_guards),
		cmocka_unit_test(test_site_health_evidence),
		cmocka_unit_test(test_failback_guards),
	    cmocka_unit_test(test_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
