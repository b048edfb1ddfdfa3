/*
 * Placeholder substitution. In a shell command every value becomes one word,
 * quoted by shquote(), so a value holding "'; rm -rf /; '" is passed literally.
 * For that to hold, a placeholder must stand where the shell reads a quoted
 * word as one literal word, and nowhere else:
 *  - not inside the command's own quotes: "{{x}}" or '{{x}}' is an error,
 *    never silently half-quoted;
 *  - not in the body of a here-document (<<EOF ... EOF): the shell expands
 *    $(...), `...` and $x in an unquoted body whatever quotes the value
 *    carries, and keeps a quoted one (<<'EOF') literal, quotes and all.
 * The command is scanned the way /bin/sh reads it: quotes, backslashes,
 * comments, $((...)) (whose << is a shift) and here-documents, each body
 * running from the line after its << to the line equal to its delimiter.
 * In plain text (manual instructions) values are inserted as they are.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shquote.h"
#include "template.h"
#include "xmalloc.h"

/* Here-documents one line may open before their bodies follow. */
#define TEMPLATE_MAX_HEREDOCS 8

struct template_buf {
	char *s;
	size_t len, cap;
};

/* A here-document opened on the current line, its body still to come. */
struct template_heredoc {
	char *word;     /* the delimiter, quotes removed */
	char *written;  /* the operator and delimiter as written, e.g. "<<-'EOF'" */
	int quoted;     /* the delimiter was quoted: the body is literal */
	int strip_tabs; /* <<-: leading tabs do not count when matching the end line */
};

/* The state of one expansion. */
struct template_scan {
	const char *tmpl;
	size_t len, i; /* the template, its length, the offset being read */
	enum template_mode mode;
	template_lookup_fn lookup;
	void *arg;
	struct template_buf b; /* the result so far */
	char quote;            /* the shell quote we are inside, or 0 */
	int comment;           /* inside a shell comment, up to the end of the line */
	int arith;             /* parentheses open in a $((...)), 0 outside one */
	struct template_heredoc docs[TEMPLATE_MAX_HEREDOCS];
	size_t n_docs;
	char *err;
	size_t errlen;
	size_t *err_offset;
};

/* Appends n bytes to the buffer. */
static void template_put(struct template_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Copies n bytes of the template to the result as they are; returns 0. */
static int template_copy(struct template_scan *s, size_t n)
{
	template_put(&s->b, s->tmpl + s->i, n);
	s->i += n;
	return 0;
}

/* Records an error at offset at; returns -1. */
static int template_fail(struct template_scan *s, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int template_fail(struct template_scan *s, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
	*s->err_offset = at;
	return -1;
}

/* Tells whether a placeholder name is well formed: letters, digits, '_' and '.'. */
static int template_valid_name(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.'))
			return 0;
	}
	return 1;
}

/* Reads the placeholder whose "{{" is at offset at: its name into *key, its end into *end. */
static int template_read_name(struct template_scan *s, size_t at, char **key, size_t *end)
{
	const char *close = strstr(s->tmpl + at + 2, "}}");
	if (close == NULL)
		return template_fail(s, at, "'{{' without a closing '}}'");
	const char *name = s->tmpl + at + 2;
	size_t n = (size_t)(close - name);
	while (n > 0 && *name == ' ')
		name++, n--;
	while (n > 0 && name[n - 1] == ' ')
		n--;
	*key = xstrndup(name, n);
	*end = (size_t)(close - s->tmpl) + 2;
	if (template_valid_name(name, n))
		return 0;
	template_fail(s, at, "bad placeholder name '{{%s}}'", *key);
	free(*key);
	return -1;
}

/* Refuses a placeholder where the shell would not read its quoted value as one word. */
static int template_refuse_place(struct template_scan *s, size_t at, const char *key)
{
	if (s->mode != TEMPLATE_SHELL)
		return 0;
	if (s->quote == 0 && s->b.len > 0 && s->b.s[s->b.len - 1] == '$')
		return template_fail(s, at,
		                     "placeholder {{%s}} right after '$' would be read by the "
		                     "shell as a variable name",
		                     key);
	if (s->quote != 0)
		return template_fail(s, at,
		                     "placeholder {{%s}} is inside %s quotes: drconsole quotes "
		                     "every value itself, so write it without quotes",
		                     key, s->quote == '\'' ? "single" : "double");
	return 0;
}

/* Substitutes the placeholder at the current offset. */
static int template_placeholder(struct template_scan *s)
{
	size_t at = s->i, end;
	char *key;
	if (template_read_name(s, at, &key, &end) == -1)
		return -1;
	if (template_refuse_place(s, at, key) == -1) {
		free(key);
		return -1;
	}
	char *value = s->lookup(s->arg, key);
	if (value == NULL) {
		template_fail(s, at, "unknown placeholder {{%s}}", key);
		free(key);
		return -1;
	}
	char *word = s->mode == TEMPLATE_SHELL ? shquote(value) : xstrdup(value);
	template_put(&s->b, word, strlen(word));
	s->i = end;
	free(word);
	free(value);
	free(key);
	return 0;
}

/* Forgets the here-documents opened on the current line. */
static void template_heredocs_clear(struct template_scan *s)
{
	for (size_t k = 0; k < s->n_docs; k++) {
		free(s->docs[k].word);
		free(s->docs[k].written);
	}
	s->n_docs = 0;
}

/* Reads a here-document's delimiter word at offset p into w; returns its end, or 0 on error. */
static size_t template_heredoc_word(struct template_scan *s, size_t at, size_t p,
                                    struct template_buf *w, int *quoted)
{
	const char *t = s->tmpl;
	char q = 0;
	for (; t[p] != '\0' && (q != 0 || strchr(" \t\n;&|<>()", t[p]) == NULL); p++) {
		if (t[p] == '{' && t[p + 1] == '{') {
			template_fail(s, p, "a placeholder cannot be a here-document's delimiter");
			return 0;
		}
		if (q == 0 && t[p] == '\\' && t[p + 1] != '\0') {
			*quoted = 1;
			p++;
		} else if (q == 0 && (t[p] == '\'' || t[p] == '"')) {
			*quoted = 1;
			q = t[p];
			continue;
		} else if (q != 0 && t[p] == q) {
			q = 0;
			continue;
		} else if (q == '"' && t[p] == '\\' && t[p + 1] != '\0' &&
		           strchr("\"\\$`", t[p + 1]) != NULL) {
			p++;
		}
		template_put(w, t + p, 1);
	}
	if (q != 0)
		template_fail(s, at, "unbalanced %s quote in the here-document delimiter",
		              q == '\'' ? "single" : "double");
	else if (w->len == 0)
		template_fail(s, at, "'<<' without a here-document delimiter word");
	return q != 0 || w->len == 0 ? 0 : p;
}

/* Reads a here-document's operator and delimiter (<<EOF, <<-EOF, <<'EOF', ...). */
static int template_heredoc_start(struct template_scan *s)
{
	size_t at = s->i, p = at + 2;
	struct template_buf w = {NULL, 0, 0};
	struct template_heredoc h = {NULL, NULL, 0, 0};
	if (s->tmpl[p] == '<')
		return template_copy(s, 3); /* <<< is bash's here-string: a word, no body */
	if (s->tmpl[p] == '-')
		h.strip_tabs = 1, p++;
	while (s->tmpl[p] == ' ' || s->tmpl[p] == '\t')
		p++;
	template_put(&w, "", 0);
	p = template_heredoc_word(s, at, p, &w, &h.quoted);
	if (p == 0) {
		free(w.s);
		return -1;
	}
	if (s->n_docs == TEMPLATE_MAX_HEREDOCS) {
		free(w.s);
		return template_fail(s, at, "more than %d here-documents on one line",
		                     TEMPLATE_MAX_HEREDOCS);
	}
	h.word = w.s;
	h.written = xstrndup(s->tmpl + at, p - at);
	s->docs[s->n_docs++] = h;
	return template_copy(s, p - at);
}

/* Refuses the placeholder at offset at, found in the body of here-document h. */
static int template_heredoc_refuse(struct template_scan *s, const struct template_heredoc *h,
                                   size_t at)
{
	size_t end;
	char *key;
	if (template_read_name(s, at, &key, &end) == -1)
		return -1;
	if (h->quoted)
		template_fail(
		    s, at,
		    "placeholder {{%s}} is inside the here-document %s, whose body is "
		    "literal: it would hold the value's quoted form '...', not the value; "
		    "write v={{%s}} before it and $v in a body under <<%s",
		    key, h->written, key, h->word);
	else
		template_fail(s, at,
		              "placeholder {{%s}} is inside the here-document %s, whose body the "
		              "shell expands: $(...) in the value would run; write v={{%s}} "
		              "before it and $v in the body",
		              key, h->written, key);
	free(key);
	return -1;
}

/* Copies one here-document's body and its end line, refusing any placeholder in them. */
static int template_heredoc_body(struct template_scan *s, const struct template_heredoc *h)
{
	size_t wlen = strlen(h->word);
	while (s->i < s->len) {
		const char *line = s->tmpl + s->i, *cmp = line;
		size_t n = strcspn(line, "\n");
		while (h->strip_tabs && *cmp == '\t')
			cmp++;
		int last = (size_t)(line + n - cmp) == wlen && strncmp(cmp, h->word, wlen) == 0;
		const char *ph = strstr(line, "{{");
		if (!last && ph != NULL && ph < line + n)
			return template_heredoc_refuse(s, h, (size_t)(ph - s->tmpl));
		template_copy(s, n + (line[n] == '\n'));
		if (last)
			return 0;
	}
	return template_fail(s, s->len, "here-document %s has no end line '%s'", h->written,
	                     h->word);
}

/* Reads the bodies of the here-documents opened on the line just ended. */
static int template_heredoc_bodies(struct template_scan *s)
{
	for (size_t k = 0; k < s->n_docs; k++)
		if (template_heredoc_body(s, &s->docs[k]) == -1)
			return -1;
	template_heredocs_clear(s);
	return 0;
}

/* Tells whether a '#' at offset i starts a comment (it begins a word). */
static int template_comment_starts(const struct template_scan *s)
{
	char before = s->i == 0 ? ' ' : s->tmpl[s->i - 1];
	return before == ' ' || before == '\t' || before == '\n' || before == ';';
}

/* Reads one character outside quotes and comments; returns 1 when it was consumed. */
static int template_shell_bare(struct template_scan *s, int *rc)
{
	const char *t = s->tmpl + s->i;
	if (t[0] == '\\' && strncmp(t + 1, "{{", 2) == 0)
		*rc = template_fail(s, s->i, "a placeholder may not follow '\\'");
	else if (t[0] == '\\' && t[1] != '\0')
		*rc = template_copy(s, 2);
	else if (strncmp(t, "$((", 3) == 0)
		s->arith += 2, *rc = template_copy(s, 3);
	else if (s->arith == 0 && strncmp(t, "<<", 2) == 0)
		*rc = template_heredoc_start(s);
	else
		return 0;
	return 1;
}

/* Reads one character of a shell command, tracking quotes, comments and here-documents. */
static int template_shell_char(struct template_scan *s)
{
	char ch = s->tmpl[s->i];
	int rc = 0;
	if (s->comment) {
		s->comment = ch != '\n';
	} else if (s->quote == 0) {
		if (template_shell_bare(s, &rc))
			return rc;
		if (ch == '#' && template_comment_starts(s))
			s->comment = 1; /* quotes in a comment mean nothing to the shell */
		else if (ch == '\'' || ch == '"')
			s->quote = ch;
		else if (s->arith > 0 && (ch == '(' || ch == ')'))
			s->arith += ch == '(' ? 1 : -1;
	} else if (s->quote == '"' && ch == '\\' && s->i + 1 < s->len) {
		return template_copy(s, 2);
	} else if (ch == s->quote) {
		s->quote = 0;
	}
	template_copy(s, 1);
	if (ch == '\n' && s->quote == 0 && s->n_docs > 0)
		return template_heredoc_bodies(s);
	return 0;
}

/* Checks what must be closed at the end of a command. */
static int template_finish(struct template_scan *s)
{
	if (s->mode != TEMPLATE_SHELL)
		return 0;
	if (s->quote != 0)
		return template_fail(s, s->len, "unbalanced %s quote in the command",
		                     s->quote == '\'' ? "single" : "double");
	if (s->n_docs > 0)
		return template_fail(s, s->len, "here-document %s has no end line '%s'",
		                     s->docs[0].written, s->docs[0].word);
	return 0;
}

/* Expands tmpl into *out; returns 0, or -1 with a message and the offset at fault. */
int template_expand(const char *tmpl, enum template_mode mode, template_lookup_fn lookup, void *arg,
                    char **out, char *err, size_t errlen, size_t *err_offset)
{
	struct template_scan s;
	int rc = 0;
	memset(&s, 0, sizeof s);
	s.tmpl = tmpl;
	s.len = strlen(tmpl);
	s.mode = mode;
	s.lookup = lookup;
	s.arg = arg;
	s.err = err;
	s.errlen = errlen;
	s.err_offset = err_offset;
	template_put(&s.b, "", 0);
	while (rc == 0 && s.i < s.len) {
		if (tmpl[s.i] == '{' && tmpl[s.i + 1] == '{')
			rc = template_placeholder(&s);
		else if (mode == TEMPLATE_SHELL)
			rc = template_shell_char(&s);
		else
			rc = template_copy(&s, 1);
	}
	if (rc == 0)
		rc = template_finish(&s);
	template_heredocs_clear(&s);
	if (rc == -1) {
		free(s.b.s);
		return -1;
	}
	*out = s.b.s;
	return 0;
}
