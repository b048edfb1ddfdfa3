/*
 * Tests of core/journal.c and core/journal_read.c: a round trip with a fake
 * clock (the first line's bytes exactly), the chain catching a changed byte,
 * a removed, a swapped and a duplicated line at the right line, lines that
 * are not records, a torn last line (a warning, cut off on resume, the chain
 * going on), resume after a clean close and refused on damage or a lock,
 * data that could not be built refused, text that is not UTF-8 (bad bytes,
 * a tail or a reason cut inside a Hangul character) kept with every field,
 * secrets redacted, the 64 KiB bound cutting Korean text cleanly, a write cut
 * short leaving no partial line, file names for runs started in the same
 * second, modes 0600/0700, and finding runs. Each test works in its own
 * mkdtemp folder.
 */
#include "config.h"

#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "journal_fixture.h"
#include "runid.h"
#include "utf8.h"

/* A problem expected on a line. */
struct want {
	int line;
	const char *message;
};

#define SEQ(a, b) "seq " #a " follows " #b " (removed, duplicated or reordered lines)"
#define CHAIN(n)                                                                                   \
	"the chain breaks here: prev does not match line " #n " (edited, removed or reordered "    \
	"lines)"
#define HASH_OF(n) "; it is the hash of line " #n

/* Returns the text of the journal at path with its lines in the given order (1-based, 0 ends). */
static char *reorder(const char *path, const int *order)
{
	size_t len;
	char *file = slurp(path, &len), *line[16], *text = xstrdup("");
	size_t n = 0;
	for (char *p = file; *p != '\0' && n < 16; p = strchr(p, '\n') + 1)
		line[n++] = p;
	for (const int *o = order; *o != 0; o++) {
		size_t at = (size_t)*o - 1, size = (size_t)(strchr(line[at], '\n') - line[at]) + 1;
		char *next = xasprintf("%s%.*s", text, (int)size, line[at]);
		free(text);
		text = next;
	}
	free(file);
	return text;
}

/*
 * Writes a run of 5 records, rearranges its lines (after changing one byte
 * of line 3 when edit is set), and fails unless reading it gives exactly the
 * errors wanted (the list ends with a NULL message).
 */
static void expect_chain(const char *dir, const int *order, int edit, const struct want *want)
{
	char *path = write_run(dir, 5), *text = reorder(path, order);
	if (edit)
		strstr(text, "\"n\":3")[4] = '4';
	struct journal_records r;
	struct diag d;
	size_t n = 0;
	diag_init(&d);
	assert_int_equal(journal_parse(text, strlen(text), "runs/x.jsonl", &r, &d), -1);
	for (; want[n].message != NULL; n++)
		unit_expect_error(&d, "runs/x.jsonl", want[n].line, 1, want[n].message, 1);
	if (d.errors != n || d.warnings != 0) {
		diag_print(&d, stderr);
		fail_msg("expected %zu errors and no warning", n);
	}
	journal_records_free(&r);
	diag_free(&d);
	free(text);
	free(path);
}

/* Records written and read back; the first line's bytes exactly, and prev the SHA-256 of it. */
static void test_journal_round_trip(void **state)
{
	char *path = NULL, *cause = NULL;
	struct journal *j = journal_create(*state, fake_clock, &path, &cause);
	assert_non_null(j);
	char *want_path = xasprintf("%s/runs/20261127T061500Z-", (char *)*state);
	const char *name = strrchr(path, '/') + 1;
	assert_int_equal(strncmp(path, want_path, strlen(want_path)), 0);
	assert_true(strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".jsonl") == 0);
	assert_true(runid_ok(name, strlen(name) - 6));
	assert_int_equal(journal_seq(j), 0);
	append_ok(j, JOURNAL_RUN_STARTED,
	          json_pack("{s:s, s:s, s:s, s:s}", "scenario", "데이터베이스 장애", "mode",
	                    "incident", "operator", "kim", "origin", "10.0.0.5"));
	append_ok(j, JOURNAL_STEP_FINISHED,
	          json_pack("{s:i, s:s, s:i, s:i}", "step", 1, "result", "ok", "exit_status", 0,
	                    "duration_ms", 840));
	append_ok(j, JOURNAL_NOTE, json_object());
	assert_int_equal(journal_seq(j), 3);
	journal_close(j);

	size_t len;
	char *text = slurp(path, &len);
	static const char first[] =
	    "{\"seq\":1,\"ts\":\"2026-11-27T06:15:01.623Z\",\"type\":\"run_started\","
	    "\"prev\":\"" ZEROS "\",\"data\":{\"scenario\":\"데이터베이스 장애\","
	    "\"mode\":\"incident\",\"operator\":\"kim\",\"origin\":\"10.0.0.5\"}}\n";
	assert_memory_equal(text, first, sizeof first - 1);
	/* sha256sum of the first line without its newline */
	assert_non_null(strstr(text, "\"prev\":\"ed8030ed62fd4a19899c7281e9b03aadf080106941223c58d6"
	                             "028d1efd656b51\""));

	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.lines, 3);
	assert_int_equal(r.torn, 0);
	assert_int_equal(r.good_len, len);
	assert_int_equal(r.items[1].seq, 2);
	assert_int_equal(r.items[1].line, 2);
	assert_string_equal(r.items[1].ts, "2026-11-27T06:15:03.123Z");
	assert_string_equal(r.items[1].type, "step_finished");
	assert_int_equal(json_integer_value(json_object_get(r.items[1].data, "duration_ms")), 840);
	assert_string_equal(json_string_value(json_object_get(r.items[0].data, "scenario")),
	                    "데이터베이스 장애");
	assert_int_equal(json_object_size(r.items[2].data), 0);
	journal_records_free(&r);
	diag_free(&d);
	free(text);
	free(want_path);
	free(path);
}

/* One changed byte breaks the chain at the next line, which names the changed one. */
static void test_journal_changed_byte(void **state)
{
	static const struct want want[] = {{4, CHAIN(3)}, {0, NULL}};
	expect_chain(*state, (const int[]){1, 2, 3, 4, 5, 0}, 1, want);
}

/* A removed line: seq and prev both break where it was; the first line removed too. */
static void test_journal_removed_line(void **state)
{
	static const struct want middle[] = {{3, SEQ(4, 2)}, {3, CHAIN(2)}, {0, NULL}};
	static const struct want first[] = {
	    {1, "the first record has seq 2, not 1 (lines removed from the start?)"},
	    {1, "the chain breaks here: the first record's prev is not 64 zeros (lines removed "
	        "from the start?)"},
	    {0, NULL}};
	expect_chain(*state, (const int[]){1, 2, 4, 5, 0}, 0, middle);
	expect_chain(*state, (const int[]){2, 3, 4, 5, 0}, 0, first);
}

/* Two swapped lines: each is reported, with the line its prev belongs to. */
static void test_journal_swapped_lines(void **state)
{
	static const struct want want[] = {
	    {2, SEQ(3, 1)}, {2, CHAIN(1) HASH_OF(3)}, {3, SEQ(2, 3)}, {3, CHAIN(2) HASH_OF(1)},
	    {4, SEQ(4, 2)}, {4, CHAIN(3) HASH_OF(2)}, {0, NULL}};
	expect_chain(*state, (const int[]){1, 3, 2, 4, 5, 0}, 0, want);
}

/* A duplicated line: only the copy is reported; the line after it chains on. */
static void test_journal_duplicated_line(void **state)
{
	static const struct want want[] = {{4, SEQ(3, 3)}, {4, CHAIN(3) HASH_OF(2)}, {0, NULL}};
	expect_chain(*state, (const int[]){1, 2, 3, 3, 4, 5, 0}, 0, want);
}

/* Lines that are not records: bad JSON at jansson's column (in characters), missing, wrong keys. */
static void test_journal_not_records(void **state)
{
	static const char text[] =
	    "{\"seq\":1,\"ts\":\"2026-11-27T06:15:00.123Z\",\"type\":\"note\",\"prev\":\"" ZEROS
	    "\",\"data\":{\"text\":\"장애\",}}\n"
	    "[1]\n"
	    "{\"seq\":\"3\",\"ts\":\"yesterday\",\"type\":\"Note!\",\"data\":[],\"x\":1}\n"
	    "\n";
	struct journal_records r;
	struct diag d;
	(void)state;
	diag_init(&d);
	assert_int_equal(journal_parse(text, strlen(text), "runs/x.jsonl", &r, &d), -1);
	unit_expect_error(&d, NULL, 1, 150, "not JSON: string or '}' expected near '}'", 1);
	unit_expect_error(&d, NULL, 2, 1, "a record is a JSON object", 1);
	unit_expect_error(&d, NULL, 3, 8, "seq must be a positive integer", 1);
	unit_expect_error(&d, NULL, 3, 17, "ts must be RFC 3339 UTC with milliseconds", 1);
	unit_expect_error(&d, NULL, 3, 36, "type must be a record type (a-z, 0-9 and _)", 1);
	unit_expect_error(&d, NULL, 3, 1, "missing key 'prev'", 1);
	unit_expect_error(&d, NULL, 3, 51, "data must be an object", 1);
	unit_expect_error(&d, NULL, 3, 58,
	                  "unknown key 'x' (a record has seq, ts, type, prev, data)", 1);
	unit_expect_error(&d, NULL, 4, 1, "not JSON: '[' or '{' expected near end of file", 1);
	assert_int_equal(d.errors, 9);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.lines, 4);
	journal_records_free(&r);
	diag_free(&d);
}

/* A torn last line is a warning; resume cuts it off and the chain goes on. */
static void test_journal_torn_tail(void **state)
{
	char *path = write_run(*state, 3);
	size_t len;
	char *text = slurp(path, &len);
	char *torn = xasprintf("%s{\"seq\":4,\"ts\":\"2026-11-", text);
	spill(path, torn, strlen(torn));

	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 1);
	assert_int_equal(d.items[0].line, 4);
	assert_non_null(strstr(d.items[0].message, "the last line is incomplete"));
	assert_int_equal(r.n, 3);
	assert_int_equal(r.torn, 1);
	assert_int_equal(r.good_len, len);
	journal_records_free(&r);
	diag_free(&d);

	diag_init(&d);
	struct journal *j = journal_resume(path, fake_clock, &d);
	assert_non_null(j);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(journal_seq(j), 3);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "resumed"));
	journal_close(j);
	diag_free(&d);
	expect_intact(path, 4);
	free(text);
	text = slurp(path, &len);
	assert_null(strstr(text, "\"ts\":\"2026-11-\n"));
	assert_string_equal(strrchr(text, '\n') - strlen("{\"text\":\"resumed\"}}"),
	                    "{\"text\":\"resumed\"}}\n");
	free(torn);
	free(text);
	free(path);
}

/* Resume after a clean close continues seq and prev; damage or a lock refuses it. */
static void test_journal_resume(void **state)
{
	char *path = write_run(*state, 3);
	struct diag d;
	diag_init(&d);
	struct journal *j = journal_resume(path, fake_clock, &d);
	assert_non_null(j);
	assert_int_equal(d.n, 0);
	assert_int_equal(journal_seq(j), 3);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "after resume"));
	assert_int_equal(journal_seq(j), 4);

	struct journal *again = journal_resume(path, fake_clock, &d);
	assert_null(again);
	char *want = xasprintf("%s is open in another console (its journal is locked)", path);
	unit_expect_only(&d, -1, path, 0, 0, want);
	journal_close(j);
	diag_free(&d);
	expect_intact(path, 4);

	size_t len;
	char *text = slurp(path, &len);
	text[strlen("{\"seq\":1,\"ts\":\"2026")] = '9';
	spill(path, text, len);
	diag_init(&d);
	assert_null(journal_resume(path, fake_clock, &d));
	unit_expect_error(&d, path, 2, 1, "the chain breaks here: prev does not match line 1", 0);
	diag_free(&d);
	free(want);
	free(text);
	free(path);
}

/* data NULL, what json_pack gives for a text that is not UTF-8, is refused with why; nothing is
 * written. */
static void test_journal_null_data(void **state)
{
	char *path, *cause = NULL;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	struct stat before, after;
	assert_int_equal(stat(path, &before), 0);
	json_t *data = json_pack("{s:s, s:s}", "result", "skipped", "reason", "\xea\xb0");
	assert_null(data);
	assert_int_equal(journal_append(j, JOURNAL_STEP_FINISHED, data, &cause), -1);
	assert_string_equal(cause, "a step_finished record could not be built (its data is "
	                           "missing: a value was not valid UTF-8, or a required text "
	                           "was NULL); nothing was written");
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(journal_seq(j), 1);
	journal_close(j);
	expect_intact(path, 1);
	free(cause);
	free(path);
}

/* Returns text made of prefix and then n times the character c. */
static char *repeat(const char *prefix, const char *c, size_t n)
{
	size_t p = strlen(prefix), w = strlen(c);
	char *s = xmalloc(p + n * w + 1);
	memcpy(s, prefix, p);
	for (size_t i = 0; i < n; i++)
		memcpy(s + p + i * w, c, w);
	s[p + n * w] = '\0';
	return s;
}

/* Returns a text field of record i's data, failing when it is missing. */
static const char *field(const struct journal_records *r, size_t i, const char *key)
{
	const char *v = json_string_value(json_object_get(r->items[i].data, key));
	if (v == NULL)
		fail_msg("record %zu (%s) lost its field '%s'", i + 1, r->items[i].type, key);
	return v;
}

/*
 * Text that is not valid UTF-8 keeps its record whole, with every field:
 * output holding bytes of another encoding, a 4 KiB tail of output taken
 * inside a Hangul character, a 255-byte skip reason cut inside one, and
 * a value and a key made past jansson's check.
 */
static void test_journal_bad_utf8_kept(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_STEP_OUTPUT,
	          json_pack("{s:i, s:s, s:b, s:o}", "step", 1, "action", "promote", "ok", 1,
	                    "output", utf8_json_string("복구 \xb9\xe9\xbe\xf7 done\xff\n")));

	char *big = repeat("x", "가", 2000), tail[4097] = "", naive[4097];
	memcpy(naive, big + strlen(big) - 4096, 4097); /* starts on the 3rd byte of a 가 */
	assert_null(json_pack("{s:s}", "output", naive));
	utf8_append_tail(tail, sizeof tail, big);
	append_ok(j, JOURNAL_STEP_OUTPUT,
	          json_pack("{s:i, s:s, s:s, s:o}", "step", 1, "action", "promote", "output", tail,
	                    "raw", utf8_json_string(naive)));

	char *typed = repeat("a", "가", 85), reason[256];
	assert_int_equal(strlen(typed), 256);
	snprintf(reason, sizeof reason, "%s", typed); /* 255 bytes: the last 가 cut in two */
	append_ok(j, JOURNAL_STEP_FINISHED,
	          json_pack("{s:i, s:s, s:s, s:o}", "step", 2, "action", "fence", "result",
	                    "skipped", "reason", utf8_json_string(reason)));

	json_t *data = json_object();
	json_object_set_new(data, "result", json_string("failed"));
	json_object_set_new(data, "why", json_stringn_nocheck("bad \xed\x95", 6));
	json_object_set_new_nocheck(data, "key\xff", json_true());
	append_ok(j, JOURNAL_STEP_FINISHED, data);
	journal_close(j);

	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(
	    field(&r, 0, "output"),
	    "복구 " UTF8_REPLACEMENT UTF8_REPLACEMENT UTF8_REPLACEMENT UTF8_REPLACEMENT
	    " done" UTF8_REPLACEMENT "\n");
	assert_string_equal(field(&r, 0, "action"), "promote");
	assert_true(json_is_true(json_object_get(r.items[0].data, "ok")));
	char *whole = repeat("", "가", 1365);
	assert_string_equal(field(&r, 1, "output"), whole); /* 4095 bytes: whole characters */
	char *raw = repeat(UTF8_REPLACEMENT, "가", 1365);
	assert_string_equal(field(&r, 1, "raw"), raw);
	char *kept = repeat("a", "가", 84);
	char *want = xasprintf("%s" UTF8_REPLACEMENT UTF8_REPLACEMENT, kept);
	assert_string_equal(field(&r, 2, "result"), "skipped");
	assert_string_equal(field(&r, 2, "reason"), want);
	assert_int_equal(json_integer_value(json_object_get(r.items[2].data, "step")), 2);
	assert_string_equal(field(&r, 3, "result"), "failed");
	assert_string_equal(field(&r, 3, "why"), "bad " UTF8_REPLACEMENT UTF8_REPLACEMENT);
	assert_true(json_is_true(json_object_get(r.items[3].data, "key" UTF8_REPLACEMENT)));
	journal_records_free(&r);
	diag_free(&d);
	free(want);
	free(kept);
	free(raw);
	free(whole);
	free(typed);
	free(big);
	free(path);
}

/*
 * Controls in a record (a site's output holding escape sequences, C1 and
 * bidi controls) are in the file only as JSON escapes, so reading the journal
 * with cat acts on none; read back, the text is exactly what was appended.
 */
static void test_journal_controls_escaped(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	const char *hostile =
	    "\x1b]0;t\x07\x1b]52;c;eA==\x07\x1b[2J\x7f\xc2\x9b\xe2\x80\xae\xe2\x81\xa6";
	append_ok(j, JOURNAL_STEP_OUTPUT,
	          json_pack("{s:i, s:s, s:s}", "step", 1, "action", "promote", "output", hostile));
	journal_close(j);
	size_t len;
	char *text = slurp(path, &len);
	assert_null(memchr(text, '\x1b', len));
	assert_null(memchr(text, '\x07', len));
	assert_null(memchr(text, '\x7f', len));
	assert_null(strstr(text, "\xc2\x9b"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_null(strstr(text, "\xe2\x81\xa6"));
	assert_non_null(strstr(text, "\\u001B]0;t\\u0007"));
	assert_non_null(strstr(text, "\\u007f\\u009b\\u202e\\u2066"));
	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(field(&r, 0, "output"), hostile);
	journal_records_free(&r);
	diag_free(&d);
	free(text);
	free(path);
}

/* Secrets never reach the file: in values, under password keys, in keys, nested. */
static void test_journal_secrets(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_STEP_STARTED,
	          json_pack("{s:s, s:s, s:[s, {s:s}], s:s, s:s, s:i}", "command",
	                    "psql 'host=db1 password=hunter2'", "env", "PGPASSWORD=tiger2 psql",
	                    "args", "-h", "url", "postgres://drops:sesame2@db1/app", "password",
	                    "opensesame", "PGPASSWORD=lion2", "x", "step", 4));
	char *cause = NULL;
	assert_int_equal(journal_append(j, "Bad Type", json_object(), &cause), -1);
	assert_string_equal(cause, "'Bad Type' is not a record type (a-z, 0-9 and _)");
	free(cause);
	cause = NULL;
	assert_int_equal(journal_append(j, JOURNAL_NOTE, json_string("x"), &cause), -1);
	assert_string_equal(cause, "the data of a note record is not a JSON object");
	free(cause);
	journal_close(j);

	size_t len;
	char *text = slurp(path, &len);
	static const char *const secrets[] = {"hunter2", "tiger2", "sesame2", "opensesame",
	                                      "lion2"};
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if (strstr(text, secrets[i]) != NULL)
			fail_msg("'%s' reached the journal: %s", secrets[i], text);
	assert_non_null(strstr(
	    text, "\"data\":{\"command\":\"" JOURNAL_REDACTED "\",\"env\":\"" JOURNAL_REDACTED
	          "\",\"args\":[\"-h\",{\"url\":\"" JOURNAL_REDACTED
	          "\"}],\"password\":\"" JOURNAL_REDACTED "\",\"" JOURNAL_REDACTED
	          "\":\"" JOURNAL_REDACTED "\",\"step\":4}}\n"));
	expect_intact(path, 1);
	free(text);
	free(path);
}

/* Tells whether every character of s (len bytes) is U+AC00 (가). */
static int all_ga(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i += 3)
		if (len - i < 3 || memcmp(s + i, "가", 3) != 0)
			return 0;
	return 1;
}

/* Over 64 KiB: the longest text is cut whole characters at a time and data says so. */
static void test_journal_line_bound(void **state)
{
	char *path;
	struct journal *j = create_ok(*state, &path);
	size_t n = 30000; /* 90000 bytes of Korean */
	char *big = xmalloc(n * 3 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(big + 3 * i, "가", 3);
	big[n * 3] = '\0';
	append_ok(j, JOURNAL_STEP_OUTPUT,
	          json_pack("{s:i, s:s, s:s}", "step", 2, "text", big, "stream", "stdout"));
	append_ok(j, JOURNAL_STEP_OUTPUT, json_pack("{s:i, s:s}", "step", 2, "text", "짧은 출력"));
	char *huge_key = xcalloc(1, JOURNAL_LINE_MAX + 1);
	memset(huge_key, 'k', JOURNAL_LINE_MAX);
	char *cause = NULL;
	assert_int_equal(journal_append(j, JOURNAL_NOTE, json_pack("{s:s}", huge_key, ""), &cause),
	                 -1);
	assert_string_equal(cause, "a note record is over 65536 bytes even with its text cut");
	assert_int_equal(journal_seq(j), 2);
	journal_close(j);

	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	assert_int_equal(r.n, 2);
	json_t *text = json_object_get(r.items[0].data, "text");
	size_t kept = json_string_length(text);
	assert_true(all_ga(json_string_value(text), kept));
	assert_true(json_is_true(json_object_get(r.items[0].data, "truncated")));
	assert_string_equal(json_string_value(json_object_get(r.items[0].data, "stream")),
	                    "stdout");
	assert_null(json_object_get(r.items[1].data, "truncated"));
	size_t len;
	char *file = slurp(path, &len);
	size_t line1 = (size_t)(strchr(file, '\n') - file) + 1;
	assert_true(line1 <= JOURNAL_LINE_MAX);
	assert_true(line1 > JOURNAL_LINE_MAX - 3); /* cut by whole characters, no more */
	journal_records_free(&r);
	diag_free(&d);
	free(file);
	free(cause);
	free(huge_key);
	free(big);
	free(path);
}

/* A write cut short (the file size limit here, a full disk in life) leaves no partial line. */
static void test_journal_failed_write(void **state)
{
	char *path, *cause = NULL;
	struct journal *j = create_ok(*state, &path);
	append_ok(j, JOURNAL_RUN_STARTED, json_pack("{s:s}", "scenario", "복제 지연"));
	struct stat st;
	struct rlimit old, low;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)st.st_size + 100;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
	int rc = journal_append(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "x"), &cause);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	assert_int_equal(rc, -1);
	char *want = xasprintf("cannot write to %s: short write (disk full?)", path);
	assert_string_equal(cause, want);
	struct stat after;
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_size, st.st_size);
	assert_int_equal(journal_seq(j), 1);
	append_ok(j, JOURNAL_NOTE, json_pack("{s:s}", "text", "room again"));
	journal_close(j);
	expect_intact(path, 2);
	free(want);
	free(cause);
	free(path);
}

/* Fails unless path exists with exactly the permission bits mode. */
static void expect_mode(const char *path, mode_t mode)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
}

/* Runs started in one second get three run ids; folders 0700, files 0600, whatever the umask. */
static void test_journal_names_and_modes(void **state)
{
	char *dir = xasprintf("%s/deep/state", (char *)*state);
	mode_t old = umask(0);
	char *paths[3], *want = xasprintf("%s/runs/20261127T061500Z-", dir);
	for (int n = 0; n < 3; n++) {
		fake_now = T0;
		struct journal *j = create_ok(dir, &paths[n]);
		const char *name = paths[n] + strlen(want) - strlen("20261127T061500Z-");
		assert_int_equal(strncmp(paths[n], want, strlen(want)), 0);
		assert_true(runid_ok(name, strlen(name) - strlen(".jsonl")));
		for (int k = 0; k < n; k++)
			assert_string_not_equal(paths[n], paths[k]);
		expect_mode(paths[n], 0600);
		journal_close(j);
	}
	for (int n = 0; n < 3; n++)
		free(paths[n]);
	free(want);
	umask(old);
	char *runs = xasprintf("%s/runs", dir);
	expect_mode(runs, 0700);
	expect_mode(dir, 0700);
	free(runs);
	free(dir);
}

/* A state dir that is not a folder is refused, with the reason. */
static void test_journal_create_refused(void **state)
{
	char *file = write_run(*state, 3), *path = NULL, *cause = NULL;
	assert_null(journal_create(file, fake_clock, &path, &cause));
	assert_null(path);
	char *want = xasprintf("cannot create %s/runs: Not a directory", file);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(file);
}

/*
 * Lists runs newest first (-10 after -2, run ids by their stamp), skips other
 * files, and finds runs by path, name or id.
 */
static void test_journal_list_find(void **state)
{
	const char *dir = *state;
	static const char *const names[] = {"20261127T061500Z-2.jsonl",
	                                    "20261127T061500Z-10.jsonl",
	                                    "20261126T235959Z-1.jsonl",
	                                    "notes.txt",
	                                    "20261127T061500Z-0.jsonl",
	                                    "20261127T0615Z-1.jsonl",
	                                    "20261127T061501Z-jump1-4242-9f3c2a1b7d4e6f01.jsonl",
	                                    "20261127T061501Z-jump1-77-0000000000000001.jsonl",
	                                    "20261127T061501Z-jump1-4242-9f3c2a1b7d4e6f01.json"};
	char *runs_dir = xasprintf("%s/runs", dir), *path = NULL, *cause = NULL;
	struct journal_runs runs;
	assert_int_equal(journal_list(dir, &runs, &cause), 0);
	assert_int_equal(runs.n, 0);
	journal_runs_free(&runs);
	assert_int_equal(journal_last(dir, &path, &cause), -1);
	char *want = xasprintf("no runs in %s yet", runs_dir);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	assert_int_equal(mkdir(runs_dir, 0700), 0);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = xasprintf("%s/%s", runs_dir, names[i]);
		spill(p, "", 0);
		free(p);
	}
	assert_int_equal(journal_list(dir, &runs, &cause), 0);
	assert_int_equal(runs.n, 5);
	assert_string_equal(runs.names[0], names[7]);
	assert_string_equal(runs.names[1], names[6]);
	assert_string_equal(runs.names[2], names[1]);
	assert_string_equal(runs.names[3], names[0]);
	assert_string_equal(runs.names[4], names[2]);
	journal_runs_free(&runs);

	assert_int_equal(journal_last(dir, &path, &cause), 0);
	want = xasprintf("%s/%s", runs_dir, names[7]);
	assert_string_equal(path, want);
	free(path);
	free(want);
	assert_int_equal(unlink(path = xasprintf("%s/%s", runs_dir, names[7])), 0);
	free(path);
	assert_int_equal(unlink(path = xasprintf("%s/%s", runs_dir, names[6])), 0);
	free(path);
	assert_int_equal(journal_last(dir, &path, &cause), 0);
	want = xasprintf("%s/%s", runs_dir, names[1]);
	assert_string_equal(path, want);
	free(path);
	static const char *const ways[] = {"20261127T061500Z-10", "20261127T061500Z-10.jsonl"};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(journal_find(dir, ways[i], &path, &cause), 0);
		assert_string_equal(path, want);
		free(path);
	}
	assert_int_equal(journal_find(NULL, want, &path, &cause), 0);
	assert_string_equal(path, want);
	free(path);
	assert_int_equal(journal_find(dir, "20261127T061500Z-7", &path, &cause), -1);
	assert_null(path);
	char *msg = xasprintf("no run '20261127T061500Z-7' in %s/runs (give a path, a file name "
	                      "there, or an id such as 20261127T061500Z-1)",
	                      dir);
	assert_string_equal(cause, msg);
	free(cause);
	free(msg);
	free(want);
	free(runs_dir);
}

/* The time stamps: RFC 3339 with milliseconds, and the file-name form. */
static void test_journal_stamp(void **state)
{
	(void)state;
	char *full = journal_stamp(T0, 0), *compact = journal_stamp(T0, 1);
	char *before = journal_stamp(-1, 0);
	assert_string_equal(full, "2026-11-27T06:15:00.123Z");
	assert_string_equal(compact, "20261127T061500Z");
	assert_string_equal(before, "1969-12-31T23:59:59.999Z");
	free(full);
	free(compact);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_journal_round_trip, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_changed_byte, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_removed_line, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_swapped_lines, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_duplicated_line, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test(test_journal_not_records),
	    cmocka_unit_test_setup_teardown(test_journal_torn_tail, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_resume, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_null_data, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_bad_utf8_kept, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_controls_escaped, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_secrets, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_line_bound, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_failed_write, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_names_and_modes, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_create_refused, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_list_find, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test(test_journal_stamp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
