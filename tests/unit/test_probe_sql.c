/*
 * Tests of core/probe_sql.c: LSN text, and the probe's answer parsed into a
 * snapshot. The fixtures are real answers of probe_sql_text() from the lab
 * (tests/lab/lab.sh, PostgreSQL 15) in each role and situation; the findings
 * tests use small hand-written answers for settings the lab cannot take.
 */
#include "config.h"

#include "unit.h"

#include "probe_sql.h"

/*
 * site 1 as primary, read by drmonitor (pg_monitor): one streaming standby that names itself
 * datacenter-2, an active slot and a spare one.
 */
static const char LAB_PRIMARY[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : false, \"timeline\" : 1, \"current_lsn\" : \"0/4191890\", "
    "\"receive_lsn\" : null, \"replay_lsn\" : null, \"replay_delay_ms\" : null, "
    "\"replay_pause_state\" : null, \"receiver\" : null, "
    "\"standbys\" : [{\"application_name\" : \"datacenter-2\", "
    "\"client_addr\" : \"127.0.0.1\", \"state\" : \"streaming\", "
    "\"sync_state\" : \"async\", \"sent_lsn\" : \"0/4191890\", "
    "\"write_lsn\" : \"0/4191890\", \"flush_lsn\" : \"0/4191890\", "
    "\"replay_lsn\" : \"0/4191890\", \"lag_bytes\" : 0}], "
    "\"slots\" : [{\"slot_name\" : \"dr_standby\", \"active\" : true, "
    "\"restart_lsn\" : \"0/4191890\", \"retained_bytes\" : 0}, {\"slot_name\" : \"spare\", "
    "\"active\" : false, \"restart_lsn\" : \"0/3000028\", \"retained_bytes\" : 18421864}], "
    "\"settings\" : { \"data_directory\" : \"/tmp/drpx/site1/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", \"primary_conninfo\" : \"\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/*
 * site 2 as standby, read by drmonitor: streaming, caught up, primary_conninfo with the seed
 * plan's password=secret.
 */
static const char LAB_STANDBY[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : true, \"timeline\" : 1, \"current_lsn\" : null, "
    "\"receive_lsn\" : \"0/4191890\", \"replay_lsn\" : \"0/4191890\", "
    "\"replay_delay_ms\" : 1702, \"replay_pause_state\" : \"not paused\", "
    "\"receiver\" : {\"status\" : \"streaming\", \"sender_host\" : \"127.0.0.1\", "
    "\"sender_port\" : 55711, \"received_tli\" : 1}, \"standbys\" : [], \"slots\" : [], "
    "\"settings\" : { \"data_directory\" : \"/tmp/drpx/site2/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", "
    "\"primary_conninfo\" : \"host=127.0.0.1 port=55711 user=postgres password=secret "
    "application_name=datacenter-2\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/* site 2 after pg_wal_replay_pause() and writes on the primary: received more than replayed. */
static const char LAB_STANDBY_PAUSED[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : true, \"timeline\" : 1, \"current_lsn\" : null, "
    "\"receive_lsn\" : \"0/42325E8\", \"replay_lsn\" : \"0/4191890\", "
    "\"replay_delay_ms\" : 7122, \"replay_pause_state\" : \"paused\", "
    "\"receiver\" : {\"status\" : \"streaming\", \"sender_host\" : \"127.0.0.1\", "
    "\"sender_port\" : 55711, \"received_tli\" : 1}, \"standbys\" : [], \"slots\" : [], "
    "\"settings\" : { \"data_directory\" : \"/tmp/drpx/site2/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", "
    "\"primary_conninfo\" : \"host=127.0.0.1 port=55711 user=postgres password=secret "
    "application_name=datacenter-2\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/* site 1 at the same moment: the standby's replay LSN lags 658776 bytes. */
static const char LAB_PRIMARY_BEHIND[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : false, \"timeline\" : 1, \"current_lsn\" : \"0/42325E8\", "
    "\"receive_lsn\" : null, \"replay_lsn\" : null, \"replay_delay_ms\" : null, "
    "\"replay_pause_state\" : null, \"receiver\" : null, "
    "\"standbys\" : [{\"application_name\" : \"datacenter-2\", "
    "\"client_addr\" : \"127.0.0.1\", \"state\" : \"streaming\", "
    "\"sync_state\" : \"async\", \"sent_lsn\" : \"0/42325E8\", "
    "\"write_lsn\" : \"0/42325E8\", \"flush_lsn\" : \"0/42325E8\", "
    "\"replay_lsn\" : \"0/4191890\", \"lag_bytes\" : 658776}], "
    "\"slots\" : [{\"slot_name\" : \"dr_standby\", \"active\" : true, "
    "\"restart_lsn\" : \"0/42325E8\", \"retained_bytes\" : 0}, {\"slot_name\" : \"spare\", "
    "\"active\" : false, \"restart_lsn\" : \"0/3000028\", \"retained_bytes\" : 19080640}], "
    "\"settings\" : { \"data_directory\" : \"/tmp/drpx/site1/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", \"primary_conninfo\" : \"\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/*
 * site 2 while site 1's postmaster was killed: no WAL receiver, the timeline comes from the
 * control file.
 */
static const char LAB_STANDBY_ORPHAN[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : true, \"timeline\" : 1, \"current_lsn\" : null, "
    "\"receive_lsn\" : \"0/42325E8\", \"replay_lsn\" : \"0/42325E8\", "
    "\"replay_delay_ms\" : 5869, \"replay_pause_state\" : \"not paused\", "
    "\"receiver\" : null, \"standbys\" : [], \"slots\" : [], "
    "\"settings\" : { \"data_directory\" : \"/tmp/drpx/site2/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", "
    "\"primary_conninfo\" : \"host=127.0.0.1 port=55711 user=postgres password=secret "
    "application_name=datacenter-2\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/* site 2 right after pg_promote(): a primary on timeline 2 (before any checkpoint). */
static const char LAB_PROMOTED[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : false, \"timeline\" : 2, \"current_lsn\" : \"0/42326C8\", "
    "\"receive_lsn\" : null, \"replay_lsn\" : null, \"replay_delay_ms\" : null, "
    "\"replay_pause_state\" : null, \"receiver\" : null, \"standbys\" : [], "
    "\"slots\" : [], \"settings\" : { \"data_directory\" : \"/tmp/drpx/site2/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", "
    "\"primary_conninfo\" : \"host=127.0.0.1 port=55711 user=postgres password=secret "
    "application_name=datacenter-2\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/* site 1 at the same moment: still a primary on timeline 1 (split brain). */
static const char LAB_OLD_PRIMARY[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : false, \"timeline\" : 1, \"current_lsn\" : \"0/4232660\", "
    "\"receive_lsn\" : null, \"replay_lsn\" : null, \"replay_delay_ms\" : null, "
    "\"replay_pause_state\" : null, \"receiver\" : null, \"standbys\" : [], "
    "\"slots\" : [{\"slot_name\" : \"dr_standby\", \"active\" : false, "
    "\"restart_lsn\" : \"0/4232660\", \"retained_bytes\" : 0}, {\"slot_name\" : \"spare\", "
    "\"active\" : false, \"restart_lsn\" : \"0/3000028\", \"retained_bytes\" : 19080760}], "
    "\"settings\" : { \"data_directory\" : \"/tmp/drpx/site1/pgdata\", "
    "\"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", \"primary_conninfo\" : \"\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/*
 * site 2 as standby, read by a role without pg_monitor: receiver columns null, no
 * data_directory or primary_conninfo.
 */
static const char LAB_PLAIN_STANDBY[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : true, \"timeline\" : 1, \"current_lsn\" : null, "
    "\"receive_lsn\" : \"0/40421A0\", \"replay_lsn\" : \"0/40421A0\", "
    "\"replay_delay_ms\" : 2185, \"replay_pause_state\" : \"not paused\", "
    "\"receiver\" : {\"status\" : null, \"sender_host\" : null, \"sender_port\" : null, "
    "\"received_tli\" : null}, \"standbys\" : [], \"slots\" : [], "
    "\"settings\" : { \"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/* site 1 as primary, read by a role without pg_monitor: the replication row has nulls. */
static const char LAB_PLAIN_PRIMARY[] =
    "{\"version\" : \"15.18 (Debian 15.18-0+deb12u1)\", \"version_num\" : 150018, "
    "\"in_recovery\" : false, \"timeline\" : 1, \"current_lsn\" : \"0/40421A0\", "
    "\"receive_lsn\" : null, \"replay_lsn\" : null, \"replay_delay_ms\" : null, "
    "\"replay_pause_state\" : null, \"receiver\" : null, "
    "\"standbys\" : [{\"application_name\" : \"drlab-55712\", \"client_addr\" : null, "
    "\"state\" : null, \"sync_state\" : null, \"sent_lsn\" : null, \"write_lsn\" : null, "
    "\"flush_lsn\" : null, \"replay_lsn\" : null, \"lag_bytes\" : null}], \"slots\" : [], "
    "\"settings\" : { \"hot_standby\" : \"on\", \"max_wal_senders\" : \"10\", "
    "\"wal_keep_size\" : \"512\", \"wal_level\" : \"replica\" }}";

/* Parses json into a fresh snapshot, failing the test on an error; data_dir may be NULL. */
static void parse_ok(const char *json, struct snap_pg *pg, char *data_dir, size_t len)
{
	char *cause = NULL;
	memset(pg, 0, sizeof *pg);
	if (probe_sql_parse(json, pg, data_dir, len, &cause) != 0)
		fail_msg("probe answer did not parse: %s", cause);
}

/* Fails unless an optional value is known and equal to want. */
static void expect_opt(const struct opt_i64 *v, int64_t want)
{
	assert_true(v->known);
	assert_int_equal(v->v, want);
}

/* Tells whether any finding contains needle. */
static int has_finding(const struct snap_pg *pg, const char *needle)
{
	for (size_t i = 0; i < pg->n_findings; i++)
		if (strstr(pg->findings[i], needle) != NULL)
			return 1;
	return 0;
}

/* The statement is one statement, built on the server, with role-specific calls guarded. */
static void test_probe_sql_text(void **state)
{
	(void)state;
	const char *sql = probe_sql_text();
	assert_non_null(strstr(sql, "SELECT json_build_object("));
	assert_null(strchr(sql, ';'));
	assert_non_null(strstr(sql, "pg_is_in_recovery() AS rec"));
	assert_non_null(strstr(sql, "CASE WHEN NOT r.rec THEN pg_current_wal_lsn()"));
	assert_non_null(strstr(sql, "pg_walfile_name(pg_current_wal_lsn())"));
	assert_non_null(strstr(sql, "received_tli FROM pg_stat_wal_receiver"));
	assert_non_null(strstr(sql, "CASE WHEN r.rec THEN pg_get_wal_replay_pause_state()"));
	assert_non_null(strstr(sql, "FROM pg_settings"));
}

/* LSN text X/Y is (X<<32)|Y; anything else is refused and leaves the output alone. */
static void test_lsn_parse(void **state)
{
	(void)state;
	int64_t v = -7;
	assert_int_equal(lsn_parse("0/3000148", &v), 0);
	assert_int_equal(v, 0x3000148);
	assert_int_equal(lsn_parse("16/B374D848", &v), 0);
	assert_int_equal(v, (int64_t)0x16 << 32 | 0xB374D848);
	assert_int_equal(lsn_parse("16/b374d848", &v), 0);
	assert_int_equal(v, (int64_t)0x16 << 32 | 0xB374D848);
	assert_int_equal(lsn_parse("0/0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(lsn_parse("7FFFFFFF/FFFFFFFF", &v), 0);
	assert_int_equal(v, INT64_MAX);
	const char *bad[] = {"",     "0",     "/1",          "1/",    "0/123456789",
	                     "G/1",  "0/1 ",  " 0/1",        "0//1",  "-1/1",
	                     "+1/1", "0x1/1", "123456789/1", "1/2/3", "0/1\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = -7;
		if (lsn_parse(bad[i], &v) != -1)
			fail_msg("'%s' was accepted as an LSN", bad[i]);
		assert_int_equal(v, -7);
	}
	assert_int_equal(lsn_parse(NULL, &v), -1);
}

/* lsn_format prints what PostgreSQL prints, and parses back. */
static void test_lsn_format(void **state)
{
	(void)state;
	char buf[LSN_TEXT_MAX];
	int64_t back;
	lsn_format(0x3000148, buf, sizeof buf);
	assert_string_equal(buf, "0/3000148");
	lsn_format((int64_t)0x16 << 32 | 0xB374D848, buf, sizeof buf);
	assert_string_equal(buf, "16/B374D848");
	lsn_format(-1, buf, sizeof buf);
	assert_string_equal(buf, "FFFFFFFF/FFFFFFFF");
	assert_int_equal(lsn_parse(buf, &back), 0);
	assert_int_equal(back, -1);
}

/* The primary: role, position, timeline from the WAL file name, its standby and slots. */
static void test_parse_primary(void **state)
{
	(void)state;
	struct snap_pg pg;
	char dd[256] = "x";
	parse_ok(LAB_PRIMARY, &pg, dd, sizeof dd);
	assert_int_equal(pg.role, PG_ROLE_PRIMARY);
	assert_string_equal(pg.version, "15.18 (Debian 15.18-0+deb12u1)");
	expect_opt(&pg.timeline, 1);
	expect_opt(&pg.current_lsn, 0x4191890);
	assert_false(pg.receive_lsn.known);
	assert_false(pg.replay_lsn.known);
	assert_false(pg.replay_delay_ms.known);
	assert_string_equal(pg.receiver_status, "");
	assert_string_equal(pg.receiver_host, "");
	assert_int_equal(pg.replay_paused, 0);
	assert_int_equal(pg.n_standbys, 1);
	const struct snap_standby *sb = &pg.standbys[0];
	assert_string_equal(sb->application_name, "datacenter-2");
	assert_string_equal(sb->client_addr, "127.0.0.1");
	assert_string_equal(sb->state, "streaming");
	assert_string_equal(sb->sync_state, "async");
	expect_opt(&sb->sent_lsn, 0x4191890);
	expect_opt(&sb->write_lsn, 0x4191890);
	expect_opt(&sb->flush_lsn, 0x4191890);
	expect_opt(&sb->replay_lsn, 0x4191890);
	expect_opt(&sb->replay_lag_bytes, 0);
	assert_int_equal(pg.n_slots, 2);
	assert_string_equal(pg.slots[0].name, "dr_standby");
	assert_int_equal(pg.slots[0].active, 1);
	expect_opt(&pg.slots[0].retained_bytes, 0);
	assert_string_equal(pg.slots[1].name, "spare");
	assert_int_equal(pg.slots[1].active, 0);
	expect_opt(&pg.slots[1].restart_lsn, 0x3000028);
	expect_opt(&pg.slots[1].retained_bytes, 18421864);
	assert_string_equal(pg.wal_level, "replica");
	expect_opt(&pg.max_wal_senders, 10);
	expect_opt(&pg.wal_keep_size_mb, 512);
	assert_int_equal(pg.hot_standby, 1);
	assert_int_equal(pg.n_findings, 0);
	assert_string_equal(dd, "/tmp/drpx/site1/pgdata");
}

/* The standby: positions, delay, receiver; the password in primary_conninfo is a finding without
 * the password. */
static void test_parse_standby(void **state)
{
	(void)state;
	struct snap_pg pg;
	char dd[256];
	parse_ok(LAB_STANDBY, &pg, dd, sizeof dd);
	assert_int_equal(pg.role, PG_ROLE_STANDBY);
	expect_opt(&pg.timeline, 1);
	assert_false(pg.current_lsn.known);
	expect_opt(&pg.receive_lsn, 0x4191890);
	expect_opt(&pg.replay_lsn, 0x4191890);
	expect_opt(&pg.replay_delay_ms, 1702);
	assert_string_equal(pg.receiver_status, "streaming");
	assert_string_equal(pg.receiver_host, "127.0.0.1");
	assert_int_equal(pg.replay_paused, 0);
	assert_int_equal(pg.n_standbys, 0);
	assert_int_equal(pg.n_slots, 0);
	assert_string_equal(dd, "/tmp/drpx/site2/pgdata");
	assert_int_equal(pg.n_findings, 1);
	assert_non_null(strstr(pg.findings[0], "primary_conninfo carries a password"));
	assert_null(strstr(pg.findings[0], "secret"));
	assert_null(strstr(pg.findings[0], "password="));
}

/* A paused standby that received more than it replayed. */
static void test_parse_paused(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok(LAB_STANDBY_PAUSED, &pg, NULL, 0);
	assert_int_equal(pg.replay_paused, 1);
	expect_opt(&pg.receive_lsn, 0x42325E8);
	expect_opt(&pg.replay_lsn, 0x4191890);
	expect_opt(&pg.replay_delay_ms, 7122);
}

/* The primary's view of the same moment: the byte lag of the standby. */
static void test_parse_primary_behind(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok(LAB_PRIMARY_BEHIND, &pg, NULL, 0);
	expect_opt(&pg.current_lsn, 0x42325E8);
	expect_opt(&pg.standbys[0].replay_lsn, 0x4191890);
	expect_opt(&pg.standbys[0].replay_lag_bytes, 658776);
	assert_int_equal(0x42325E8 - 0x4191890, 658776);
}

/* A standby whose primary is gone: no receiver, the timeline still known. */
static void test_parse_orphan(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok(LAB_STANDBY_ORPHAN, &pg, NULL, 0);
	assert_int_equal(pg.role, PG_ROLE_STANDBY);
	assert_string_equal(pg.receiver_status, "");
	assert_string_equal(pg.receiver_host, "");
	expect_opt(&pg.timeline, 1);
}

/* Both sides of a split brain: the promoted site is on timeline 2 at once, the old one on 1. */
static void test_parse_split_brain(void **state)
{
	(void)state;
	struct snap_pg promoted, old;
	parse_ok(LAB_PROMOTED, &promoted, NULL, 0);
	parse_ok(LAB_OLD_PRIMARY, &old, NULL, 0);
	assert_int_equal(promoted.role, PG_ROLE_PRIMARY);
	assert_int_equal(old.role, PG_ROLE_PRIMARY);
	expect_opt(&promoted.timeline, 2);
	expect_opt(&old.timeline, 1);
	expect_opt(&promoted.current_lsn, 0x42326C8);
	/* the password is still in its configuration after promotion */
	assert_true(has_finding(&promoted, "password"));
	assert_int_equal(old.n_findings, 0);
}

/* Without pg_monitor: nulls stay unknown, the hidden settings are simply absent. */
static void test_parse_plain_user(void **state)
{
	(void)state;
	struct snap_pg pg;
	char dd[256] = "stale";
	parse_ok(LAB_PLAIN_STANDBY, &pg, dd, sizeof dd);
	assert_string_equal(pg.receiver_status, "");
	assert_string_equal(dd, "");
	assert_int_equal(pg.n_findings, 0);
	parse_ok(LAB_PLAIN_PRIMARY, &pg, dd, sizeof dd);
	assert_int_equal(pg.n_standbys, 1);
	assert_string_equal(pg.standbys[0].application_name, "drlab-55712");
	assert_string_equal(pg.standbys[0].state, "");
	assert_string_equal(pg.standbys[0].client_addr, "");
	assert_false(pg.standbys[0].sent_lsn.known);
	assert_false(pg.standbys[0].replay_lsn.known);
	assert_false(pg.standbys[0].replay_lag_bytes.known);
}

/* The caller's bookkeeping (at_ms, up, error) survives; the old answer does not. */
static void test_parse_keeps_bookkeeping(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok(LAB_PRIMARY, &pg, NULL, 0);
	pg.at_ms = 1234;
	pg.up = 1;
	snprintf(pg.error, sizeof pg.error, "earlier");
	char *cause = NULL;
	assert_int_equal(probe_sql_parse(LAB_STANDBY, &pg, NULL, 0, &cause), 0);
	assert_int_equal(pg.at_ms, 1234);
	assert_int_equal(pg.up, 1);
	assert_string_equal(pg.error, "earlier");
	assert_int_equal(pg.n_standbys, 0);
	assert_int_equal(pg.n_slots, 0);
	assert_false(pg.current_lsn.known);
}

/* Conformity on a primary: wal_level, max_wal_senders, wal_keep_size without a slot. */
static void test_findings_primary(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok("{\"in_recovery\": false, \"slots\": [], \"settings\": {\"wal_level\": "
	         "\"minimal\", \"max_wal_senders\": \"1\", \"wal_keep_size\": \"0\", "
	         "\"hot_standby\": \"off\", \"primary_conninfo\": \"\"}}",
	         &pg, NULL, 0);
	assert_int_equal(pg.n_findings, 3);
	assert_string_equal(pg.findings[0], "wal_level is 'minimal': streaming replication needs "
	                                    "replica or logical");
	assert_string_equal(pg.findings[1], "max_wal_senders is 1 on the primary: a standby and a "
	                                    "pg_basebackup need at least 2");
	assert_string_equal(pg.findings[2], "wal_keep_size is 0 and there is no replication slot: "
	                                    "a standby that falls behind loses the WAL it needs");
	assert_int_equal(pg.hot_standby, 0);
	/* a slot keeps the WAL: no finding; logical is fine */
	parse_ok("{\"in_recovery\": false, \"slots\": [{\"slot_name\": \"s\", \"active\": true}], "
	         "\"settings\": {\"wal_level\": \"logical\", \"max_wal_senders\": \"2\", "
	         "\"wal_keep_size\": \"0\"}}",
	         &pg, NULL, 0);
	assert_int_equal(pg.n_findings, 0);
}

/* Conformity on a standby: hot_standby off; max_wal_senders does not matter there. */
static void test_findings_standby(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok("{\"in_recovery\": true, \"settings\": {\"wal_level\": \"replica\", "
	         "\"max_wal_senders\": \"0\", \"wal_keep_size\": \"0\", \"hot_standby\": \"off\", "
	         "\"primary_conninfo\": \"host=db1 user=replicator passfile=/var/lib/pgpass\"}}",
	         &pg, NULL, 0);
	assert_int_equal(pg.n_findings, 1);
	assert_non_null(strstr(pg.findings[0], "hot_standby is off on the standby"));
	/* the seed plan's exact line, in URI form too: said, never copied */
	const char *conninfos[] = {"host=primary port=5432 user=replicator password=secret",
	                           "postgresql://replicator:secret@primary:5432/postgres",
	                           "host=primary PASSWORD = 'secret'"};
	for (size_t i = 0; i < sizeof conninfos / sizeof conninfos[0]; i++) {
		char *json = xasprintf("{\"in_recovery\": true, \"settings\": "
		                       "{\"primary_conninfo\": \"%s\"}}",
		                       conninfos[i]);
		parse_ok(json, &pg, NULL, 0);
		free(json);
		assert_int_equal(pg.n_findings, 1);
		assert_null(strstr(pg.findings[0], "secret"));
		assert_int_equal(pg.hot_standby, -1);
	}
}

/* Values of the wrong type or junk are unknown, not zero. */
static void test_parse_junk_values(void **state)
{
	(void)state;
	struct snap_pg pg;
	parse_ok("{\"in_recovery\": false, \"timeline\": \"1\", \"current_lsn\": \"0/XYZ\", "
	         "\"standbys\": {\"a\": 1}, \"slots\": \"none\", \"settings\": "
	         "{\"max_wal_senders\": \"ten\", \"wal_keep_size\": \"\", \"wal_level\": 5}}",
	         &pg, NULL, 0);
	assert_false(pg.timeline.known);
	assert_false(pg.current_lsn.known);
	assert_int_equal(pg.n_standbys, 0);
	assert_int_equal(pg.n_slots, 0);
	assert_false(pg.max_wal_senders.known);
	assert_false(pg.wal_keep_size_mb.known);
	assert_string_equal(pg.wal_level, "");
	assert_int_equal(pg.hot_standby, -1);
	assert_int_equal(pg.n_findings, 0);
}

/* More rows than the snapshot holds: the first ones are kept. */
static void test_parse_too_many_rows(void **state)
{
	(void)state;
	char *rows = xstrdup("");
	for (int i = 0; i < SNAPSHOT_MAX_STANDBYS + 3; i++) {
		char *next =
		    xasprintf("%s%s{\"application_name\": \"s%d\"}", rows, i ? "," : "", i);
		free(rows);
		rows = next;
	}
	char *json =
	    xasprintf("{\"in_recovery\": false, \"standbys\": [%s], \"slots\": [%s]}", rows, rows);
	struct snap_pg pg;
	parse_ok(json, &pg, NULL, 0);
	free(json);
	free(rows);
	assert_int_equal(pg.n_standbys, SNAPSHOT_MAX_STANDBYS);
	assert_int_equal(pg.n_slots, SNAPSHOT_MAX_SLOTS);
	assert_string_equal(pg.standbys[7].application_name, "s7");
}

/* A data directory that does not fit the caller's buffer is not cut: it is "". */
static void test_parse_data_dir_too_long(void **state)
{
	(void)state;
	struct snap_pg pg;
	char dd[8] = "x";
	parse_ok(LAB_PRIMARY, &pg, dd, sizeof dd);
	assert_string_equal(dd, "");
}

/* Answers that are not the probe's are refused with a reason, the snapshot untouched. */
static void test_parse_bad(void **state)
{
	(void)state;
	const struct {
		const char *json, *needle;
	} cases[] = {{"", "not JSON"},
	             {"{\"in_recovery\": tru", "not JSON"},
	             {"[]", "no in_recovery"},
	             {"{}", "no in_recovery"},
	             {"{\"in_recovery\": \"t\"}", "no in_recovery"},
	             {NULL, "not JSON"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct snap_pg pg;
		memset(&pg, 0x5a, sizeof pg);
		char *cause = NULL, dd[16] = "keep";
		assert_int_equal(probe_sql_parse(cases[i].json, &pg, dd, sizeof dd, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, cases[i].needle) == NULL)
			fail_msg("cause '%s' does not mention '%s'", cause, cases[i].needle);
		free(cause);
		assert_int_equal(pg.n_findings, (size_t)0x5a5a5a5a5a5a5a5aULL);
		assert_string_equal(dd, "keep");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_probe_sql_text),
	    cmocka_unit_test(test_lsn_parse),
	    cmocka_unit_test(test_lsn_format),
	    cmocka_unit_test(test_parse_primary),
	    cmocka_unit_test(test_parse_standby),
	    cmocka_unit_test(test_parse_paused),
	    cmocka_unit_test(test_parse_primary_behind),
	    cmocka_unit_test(test_parse_orphan),
	    cmocka_unit_test(test_parse_split_brain),
	    cmocka_unit_test(test_parse_plain_user),
	    cmocka_unit_test(test_parse_keeps_bookkeeping),
	    cmocka_unit_test(test_findings_primary),
	    cmocka_unit_test(test_findings_standby),
	    cmocka_unit_test(test_parse_junk_values),
	    cmocka_unit_test(test_parse_too_many_rows),
	    cmocka_unit_test(test_parse_data_dir_too_long),
	    cmocka_unit_test(test_parse_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
