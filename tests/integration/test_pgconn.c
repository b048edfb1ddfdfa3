/*
 * core/pgconn.c against the lab's real PostgreSQL: queries and their errors,
 * the session settings drconsole relies on, deadlines that hold against a
 * slow query and a frozen server, and a dead postmaster noticed through the
 * socket between queries. Run by lab-run.sh, which exports the lab's settings.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pgconn.h"
#include "xmalloc.h"

/* Returns an environment variable the lab must have set. */
static const char *lab_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL)
		fail_msg("%s is not set: run me through lab-run.sh", name);
	return v;
}

/* Runs a lab.sh command on this lab (freeze 1, thaw 1, kill-pg 1, ...). */
static void lab_do(const char *args)
{
	char *cmd = xasprintf("%s --dir %s --port-base %s %s >/dev/null 2>&1", lab_env("LAB_SCRIPT"),
			      lab_env("LAB_DIR"), lab_env("LAB_PORT_BASE"), args);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Connects to site n's PostgreSQL through its unix socket folder. */
static struct pgconn *connect_site(int n, int64_t timeout_ms, char **cause)
{
	char sock[32], port[32];
	snprintf(sock, sizeof sock, "LAB_SOCK_%d", n);
	snprintf(port, sizeof port, "LAB_PG_PORT_%d", n);
	struct pgconn_params pp = {lab_env(sock), (unsigned)atoi(lab_env(port)), "erp_chatbot",
				   "postgres", 2000};
	return pgconn_connect(&pp, clock_mono_ms() + timeout_ms, cause);
}

/* Runs sql and returns its value, failing the test on an error. */
static char *value_of(struct pgconn *p, const char *sql)
{
	char *v = NULL, *cause = NULL;
	if (pgconn_query_value(p, sql, clock_mono_ms() + 5000, &v, &cause) != 0)
		fail_msg("%s: %s", sql, cause);
	return v;
}

/* Values, NULL, errors, and the settings drconsole sets on its sessions. */
static void test_pgconn_queries(void **state)
{
	char *cause = NULL, *v = NULL;
	struct pgconn *p = connect_site(1, 5000, &cause);
	if (p == NULL)
		fail_msg("connect: %s", cause);
	v = value_of(p, "select count(*) from pgbench_accounts");
	assert_string_equal(v, "100000");
	free(v);
	v = value_of(p, "select current_setting('application_name')");
	assert_string_equal(v, "drconsole");
	free(v);
	v = value_of(p, "show statement_timeout");
	assert_string_equal(v, "2s");
	free(v);
	assert_null(value_of(p, "select null"));

	assert_int_equal(pgconn_query_value(p, "select * from no_such_table", clock_mono_ms() + 5000,
					    &v, &cause),
			 -1);
	assert_null(v);
	assert_non_null(strstr(cause, "no_such_table"));
	assert_null(strchr(cause, '\n'));
	free(cause);
	assert_int_equal(pgconn_query_value(p, "select 1, 2", clock_mono_ms() + 5000, &v, &cause),
			 -1);
	assert_string_equal(cause, "the query returned 1 rows of 2 columns");
	free(cause);
	/* The connection is still usable after an error. */
	v = value_of(p, "select 'still here'");
	assert_string_equal(v, "still here");
	free(v);
	pgconn_free(p);
}

/* A query slower than its deadline fails at the deadline, and the server's timeout ends it. */
static void test_pgconn_query_deadline(void **state)
{
	char *cause = NULL, *v = NULL;
	struct pgconn *p = connect_site(1, 5000, &cause);
	assert_non_null(p);
	int64_t t0 = clock_mono_ms();
	assert_int_equal(pgconn_query_value(p, "select pg_sleep(10)", t0 + 800, &v, &cause), -1);
	int64_t took = clock_mono_ms() - t0;
	assert_true(took >= 750 && took < 1800);
	assert_non_null(strstr(cause, "timed out after 0."));
	free(cause);
	pgconn_free(p);

	/* statement_timeout (2 s here) ends a query even with a long deadline. */
	p = connect_site(1, 5000, &cause);
	t0 = clock_mono_ms();
	assert_int_equal(pgconn_query_value(p, "select pg_sleep(10)", t0 + 8000, &v, &cause), -1);
	took = clock_mono_ms() - t0;
	assert_true(took < 4000);
	assert_non_null(strstr(cause, "statement timeout"));
	free(cause);
	pgconn_free(p);
}

/* Against a frozen server, connecting and querying give up at their deadlines. */
static void test_pgconn_frozen_server(void **state)
{
	char *cause = NULL, *v = NULL;
	struct pgconn *p = connect_site(2, 5000, &cause);
	assert_non_null(p);
	lab_do("freeze 2");
	int64_t t0 = clock_mono_ms();
	int rc = pgconn_query_value(p, "select 1", t0 + 1000, &v, &cause);
	int64_t took = clock_mono_ms() - t0;
	assert_int_equal(rc, -1);
	assert_true(took < 2000);
	free(cause);
	pgconn_free(p);

	t0 = clock_mono_ms();
	p = connect_site(2, 1000, &cause);
	took = clock_mono_ms() - t0;
	lab_do("thaw 2");
	assert_null(p);
	assert_true(took < 2000);
	assert_non_null(strstr(cause, "timed out"));
	free(cause);
}

/* A postmaster killed between queries makes the watched socket readable and the check fail. */
static void test_pgconn_dead_server_noticed(void **state)
{
	char *cause = NULL;
	struct pgconn *p = connect_site(1, 5000, &cause);
	assert_non_null(p);
	struct pollfd pfd = {pgconn_socket(p), POLLIN, 0};
	assert_int_equal(poll(&pfd, 1, 100), 0); /* quiet while the server lives */
	int64_t t0 = clock_mono_ms();
	lab_do("kill-pg 1");
	assert_int_equal(poll(&pfd, 1, 3000), 1);
	int64_t took = clock_mono_ms() - t0;
	print_message("# dead postmaster noticed %lld ms after kill-pg returned\n", (long long)took);
	assert_int_equal(pgconn_check_alive(p, &cause), -1);
	assert_non_null(strstr(cause, "lost"));
	free(cause);
	pgconn_free(p);
	lab_do("start-pg 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgconn_queries),
		cmocka_unit_test(test_pgconn_query_deadline),
		cmocka_unit_test(test_pgconn_frozen_server),
		cmocka_unit_test(test_pgconn_dead_server_noticed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
