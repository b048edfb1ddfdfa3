/*
 * Site snapshot helpers: the lookup by name, and what counts as news (what
 * wakes the console outside a run) against what only moves with the clock.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* A streaming standby, probed once. */
static void standby(struct site_status *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "datacenter-2");
	s->generation = 7;
	s->at_ms = 1000;
	s->reachable = 1;
	s->health = (struct snap_health){
	    .at_ms = 1000, .ok = 1, .rtt_ms = {1, 250}, .load1 = 0.5, .load_known = 1};
	s->pg.at_ms = 1000;
	s->pg.up = 1;
	s->pg.role = PG_ROLE_STANDBY;
	s->pg.replay_lsn = (struct opt_i64){1, 0x4000060};
	s->pg.replay_delay_ms = (struct opt_i64){1, 1500};
	s->backups.at_ms = 1000;
	s->backups.ok = 1;
	s->backups.count = 4;
	s->backups.newest_age_s = (struct opt_i64){1, 30};
	s->execs_last_cycle = 2;
	s->queries_last_cycle = 1;
}

/* A site is found by its name only. */
static void test_find(void **state)
{
	(void)state;
	struct site_status s[2];
	standby(&s[0]);
	standby(&s[1]);
	snprintf(s[0].name, sizeof s[0].name, "datacenter-1");
	assert_ptr_equal(snapshot_find(s, 2, "datacenter-2"), &s[1]);
	assert_ptr_equal(snapshot_find(s, 2, "datacenter-1"), &s[0]);
	assert_null(snapshot_find(s, 2, "datacenter-3"));
	assert_null(snapshot_find(s, 2, NULL));
	assert_null(snapshot_find(NULL, 0, "datacenter-1"));
}

/* A round that only refreshed times, ages, the round trip and the counts is no news. */
static void test_no_news(void **state)
{
	(void)state;
	struct site_status a, b;
	standby(&a);
	standby(&b);
	assert_false(snapshot_news(&a, &b));
	b.generation = 8;
	b.at_ms = b.health.at_ms = b.pg.at_ms = b.backups.at_ms = 2000;
	b.health.rtt_ms.v = 310;
	b.pg.replay_delay_ms.v = 2500;
	b.backups.newest_age_s.v = 31;
	b.execs_last_cycle = 0;
	assert_false(snapshot_news(&a, &b));
}

/* Anything shown that changed is news: the load, the role, the WAL, reachability, backups, a key.
 */
static void test_news(void **state)
{
	(void)state;
	struct site_status a, b;
	standby(&a);
	standby(&b);
	b.health.load1 = 0.6;
	assert_true(snapshot_news(&a, &b));
	standby(&b);
	b.pg.role = PG_ROLE_PRIMARY;
	assert_true(snapshot_news(&a, &b));
	standby(&b);
	b.pg.replay_lsn.v += 8;
	assert_true(snapshot_news(&a, &b));
	standby(&b);
	b.reachable = 0;
	snprintf(b.error, sizeof b.error, "timed out");
	assert_true(snapshot_news(&a, &b));
	standby(&b);
	b.backups.count = 5;
	assert_true(snapshot_news(&a, &b));
	standby(&b);
	b.hostkey.offered = 1;
	assert_true(snapshot_news(&a, &b));
	standby(&b);
	b.pg.replay_delay_ms.known = 0; /* unknown is not the same as a moving value */
	assert_true(snapshot_news(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_no_news),
	    cmocka_unit_test(test_news),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
