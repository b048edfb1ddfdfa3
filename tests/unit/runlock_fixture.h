/*
 * What the tests of the run locks share: a scratch folder per test (the
 * state dir for jump-host locks, the DR site's lock folder beside it), made
 * owners, and file reading.
 */
#ifndef DR_RUNLOCK_FIXTURE_H
#define DR_RUNLOCK_FIXTURE_H

#include <ftw.h>
#include <sys/stat.h>

#include "runlock.h"

/* One test's scratch folder: the state dir for jump-host locks, the site's folder beside it. */
struct scratch {
	char *dir;
	char *site;
	char *lock; /* the DR-site lock file */
	char *home; /* $HOME before the test, which may change it */
};

/* Makes the scratch folder. */
static inline int scratch_setup(void **state)
{
	struct scratch *s = xcalloc(1, sizeof *s);
	s->dir = xstrdup("/tmp/drconsole-runlock-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	s->site = xasprintf("%s/site", s->dir);
	s->lock = xasprintf("%s/drconsole-run.lock", s->site);
	s->home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	*state = s;
	return 0;
}

/* Removes one entry below the scratch folder. */
static inline int scratch_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Removes the scratch folder and gives $HOME back. */
static inline int scratch_teardown(void **state)
{
	struct scratch *s = *state;
	nftw(s->dir, scratch_remove, 8, FTW_DEPTH | FTW_PHYS);
	if (s->home != NULL)
		setenv("HOME", s->home, 1);
	else
		unsetenv("HOME");
	free(s->home);
	free(s->lock);
	free(s->site);
	free(s->dir);
	free(s);
	return 0;
}

/* Reads a stream to its end (free the text). */
static inline char *read_all(FILE *f)
{
	char *buf = xcalloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	return buf;
}

/* Returns a whole file (free it), or NULL when it cannot be read. */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = f ? read_all(f) : NULL;
	if (f)
		fclose(f);
	return text;
}

/* Fills an owner as console number n would (its own operator, pid and run). */
static inline void owner_of(struct runlock_owner *o, int n)
{
	char user[32], run[32];
	snprintf(user, sizeof user, "operator%d", n);
	snprintf(run, sizeof run, "20261127T061500Z-%d", n);
	struct runlock_env env = {user,         NULL,     "10.0.0.5 51000 10.0.0.1 22", "jump1",
	                          "/dev/pts/3", 4000 + n, 1795760100000LL + n};
	runlock_owner_fill(o, &env, run);
}

/* Fails unless two owners agree on every field. */
static inline void owner_equal(const struct runlock_owner *a, const struct runlock_owner *b)
{
	assert_string_equal(a->operator, b->operator);
	assert_string_equal(a->host, b->host);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->started_ms, b->started_ms);
	assert_string_equal(a->run, b->run);
	assert_string_equal(a->tty, b->tty);
	assert_string_equal(a->origin, b->origin);
	assert_int_equal(a->known, b->known);
}

#endif
