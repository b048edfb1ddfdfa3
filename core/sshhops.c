/*
 * A chain of jump hosts and the nested OpenSSH command that crosses it, as
 * ProxyJump does, but written by drconsole so that every hop is strict.
 *
 * For hops h1..hn and a target T, the ssh that reaches hop k runs
 *   ssh -W NEXT <options> -o ProxyCommand=<the ssh that reaches hop k-1> -- hk
 * (hop 1 gets ProxyCommand=none, so the ssh config cannot add a hop of its
 * own), where NEXT is T for the last hop and, for the others, "[%h]:%p",
 * which the next ssh fills in with the host it resolved from the ssh config,
 * exactly as OpenSSH's own ProxyJump does. Every hop has batch mode, a
 * connect timeout, strict host keys against the site's known_hosts and a log
 * file of its own.
 *
 * Quoting, one level per hop: a command is read by its expander (libssh for
 * the outermost, the next ssh for an inner one), which replaces %-tokens,
 * then by the shell ($SHELL, a POSIX shell). So each word is shell-quoted and its '%' doubled,
 * except the "[%h]:%p" meant for the expander; an inner command is one word of the command around
 * it and is quoted and escaped again with it. Values that OpenSSH expands once more itself
 * (UserKnownHostsFile, IdentityFile: %-tokens and ${VAR}) get their '%' doubled first, and "${" and
 * control characters are refused. Host and user names are refused unless made of plain name
 * characters: they are never run, and never need guessing how a hop's ssh
 * will read them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshhops.h"
#include "xmalloc.h"

/* The -W target that the next ssh fills in with the host and port it resolved. */
#define SSHHOPS_NEXT "[%h]:%p"

/* Tells whether s is a plain name: letters, digits, '.', '_', '-', not starting with '-' or '.'. */
static int sshhops_plain(const char *s, size_t n)
{
	if (n == 0 || s[0] == '-' || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Tells whether s (n bytes) is an IPv6 address's characters: hex digits, ':' and '.'. */
static int sshhops_v6(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789abcdefABCDEF:.") >= n;
}

/* Checks a port's digits (1..65535). */
static int sshhops_port_ok(const char *p)
{
	return *p != '\0' && strspn(p, "0123456789") == strlen(p) && strlen(p) <= 5 &&
	       atoi(p) >= 1 && atoi(p) <= 65535;
}

/* Parses one hop "[ssh://][user@]host[:port]" of n bytes into hop; -1 with *why if malformed. */
static int sshhops_parse_one(const char *s, size_t n, struct sshhop *hop, const char **why)
{
	char *spec = xstrndup(s, n);
	char *hp = spec, *at, *colon = NULL;
	if (strncasecmp(hp, "ssh://", 6) == 0)
		hp += 6;
	memset(hop, 0, sizeof *hop);
	hop->spec = xstrdup(hp);
	if ((at = strrchr(hp, '@')) != NULL) {
		*at = '\0';
		hop->user = xstrdup(hp);
		hp = at + 1;
	}
	if (hp[0] == '[') {
		char *close = strchr(hp, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':') ||
		    !sshhops_v6(hp + 1, (size_t)(close - hp - 1))) {
			*why = "is not a bracketed IPv6 address";
			goto bad;
		}
		hop->host = xstrndup(hp + 1, (size_t)(close - hp - 1));
		colon = close[1] == ':' ? close + 1 : NULL;
	} else if (strchr(hp, ':') != NULL && strchr(hp, ':') != strrchr(hp, ':')) {
		if (!sshhops_v6(hp, strlen(hp))) {
			*why = "is not an IPv6 address";
			goto bad;
		}
		hop->host = xstrdup(hp); /* a bare IPv6 address, no port */
	} else {
		colon = strchr(hp, ':');
		hop->host = colon ? xstrndup(hp, (size_t)(colon - hp)) : xstrdup(hp);
		if (!sshhops_plain(hop->host, strlen(hop->host))) {
			*why = "has a host name that is not letters, digits, '.', '_' and '-'";
			goto bad;
		}
	}
	if (colon != NULL) {
		if (!sshhops_port_ok(colon + 1)) {
			*why = "has a port that is not 1 to 65535";
			goto bad;
		}
		hop->port = xstrdup(colon + 1);
	}
	if (hop->user != NULL && !sshhops_plain(hop->user, strlen(hop->user))) {
		*why = "has a user name that is not letters, digits, '.', '_' and '-'";
		goto bad;
	}
	free(spec);
	return 0;
bad:
	free(spec);
	free(hop->spec);
	free(hop->user);
	free(hop->host);
	free(hop->port);
	memset(hop, 0, sizeof *hop);
	return -1;
}

/*
 * Parses a comma list of jump hosts "[user@]host[:port],..." (each may start
 * with ssh://). Returns 0, or -1 with *cause naming the bad hop.
 */
int sshhops_parse(const char *list, struct sshhops *out, char **cause)
{
	memset(out, 0, sizeof *out);
	*cause = NULL;
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *why = "is empty";
		struct sshhop hop;
		if (n == 0 || sshhops_parse_one(p, n, &hop, &why) == -1) {
			*cause = xasprintf("jump host %zu '%.*s' of '%s' %s (each hop is "
			                   "[user@]host[:port], hops separated by commas)",
			                   out->n + 1, (int)n, p, list, why);
			sshhops_free(out);
			return -1;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n++] = hop;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/* Frees the hops. */
void sshhops_free(struct sshhops *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].spec);
		free(h->v[i].user);
		free(h->v[i].host);
		free(h->v[i].port);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}

/* Returns the first n hops as a comma list (newly allocated; "" for none). */
char *sshhops_join(const struct sshhops *h, size_t n)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < n && i < h->n; i++) {
		char *next = xasprintf("%s%s%s", s, i ? "," : "", h->v[i].spec);
		free(s);
		s = next;
	}
	return s;
}

/* Returns the log file of the ssh that reaches hop k (0-based) in log_dir (newly allocated). */
char *sshhops_log(const char *log_dir, size_t k)
{
	return xasprintf("%s/hop-%zu.log", log_dir, k + 1);
}

/* Returns s with every '%' doubled, so a %-expander (libssh's, ssh's) gives s back (newly
 * allocated). */
char *sshhops_percent(const char *s)
{
	size_t n = strlen(s);
	for (const char *p = s; *p != '\0'; p++)
		n += *p == '%';
	char *out = xmalloc(n + 1), *o = out;
	for (const char *p = s; *p != '\0'; p++) {
		*o++ = *p;
		if (*p == '%')
			*o++ = '%';
	}
	*o = '\0';
	return out;
}

/*
 * Returns word as one shell word (newly allocated): as it is when it has only
 * safe characters, else in double quotes with '\\', '"', '$' and '`'
 * escaped. Not single quotes: ssh checks the quotes of a ProxyCommand with
 * its own splitter, which takes a backslash as an escape even between single
 * quotes, so the '\\'' of nested single quoting would unbalance them; the
 * double quotes' escapes read the same to both.
 */
static char *sshhops_quote(const char *word)
{
	size_t n = strlen(word);
	if (n > 0 && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "0123456789@%+=:,./_-") == n)
		return xstrdup(word);
	char *out = xmalloc(2 * n + 3), *o = out;
	*o++ = '"';
	for (const char *p = word; *p != '\0'; p++) {
		if (strchr("\\\"$`", *p) != NULL)
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Appends one word to a hop's command: shell-quoted and, if literal, '%'-escaped. */
static void sshhops_word(char **cmd, const char *word, int literal)
{
	char *q = sshhops_quote(word);
	char *e = literal ? sshhops_percent(q) : xstrdup(q);
	char *next = **cmd ? xasprintf("%s %s", *cmd, e) : xstrdup(e);
	free(q);
	free(e);
	free(*cmd);
	*cmd = next;
}

/* Appends "-o KEY=VALUE" to a hop's command. */
static void sshhops_option(char **cmd, const char *key, const char *value)
{
	char *opt = xasprintf("%s=%s", key, value);
	sshhops_word(cmd, "-o", 1);
	sshhops_word(cmd, opt, 1);
	free(opt);
}

/*
 * Returns a path as OpenSSH reads it back from a config value that it splits
 * into words and expands (%-tokens, ${VAR}): in double quotes, '\' and '"'
 * escaped, '%' doubled. NULL with *cause for what cannot be written so.
 */
static char *sshhops_ssh_path(const char *what, const char *path, char **cause)
{
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*cause = xasprintf("the %s path %s holds a control character, which an "
			                   "ssh option cannot carry",
			                   what, path);
			return NULL;
		}
	}
	if (strstr(path, "${") != NULL) {
		*cause = xasprintf("the %s path %s holds \"${\", which ssh would expand as an "
		                   "environment variable",
		                   what, path);
		return NULL;
	}
	char *pct = sshhops_percent(path);
	char *out = xmalloc(2 * strlen(pct) + 3), *o = out;
	*o++ = '"';
	for (const char *p = pct; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	free(pct);
	return out;
}

/* Appends the options every hop's ssh gets: batch, timeout, strict keys, log, files. */
static int sshhops_common(char **cmd, const struct sshhops_opts *o, size_t k, char **cause)
{
	long secs = (long)((o->timeout_ms + 999) / 1000);
	char timeout[32];
	snprintf(timeout, sizeof timeout, "%ld", secs > 0 ? secs : 1);
	sshhops_option(cmd, "BatchMode", "yes");
	sshhops_option(cmd, "ConnectTimeout", timeout);
	sshhops_option(cmd, "StrictHostKeyChecking", "yes");
	if (o->log_dir != NULL) {
		/* libssh sends the command's stderr to /dev/null: keep ssh's errors. */
		char *log = sshhops_log(o->log_dir, k);
		sshhops_word(cmd, "-E", 1);
		sshhops_word(cmd, log, 1);
		free(log);
	}
	if (o->known_hosts != NULL) {
		char *kh = sshhops_ssh_path("known_hosts", o->known_hosts, cause);
		if (kh == NULL)
			return -1;
		sshhops_option(cmd, "UserKnownHostsFile", kh);
		free(kh);
	}
	if (o->config != NULL) {
		sshhops_word(cmd, "-F", 1);
		sshhops_word(cmd, o->config, 1);
	}
	if (o->identity != NULL) {
		char *id = sshhops_ssh_path("identity", o->identity, cause);
		if (id == NULL)
			return -1;
		sshhops_option(cmd, "IdentityFile", id);
		free(id);
	}
	return 0;
}

/* Builds the command of the ssh that reaches hop k, through inner (NULL for hop 1), to next. */
static char *sshhops_level(const struct sshhops *h, const struct sshhops_opts *o, size_t k,
                           const char *inner, const char *next, char **cause)
{
	const struct sshhop *hop = &h->v[k];
	char *cmd = xstrdup("");
	sshhops_word(&cmd, "ssh", 1);
	sshhops_word(&cmd, "-W", 1);
	sshhops_word(&cmd, next != NULL ? next : SSHHOPS_NEXT, next != NULL);
	if (sshhops_common(&cmd, o, k, cause) == -1) {
		free(cmd);
		return NULL;
	}
	sshhops_option(&cmd, "ProxyCommand", inner != NULL ? inner : "none");
	if (hop->user != NULL) {
		sshhops_word(&cmd, "-l", 1);
		sshhops_word(&cmd, hop->user, 1);
	}
	if (hop->port != NULL) {
		sshhops_word(&cmd, "-p", 1);
		sshhops_word(&cmd, hop->port, 1);
	}
	sshhops_word(&cmd, "--", 1);
	sshhops_word(&cmd, hop->host, 1);
	return cmd;
}

/*
 * Builds the ProxyCommand (for libssh, which expands '%' in it) that reaches
 * host:port through every hop. NULL with *cause when an option cannot be
 * written safely.
 */
char *sshhops_command(const struct sshhops *h, const struct sshhops_opts *o, const char *host,
                      unsigned port, char **cause)
{
	*cause = NULL;
	if (h->n == 0) {
		*cause = xstrdup("no jump host");
		return NULL;
	}
	char *target = strchr(host, ':') != NULL ? xasprintf("[%s]:%u", host, port)
	                                         : xasprintf("%s:%u", host, port);
	char *cmd = NULL;
	for (size_t k = 0; k < h->n; k++) {
		char *outer = sshhops_level(h, o, k, cmd, k + 1 == h->n ? target : NULL, cause);
		free(cmd);
		cmd = outer;
		if (cmd == NULL)
			break;
	}
	free(target);
	return cmd;
}
