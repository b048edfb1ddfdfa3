/*
 * Tests of core/runlock_site.c. The DR-site commands run against a scratch
 * folder with /bin/sh -c, as a site runs them, and again with dash and
 * bash --posix when installed: taken, held, released (only by the exact
 * owner), not-ours, absent, takeover by compare-and-swap, hostile owners
 * stored literally, "~/" as the account's $HOME, a lock folder that is a
 * link, another account's or writable by others refused, a lock that is a
 * link never read, another account's lock answered "foreign", reads bounded,
 * noise from startup files passed over, and parallel shells racing for the
 * lock round after round with exactly one winner each time. Garbled output
 * never parses as "taken".
 */
#include "config.h"

#include "unit.h"

#include <sys/stat.h>

#include "runlock_fixture.h"

/* Rounds of the races between two shells: with /bin/sh, and with each other shell. */
#define RACE_ROUNDS       200
#define RACE_ROUNDS_OTHER 50

/* The shell the DR-site commands run with: NULL for /bin/sh, else a command taking -c. */
static const char *site_shell;

/* Returns the command that runs script with the test's shell (free it). */
static char *site_command(const char *script)
{
	if (site_shell == NULL)
		return xstrdup(script);
	setenv("DRLOCK_SCRIPT", script, 1);
	return xasprintf("exec %s -c \"$DRLOCK_SCRIPT\"", site_shell);
}

/* Runs a command with the test's shell and returns its output (free it). */
static char *sh_run(const char *script)
{
	char *cmd = site_command(script);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = read_all(p);
	assert_int_equal(pclose(p), 0);
	free(cmd);
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

/* Takes the site lock in dir for owner n; returns that owner's JSON (free it). */
static char *site_take(const char *dir, int n)
{
	struct runlock_owner o;
	owner_of(&o, n);
	char *json = runlock_owner_json(&o);
	assert_null(site_expect(runlock_site_acquire_script(dir, json), RUNLOCK_SITE_TAKEN));
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

/* Fails unless path has the permission bits mode. */
static void mode_is(const char *path, mode_t mode)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	if ((st.st_mode & 07777) != mode)
		fail_msg("%s has mode %04o, expected %04o", path, (unsigned)(st.st_mode & 07777),
		         (unsigned)mode);
}

/* Taken (the folders made 0700, the lock 0600), then held by the owner exactly, for a second
 * console. */
static void test_site_taken_held(void **state)
{
	struct scratch *s = *state;
	char *a = site_take(s->site, 1);
	site_holds(s, a);
	mode_is(s->site, 0700);
	mode_is(s->lock, 0600);
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
	char *deep = xasprintf("%s/a/b", s->site), *mid = xasprintf("%s/a", s->site);
	free(site_take(deep, 1));
	mode_is(mid, 0700);
	mode_is(deep, 0700);
	free(mid);
	free(deep);
	free(bjson);
	free(a);
}

/* "~/" is the account's $HOME, on the site; without an absolute $HOME it is an error. */
static void test_site_home(void **state)
{
	struct scratch *s = *state;
	setenv("HOME", s->dir, 1);
	free(site_take("~/site", 1));
	assert_int_equal(access(s->lock, F_OK), 0);
	struct runlock_owner o;
	owner_of(&o, 1);
	char *a = runlock_owner_json(&o);
	assert_null(site_expect(runlock_site_release_script("~/site", a), RUNLOCK_SITE_RELEASED));
	assert_int_equal(access(s->lock, F_OK), -1);
	setenv("HOME", "relative", 1);
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(site_run(runlock_site_acquire_script("~/site", a), &r, &cause), -1);
	assert_int_equal(r.state, RUNLOCK_SITE_ERROR);
	assert_non_null(strstr(cause, "no absolute HOME"));
	free(cause);
	free(a);
}

/* Released only by its own owner exactly; otherwise "not-ours" with the owner; then absent. */
static void test_site_release(void **state)
{
	struct scratch *s = *state;
	char *a = site_take(s->site, 1);
	struct runlock_owner o;
	owner_of(&o, 2);
	char *b = runlock_owner_json(&o);
	char *owner = site_expect(runlock_site_release_script(s->site, b), RUNLOCK_SITE_NOT_OURS);
	assert_string_equal(owner, a);
	free(owner);
	/* The same run from another host is not this console's. */
	owner_of(&o, 1);
	snprintf(o.host, sizeof o.host, "jump2");
	char *elsewhere = runlock_owner_json(&o);
	free(site_expect(runlock_site_release_script(s->site, elsewhere), RUNLOCK_SITE_NOT_OURS));
	site_holds(s, a);
	assert_null(site_expect(runlock_site_release_script(s->site, a), RUNLOCK_SITE_RELEASED));
	assert_int_equal(access(s->lock, F_OK), -1);
	assert_null(site_expect(runlock_site_release_script(s->site, a), RUNLOCK_SITE_ABSENT));
	char *missing = xasprintf("%s/nowhere", s->dir);
	assert_null(site_expect(runlock_site_release_script(missing, a), RUNLOCK_SITE_ABSENT));
	assert_int_equal(access(missing, F_OK), -1);
	free(missing);
	free(elsewhere);
	free(b);
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
	mode_is(s->lock, 0600);
	char *held = site_expect(runlock_site_takeover_script(s->site, a, c), RUNLOCK_SITE_HELD);
	assert_string_equal(held, b);
	site_holds(s, b);
	free(held);
	assert_null(site_expect(runlock_site_release_script(s->site, b), RUNLOCK_SITE_RELEASED));
	assert_null(site_expect(runlock_site_takeover_script(s->site, a, c), RUNLOCK_SITE_TAKEN));
	site_holds(s, c);
	free(a);
	free(b);
	free(c);
}

/* Writes text into the site's lock file (the folder made 0700 when missing). */
static void site_plant(const struct scratch *s, const char *text)
{
	mkdir(s->site, 0700);
	FILE *f = fopen(s->lock, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A lock file without a readable owner is held by an unknown owner, and can be taken over. */
static void test_site_empty_owner(void **state)
{
	struct scratch *s = *state;
	site_plant(s, "");
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

/* Only the first 4096 bytes of a lock are read. */
static void test_site_bounded(void **state)
{
	struct scratch *s = *state;
	char *big = xcalloc(1, 10001);
	memset(big, 'x', 10000);
	site_plant(s, big);
	struct runlock_owner o;
	owner_of(&o, 1);
	char *a = runlock_owner_json(&o);
	char *held = site_expect(runlock_site_acquire_script(s->site, a), RUNLOCK_SITE_HELD);
	assert_int_equal(strlen(held), 4096);
	free(held);
	free(a);
	free(big);
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
	free(site_expect(runlock_site_release_script(s->site, "{\"run\":\"$(touch x)\"}"),
	                 RUNLOCK_SITE_NOT_OURS));
	char *home = xasprintf("~/%s/$(touch %s)", s->dir, marker);
	free(site_expect(runlock_site_release_script(home, json), RUNLOCK_SITE_ABSENT));
	free(home);
	not_created(marker);
	free(raw);
	free(json);
	free(marker);
}

/* Fails unless the command is refused with state (ERROR or FOREIGN) and a cause holding want. */
static void site_refused(char *script, enum runlock_site_state state, const char *want)
{
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(site_run(script, &r, &cause), -1);
	assert_int_equal(r.state, state);
	assert_null(r.owner_json);
	if (strstr(cause, want) == NULL)
		fail_msg("cause [%s] lacks [%s]", cause, want);
	free(cause);
}

/* Fails unless the command answers an error with a message holding want. */
static void site_error(char *script, const char *want)
{
	site_refused(script, RUNLOCK_SITE_ERROR, want);
}

/* Unusable arguments, a folder in the lock's place and a stuck critical section are errors. */
static void test_site_errors(void **state)
{
	struct scratch *s = *state;
	char *marker = xasprintf("%s/pwned", s->dir);
	char *raw = xasprintf("{\"a\":1}\n$(touch %s)", marker);
	site_error(runlock_site_acquire_script(s->site, raw), "one line of JSON");
	site_error(runlock_site_acquire_script(s->site, ""), "one line of JSON");
	site_error(runlock_site_acquire_script(s->site, "20261127T061500Z-1"), "one line of JSON");
	site_error(runlock_site_acquire_script("relative/dir", "{}"), "absolute path, or start");
	site_error(runlock_site_acquire_script("~user/dir", "{}"), "absolute path, or start");
	site_error(runlock_site_acquire_script("/tmp/a\nb", "{}"), "absolute path");
	site_error(runlock_site_release_script(s->site, "{}\n"), "one line of JSON");
	site_error(runlock_site_release_script(s->site, "20261127T061500Z-1"), "one line of JSON");
	site_error(runlock_site_takeover_script(s->site, "{}\n", "{}"), "one line");
	not_created(marker);
	assert_int_equal(access(s->site, F_OK), -1);
	assert_int_equal(mkdir(s->site, 0700), 0);
	assert_int_equal(mkdir(s->lock, 0700), 0);
	site_error(runlock_site_acquire_script(s->site, "{}"), "is a folder");
	assert_int_equal(rmdir(s->lock), 0);
	assert_int_equal(mkfifo(s->lock, 0600), 0);
	site_error(runlock_site_acquire_script(s->site, "{}"), "is not a regular file");
	site_error(runlock_site_release_script(s->site, "{}"), "is not a regular file");
	assert_int_equal(unlink(s->lock), 0);
	free(site_take(s->site, 1));
	char *busy = xasprintf("%s.busy", s->lock);
	assert_int_equal(mkdir(busy, 0700), 0);
	site_error(runlock_site_takeover_script(s->site, "x", "{}"), "busy is in the way");
	assert_int_equal(rmdir(busy), 0);
	free(busy);
	free(raw);
	free(marker);
}

/* Fails unless every command in dir is refused with an error holding want, and no lock is made. */
static void folder_refused(const char *dir, const char *want)
{
	char *lock = xasprintf("%s/drconsole-run.lock", dir);
	site_error(runlock_site_acquire_script(dir, "{}"), want);
	site_error(runlock_site_takeover_script(dir, "", "{}"), want);
	site_error(runlock_site_release_script(dir, "{}"), want);
	if (access(lock, F_OK) == 0)
		fail_msg("%s was made", lock);
	free(lock);
}

/* A folder that is a link, another account's, or writable by other accounts is refused. */
static void test_site_folder_refused(void **state)
{
	struct scratch *s = *state;
	char *link = xasprintf("%s/link", s->dir);
	assert_int_equal(mkdir(s->site, 0700), 0);
	assert_int_equal(symlink(s->site, link), 0);
	folder_refused(link, "is a symbolic link: refused");
	assert_int_equal(chmod(s->site, 0770), 0);
	folder_refused(s->site, "can be written by other accounts (drwxrwx---");
	assert_int_equal(chmod(s->site, 0702), 0);
	folder_refused(s->site, "can be written by other accounts");
	assert_int_equal(chmod(s->site, 01777), 0);
	folder_refused(s->site, "can be written by other accounts (drwxrwxrwt");
	assert_int_equal(chmod(s->site, 0755), 0);
	free(site_take(s->site, 1)); /* readable by others is fine */
	if (geteuid() == 0) {
		assert_int_equal(unlink(s->lock), 0);
		assert_int_equal(chown(s->site, 65534, 65534), 0);
		folder_refused(s->site, "belongs to uid 65534, not to this account (uid 0)");
	} else {
		char *want =
		    xasprintf("belongs to uid 0, not to this account (uid %d)", (int)geteuid());
		site_error(runlock_site_acquire_script("/", "{}"), want);
		free(want);
	}
	free(link);
}

/*
 * A lock that is a symbolic link (to a file only the account may read, or to
 * nothing) is refused by every command, never read, never replaced.
 */
static void test_site_lock_link(void **state)
{
	struct scratch *s = *state;
	char *secret = xasprintf("%s/secret", s->dir);
	FILE *f = fopen(secret, "w");
	fputs("TOPSECRET\n", f);
	fclose(f);
	chmod(secret, 0600);
	assert_int_equal(mkdir(s->site, 0700), 0);
	for (int dangling = 0; dangling < 2; dangling++) {
		assert_int_equal(symlink(dangling ? "/nonexistent/x" : secret, s->lock), 0);
		char *script = runlock_site_acquire_script(s->site, "{}"), *out = sh_run(script);
		assert_null(strstr(out, "TOPSECRET"));
		free(out);
		free(script);
		site_error(runlock_site_acquire_script(s->site, "{}"),
		           "is a symbolic link: refused");
		site_error(runlock_site_takeover_script(s->site, "TOPSECRET", "{}"),
		           "is a symbolic link: refused");
		site_error(runlock_site_release_script(s->site, "{}"),
		           "is a symbolic link: refused");
		char target[256];
		ssize_t n = readlink(s->lock, target, sizeof target - 1);
		assert_true(n > 0);
		target[n] = '\0';
		assert_string_equal(target, dangling ? "/nonexistent/x" : secret);
		assert_int_equal(unlink(s->lock), 0);
	}
	char *text = slurp(secret);
	assert_string_equal(text, "TOPSECRET\n");
	free(text);
	free(secret);
}

/* A lock file of another account is answered "foreign", not read, and left alone. */
static void test_site_lock_foreign(void **state)
{
	struct scratch *s = *state;
	if (geteuid() != 0) {
		print_message("skipped: only root can give a file to another account\n");
		return;
	}
	site_plant(s, "{\"operator\":\"mallory\"}\n");
	assert_int_equal(chown(s->lock, 65534, 65534), 0);
	char *want = xasprintf("the lock file %s on the DR site is not owned by this account (it "
	                       "belongs to uid 65534): refused",
	                       s->lock);
	site_refused(runlock_site_acquire_script(s->site, "{}"), RUNLOCK_SITE_FOREIGN, want);
	site_refused(runlock_site_takeover_script(s->site, "{\"operator\":\"mallory\"}", "{}"),
	             RUNLOCK_SITE_FOREIGN, want);
	site_refused(runlock_site_release_script(s->site, "{\"operator\":\"mallory\"}"),
	             RUNLOCK_SITE_FOREIGN, want);
	char *text = slurp(s->lock);
	assert_string_equal(text, "{\"operator\":\"mallory\"}\n");
	free(text);
	free(want);
}

/* Lines a shell's startup files print before and after a command do not hide its answer. */
static void test_site_noise(void **state)
{
	struct scratch *s = *state;
	struct runlock_owner o;
	owner_of(&o, 1);
	char *a = runlock_owner_json(&o);
	char *acquire = runlock_site_acquire_script(s->site, a);
	char *noisy = xasprintf("echo 'stty: standard input: Inappropriate ioctl for device'; "
	                        "echo 'drlock 0 held {}'; echo 'Welcome'; (%s); echo 'bye'",
	                        acquire);
	assert_null(site_expect(noisy, RUNLOCK_SITE_TAKEN));
	site_holds(s, a);
	free(acquire);
	free(a);
}

/* Fails unless out is refused by the parser as no known answer (state NONE). */
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

/* Fails unless out is a refusal with state and exactly the cause want. */
static void refusal(const char *out, enum runlock_site_state state, const char *want)
{
	struct runlock_site_result r;
	char *cause = NULL;
	assert_int_equal(runlock_site_parse(out, strlen(out), &r, &cause), -1);
	assert_int_equal(r.state, state);
	assert_string_equal(cause, want);
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

/* Anything but one known answer line is refused, never "taken"; other lines are passed over. */
static void test_parse(void **state)
{
	(void)state;
	garbage(NULL, 0, "gave no answer");
	garbage("", 0, "gave no answer");
	garbage("lock taken\n", 11, "gave no answer");
	garbage("drlock 1\nlock taken\n", 20, "gave no answer");
	garbage("drlock 1 taken", 14, "cut off");
	garbage("drlock 1 taken\ndrlock 1 taken\n", 30, "gave 2 answers");
	garbage("drlock 1 taken\nnoise\ndrlock 1 held {}\n", 38, "gave 2 answers");
	garbage("drlock 1 taken\0\n", 16, "not text");
	garbage("drlock 1 taken now\n", 19, "unknown answer: taken now");
	garbage("drlock 1 takenx\n", 16, "unknown answer");
	garbage("drlock 1 taken \n", 16, "unknown answer");
	garbage("drlock 1  taken\n", 16, "unknown answer");
	garbage("drlock 1 held\n", 14, "unknown answer");
	garbage("drlock 1 TAKEN\n", 15, "unknown answer");
	garbage("drlock 1 taken\r\n", 16, "unknown answer");
	garbage("drlock 1 \n", 10, "unknown answer");
	garbage("drlock 1 foreign x /p\n", 22, "unknown answer");
	garbage("drlock 1 foreign 12\n", 20, "unknown answer");
	garbage("drlock 1 sh: 1: Syntax error\n", 29, "unknown answer");
	refusal("drlock 1 error no space\n", RUNLOCK_SITE_ERROR, "the DR site's lock: no space");
	refusal("drlock 1 foreign 1002 /home/k/.local/state/drconsole/drconsole-run.lock\n",
	        RUNLOCK_SITE_FOREIGN,
	        "the lock file /home/k/.local/state/drconsole/drconsole-run.lock on the DR site is "
	        "not owned by this account (it belongs to uid 1002): refused");
	assert_null(answer("Welcome!\ndrlock 0 taken\nlock taken\ndrlock 1 taken\nbye",
	                   RUNLOCK_SITE_TAKEN));
	assert_null(answer("stty: 'standard input': Inappropriate ioctl for device\n"
	                   "drlock 1 absent\n",
	                   RUNLOCK_SITE_ABSENT));
	assert_null(answer("drlock 1 released\n", RUNLOCK_SITE_RELEASED));
	char *owner = answer("drlock 1 held  {x} \n", RUNLOCK_SITE_HELD);
	assert_string_equal(owner, " {x} ");
	free(owner);
	owner = answer("drlock 1 held \n", RUNLOCK_SITE_HELD);
	assert_string_equal(owner, "");
	free(owner);
	owner = answer("drlock 1 not-ours {}\n", RUNLOCK_SITE_NOT_OURS);
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
	char *run = site_command(script);
	char *cmd =
	    xasprintf("exec %d>&-; read -r x <&%d; exec %d<&-; %s", gate[1], gate[0], gate[0], run);
	r->out = popen(cmd, "r");
	assert_non_null(r->out);
	free(cmd);
	free(run);
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
	int rounds = site_shell == NULL ? RACE_ROUNDS : RACE_ROUNDS_OTHER;
	for (int round = 0; round < rounds; round++) {
		unlink(s->lock);
		int wins = race_once(s, scripts, owners);
		double_wins += wins > 1;
		no_wins += wins == 0;
	}
	print_message("acquire race: %d rounds, %d double wins, %d without a winner\n", rounds,
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
	int double_wins = 0, no_wins = 0;
	int rounds = site_shell == NULL ? RACE_ROUNDS : RACE_ROUNDS_OTHER;
	for (int round = 0; round < rounds; round++) {
		char *line = xasprintf("%s\n", stale);
		site_plant(s, line);
		free(line);
		int wins = race_once(s, scripts, owners);
		double_wins += wins > 1;
		no_wins += wins == 0;
	}
	print_message("takeover race: %d rounds, %d double wins, %d without a winner\n", rounds,
	              double_wins, no_wins);
	assert_int_equal(double_wins, 0);
	assert_int_equal(no_wins, 0);
	for (int i = 0; i < 2; i++) {
		free(scripts[i]);
		free(owners[i]);
	}
	free(stale);
}

#define T(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)

/* The DR-site commands' tests, run with each shell. */
static const struct CMUnitTest site_tests[] = {
    T(test_site_taken_held),    T(test_site_home),          T(test_site_release),
    T(test_site_takeover),      T(test_site_empty_owner),   T(test_site_bounded),
    T(test_site_hostile_owner), T(test_site_errors),        T(test_site_folder_refused),
    T(test_site_lock_link),     T(test_site_lock_foreign),  T(test_site_noise),
    T(test_site_race_acquire),  T(test_site_race_takeover),
};

/* Tells whether a shell command's program is installed. */
static int shell_found(const char *shell)
{
	char *cmd = xasprintf("command -v %.*s >/dev/null 2>&1", (int)strcspn(shell, " "), shell);
	int found = system(cmd) == 0;
	free(cmd);
	return found;
}

/*
 * Runs the tests: the DR-site commands with /bin/sh (as the site runs them),
 * then with dash and bash --posix when they are installed.
 */
int main(void)
{
	static const char *const shells[] = {"dash", "bash --posix"};
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	};
	int failed = cmocka_run_group_tests_name("runlock site", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("runlock site, /bin/sh", site_tests, NULL, NULL);
	for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) {
		if (!shell_found(shells[i])) {
			print_message("%s is not installed: its round is skipped\n", shells[i]);
			continue;
		}
		site_shell = shells[i];
		failed += cmocka_run_group_tests_name(shells[i], site_tests, NULL, NULL);
	}
	return failed;
}
#undef T
