/*
 * Password detection. A key named like a password (password, passwd,
 * passphrase, pgpassword) or a value that carries one (a libpq "password="
 * keyword, PGPASSWORD=, a URI with user:password@) is reported wherever it sits
 * in the tree: secrets belong in ssh-agent, key files, ~/.pgpass or a service file.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "secret.h"

/* Finds needle in haystack ignoring ASCII case. */
static const char *secret_find(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = haystack; *p != '\0'; p++)
		if (strncasecmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* Tells whether a key name stands for a password. */
int secret_key_name(const char *key)
{
	return secret_find(key, "password") != NULL || secret_find(key, "passwd") != NULL ||
	       secret_find(key, "passphrase") != NULL;
}

/* Tells whether a URI in s carries "user:password@" after "://". */
static int secret_uri(const char *s)
{
	for (const char *p = strstr(s, "://"); p != NULL; p = strstr(p + 3, "://")) {
		const char *q = p + 3;
		const char *colon = NULL;
		for (; *q != '\0' && *q != '/' && *q != '@' && !isspace((unsigned char)*q); q++)
			if (*q == ':' && colon == NULL)
				colon = q;
		if (*q == '@' && colon != NULL && colon + 1 < q)
			return 1;
	}
	return 0;
}

/* Tells whether a value carries a password. */
int secret_in_text(const char *s)
{
	for (const char *p = secret_find(s, "password"); p != NULL;
	     p = secret_find(p + 1, "password")) {
		const char *q = p + 8;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=')
			return 1;
	}
	return secret_find(s, "PGPASSWORD=") != NULL || secret_uri(s);
}

/* Reports every password in the tree below n; returns how many were found. */
int secret_scan(struct yctx *c, const struct ynode *n)
{
	int found = 0;
	if (n == NULL)
		return 0;
	if (n->kind == YNODE_SCALAR) {
		if (secret_in_text(n->str)) {
			yfield_error(c, n,
				     "a password is written in this value: drconsole never keeps "
				     "secrets in its config (use ~/.pgpass, a service file or "
				     "ssh-agent)");
			found++;
		}
		return found;
	}
	if (n->kind == YNODE_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			found += secret_scan(c, n->items[i]);
		return found;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->pairs[i].key;
		if (secret_key_name(k->str)) {
			yfield_error(c, k,
				     "key '%s': a password may not be written in the config (use "
				     "~/.pgpass, a service file or ssh-agent)",
				     k->str);
			found++;
			continue;
		}
		found += secret_scan(c, n->pairs[i].value);
	}
	return found;
}
