/*
 * Tests of core/report_md.c and core/report_md_events.c, the Markdown
 * report, on journals planted as the engine writes them: every table lines
 * up by display width with Korean text in it; the summary tells the state,
 * the total time and the RTO and RPO against their targets; a run that did
 * not end is never said to be finished; a damaged journal opens the report
 * with its problems and is marked unverified; a drill shows its
 * participants, injects and hot wash; text from a site cannot act on a
 * terminal nor break the Markdown.
 */
#include "config.h"

#include "unit.h"

#include "journal_fixture.h"
#include "markdown_fixture.h"
#include "report_fixture.h"

/* Returns the Markdown report of the journal at path (newly allocated). */
static char *render(const char *dir, const char *path)
{
	struct report rep;
	char *buf = NULL;
	size_t len = 0;
	report_load(&rep, dir, path, &plant_cat);
	FILE *fp = md_open(&buf, &len);
	report_md(fp, &rep);
	fclose(fp);
	report_free(&rep);
	return buf;
}

/* Tells whether s starts with prefix. */
static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Fails unless md has that many tables, every one lined up, at least min_wide holding Korean. */
static void aligned(const char *md, int want_tables, int min_wide)
{
	int tables, wide;
	assert_true(md_aligned(md, &tables, &wide));
	assert_int_equal(tables, want_tables);
	assert_true(wide >= min_wide);
}

/* Returns the line of md that starts with prefix, newly allocated, or fails. */
static char *line_of(const char *md, const char *prefix)
{
	for (const char *l = md; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			return xstrndup(l, strcspn(l, "\n"));
	fail_msg("no line starting with '%s'", prefix);
	return NULL;
}

/* Fails unless the line of md that starts with prefix holds each of the texts that follow (NULL
 * ends them). */
static void line_has(const char *md, const char *prefix, ...)
{
	va_list ap;
	char *l = line_of(md, prefix);
	va_start(ap, prefix);
	for (const char *want; (want = va_arg(ap, const char *)) != NULL;)
		if (strstr(l, want) == NULL)
			fail_msg("'%s' lacks '%s'", l, want);
	va_end(ap);
	free(l);
}

/* A finished failover: the summary's figures, the steps, tables lined up with Korean in them. */
static void test_finished(void **state)
{
	char *path = plant_finished(*state), *md = render(*state, path);
	aligned(md, 8, 3); /* Korean: the summary, the notes, the timeline */
	assert_true(starts(md, "# Run report: 데이터베이스 장애\n"));
	assert_null(strstr(md, "UNVERIFIED"));
	line_has(md, "| state ", "| finished (result: done) ", NULL);
	line_has(md, "| total time ",
	         "2m56s against 15m (the scenario's estimate): met (12m4s to spare)", NULL);
	line_has(md, "| RTO ", "53s against 15m (the scenario's estimate): met (14m7s to spare)",
	         NULL);
	line_has(md, "| RPO ", "1s against 5m (the config's sync_interval): met (4m59s to spare)",
	         NULL);
	line_has(md, "| 2 ", "| promote_standby ", "| done ", "| 51.5s ", "| 3m ", "| kim (typed) ",
	         NULL);
	assert_non_null(strstr(md, "```\nstreaming\nlag 0 bytes\n```\n"));
	assert_non_null(strstr(md, "Data lost: 6.0 KiB (6144 bytes), 1.000 s of writes.\n"));
	assert_non_null(strstr(md, "| fence_armed | datacenter-1 | worked "));
	free(md);
	free(path);
}

/* An unfinished run: never said finished or done; its step timed so far. */
static void test_unfinished(void **state)
{
	char *path = plant_open_run(*state, 0), *md = render(*state, path);
	aligned(md, 7, 1);
	char *l = line_of(md, "| state ");
	assert_non_null(strstr(l, "unfinished (its console stopped before the run ended"));
	assert_null(strstr(l, "| finished"));
	free(l);
	line_has(md, "| ended ", "not ended (last record at 2026-11-27T06:15:40.000Z)", NULL);
	line_has(md, "| 2 ", "| running ", "| 38.5s so far ", NULL);
	line_has(md, "| RTO ", "not achieved yet: the run is unfinished", NULL);
	assert_null(strstr(md, "finished (result"));
	free(md);
	free(path);
}

/* A damaged journal: the first section says so and lists the problems; the title is marked. */
static void test_damaged(void **state)
{
	size_t len;
	char *path = plant_finished(*state);
	char *text = slurp(path, &len), *at = strstr(text, "lag 0 bytes");
	at[4] = '9';
	spill(path, text, len);
	char *md = render(*state, path);
	aligned(md, 8, 1);
	assert_true(starts(md, "# Run report: 데이터베이스 장애 (UNVERIFIED)\n"));
	char *first = strstr(md, "\n## ");
	assert_non_null(first);
	assert_true(starts(first, "\n## JOURNAL DAMAGED: THIS REPORT IS UNVERIFIED\n"));
	assert_true(strstr(md, ":4:1: error: the chain breaks here") < strstr(md, "\n## Summary"));
	line_has(md, "| state ", "DAMAGED; the records read say: finished", NULL);
	line_has(md, "| chain, head file and seals ", "FAILED", NULL);
	free(md);
	free(text);
	free(path);
}

/* A drill: participants, objectives, the inject, the hot wash with its owners. */
static void test_drill(void **state)
{
	char *path = plant_drill(*state), *md = render(*state, path);
	aligned(md, 9, 5);
	assert_non_null(strstr(md, "| 김철수      | 진행자 |\n"));
	assert_non_null(
	    strstr(md, "## Objectives\n\n- 30분 안에 DR 사이트로 전환\n- 데이터 손실 없음\n"));
	assert_non_null(strstr(md, "| inject | "));
	assert_non_null(strstr(md, "### Went badly\n\n- DNS 변경이 늦음\n- 연락망이 오래됨\n"));
	line_has(md, "| DNS TTL을 60초로 ", "| 인프라팀 | 2026-12-15 |", NULL);
	line_has(md, "| 연락망 갱신 ", "| NO OWNER | no date    |", NULL);
	line_has(md, "| RTO ", "16m against 30m (the run's rto_target_ms): met (14m to spare)",
	         NULL);
	free(md);
	free(path);
}

/* Hostile text from a site: no control reaches the output, no bar opens a column. */
static void test_hostile(void **state)
{
	char *path;
	struct journal *j = plant_open(*state, &path);
	plant_start(j, 0);
	plant(j, 1000, JOURNAL_NOTE, json_pack("{s:s}", "text", "\x1b]0;owned\x07 a|b\nc <x>"));
	plant(j, 0, JOURNAL_STEP_OUTPUT,
	      json_pack("{s:b, s:s, s:i, s:s}", "ok", 1, "output", "```\n\x1b[2J\xe2\x80\xae",
	                "step", 1, "action", "verify_replication_status"));
	journal_close(j);
	char *md = render(*state, path);
	aligned(md, 7, 1);
	for (const char *p = md; *p; p++)
		assert_false((unsigned char)*p < 0x20 && *p != '\n');
	assert_null(strstr(md, "\xe2\x80\xae"));
	assert_non_null(strstr(md, "| \\x1b]0;owned\\x07 a\\|b c &lt;x> |"));
	assert_non_null(strstr(md, "````\n```\n\\x1b[2J\\u202e\n````\n"));
	free(md);
	free(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_finished), T(test_unfinished), T(test_damaged), T(test_drill), T(test_hostile),
	};
#undef T
	return cmocka_run_group_tests(tests, plant_catalog_setup, plant_catalog_teardown);
}
