/*
 * Jump hosts. libssh 0.10 turns ProxyJump into an OpenSSH "ssh -W" that reads
 * its own config, may prompt on the terminal and loses its errors; drconsole
 * decides the hops itself (ssh.jump, else the ProxyJump of the ssh config,
 * each hop's own ProxyJump put before it, as ssh does) and writes the nested
 * ssh that crosses them (sshhops.c). Each hop's ssh logs to a file of its own
 * in a private folder, so a failure can quote the hop that failed, and an
 * unknown or changed key is said of that hop, with its fingerprint.
 */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sshconfig.h"
#include "sshconn.h"
#include "sshhops.h"
#include "sshjump.h"
#include "xmalloc.h"

/* At most this many hops, a hop's own ProxyJump included (a loop stops here). */
#define SSHJUMP_MAX_HOPS 8

/*
 * Puts before the first hop the hops of its own ProxyJump in the ssh config,
 * as the ssh that reaches it would, until a hop has none. 0, or -1 *cause.
 */
static int sshjump_expand(const struct site *site, char **jump, char **cause)
{
	for (int expanded = 0;; expanded = 1) {
		struct sshhops hops;
		if (sshhops_parse(*jump, &hops, cause) == -1)
			return -1;
		if (hops.n > SSHJUMP_MAX_HOPS) {
			*cause = expanded ? xasprintf("jump hosts %s: more than %d hops (does a jump "
			                              "host's ProxyJump lead back to itself?)",
			                              *jump, SSHJUMP_MAX_HOPS)
			                  : xasprintf("jump hosts %s: %zu hops; drconsole goes through "
			                              "%d at the most",
			                              *jump, hops.n, SSHJUMP_MAX_HOPS);
			sshhops_free(&hops);
			return -1;
		}
		struct sshconfig_proxy p;
		int rc = sshconfig_proxy_lookup(site->ssh.config, hops.v[0].host, hops.v[0].user,
		                                &p, cause);
		char *why = NULL, *before = rc == 0 ? sshconfig_jump(&p, &why) : NULL;
		if (why != NULL)
			*cause = xasprintf("jump host %s: %s", hops.v[0].spec, why);
		sshhops_free(&hops);
		sshconfig_proxy_free(&p);
		free(why);
		if (rc == -1 || *cause != NULL)
			return -1;
		if (before == NULL)
			return 0;
		char *longer = xasprintf("%s,%s", before, *jump);
		free(before);
		free(*jump);
		*jump = longer;
	}
}

/* Decides the hops as sshjump_resolve does, and keeps the ssh config's proxy line in *p. */
static int sshjump_decide(const struct site *site, char **jump, char **origin,
                          struct sshconfig_proxy *p, char **cause)
{
	*jump = *origin = *cause = NULL;
	if (sshconfig_proxy_lookup(site->ssh.config, site->ssh.host, site->ssh.user, p, cause) ==
	    -1)
		return -1;
	if (site->ssh.jump != NULL) {
		*jump = xstrdup(site->ssh.jump);
		*origin = xstrdup("ssh.jump");
	} else if ((*jump = sshconfig_jump(p, cause)) != NULL) {
		*origin = xasprintf("%s:%u", p->file, p->line);
	}
	if (*cause == NULL && (*jump == NULL || sshjump_expand(site, jump, cause) == 0))
		return 0;
	free(*jump);
	free(*origin);
	*jump = *origin = NULL;
	return -1;
}

/*
 * Decides the jump hosts a site is reached through, from the configs alone
 * (before libssh reads the ssh config, so that a Match drconsole cannot
 * decide is refused before libssh runs anything): ssh.jump, else the
 * ProxyJump of the ssh config. Returns 0 with *jump NULL (direct) or the
 * hops "a,b" (newly allocated), and *origin "FILE:LINE" of the ProxyJump
 * (or "ssh.jump"); -1 with *cause naming the file and line.
 */
int sshjump_resolve(const struct site *site, char **jump, char **origin, char **cause)
{
	struct sshconfig_proxy p;
	int rc = sshjump_decide(site, jump, origin, &p, cause);
	sshconfig_proxy_free(&p);
	return rc;
}

/*
 * Says why a ProxyCommand that libssh made of the ssh config (proxy) is not
 * followed when drconsole's own reader found no jump: newly allocated, or
 * NULL when there is nothing to refuse.
 */
char *sshjump_unfollowed(const struct site *site, const char *proxy)
{
	if (proxy == NULL || strcmp(proxy, "none") == 0)
		return NULL;
	char *user = sshconfig_user_file();
	char *cause = xasprintf("libssh reads a ProxyCommand or ProxyJump for %s in %s that "
	                        "drconsole's reading of it does not give (%s), and drconsole does "
	                        "not run it: set ssh.jump for the site in drconsole.yml instead",
	                        site->ssh.host, site->ssh.config ? site->ssh.config : user, proxy);
	free(user);
	return cause;
}

/* Makes a private folder for the hops' ssh logs (newly allocated path), or NULL. */
char *sshjump_logs_make(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/drconsole-jump-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Removes the logs folder and what is in it, and frees its path. */
void sshjump_logs_remove(char *dir)
{
	if (dir == NULL)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		unlink(path); /* a hop's ssh still running keeps its open file */
		free(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	free(dir);
}

/* Returns the last line a log file holds (newly allocated), or NULL. */
static char *sshjump_last_line(const char *path)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return NULL;
	char *line = NULL, *last = NULL;
	size_t size = 0;
	ssize_t len;
	while ((len = getline(&line, &size, f)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len > 0) {
			free(last);
			last = xstrdup(line);
		}
	}
	free(line);
	fclose(f);
	return last;
}

/*
 * Returns what the hops' ssh said (newly allocated), or NULL: the last line
 * of the first hop whose ssh refused a host key, else of the first hop whose
 * ssh said anything (the hops after it only saw it go). *hop: which hop.
 */
char *sshjump_said(const char *log_dir, size_t n_hops, size_t *hop)
{
	char *first = NULL;
	for (size_t k = 0; log_dir != NULL && k < n_hops; k++) {
		char *path = sshhops_log(log_dir, k);
		char *said = sshjump_last_line(path);
		free(path);
		if (sshjump_hostkey_refused(said)) {
			free(first);
			*hop = k;
			return said;
		}
		if (first == NULL && said != NULL) {
			first = said;
			*hop = k;
		} else {
			free(said);
		}
	}
	return first;
}

/* Ignores SIGPIPE unless the program handles it already (writes to a dead proxy). */
void sshjump_ignore_sigpipe(void)
{
	struct sigaction sa;
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

/* Tells whether a hop's ssh gave up on that hop's own key. */
int sshjump_hostkey_refused(const char *said)
{
	return said != NULL && (strstr(said, "Host key verification failed") != NULL ||
	                        strstr(said, "host key is known") != NULL ||
	                        strstr(said, "HOST IDENTIFICATION HAS CHANGED") != NULL);
}

/*
 * After hop's ssh refused hop's key: connects to that hop itself, through
 * the hops before it (whose keys passed), with the site's known_hosts, to
 * see its key, and replaces *fail with that host key failure, said of the
 * hop (so an unknown key carries its fingerprint and the line that accepting
 * it adds). Returns 1 when *fail was replaced, 0 when the look found nothing.
 */
int sshjump_hostkey(const struct site *site, const char *jump, size_t hop, const char *where,
                    int64_t timeout_ms, struct sshconn_failure *fail)
{
	struct sshhops hops;
	char *cause = NULL;
	if (sshhops_parse(jump, &hops, &cause) == -1 || hop >= hops.n) {
		free(cause);
		sshhops_free(&hops);
		return 0;
	}
	const struct sshhop *h = &hops.v[hop];
	struct site js;
	memset(&js, 0, sizeof js);
	js.name = site->name;
	js.ssh = site->ssh;
	js.ssh.host = h->host;
	js.ssh.user = h->user;
	js.ssh.port = h->port != NULL ? atol(h->port) : 0;
	js.ssh.jump = hop > 0 ? sshhops_join(&hops, hop) : NULL;
	struct sshconn_failure jf;
	struct sshconn *jc = sshconn_open(&js, timeout_ms > 1000 ? timeout_ms : 1000, &jf);
	int replaced = 0;
	if (jc != NULL) {
		sshconn_free(jc);
	} else if (jf.kind == SSHCONN_FAIL_HOSTKEY_UNKNOWN ||
	           jf.kind == SSHCONN_FAIL_HOSTKEY_CHANGED ||
	           jf.kind == SSHCONN_FAIL_HOSTKEY_OTHER) {
		char *n =
		    hops.n > 1 ? xasprintf(" (hop %zu of %zu)", hop + 1, hops.n) : xstrdup("");
		char *msg = xasprintf("jump host %s%s, on the way to %s: %s", h->spec, n, where,
		                      jf.message);
		free(n);
		free(jf.message);
		jf.message = msg;
		free(jf.jump);
		jf.jump = xstrdup(h->spec);
		sshconn_failure_free(fail);
		*fail = jf;
		replaced = 1;
	}
	if (!replaced && jc == NULL)
		sshconn_failure_free(&jf);
	free(js.ssh.jump);
	sshhops_free(&hops);
	return replaced;
}

/*
 * Tells, for "drconsole check" and without connecting, how a site is
 * reached: its hops and where they come from, or why it cannot be.
 */
void sshjump_report(const struct site *site, struct sshjump_report *r)
{
	memset(r, 0, sizeof *r);
	struct sshconfig_proxy p;
	memset(&p, 0, sizeof p);
	if (sshjump_decide(site, &r->jump, &r->origin, &p, &r->error) == 0 &&
	    site->ssh.jump != NULL && p.kind != SSHCONFIG_PROXY_NONE)
		r->note =
		    xasprintf("%s:%u: this Proxy%s %s is not used: ssh.jump is", p.file, p.line,
		              p.kind == SSHCONFIG_PROXY_JUMP ? "Jump" : "Command", p.value);
	sshconfig_proxy_free(&p);
}

/* Frees a report. */
void sshjump_report_free(struct sshjump_report *r)
{
	free(r->jump);
	free(r->origin);
	free(r->note);
	free(r->error);
	memset(r, 0, sizeof *r);
}
