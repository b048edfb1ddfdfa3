/*
 * Tests of core/sshconfig.c and core/sshmatch.c: the first ProxyJump or
 * ProxyCommand that applies to a host is found with its file and line, read
 * as OpenSSH reads the config (Host patterns and negation, Match host,
 * originalhost, user, localuser and all, Include with globs relative to the
 * ssh folder, the first value obtained winning, HostName seen by Match
 * host, and the second pass Match final asks for); a Match that hangs on a
 * criterion drconsole does not evaluate (exec, localnetwork, tagged), and
 * a malformed line, are refused naming the file and line.
 */
#include "config.h"

#include <pwd.h>

#include "unit.h"

#include "scratch_fixture.h"
#include "sshconfig.h"
#include "sshmatch.h"

/* Writes text to dir/name (folders made as needed) and returns the path (free it). */
static char *put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Looks host (and user) up in path, relative Includes in dir; returns rc, fills p and cause. */
static int find(const char *path, const char *dir, const char *host, const char *user,
                struct sshconfig_proxy *p, char **cause)
{
	struct sshconfig_query q = {.host = host, .user = user, .include_dir = dir};
	return sshconfig_proxy_find(path, &q, p, cause);
}

/* Fails unless host gets a proxy of kind from path's line (0: none). */
static void expect(const char *path, const char *dir, const char *host, const char *user,
                   enum sshconfig_proxy_kind kind, const char *file, unsigned line)
{
	struct sshconfig_proxy p;
	char *cause = NULL;
	int rc = find(path, dir, host, user, &p, &cause);
	if (rc != 0)
		fail_msg("%s: %s", host, cause ? cause : "unreadable");
	assert_int_equal(p.kind, kind);
	if (kind != SSHCONFIG_PROXY_NONE) {
		assert_string_equal(p.file, file);
		assert_int_equal(p.line, line);
	}
	sshconfig_proxy_free(&p);
}

/* Fails unless looking host up in path is refused with a cause that starts "path:line: " and holds
 * what. */
static void expect_refused(const char *path, const char *host, unsigned line, const char *what)
{
	struct sshconfig_proxy p;
	char *cause = NULL;
	assert_int_equal(find(path, "/nonexistent", host, NULL, &p, &cause), -1);
	assert_non_null(cause);
	char *where = xasprintf("%s:%u: ", path, line);
	if (strncmp(cause, where, strlen(where)) != 0 || strstr(cause, what) == NULL)
		fail_msg("got '%s', want '%s...%s'", cause, where, what);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_NONE);
	free(where);
	free(cause);
}

/* A ProxyJump in a matching Host block, with its file and line; other hosts get none. */
static void test_jump_found(void **state)
{
	const char *dir = *state;
	char *path = put(dir, "config",
	                 "# comment\n"
	                 "Host other\n"
	                 "  ProxyCommand nc %h %p\n"
	                 "Host db1 db2.*\n"
	                 "  User postgres\n"
	                 "  ProxyJump admin@bastion.example.com:2222\n");
	expect(path, dir, "DB2.dc2", NULL, SSHCONFIG_PROXY_JUMP, path, 6);
	expect(path, dir, "db3", NULL, SSHCONFIG_PROXY_NONE, NULL, 0);
	expect(path, dir, "other", NULL, SSHCONFIG_PROXY_COMMAND, path, 3);
	/* Host patterns are taken as written: an upper-case pattern never matches. */
	char *upper = put(dir, "upper", "Host DB1\n  ProxyJump gw\n");
	expect(upper, dir, "db1", NULL, SSHCONFIG_PROXY_NONE, NULL, 0);
	free(upper);
	free(path);
}

/* The first value obtained wins; a negated pattern excludes; "=" separates too. */
static void test_first_wins(void **state)
{
	const char *dir = *state;
	char *path = put(dir, "config",
	                 "Host *.dc1 !db9.dc1\n"
	                 "  ProxyJump=bastion1\n"
	                 "Host *\n"
	                 "  ProxyCommand ssh -W %h:%p gw\n"
	                 "  ProxyJump later\n");
	expect(path, dir, "db1.dc1", NULL, SSHCONFIG_PROXY_JUMP, path, 2);
	expect(path, dir, "db9.dc1", NULL, SSHCONFIG_PROXY_COMMAND, path, 4);
	struct sshconfig_proxy p;
	char *cause = NULL;
	assert_int_equal(find(path, dir, "db1.dc1", NULL, &p, &cause), 0);
	assert_string_equal(p.value, "bastion1");
	sshconfig_proxy_free(&p);
	assert_int_equal(find(path, dir, "db9.dc1", NULL, &p, &cause), 0);
	assert_null(sshconfig_jump(&p, &cause));
	char *where = xasprintf("%s:4: ProxyCommand", path);
	assert_non_null(cause);
	assert_non_null(strstr(cause, where));
	assert_non_null(strstr(cause, "ssh.jump"));
	free(where);
	free(cause);
	sshconfig_proxy_free(&p);
	free(path);
}

/* Several hops become the list; "none" is no jump; a malformed hop names the file and line. */
static void test_hops_and_none(void **state)
{
	const char *dir = *state;
	char *path = put(dir, "config",
	                 "Host far\n"
	                 "  ProxyJump a@one:22,ssh://two\n"
	                 "Host near\n"
	                 "  ProxyJump none\n"
	                 "Host *\n"
	                 "  ProxyJump gw:99999\n");
	struct sshconfig_proxy p;
	char *cause = NULL, *jump;
	assert_int_equal(find(path, dir, "far", NULL, &p, &cause), 0);
	jump = sshconfig_jump(&p, &cause);
	assert_string_equal(jump, "a@one:22,two");
	free(jump);
	sshconfig_proxy_free(&p);

	assert_int_equal(find(path, dir, "near", NULL, &p, &cause), 0);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_JUMP); /* "none" takes the first place */
	assert_null(sshconfig_jump(&p, &cause));
	assert_null(cause);
	sshconfig_proxy_free(&p);

	assert_int_equal(find(path, dir, "bad", NULL, &p, &cause), 0);
	assert_null(sshconfig_jump(&p, &cause));
	char *where = xasprintf("%s:6: ProxyJump: jump host 1 'gw:99999'", path);
	assert_non_null(cause);
	assert_non_null(strstr(cause, where));
	free(where);
	free(cause);
	sshconfig_proxy_free(&p);
	free(path);
}

/* Include: relative to the ssh folder, globs in order, only where its block applies. */
static void test_include(void **state)
{
	const char *dir = *state;
	char *a = put(dir, "conf.d/10-a.conf", "Host db*\n  User x\nHost db1\n  ProxyJump first\n");
	char *b = put(dir, "conf.d/20-b.conf", "Host db*\n  ProxyJump second\n");
	char *abs = put(dir, "abs.conf", "ProxyJump absolute\n");
	char *text = xasprintf("Host nothing\n  Include %s\n"
	                       "Host *\n  Include conf.d/*.conf missing.conf\n"
	                       "Host *\n  Include \"%s\"\n",
	                       abs, abs);
	char *path = put(dir, "config", text);
	expect(path, dir, "db1", NULL, SSHCONFIG_PROXY_JUMP, a, 4);
	expect(path, dir, "db2", NULL, SSHCONFIG_PROXY_JUMP, b, 2);
	expect(path, dir, "web", NULL, SSHCONFIG_PROXY_JUMP, abs, 1);
	/* An Include that includes itself stops, naming the file. */
	char *loop = put(dir, "loop", "Include loop\n");
	struct sshconfig_proxy p;
	char *cause = NULL;
	assert_int_equal(find(loop, dir, "x", NULL, &p, &cause), -1);
	assert_non_null(strstr(cause, "Include nested more than"));
	free(cause);
	/* A config that cannot be read at all. */
	assert_int_equal(
	    sshconfig_proxy_lookup("/nonexistent/drconsole/config", "db1", NULL, &p, &cause), -1);
	assert_non_null(strstr(cause, "cannot read the ssh config /nonexistent/drconsole/config"));
	free(cause);
	free(loop);
	free(path);
	free(text);
	free(abs);
	free(a);
	free(b);
}

/* Match host sees HostName; originalhost the name given; user, localuser and all. */
static void test_match(void **state)
{
	const char *dir = *state;
	struct passwd *pw = getpwuid(getuid());
	assert_non_null(pw);
	char *text = xasprintf("Host db1\n  HostName db1.real.example\n"      /* 1-2 */
	                       "Match host *.real.example originalhost db1\n" /* 3 */
	                       "  ProxyJump via-match\n"                      /* 4 */
	                       "Match originalhost db1.real.example\n  ProxyJump never\n"
	                       "Match user ops !localuser nobody-here\n" /* 7 */
	                       "  ProxyJump for-ops\n"                   /* 8 */
	                       "Match !user ops localuser %s\n"          /* 9 */
	                       "  ProxyJump for-me\n"                    /* 10 */
	                       "Match all\n  ProxyJump everyone\n",      /* 11-12 */
	                       pw->pw_name);
	char *path = put(dir, "config", text);
	expect(path, dir, "db1", NULL, SSHCONFIG_PROXY_JUMP, path, 4);
	expect(path, dir, "db2", "ops", SSHCONFIG_PROXY_JUMP, path, 8);
	expect(path, dir, "db2", "root-not-ops", SSHCONFIG_PROXY_JUMP, path, 10);
	/* A User line counts for Match user when the site gives none. */
	char *user = put(dir, "user", "Host *\n  User ops\nMatch user ops\n  ProxyJump u\n");
	expect(user, dir, "x", NULL, SSHCONFIG_PROXY_JUMP, user, 4);
	expect(user, dir, "x", "other", SSHCONFIG_PROXY_NONE, NULL, 0);
	free(user);
	char *all = put(dir, "all", "Match all\n  ProxyJump everyone\n");
	expect(all, dir, "anything", NULL, SSHCONFIG_PROXY_JUMP, all, 2);
	free(all);
	/* "Match final all" (as RHEL's ssh_config.d has) applies in the second
	 * pass, after every first-pass value; canonical too, once there. */
	char *final = put(dir, "final",
	                  "Match final all\n  ProxyJump late\n"
	                  "Match !final host db1\n  ProxyJump early\n"
	                  "Match canonical host db2\n  ProxyJump canon\n");
	expect(final, dir, "db1", NULL, SSHCONFIG_PROXY_JUMP, final, 4);
	expect(final, dir, "db2", NULL, SSHCONFIG_PROXY_JUMP, final, 2);
	expect(final, dir, "db3", NULL, SSHCONFIG_PROXY_JUMP, final, 2);
	char *nofinal = put(dir, "nofinal", "Match canonical all\n  ProxyJump never\n");
	expect(nofinal, dir, "db2", NULL, SSHCONFIG_PROXY_NONE, NULL, 0);
	free(nofinal);
	free(final);
	free(path);
	free(text);
}

/* A Match that needs exec, canonical, final... to decide is refused; malformed lines too. */
static void test_match_refused(void **state)
{
	const char *dir = *state;
	char *path = put(dir, "config",
	                 "Match host other exec \"touch /tmp/drconsole-never\"\n" /* not decisive */
	                 "  ProxyJump other\n"
	                 "Match host db* exec \"test -f /etc/passwd\"\n"
	                 "  ProxyJump maybe\n");
	expect(path, dir, "web", NULL, SSHCONFIG_PROXY_NONE, NULL, 0);
	expect_refused(path, "db1", 3, "Match exec test -f /etc/passwd cannot be evaluated");
	free(path);
	static const struct {
		const char *text;
		unsigned line;
		const char *what;
	} cases[] = {
	    {"Match localnetwork 10.0.0.0/8\n", 1, "Match localnetwork"},
	    {"Match bogus x\n", 1, "unknown criterion 'bogus'"},
	    {"\n\nMatch host\n", 3, "Match host needs an argument"},
	    {"Match all host x\n", 1, "Match all cannot be combined"},
	    {"Match host x all\n", 1, "Match all cannot be combined"},
	    {"Match\n", 1, "Match needs criteria"},
	    {"Host\n", 1, "Host needs at least one pattern"},
	    {"Match host \"db1\n", 1, "a quote is not closed"},
	    {"Host *\n  ProxyJump\n", 2, "ProxyJump needs a value"},
	    {"Include\n", 1, "Include needs a file name"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = put(dir, "bad", cases[i].text);
		expect_refused(p, "db1", cases[i].line, cases[i].what);
		free(p);
	}
	assert_int_equal(access("/tmp/drconsole-never", F_OK), -1);
}

/* Patterns: '*', '?', case folding only where asked, lists with negation. */
static void test_patterns(void **state)
{
	(void)state;
	assert_true(sshmatch_pattern("db?.*", "db1.dc1", 0));
	assert_false(sshmatch_pattern("db?.*", "db10.dc1", 0));
	assert_true(sshmatch_pattern("*", "", 0));
	assert_false(sshmatch_pattern("DB1", "db1", 0));
	assert_true(sshmatch_pattern("DB1", "db1", 1));
	assert_int_equal(sshmatch_list("db*,!db9", "db1", 1), 1);
	assert_int_equal(sshmatch_list("db*,!db9", "db9", 1), -1);
	assert_int_equal(sshmatch_list("!db9,web", "db1", 1), 0);
	char line[] = "db* !db9 \"web 1\"";
	char *cause = NULL;
	assert_int_equal(sshmatch_host_line(line, "db9", &cause), 0);
	char line2[] = "db* !db9 \"web 1\"";
	assert_int_equal(sshmatch_host_line(line2, "web 1", &cause), 1);
	char words[] = "  a\\ b 'c d' \"e\\\"f\" # rest";
	char *s = words, *w;
	const char *want[] = {"a b", "c d", "e\"f"};
	for (size_t i = 0; i < 3; i++) {
		w = sshmatch_token(&s, &cause);
		assert_non_null(w);
		assert_string_equal(w, want[i]);
		free(w);
	}
	assert_null(sshmatch_token(&s, &cause));
	assert_null(cause);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_jump_found, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_first_wins, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_hops_and_none, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_include, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_match, scratch_make, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_match_refused, scratch_make, scratch_teardown),
	    cmocka_unit_test(test_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
