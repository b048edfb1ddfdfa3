/*
 * What the unit tests of the journal share: a scratch state dir per test, a
 * fake wall clock that moves on 1.5 s a reading, reading and writing files
 * whole, and writing records and runs that must succeed.
 */
#ifndef DR_JOURNAL_FIXTURE_H
#define DR_JOURNAL_FIXTURE_H

#include "journal.h"
#include "scratch_fixture.h"

#define T0    1795760100123LL /* 2026-11-27T06:15:00.123Z */
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static int64_t fake_now = T0;

/* The tests' wall clock: fake_now, moved on 1.5 s by every reading. */
static inline int64_t fake_clock(void)
{
	int64_t now = fake_now;
	fake_now += 1500;
	return now;
}

/* Makes a scratch state dir and resets the clock. */
static inline int scratch_setup(void **state)
{
	fake_now = T0;
	return scratch_make(state);
}

/* Returns the bytes of a file (NUL-terminated); *len gets their count. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = xmalloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

/* Writes text to path, replacing what was there. */
static inline void spill(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

/* Appends a record, failing the test when it cannot. */
static inline void append_ok(struct journal *j, const char *type, json_t *data)
{
	char *cause = NULL;
	if (journal_append(j, type, data, &cause) != 0)
		fail_msg("journal_append %s: %s", type, cause);
}

/* Starts a journal in dir, failing the test when it cannot; *path gets its path. */
static inline struct journal *create_ok(const char *dir, char **path)
{
	char *cause = NULL;
	struct journal *j = journal_create(dir, fake_clock, path, &cause);
	if (j == NULL)
		fail_msg("journal_create: %s", cause);
	return j;
}

/*
 * Writes a finished run of n records (n >= 3): run_started, notes,
 * run_finished and the seal that follows it; returns its path.
 */
static inline char *write_run(const char *dir, int n)
{
	char *path;
	struct journal *j = create_ok(dir, &path);
	append_ok(j, JOURNAL_RUN_STARTED,
	          json_pack("{s:s, s:s}", "scenario", "데이터베이스 장애", "mode", "incident"));
	for (int i = 2; i < n - 1; i++)
		append_ok(j, JOURNAL_NOTE, json_pack("{s:i, s:s}", "n", i, "text", "단계 완료"));
	append_ok(j, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
	assert_int_equal(journal_seq(j), n);
	journal_close(j);
	return path;
}

/* Reads path into r, failing unless there is no error and there are that many warnings. */
static inline void read_ok(const char *path, struct journal_records *r, struct diag *d,
                           size_t warnings)
{
	diag_init(d);
	if (journal_read(path, r, d) != 0 || d->errors != 0 || d->warnings != warnings) {
		diag_print(d, stderr);
		fail_msg("%s: expected no error and %zu warnings", path, warnings);
	}
}

/* Reads path and fails unless it has n records, a clean chain and no warning. */
static inline void expect_intact(const char *path, size_t n)
{
	struct journal_records r;
	struct diag d;
	read_ok(path, &r, &d, 0);
	assert_int_equal(r.n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(r.items[i].seq, (int64_t)i + 1);
	journal_records_free(&r);
	diag_free(&d);
}

#endif
