/*
 * Tests of core/journal_tail.c and the seals journal.c writes: the head file
 * after every record (count and hash exactly, replaced whole), run_finished
 * and detached sealed at once, a seal never twice in a row and never by
 * journal_append; verify catching the last line and the last five removed,
 * the end replaced, a missing or garbled head file; resume after a console
 * died between a line and its head file (fine, the head brought up to date),
 * refused when lines were cut from the end, and going on without a head file
 * (a warning). Each test works in its own mkdtemp folder.
 */
#include "config.h"

#include "unit.h"

#include <sys/stat.h>

#include "journal_fixture.h"

/* Fails unless the head file of the journal at path holds exactly records and the last line's hash.
 */
static void expect_head(const char *path, int64_t records)
{
	size_t len;
	char *text = slurp(path, &len), hash[JOURNAL_HASH_HEX + 1];
	memcpy(hash, ZEROS, sizeof hash);
	if (len > 0) {
		text[len - 1] = '\0'; /* the last newline */
		char *last = strrchr(text, '\n');
		last = last != NULL ? last + 1 : text;
		journal_hash(last, strlen(last), hash);
	}
	char *head = journal_head_path(path), *got = slurp(head, &len);
	char *want =
	    xasprintf("{\"records\":%lld,\"last_hash\":\"%s\"}\n", (long long)records, hash);
	assert_string_equal(got, want);
	struct stat st;
	assert_int_equal(stat(head, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	char *tmp = xasprintf("%s.tmp", head);
	assert_int_equal(access(tmp, F_OK), -1); /* renamed over the head file */
	free(tmp);
	free(want);
	free(got);
	free(head);
	free(text);
}

/* Keeps the first n lines of the file at path (n = -k: all but the last k). */
static void keep_lines(const char *path, int n)
{
	size_t len, lines = 0, at = 0;
	char *text = slurp(path, &len);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	size_t keep = n >= 0 ? (size_t)n : lines - (size_t)-n;
	for (size_t k = 0; k < keep; k++)
		at = (size_t)(strchr(text + at, '\n') - text) + 1;
	spill(path, text, at);
	free(text);
}

/* Verifies path and fails unless it has exactly the errors and warnings counted. */
static void verify_is(const char *path, int rc, size_t errors, size_t warnings, struct diag *d)
{
	struct journal_records r;
	diag_init(d);
	int got = journal_verify(path, &r, d);
	if (got != rc || d->errors != errors || d->warnings != warnings) {
		diag_print(d, stderr);
		fail_msg("verify gave %d with %zu errors, %zu warnings", got, d->errors,
		         d->warnings);
	}
	journal_records_free(&r);
}

/* The head file is written at creation and after every record: count and last hash, 0600. */
static void test_tail_head_file(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	expect_head(path, 0);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	expect_head(path, 1);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "확인"));
	expect_head(path, 2);
	journal_close(j);
	char *head = journal_head_path(path), *want = xstrdup(path);
	strcpy(want + strlen(want) - strlen("jsonl"), "head");
	assert_string_equal(head, want);
	journal_unlink(path);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(head, F_OK), -1);
	free(want);
	free(head);
	free(path);
}

/* Fails unless record i is a seal of the i records before it. */
static void expect_seal(const struct journal_records *r, size_t i)
{
	assert_string_equal(r->items[i].type, JOURNAL_RUN_SEALED);
	assert_int_equal(json_integer_value(json_object_get(r->items[i].data, "records")), i);
	assert_string_equal(journal_text(r->items[i].data, "last_hash", ""),
	                    i > 0 ? r->items[i - 1].hash : ZEROS);
}

/* run_finished and detached are sealed at once; journal_seal adds no second seal; only it seals. */
static void test_tail_seals(void **state)
{
	char *path, *cause = NULL;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	assert_int_equal(journal_detach(j, "the operator quit", &cause), 0);
	assert_int_equal(journal_seq(j), 3);
	assert_int_equal(journal_seal(j, &cause), 0);
	assert_int_equal(journal_seq(j), 3);
	append_ok(j, JOURNAL_RUN_RESUMED, json_pack("{s:i, s:i}", "steps_done", 0, "steps", 2));
	append_ok(j, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
	assert_int_equal(journal_seq(j), 6);
	append_ok(j, "split_brain", json_pack("{s:s}", "evidence", "db1 writable"));
	assert_int_equal(journal_seal(j, &cause), 0);
	assert_int_equal(journal_seal(j, &cause), 0);
	assert_int_equal(journal_seq(j), 8);
	assert_int_equal(journal_append(j, JOURNAL_RUN_SEALED,
	                                json_pack("{s:i, s:s}", "records", 8, "last_hash", ZEROS),
	                                &cause),
	                 -1);
	assert_string_equal(cause, "run_sealed records are written by journal_seal only");
	assert_int_equal(journal_seq(j), 8);
	journal_close(j);

	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	assert_int_equal(r.n, 8);
	assert_string_equal(r.items[1].type, JOURNAL_DETACHED);
	assert_string_equal(journal_text(r.items[1].data, "why", ""), "the operator quit");
	expect_seal(&r, 2);
	assert_string_equal(r.items[4].type, JOURNAL_RUN_FINISHED);
	expect_seal(&r, 5);
	assert_string_equal(r.items[6].type, "split_brain");
	expect_seal(&r, 7);
	journal_records_free(&r);
	diag_free(&d);
	verify_is(path, 0, 0, 0, &d);
	diag_free(&d);
	expect_head(path, 8);
	free(cause);
	free(path);
}

/* The last line removed, or the last five: verify says so, against the head file and the seal. */
static void test_tail_cut(void **state)
{
	char *path = write_run(*state, 8), *head = journal_head_path(path);
	struct diag d;
	verify_is(path, 0, 0, 0, &d);
	diag_free(&d);
	size_t len;
	char *intact = slurp(path, &len), *head_text = slurp(head, &len);

	keep_lines(path, -1);
	verify_is(path, -1, 2, 0, &d);
	unit_expect_error(&d, path, 8, 1,
	                  "the journal ends after 7 lines, but its head file says 8 records: 1 "
	                  "record was removed from its end",
	                  1);
	unit_expect_error(&d, path, 8, 1,
	                  "the run finished (line 7) but no seal follows: lines were removed from "
	                  "the end of the journal, or its console stopped before sealing it",
	                  1);
	diag_free(&d);

	spill(path, intact, strlen(intact));
	keep_lines(path, -5);
	verify_is(path, -1, 1, 0, &d);
	unit_expect_error(&d, path, 4, 1,
	                  "the journal ends after 3 lines, but its head file says 8 records: 5 "
	                  "records were removed from its end",
	                  1);
	diag_free(&d);

	/* With the head file gone too, a sealed journal is still caught; a cut one is not. */
	unlink(head);
	verify_is(path, 0, 0, 1, &d);
	diag_free(&d);
	spill(path, intact, strlen(intact));
	verify_is(path, -1, 1, 0, &d);
	unit_expect_only(&d, -1, head, 0, 0,
	                 "the head file is missing, though the journal is sealed: whether lines "
	                 "were removed from its end cannot be told");
	diag_free(&d);
	spill(head, "{\"records\":8}\n", 14);
	verify_is(path, -1, 1, 0, &d);
	char *msg = xasprintf("%s is not a head file (one line: {\"records\":N,\"last_hash\":"
	                      "\"<SHA-256>\"})",
	                      head);
	unit_expect_only(&d, -1, head, 0, 0, msg);
	diag_free(&d);
	spill(head, head_text, strlen(head_text));
	verify_is(path, 0, 0, 0, &d);
	diag_free(&d);
	free(msg);
	free(head_text);
	free(intact);
	free(head);
	free(path);
}

/* The last line replaced by another that chains: the head file's hash catches it. */
static void test_tail_end_replaced(void **state)
{
	char *path = write_run(*state, 4);
	size_t len;
	char *text = slurp(path, &len);
	char *at = strstr(text, "{\"seq\":4,\"ts\":\"2026-11-27T");
	assert_non_null(at);
	at[24] = '2'; /* 27 becomes 22: a line that still chains, but not the one written */
	spill(path, text, len);
	struct diag d;
	verify_is(path, -1, 1, 0, &d);
	unit_expect_only(&d, -1, path, 4, 1,
	                 "line 4 is not the record the head file names (another hash): the end "
	                 "of the journal was replaced");
	diag_free(&d);
	free(text);
	free(path);
}

/* Returns a copy of the head file of the journal at path. */
static char *head_copy(const char *path)
{
	size_t len;
	char *head = journal_head_path(path), *text = slurp(head, &len);
	free(head);
	return text;
}

/* Puts text back as the head file of the journal at path. */
static void head_restore(const char *path, const char *text)
{
	char *head = journal_head_path(path);
	spill(head, text, strlen(text));
	free(head);
}

/* Died between a line and its head file: resume goes on and brings the head file up to date. */
static void test_tail_resume_head_behind(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	char *behind = head_copy(path);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "the last line before the crash"));
	journal_close(j);
	head_restore(path, behind);
	struct diag d;
	verify_is(path, 0, 0, 0, &d); /* the file ahead of its head file, chaining: fine */
	diag_free(&d);

	diag_init(&d);
	j = journal_resume(path, fake_clock, &d);
	assert_non_null(j);
	assert_int_equal(d.n, 0);
	assert_int_equal(journal_seq(j), 2);
	expect_head(path, 2);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "resumed"));
	journal_close(j);
	diag_free(&d);
	expect_head(path, 3);
	expect_intact(path, 3);
	free(behind);
	free(path);
}

/* Lines cut from the end refuse resume; with no head file at all, resume warns and writes one. */
static void test_tail_resume_cut(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	append_ok(j, JOURNAL_STEP_FINISHED, json_pack("{s:i, s:s}", "step", 1, "result", "done"));
	journal_close(j);
	keep_lines(path, 1);
	struct diag d;
	diag_init(&d);
	assert_null(journal_resume(path, fake_clock, &d));
	unit_expect_error(&d, path, 2, 1, "but its head file says 2 records", 0);
	diag_free(&d);

	char *head = journal_head_path(path);
	unlink(head);
	diag_init(&d);
	j = journal_resume(path, fake_clock, &d);
	assert_non_null(j);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.items[0].file, head);
	assert_string_equal(d.items[0].message, "no head file: whether lines were removed from "
	                                        "the end of the journal cannot be told");
	expect_head(path, 1);
	journal_close(j);
	diag_free(&d);
	free(head);
	free(path);
}

/* Counts the lines of the file at path. */
static size_t count_lines(const char *path)
{
	size_t len, n = 0;
	char *text = slurp(path, &len);
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

/*
 * A record whose line is on disk but whose head file cannot be replaced (a
 * full disk) is in: never refused, so never written twice by a caller that
 * tries again; the next record is refused, with nothing written, until the
 * head file catches up; then all goes on, each record once.
 */
static void test_tail_head_fails(void **state)
{
	char *path, *cause = NULL;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	char *head = journal_head_path(path), *tmp = xasprintf("%s.tmp", head);
	assert_int_equal(mkdir(tmp, 0700), 0); /* the head file cannot be replaced */
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "one"));
	assert_int_equal(journal_seq(j), 2);
	assert_int_equal(journal_append(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "two"), &cause),
	                 -1);
	assert_non_null(strstr(cause, "record 2 is written"));
	free(cause);
	cause = NULL;
	assert_int_equal(journal_seq(j), 2);
	assert_int_equal(count_lines(path), 2);
	assert_int_equal(journal_detach(j, "quit", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(rmdir(tmp), 0);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "two"));
	expect_head(path, 3);
	/* the seal of a run's end that cannot be written comes before the next record */
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(journal_detach(j, "quit", &cause), 0);
	assert_int_equal(journal_seq(j), 4);
	assert_int_equal(rmdir(tmp), 0);
	append_ok(j, JOURNAL_RUN_RESUMED, json_pack("{s:i, s:i}", "steps_done", 0, "steps", 2));
	struct journal_records r;
	struct diag d;
	diag_init(&d);
	assert_int_equal(journal_read(path, &r, &d), 0);
	assert_int_equal(r.n, 6);
	assert_string_equal(r.items[3].type, JOURNAL_DETACHED);
	expect_seal(&r, 4);
	assert_string_equal(r.items[5].type, JOURNAL_RUN_RESUMED);
	journal_records_free(&r);
	diag_free(&d);
	expect_head(path, 6);
	journal_close(j);
	free(tmp);
	free(head);
	free(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_tail_head_file),
	    T(test_tail_seals),
	    T(test_tail_cut),
	    T(test_tail_end_replaced),
	    T(test_tail_resume_head_behind),
	    T(test_tail_resume_cut),
	    T(test_tail_head_fails),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
