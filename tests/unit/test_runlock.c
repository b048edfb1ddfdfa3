/*
 * Tests of core/runlock.c. The jump-host lock: a second acquisition (another
 * open file description, so it works in one process) is refused with the
 * holder exactly, a release or the death of the holder frees the lock, and
 * target names become safe file names; a run is live exactly while a
 * process holds the lock naming it. The owner's JSON round trip. The
 * DR-site commands run with /bin/sh against a scratch folder, the same shell
 * a site runs them with: taken, held, released, not ours, absent, takeover
 * by compare-and-swap, hostile owners stored literally, and parallel shells
 * racing for the lock round after round with exactly one winner each time.
 * Garbled output never parses as "taken".
 */
#include "config.h"

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "runlock.h"

/* Rounds of the races between two shells. */
#define RACE_ROUNDS 200

/* One test's scratch folder: the state dir for jump-host locks, the site's folder beside it. */
struct scratch {
	char *dir;
	char *site;
	char *lock; /* the DR-site lock file */
};

/* Makes the scratch folder. */
static int scratch_setup(void **state)
{
	struct scratch *s = xcalloc(1, sizeof *s);
	s->dir = xstrdup("/tmp/drconsole-runlock-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	s->site = xasprintf("%s/site", s->dir);
	s->lock = xasprintf("%s/drconsole-run.lock", s->site);
	*state = s;
	return 0;
}

/* Removes one entry below the scratch folder. */
static int scratch_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Removes the scratch folder. */
static int scratch_teardown(void **state)
{
	struct scratch *s = *state;
	nftw(s->dir, scratch_remove, 8, FTW_DEPTH | FTW_PHYS);
	free(s->lock);
	free(s->site);
	free(s->dir);
	free(s);
	return 0;
}

/* Reads a stream to its end (free the text). */
static char *read_all(FILE *f)
{
	char *buf = xcalloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	return buf;
}

/* Returns a whole file (free it), or NULL when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = f ? read_all(f) : NULL;
	if (f)
		fclose(f);
	return text;
}

/* Fills an owner as console number n would (its own operator, pid and run). */
static void owner_of(struct runlock_owner *o, int n)
{
	char user[32], run[32];
	snprintf(user, sizeof user, "operator%d", n);
	snprintf(run, sizeof run, "20261127T061500Z-%d", n);
	struct runlock_env env = {user,         NULL,     "10.0.0.5 51000 10.0.0.1 22", "jump1",
	                          "/dev/pts/3", 4000 + n, 1795760100000LL + n};
	runlock_owner_fill(o, &env, run);
}

/* Fails unless two owners agree on every field. */
static void owner_equal(const struct runlock_owner *a, const struct runlock_owner *b)
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

/* The lock file is made 0600 in a 0700 folder and holds the owner as one JSON line. */
static void test_acquire_writes_owner(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner me, holder;
	struct runlock l;
	char *cause = NULL;
	owner_of(&me, 1);
	assert_int_equal(runlock_acquire(s->dir, "datacenter-2", &me, &l, &holder, &cause), 0);
	assert_false(holder.known);
	char *path = xasprintf("%s/locks/datacenter-2.lock", s->dir);
	assert_string_equal(l.path, path);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *dir = xasprintf("%s/locks", s->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *text = slurp(path), *json = runlock_owner_json(&me);
	char *want = xasprintf("%s\n", json);
	assert_string_equal(text, want);
	assert_true(fcntl(l.fd, F_GETFD) & FD_CLOEXEC);
	runlock_release(&l);
	assert_int_equal(l.fd, -1);
	free(want);
	free(json);
	free(text);
	free(dir);
	free(path);
}

/* A second open file description is refused with the holder; after release it gets the lock. */
static void test_second_refused(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner a, b, holder;
	struct runlock la, lb;
	char *cause = NULL;
	owner_of(&a, 1);
	owner_of(&b, 2);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &a, &la, &holder, &cause), 0);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &b, &lb, &holder, &cause), RUNLOCK_HELD);
	assert_int_equal(lb.fd, -1);
	owner_equal(&holder, &a);
	assert_false(holder.previous);
	char *words = runlock_owner_describe(&holder);
	assert_string_equal(words, "operator operator1 on host jump1 (from 10.0.0.5), pid 4001, "
	                           "since 2026-11-27 06:15 UTC, run 20261127T061500Z-1");
	free(words);
	runlock_release(&la);
	char *path = xasprintf("%s/locks/dc2.lock", s->dir), *text = slurp(path);
	assert_string_equal(text, "");
	assert_int_equal(runlock_acquire(s->dir, "dc2", &b, &lb, &holder, &cause), 0);
	assert_false(holder.known); /* a clean release leaves no previous holder */
	runlock_release(&lb);
	runlock_release(&lb); /* twice is harmless */
	free(text);
	free(path);
}

/* Another target is another lock. */
static void test_targets_independent(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner a, holder;
	struct runlock l1, l2;
	char *cause = NULL;
	owner_of(&a, 1);
	assert_int_equal(runlock_acquire(s->dir, "dc1", &a, &l1, &holder, &cause), 0);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &a, &l2, &holder, &cause), 0);
	runlock_release(&l1);
	runlock_release(&l2);
}

/*
 * A child takes the lock and dies without releasing (how = 0: _exit, else
 * killed by that signal): meanwhile the lock is refused naming the child,
 * afterwards it is taken and the child is reported as the previous holder.
 */
static void holder_dies(const char *dir, int how)
{
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct runlock_owner me, holder;
		struct runlock l;
		char *cause = NULL;
		runlock_owner_me(&me, "child-run");
		int rc = runlock_acquire(dir, "dc2", &me, &l, &holder, &cause);
		if (write(gate[1], rc == 0 ? "y" : "n", 1) != 1 || how == 0)
			_exit(0);
		pause();
		_exit(1);
	}
	close(gate[1]);
	char c = 0;
	assert_int_equal(read(gate[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	close(gate[0]);
	struct runlock_owner me, holder;
	struct runlock l;
	char *cause = NULL;
	runlock_owner_me(&me, "parent-run");
	if (how != 0) {
		assert_int_equal(runlock_acquire(dir, "dc2", &me, &l, &holder, &cause),
		                 RUNLOCK_HELD);
		assert_int_equal(holder.pid, pid);
		assert_string_equal(holder.run, "child-run");
		kill(pid, how);
	}
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(runlock_acquire(dir, "dc2", &me, &l, &holder, &cause), 0);
	assert_true(holder.known);
	assert_true(holder.previous);
	assert_int_equal(holder.pid, pid);
	assert_string_equal(holder.run, "child-run");
	runlock_release(&l);
}

/* The kernel frees the lock of a holder killed with SIGKILL, or that exits without releasing. */
static void test_holder_dies(void **state)
{
	struct scratch *s = *state;
	holder_dies(s->dir, SIGKILL);
	holder_dies(s->dir, 0);
}

/* A lock folder that cannot be made is an error with the path. */
static void test_acquire_bad_state_dir(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner a, holder;
	struct runlock l;
	char *cause = NULL, *file = xasprintf("%s/file", s->dir);
	FILE *f = fopen(file, "w");
	fclose(f);
	owner_of(&a, 1);
	assert_int_equal(runlock_acquire(file, "dc2", &a, &l, &holder, &cause), -1);
	assert_non_null(strstr(cause, file));
	assert_int_equal(l.fd, -1);
	free(cause);
	free(file);
}

/* Fails unless target becomes the file name want. */
static void name_is(const char *target, const char *want)
{
	char *got = runlock_name(target);
	if (strcmp(got, want) != 0)
		fail_msg("runlock_name(\"%s\") is [%s], expected [%s]", target, got, want);
	free(got);
}

/* Korean is kept; '/', control characters, bad bytes and leading dots are replaced. */
static void test_names(void **state)
{
	struct scratch *s = *state;
	name_is("데이터센터-2", "데이터센터-2");
	name_is("datacenter 2", "datacenter 2");
	name_is("../x", "___x");
	name_is("..", "__");
	name_is(".hidden.site", "_hidden.site");
	name_is("a/b", "a_b");
	name_is("a\nb\tc\x7f", "a_b_c_");
	name_is("\xff\xfe", "__");
	name_is("", "_");
	name_is(NULL, "_");
	char *longname = xstrdup("");
	for (int i = 0; i < 100; i++) {
		char *next = xasprintf("%s가", longname);
		free(longname);
		longname = next;
	}
	char *cut = runlock_name(longname);
	assert_int_equal(strlen(cut), 198); /* 66 whole characters of 3 bytes */
	assert_int_equal(strncmp(cut, longname, 198), 0);
	free(cut);
	free(longname);
	struct runlock_owner a, holder;
	struct runlock l;
	char *cause = NULL;
	owner_of(&a, 1);
	assert_int_equal(runlock_acquire(s->dir, "../x", &a, &l, &holder, &cause), 0);
	char *want = xasprintf("%s/locks/___x.lock", s->dir);
	assert_string_equal(l.path, want);
	runlock_release(&l);
	free(want);
}

/* The owner comes from $USER (else the account), the host, the terminal and $SSH_CONNECTION. */
static void test_owner_fill(void **state)
{
	(void)state;
	struct runlock_owner o;
	struct runlock_env env = {
	    "김철수", "drops", "2001:db8::7 50022 2001:db8::1 22", "jump1", NULL, 4242, 0};
	runlock_owner_fill(&o, &env, "20261127T061500Z-1");
	assert_string_equal(o.operator, "김철수");
	assert_string_equal(o.origin, "2001:db8::7");
	assert_string_equal(o.tty, "-");
	assert_int_equal(o.pid, 4242);
	assert_true(o.known);
	env = (struct runlock_env){"", "drops", "", NULL, "/dev/pts/1", 1, 0};
	runlock_owner_fill(&o, &env, NULL);
	assert_string_equal(o.operator, "drops");
	assert_string_equal(o.origin, "local");
	assert_string_equal(o.host, "unknown");
	assert_string_equal(o.tty, "/dev/pts/1");
	assert_string_equal(o.run, "");
	env = (struct runlock_env){NULL, NULL, NULL, "h", NULL, 1, 0};
	runlock_owner_fill(&o, &env, "r");
	assert_string_equal(o.operator, "unknown");
}

/* runlock_owner_me describes this process. */
static void test_owner_me(void **state)
{
	(void)state;
	char host[256] = "";
	struct runlock_owner o;
	time_t before = time(NULL);
	runlock_owner_me(&o, "run-1");
	assert_int_equal(gethostname(host, sizeof host - 1), 0);
	assert_string_equal(o.host, host);
	assert_int_equal(o.pid, getpid());
	assert_string_equal(o.run, "run-1");
	assert_true(o.started_ms / 1000 >= before && o.started_ms / 1000 <= time(NULL));
	assert_true(o.operator[0] != '\0' && o.tty[0] != '\0' && o.origin[0] != '\0');
}

/* JSON out and back gives the same owner; control characters never reach the JSON. */
static void test_owner_roundtrip(void **state)
{
	(void)state;
	struct runlock_owner a, b;
	char *cause = NULL;
	owner_of(&a, 7);
	snprintf(a.operator, sizeof a.operator, "김 \"kim\" o'neil\\");
	char *json = runlock_owner_json(&a);
	assert_string_equal(json, "{\"operator\":\"김 \\\"kim\\\" o'neil\\\\\",\"host\":\"jump1\","
	                          "\"pid\":4007,\"started\":\"2026-11-27T06:15:00.007Z\","
	                          "\"run\":\"20261127T061500Z-7\",\"tty\":\"/dev/pts/3\","
	                          "\"origin\":\"10.0.0.5\"}");
	assert_int_equal(runlock_owner_parse(json, &b, &cause), 0);
	owner_equal(&a, &b);
	free(json);
	snprintf(a.operator, sizeof a.operator, "line\none");
	json = runlock_owner_json(&a);
	assert_null(strchr(json, '\n'));
	assert_int_equal(runlock_owner_parse(json, &b, &cause), 0);
	assert_string_equal(b.operator, "line_one");
	free(json);
	const char *no_frac = "{\"operator\":\"k\",\"host\":\"h\",\"pid\":1,\"started\":"
	                      "\"2026-11-27T06:15:00Z\",\"run\":\"r\"}";
	assert_int_equal(runlock_owner_parse(no_frac, &b, &cause), 0);
	assert_int_equal(b.started_ms, 1795760100000LL);
	assert_string_equal(b.tty, "-");
	assert_string_equal(b.origin, "local");
}

/* Fails unless text is refused as an owner with a cause holding want. */
static void owner_refused(const char *text, const char *want)
{
	struct runlock_owner o;
	char *cause = NULL;
	assert_int_equal(runlock_owner_parse(text, &o, &cause), -1);
	assert_false(o.known);
	if (strstr(cause, want) == NULL)
		fail_msg("owner [%s]: cause [%s] lacks [%s]", text, cause, want);
	free(cause);
}

/* Owners that are not JSON objects, or miss a member, are refused by name. */
static void test_owner_refused(void **state)
{
	(void)state;
	owner_refused("", "not a JSON object");
	owner_refused("[1]", "not a JSON object");
	owner_refused("{\"operator\":\"k\"} trailing", "not a JSON object");
	owner_refused("{\"operator\":\"k\",\"operator\":\"j\"}", "not a JSON object");
	owner_refused("{\"host\":\"h\"}", "\"operator\"");
	owner_refused("{\"operator\":\"k\",\"host\":\"h\",\"pid\":0}", "\"pid\"");
	owner_refused("{\"operator\":\"k\",\"host\":\"h\",\"pid\":\"1\"}", "\"pid\"");
	const char *bad_times[] = {"2026-11-27 06:15:00Z",      "2026-11-27T06:15:00",
	                           "2026-13-27T06:15:00Z",      "2026-11-27T06:15:00.Z",
	                           "2026-11-27T06:15:00+09:00", "x"};
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		char *text =
		    xasprintf("{\"operator\":\"k\",\"host\":\"h\",\"pid\":1,\"started\":\"%s\","
		              "\"run\":\"r\"}",
		              bad_times[i]);
		owner_refused(text, "\"started\"");
		free(text);
	}
}

/* Answers pid_alive for the staleness tests: only pid 100 runs. */
static int only_100_alive(int pid)
{
	return pid == 100;
}

/* Same host: stale when the pid is gone; another host or no owner: unknown. */
static void test_is_stale(void **state)
{
	(void)state;
	struct runlock_owner h;
	owner_of(&h, 1);
	h.pid = 100;
	assert_int_equal(runlock_is_stale(&h, "jump1", only_100_alive), RUNLOCK_LIVE);
	h.pid = 101;
	assert_int_equal(runlock_is_stale(&h, "jump1", only_100_alive), RUNLOCK_STALE);
	assert_int_equal(runlock_is_stale(&h, "jump2", only_100_alive), RUNLOCK_UNKNOWN);
	assert_int_equal(runlock_is_stale(&h, NULL, only_100_alive), RUNLOCK_UNKNOWN);
	h.known = 0;
	assert_int_equal(runlock_is_stale(&h, "jump1", only_100_alive), RUNLOCK_UNKNOWN);
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_true(runlock_pid_alive(getpid()));
	assert_false(runlock_pid_alive(child));
	assert_false(runlock_pid_alive(0));
	owner_of(&h, 1);
	h.pid = child;
	assert_int_equal(runlock_is_stale(&h, "jump1", NULL), RUNLOCK_STALE);
}

/* Runs a command with /bin/sh and returns its output (free it). */
static char *sh_run(const char *script)
{
	FILE *p = popen(script, "r");
	assert_non_null(p);
	char *out = read_all(p);
	assert_int_equal(pclose(p), 0);
	return out;
}

/* Runs a lock command and parses its answer; returns the parse's result (-1 sets *cause). */
static int site_run(char *script, struct runlock_site_result *r, char **cause)
{
	char *out = sh_run(script);
	int rc = runlock_site_parse(out, strlen(out), r, cause);
	free(out);
	free(script);
	return rc;
}

/* Runs a lock command that must answer with state; returns the owner it named (free it). */
static char *site_expect(char *script, enum runlock_site_state state)
{
	struct runlock_site_result r;
	char *cause = NULL;
	if (site_run(script, &r, &cause) != 0)
		fail_msg("lock command failed: %s", cause);
	assert_int_equal(r.state, state);
	return r.owner_json;
}

/* Takes the site lock for owner n; returns that owner's JSON (free it). */
static char *site_take(const char *site, int n)
{
	struct runlock_owner o;
	owner_of(&o, n);
	char *json = runlock_owner_json(&o);
	assert_null(site_expect(runlock_site_acquire_script(site, json), RUNLOCK_SITE_TAKEN));
	return json;
}

/* Fails unless the site lock file holds exactly json and a newline. */
static void site_holds(const struct scratch *s, const char *json)
{
	char *text = slurp(s->lock), *want = xasprintf("%s\n", json);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(want);
	free(text);
}

/* Taken (the folder made), then held by the owner exactly, for a second console. */
static void test_site_taken_held(void **state)
{
	struct scratch *s = *state;
	char *a = site_take(s->site, 1);
	site_holds(s, a);
	struct runlock_owner b;
	owner_of(&b, 2);
	char *bjson = runlock_owner_json(&b);
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(site_run(runlock_site_acquire_script(s->site, bjson), &r, &cause), 0);
	assert_int_equal(r.state, RUNLOCK_SITE_HELD);
	assert_string_equal(r.owner_json, a);
	struct runlock_owner want;
	owner_of(&want, 1);
	owner_equal(&r.owner, &want);
	runlock_site_result_free(&r);
	site_holds(s, a);
	struct stat st;
	assert_int_equal(stat(s->lock, &st), 0);
	assert_int_equal(st.st_nlink, 1); /* the private file is gone */
	free(bjson);
	free(a);
}

/* Released only by its own run; otherwise "not ours" with the owner; then absent. */
static void test_site_release(void **state)
{
	struct scratch *s = *state;
	char *a = site_take(s->site, 1);
	char *owner = site_expect(runlock_site_release_script(s->site, "20261127T061500Z-2"),
	                          RUNLOCK_SITE_NOT_OURS);
	assert_string_equal(owner, a);
	free(owner);
	/* A run id that is a prefix of the owner's is not the owner's. */
	free(site_expect(runlock_site_release_script(s->site, "20261127T061500Z-"),
	                 RUNLOCK_SITE_NOT_OURS));
	site_holds(s, a);
	assert_null(site_expect(runlock_site_release_script(s->site, "20261127T061500Z-1"),
	                        RUNLOCK_SITE_RELEASED));
	assert_int_equal(access(s->lock, F_OK), -1);
	assert_null(site_expect(runlock_site_release_script(s->site, "20261127T061500Z-1"),
	                        RUNLOCK_SITE_ABSENT));
	char *missing = xasprintf("%s/nowhere", s->dir);
	assert_null(site_expect(runlock_site_release_script(missing, "r"), RUNLOCK_SITE_ABSENT));
	assert_int_equal(access(missing, F_OK), -1);
	free(missing);
	free(a);
}

/* A takeover replaces exactly the expected owner, refuses any other, and takes an absent lock. */
static void test_site_takeover(void **state)
{
	struct scratch *s = *state;
	char *a = site_take(s->site, 1);
	struct runlock_owner o;
	owner_of(&o, 2);
	char *b = runlock_owner_json(&o);
	owner_of(&o, 3);
	char *c = runlock_owner_json(&o);
	assert_null(site_expect(runlock_site_takeover_script(s->site, a, b), RUNLOCK_SITE_TAKEN));
	site_holds(s, b);
	char *held = site_expect(runlock_site_takeover_script(s->site, a, c), RUNLOCK_SITE_HELD);
	assert_string_equal(held, b);
	site_holds(s, b);
	free(held);
	assert_null(site_expect(runlock_site_release_script(s->site, "20261127T061500Z-2"),
	                        RUNLOCK_SITE_RELEASED));
	assert_null(site_expect(runlock_site_takeover_script(s->site, a, c), RUNLOCK_SITE_TAKEN));
	site_holds(s, c);
	free(a);
	free(b);
	free(c);
}

/* A lock file without a readable owner is held by an unknown owner, and can be taken over. */
static void test_site_empty_owner(void **state)
{
	struct scratch *s = *state;
	assert_int_equal(mkdir(s->site, 0700), 0);
	FILE *f = fopen(s->lock, "w");
	fclose(f);
	struct runlock_site_result r;
	char *cause = NULL, *a = NULL;
	struct runlock_owner o;
	owner_of(&o, 1);
	a = runlock_owner_json(&o);
	assert_int_equal(site_run(runlock_site_acquire_script(s->site, a), &r, &cause), 0);
	assert_int_equal(r.state, RUNLOCK_SITE_HELD);
	assert_string_equal(r.owner_json, "");
	assert_false(r.owner.known);
	runlock_site_result_free(&r);
	assert_null(site_expect(runlock_site_takeover_script(s->site, "", a), RUNLOCK_SITE_TAKEN));
	site_holds(s, a);
	free(a);
}

/* Fails unless the path does not exist (an injected command would have made it). */
static void not_created(const char *path)
{
	if (access(path, F_OK) == 0)
		fail_msg("%s exists: a value was executed", path);
}

/* Quotes, $(...), backticks and newlines in an owner are stored literally; nothing runs. */
static void test_site_hostile_owner(void **state)
{
	struct scratch *s = *state;
	char *marker = xasprintf("%s/pwned", s->dir);
	struct runlock_owner o;
	owner_of(&o, 1);
	snprintf(o.operator, sizeof o.operator, "'\"$(touch %s)`touch %s`\n;x", marker, marker);
	char *json = runlock_owner_json(&o);
	assert_non_null(strstr(json, "$(touch"));
	assert_null(site_expect(runlock_site_acquire_script(s->site, json), RUNLOCK_SITE_TAKEN));
	site_holds(s, json);
	char *held = site_expect(runlock_site_acquire_script(s->site, json), RUNLOCK_SITE_HELD);
	assert_string_equal(held, json);
	free(held);
	/* Written by hand: a JSON escape of a newline and a quote, and a backslash, for the shell.
	 */
	char *raw =
	    xasprintf("{\"operator\":\"'$(touch %s)`touch %s`\\n\\\"\\\\\"}", marker, marker);
	assert_null(
	    site_expect(runlock_site_takeover_script(s->site, json, raw), RUNLOCK_SITE_TAKEN));
	site_holds(s, raw);
	free(
	    site_expect(runlock_site_release_script(s->site, "$(touch x)"), RUNLOCK_SITE_NOT_OURS));
	not_created(marker);
	free(raw);
	free(json);
	free(marker);
}

/* Fails unless the command answers "lock error" with a message holding want. */
static void site_error(char *script, const char *want)
{
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(site_run(script, &r, &cause), -1);
	assert_int_equal(r.state, RUNLOCK_SITE_NONE);
	if (strstr(cause, want) == NULL)
		fail_msg("cause [%s] lacks [%s]", cause, want);
	free(cause);
}

/* Unusable arguments, a folder in the lock's place and a stuck critical section are errors. */
static void test_site_errors(void **state)
{
	struct scratch *s = *state;
	char *marker = xasprintf("%s/pwned", s->dir);
	char *raw = xasprintf("{\"a\":1}\n$(touch %s)", marker);
	site_error(runlock_site_acquire_script(s->site, raw), "one line of JSON");
	site_error(runlock_site_acquire_script(s->site, ""), "one line of JSON");
	site_error(runlock_site_acquire_script("relative/dir", "{}"), "absolute path");
	site_error(runlock_site_acquire_script("/tmp/a\nb", "{}"), "absolute path");
	site_error(runlock_site_release_script(s->site, "a\nb"), "run id");
	site_error(runlock_site_takeover_script(s->site, "{}\n", "{}"), "one line");
	not_created(marker);
	assert_int_equal(access(s->site, F_OK), -1);
	assert_int_equal(mkdir(s->site, 0700), 0);
	assert_int_equal(mkdir(s->lock, 0700), 0);
	site_error(runlock_site_acquire_script(s->site, "{}"), "is a folder");
	assert_int_equal(rmdir(s->lock), 0);
	free(site_take(s->site, 1));
	char *busy = xasprintf("%s.busy", s->lock);
	assert_int_equal(mkdir(busy, 0700), 0);
	site_error(runlock_site_takeover_script(s->site, "x", "{}"), "busy is in the way");
	assert_int_equal(rmdir(busy), 0);
	free(busy);
	free(raw);
	free(marker);
}

/* Fails unless out is refused by the parser, leaving no answer. */
static void garbage(const char *out, size_t len, const char *want)
{
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(runlock_site_parse(out, len, &r, &cause), -1);
	assert_int_equal(r.state, RUNLOCK_SITE_NONE);
	assert_null(r.owner_json);
	if (strstr(cause, want) == NULL)
		fail_msg("output [%.*s]: cause [%s] lacks [%s]", (int)len, out ? out : "", cause,
		         want);
	free(cause);
}

/* Parses a string that must give state, returning the owner text (free it). */
static char *answer(const char *out, enum runlock_site_state state)
{
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(runlock_site_parse(out, strlen(out), &r, &cause), 0);
	assert_int_equal(r.state, state);
	return r.owner_json;
}

/* Anything but one known answer after the header is an error, never "taken". */
static void test_parse(void **state)
{
	(void)state;
	garbage(NULL, 0, "not text");
	garbage("", 0, "no 'drlock 1' header");
	garbage("lock taken\n", 11, "no 'drlock 1' header");
	garbage("drlock 1\n", 9, "not one answer line");
	garbage("drlock 1\nlock taken", 19, "not one answer line");
	garbage("drlock 1\nlock taken\nlock taken\n", 31, "not one answer line");
	garbage("drlock 1\n\n", 10, "not one answer line");
	garbage("drlock 1\nlock taken\0\n", 21, "not text");
	garbage("drlock 1\nlock taken now\n", 24, "unknown answer: lock taken now");
	garbage("drlock 1\nlock takenx\n", 21, "unknown answer");
	garbage("drlock 1\nlock held\n", 19, "unknown answer");
	garbage("drlock 1\nLOCK TAKEN\n", 20, "unknown answer");
	garbage("drlock 1\nsh: 1: Syntax error\n", 29, "unknown answer");
	garbage("drlock 1\nlock error no space\n", 29, "the DR site's lock: no space");
	garbage("drlock 1x\nlock taken\n", 21, "no 'drlock 1' header");
	assert_null(answer("Welcome!\nlock taken\ndrlock 1\nlock taken\n", RUNLOCK_SITE_TAKEN));
	assert_null(answer("drlock 1\nlock absent\n", RUNLOCK_SITE_ABSENT));
	assert_null(answer("drlock 1\nlock released\n", RUNLOCK_SITE_RELEASED));
	char *owner = answer("drlock 1\nlock held  {x} \n", RUNLOCK_SITE_HELD);
	assert_string_equal(owner, " {x} ");
	free(owner);
	owner = answer("drlock 1\nlock not ours {}\n", RUNLOCK_SITE_NOT_OURS);
	assert_string_equal(owner, "{}");
	free(owner);
}

/* A child shell running a lock command, and what it printed. */
struct racer {
	FILE *out;
	char *text;
};

/*
 * Starts script as a racer held at the gate: it closes its copy of the
 * gate's write end, then reads the gate until end of file, which comes only
 * once every racer and the parent have closed theirs, so all start together.
 */
static void racer_start(struct racer *r, const int gate[2], const char *script)
{
	char *cmd = xasprintf("exec %d>&-; read -r x <&%d; exec %d<&-; %s", gate[1], gate[0],
	                      gate[0], script);
	r->out = popen(cmd, "r");
	assert_non_null(r->out);
	free(cmd);
}

/* Collects a racer's answer. */
static void racer_finish(struct racer *r)
{
	r->text = read_all(r->out);
	assert_int_equal(pclose(r->out), 0);
}

/*
 * Runs two commands at once; returns how many got the lock. The loser must
 * name the winner, whose owner (owners[winner]) the lock then holds.
 */
static int race_once(const struct scratch *s, char *const scripts[2], char *const owners[2])
{
	struct racer r[2];
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	for (int i = 0; i < 2; i++)
		racer_start(&r[i], gate, scripts[i]);
	close(gate[1]);
	close(gate[0]);
	int wins = 0, winner = -1;
	struct runlock_site_result res[2];
	for (int i = 0; i < 2; i++) {
		char *cause = NULL;
		racer_finish(&r[i]);
		if (runlock_site_parse(r[i].text, strlen(r[i].text), &res[i], &cause) != 0)
			fail_msg("racer %d: %s", i, cause);
		if (res[i].state == RUNLOCK_SITE_TAKEN) {
			wins++;
			winner = i;
		}
		free(r[i].text);
	}
	if (wins == 1) {
		assert_int_equal(res[1 - winner].state, RUNLOCK_SITE_HELD);
		assert_string_equal(res[1 - winner].owner_json, owners[winner]);
		site_holds(s, owners[winner]);
	}
	runlock_site_result_free(&res[0]);
	runlock_site_result_free(&res[1]);
	return wins;
}

/* Makes the two racers' owners (consoles 1 and 2). */
static void racers_owners(char *owners[2])
{
	for (int i = 0; i < 2; i++) {
		struct runlock_owner o;
		owner_of(&o, i + 1);
		owners[i] = runlock_owner_json(&o);
	}
}

/* Two shells acquiring at once: exactly one wins, every round. */
static void test_site_race_acquire(void **state)
{
	struct scratch *s = *state;
	char *owners[2], *scripts[2];
	racers_owners(owners);
	for (int i = 0; i < 2; i++)
		scripts[i] = runlock_site_acquire_script(s->site, owners[i]);
	int double_wins = 0, no_wins = 0;
	for (int round = 0; round < RACE_ROUNDS; round++) {
		unlink(s->lock);
		int wins = race_once(s, scripts, owners);
		double_wins += wins > 1;
		no_wins += wins == 0;
	}
	print_message("acquire race: %d rounds, %d double wins, %d without a winner\n", RACE_ROUNDS,
	              double_wins, no_wins);
	assert_int_equal(double_wins, 0);
	assert_int_equal(no_wins, 0);
	for (int i = 0; i < 2; i++) {
		free(scripts[i]);
		free(owners[i]);
	}
}

/* Two shells taking over the same stale owner at once: exactly one wins, every round. */
static void test_site_race_takeover(void **state)
{
	struct scratch *s = *state;
	char *owners[2], *scripts[2];
	racers_owners(owners);
	struct runlock_owner o;
	owner_of(&o, 9);
	char *stale = runlock_owner_json(&o);
	for (int i = 0; i < 2; i++)
		scripts[i] = runlock_site_takeover_script(s->site, stale, owners[i]);
	assert_int_equal(mkdir(s->site, 0700), 0);
	int double_wins = 0, no_wins = 0;
	for (int round = 0; round < RACE_ROUNDS; round++) {
		FILE *f = fopen(s->lock, "w");
		assert_non_null(f);
		fprintf(f, "%s\n", stale);
		fclose(f);
		int wins = race_once(s, scripts, owners);
		double_wins += wins > 1;
		no_wins += wins == 0;
	}
	print_message("takeover race: %d rounds, %d double wins, %d without a winner\n",
	              RACE_ROUNDS, double_wins, no_wins);
	assert_int_equal(double_wins, 0);
	assert_int_equal(no_wins, 0);
	for (int i = 0; i < 2; i++) {
		free(scripts[i]);
		free(owners[i]);
	}
	free(stale);
}

/* Forks a child that takes the lock for run and waits; returns its pid once it holds it. */
static pid_t run_holder(const char *dir, const char *run)
{
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct runlock_owner me, holder;
		struct runlock l;
		char *cause = NULL;
		runlock_owner_me(&me, run);
		int rc = runlock_acquire(dir, "dc2", &me, &l, &holder, &cause);
		if (write(gate[1], rc == 0 ? "y" : "n", 1) != 1 || rc != 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(gate[1]);
	char c = 0;
	assert_int_equal(read(gate[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	close(gate[0]);
	return pid;
}

/*
 * A run is live while a process holds the jump-host lock naming it: here or
 * in a child; not once released, not after its holder died (its owner left
 * behind), not when the owner names a live pid that holds no lock, and never
 * for another run.
 */
static void test_run_live(void **state)
{
	struct scratch *s = *state;
	const char *run = "20261127T061500Z-1";
	assert_int_equal(runlock_run_live(s->dir, run), 0); /* no locks folder */
	struct runlock_owner me, holder;
	struct runlock l;
	char *cause = NULL;
	runlock_owner_me(&me, run);
	assert_int_equal(runlock_acquire(s->dir, "dc2", &me, &l, &holder, &cause), 0);
	assert_int_equal(runlock_run_live(s->dir, run), 1);
	assert_int_equal(runlock_run_live(s->dir, "20261127T061500Z-2"), 0);
	assert_int_equal(runlock_run_live(s->dir, "20261127T061500Z"), 0);
	runlock_release(&l);
	assert_int_equal(runlock_run_live(s->dir, run), 0);

	pid_t pid = run_holder(s->dir, run);
	assert_int_equal(runlock_run_live(s->dir, run), 1);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	char *path = xasprintf("%s/locks/dc2.lock", s->dir), *left = slurp(path);
	assert_non_null(strstr(left, run)); /* the dead holder's owner is still there */
	assert_int_equal(runlock_run_live(s->dir, run), 0);

	/* A live pid (this one) named in a lock nobody holds: a reused pid, not a live run. */
	char *json = runlock_owner_json(&me), *line = xasprintf("%s\n", json);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(line, f);
	fclose(f);
	assert_int_equal(runlock_run_live(s->dir, run), 0);
	free(line);
	free(json);
	free(left);
	free(path);
}

/* Runs the tests. */
int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_acquire_writes_owner),
	    T(test_second_refused),
	    T(test_targets_independent),
	    T(test_holder_dies),
	    T(test_acquire_bad_state_dir),
	    T(test_names),
	    T(test_owner_fill),
	    T(test_owner_me),
	    T(test_owner_roundtrip),
	    T(test_owner_refused),
	    T(test_is_stale),
	    T(test_run_live),
	    T(test_site_taken_held),
	    T(test_site_release),
	    T(test_site_takeover),
	    T(test_site_empty_owner),
	    T(test_site_hostile_owner),
	    T(test_site_errors),
	    T(test_parse),
	    T(test_site_race_acquire),
	    T(test_site_race_takeover),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
