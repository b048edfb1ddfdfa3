/*
 * Tests of core/restorerun.c: the refusal decision (an unproven newest
 * backup is restored only on the typed override where backup_proven guards
 * the step; a plain restore test takes the newest), and the proof and the
 * journal record a restore test's answer leaves.
 */
#include "config.h"

#include "unit.h"

#include "restorerun.h"

/* A site with backups in /b and its listing: newest new.dump. */
struct fixture {
	struct site site;
	struct snap_backups b;
	struct restoreproofs proofs;
};

/* Sets up the site and its listing, and no proof. */
static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->site.name = "dc-2";
	f->site.backups.dir = "/b";
	f->site.pg.port = 5432;
	f->b.configured = f->b.ok = 1;
	snprintf(f->b.newest_name, sizeof f->b.newest_name, "new.dump");
	f->b.newest_bytes = 20;
	f->b.newest_mtime_s = (struct opt_i64){1, 1767312000};
}

/* Proves /b/NAME of size and mtime. */
static void fixture_prove(struct fixture *f, const char *file, int64_t size, int64_t mtime)
{
	struct restoreproof p = {(char *)"dc-2", (char *)file, size, mtime, 1000, 5, 1, 1, 0, NULL,
	                         NULL};
	restoreproof_put(&f->proofs, &p);
}

/* The decision, for each case. */
static void test_pick(void **state)
{
	(void)state;
	struct fixture f;
	struct restorerun r;
	char why[512];
	fixture_init(&f);
	/* a plain restore test takes the newest, proven or not */
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 0, 0, &r, why, sizeof why), 0);
	assert_string_equal(r.name, "new.dump");
	assert_int_equal(r.overridden, 0);
	/* guarded, never proven (the first run ever): refused without the override ... */
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 1, 0, &r, why, sizeof why), -1);
	assert_string_equal(why, "the newest backup new.dump on dc-2 is not proven restorable: it "
	                         "is not restored without the typed override of backup_proven");
	/* ... and restored with it, said so */
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 1, 1, &r, why, sizeof why), 0);
	assert_int_equal(r.overridden, 1);
	assert_int_equal(r.proven, 0);
	/* an older backup proven, the newest not: still refused */
	fixture_prove(&f, "/b/old.dump", 10, 1767225600);
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 1, 0, &r, why, sizeof why), -1);
	/* the newest proven, but rewritten since (another size): not the proven file */
	fixture_prove(&f, "/b/new.dump", 19, 1767312000);
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 1, 0, &r, why, sizeof why), -1);
	/* the newest proven as listed: restored, no override needed */
	fixture_prove(&f, "/b/new.dump", 20, 1767312000);
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 1, 0, &r, why, sizeof why), 0);
	assert_int_equal(r.proven, 1);
	assert_int_equal(r.overridden, 0);
	assert_int_equal(r.size, 20);
	assert_int_equal(r.mtime_s, 1767312000);
	/* the proofs cannot be read: nothing counts as proven */
	assert_int_equal(restorerun_pick(&f.site, &f.b, NULL, 1, 0, &r, why, sizeof why), -1);
	/* no listing: nothing to restore, guarded or not */
	f.b.newest_mtime_s.known = 0;
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 0, 1, &r, why, sizeof why), -1);
	assert_string_equal(why, "no backup is listed at dc-2 to restore");
	restoreproofs_free(&f.proofs);
}

/* The proof and the record a restore test leaves. */
static void test_records(void **state)
{
	(void)state;
	struct fixture f;
	struct restorerun r;
	struct restoretest_answer a;
	struct restoreproof p;
	char d[320], why[512];
	fixture_init(&f);
	assert_int_equal(restorerun_pick(&f.site, &f.b, &f.proofs, 1, 1, &r, why, sizeof why), 0);
	assert_int_equal(restoretest_parse("restore ok 20 1767312000 4 1200 none 870\n", &a, d,
	                                   sizeof d),
	                 1);
	restorerun_proof(&r, &a, 1767400000000, "run-1", &p);
	assert_string_equal(p.file, "/b/new.dump");
	assert_string_equal(p.target, "127.0.0.1:5432");
	assert_int_equal(p.proven_ms, 1767400000000);
	assert_int_equal(p.rows, 1200);
	json_t *j = restorerun_json(&r, &a, d);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_true(json_is_true(json_object_get(j, "overridden")));
	assert_true(json_is_false(json_object_get(j, "was_proven")));
	assert_int_equal(json_integer_value(json_object_get(j, "rows")), 1200);
	json_decref(j);
	restoreproof_clear(&p);
	restoretest_parse("junk\n", &a, d, sizeof d);
	j = restorerun_json(&r, &a, d);
	assert_true(json_is_null(json_object_get(j, "rows"))); /* unknown, never 0 */
	assert_string_equal(json_string_value(json_object_get(j, "failed_at")), "answer");
	json_decref(j);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pick),
	    cmocka_unit_test(test_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
