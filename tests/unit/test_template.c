/*
 * Tests of core/template.c: {{name}} substitution, shell-quoted in commands
 * and raw in texts; placeholders inside the command's own quotes, or in a
 * here-document's body, refused in shell mode; every error with its message
 * and the offset at fault.
 */
#include "config.h"

#include "unit.h"

#include "template.h"

/* Values known to the lookup below. */
static const char *const values[][2] = {
    {"site", "seoul"},
    {"host", "db1.example.com"},
    {"pgdata", "/var/lib/postgresql/15/main"},
    {"note", "it's a b"},
    {"evil", "'; touch /tmp/x; '"},
    {"empty", ""},
    {"site.primary", "db1"},
    {"loop", "{{site}}"},
    {"ko", "데이터베이스 장애"},
};

/* Looks a name up in values; counts the calls in *arg when arg is given. */
static char *lookup(void *arg, const char *name)
{
	if (arg != NULL)
		(*(int *)arg)++;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		if (strcmp(values[i][0], name) == 0)
			return xstrdup(values[i][1]);
	return NULL;
}

/* Expands tmpl and checks the result. */
static void expand_is(const char *tmpl, enum template_mode mode, const char *want)
{
	char *out = NULL;
	char err[256] = "";
	size_t off = 12345;
	if (template_expand(tmpl, mode, lookup, NULL, &out, err, sizeof err, &off) != 0)
		fail_msg("'%s' failed: %s", tmpl, err);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' gave [%s], expected [%s]", tmpl, out, want);
	free(out);
}

/* Expands tmpl, which must fail with exactly want at offset want_off. */
static void expand_fails(const char *tmpl, enum template_mode mode, const char *want,
                         size_t want_off)
{
	char *out = (char *)"untouched";
	char err[256] = "";
	size_t off = 12345;
	assert_int_equal(template_expand(tmpl, mode, lookup, NULL, &out, err, sizeof err, &off),
	                 -1);
	assert_string_equal(out, "untouched");
	if (strcmp(err, want) != 0)
		fail_msg("'%s' gave error [%s], expected [%s]", tmpl, err, want);
	if (off != want_off)
		fail_msg("'%s': error offset %zu, expected %zu", tmpl, off, want_off);
}

/* Known names are substituted; safe values stay bare in shell mode. */
static void test_template_substitution(void **state)
{
	(void)state;
	expand_is("pg_ctl -D {{pgdata}} promote", TEMPLATE_SHELL,
	          "pg_ctl -D /var/lib/postgresql/15/main promote");
	expand_is("ssh {{host}} {{site}}", TEMPLATE_SHELL, "ssh db1.example.com seoul");
	expand_is("{{site}}{{site}}", TEMPLATE_SHELL, "seoulseoul");
	expand_is("{{ site }}", TEMPLATE_SHELL, "seoul");
	expand_is("x {{site.primary}} y", TEMPLATE_SHELL, "x db1 y");
	expand_is("no placeholders at all", TEMPLATE_SHELL, "no placeholders at all");
	expand_is("", TEMPLATE_SHELL, "");
	expand_is("single { brace } and }} alone", TEMPLATE_TEXT, "single { brace } and }} alone");
	/* A value is never expanded again. */
	expand_is("{{loop}}", TEMPLATE_TEXT, "{{site}}");
	expand_is("{{loop}}", TEMPLATE_SHELL, "'{{site}}'");
}

/* Shell mode makes every value one quoted word. */
static void test_template_shell_quotes_values(void **state)
{
	(void)state;
	expand_is("echo {{note}}", TEMPLATE_SHELL, "echo 'it'\\''s a b'");
	expand_is("echo {{evil}}", TEMPLATE_SHELL, "echo ''\\''; touch /tmp/x; '\\'''");
	expand_is("echo {{empty}} end", TEMPLATE_SHELL, "echo '' end");
	expand_is("echo {{ko}}", TEMPLATE_SHELL, "echo '데이터베이스 장애'");
}

/* Text mode inserts values as they are, quotes and all. */
static void test_template_text_raw(void **state)
{
	(void)state;
	expand_is("Note: {{note}}", TEMPLATE_TEXT, "Note: it's a b");
	expand_is("[{{empty}}]", TEMPLATE_TEXT, "[]");
	expand_is("{{ko}} 확인", TEMPLATE_TEXT, "데이터베이스 장애 확인");
	/* Quotes around a placeholder are plain text here. */
	expand_is("Run '{{site}}' then \"{{host}}\"", TEMPLATE_TEXT,
	          "Run 'seoul' then \"db1.example.com\"");
	/* Unbalanced quotes are fine in prose. */
	expand_is("don't stop {{site}}", TEMPLATE_TEXT, "don't stop seoul");
}

/* A placeholder inside the command's own quotes is refused in shell mode. */
static void test_template_placeholder_in_quotes(void **state)
{
	(void)state;
	expand_fails("echo '{{site}}'", TEMPLATE_SHELL,
	             "placeholder {{site}} is inside single quotes: drconsole quotes every value "
	             "itself, so write it without quotes",
	             6);
	expand_fails("echo \"x {{site}} y\"", TEMPLATE_SHELL,
	             "placeholder {{site}} is inside double quotes: drconsole quotes every value "
	             "itself, so write it without quotes",
	             8);
	/* An escaped double quote does not end the double-quoted string. */
	expand_fails("echo \"a\\\" {{site}}\"", TEMPLATE_SHELL,
	             "placeholder {{site}} is inside double quotes: drconsole quotes every value "
	             "itself, so write it without quotes",
	             10);
	/* A single quote inside double quotes is a plain character. */
	expand_fails("echo \"it's {{site}}\"", TEMPLATE_SHELL,
	             "placeholder {{site}} is inside double quotes: drconsole quotes every value "
	             "itself, so write it without quotes",
	             11);
	/* The same placeholders, once the quotes are closed, are fine. */
	expand_is("echo 'a' {{site}} \"b\"", TEMPLATE_SHELL, "echo 'a' seoul \"b\"");
	expand_is("echo \"it's\" {{note}}", TEMPLATE_SHELL, "echo \"it's\" 'it'\\''s a b'");
}

/* Backslash escapes outside quotes, and a backslash inside single quotes, are understood. */
static void test_template_escapes(void **state)
{
	(void)state;
	expand_is("echo \\' {{site}}", TEMPLATE_SHELL, "echo \\' seoul");
	expand_is("echo \\\" {{site}}", TEMPLATE_SHELL, "echo \\\" seoul");
	/* In single quotes a backslash is literal: 'a\' is closed. */
	expand_is("echo 'a\\' {{site}}", TEMPLATE_SHELL, "echo 'a\\' seoul");
	expand_is("echo \"a\\\\\" {{site}}", TEMPLATE_SHELL, "echo \"a\\\\\" seoul");
	/* A trailing backslash is kept. */
	expand_is("echo {{site}} \\", TEMPLATE_SHELL, "echo seoul \\");
}

/* Unbalanced quotes in a command are refused at its end. */
static void test_template_unbalanced(void **state)
{
	(void)state;
	expand_fails("echo 'abc", TEMPLATE_SHELL, "unbalanced single quote in the command", 9);
	expand_fails("echo \"abc {{", TEMPLATE_SHELL, "'{{' without a closing '}}'", 10);
	expand_fails("echo \"abc\\\"", TEMPLATE_SHELL, "unbalanced double quote in the command",
	             11);
	expand_fails("echo {{site}} it's", TEMPLATE_SHELL, "unbalanced single quote in the command",
	             18);
}

/* Shell syntax that would change what a placeholder means is refused; comments are not quotes. */
static void test_template_shell_traps(void **state)
{
	(void)state;
	expand_fails("echo ${{site}}", TEMPLATE_SHELL,
	             "placeholder {{site}} right after '$' would be read by the shell as a "
	             "variable name",
	             6);
	expand_fails("echo \\{{site}}", TEMPLATE_SHELL, "a placeholder may not follow '\\'", 5);
	/* A quote inside a comment does not open a quoted string. */
	expand_is("echo {{site}} # don't", TEMPLATE_SHELL, "echo seoul # don't");
	expand_is("true; # it's\necho {{note}}", TEMPLATE_SHELL,
	          "true; # it's\necho 'it'\\''s a b'");
	/* '#' inside a word is not a comment. */
	expand_fails("echo a#b 'c {{site}}'", TEMPLATE_SHELL,
	             "placeholder {{site}} is inside single quotes: drconsole quotes every value "
	             "itself, so write it without quotes",
	             12);
	/* In text mode none of this applies. */
	expand_is("cost ${{site}}", TEMPLATE_TEXT, "cost $seoul");
}

/* Unknown names, bad names and an unclosed '{{' are refused at the placeholder. */
static void test_template_bad_placeholders(void **state)
{
	(void)state;
	expand_fails("echo {{nope}}", TEMPLATE_SHELL, "unknown placeholder {{nope}}", 5);
	expand_fails("a {{site}} b {{nope}}", TEMPLATE_TEXT, "unknown placeholder {{nope}}", 13);
	expand_fails("데이터 {{없음}}", TEMPLATE_TEXT, "bad placeholder name '{{없음}}'", 10);
	expand_fails("echo {{a b}}", TEMPLATE_SHELL, "bad placeholder name '{{a b}}'", 5);
	expand_fails("echo {{}}", TEMPLATE_SHELL, "bad placeholder name '{{}}'", 5);
	expand_fails("echo {{   }}", TEMPLATE_TEXT, "bad placeholder name '{{}}'", 5);
	expand_fails("echo {{.x}}", TEMPLATE_SHELL, "bad placeholder name '{{.x}}'", 5);
	expand_fails("echo {{x.}}", TEMPLATE_SHELL, "bad placeholder name '{{x.}}'", 5);
	expand_fails("echo {{x-y}}", TEMPLATE_SHELL, "bad placeholder name '{{x-y}}'", 5);
	expand_fails("echo {{site", TEMPLATE_SHELL, "'{{' without a closing '}}'", 5);
	expand_fails("{{site}} {{site} x", TEMPLATE_TEXT, "'{{' without a closing '}}'", 9);
	expand_fails("echo {{site}", TEMPLATE_TEXT, "'{{' without a closing '}}'", 5);
}

/* The refusal of a placeholder in the body of a here-document whose delimiter is unquoted. */
#define HEREDOC_EXPANDED(key, op)                                                                  \
	"placeholder {{" key "}} is inside the here-document " op ", whose body the shell "        \
	"expands: $(...) in the value would run; write v={{" key "}} before it and $v in the body"

/* The same, for a quoted delimiter (a literal body). */
#define HEREDOC_LITERAL(key, op, word)                                                             \
	"placeholder {{" key "}} is inside the here-document " op ", whose body is literal: it "   \
	"would hold the value's quoted form '...', not the value; write v={{" key "}} before it "  \
	"and $v in a body under <<" word

/* A placeholder in a here-document's body is refused, whatever the delimiter's quoting. */
static void test_template_heredoc_body(void **state)
{
	(void)state;
	expand_fails("cat <<EOF\n{{site}}\nEOF", TEMPLATE_SHELL, HEREDOC_EXPANDED("site", "<<EOF"),
	             10);
	expand_fails("cat <<EOF\nnote: {{evil}} end\nEOF\n", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("evil", "<<EOF"), 16);
	expand_fails("cat << END >/tmp/f\n{{site}}\nEND", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("site", "<< END"), 19);
	expand_fails("cat <<-EOF\n\t{{site}}\n\tEOF", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("site", "<<-EOF"), 12);
	/* Quoted delimiters: the body is literal, still refused, and the message says why. */
	expand_fails("cat <<'EOF'\n{{site}}\nEOF", TEMPLATE_SHELL,
	             HEREDOC_LITERAL("site", "<<'EOF'", "EOF"), 12);
	expand_fails("cat <<\"EOF\"\nx {{site}}\nEOF", TEMPLATE_SHELL,
	             HEREDOC_LITERAL("site", "<<\"EOF\"", "EOF"), 14);
	expand_fails("cat <<\\EOF\n{{site}}\nEOF", TEMPLATE_SHELL,
	             HEREDOC_LITERAL("site", "<<\\EOF", "EOF"), 11);
	expand_fails("cat <<E\"O\"F\n{{site}}\nEOF", TEMPLATE_SHELL,
	             HEREDOC_LITERAL("site", "<<E\"O\"F", "EOF"), 12);
	/* Two here-documents on one line: the second body follows the first. */
	expand_fails("cat <<A - <<B\na\nA\n{{site}}\nB", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("site", "<<B"), 18);
	/* Inside a command substitution, a body is a body all the same. */
	expand_fails("x=$(cat <<EOF\n{{site}}\nEOF\n)", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("site", "<<EOF"), 14);
	/* A line that only begins with the word, or is indented without <<-, is body. */
	expand_fails("cat <<EOF\nEOFX\n{{site}}\nEOF", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("site", "<<EOF"), 15);
	expand_fails("cat <<EOF\n\tEOF\n{{site}}\nEOF", TEMPLATE_SHELL,
	             HEREDOC_EXPANDED("site", "<<EOF"), 15);
	/* A bad placeholder in a body is reported as such. */
	expand_fails("cat <<EOF\n{{a b}}\nEOF", TEMPLATE_SHELL, "bad placeholder name '{{a b}}'",
	             10);
}

/* Outside a body placeholders work: on the << line, after the end line, and the way out. */
static void test_template_heredoc_around(void **state)
{
	(void)state;
	expand_is("cat <<EOF >{{site}}\nit's \"x\" $HOME\nEOF\necho {{note}}", TEMPLATE_SHELL,
	          "cat <<EOF >seoul\nit's \"x\" $HOME\nEOF\necho 'it'\\''s a b'");
	expand_is("cat <<-EOF\n\tx\n\tEOF\necho {{site}}", TEMPLATE_SHELL,
	          "cat <<-EOF\n\tx\n\tEOF\necho seoul");
	expand_is("cat <<'A' <<B\n'\nA\n\"\nB\necho {{site}}", TEMPLATE_SHELL,
	          "cat <<'A' <<B\n'\nA\n\"\nB\necho seoul");
	/* The way the message suggests: a variable holds the value, $v stays one value. */
	expand_is("v={{evil}}; cat <<EOF\n$v\nEOF", TEMPLATE_SHELL,
	          "v=''\\''; touch /tmp/x; '\\'''; cat <<EOF\n$v\nEOF");
	/* Not here-documents: a shift, <<< (a here-string), << quoted, escaped or in a comment. */
	expand_is("echo $((1<<2)) {{site}}", TEMPLATE_SHELL, "echo $((1<<2)) seoul");
	expand_is("echo $(( (1 + 2) << 3 )) {{site}}", TEMPLATE_SHELL,
	          "echo $(( (1 + 2) << 3 )) seoul");
	expand_is("cat <<< {{site}}", TEMPLATE_SHELL, "cat <<< seoul");
	expand_is("echo '<<EOF' \"a<<b\" {{site}}", TEMPLATE_SHELL, "echo '<<EOF' \"a<<b\" seoul");
	expand_is("echo \\<<EOF {{site}}", TEMPLATE_SHELL, "echo \\<<EOF seoul");
	expand_is("true # cat <<EOF\necho {{site}}", TEMPLATE_SHELL,
	          "true # cat <<EOF\necho seoul");
	/* In text mode << is prose. */
	expand_is("Run cat <<EOF\n{{site}}\nEOF", TEMPLATE_TEXT, "Run cat <<EOF\nseoul\nEOF");
}

/* A here-document without its end line or delimiter, or with a placeholder as one, is refused. */
static void test_template_heredoc_malformed(void **state)
{
	(void)state;
	expand_fails("cat <<EOF\nbody", TEMPLATE_SHELL, "here-document <<EOF has no end line 'EOF'",
	             14);
	expand_fails("cat <<EOF", TEMPLATE_SHELL, "here-document <<EOF has no end line 'EOF'", 9);
	expand_fails("cat <<'EOF'\nEOF'", TEMPLATE_SHELL,
	             "here-document <<'EOF' has no end line 'EOF'", 16);
	expand_fails("cat <<{{site}}\nx\n", TEMPLATE_SHELL,
	             "a placeholder cannot be a here-document's delimiter", 6);
	expand_fails("cat <<\nx", TEMPLATE_SHELL, "'<<' without a here-document delimiter word", 4);
	expand_fails("cat << ;", TEMPLATE_SHELL, "'<<' without a here-document delimiter word", 4);
	expand_fails("cat <<'EOF\nx", TEMPLATE_SHELL,
	             "unbalanced single quote in the here-document delimiter", 4);
	expand_fails("cat <<1 <<2 <<3 <<4 <<5 <<6 <<7 <<8 <<9\n", TEMPLATE_SHELL,
	             "more than 8 here-documents on one line", 36);
}

/* The lookup is not called for a placeholder refused for its place or name. */
static void test_template_lookup_calls(void **state)
{
	(void)state;
	int calls = 0;
	char *out = NULL;
	char err[256];
	size_t off;
	assert_int_equal(template_expand("a {{site}} {{host}}", TEMPLATE_SHELL, lookup, &calls,
	                                 &out, err, sizeof err, &off),
	                 0);
	assert_int_equal(calls, 2);
	free(out);
	calls = 0;
	assert_int_equal(template_expand("'{{site}}'", TEMPLATE_SHELL, lookup, &calls, &out, err,
	                                 sizeof err, &off),
	                 -1);
	assert_int_equal(calls, 0);
	assert_int_equal(template_expand("cat <<EOF\n{{site}}\nEOF", TEMPLATE_SHELL, lookup, &calls,
	                                 &out, err, sizeof err, &off),
	                 -1);
	assert_int_equal(calls, 0);
	/* A short error buffer is cut, never overrun. */
	char small[8];
	memset(small, 'Z', sizeof small);
	assert_int_equal(template_expand("{{nope}}", TEMPLATE_TEXT, lookup, NULL, &out, small,
	                                 sizeof small, &off),
	                 -1);
	assert_string_equal(small, "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_template_substitution),
	    cmocka_unit_test(test_template_shell_quotes_values),
	    cmocka_unit_test(test_template_text_raw),
	    cmocka_unit_test(test_template_placeholder_in_quotes),
	    cmocka_unit_test(test_template_escapes),
	    cmocka_unit_test(test_template_unbalanced),
	    cmocka_unit_test(test_template_shell_traps),
	    cmocka_unit_test(test_template_bad_placeholders),
	    cmocka_unit_test(test_template_heredoc_body),
	    cmocka_unit_test(test_template_heredoc_around),
	    cmocka_unit_test(test_template_heredoc_malformed),
	    cmocka_unit_test(test_template_lookup_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
