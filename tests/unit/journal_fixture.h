/*
 * What the unit tests of the journal share: a scratch state dir per test, a
 * fake wall clock that moves on 1.5 s a reading, reading and writing files
 * whole, and writing records that must succeed.
 */
#ifndef DR_JOURNAL_FIXTURE_H
#define DR_JOURNAL_FIXTURE_H

#include <dirent.h>

#include "journal.h"

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
	char *dir = xstrdup("/tmp/drconsole-journal-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	fake_now = T0;
	*state = dir;
	return 0;
}

/* Removes the folder at path and everything in it. */
static inline void scratch_remove(const char *path)
{
	DIR *dp = opendir(path);
	for (struct dirent *de; dp != NULL && (de = readdir(dp)) != NULL;) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *sub = xasprintf("%s/%s", path, de->d_name);
		if (unlink(sub) == -1)
			scratch_remove(sub);
		free(sub);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(path);
}

/* Removes the scratch state dir. */
static inline int scratch_teardown(void **state)
{
	scratch_remove(*state);
	free(*state);
	return 0;
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

#endif
