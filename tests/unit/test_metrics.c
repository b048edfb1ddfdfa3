/*
 * Tests of core/metrics.c: the textfile of the healthy two-site fixture,
 * line for line; unknown values left out rather than written as 0; label
 * values escaped; and the file replaced whole, with no temporary left.
 */
#include "config.h"

#include <sys/stat.h>

#include "unit.h"

#include "metrics.h"
#include "sites_fixture.h"

/* Renders the fixture as the watcher would after a check at NOW - 1.5 s. */
static char *render(struct fx *f, const char *const *fenced, size_t n_fenced)
{
	verdict_judge(&f->cf, f->st, f->n, NOW, &f->v);
	struct metrics_watch w = {NOW, NOW - 1500, 2, fenced, n_fenced};
	return metrics_render(&f->cf, f->st, f->n, &f->v, &w);
}

/* Fails, printing the text, unless it holds line as a whole line. */
static void expect_line(const char *text, const char *line, int present)
{
	size_t len = strlen(line);
	int found = 0;
	for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		found |= strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0');
	if (found != present)
		fail_msg("%s '%s' in:\n%s", present ? "no line" : "unexpected line", line, text);
}

/* The healthy fixture renders to exactly this text. */
static void test_metrics_golden(void **state)
{
	(void)state;
	static const char golden[] =
	    "# HELP drconsole_overall_status The overall status: 0 ok, 1 warning, 2 critical, 3 "
	    "unknown.\n"
	    "# TYPE drconsole_overall_status gauge\n"
	    "drconsole_overall_status 0\n"
	    "# HELP drconsole_site_up The site answers over SSH (1) or not (0).\n"
	    "# TYPE drconsole_site_up gauge\n"
	    "drconsole_site_up{site=\"datacenter-1\"} 1\n"
	    "drconsole_site_up{site=\"datacenter-2\"} 1\n"
	    "# HELP drconsole_postgres_up The site's PostgreSQL answered its last probe (1) or not "
	    "(0).\n"
	    "# TYPE drconsole_postgres_up gauge\n"
	    "drconsole_postgres_up{site=\"datacenter-1\"} 1\n"
	    "drconsole_postgres_up{site=\"datacenter-2\"} 1\n"
	    "# HELP drconsole_role The site's PostgreSQL role: 1 for the role it has, 0 for the "
	    "others.\n"
	    "# TYPE drconsole_role gauge\n"
	    "drconsole_role{site=\"datacenter-1\",role=\"primary\"} 1\n"
	    "drconsole_role{site=\"datacenter-1\",role=\"standby\"} 0\n"
	    "drconsole_role{site=\"datacenter-1\",role=\"down\"} 0\n"
	    "drconsole_role{site=\"datacenter-1\",role=\"unknown\"} 0\n"
	    "drconsole_role{site=\"datacenter-2\",role=\"primary\"} 0\n"
	    "drconsole_role{site=\"datacenter-2\",role=\"standby\"} 1\n"
	    "drconsole_role{site=\"datacenter-2\",role=\"down\"} 0\n"
	    "drconsole_role{site=\"datacenter-2\",role=\"unknown\"} 0\n"
	    "# HELP drconsole_replication_lag_seconds How far the standby's replay is behind, in "
	    "seconds (absent: unknown).\n"
	    "# TYPE drconsole_replication_lag_seconds gauge\n"
	    "drconsole_replication_lag_seconds{site=\"datacenter-2\"} 0.000\n"
	    "# HELP drconsole_replication_lag_bytes WAL the primary has that the standby has not "
	    "replayed (absent: unknown).\n"
	    "# TYPE drconsole_replication_lag_bytes gauge\n"
	    "drconsole_replication_lag_bytes{site=\"datacenter-2\"} 0\n"
	    "# HELP drconsole_backup_newest_age_seconds Age of the site's newest backup (absent: "
	    "unknown).\n"
	    "# TYPE drconsole_backup_newest_age_seconds gauge\n"
	    "drconsole_backup_newest_age_seconds{site=\"datacenter-1\"} 3600\n"
	    "drconsole_backup_newest_age_seconds{site=\"datacenter-2\"} 3600\n"
	    "# HELP drconsole_fence_armed The site is fenced as an old primary (1) or not (0).\n"
	    "# TYPE drconsole_fence_armed gauge\n"
	    "drconsole_fence_armed{site=\"datacenter-1\"} 1\n"
	    "drconsole_fence_armed{site=\"datacenter-2\"} 0\n"
	    "# HELP drconsole_watch_last_check_timestamp_seconds When the watcher last checked the "
	    "sites (absent: not yet).\n"
	    "# TYPE drconsole_watch_last_check_timestamp_seconds gauge\n"
	    "drconsole_watch_last_check_timestamp_seconds 1795753198.500\n"
	    "# HELP drconsole_failovers_total Failovers the watcher has started.\n"
	    "# TYPE drconsole_failovers_total counter\n"
	    "drconsole_failovers_total 2\n";
	struct fx f;
	fx_init(&f);
	const char *fenced[] = {"datacenter-1"};
	char *text = render(&f, fenced, 1);
	if (strcmp(text, golden) != 0)
		fail_msg("rendered:\n%s", text);
	free(text);
}

/* Unknown lag and backup age are left out, not written as 0. */
static void test_metrics_unknown(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.st[1].pg.replay_lsn.known = 0;
	f.st[1].pg.replay_delay_ms.known = 0;
	f.st[0].pg.standbys[0].replay_lag_bytes.known = 0;
	f.st[0].backups.newest_age_s.known = 0;
	char *text = render(&f, NULL, 0);
	assert_null(strstr(text, "drconsole_replication_lag_seconds{"));
	assert_null(strstr(text, "drconsole_replication_lag_bytes{"));
	assert_null(strstr(text, "drconsole_backup_newest_age_seconds{site=\"datacenter-1\"}"));
	expect_line(text, "drconsole_backup_newest_age_seconds{site=\"datacenter-2\"} 3600", 1);
	expect_line(text, "drconsole_fence_armed{site=\"datacenter-1\"} 0", 1);
	free(text);

	/* the primary down: no bytes behind it, the standby's own lag still told */
	fx_init(&f);
	f.st[0].reachable = 0;
	f.st[0].pg.up = 0;
	f.st[0].pg.role = PG_ROLE_DOWN;
	f.st[1].pg.replay_lsn.v = 0x4191000;
	f.st[1].pg.replay_delay_ms.v = 4250;
	text = render(&f, NULL, 0);
	expect_line(text, "drconsole_site_up{site=\"datacenter-1\"} 0", 1);
	expect_line(text, "drconsole_role{site=\"datacenter-1\",role=\"down\"} 1", 1);
	expect_line(text, "drconsole_role{site=\"datacenter-1\",role=\"primary\"} 0", 1);
	expect_line(text, "drconsole_replication_lag_seconds{site=\"datacenter-2\"} 4.250", 1);
	assert_null(strstr(text, "drconsole_replication_lag_bytes{"));
	expect_line(text, "drconsole_overall_status 2", 1);
	free(text);
}

/* A backslash, a double quote and a newline in a site name are escaped. */
static void test_metrics_escape(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	snprintf(f.st[1].name, sizeof f.st[1].name, "dc\\2 \"b\"\nx");
	char *text = render(&f, NULL, 0);
	expect_line(text, "drconsole_site_up{site=\"dc\\\\2 \\\"b\\\"\\nx\"} 1", 1);
	free(text);
}

/* The file is replaced whole, and a folder that is not there is a cause, not a crash. */
static void test_metrics_write(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/drconsole.prom", dir);
	char *tmp = xasprintf("%s.tmp", path);
	char *cause = NULL;
	assert_int_equal(metrics_write(path, "old 1\n", &cause), 0);
	assert_int_equal(metrics_write(path, "new 2\n", &cause), 0);
	assert_null(cause);
	char buf[64] = "";
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, sizeof buf - 1, fp), 6);
	fclose(fp);
	assert_string_equal(buf, "new 2\n");
	struct stat st;
	assert_int_equal(stat(tmp, &st), -1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0044, 0044); /* the collector reads it as another user */
	char *missing = xasprintf("%s/gone/drconsole.prom", dir);
	assert_int_equal(metrics_write(missing, "x 1\n", &cause), -1);
	char *want =
	    xasprintf("cannot write the metrics file %s: No such file or directory", missing);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(missing);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	free(tmp);
	free(path);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics_golden),
	    cmocka_unit_test(test_metrics_unknown),
	    cmocka_unit_test(test_metrics_escape),
	    cmocka_unit_test(test_metrics_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
