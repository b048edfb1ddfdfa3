/*
 * Tests of core/reach.c, the DR site's own connection test to the primary:
 * the address is learnt only while the DR site streams; the test's command
 * line is run through /bin/sh with a PATH holding only a fake pg_isready
 * (it writes its argv to a file and exits with a chosen status) and a fake
 * rm that leaves a mark should a hostile host name ever reach the shell;
 * the judge reads pg_isready's status (0 and 1 not lost, 2 lost, 127 or no
 * marker unknown) and WAL still arriving overrules the test; the marker
 * holds a nonce of each test, so a shell's banner cannot forge the status.
 */
#include "config.h"

#include <sys/stat.h>

#include "unit.h"

#include "reach.h"

/* A scratch folder holding the fakes: pg_isready, rm, and their files. */
struct fakebin {
	char dir[64];
};

/* Writes an executable script at dir/name. */
static void write_script(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0700), 0);
	free(path);
}

/* Makes the fakes: builtins only, since PATH holds nothing else. */
static int fakebin_setup(void **state)
{
	struct fakebin *fb = xcalloc(1, sizeof *fb);
	snprintf(fb->dir, sizeof fb->dir, "/tmp/drconsole-reach-XXXXXX");
	if (mkdtemp(fb->dir) == NULL)
		return -1;
	write_script(fb->dir, "pg_isready",
	             "#!/bin/sh\n"
	             "printf '%s\\0' \"$@\" > \"${0%/*}/argv\"\n"
	             "read s < \"${0%/*}/status\"\n"
	             "exit \"$s\"\n");
	write_script(fb->dir, "rm", "#!/bin/sh\n: > \"${0%/*}/rm-ran\"\n");
	*state = fb;
	return 0;
}

/* Removes the fakes and their files. */
static int fakebin_teardown(void **state)
{
	struct fakebin *fb = *state;
	static const char *const names[] = {"pg_isready", "rm", "argv", "status", "rm-ran"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *path = xasprintf("%s/%s", fb->dir, names[i]);
		unlink(path);
		free(path);
	}
	rmdir(fb->dir);
	free(fb);
	return 0;
}

/* Returns a DR site's snapshot streaming from host:port, WAL received up to lsn. */
static struct snap_pg streaming(const char *host, long port, int64_t lsn)
{
	struct snap_pg pg;
	memset(&pg, 0, sizeof pg);
	pg.up = 1;
	snprintf(pg.receiver_status, sizeof pg.receiver_status, "streaming");
	snprintf(pg.receiver_host, sizeof pg.receiver_host, "%s", host);
	pg.receiver_port.known = 1;
	pg.receiver_port.v = port;
	pg.receive_lsn.known = 1;
	pg.receive_lsn.v = lsn;
	return pg;
}

/*
 * Runs line through /bin/sh with PATH holding only the fakes, pg_isready
 * exiting with status; returns its stdout (free it). argv gets pg_isready's
 * arguments (up to max; *n how many), or *n = 0 when it did not run.
 */
static char *run_line(const struct fakebin *fb, const char *line, int status, char **argv,
                      size_t max, size_t *n)
{
	char *path = xasprintf("%s/status", fb->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%d\n", status);
	fclose(fp);
	free(path);
	char *argv_path = xasprintf("%s/argv", fb->dir);
	unlink(argv_path);

	char *saved = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", fb->dir, 1);
	FILE *p = popen(line, "r");
	setenv("PATH", saved, 1);
	free(saved);
	assert_non_null(p);
	char *out = xcalloc(1, 4096);
	size_t got = fread(out, 1, 4095, p);
	out[got] = '\0';
	pclose(p);

	*n = 0;
	fp = fopen(argv_path, "r");
	if (fp != NULL) {
		char buf[4096];
		size_t len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		for (size_t at = 0; at < len && *n < max;) {
			argv[(*n)++] = xstrdup(buf + at); /* each argument ends with a NUL */
			at += strlen(buf + at) + 1;
		}
	}
	free(argv_path);
	return out;
}

/* Frees the arguments run_line gave. */
static void free_argv(char **argv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
}

/* The address is learnt only from a DR site seen streaming, with a host and a port. */
static void test_reach_learn(void **state)
{
	(void)state;
	struct reach_target t;
	reach_init(&t);
	assert_string_equal(t.host, "");
	assert_int_equal(t.receive_lsn, -1);
	assert_null(reach_script(&t, 3000));

	struct snap_pg pg = streaming("10.0.0.1", 5432, 100);
	pg.up = 0;
	reach_learn(&t, &pg);
	pg = streaming("10.0.0.1", 5432, 100);
	snprintf(pg.receiver_status, sizeof pg.receiver_status, "catchup");
	reach_learn(&t, &pg);
	pg = streaming("", 5432, 100);
	reach_learn(&t, &pg);
	pg = streaming("10.0.0.1", 5432, 100);
	pg.receiver_port.known = 0;
	reach_learn(&t, &pg);
	assert_string_equal(t.host, "");
	assert_null(reach_script(&t, 3000));

	pg = streaming("10.0.0.1", 5433, 100);
	reach_learn(&t, &pg);
	assert_string_equal(t.host, "10.0.0.1");
	assert_int_equal(t.port, 5433);
	/* no longer streaming (the primary died): the address last seen is kept */
	struct snap_pg gone;
	memset(&gone, 0, sizeof gone);
	gone.up = 1;
	snprintf(gone.receiver_host, sizeof gone.receiver_host, "10.9.9.9");
	gone.receiver_port.known = 1;
	gone.receiver_port.v = 6000;
	reach_learn(&t, &gone);
	assert_string_equal(t.host, "10.0.0.1");
	assert_int_equal(t.port, 5433);
	/* streaming from elsewhere: the new address */
	pg = streaming("db2.example", 5432, 100);
	reach_learn(&t, &pg);
	assert_string_equal(t.host, "db2.example");
	assert_int_equal(t.port, 5432);
	assert_non_null(reach_script(&t, 3000));
}

/* The command line, run by a shell, gives pg_isready -q -h HOST -p PORT -t SECS (SECS >= 1). */
static void test_reach_script_args(void **state)
{
	struct fakebin *fb = *state;
	struct reach_target t;
	reach_init(&t);
	struct snap_pg pg = streaming("db1.example", 5433, 100);
	reach_learn(&t, &pg);
	static const struct {
		int64_t timeout_ms;
		const char *secs;
	} cases[] = {{3000, "3"}, {2500, "3"}, {1000, "1"}, {1, "1"}, {0, "1"}, {-4000, "1"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *line = reach_script(&t, cases[i].timeout_ms);
		assert_non_null(line);
		assert_non_null(strstr(line, "db1.example"));
		assert_non_null(strstr(line, "5433"));
		char *argv[16];
		size_t n;
		char *out = run_line(fb, line, 0, argv, 16, &n);
		assert_int_equal(n, 7);
		const char *want[] = {"-q", "-h", "db1.example", "-p", "5433", "-t", cases[i].secs};
		for (size_t k = 0; k < 7; k++)
			assert_string_equal(argv[k], want[k]);
		char *want_out = xasprintf("drreach %s 0\n", t.nonce);
		assert_string_equal(out, want_out);
		free(want_out);
		free_argv(argv, n);
		free(out);
		free(line);
	}
}

/* A hostile host name reaches pg_isready as one argument, whole; nothing else runs. */
static void test_reach_script_hostile(void **state)
{
	struct fakebin *fb = *state;
	static const char *const hosts[] = {
	    "a'; rm -rf /; '", "$(rm -rf /)", "`rm -rf /`", "h\"; rm -rf / #",
	    "x\nrm -rf /",     "'''",         "-p 1 ; rm",
	};
	char *mark = xasprintf("%s/rm-ran", fb->dir);
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		struct reach_target t;
		reach_init(&t);
		struct snap_pg pg = streaming(hosts[i], 5432, 100);
		reach_learn(&t, &pg);
		assert_string_equal(t.host, hosts[i]);
		char *line = reach_script(&t, 2000);
		char *argv[16];
		size_t n;
		char *out = run_line(fb, line, 2, argv, 16, &n);
		if (n != 7 || strcmp(argv[2], hosts[i]) != 0)
			fail_msg("host '%s': %zu arguments, the host read as '%s' from: %s",
			         hosts[i], n, n > 2 ? argv[2] : "?", line);
		assert_string_equal(argv[1], "-h");
		assert_string_equal(argv[3], "-p");
		assert_string_equal(argv[4], "5432");
		assert_string_equal(argv[6], "2");
		char *want_out = xasprintf("drreach %s 2\n", t.nonce);
		assert_string_equal(out, want_out);
		free(want_out);
		if (access(mark, F_OK) == 0)
			fail_msg("host '%s' ran a command: %s", hosts[i], line);
		free_argv(argv, n);
		free(out);
		free(line);
	}
	free(mark);
}

/* pg_isready's status, read from the real output: 0 and 1 not lost, 2 lost, others unknown. */
static void test_reach_judge_status(void **state)
{
	struct fakebin *fb = *state;
	struct reach_target t;
	reach_init(&t);
	struct snap_pg pg = streaming("10.0.0.1", 5432, 100);
	reach_learn(&t, &pg);
	snprintf(pg.receiver_status, sizeof pg.receiver_status, "waiting");
	static const struct {
		int status, known, lost;
		const char *why;
	} cases[] = {
	    {0, 1, 0, "10.0.0.1:5432 accepts connections from the DR site (WAL receiver waiting)"},
	    {1, 1, 0,
	     "10.0.0.1:5432 answers the DR site but rejects connections (WAL receiver waiting)"},
	    {2, 1, 1, "no answer from 10.0.0.1:5432 to the DR site (WAL receiver waiting)"},
	    {3, 0, -1, "the DR site's test could not try 10.0.0.1:5432 (pg_isready status 3)"},
	};
	char *line = reach_script(&t, 3000);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[16];
		size_t n;
		char *out = run_line(fb, line, cases[i].status, argv, 16, &n);
		int lost = -1;
		char why[384];
		assert_int_equal(reach_judge(&t, &pg, 1, out, NULL, &lost, why, sizeof why),
		                 cases[i].known);
		if (cases[i].known)
			assert_int_equal(lost, cases[i].lost);
		assert_string_equal(why, cases[i].why);
		free_argv(argv, n);
		free(out);
	}
	/* no pg_isready on the site: the shell's 127, unknown */
	char *fake = xasprintf("%s/pg_isready", fb->dir), *hidden = xasprintf("%s.off", fake);
	assert_int_equal(rename(fake, hidden), 0);
	char *argv[16];
	size_t n;
	char *out = run_line(fb, line, 0, argv, 16, &n);
	assert_int_equal(rename(hidden, fake), 0);
	assert_int_equal(n, 0);
	char *want_out = xasprintf("drreach %s 127\n", t.nonce);
	assert_string_equal(out, want_out);
	free(want_out);
	char why[384];
	int lost = -1;
	assert_int_equal(reach_judge(&t, &pg, 1, out, NULL, &lost, why, sizeof why), 0);
	assert_string_equal(why, "the DR site has no pg_isready: it cannot test the primary");
	free(out);
	free(fake);
	free(hidden);
	free(line);
}

/* Without the marker the view is unknown, with the failure as its reason. */
static void test_reach_judge_no_marker(void **state)
{
	(void)state;
	struct reach_target t;
	reach_init(&t);
	struct snap_pg pg = streaming("10.0.0.1", 5432, 100);
	reach_learn(&t, &pg);
	char why[384];
	int lost = -1;
	assert_int_equal(reach_judge(&t, &pg, 0, NULL, "datacenter-2: no answer within 5.0 s",
	                             &lost, why, sizeof why),
	                 0);
	assert_string_equal(why, "the DR site's test did not answer: datacenter-2: no answer "
	                         "within 5.0 s");
	assert_int_equal(reach_judge(&t, &pg, 1, "", NULL, &lost, why, sizeof why), 0);
	assert_string_equal(why, "the DR site's test did not answer: no result");
	/* no test made yet: no nonce, no status */
	assert_int_equal(reach_judge(&t, &pg, 1, "drreach  2\n", "", &lost, why, sizeof why), 0);
	char *line = reach_script(&t, 3000);
	char *mark = xasprintf("drreach %s ", t.nonce);
	char *empty = xasprintf("%s\n", mark);
	assert_int_equal(reach_judge(&t, &pg, 1, empty, "", &lost, why, sizeof why), 0);
	assert_int_equal(reach_judge(&t, &pg, 1, "pg_isready: 2\n", NULL, &lost, why, sizeof why),
	                 0);
	/* a shell's banner printing the marker without the nonce is not the test's status */
	assert_int_equal(reach_judge(&t, &pg, 1, "drreach 2\ndrreach  2\ndrsup x end exit 0\n",
	                             NULL, &lost, why, sizeof why),
	                 0);
	assert_int_equal(lost, -1); /* never set when not known */
	/* nor is the previous test's marker */
	char *old = xasprintf("%s2\n", mark);
	free(line);
	line = reach_script(&t, 3000);
	assert_int_equal(reach_judge(&t, &pg, 1, old, NULL, &lost, why, sizeof why), 0);
	/* the marker after other output still counts */
	char *out = xasprintf("some banner\ndrreach 0\ndrreach %s 2\n", t.nonce);
	assert_int_equal(reach_judge(&t, &pg, 1, out, NULL, &lost, why, sizeof why), 1);
	assert_int_equal(lost, 1);
	free(out);
	free(old);
	free(empty);
	free(mark);
	free(line);
}

/* Returns the output of a test of t that found status (free it). */
static char *marked(struct reach_target *t, int status)
{
	free(reach_script(t, 3000));
	return xasprintf("drreach %s %d\n", t->nonce, status);
}

/* Judges a test of t whose pg_isready found no answer (status 2). */
static int judge_lost(struct reach_target *t, const struct snap_pg *pg, int *lost, char *why,
                      size_t len)
{
	char *out = marked(t, 2);
	int rc = reach_judge(t, pg, 1, out, NULL, lost, why, len);
	free(out);
	return rc;
}

/* WAL still arriving since the previous judgement means alive, whatever the test says. */
static void test_reach_judge_wal_arrives(void **state)
{
	(void)state;
	struct reach_target t;
	reach_init(&t);
	struct snap_pg pg = streaming("10.0.0.1", 5432, 1000);
	reach_learn(&t, &pg);
	char why[384];
	int lost = -1;
	/* the first judgement has nothing to compare with: the test decides */
	assert_int_equal(judge_lost(&t, &pg, &lost, why, sizeof why), 1);
	assert_int_equal(lost, 1);
	pg.receive_lsn.v = 5096;
	assert_int_equal(judge_lost(&t, &pg, &lost, why, sizeof why), 1);
	assert_int_equal(lost, 0);
	assert_string_equal(why, "WAL still arrives at the DR site (received 4096 more bytes)");
	/* an unknown test result too */
	pg.receive_lsn.v = 6000;
	lost = -1;
	assert_int_equal(reach_judge(&t, &pg, 0, NULL, "timed out", &lost, why, sizeof why), 1);
	assert_int_equal(lost, 0);
	/* no more WAL: the test decides again */
	assert_int_equal(judge_lost(&t, &pg, &lost, why, sizeof why), 1);
	assert_int_equal(lost, 1);
	/* a DR site that could not be read forgets the position: no comparison next time */
	pg.up = 0;
	assert_int_equal(judge_lost(&t, &pg, &lost, why, sizeof why), 1);
	assert_int_equal(lost, 1);
	assert_int_equal(t.receive_lsn, -1);
	pg.up = 1;
	pg.receive_lsn.v = 9000;
	assert_int_equal(judge_lost(&t, &pg, &lost, why, sizeof why), 1);
	assert_int_equal(lost, 1);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reach_learn),
	    cmocka_unit_test_setup_teardown(test_reach_script_args, fakebin_setup,
	                                    fakebin_teardown),
	    cmocka_unit_test_setup_teardown(test_reach_script_hostile, fakebin_setup,
	                                    fakebin_teardown),
	    cmocka_unit_test_setup_teardown(test_reach_judge_status, fakebin_setup,
	                                    fakebin_teardown),
	    cmocka_unit_test(test_reach_judge_no_marker),
	    cmocka_unit_test(test_reach_judge_wal_arrives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
