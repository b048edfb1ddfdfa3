/*
 * Tests of core/restoreproof.c and restoreproof_line.c: the record of proven
 * restores round-trips through its file (written durably, one proof per file
 * identity, the newest kept), a damaged file is an error and never "never
 * proven", the newest backup is judged proven / unproven / never, and the
 * panel's line says so.
 */
#include "config.h"

#include <sys/stat.h>

#include "unit.h"

#include "restoreproof.h"
#include "scratch_fixture.h"

/* Fills a proof of dc-2's file name proven at ms. */
static struct restoreproof proof(const char *site, const char *file, int64_t size, int64_t ms)
{
	struct restoreproof p = {(char *)site, (char *)file, size, 1767225600, ms, 870, 4, 1200, 0,
	                         (char *)"127.0.0.1:5432", (char *)"20260101T000000Z-1"};
	return p;
}

/* A proof written is read back whole; the file is 0600 and one line of JSON. */
static void test_round_trip(void **state)
{
	const char *dir = *state;
	char *cause = NULL;
	struct restoreproof p = proof("dc-2", "/backup/db_1.dump", 81234, 1767229200123);
	p.duration_ms = -1; /* unknown stays unknown */
	assert_int_equal(restoreproof_add(dir, &p, &cause), 0);
	struct restoreproofs set = {0};
	assert_int_equal(restoreproof_read(dir, &set, &cause), 0);
	assert_int_equal(set.n, 1);
	struct restoreproof *q = &set.items[0];
	assert_string_equal(q->site, "dc-2");
	assert_string_equal(q->file, "/backup/db_1.dump");
	assert_int_equal(q->size, 81234);
	assert_int_equal(q->mtime_s, 1767225600);
	assert_int_equal(q->proven_ms, 1767229200123);
	assert_int_equal(q->duration_ms, -1);
	assert_int_equal(q->tables, 4);
	assert_int_equal(q->rows, 1200);
	assert_string_equal(q->target, "127.0.0.1:5432");
	assert_string_equal(q->run, "20260101T000000Z-1");
	char *path = xasprintf("%s/%s", dir, RESTOREPROOF_FILE);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
	restoreproofs_free(&set);
}

/* One proof per identity: the same file again replaces it; a rewritten file is another. */
static void test_identity(void **state)
{
	const char *dir = *state;
	char *cause = NULL;
	struct restoreproof a = proof("dc-2", "/backup/db_1.dump", 100, 1000);
	struct restoreproof b = proof("dc-2", "/backup/db_1.dump", 100, 2000);
	struct restoreproof c = proof("dc-2", "/backup/db_1.dump", 101, 3000);
	assert_int_equal(restoreproof_add(dir, &a, &cause), 0);
	assert_int_equal(restoreproof_add(dir, &b, &cause), 0);
	assert_int_equal(restoreproof_add(dir, &c, &cause), 0);
	struct restoreproofs set = {0};
	assert_int_equal(restoreproof_read(dir, &set, &cause), 0);
	assert_int_equal(set.n, 2);
	assert_int_equal(restoreproof_last(&set, "dc-2")->proven_ms, 3000);
	struct restoreproof_file f = {"/backup/db_1.dump", 100, 1767225600};
	assert_int_equal(restoreproof_find(&set, "dc-2", &f)->proven_ms, 2000);
	assert_null(restoreproof_find(&set, "dc-1", &f));
	restoreproofs_free(&set);
}

/* At most RESTOREPROOF_KEEP per site: the least recently proven go. */
static void test_trim(void **state)
{
	(void)state;
	struct restoreproofs set = {0};
	for (int i = 0; i < RESTOREPROOF_KEEP + 5; i++) {
		char file[32];
		snprintf(file, sizeof file, "/b/%d.dump", i);
		struct restoreproof p = proof("dc-2", file, i, 1000 + i);
		restoreproof_put(&set, &p);
	}
	struct restoreproof other = proof("dc-1", "/b/x.dump", 1, 1);
	restoreproof_put(&set, &other);
	assert_int_equal(set.n, RESTOREPROOF_KEEP + 1);
	struct restoreproof_file oldest = {"/b/4.dump", 4, 1767225600};
	struct restoreproof_file kept = {"/b/5.dump", 5, 1767225600};
	assert_null(restoreproof_find(&set, "dc-2", &oldest));
	assert_non_null(restoreproof_find(&set, "dc-2", &kept));
	assert_non_null(restoreproof_last(&set, "dc-1"));
	restoreproofs_free(&set);
}

/* A damaged file is an error with where it is wrong, never an empty record. */
static void test_damaged(void **state)
{
	struct restoreproofs set = {0};
	char *cause = NULL;
	static const struct {
		const char *text, *cause;
	} bad[] = {
	    {"{\"version\": 1, \"proofs\": [", "1:26: "},
	    {"{\"version\": 2, \"proofs\": []}", "not a record of proven restores"},
	    {"{\"version\": 1, \"proofs\": [{\"site\": \"dc-2\"}]}", "proof 1: \"file\""},
	    {"{\"version\": 1, \"proofs\": [{\"site\": \"dc-2\", \"file\": \"/b\", \"size\": -5}]}",
	     "proof 1: \"size\""},
	    {"{\"version\": 1, \"version\": 1, \"proofs\": []}", "duplicate"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(restoreproof_parse(bad[i].text, &set, &cause), -1);
		assert_non_null(strstr(cause, bad[i].cause));
		assert_int_equal(set.n, 0);
		free(cause);
	}
	/* and through the file: its name comes first */
	char *path = xasprintf("%s/%s", (char *)*state, RESTOREPROOF_FILE);
	FILE *fp = fopen(path, "w");
	fputs("{\"version\": 1, \"proofs\": [{}]}", fp);
	fclose(fp);
	assert_int_equal(restoreproof_read(*state, &set, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
	assert_int_equal(restoreproof_read("/nonexistent-drconsole", &set, &cause), 0); /* none */
	assert_int_equal(set.n, 0);
}

/* The newest backup is proven, unproven (an older one is), never, or not known. */
static void test_judge(void **state)
{
	(void)state;
	struct restoreproofs set = {0};
	const struct restoreproof *last;
	struct restoreproof_file old = {"/b/old.dump", 10, 1767225600};
	struct restoreproof_file new = {"/b/new.dump", 20, 1767312000};
	assert_int_equal(restoreproof_judge(&set, "dc-2", &new, &last), RESTOREPROOF_NEVER);
	assert_null(last);
	struct restoreproof p = proof("dc-2", "/b/old.dump", 10, 5000);
	restoreproof_put(&set, &p);
	assert_int_equal(restoreproof_judge(&set, "dc-2", &new, &last), RESTOREPROOF_UNPROVEN);
	assert_string_equal(last->file, "/b/old.dump");
	assert_int_equal(restoreproof_judge(&set, "dc-2", &old, &last), RESTOREPROOF_PROVEN);
	assert_int_equal(restoreproof_judge(&set, "dc-2", NULL, &last), RESTOREPROOF_UNKNOWN);
	assert_int_equal(restoreproof_judge(&set, "dc-1", &old, &last), RESTOREPROOF_NEVER);
	restoreproofs_free(&set);
}

/* The panel's line: the proof, "never", the newest unproven, or why it is not known. */
static void test_line(void **state)
{
	(void)state;
	struct site s;
	struct snap_backups b;
	struct restoreproofs set = {0};
	char line[512];
	memset(&s, 0, sizeof s);
	memset(&b, 0, sizeof b);
	s.name = "dc-2";
	s.backups.dir = "/b";
	b.configured = b.ok = 1;
	snprintf(b.newest_name, sizeof b.newest_name, "new.dump");
	b.newest_bytes = 20;
	b.newest_mtime_s = (struct opt_i64){1, 1767312000};
	int64_t now = 1767229200000 + 2 * 3600 * 1000;
	assert_int_equal(restoreproof_line(&set, NULL, &s, &b, now, line, sizeof line),
	                 RESTOREPROOF_NEVER);
	assert_string_equal(line, "last proven restore: never");
	struct restoreproof p = proof("dc-2", "/b/old.dump", 10, 1767229200000);
	restoreproof_put(&set, &p);
	assert_int_equal(restoreproof_line(&set, NULL, &s, &b, now, line, sizeof line),
	                 RESTOREPROOF_UNPROVEN);
	assert_string_equal(line, "last proven restore: old.dump, 2h ago, 4 tables, 1200 rows, "
	                          "0.9 s");
	assert_int_equal(restoreproof_line(NULL, "restores.json: not a regular file", &s, &b, now,
	                                   line, sizeof line),
	                 RESTOREPROOF_UNKNOWN);
	assert_string_equal(line, "last proven restore: ? (restores.json: not a regular file)");
	json_t *j = restoreproof_status_json(&set, NULL, &s, &b, now);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "unproven");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "last"), "age_s")),
	                 7200);
	json_decref(j);
	restoreproofs_free(&set);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_identity, scratch_make, scratch_teardown),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test_setup_teardown(test_damaged, scratch_make, scratch_teardown),
	    cmocka_unit_test(test_judge),
	    cmocka_unit_test(test_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
