/*
 * Tests of core/verdict.c: every rule alone, then together. The fixture is a
 * healthy two-site deployment like the lab's (datacenter-1 primary streaming
 * to datacenter-2, fresh backups, passing service checks); each test breaks
 * what its rule is about and checks the level, the order and the sentences.
 */
#include "config.h"

#include "unit.h"

#include "verdict.h"

#include "sites_fixture.h"

/* Judges the fixture. */
static const struct verdict *fx_judge(struct fx *f)
{
	verdict_judge(&f->cf, f->st, f->n, NOW, &f->v);
	return &f->v;
}

/* Prints every reason (to see why a test failed). */
static void dump(const struct verdict *v)
{
	print_message("verdict %s:\n", verdict_name(v->level));
	for (size_t i = 0; i < v->n; i++)
		print_message("  %-8s %s\n", verdict_name(v->reasons[i].level), v->reasons[i].text);
}

/* Returns the index of the reason whose text equals text (exact != 0) or holds it; -1 if none. */
static int find_reason(const struct verdict *v, const char *text, int exact)
{
	for (size_t i = 0; i < v->n; i++)
		if (exact ? strcmp(v->reasons[i].text, text) == 0
		          : strstr(v->reasons[i].text, text) != NULL)
			return (int)i;
	return -1;
}

/* Fails unless a reason of this level says text exactly. */
static void expect_reason(const struct verdict *v, enum verdict_level level, const char *text)
{
	int i = find_reason(v, text, 1);
	if (i < 0 || v->reasons[i].level != level) {
		dump(v);
		fail_msg("no %s reason '%s'", verdict_name(level), text);
	}
}

/* Fails unless no reason mentions text. */
static void expect_no_reason(const struct verdict *v, const char *text)
{
	if (find_reason(v, text, 0) >= 0) {
		dump(v);
		fail_msg("unexpected reason mentioning '%s'", text);
	}
}

/* Counts the reasons that mention text. */
static int count_reasons(const struct verdict *v, const char *text)
{
	int n = 0;
	for (size_t i = 0; i < v->n; i++)
		n += strstr(v->reasons[i].text, text) != NULL;
	return n;
}

/* Fails unless the overall level is level. */
static void expect_level(const struct verdict *v, enum verdict_level level)
{
	if (v->level != level) {
		dump(v);
		fail_msg("level is %s, expected %s", verdict_name(v->level), verdict_name(level));
	}
}

/* Healthy: ok, with the replication told as information; an idle standby is not behind. */
static void test_healthy(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	const struct verdict *v = fx_judge(&f);
	expect_level(v, VERDICT_OK);
	assert_int_equal(v->n, 1);
	expect_reason(v, VERDICT_OK,
	              "standby datacenter-2 is 0s behind in replay, 0 bytes of WAL behind the "
	              "primary");
	assert_int_equal(verdict_exit_code(v->level), 0);
	assert_string_equal(v->reasons[0].site, "datacenter-2");
}

/* Lag beyond sync_interval is critical, over half of it a warning; bytes are information. */
static void test_lag(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].pg.replay_lsn.v = 0x4191890 - 658776;
	f.st[1].pg.replay_delay_ms.v = 400000;
	f.st[0].pg.standbys[0].replay_lag_bytes.v = 658776;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "standby datacenter-2 is 6m40s behind in replay, beyond sync_interval 5m, "
	              "643.3 KiB of WAL behind the primary");
	f.st[1].pg.replay_delay_ms.v = 200000;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "standby datacenter-2 is 3m20s behind in replay, over half of sync_interval "
	              "5m, 643.3 KiB of WAL behind the primary");
	/* the edges: exactly half is fine, exactly the budget is not yet critical */
	f.st[1].pg.replay_delay_ms.v = 150000;
	expect_level(fx_judge(&f), VERDICT_OK);
	f.st[1].pg.replay_delay_ms.v = 300000;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	/* a huge byte lag alone changes nothing: bytes are not seconds */
	f.st[1].pg.replay_delay_ms.v = 1000;
	f.st[0].pg.standbys[0].replay_lag_bytes.v = 50LL << 30;
	expect_level(fx_judge(&f), VERDICT_OK);
	expect_reason(&f.v, VERDICT_OK,
	              "standby datacenter-2 is 1s behind in replay, 50.0 GiB of WAL behind the "
	              "primary");
}

/* An unknown replay delay is a warning; paused replay is a warning of its own. */
static void test_lag_unknown_and_paused(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].pg.receive_lsn.known = 0;
	f.st[1].pg.replay_delay_ms.known = 0;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "the replay delay of standby datacenter-2 is unknown, 0 bytes of WAL behind "
	              "the primary");
	/* replay stops short of what it received, no transaction replayed yet: unknown... */
	fx_init(&f);
	f.st[1].pg.receive_lsn.v = f.st[1].pg.replay_lsn.v + 3896;
	f.st[1].pg.replay_delay_ms.known = 0;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	/* ...unless its startup process waits for more WAL: all it can replay is replayed */
	f.st[1].pg.replay_waiting = 1;
	expect_level(fx_judge(&f), VERDICT_OK);
	fx_init(&f);
	f.st[1].pg.replay_paused = 1;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "WAL replay is paused on standby datacenter-2 (SELECT pg_wal_replay_resume() "
	              "resumes it)");
}

/* The primary down: critical, and the streaming rule does not pile on. */
static void test_primary_down(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_DOWN;
	snprintf(f.st[0].pg.error, sizeof f.st[0].pg.error, "server closed the connection");
	f.st[1].pg.receiver_status[0] = '\0';
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	assert_int_equal(verdict_exit_code(f.v.level), 2);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "PostgreSQL on primary datacenter-1 is down: server closed the connection");
	assert_int_equal(find_reason(&f.v, "PostgreSQL on primary", 0), 0);
	expect_no_reason(&f.v, "no standby is streaming");
	/* what the standby holds is told, for the failover decision */
	expect_reason(&f.v, VERDICT_OK, "standby datacenter-2 is 0s behind in replay");
}

/* The primary's PostgreSQL not asked yet (the console just started): unknown, never critical. */
static void test_primary_not_asked(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_UNKNOWN;
	f.st[0].pg.at_ms = 0;
	f.st[0].pg.error[0] = '\0';
	fx_judge(&f);
	expect_reason(&f.v, VERDICT_UNKNOWN,
	              "PostgreSQL on primary datacenter-1 has not been asked yet");
	expect_no_reason(&f.v, "does not answer");
	assert_true(f.v.level != VERDICT_CRITICAL);
}

/* The primary unreachable: critical, with the agent's reason. */
static void test_primary_unreachable(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].reachable = 0;
	snprintf(f.st[0].error, sizeof f.st[0].error, "timed out after 3 s");
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_UNKNOWN;
	f.st[0].pg.at_ms = f.st[0].health.at_ms = f.st[0].backups.at_ms = NOW - 1000;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	assert_int_equal(find_reason(&f.v,
	                             "primary datacenter-1 is unreachable: timed out after "
	                             "3 s",
	                             1),
	                 0);
	/* SSH lost while PostgreSQL still answers: critical all the same */
	fx_init(&f);
	f.st[0].reachable = 0;
	snprintf(f.st[0].error, sizeof f.st[0].error, "connection reset");
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "primary datacenter-1 is unreachable over SSH (connection reset); "
	              "PostgreSQL still answered");
}

/* No site is primary: the configured primary is a standby. */
static void test_no_primary(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	fx_standby(&f, 0);
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no site answers as primary (datacenter-1, the configured primary, is a "
	              "standby)");
	/* a configured primary that is not among the sites */
	f.cf.dr.primary_site = "datacenter-9";
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no site answers as primary (the configured primary datacenter-9 is not a "
	              "probed site)");
}

/* After a failover the primary is found by role; the old one down means nothing streams. */
static void test_failed_over(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	fx_primary(&f, 1, NULL);
	f.st[1].pg.timeline.v = 2;
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_DOWN;
	snprintf(f.st[0].pg.error, sizeof f.st[0].pg.error, "connection refused");
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no standby is streaming from primary datacenter-2 (PostgreSQL on "
	              "datacenter-1 is down: connection refused)");
	expect_reason(&f.v, VERDICT_OK,
	              "datacenter-2 is the primary (configured primary: datacenter-1): the sites "
	              "have failed over");
	expect_no_reason(&f.v, "PostgreSQL on primary");
}

/* Nothing streams: the standby's own receiver says why. */
static void test_not_streaming(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].pg.n_standbys = 0;
	snprintf(f.st[1].pg.receiver_status, sizeof f.st[1].pg.receiver_status, "waiting");
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no standby is streaming from primary datacenter-1 (the WAL receiver of "
	              "datacenter-2 is waiting)");
	/* a row still in catchup is not streaming either */
	fx_init(&f);
	snprintf(f.st[0].pg.standbys[0].state, sizeof f.st[0].pg.standbys[0].state, "catchup");
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	/* the standby unreachable and its PostgreSQL unknown: said once */
	fx_init(&f);
	f.st[0].pg.n_standbys = 0;
	f.st[1].reachable = 0;
	snprintf(f.st[1].error, sizeof f.st[1].error, "no route to host");
	f.st[1].pg.up = 0;
	f.st[1].pg.role = PG_ROLE_UNKNOWN;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no standby is streaming from primary datacenter-1 (datacenter-2 is "
	              "unreachable: no route to host)");
	assert_int_equal(count_reasons(&f.v, "unreachable"), 1);
}

/* A standby that streams but cannot be reached over SSH is a warning. */
static void test_standby_unreachable_but_streaming(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].reachable = 0;
	snprintf(f.st[1].error, sizeof f.st[1].error, "timed out after 3 s");
	f.st[1].pg.up = 0;
	f.st[1].pg.role = PG_ROLE_UNKNOWN;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING, "datacenter-2 is unreachable: timed out after 3 s");
}

/* A reachable standby site whose PostgreSQL does not answer drconsole gets a reason of its own. */
static void test_standby_pg_silent(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].pg.up = 0;
	f.st[1].pg.role = PG_ROLE_UNKNOWN;
	snprintf(f.st[1].pg.error, sizeof f.st[1].pg.error,
	         "sshd refuses to forward to the site's PostgreSQL");
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "PostgreSQL on datacenter-2 does not answer, so its replay cannot be judged: "
	              "sshd refuses to forward to the site's PostgreSQL");
	/* Not for an unreachable site: that has its own reason. */
	f.st[1].reachable = 0;
	fx_judge(&f);
	expect_no_reason(&f.v, "does not answer, so its replay");
}

/* Two primaries at once: split brain, first, in the exact words. */
static void test_split_brain(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	fx_primary(&f, 1, NULL);
	f.st[1].pg.timeline.v = 2;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	assert_string_equal(
	    f.v.reasons[0].text,
	    "SPLIT BRAIN: both datacenter-1 and datacenter-2 accept writes as primary");
	assert_int_equal(f.v.reasons[0].level, VERDICT_CRITICAL);
	assert_string_equal(f.v.reasons[0].site, "");
	expect_no_reason(&f.v, "have failed over");
}

/* Split brain with everything else broken too: still the first reason. */
static void test_split_brain_first_whatever_else(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	fx_primary(&f, 1, NULL);
	for (size_t i = 0; i < 2; i++) {
		struct site_status *s = &f.st[i];
		s->reachable = 0;
		snprintf(s->error, sizeof s->error, "timed out after 3 s");
		s->health.at_ms = NOW - 600000;
		s->health.services[0].ok = 0;
		s->health.services[0].exit_status = 3;
		s->backups.newest_age_s.v = 10 * 86400;
		s->backups.invalid = 1;
		snprintf(s->backups.invalid_names[0], sizeof s->backups.invalid_names[0], "x.dump");
		s->backups.expired = 3;
		s->pg.n_findings = SNAPSHOT_MAX_FINDINGS;
		for (size_t k = 0; k < SNAPSHOT_MAX_FINDINGS; k++)
			snprintf(s->pg.findings[k], sizeof s->pg.findings[k], "finding %zu", k);
		s->health.n_services = SNAPSHOT_MAX_SERVICES;
		for (size_t k = 0; k < SNAPSHOT_MAX_SERVICES; k++)
			s->health.services[k] = (struct snap_service){"svc", 0, 1};
		s->health.data_free_bytes.v = 1;
	}
	f.st[0].reachable = 1; /* health rules only run on a reachable site */
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	assert_string_equal(
	    f.v.reasons[0].text,
	    "SPLIT BRAIN: both datacenter-1 and datacenter-2 accept writes as primary");
	assert_int_equal(f.v.n, VERDICT_MAX_REASONS);
	assert_true(f.v.dropped > 0);
	/* the room went to the most severe: every critical reason is kept, criticals first */
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "1 backup on datacenter-2 fails pg_restore --list: "
	              "x.dump");
	for (size_t i = 1; i < f.v.n; i++)
		assert_false(f.v.reasons[i - 1].level == VERDICT_WARNING &&
		             f.v.reasons[i].level == VERDICT_CRITICAL);
}

/* Three primaries; and a primary heard from long ago is not a split brain but must be fenced. */
static void test_split_brain_three_and_stale(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.n = f.cf.n_sites = 3;
	fx_site(&f, 2, "datacenter-3");
	fx_primary(&f, 1, NULL);
	fx_primary(&f, 2, NULL);
	fx_judge(&f);
	assert_string_equal(f.v.reasons[0].text, "SPLIT BRAIN: datacenter-1, datacenter-2 and "
	                                         "datacenter-3 all accept writes as primary");
	fx_init(&f);
	fx_primary(&f, 1, NULL);
	f.st[0].pg.at_ms = NOW - 40000; /* last answered 40 s ago */
	fx_judge(&f);
	expect_no_reason(&f.v, "SPLIT BRAIN");
	expect_reason(&f.v, VERDICT_WARNING,
	              "datacenter-1 answered as primary 40s ago and has not been heard from since: "
	              "make sure it is fenced before it comes back");
}

/* Backups: too old, none, failing verification (critical); expired, unlisted (warning). */
static void test_backups(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].backups.newest_age_s.v = 100000;
	f.st[0].backups.at_ms = NOW - 1000; /* the file is a second older now */
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "the newest backup on datacenter-1 is 1d3h46m41s old, beyond max_age 1d2h: "
	              "db_backup_20261127_031034.dump");
	fx_init(&f);
	f.st[0].backups.count = 0;
	f.st[0].backups.newest_age_s.known = 0;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no backup matches db_backup_*.dump in /backup on datacenter-1");
	fx_init(&f);
	f.st[1].backups.invalid = 2;
	snprintf(f.st[1].backups.invalid_names[0], 128, "db_backup_a.dump");
	snprintf(f.st[1].backups.invalid_names[1], 128, "db_backup_b.dump");
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "2 backups on datacenter-2 fail pg_restore --list: db_backup_a.dump, "
	              "db_backup_b.dump");
	fx_init(&f);
	f.st[0].backups.expired = 2;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "2 backups on datacenter-1 are older than retention_days (30) and still "
	              "present");
	fx_init(&f);
	f.st[0].backups.ok = 0;
	snprintf(f.st[0].backups.error, sizeof f.st[0].backups.error,
	         "backup folder /backup does not exist");
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "the backups on datacenter-1 are unknown: backup folder /backup does not "
	              "exist");
	fx_init(&f);
	f.st[0].backups.at_ms = 0;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING, "the backups on datacenter-1 are not listed yet");
	/* a site that keeps no backups is not judged on them */
	fx_init(&f);
	f.st[1].backups.configured = 0;
	f.st[1].backups.count = 0;
	expect_level(fx_judge(&f), VERDICT_OK);
}

/* Health: failing and hung service checks, a full disk, a probe that failed or never answered. */
static void test_health(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].health.services[0].ok = 0;
	f.st[0].health.services[0].exit_status = 3;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "service erp-chatbot on datacenter-1 fails its check (exit status 3)");
	f.st[0].health.services[0].exit_status = -1;
	fx_judge(&f);
	expect_reason(&f.v, VERDICT_WARNING,
	              "the check of service erp-chatbot on datacenter-1 did not finish");
	fx_init(&f);
	f.st[1].health.data_free_bytes.v = 5LL << 30;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "the data filesystem on datacenter-2 is nearly full: 5.0 GiB free of 100.0 "
	              "GiB");
	fx_init(&f);
	f.st[1].health.ok = 0;
	snprintf(f.st[1].health.error, sizeof f.st[1].health.error, "channel closed");
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "the host probe of datacenter-2 failed: channel closed");
	fx_init(&f);
	f.st[1].health.at_ms = 0;
	f.st[1].health.ok = 0;
	fx_judge(&f);
	expect_reason(&f.v, VERDICT_WARNING, "the host probe of datacenter-2 has not answered yet");
}

/* Data older than two probe intervals is stale: which part, and how old. */
static void test_stale(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].health.at_ms = NOW - 10000;
	f.st[1].backups.at_ms = NOW - 65000;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "stale data from datacenter-2: health 10s old, backups 1m5s old (probe every "
	              "2s)");
	fx_init(&f);
	f.st[0].pg.at_ms = NOW - 4000; /* exactly two intervals: still fresh */
	expect_level(fx_judge(&f), VERDICT_OK);
	f.st[0].pg.at_ms = NOW - 4001;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "stale data from datacenter-1: postgres 4s old (probe every 2s)");
}

/* Configuration conformity findings are warnings, named by site. */
static void test_findings(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].pg.n_findings = 1;
	snprintf(f.st[1].pg.findings[0], sizeof f.st[1].pg.findings[0],
	         "primary_conninfo carries a password: move it to the replication user's "
	         "~/.pgpass (passfile)");
	expect_level(fx_judge(&f), VERDICT_WARNING);
	expect_reason(&f.v, VERDICT_WARNING,
	              "datacenter-2: primary_conninfo carries a password: move it to the "
	              "replication user's ~/.pgpass (passfile)");
}

/* Nothing at all known: unknown (exit 3), one reason per site. */
static void test_unknown(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	for (size_t i = 0; i < 2; i++) {
		struct site_status *s = &f.st[i];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s", f.sites[i].name);
	}
	snprintf(f.st[0].error, sizeof f.st[0].error, "no answer within 3.0 s");
	expect_level(fx_judge(&f), VERDICT_UNKNOWN);
	assert_int_equal(verdict_exit_code(f.v.level), 3);
	assert_int_equal(f.v.n, 2);
	expect_reason(&f.v, VERDICT_UNKNOWN,
	              "nothing known about datacenter-1: no answer within "
	              "3.0 s");
	expect_reason(&f.v, VERDICT_UNKNOWN, "nothing known about datacenter-2: no answer yet");
	/* one part of one site known is enough to judge */
	f.st[1].health.at_ms = NOW;
	f.st[1].health.ok = 1;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	verdict_judge(&f.cf, f.st, 0, NOW, &f.v);
	expect_level(&f.v, VERDICT_UNKNOWN);
}

/* Reasons come most severe first, and each keeps its own level. */
static void test_order(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].backups.expired = 1;  /* warning */
	f.st[1].backups.count = 0;    /* critical */
	f.st[1].pg.replay_paused = 1; /* warning */
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	assert_int_equal(f.v.reasons[0].level, VERDICT_CRITICAL);
	for (size_t i = 1; i < f.v.n; i++)
		assert_true(f.v.reasons[i - 1].level == VERDICT_CRITICAL ||
		            f.v.reasons[i].level != VERDICT_CRITICAL);
	assert_int_equal(f.v.reasons[f.v.n - 1].level, VERDICT_OK);
}

/* Judges the fixture at the clock now (the snapshots unchanged: only time moves). */
static const struct verdict *fx_judge_at(struct fx *f, int64_t now)
{
	verdict_judge(&f->cf, f->st, f->n, now, &f->v);
	return &f->v;
}

/*
 * Freshness is the clock's: the same snapshots judged later turn stale, and
 * stale data counts neither as streaming nor as a known replay delay.
 */
static void test_stale_by_the_clock(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	expect_level(fx_judge_at(&f, NOW), VERDICT_OK);
	/* 30 s on, nothing new from either site: the stream and the delay are unknown */
	expect_level(fx_judge_at(&f, NOW + 30000), VERDICT_UNKNOWN);
	assert_int_equal(f.v.reasons[0].level, VERDICT_UNKNOWN);
	assert_string_equal(f.v.reasons[0].text,
	                    "whether a standby streams from primary datacenter-1 is unknown "
	                    "(PostgreSQL on datacenter-1 last answered 30s ago; PostgreSQL on "
	                    "datacenter-2 last answered 30s ago)");
	expect_reason(&f.v, VERDICT_WARNING,
	              "the replay delay of standby datacenter-2 is unknown: PostgreSQL on "
	              "datacenter-2 last answered 30s ago, 0 bytes of WAL behind the primary");
	expect_no_reason(&f.v, "0s behind in replay");
	/* the primary stale but the standby fresh: its own receiver tells */
	f.st[1].pg.at_ms = NOW + 29000;
	expect_level(fx_judge_at(&f, NOW + 30000), VERDICT_WARNING);
	expect_no_reason(&f.v, "streams from");
	snprintf(f.st[1].pg.receiver_status, sizeof f.st[1].pg.receiver_status, "waiting");
	expect_level(fx_judge_at(&f, NOW + 30000), VERDICT_CRITICAL);
	expect_reason(&f.v, VERDICT_CRITICAL,
	              "no standby is streaming from primary datacenter-1 (the WAL receiver of "
	              "datacenter-2 is waiting)");
}

/* One stream as the panel shows it: a stale row of a dead primary is not streaming. */
static void test_stream(void **state)
{
	(void)state;
	struct fx f;
	struct verdict_stream st;
	fx_init(&f);
	verdict_stream(&f.cf, f.st, 2, 0, 1, NOW, &st);
	assert_int_equal(st.state, VERDICT_STREAM_YES);
	assert_int_equal(st.row, 0);
	assert_true(st.row_fresh);
	/* the primary's PostgreSQL died 30 s ago; its last row still says streaming */
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_DOWN;
	f.st[0].pg.at_ms = NOW - 30000;
	f.st[1].pg.receiver_status[0] = '\0';
	verdict_stream(&f.cf, f.st, 2, 0, 1, NOW, &st);
	assert_int_equal(st.state, VERDICT_STREAM_NO);
	assert_int_equal(st.row, 0);
	assert_false(st.row_fresh);
	assert_string_equal(st.why, "the WAL receiver of datacenter-2 is not running");
	/* both sites unreachable: unknown, not "not streaming" */
	for (size_t i = 0; i < 2; i++) {
		f.st[i].reachable = 0;
		f.st[i].pg.up = 0;
		f.st[i].pg.role = PG_ROLE_UNKNOWN;
		snprintf(f.st[i].error, sizeof f.st[i].error, "timed out after 3 s");
	}
	verdict_stream(&f.cf, f.st, 2, 0, 1, NOW, &st);
	assert_int_equal(st.state, VERDICT_STREAM_UNKNOWN);
	assert_string_equal(st.why, "datacenter-1 is unreachable: timed out after 3 s; "
	                            "datacenter-2 is unreachable: timed out after 3 s");
	/* the standby's PostgreSQL refused on a reachable site: not streaming */
	f.st[1].reachable = 1;
	f.st[1].pg.role = PG_ROLE_DOWN;
	verdict_stream(&f.cf, f.st, 2, 0, 1, NOW, &st);
	assert_int_equal(st.state, VERDICT_STREAM_NO);
}

/*
 * Within a level, what endangers recovery most comes first: the DR site
 * unreachable before expired backups; split brain, the primary, the stream,
 * lag, then backups; and how many more reasons there are.
 */
static void test_order_by_kind(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[0].backups.expired = 2;
	f.st[1].reachable = 0;
	snprintf(f.st[1].error, sizeof f.st[1].error, "timed out after 3 s");
	f.st[1].pg.up = 0;
	f.st[1].pg.role = PG_ROLE_UNKNOWN;
	expect_level(fx_judge(&f), VERDICT_WARNING);
	assert_string_equal(verdict_top(&f.v)->text,
	                    "datacenter-2 is unreachable: timed out after 3 s");
	assert_int_equal(verdict_top(&f.v)->kind, VERDICT_KIND_STANDBY);
	assert_int_equal(verdict_more(&f.v), 1);
	/* criticals of every kind: the stream, then lag, then backups */
	fx_init(&f);
	f.st[0].backups.count = 0;
	snprintf(f.st[0].pg.standbys[0].state, sizeof f.st[0].pg.standbys[0].state, "catchup");
	f.st[1].pg.replay_lsn.v--;
	f.st[1].pg.replay_delay_ms.v = 400000;
	expect_level(fx_judge(&f), VERDICT_CRITICAL);
	assert_int_equal(f.v.reasons[0].kind, VERDICT_KIND_STANDBY);
	assert_int_equal(f.v.reasons[1].kind, VERDICT_KIND_LAG);
	assert_int_equal(f.v.reasons[2].kind, VERDICT_KIND_BACKUPS);
	assert_int_equal(verdict_more(&f.v), 2);
	/* a dead primary goes before the stream; a split brain before everything */
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_DOWN;
	fx_judge(&f);
	assert_int_equal(verdict_top(&f.v)->kind, VERDICT_KIND_PRIMARY);
	fx_primary(&f, 0, "datacenter-2");
	f.st[0].pg.up = 1;
	fx_primary(&f, 1, NULL);
	fx_judge(&f);
	assert_int_equal(verdict_top(&f.v)->kind, VERDICT_KIND_SPLIT);
	/* all ok: no top, nothing more */
	fx_init(&f);
	fx_judge(&f);
	assert_null(verdict_top(&f.v));
	assert_int_equal(verdict_more(&f.v), 0);
}

/* Rows of pg_stat_replication are told apart by name, then address, then being the only one. */
static void test_match_standby(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	assert_int_equal(verdict_match_standby(&f.cf, f.st, 2, 0, 1), 0);
	/* the default application_name (the cluster name) and a matching address */
	fx_primary(&f, 0, "walreceiver");
	snprintf(f.st[0].pg.standbys[0].client_addr, 64, "db2.dc2.example.com");
	struct snap_standby other = f.st[0].pg.standbys[0];
	snprintf(other.client_addr, sizeof other.client_addr, "10.9.9.9");
	f.st[0].pg.standbys[f.st[0].pg.n_standbys++] = other;
	assert_int_equal(verdict_match_standby(&f.cf, f.st, 2, 0, 1), 0);
	/* two rows, neither by name nor by address: cannot tell */
	snprintf(f.st[0].pg.standbys[0].client_addr, 64, "10.9.9.8");
	assert_int_equal(verdict_match_standby(&f.cf, f.st, 2, 0, 1), -1);
	/* one row and one other site: it is that site's */
	f.st[0].pg.n_standbys = 1;
	assert_int_equal(verdict_match_standby(&f.cf, f.st, 2, 0, 1), 0);
	assert_int_equal(verdict_match_standby(&f.cf, f.st, 3, 0, 1), -1);
}

/* The lag and backup-age helpers. */
static void test_helpers(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	int64_t lag = -1, age = -1;
	assert_int_equal(verdict_lag_ms(&f.st[1], &lag), 0);
	assert_int_equal(lag, 0);
	f.st[1].pg.receive_lsn.v++;
	assert_int_equal(verdict_lag_ms(&f.st[1], &lag), 0);
	assert_int_equal(lag, 61000);
	assert_int_equal(verdict_lag_ms(&f.st[0], &lag), -1);
	assert_int_equal(verdict_backup_age_s(&f.st[0].backups, NOW + 10000, &age), 0);
	assert_int_equal(age, 3610);
	f.st[0].backups.newest_age_s.known = 0;
	assert_int_equal(verdict_backup_age_s(&f.st[0].backups, NOW, &age), -1);
	assert_int_equal(verdict_primary(&f.cf, f.st, 2), 0);
	fx_standby(&f, 0);
	assert_int_equal(verdict_primary(&f.cf, f.st, 2), 0); /* the configured one */
	fx_primary(&f, 1, NULL);
	assert_int_equal(verdict_primary(&f.cf, f.st, 2), 1); /* the one answering as primary */
	assert_string_equal(verdict_role_name(verdict_site_role(&f.st[1])), "primary");
	f.st[1].pg.up = 0;
	assert_string_equal(verdict_role_name(verdict_site_role(&f.st[1])), "unknown");
	f.st[1].pg.role = PG_ROLE_DOWN;
	assert_string_equal(verdict_role_name(verdict_site_role(&f.st[1])), "down");
}

/* Names and exit codes of the levels (monitoring-plugin convention). */
static void test_names_and_codes(void **state)
{
	(void)state;
	assert_string_equal(verdict_name(VERDICT_OK), "ok");
	assert_string_equal(verdict_name(VERDICT_WARNING), "warning");
	assert_string_equal(verdict_name(VERDICT_CRITICAL), "critical");
	assert_string_equal(verdict_name(VERDICT_UNKNOWN), "unknown");
	assert_int_equal(verdict_exit_code(VERDICT_OK), 0);
	assert_int_equal(verdict_exit_code(VERDICT_WARNING), 1);
	assert_int_equal(verdict_exit_code(VERDICT_CRITICAL), 2);
	assert_int_equal(verdict_exit_code(VERDICT_UNKNOWN), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy),
	    cmocka_unit_test(test_lag),
	    cmocka_unit_test(test_lag_unknown_and_paused),
	    cmocka_unit_test(test_primary_down),
	    cmocka_unit_test(test_primary_not_asked),
	    cmocka_unit_test(test_primary_unreachable),
	    cmocka_unit_test(test_no_primary),
	    cmocka_unit_test(test_failed_over),
	    cmocka_unit_test(test_not_streaming),
	    cmocka_unit_test(test_standby_unreachable_but_streaming),
	    cmocka_unit_test(test_standby_pg_silent),
	    cmocka_unit_test(test_split_brain),
	    cmocka_unit_test(test_split_brain_first_whatever_else),
	    cmocka_unit_test(test_split_brain_three_and_stale),
	    cmocka_unit_test(test_backups),
	    cmocka_unit_test(test_health),
	    cmocka_unit_test(test_stale),
	    cmocka_unit_test(test_findings),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_stale_by_the_clock),
	    cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_order_by_kind),
	    cmocka_unit_test(test_match_standby),
	    cmocka_unit_test(test_helpers),
	    cmocka_unit_test(test_names_and_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
