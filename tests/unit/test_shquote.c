/*
 * Tests of core/shquote.c: the exact quoted forms, and a round trip through
 * /bin/sh for hostile strings: `printf %s WORD` must print the string back
 * unchanged, and no injected command may run.
 */
#include "config.h"

#include "unit.h"

#include "shquote.h"

/* Quotes s and checks the exact result. */
static void quote_is(const char *s, const char *want)
{
	char *got = shquote(s);
	if (strcmp(got, want) != 0)
		fail_msg("shquote(\"%s\") is [%s], expected [%s]", s, got, want);
	free(got);
}

/* Words made only of safe characters are returned as they are. */
static void test_shquote_safe(void **state)
{
	(void)state;
	quote_is("abc", "abc");
	quote_is("pg_ctl", "pg_ctl");
	quote_is("/usr/lib/postgresql/15/bin/pg_ctl", "/usr/lib/postgresql/15/bin/pg_ctl");
	quote_is("db1.example.com:5432", "db1.example.com:5432");
	quote_is("user@host", "user@host");
	quote_is("-D", "-D");
	quote_is("a=b,c+d%e", "a=b,c+d%e");
	quote_is("0", "0");
}

/* Everything else is wrapped in single quotes, each quote written as '\''. */
static void test_shquote_quoted(void **state)
{
	(void)state;
	quote_is("", "''");
	quote_is("a b", "'a b'");
	quote_is("it's", "'it'\\''s'");
	quote_is("'", "''\\'''");
	quote_is("''", "''\\'''\\'''");
	quote_is("$HOME", "'$HOME'");
	quote_is("~", "'~'");
	quote_is("~/x", "'~/x'");
	quote_is("*", "'*'");
	quote_is("a\nb", "'a\nb'");
	quote_is("back\\slash", "'back\\slash'");
	quote_is("데이터", "'데이터'");
	quote_is("#x", "'#x'");
	quote_is("a;b", "'a;b'");
}

/* Runs `printf %s WORD` through /bin/sh and returns what it printed. */
static char *sh_roundtrip(const char *s)
{
	char *word = shquote(s);
	char *cmd = xasprintf("printf %%s %s", word);
	free(word);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 256, len = 0;
	char *out = xmalloc(cap);
	size_t r;
	while ((r = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += r;
		if (len + 1 == cap)
			out = xrealloc(out, cap *= 2);
	}
	out[len] = '\0';
	int status = pclose(p);
	if (status != 0)
		fail_msg("command [%s] exited with status %d", cmd, status);
	free(cmd);
	return out;
}

/* Hostile strings come back from the shell byte for byte, and inject nothing. */
static void test_shquote_shell_roundtrip(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-shq-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *marks[5];
	char *nasty[32];
	size_t n = 0;
	for (int i = 0; i < 5; i++)
		marks[i] = xasprintf("%s/injected-%d", dir, i);
	nasty[n++] = xasprintf("'; touch %s; '", marks[0]);
	nasty[n++] = xasprintf("$(touch %s)", marks[1]);
	nasty[n++] = xasprintf("`touch %s`", marks[2]);
	nasty[n++] = xasprintf("x\ntouch %s\n", marks[3]);
	nasty[n++] = xasprintf("\\'; touch %s; echo \\'", marks[4]);
	static const char *const fixed[] = {
		"",      "plain", "two words", "it's",   "'",      "''''",  "$(id)",
		"`id`",  "*",     "\\",        "a\\'b",  "\"dq\"", "$HOME", "~",
		"-n",    "%s%d",  "line1\nline2\n",      "\t tab", "!bang", "{a,b}",
		"[ab]",  "a|b&c", "<x>(y)",   "데이터베이스 장애",   "#not a comment",
		" lead", "trail ",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		nasty[n++] = xstrdup(fixed[i]);
	assert_true(n <= sizeof nasty / sizeof nasty[0]);

	for (size_t i = 0; i < n; i++) {
		char *back = sh_roundtrip(nasty[i]);
		if (strcmp(back, nasty[i]) != 0)
			fail_msg("sent [%s], the shell printed [%s]", nasty[i], back);
		free(back);
	}
	for (int i = 0; i < 5; i++) {
		if (access(marks[i], F_OK) == 0)
			fail_msg("injection ran: %s exists", marks[i]);
		free(marks[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(nasty[i]);
	assert_int_equal(rmdir(dir), 0);
}

/* The injection check itself works: an unquoted string does create its mark. */
static void test_shquote_injection_probe_works(void **state)
{
	(void)state;
	char dir[] = "/tmp/drconsole-shq-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *mark = xasprintf("%s/probe", dir);
	char *cmd = xasprintf("printf %%s ''; touch %s; : ''", mark);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	pclose(p);
	assert_int_equal(access(mark, F_OK), 0);
	assert_int_equal(unlink(mark), 0);
	assert_int_equal(rmdir(dir), 0);
	free(cmd);
	free(mark);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shquote_safe),
		cmocka_unit_test(test_shquote_quoted),
		cmocka_unit_test(test_shquote_shell_roundtrip),
		cmocka_unit_test(test_shquote_injection_probe_works),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
