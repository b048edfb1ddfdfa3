/*
 * Tests of core/switchback.c: the stop's answer (the final checkpoint's
 * LSN, or why writes were not stopped), and the switchover's decisions:
 * the promotion back is refused while the fence is kept or armed or before
 * writes were stopped; it needs the standby to have received past the final
 * checkpoint; the DR site is rewound only when the promotion came before
 * its final checkpoint (or that is not known).
 */
#include "config.h"

#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch_fixture.h"
#include "switchback.h"

/* The stop's answer gives the checkpoint's LSN; anything else gives none, and why. */
static void test_stop_answers(void **state)
{
	(void)state;
	char d[256];
	int64_t lsn;
	assert_int_equal(switchback_stop_parse("stopwrites note: x\nstopwrites ok 0/40275A8\n", &lsn,
	                                       d, sizeof d),
	                 1);
	assert_int_equal(lsn, 0x40275A8);
	assert_string_equal(d, "writes stopped by a clean shutdown; final checkpoint at 0/40275A8");
	assert_int_equal(switchback_stop_parse("stopwrites failed nostandby: no standby streams\n",
	                                       &lsn, d, sizeof d),
	                 0);
	assert_int_equal(lsn, -1);
	assert_string_equal(d, "writes were not stopped: nostandby: no standby streams");
	assert_int_equal(switchback_stop_parse("stopwrites ok nonsense\n", &lsn, d, sizeof d), 0);
	assert_int_equal(lsn, -1);
	assert_string_equal(d, "the stop gave no answer");
	assert_int_equal(switchback_stop_parse(NULL, &lsn, d, sizeof d), 0);
}

/* A promotion back goes only with the fence lifted and writes stopped. */
static void test_promote_refusal(void **state)
{
	(void)state;
	assert_null(switchback_promote_refusal(0, 0, 0x4000000));
	assert_non_null(strstr(switchback_promote_refusal(1, 0, 0x4000000), "fence is kept"));
	assert_non_null(strstr(switchback_promote_refusal(0, 1, 0x4000000), "fence on return is armed"));
	assert_non_null(strstr(switchback_promote_refusal(0, 0, -1), "writes were not stopped"));
	/* the kept fence is said first: it is the one a person must lift */
	assert_non_null(strstr(switchback_promote_refusal(1, 1, -1), "fence is kept"));
}

/* The standby must have received past the final checkpoint's start. */
static void test_received(void **state)
{
	(void)state;
	char d[256];
	assert_int_equal(switchback_received(0x4027620, 0x40275A8, d, sizeof d), 1);
	assert_string_equal(d, "it received up to 0/4027620, past the DR site's final checkpoint "
	                       "at 0/40275A8");
	assert_int_equal(switchback_received(0x40275A8, 0x40275A8, d, sizeof d), 0);
	assert_non_null(strstr(d, "not past the DR site's final checkpoint at 0/40275A8"));
	assert_int_equal(switchback_received(-1, 0x40275A8, d, sizeof d), 0);
	assert_string_equal(d, "what it received is not known: not promoted");
}

/* No rewind when the promotion came past the final checkpoint; yes otherwise or unknown. */
static void test_rewind_needed(void **state)
{
	(void)state;
	assert_int_equal(switchback_rewind_needed(0x40275A8, 0x4027620), 0);
	assert_int_equal(switchback_rewind_needed(0x40275A8, 0x40275A8), 1);
	assert_int_equal(switchback_rewind_needed(0x40275A8, 0x4000000), 1);
	assert_int_equal(switchback_rewind_needed(-1, 0x4027620), 1);
	assert_int_equal(switchback_rewind_needed(0x40275A8, -1), 1);
}

/* The stop script is valid sh and carries the site's folder quoted. */
static void test_stop_script(void **state)
{
	(void)state;
	struct site s;
	memset(&s, 0, sizeof s);
	s.pg.data_dir = "/srv/it's";
	char *sc = switchback_stop_script(&s);
	assert_non_null(strstr(sc, "D='/srv/it'\\''s';"));
	assert_non_null(strstr(sc, "A=stopwrites;"));
	assert_non_null(strstr(sc, "echo \"stopwrites ok $L\""));
	FILE *p = popen("sh -n", "w");
	fputs(sc, p);
	assert_int_equal(pclose(p), 0);
	free(sc);
}

/* Writes an executable stand-in for one of PostgreSQL's tools into dir. */
static void tool(const char *dir, const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
	free(path);
}

/*
 * Asked again once the DR site is already down by a clean shutdown (the
 * console died during the stop, and the step is retried): the answer is
 * that shutdown's checkpoint, not a refusal that leaves the failback stuck;
 * a cluster that did not shut down cleanly is still refused.
 */
static void test_stop_again(void **state)
{
	const char *dir = *state;
	char *data = xasprintf("%s/data", dir), *cmd, out[512];
	assert_int_equal(mkdir(data, 0700), 0);
	tool(dir, "pg_ctl", "exit 3"); /* status: not running */
	tool(dir, "pg_controldata", "printf 'Database cluster state:               %s\\n"
	                            "Latest checkpoint location:           0/5000028\\n' \"$STATE\"");
	tool(data, "PG_VERSION", "");
	struct site s;
	memset(&s, 0, sizeof s);
	s.pg.data_dir = data;
	s.pg.bindir = (char *)dir;
	char *sc = switchback_stop_script(&s);
	tool(dir, "stop.sh", sc);
	const char *states[] = {"shut down", "in production"};
	for (int i = 0; i < 2; i++) {
		cmd = xasprintf("STATE='%s' sh %s/stop.sh", states[i], dir);
		FILE *p = popen(cmd, "r");
		size_t n = fread(out, 1, sizeof out - 1, p);
		out[n] = '\0';
		pclose(p);
		int64_t lsn;
		char d[256];
		int ok = switchback_stop_parse(out, &lsn, d, sizeof d);
		if (ok != (i == 0))
			print_message("%s", out);
		assert_int_equal(ok, i == 0);
		assert_int_equal(lsn, i == 0 ? 0x5000028 : -1);
		free(cmd);
	}
	free(sc);
	free(data);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stop_answers),   cmocka_unit_test(test_promote_refusal),
	    cmocka_unit_test(test_received),       cmocka_unit_test(test_rewind_needed),
	    cmocka_unit_test(test_stop_script),
	    cmocka_unit_test_setup_teardown(test_stop_again, scratch_make, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
