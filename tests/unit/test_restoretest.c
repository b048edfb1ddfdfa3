/*
 * Tests of core/restoretest.c: the restore test's answer read strictly (a
 * proof only from a whole, well-formed answer; odd or hostile bytes are an
 * error, never a number), and every configured value in its script
 * shell-quoted; the script run with stand-in tools restores the file it
 * checked, even when another is put in its place. (The script itself runs
 * against the lab in tests/tui/test-ransomware.sh.)
 */
#include "config.h"

#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "restoretest.h"
#include "scratch_fixture.h"

/* Reads an answer; checks the outcome and the sentence; returns the answer. */
static struct restoretest_answer answer(const char *out, int ok, const char *sentence)
{
	struct restoretest_answer a;
	char d[320];
	assert_int_equal(restoretest_parse(out, &a, d, sizeof d), ok);
	assert_string_equal(d, sentence);
	assert_int_equal(a.ok, ok);
	return a;
}

/* A whole answer gives the file's identity, the counts, the time and the canary. */
static void test_proven(void **state)
{
	(void)state;
	struct restoretest_answer a =
	    answer("restore ok 81234 1767225600 4 1200 none 870\n", 1,
	           "the backup restored into a scratch database in 0.9 s: 4 tables, 1200 rows "
	           "counted");
	assert_int_equal(a.size, 81234);
	assert_int_equal(a.mtime_s, 1767225600);
	assert_int_equal(a.tables, 4);
	assert_int_equal(a.rows, 1200);
	assert_int_equal(a.duration_ms, 870);
	assert_int_equal(a.canary, 0);
	a = answer("restore ok 1 2 1 1 ok -\n", 1,
	           "the backup restored into a scratch database: 1 table, 1 row counted, the "
	           "canary query returned a row");
	assert_int_equal(a.duration_ms, -1); /* the site could not time it: unknown, not 0 */
	assert_int_equal(a.canary, 1);
	a = answer("restore ok 1 2 3 4 none 5\nrestore left drconsole_restore_test_4242\n", 1,
	           "the backup restored into a scratch database in 0.0 s: 3 tables, 4 rows "
	           "counted (the scratch database drconsole_restore_test_4242 was left behind)");
	assert_string_equal(a.left, "drconsole_restore_test_4242");
}

/* Failures say where; a backup with no table proves nothing. */
static void test_failed(void **state)
{
	(void)state;
	answer("restore failed pg_restore\n", 0, "the restore test failed at pg_restore");
	answer("restore failed createdb\n", 0, "the restore test failed at createdb");
	answer("restore failed canary\n", 0,
	       "the restore test failed: the canary query returned no row");
	struct restoretest_answer a =
	    answer("restore failed changed 99 1767225601\n", 0,
	           "the restore test refused: the file changed since it was listed (now 99 bytes, "
	           "mtime 1767225601)");
	assert_string_equal(a.failed_at, "changed");
	a = answer("restore ok 10 20 0 0 none 5\n", 0,
	           "the backup restored, but holds no user table: nothing is proven");
	assert_string_equal(a.failed_at, "empty");
	assert_int_equal(a.tables, 0);
}

/* Anything out of the grammar is an error, and none of its numbers is kept. */
static void test_hostile(void **state)
{
	(void)state;
	static const char *const odd[] = {
	    "restore ok 1 2 3 4 none 5",                      /* cut short: no newline */
	    "Welcome!\nrestore ok 1 2 3 4 none 5\n",          /* something before it */
	    "restore ok 1 2 3 4 none 5\nrm -rf /\n",          /* something after it */
	    "restore ok -1 2 3 4 none 5\n",                   /* a sign */
	    "restore ok 1 2 3 4e9 none 5\n",                  /* not digits */
	    "restore ok 1 2 3 9999999999999999999 none 5\n", /* does not fit */
	    "restore ok 1 2 3 4 none 5 6\n",                  /* a word too many */
	    "restore ok 1 2 3 4 maybe 5\n",                   /* not a canary word */
	    "restore ok 1  2 3 4 none 5\n",                   /* two spaces */
	    "restore ok 1 2 3 4 none 5 \n",                   /* a trailing space */
	    "restore ok 1 2 3 4\tnone 5\n",                   /* a tab */
	    "restore ok 1 2 3 4 none 5\r\n",                  /* a carriage return */
	    "restore ok 1 2 3 \x1b[2J4 none 5\n",             /* a terminal escape */
	    "restore failed reboot\n",                        /* not a step */
	    "restore failed changed 1\n",                     /* half an identity */
	    "restore ok 1 2 3 4 none 5\nrestore left postgres\n", /* not a scratch database */
	    "restore ok 1 2 3 4 none 5\n\n",                  /* an empty second line */
	    "restore\n",
	    "\n",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		struct restoretest_answer a = answer(
		    odd[i], 0, "the restore test's answer cannot be read: nothing of it is taken");
		assert_int_equal(a.tables, -1);
		assert_int_equal(a.rows, -1);
		assert_int_equal(a.size, -1);
		assert_string_equal(a.failed_at, "answer");
	}
	answer("", 0, "the restore test gave no answer");
	answer(NULL, 0, "the restore test gave no answer");
}

/* Folders, names, users, the canary and the target reach the script shell-quoted. */
static void test_script(void **state)
{
	(void)state;
	struct site s;
	memset(&s, 0, sizeof s);
	s.backups.dir = "/srv/it's";
	s.pg.port = 5433;
	s.pg.user = "dr admin";
	s.backups.canary = "select 1 from orders where note = 'it''s'";
	struct restoretest_file f = {"db_backup_$(reboot).dump", 81234, 1767225600};
	char *r = restoretest_script(&s, &f, 60000);
	assert_non_null(strstr(r, "F='/srv/it'\\''s/db_backup_$(reboot).dump';"));
	assert_non_null(strstr(r, "PGHOST=127.0.0.1 PGPORT=5433 PGUSER='dr admin'"));
	assert_non_null(strstr(r, "PGOPTIONS='-c statement_timeout=60000'"));
	assert_non_null(strstr(r, "X='81234 1767225600';"));
	assert_non_null(strstr(r, "K='select 1 from orders where note = '\\''it'\\'''\\''s'\\'''"));
	assert_non_null(strstr(r, "count(*) as c from %I.%I")); /* rows counted, not reltuples */
	assert_null(strstr(r, "reltuples"));
	free(r);
	s.backups.restore_target = "scratch.dc2:5499";
	struct restoretest_file any = {"b.dump", -1, -1};
	r = restoretest_script(&s, &any, 10);
	assert_non_null(strstr(r, "PGHOST=scratch.dc2 PGPORT=5499"));
	assert_non_null(strstr(r, "X='';")); /* no identity given: not checked */
	assert_non_null(strstr(r, "statement_timeout=1000")); /* never below a second */
	free(r);
	char *t = restoretest_target(&s);
	assert_string_equal(t, "scratch.dc2:5499");
	free(t);
}

/* Writes a file of the scratch folder, made executable when mode says so. */
static void put(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	free(path);
}

/*
 * A backup replaced while it is restored (pg_restore here swaps the file
 * under its name, then restores what it reads): the counts must be those of
 * the file listed and proven, never of the one that took its place.
 */
static void test_script_replaced(void **state)
{
	const char *dir = *state;
	put(dir, "b.dump", "listed\n", 0644);
	put(dir, "createdb", "#!/bin/sh\nexit 0\n", 0755);
	put(dir, "dropdb", "#!/bin/sh\nexit 0\n", 0755);
	put(dir, "pg_restore",
	    "#!/bin/sh\nprintf 'forged\\n' >\"$T/x\"; mv \"$T/x\" \"$T/b.dump\"\n"
	    "for a; do f=$a; done; case \"$f\" in /*) cat \"$f\" ;; *) cat ;; esac >\"$T/got\"\n",
	    0755);
	put(dir, "psql", "#!/bin/sh\nif grep -q listed \"$T/got\"; then echo '1 7'; else echo '9 666'; fi\n",
	    0755);
	struct stat sb;
	char *file = xasprintf("%s/b.dump", dir);
	assert_int_equal(stat(file, &sb), 0);
	struct site s;
	memset(&s, 0, sizeof s);
	s.backups.dir = (char *)dir;
	s.pg.port = 1;
	struct restoretest_file f = {"b.dump", (int64_t)sb.st_size, (int64_t)sb.st_mtime};
	char *script = restoretest_script(&s, &f, 60000);
	put(dir, "script", script, 0644);
	char *cmd = xasprintf("T='%s' PATH='%s':$PATH sh '%s/script'", dir, dir, dir);
	FILE *p = popen(cmd, "r");
	char out[256] = "";
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	struct restoretest_answer a;
	char d[320];
	restoretest_parse(out, &a, d, sizeof d);
	if (!a.ok || a.rows != 7)
		print_message("answer: %s", out);
	assert_true(a.ok);
	assert_int_equal(a.tables, 1);
	assert_int_equal(a.rows, 7);
	free(cmd);
	free(script);
	free(file);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_proven),
	    cmocka_unit_test(test_failed),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_script),
	    cmocka_unit_test_setup_teardown(test_script_replaced, scratch_make, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
