/*
 * Tests of core/sshhops.c: a jump list is parsed into hops, and hostile
 * names are refused naming the hop; the nested ssh command is run level by
 * level as libssh and OpenSSH run it (their %-expansion, OpenSSH's quote
 * check of a ProxyCommand, then /bin/sh, with a recording "ssh" first on
 * PATH), and every level must hand its ssh exactly the intended arguments,
 * with hostile paths (spaces, quotes, %, $, backticks, backslashes) arriving
 * intact and nothing in them ever run.
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"

#include "scratch_fixture.h"
#include "sshhops.h"
#include "sshmatch.h"

/* Parses a list that must be accepted. */
static struct sshhops parse_ok(const char *list)
{
	struct sshhops h;
	char *cause = NULL;
	if (sshhops_parse(list, &h, &cause) != 0)
		fail_msg("%s: %s", list, cause);
	return h;
}

/* Hops: user, host, port, ssh://, brackets; each field where it belongs. */
static void test_parse(void **state)
{
	(void)state;
	struct sshhops h = parse_ok("ops@gw1.example:2222,ssh://gw2,[fe80::1]:22,::1");
	assert_int_equal(h.n, 4);
	assert_string_equal(h.v[0].user, "ops");
	assert_string_equal(h.v[0].host, "gw1.example");
	assert_string_equal(h.v[0].port, "2222");
	assert_null(h.v[1].user);
	assert_string_equal(h.v[1].host, "gw2");
	assert_null(h.v[1].port);
	assert_string_equal(h.v[2].host, "fe80::1");
	assert_string_equal(h.v[2].port, "22");
	assert_string_equal(h.v[3].host, "::1");
	char *j = sshhops_join(&h, 2);
	assert_string_equal(j, "ops@gw1.example:2222,gw2");
	free(j);
	sshhops_free(&h);
}

/* Hostile or malformed hops are refused, naming which hop and why. */
static void test_parse_refused(void **state)
{
	(void)state;
	static const struct {
		const char *list, *what;
	} cases[] = {
	    {"a,,b", "jump host 2 '' of 'a,,b' is empty"},
	    {"a,", "jump host 2 ''"},
	    {"gw one", "host name that is not"},
	    {"gw;touch x", "host name that is not"},
	    {"$(touch x)", "host name that is not"},
	    {"`touch x`", "host name that is not"},
	    {"gw'x", "host name that is not"},
	    {"gw\"x", "host name that is not"},
	    {"gw%h", "host name that is not"},
	    {"-oProxyCommand=x", "host name that is not"},
	    {"u$USER@gw", "user name that is not"},
	    {"-l@gw", "user name that is not"},
	    {"gw:0", "port that is not"},
	    {"gw:65536", "port that is not"},
	    {"gw:22x", "port that is not"},
	    {"[::1;x]:22", "not a bracketed IPv6"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sshhops h;
		char *cause = NULL;
		assert_int_equal(sshhops_parse(cases[i].list, &h, &cause), -1);
		if (cause == NULL || strstr(cause, cases[i].what) == NULL)
			fail_msg("%s: got '%s', want '%s'", cases[i].list, cause, cases[i].what);
		assert_int_equal(h.n, 0);
		free(cause);
	}
}

/* Expands %-tokens as libssh (host NULL: none allowed) or OpenSSH's ProxyCommand does. */
static char *expand(const char *s, const char *host, const char *port)
{
	char *out = xstrdup("");
	for (const char *p = s; *p != '\0'; p++) {
		const char *add = NULL;
		char one[2] = {*p, '\0'};
		if (*p != '%')
			add = one;
		else if (p[1] == '%')
			add = "%";
		else if (p[1] == 'h' && host != NULL)
			add = host;
		else if (p[1] == 'p' && host != NULL)
			add = port;
		else
			fail_msg("unexpected %%-token in %s", s);
		p += *p == '%';
		char *next = xasprintf("%s%s", out, add);
		free(out);
		out = next;
	}
	return out;
}

/* Runs a command as "exec TEXT" under /bin/sh with the recording ssh; returns its argv. */
static char **run_recorded(const char *dir, const char *text, size_t *argc)
{
	char *rec = xasprintf("%s/record", dir);
	unlink(rec);
	char *path = xasprintf("%s/bin:%s", dir, getenv("PATH"));
	setenv("DRTEST_RECORD", rec, 1);
	char *old = xstrdup(getenv("PATH"));
	setenv("PATH", path, 1);
	char *cmd = xasprintf("exec %s", text);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	setenv("PATH", old, 1);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	FILE *f = fopen(rec, "r");
	assert_non_null(f);
	char **argv = NULL, *line = NULL;
	size_t size = 0;
	*argc = 0;
	while (getdelim(&line, &size, '\0', f) != -1) {
		argv = xreallocarray(argv, *argc + 1, sizeof *argv);
		argv[(*argc)++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	free(cmd);
	free(old);
	free(path);
	free(rec);
	return argv;
}

/* Reads a path back from an ssh option value as OpenSSH does: one quoted word, % expanded. */
static char *ssh_reads_path(const char *value)
{
	char *copy = xstrdup(value), *s = copy, *cause = NULL;
	char *word = sshmatch_token(&s, &cause);
	assert_non_null(word);
	assert_null(sshmatch_token(&s, &cause)); /* exactly one word */
	assert_null(cause);
	char *path = expand(word, NULL, NULL);
	free(word);
	free(copy);
	return path;
}

/* The hostile files every level is given. */
struct hostile {
	char *known_hosts, *identity, *config, *logs;
};

/*
 * Checks one level's argv: the ssh that reaches hop k (0-based) with -W next,
 * user and port; returns its ProxyCommand (newly allocated).
 */
static char *check_level(char **argv, size_t argc, const struct hostile *x, size_t k,
                         const char *next, const char *user, const char *port, const char *host)
{
	char *log = sshhops_log(x->logs, k);
	size_t i = 0;
	assert_true(argc >= 20);
	assert_string_equal(argv[i++], "-W");
	assert_string_equal(argv[i++], next);
	const char *fixed[] = {"-o", "BatchMode=yes",
	                       "-o", "ConnectTimeout=3",
	                       "-o", "StrictHostKeyChecking=yes",
	                       "-E", log};
	for (size_t f = 0; f < 8; f++)
		assert_string_equal(argv[i++], fixed[f]);
	assert_string_equal(argv[i++], "-o");
	assert_int_equal(strncmp(argv[i], "UserKnownHostsFile=", 19), 0);
	char *kh = ssh_reads_path(argv[i++] + 19);
	assert_string_equal(kh, x->known_hosts);
	assert_string_equal(argv[i++], "-F");
	assert_string_equal(argv[i++], x->config);
	assert_string_equal(argv[i++], "-o");
	assert_int_equal(strncmp(argv[i], "IdentityFile=", 13), 0);
	char *id = ssh_reads_path(argv[i++] + 13);
	assert_string_equal(id, x->identity);
	assert_string_equal(argv[i++], "-o");
	assert_int_equal(strncmp(argv[i], "ProxyCommand=", 13), 0);
	char *proxy = xstrdup(argv[i++] + 13);
	if (user != NULL) {
		assert_string_equal(argv[i++], "-l");
		assert_string_equal(argv[i++], user);
	}
	if (port != NULL) {
		assert_string_equal(argv[i++], "-p");
		assert_string_equal(argv[i++], port);
	}
	assert_string_equal(argv[i++], "--");
	assert_string_equal(argv[i++], host);
	assert_int_equal(i, argc);
	/* OpenSSH splits the whole line to check its quotes: they must balance. */
	char *copy = xstrdup(proxy), *s = copy, *cause = NULL, *w;
	while ((w = sshmatch_token(&s, &cause)) != NULL)
		free(w);
	if (cause != NULL)
		fail_msg("hop %zu's ProxyCommand fails OpenSSH's quote check: %s", k + 1, proxy);
	free(copy);
	free(kh);
	free(id);
	free(log);
	return proxy;
}

/* Frees a recorded argv. */
static void argv_free(char **argv, size_t argc)
{
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Three hops, hostile paths: each level's ssh gets exactly its arguments; nothing runs. */
static void test_nested_command(void **state)
{
	const char *dir = *state;
	char *bin = xasprintf("%s/bin", dir), *ssh = xasprintf("%s/bin/ssh", dir);
	assert_int_equal(mkdir(bin, 0700), 0);
	FILE *f = fopen(ssh, "w");
	fputs("#!/bin/sh\nprintf '%s\\0' \"$@\" >\"$DRTEST_RECORD\"\n", f);
	fclose(f);
	chmod(ssh, 0700);
	const char *evil = "'q' \"d\" 100% %h $HOME ${HOME} `touch pwned1` $(touch pwned2) \\x\\";
	struct hostile x = {
	    .known_hosts = xasprintf("%s/known hosts %s", dir,
	                             "'q' \"d\" 100% $HOME `touch pwned3` $(touch pwned4) \\\\'\\"),
	    .identity = xasprintf("%s/id %s", dir, "% %r 'x' \"y\" `touch pwned5`"),
	    .config = xasprintf("%s/config %s", dir, evil),
	    .logs = xasprintf("%s/logs %s", dir, evil),
	};
	struct sshhops h = parse_ok("u1@h1:2201,h2,u3@h3");
	struct sshhops_opts o = {x.known_hosts, x.config, x.identity, x.logs, 2500};
	char *cause = NULL;
	char *cmd = sshhops_command(&h, &o, "db.example", 5432, &cause);
	if (cmd == NULL)
		fail_msg("%s", cause);

	/* libssh expands the outermost command, then its shell runs it. */
	char *text = expand(cmd, NULL, NULL);
	size_t argc;
	char **argv = run_recorded(dir, text, &argc);
	char *p3 = check_level(argv, argc, &x, 2, "db.example:5432", "u3", NULL, "h3");
	argv_free(argv, argc);
	free(text);
	/* The ssh that reaches h3 expands its ProxyCommand for h3, port 22, and runs it. */
	text = expand(p3, "h3", "22");
	argv = run_recorded(dir, text, &argc);
	char *p2 = check_level(argv, argc, &x, 1, "[h3]:22", NULL, NULL, "h2");
	argv_free(argv, argc);
	free(text);
	text = expand(p2, "h2", "22");
	argv = run_recorded(dir, text, &argc);
	char *p1 = check_level(argv, argc, &x, 0, "[h2]:22", "u1", "2201", "h1");
	assert_string_equal(p1, "none");
	argv_free(argv, argc);
	free(text);

	for (int i = 1; i <= 5; i++) {
		char *pwned = xasprintf("pwned%d", i), *there = xasprintf("%s/pwned%d", dir, i);
		assert_int_equal(access(pwned, F_OK), -1);
		assert_int_equal(access(there, F_OK), -1);
		free(pwned);
		free(there);
	}
	free(p1);
	free(p2);
	free(p3);
	free(cmd);
	sshhops_free(&h);
	free(x.known_hosts);
	free(x.identity);
	free(x.config);
	free(x.logs);
	free(bin);
	free(ssh);
}

/* What an ssh option cannot carry is refused, never passed on. */
static void test_unsafe_paths(void **state)
{
	(void)state;
	struct sshhops h = parse_ok("gw");
	const char *bad[] = {"/tmp/${HOME}/kh", "/tmp/a\nb"};
	for (size_t i = 0; i < 2; i++) {
		struct sshhops_opts o = {.known_hosts = bad[i], .timeout_ms = 1000};
		char *cause = NULL;
		assert_null(sshhops_command(&h, &o, "db", 22, &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, "known_hosts path"));
		free(cause);
	}
	sshhops_free(&h);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_refused),
	    cmocka_unit_test_setup_teardown(test_nested_command, scratch_make, scratch_teardown),
	    cmocka_unit_test(test_unsafe_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
