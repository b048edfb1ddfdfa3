/*
 * Tests of core/sshconfig.c: the first ProxyJump or ProxyCommand that applies
 * to a host is found with its file and line (Host patterns, negation, "first
 * value wins", Include), and a ProxyJump becomes one jump host or a refusal
 * that names the file and line.
 */
#include "config.h"

#include "unit.h"

#include "sshconfig.h"

/* Looks host up in a config made of text; returns the proxy found (free it). */
static struct sshconfig_proxy lookup(const char *text, const char *host, char **path)
{
	*path = unit_write_file(text);
	struct sshconfig_proxy p;
	assert_int_equal(sshconfig_proxy_find(*path, host, &p), 0);
	return p;
}

/* A ProxyJump in a matching Host block, with its file and line; other hosts get none. */
static void test_jump_found(void **state)
{
	(void)state;
	const char *text = "# comment\n"
	                   "Host other\n"
	                   "  ProxyCommand nc %h %p\n"
	                   "Host db1 db2.*\n"
	                   "  User postgres\n"
	                   "  ProxyJump admin@bastion.example.com:2222\n";
	char *path;
	struct sshconfig_proxy p = lookup(text, "DB2.dc2", &path);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_JUMP);
	assert_string_equal(p.value, "admin@bastion.example.com:2222");
	assert_string_equal(p.file, path);
	assert_int_equal(p.line, 6);
	char *cause = NULL;
	char *jump = sshconfig_jump(&p, &cause);
	assert_null(cause);
	assert_string_equal(jump, "admin@bastion.example.com:2222");
	free(jump);
	sshconfig_proxy_free(&p);

	assert_int_equal(sshconfig_proxy_find(path, "db3", &p), 0);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_NONE);
	assert_null(sshconfig_jump(&p, &cause));
	assert_null(cause);
	sshconfig_proxy_free(&p);
	unlink(path);
	free(path);
}

/* The first value obtained wins; a negated pattern excludes; "=" separates too. */
static void test_first_wins(void **state)
{
	(void)state;
	const char *text = "Host *.dc1 !db9.dc1\n"
	                   "  ProxyJump=bastion1\n"
	                   "Host *\n"
	                   "  ProxyCommand ssh -W %h:%p gw\n";
	char *path;
	struct sshconfig_proxy p = lookup(text, "db1.dc1", &path);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_JUMP);
	assert_string_equal(p.value, "bastion1");
	assert_int_equal(p.line, 2);
	sshconfig_proxy_free(&p);

	assert_int_equal(sshconfig_proxy_find(path, "db9.dc1", &p), 0);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_COMMAND);
	assert_int_equal(p.line, 4);
	char *cause = NULL;
	assert_null(sshconfig_jump(&p, &cause));
	assert_non_null(cause);
	char *where = xasprintf("%s:4: ProxyCommand", path);
	assert_non_null(strstr(cause, where));
	assert_non_null(strstr(cause, "ssh.jump"));
	free(where);
	free(cause);
	sshconfig_proxy_free(&p);
	unlink(path);
	free(path);
}

/* Several hops are refused naming the file, the line and the count; "none" is no jump. */
static void test_hops_and_none(void **state)
{
	(void)state;
	const char *text = "Host far\n"
	                   "  ProxyJump a@one:22,two\n"
	                   "Host near\n"
	                   "  ProxyJump none\n"
	                   "Host uri\n"
	                   "  ProxyJump ssh://op@gw.example:2200\n"
	                   "Host bad\n"
	                   "  ProxyJump gw:99999\n";
	char *path;
	struct sshconfig_proxy p = lookup(text, "far", &path);
	char *cause = NULL;
	assert_null(sshconfig_jump(&p, &cause));
	char *where = xasprintf("%s:2: ProxyJump a@one:22,two names 2 jump hosts", path);
	assert_non_null(cause);
	assert_non_null(strstr(cause, where));
	free(where);
	free(cause);
	sshconfig_proxy_free(&p);

	assert_int_equal(sshconfig_proxy_find(path, "near", &p), 0);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_JUMP);
	assert_null(sshconfig_jump(&p, &cause));
	assert_null(cause);
	sshconfig_proxy_free(&p);

	assert_int_equal(sshconfig_proxy_find(path, "uri", &p), 0);
	char *jump = sshconfig_jump(&p, &cause);
	assert_string_equal(jump, "op@gw.example:2200");
	free(jump);
	sshconfig_proxy_free(&p);

	assert_int_equal(sshconfig_proxy_find(path, "bad", &p), 0);
	assert_null(sshconfig_jump(&p, &cause));
	where = xasprintf("%s:8: ProxyJump gw:99999 is not", path);
	assert_non_null(strstr(cause, where));
	free(where);
	free(cause);
	sshconfig_proxy_free(&p);
	unlink(path);
	free(path);
}

/* An Include is followed (relative to the including file's folder) and named as the source. */
static void test_include(void **state)
{
	(void)state;
	char *inc = unit_write_file("Host db*\n  ProxyJump jumper:2022\n");
	const char *base = strrchr(inc, '/') + 1;
	char *text = xasprintf("Host nothing\n  User x\nHost *\n  Include %s\n", base);
	char *path;
	struct sshconfig_proxy p = lookup(text, "db1", &path);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_JUMP);
	assert_string_equal(p.file, inc);
	assert_int_equal(p.line, 2);
	sshconfig_proxy_free(&p);
	/* A Match block is not evaluated, and says so. */
	char *match = unit_write_file("Match host db1\n  ProxyJump hidden\n");
	assert_int_equal(sshconfig_proxy_find(match, "db1", &p), 0);
	assert_int_equal(p.kind, SSHCONFIG_PROXY_NONE);
	assert_true(p.unsure);
	sshconfig_proxy_free(&p);
	/* A file that cannot be read. */
	assert_int_equal(sshconfig_proxy_find("/nonexistent/drconsole/config", "db1", &p), -1);
	unlink(match);
	unlink(inc);
	unlink(path);
	free(match);
	free(inc);
	free(path);
	free(text);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jump_found),
	    cmocka_unit_test(test_first_wins),
	    cmocka_unit_test(test_hops_and_none),
	    cmocka_unit_test(test_include),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
