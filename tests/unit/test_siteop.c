/*
 * Tests of core/siteop.c's scripts and their answers: the fence's and the
 * restore test's lines read into success or failure with the sentence shown,
 * and every configured value in the scripts shell-quoted. (The scripts
 * themselves run against the lab in tests/tui/test-splitbrain.sh and
 * test-run.sh.)
 */
#include "config.h"

#include "unit.h"

#include "siteop.h"

/* Reads a fence answer and checks the outcome and the sentence. */
static void fence(const char *out, int ok, const char *sentence)
{
	char d[256];
	assert_int_equal(siteop_fence_parse(out, d, sizeof d), ok);
	assert_string_equal(d, sentence);
}

/* Reads a restore answer and checks the outcome and the sentence. */
static void restore(const char *out, int ok, const char *sentence)
{
	char d[256];
	assert_int_equal(siteop_restore_parse(out, d, sizeof d), ok);
	assert_string_equal(d, sentence);
}

/* The fence succeeds only when no postmaster is left running. */
static void test_fence_answers(void **state)
{
	(void)state;
	fence("fence stopped 4242\n", 1, "PostgreSQL stopped (postmaster 4242 is gone)");
	fence("Welcome!\nfence down\n", 1, "PostgreSQL was already down (no postmaster running)");
	fence("fence alive 4242\n", 0, "postmaster 4242 is still running after SIGINT and SIGQUIT");
	fence("fence lost\n", 0,
	      "the postmaster cannot be found (data folder not known, no socket lock file)");
	fence("", 0, "the fence gave no answer");
	fence(NULL, 0, "the fence gave no answer");
}

/* The restore test succeeds when the backup restored with at least one table. */
static void test_restore_answers(void **state)
{
	(void)state;
	restore("restore ok 4\n", 1, "the backup restored into a scratch database: 4 tables");
	restore("restore ok 0\n", 0, "the backup restored into a scratch database: 0 tables");
	restore("pg_restore: error: ...\nrestore failed pg_restore\n", 0,
	        "the restore test failed at pg_restore");
	restore("restore failed createdb\n", 0, "the restore test failed at createdb");
	restore("nothing\n", 0, "the restore test gave no answer");
}

/* Folders, names and users from the config reach the scripts shell-quoted. */
static void test_scripts_quote(void **state)
{
	(void)state;
	struct site s;
	memset(&s, 0, sizeof s);
	s.backups.dir = "/srv/it's";
	s.pg.port = 5433;
	s.pg.user = "dr admin";
	char *r = siteop_restore_script(&s, "db_backup_$(reboot).dump");
	assert_non_null(strstr(r, "F='/srv/it'\\''s/db_backup_$(reboot).dump';"));
	assert_non_null(strstr(r, "PGPORT=5433 PGUSER='dr admin'"));
	free(r);
	char *f = siteop_fence_script("/var/lib/pg data/15", 5433, 5);
	assert_non_null(strstr(f, "D='/var/lib/pg data/15';"));
	assert_non_null(strstr(f, ".s.PGSQL.5433.lock"));
	assert_non_null(strstr(f, "[ $i -lt 50 ]")); /* 5 s in steps of 0.1 s */
	free(f);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fence_answers),
		cmocka_unit_test(test_restore_answers),
		cmocka_unit_test(test_scripts_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
