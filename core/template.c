/*
 * Placeholder substitution. In a shell command every value becomes one word,
 * quoted by shquote(), so a value holding "'; rm -rf /; '" is passed literally.
 * For that to hold, a placeholder must stand outside the command's own quotes:
 * "{{x}}" or '{{x}}' in a command is an error, never silently half-quoted. In
 * plain text (manual instructions) values are inserted as they are.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shquote.h"
#include "template.h"
#include "xmalloc.h"

struct template_buf {
	char *s;
	size_t len, cap;
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

/* Expands tmpl into *out; returns 0, or -1 with a message and the offset at fault. */
int template_expand(const char *tmpl, enum template_mode mode, template_lookup_fn lookup,
		    void *arg, char **out, char *err, size_t errlen, size_t *err_offset)
{
	struct template_buf b = {NULL, 0, 0};
	char quote = 0;  /* the shell quote we are inside, or 0 */
	int comment = 0; /* inside a shell comment, up to the end of the line */
	size_t i = 0, len = strlen(tmpl);

	template_put(&b, "", 0);
	while (i < len) {
		if (tmpl[i] == '{' && i + 1 < len && tmpl[i + 1] == '{') {
			const char *close = strstr(tmpl + i + 2, "}}");
			*err_offset = i;
			if (close == NULL) {
				snprintf(err, errlen, "'{{' without a closing '}}'");
				goto fail;
			}
			const char *name = tmpl + i + 2;
			size_t n = (size_t)(close - name);
			while (n > 0 && *name == ' ')
				name++, n--;
			while (n > 0 && name[n - 1] == ' ')
				n--;
			char *key = xstrndup(name, n);
			if (!template_valid_name(name, n)) {
				snprintf(err, errlen, "bad placeholder name '{{%s}}'", key);
				free(key);
				goto fail;
			}
			if (mode == TEMPLATE_SHELL && quote == 0 && b.len > 0 && b.s[b.len - 1] == '$') {
				snprintf(err, errlen,
					 "placeholder {{%s}} right after '$' would be read by the shell "
					 "as a variable name",
					 key);
				free(key);
				goto fail;
			}
			if (mode == TEMPLATE_SHELL && quote != 0) {
				snprintf(err, errlen,
					 "placeholder {{%s}} is inside %s quotes: drconsole quotes "
					 "every value itself, so write it without quotes",
					 key, quote == '\'' ? "single" : "double");
				free(key);
				goto fail;
			}
			char *value = lookup(arg, key);
			if (value == NULL) {
				snprintf(err, errlen, "unknown placeholder {{%s}}", key);
				free(key);
				goto fail;
			}
			char *word = mode == TEMPLATE_SHELL ? shquote(value) : xstrdup(value);
			template_put(&b, word, strlen(word));
			free(word);
			free(value);
			free(key);
			i = (size_t)(close - tmpl) + 2;
			continue;
		}
		char ch = tmpl[i];
		if (mode == TEMPLATE_SHELL && comment) {
			comment = ch != '\n';
		} else if (mode == TEMPLATE_SHELL) {
			if (quote == 0 && ch == '\\' && strncmp(tmpl + i + 1, "{{", 2) == 0) {
				*err_offset = i;
				snprintf(err, errlen, "a placeholder may not follow '\\'");
				goto fail;
			}
			if (quote == 0 && ch == '#' &&
			    (i == 0 || tmpl[i - 1] == ' ' || tmpl[i - 1] == '\t' || tmpl[i - 1] == '\n' ||
			     tmpl[i - 1] == ';')) {
				comment = 1; /* quotes in a comment mean nothing to the shell */
				template_put(&b, &ch, 1);
				i++;
				continue;
			}
			if (quote == 0 && ch == '\\' && i + 1 < len) {
				template_put(&b, tmpl + i, 2);
				i += 2;
				continue;
			}
			if (quote == '"' && ch == '\\' && i + 1 < len) {
				template_put(&b, tmpl + i, 2);
				i += 2;
				continue;
			}
			if (quote == 0 && (ch == '\'' || ch == '"'))
				quote = ch;
			else if (quote == ch)
				quote = 0;
		}
		template_put(&b, &ch, 1);
		i++;
	}
	if (quote != 0) {
		*err_offset = len;
		snprintf(err, errlen, "unbalanced %s quote in the command",
			 quote == '\'' ? "single" : "double");
		goto fail;
	}
	*out = b.s;
	return 0;
fail:
	free(b.s);
	return -1;
}
