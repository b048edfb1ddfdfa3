/*
 * Tests of core/rebuild.c: the rebuild's answers read into what was done
 * (pg_rewind, pg_basebackup, the data kept) or why it failed; the script
 * carries every configured value shell-quoted, the conninfo quoted for
 * libpq and postgresql.conf, passes sh -n, and, run for real against a
 * folder that is no data folder, answers the failure line. (The rebuild
 * itself runs against the lab in tests/tui/test-livedrill.sh.)
 */
#include "config.h"

#include <stdio.h>

#include "unit.h"

#include "rebuild.h"
#include "xmalloc.h"

/* Reads an answer and checks the outcome, the method and the sentence. */
static void answer(const char *out, int ok, enum rebuild_method m, const char *sentence)
{
	char d[256];
	enum rebuild_method got;
	assert_int_equal(rebuild_parse(out, &got, d, sizeof d), ok);
	assert_int_equal(got, m);
	assert_string_equal(d, sentence);
}

/* Each way the rebuild ends is told apart; a failure line anywhere wins over ok. */
static void test_answers(void **state)
{
	(void)state;
	answer("rebuild note: x\nrebuild ok rewind 10.0.0.2 5432\n", 1, REBUILD_REWIND,
	       "rebuilt by pg_rewind: a standby in recovery, streaming from 10.0.0.2:5432");
	answer("rebuild note: pg_rewind cannot run\nrebuild ok basebackup db2 5433\n", 1,
	       REBUILD_BASEBACKUP,
	       "rebuilt by pg_basebackup: a standby in recovery, streaming from db2:5433");
	answer("rebuild ok kept db1 5432\n", 1, REBUILD_KEPT,
	       "data folder kept (no rewind needed): a standby in recovery, streaming from db1:5432");
	answer("rebuild failed stream: not streaming within 30 s (in recovery, receiver: none)\n", 0,
	       REBUILD_NONE,
	       "the rebuild failed at stream: not streaming within 30 s (in recovery, receiver: "
	       "none)");
	answer("rebuild ok rewind h 1\nrebuild failed source: it streams from x\n", 0,
	       REBUILD_NONE, "the rebuild failed at source: it streams from x");
	answer("rebuild ok sideways h 1\n", 0, REBUILD_NONE, "the rebuild gave no answer");
	answer("rebuild note: ok\n", 0, REBUILD_NONE, "the rebuild gave no answer");
	answer(NULL, 0, REBUILD_NONE, "the rebuild gave no answer");
	assert_string_equal(rebuild_method_name(REBUILD_BASEBACKUP), "pg_basebackup");
}

/* Two sites whose values need quoting. */
static void sites(struct site *self, struct site *src)
{
	memset(self, 0, sizeof *self);
	memset(src, 0, sizeof *src);
	self->name = "dc 1";
	self->pg.data_dir = "/srv/it's data";
	self->pg.bindir = "/opt/pg $(reboot)/bin";
	self->pg.start = "systemctl start 'pg'";
	self->pg.port = 5432;
	src->name = "dc2";
	src->ssh.host = "db2.example.com";
	src->pg.port = 5433;
	src->pg.replication_user = "rep'l";
}

/* Configured values reach the script quoted; the conninfo is quoted for libpq and the conf. */
static void test_script_quotes(void **state)
{
	(void)state;
	struct site self, src;
	sites(&self, &src);
	char *s = rebuild_script(&self, &src, REBUILD_AUTO, 30);
	assert_non_null(strstr(s, "D='/srv/it'\\''s data';"));
	assert_non_null(strstr(s, "B='/opt/pg $(reboot)/bin'"));
	assert_non_null(strstr(s, "START='systemctl start '\\''pg'\\'''"));
	/* libpq: user='rep\'l'; then shell-quoted */
	assert_non_null(strstr(s, "SRC='host='\\''db2.example.com'\\'' port='\\''5433'\\'' user='\\''rep\\'\\''l'\\'' application_name='\\''dc 1'\\'''"));
	/* postgresql.conf: the conninfo's quotes doubled inside primary_conninfo = '...' */
	assert_non_null(strstr(s, "primary_conninfo = '\\''host='\\'''\\''db2.example.com"));
	assert_non_null(strstr(s, "SH=db2.example.com; SP=5433; MODE=auto; W=30"));
	free(s);
	s = rebuild_script(&self, &src, REBUILD_KEEP, 0);
	assert_non_null(strstr(s, "MODE=keep; W=1"));
	free(s);
}

/* Runs a script with sh; returns its stdout (at most 4 KiB) and sets *rc. */
static char *run_sh(const char *script, const char *mode, int *rc)
{
	char path[] = "/tmp/test_rebuild.XXXXXX", cmd[128];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	snprintf(cmd, sizeof cmd, "sh %s %s 2>/dev/null", mode, path);
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 4096);
	size_t n = fread(out, 1, 4095, p);
	out[n] = '\0';
	*rc = WEXITSTATUS(pclose(p));
	unlink(path);
	return out;
}

/* The script is valid sh, and a folder that is no data folder ends it with the failure line. */
static void test_script_runs(void **state)
{
	(void)state;
	struct site self, src;
	int rc;
	sites(&self, &src);
	char *s = rebuild_script(&self, &src, REBUILD_AUTO, 5), *out = run_sh(s, "-n", &rc);
	assert_int_equal(rc, 0);
	free(out);
	free(s);
	self.pg.data_dir = "/nonexistent/drconsole-test";
	s = rebuild_script(&self, &src, REBUILD_AUTO, 5);
	out = run_sh(s, "", &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(out, "rebuild failed datadir: /nonexistent/drconsole-test is not a "
	                         "PostgreSQL data folder\n");
	free(out);
	free(s);
	/* a data folder reached through a symbolic link: the folder itself is acted on */
	char real[] = "/tmp/test_rebuild_real.XXXXXX", link[64], *rm;
	assert_non_null(mkdtemp(real));
	snprintf(link, sizeof link, "%s.link", real);
	rm = xasprintf("echo 16 >'%s/PG_VERSION' && ln -s '%s' '%s'", real, real, link);
	assert_int_equal(system(rm), 0);
	free(rm);
	self.pg.data_dir = link;
	self.pg.bindir = "/nonexistent/bin";
	s = rebuild_script(&self, &src, REBUILD_AUTO, 5);
	out = run_sh(s, "", &rc);
	assert_int_equal(rc, 1);
	char *want = xasprintf("rebuild note: %s is a symbolic link: the folder acted on is %s\n", link, real);
	assert_non_null(strstr(out, want));
	free(want);
	free(out);
	free(s);
	rm = xasprintf("rm -rf '%s' '%s'", real, link);
	assert_int_equal(system(rm), 0);
	free(rm);
	self.pg.data_dir = NULL; /* neither configured nor learnt */
	s = rebuild_script(&self, &src, REBUILD_AUTO, 5);
	out = run_sh(s, "", &rc);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "rebuild failed datadir: the data folder is not known: set "
	                            "postgres.data_dir"));
	free(out);
	free(s);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answers),
	    cmocka_unit_test(test_script_quotes),
	    cmocka_unit_test(test_script_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
