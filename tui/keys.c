/*
 * Key tables: a key is looked up in its mode's table, then in the parents';
 * the first binding that matches it and applies now is the one. Explicit
 * keys are looked for along the whole chain before any KEYS_TEXT or KEYS_ANY
 * binding, so a key named somewhere is never taken as typed text.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"
#include "utf8.h"

/* Tells whether a binding names ch (explicitly; KEYS_TEXT and KEYS_ANY aside). */
static int keys_names(const struct keys_binding *b, int ch)
{
	if (b->last != 0)
		return ch >= b->key[0] && ch <= b->last;
	for (size_t i = 0; i < KEYS_MAX && b->key[i] != 0; i++)
		if (b->key[i] == ch)
			return 1;
	return 0;
}

/* Tells whether a binding takes ch: a key it names, or any text or key it stands for. */
int keys_match(const struct keys_binding *b, int ch)
{
	if (b->key[0] == KEYS_ANY)
		return 1;
	if (b->key[0] == KEYS_TEXT)
		return ch >= 0x20 && ch <= 0xff && ch != 0x7f;
	return keys_names(b, ch);
}

/* Tells whether a binding applies in state s. */
int keys_applies(const struct keys_binding *b, const struct keys_state *s)
{
	if (b->run != RBKEY_NONE && !rbkeys_applies(&s->run, b->run))
		return 0;
	return b->applies == NULL || b->applies(s);
}

/* Finds, along the chain from t, the first applying binding that names ch (wild: any that takes
 * it). */
static const struct keys_binding *keys_walk(const struct keys_table *t, const struct keys_state *s,
                                            int ch, int wild)
{
	for (; t != NULL; t = t->parent)
		for (size_t i = 0; i < t->n; i++) {
			const struct keys_binding *b = &t->b[i];
			int named = b->key[0] != KEYS_ANY && b->key[0] != KEYS_TEXT;
			if ((wild ? !named && keys_match(b, ch) : named && keys_names(b, ch)) &&
			    keys_applies(b, s))
				return b;
		}
	return NULL;
}

/* Finds the binding a key calls in mode t now, or NULL: the key does nothing. */
const struct keys_binding *keys_find(const struct keys_table *t, const struct keys_state *s, int ch)
{
	const struct keys_binding *b = keys_walk(t, s, ch, 0);
	return b != NULL ? b : keys_walk(t, s, ch, 1);
}

/* Lists the key line's bindings that apply now, the mode's own first; returns how many. */
size_t keys_line(const struct keys_table *t, const struct keys_state *s,
                 const struct keys_binding **out, size_t max)
{
	size_t n = 0;
	for (; t != NULL; t = t->parent)
		for (size_t i = 0; i < t->n && n < max; i++)
			if ((t->b[i].flags & KEYS_LINE) && keys_applies(&t->b[i], s))
				out[n++] = &t->b[i];
	return n;
}

/* Writes a binding as the key line names it: "o: override guard". */
void keys_item(const struct keys_binding *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s", _(b->label), _(b->help));
}

/* Writes the key line as one line: "o: override guard  n: note  a: abort". */
void keys_line_text(const struct keys_table *t, const struct keys_state *s, char *buf, size_t len)
{
	const struct keys_binding *b[32];
	size_t n = keys_line(t, s, b, sizeof b / sizeof b[0]), used = 0;
	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		char item[256];
		keys_item(b[i], item, sizeof item);
		int w = snprintf(buf + used, len - used, "%s%s", i ? "  " : "", item);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Writes a binding's row of the help: its keys in 11 columns (by display width), then what it
 * does. */
void keys_help_row(const struct keys_binding *b, char *buf, size_t len)
{
	const char *label = _(b->label);
	int pad = 11 - utf8_width(label);
	snprintf(buf, len, "%s%*s %s", label, pad > 0 ? pad : 0, "", _(b->help));
}
