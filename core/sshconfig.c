/*
 * The user's ssh client config, read for one question: does a ProxyJump or a
 * ProxyCommand apply to a host, and where was it set? libssh 0.10 reads the
 * same files (the user's ~/.ssh/config, or ssh.config, then
 * /etc/ssh/ssh_config) but only hands back the ProxyCommand it built, without
 * the file or the line; this reader finds them so drconsole can turn a
 * ProxyJump into its own jump connection and name the file in every error.
 *
 * Read as OpenSSH reads it: Host patterns ('*', '?', '!'), Match (sshmatch.c:
 * host, originalhost, user, localuser, all, canonical and final, with the
 * second pass that "Match final" asks for; a block that hangs on a criterion
 * drconsole does not evaluate is refused), Include (globs,
 * relative to ~/.ssh, or /etc/ssh for the system file), and the first value
 * obtained wins (HostName and User too, which Match host and Match user
 * see). ProxyJump and ProxyCommand share that first place. Every error is
 * "FILE:LINE: message".
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "paths.h"
#include "sshconfig.h"
#include "sshhops.h"
#include "sshmatch.h"
#include "xmalloc.h"

#define SSHCONFIG_GLOBAL     "/etc/ssh/ssh_config"
#define SSHCONFIG_GLOBAL_DIR "/etc/ssh"
#define SSHCONFIG_DEPTH      16

/* One lookup in progress. */
struct sshconfig_reader {
	const struct sshconfig_query *q;
	char *host;      /* the host as given, lowercased (as OpenSSH matches it) */
	char *hostname;  /* the first HostName obtained, %h expanded */
	char *user;      /* the first User obtained */
	char *localuser; /* who runs drconsole */
	char *dir;       /* where a relative Include looks */
	int final_pass;  /* the second pass "Match final" asks for */
	int wants_final; /* a Match line said "final" */
	struct sshconfig_proxy *out;
	char *cause; /* the first error, "FILE:LINE: ..." */
};

/* Returns the home folder as libssh and OpenSSH find it (the passwd entry first). */
static const char *sshconfig_home(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : getenv("HOME");
	return home != NULL ? home : "";
}

/* Returns the user's ssh config file as libssh finds it (the passwd home), newly allocated. */
char *sshconfig_user_file(void)
{
	return xasprintf("%s/.ssh/config", sshconfig_home());
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
		char sep = *p;
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '=' && sep != '=')
			p += 1 + strspn(p + 1, " \t");
	}
	*value = p;
	return 1;
}

/* Expands HostName's tokens: %h (the host as given) and %%. */
static char *sshconfig_hostname(const char *value, const char *host)
{
	char *out = xstrdup("");
	for (const char *p = value; *p != '\0'; p++) {
		char *next;
		if (p[0] == '%' && p[1] == 'h')
			next = xasprintf("%s%s", out, host), p++;
		else if (p[0] == '%' && p[1] == '%')
			next = xasprintf("%s%%", out), p++;
		else
			next = xasprintf("%s%c", out, *p);
		free(out);
		out = next;
	}
	return out;
}

static int sshconfig_read(struct sshconfig_reader *r, const char *path, int depth);

/* Reads every file an Include line names (globs; relative to the include folder). */
static int sshconfig_include(struct sshconfig_reader *r, char *value, int depth, char **why)
{
	char *w;
	int n = 0;
	while (r->cause == NULL && (w = sshmatch_token(&value, why)) != NULL) {
		n++;
		char *pat = *w == '/'   ? xstrdup(w)
		            : *w == '~' ? paths_expand(w, NULL)
		                        : xasprintf("%s/%s", r->dir, w);
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0) {
			if (depth + 1 > SSHCONFIG_DEPTH)
				*why = xasprintf("Include nested more than %d deep (does an Include "
				                 "lead back to its own file?)",
				                 SSHCONFIG_DEPTH);
			for (size_t i = 0; i < g.gl_pathc && r->cause == NULL && *why == NULL; i++)
				if (sshconfig_read(r, g.gl_pathv[i], depth + 1) == 1 &&
				    errno != ENOENT)
					r->cause = xasprintf("%s: cannot read it: %s",
					                     g.gl_pathv[i], strerror(errno));
			globfree(&g);
		}
		free(pat);
		free(w);
		if (*why != NULL)
			break;
	}
	if (*why == NULL && n == 0)
		*why = xstrdup("Include needs a file name");
	return *why != NULL ? -1 : 0;
}

/*
 * Reads a keyword's single value as ssh does (quotes, a trailing '#'
 * comment); NULL for none, or with *why when more than one word follows.
 */
static char *sshconfig_one_word(const char *key, char *value, char **why)
{
	char *word = sshmatch_token(&value, why), *more;
	if (word != NULL && (more = sshmatch_token(&value, why)) != NULL) {
		*why = xasprintf("%s takes one value (hops separated by commas, no spaces), "
		                 "not also '%s'",
		                 key, more);
		free(more);
		free(word);
		return NULL;
	}
	return word;
}

/* Takes a value for a keyword that counts (first obtained wins); -1 with *why if malformed. */
static int sshconfig_keyword(struct sshconfig_reader *r, const char *key, char *value,
                             const char *path, unsigned lineno, char **why)
{
	int jump = strcasecmp(key, "ProxyJump") == 0;
	if (strcasecmp(key, "HostName") == 0 || strcasecmp(key, "User") == 0) {
		char **slot = strcasecmp(key, "User") == 0 ? &r->user : &r->hostname;
		char *word = sshmatch_token(&value, why);
		if (word == NULL)
			return *why ? -1 : (*why = xasprintf("%s needs a value", key), -1);
		if (*slot == NULL)
			*slot =
			    slot == &r->user ? xstrdup(word) : sshconfig_hostname(word, r->host);
		free(word);
	} else if (jump || strcasecmp(key, "ProxyCommand") == 0) {
		char *word = jump ? sshconfig_one_word(key, value, why) : xstrdup(value);
		if (word == NULL || *word == '\0') {
			if (*why == NULL)
				*why = xasprintf("%s needs a value", key);
			free(word);
			return -1;
		}
		if (r->out->kind != SSHCONFIG_PROXY_NONE) {
			free(word);
			return 0;
		}
		r->out->kind = jump ? SSHCONFIG_PROXY_JUMP : SSHCONFIG_PROXY_COMMAND;
		r->out->value = word;
		r->out->file = xstrdup(path);
		r->out->line = lineno;
	}
	return 0;
}

/* Handles one line of a file; -1 with *why (without FILE:LINE) on an error. */
static int sshconfig_line(struct sshconfig_reader *r, char *key, char *value, const char *path,
                          unsigned lineno, int *active, int depth, char **why)
{
	if (strcasecmp(key, "Host") == 0) {
		*active = sshmatch_host_line(value, r->host, why);
	} else if (strcasecmp(key, "Match") == 0) {
		struct sshmatch_ctx ctx = {
		    .originalhost = r->host,
		    .host = r->hostname ? r->hostname : r->host,
		    .user = r->q->user ? r->q->user
		            : r->user  ? r->user
		                       : r->localuser,
		    .localuser = r->localuser,
		    .final_pass = r->final_pass,
		    .wants_final = &r->wants_final,
		};
		*active = sshmatch_line(value, &ctx, why);
	} else if (!*active) {
		return 0;
	} else if (strcasecmp(key, "Include") == 0) {
		return sshconfig_include(r, value, depth, why);
	} else {
		return sshconfig_keyword(r, key, value, path, lineno, why);
	}
	return *active == -1 ? -1 : 0;
}

/* Reads one config file. 0 read, 1 not readable (errno says why), -1 r->cause set. */
static int sshconfig_read(struct sshconfig_reader *r, const char *path, int depth)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return 1;
	char *line = NULL, *key, *value, *why = NULL;
	size_t size = 0;
	unsigned lineno = 0;
	int active = 1;
	while (r->cause == NULL && getline(&line, &size, f) != -1) {
		lineno++;
		if (sshconfig_split(line, &key, &value) &&
		    sshconfig_line(r, key, value, path, lineno, &active, depth, &why) == -1 &&
		    r->cause == NULL) {
			r->cause =
			    xasprintf("%s:%u: %s", path, lineno, why ? why : "malformed line");
		}
		free(why);
		why = NULL;
	}
	free(line);
	fclose(f);
	return r->cause != NULL ? -1 : 0;
}

/*
 * Finds the first ProxyJump or ProxyCommand that applies to q->host in one
 * file (and the files it includes). Returns 0 (out->kind NONE if none), 1
 * when the file cannot be opened (errno says why), -1 with *cause
 * ("FILE:LINE: ...") when the config is malformed or cannot be decided.
 */
int sshconfig_proxy_find(const char *path, const struct sshconfig_query *q,
                         struct sshconfig_proxy *out, char **cause)
{
	memset(out, 0, sizeof *out);
	*cause = NULL;
	struct sshconfig_reader r;
	memset(&r, 0, sizeof r);
	r.q = q;
	r.out = out;
	r.host = xstrdup(q->host);
	for (char *p = r.host; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	struct passwd *pw = getpwuid(getuid());
	r.localuser = xstrdup(pw != NULL && pw->pw_name != NULL ? pw->pw_name : "");
	r.dir = q->include_dir ? xstrdup(q->include_dir) : xasprintf("%s/.ssh", sshconfig_home());
	int rc = sshconfig_read(&r, path, 0);
	if (rc == 0 && r.wants_final) {
		r.final_pass = 1; /* values obtained in the first pass still win */
		rc = sshconfig_read(&r, path, 0);
	}
	int saved = errno;
	if (rc == -1) {
		*cause = r.cause;
		sshconfig_proxy_free(out);
	}
	free(r.host);
	free(r.hostname);
	free(r.user);
	free(r.localuser);
	free(r.dir);
	errno = saved;
	return rc;
}

/*
 * Looks a host up as libssh does: the given config file alone (which must be
 * readable), or (config NULL) the user's ~/.ssh/config and then
 * /etc/ssh/ssh_config, either of which may be absent. 0, or -1 with *cause.
 */
int sshconfig_proxy_lookup(const char *config, const char *host, const char *user,
                           struct sshconfig_proxy *out, char **cause)
{
	struct sshconfig_query q = {.host = host, .user = user, .include_dir = NULL};
	if (config != NULL) {
		int rc = sshconfig_proxy_find(config, &q, out, cause);
		if (rc == 1)
			*cause =
			    xasprintf("cannot read the ssh config %s: %s", config, strerror(errno));
		return rc == 0 ? 0 : -1;
	}
	char *file = sshconfig_user_file();
	int rc = sshconfig_proxy_find(file, &q, out, cause);
	if (rc == 1 && errno != ENOENT)
		*cause = xasprintf("cannot read the ssh config %s: %s", file, strerror(errno));
	free(file);
	if (rc == -1 || *cause != NULL)
		return -1;
	if (out->kind == SSHCONFIG_PROXY_NONE) {
		q.include_dir = SSHCONFIG_GLOBAL_DIR;
		rc = sshconfig_proxy_find(SSHCONFIG_GLOBAL, &q, out, cause);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * Turns a ProxyJump into the jump hosts drconsole's jump connection crosses
 * ("[user@]host[:port],...", newly allocated). NULL with *cause NULL: no
 * jump ("none", or no ProxyJump); NULL with *cause set: refused, naming the
 * file and line (a ProxyCommand, a malformed value).
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
	struct sshhops hops;
	char *why = NULL;
	if (sshhops_parse(p->value, &hops, &why) == -1) {
		*cause = xasprintf("%s:%u: ProxyJump: %s", p->file, p->line, why);
		free(why);
		return NULL;
	}
	char *list = sshhops_join(&hops, hops.n);
	sshhops_free(&hops);
	return list;
}

/* Frees what a lookup filled in. */
void sshconfig_proxy_free(struct sshconfig_proxy *p)
{
	free(p->value);
	free(p->file);
	memset(p, 0, sizeof *p);
}
