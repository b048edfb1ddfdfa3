/*
 * The user's ssh client config, read for one question: does a ProxyJump or a
 * ProxyCommand apply to a host, and where was it set? libssh 0.10 reads the
 * same files (the user's ~/.ssh/config, then /etc/ssh/ssh_config) but only
 * hands back the ProxyCommand it built, without the file or the line; this
 * reader finds them so drconsole can turn a ProxyJump into its own jump
 * connection and name the file in every error. The first value obtained
 * wins, as in OpenSSH; ProxyJump and ProxyCommand share that first place.
 * Host patterns (*, ?, !negation) and Include are followed; Match blocks
 * other than "Match all" are not evaluated and mark the answer unsure.
 */
#include "config.h"

#include <ctype.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "paths.h"
#include "sshconfig.h"
#include "sshjump.h"
#include "xmalloc.h"

#define SSHCONFIG_GLOBAL "/etc/ssh/ssh_config"
#define SSHCONFIG_DEPTH 8

/* Returns the user's ssh config file as libssh finds it (the passwd home), newly allocated. */
char *sshconfig_user_file(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : getenv("HOME");
	return xasprintf("%s/.ssh/config", home != NULL ? home : "");
}

/* Matches a glob of '*' and '?' against text, ignoring case. */
static int sshconfig_glob(const char *pat, const char *s)
{
	if (*pat == '\0')
		return *s == '\0';
	if (*pat == '*') {
		for (;; s++) {
			if (sshconfig_glob(pat + 1, s))
				return 1;
			if (*s == '\0')
				return 0;
		}
	}
	if (*s == '\0')
		return 0;
	if (*pat != '?' && tolower((unsigned char)*pat) != tolower((unsigned char)*s))
		return 0;
	return sshconfig_glob(pat + 1, s + 1);
}

/* Tells whether a Host line's patterns select host: one matches and no negated one does. */
static int sshconfig_host_matches(char *patterns, const char *host)
{
	int hit = 0;
	char *save = NULL;
	for (char *p = strtok_r(patterns, " \t", &save); p != NULL;
	     p = strtok_r(NULL, " \t", &save)) {
		if (*p == '!') {
			if (sshconfig_glob(p + 1, host))
				return 0;
		} else if (sshconfig_glob(p, host)) {
			hit = 1;
		}
	}
	return hit;
}

/* Splits a config line into keyword and value (in place); 0 for a blank or comment line. */
static int sshconfig_split(char *line, char **key, char **value)
{
	char *p = line + strspn(line, " \t");
	size_t n = strlen(p);
	while (n > 0 && strchr(" \t\r\n", p[n - 1]) != NULL)
		p[--n] = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	*key = p;
	p += strcspn(p, " \t=");
	if (*p != '\0') {
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '=')
			p += 1 + strspn(p + 1, " \t");
	}
	*value = p;
	return 1;
}

static int sshconfig_read(const char *path, const char *host, const char *dir, int depth,
                          struct sshconfig_proxy *out);

/* Reads every file an Include names (globs, relative to dir). */
static void sshconfig_include(char *value, const char *host, const char *dir, int depth,
                              struct sshconfig_proxy *out)
{
	char *save = NULL;
	for (char *w = strtok_r(value, " \t", &save); w != NULL && out->kind == SSHCONFIG_PROXY_NONE;
	     w = strtok_r(NULL, " \t", &save)) {
		char *pat = *w == '/' || *w == '~' ? paths_expand(w, NULL) : xasprintf("%s/%s", dir, w);
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc && out->kind == SSHCONFIG_PROXY_NONE; i++)
				sshconfig_read(g.gl_pathv[i], host, dir, depth + 1, out);
			globfree(&g);
		}
		free(pat);
	}
}

/* Reads one config file; fills out at the first ProxyJump/ProxyCommand for host. -1: unreadable. */
static int sshconfig_read(const char *path, const char *host, const char *dir, int depth,
                          struct sshconfig_proxy *out)
{
	if (depth > SSHCONFIG_DEPTH)
		return 0;
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return -1;
	char *line = NULL, *key, *value;
	size_t size = 0;
	unsigned lineno = 0;
	int active = 1;
	while (out->kind == SSHCONFIG_PROXY_NONE && getline(&line, &size, f) != -1) {
		lineno++;
		if (!sshconfig_split(line, &key, &value))
			continue;
		if (strcasecmp(key, "Host") == 0) {
			active = sshconfig_host_matches(value, host);
		} else if (strcasecmp(key, "Match") == 0) {
			active = strcasecmp(value, "all") == 0;
			out->unsure |= !active;
		} else if (!active) {
			continue;
		} else if (strcasecmp(key, "Include") == 0) {
			char *copy = xstrdup(value);
			sshconfig_include(copy, host, dir, depth, out);
			free(copy);
		} else if (strcasecmp(key, "ProxyJump") == 0 || strcasecmp(key, "ProxyCommand") == 0) {
			out->kind = strcasecmp(key, "ProxyJump") == 0 ? SSHCONFIG_PROXY_JUMP
			                                               : SSHCONFIG_PROXY_COMMAND;
			out->value = xstrdup(value);
			out->file = xstrdup(path);
			out->line = lineno;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * Finds the first ProxyJump or ProxyCommand that applies to host in one file
 * (and the files it includes). Returns -1 when the file cannot be read.
 */
int sshconfig_proxy_find(const char *path, const char *host, struct sshconfig_proxy *out)
{
	memset(out, 0, sizeof *out);
	char *dir = paths_dirname(path);
	int rc = sshconfig_read(path, host, dir, 0, out);
	free(dir);
	return rc;
}

/*
 * Looks a host up as libssh does: the given config file alone, or (config
 * NULL) the user's ~/.ssh/config and then /etc/ssh/ssh_config.
 */
void sshconfig_proxy_lookup(const char *config, const char *host, struct sshconfig_proxy *out)
{
	if (config != NULL) {
		sshconfig_proxy_find(config, host, out);
		return;
	}
	char *user = sshconfig_user_file();
	sshconfig_proxy_find(user, host, out);
	free(user);
	if (out->kind == SSHCONFIG_PROXY_NONE) {
		int unsure = out->unsure;
		sshconfig_proxy_find(SSHCONFIG_GLOBAL, host, out);
		out->unsure |= unsure;
	}
}

/*
 * Turns a ProxyJump into the one jump host drconsole's jump connection takes
 * ("[user@]host[:port]", newly allocated). NULL with *cause NULL: no jump
 * ("none", or no ProxyJump); NULL with *cause set: refused, naming the file
 * and line (several hops, a ProxyCommand, a malformed value).
 */
char *sshconfig_jump(const struct sshconfig_proxy *p, char **cause)
{
	*cause = NULL;
	if (p->kind == SSHCONFIG_PROXY_NONE || strcasecmp(p->value, "none") == 0)
		return NULL;
	if (p->kind == SSHCONFIG_PROXY_COMMAND) {
		*cause = xasprintf("%s:%u: ProxyCommand %s: drconsole does not run a ProxyCommand "
		                   "(it could prompt on the terminal and loses its errors); set "
		                   "ssh.jump for the site in drconsole.yml, or a ProxyJump",
		                   p->file, p->line, p->value);
		return NULL;
	}
	if (strchr(p->value, ',') != NULL) {
		size_t hops = 1;
		for (const char *c = p->value; *c != '\0'; c++)
			hops += *c == ',';
		*cause = xasprintf("%s:%u: ProxyJump %s names %zu jump hosts; drconsole's jump "
		                   "connection goes through one (each further hop would run an ssh "
		                   "that may prompt on the terminal): reach the site through a "
		                   "single jump host, or set ssh.jump for the site in drconsole.yml",
		                   p->file, p->line, p->value, hops);
		return NULL;
	}
	const char *v = p->value;
	if (strncasecmp(v, "ssh://", 6) == 0)
		v += 6;
	char *user, *host, *port;
	if (sshjump_parse(v, &user, &host, &port) == -1) {
		*cause = xasprintf("%s:%u: ProxyJump %s is not [user@]host[:port]", p->file, p->line,
		                   p->value);
		return NULL;
	}
	free(user);
	free(host);
	free(port);
	return xstrdup(v);
}

/* Frees what a lookup filled in. */
void sshconfig_proxy_free(struct sshconfig_proxy *p)
{
	free(p->value);
	free(p->file);
	memset(p, 0, sizeof *p);
}
