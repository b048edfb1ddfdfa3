/*
 * Jump hosts. libssh 0.10 turns ProxyJump into an OpenSSH "ssh -W" that reads
 * its own config, may prompt on the terminal and loses its errors; drconsole
 * writes the ProxyCommand itself instead: batch mode, a connect timeout,
 * strict host keys against the site's known_hosts, every value shell-quoted
 * and '%' escaped from libssh's expansion, and ssh's log kept in a file so a
 * failure can quote what the jump host's ssh said.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shquote.h"
#include "sshconfig.h"
#include "sshconn.h"
#include "sshjump.h"
#include "xmalloc.h"

/* Splits a jump spec "[user@]host[:port]" (host may be "[v6addr]"); -1 if malformed. */
int sshjump_parse(const char *jump, char **user, char **host, char **port)
{
	*user = *host = *port = NULL;
	if (strchr(jump, ',') != NULL || strchr(jump, ' ') != NULL || *jump == '\0')
		return -1;
	const char *at = strrchr(jump, '@'), *hp = jump;
	if (at != NULL) {
		*user = xstrndup(jump, (size_t)(at - jump));
		hp = at + 1;
	}
	const char *colon = NULL;
	if (hp[0] == '[') {
		const char *close = strchr(hp, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			goto bad;
		*host = xstrndup(hp + 1, (size_t)(close - hp - 1));
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strchr(hp, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* a bare IPv6 address */
		*host = colon != NULL ? xstrndup(hp, (size_t)(colon - hp)) : xstrdup(hp);
	}
	if (colon != NULL) {
		const char *p = colon + 1;
		if (*p == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5 ||
		    atoi(p) < 1 || atoi(p) > 65535)
			goto bad;
		*port = xstrdup(p);
	}
	if (**host == '\0' || (*user != NULL && **user == '\0'))
		goto bad;
	return 0;
bad:
	free(*user);
	free(*host);
	free(*port);
	*user = *host = *port = NULL;
	return -1;
}

/* Appends " word" to a command line, shell-quoted. */
static void sshjump_append_word(char **cmd, const char *word)
{
	char *q = shquote(word);
	char *next = xasprintf("%s %s", *cmd, q);
	free(q);
	free(*cmd);
	*cmd = next;
}

/* Doubles every '%' so libssh's ProxyCommand expansion leaves the text alone. */
static char *sshjump_escape_percent(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p != '\0'; p++)
		n += *p == '%' ? 2 : 1;
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
 * Builds the ProxyCommand for a jump host: OpenSSH's "ssh -W" to the target,
 * never interactive, strict about the jump host's key, bounded in time.
 */
char *sshjump_command(const struct site *site, const char *jump, const char *host, unsigned port,
                      int64_t timeout_ms, const char *log_path, char **cause)
{
	char *juser, *jhost, *jport;
	if (sshjump_parse(jump, &juser, &jhost, &jport) == -1) {
		*cause = xasprintf("jump host '%s' is not [user@]host[:port] (one jump host only)",
		                   jump);
		return NULL;
	}
	char *target = strchr(host, ':') != NULL ? xasprintf("[%s]:%u", host, port)
	                                         : xasprintf("%s:%u", host, port);
	long secs = (long)((timeout_ms + 999) / 1000);
	char *opt;
	char *cmd = xstrdup("ssh -W");
	sshjump_append_word(&cmd, target);
	sshjump_append_word(&cmd, "-o");
	sshjump_append_word(&cmd, "BatchMode=yes");
	opt = xasprintf("ConnectTimeout=%ld", secs > 0 ? secs : 1);
	sshjump_append_word(&cmd, "-o");
	sshjump_append_word(&cmd, opt);
	free(opt);
	sshjump_append_word(&cmd, "-o");
	sshjump_append_word(&cmd, "StrictHostKeyChecking=yes");
	if (log_path != NULL) {
		/* libssh sends the command's stderr to /dev/null: keep ssh's errors. */
		sshjump_append_word(&cmd, "-E");
		sshjump_append_word(&cmd, log_path);
	}
	if (site->ssh.known_hosts != NULL) {
		opt = xasprintf("UserKnownHostsFile=%s", site->ssh.known_hosts);
		sshjump_append_word(&cmd, "-o");
		sshjump_append_word(&cmd, opt);
		free(opt);
	}
	if (site->ssh.config != NULL) {
		sshjump_append_word(&cmd, "-F");
		sshjump_append_word(&cmd, site->ssh.config);
	}
	if (site->ssh.identity != NULL) {
		sshjump_append_word(&cmd, "-i");
		sshjump_append_word(&cmd, site->ssh.identity);
	}
	if (juser != NULL) {
		sshjump_append_word(&cmd, "-l");
		sshjump_append_word(&cmd, juser);
	}
	if (jport != NULL) {
		sshjump_append_word(&cmd, "-p");
		sshjump_append_word(&cmd, jport);
	}
	sshjump_append_word(&cmd, "--");
	sshjump_append_word(&cmd, jhost);
	char *escaped = sshjump_escape_percent(cmd);
	free(cmd);
	free(target);
	free(juser);
	free(jhost);
	free(jport);
	return escaped;
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

/* Returns the last line the jump host's ssh logged (newly allocated), or NULL. */
char *sshjump_said(const char *log_path)
{
	FILE *f = log_path != NULL ? fopen(log_path, "re") : NULL;
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
 * Decides the jump host a site is reached through: ssh.jump, else the
 * ProxyJump of the ssh config that libssh read (proxy is the ProxyCommand
 * libssh made of it, NULL if none). Returns 0 with *jump NULL (direct) or
 * newly allocated, and *origin "FILE:LINE" when the config gave it; -1 with
 * *cause naming the config file for a ProxyCommand or what cannot be done.
 */
int sshjump_resolve(const struct site *site, const char *proxy, char **jump, char **origin,
                    char **cause)
{
	*jump = *origin = *cause = NULL;
	if (site->ssh.jump != NULL) {
		*jump = xstrdup(site->ssh.jump);
		return 0;
	}
	if (proxy == NULL || strcmp(proxy, "none") == 0)
		return 0;
	struct sshconfig_proxy p;
	sshconfig_proxy_lookup(site->ssh.config, site->ssh.host, &p);
	*jump = sshconfig_jump(&p, cause);
	if (*jump != NULL) {
		*origin = xasprintf("%s:%u", p.file, p.line);
	} else if (*cause == NULL) {
		char *user = sshconfig_user_file();
		*cause = xasprintf("%s gives %s a ProxyCommand or ProxyJump (in a Match block or a "
		                   "form drconsole cannot follow), which drconsole does not run (it "
		                   "could prompt on the terminal): set ssh.jump for the site in "
		                   "drconsole.yml instead",
		                   site->ssh.config ? site->ssh.config : user, site->ssh.host);
		free(user);
	}
	sshconfig_proxy_free(&p);
	return *jump != NULL ? 0 : -1;
}

/* Tells whether the jump host's ssh gave up on the jump host's own key. */
int sshjump_hostkey_refused(const char *said)
{
	return said != NULL && (strstr(said, "Host key verification failed") != NULL ||
	                        strstr(said, "host key is known") != NULL ||
	                        strstr(said, "HOST IDENTIFICATION HAS CHANGED") != NULL);
}

/*
 * After the jump host's ssh refused the jump host's key: connects to the jump
 * host directly, with the site's known_hosts, to see its key, and replaces
 * *fail with that host key failure, said of the jump host (so an unknown key
 * carries its fingerprint and the line that accepting it adds). Returns 1
 * when *fail was replaced, 0 when the direct look found nothing to say.
 */
int sshjump_hostkey(const struct site *site, const char *jump, const char *where,
                    int64_t timeout_ms, struct sshconn_failure *fail)
{
	char *juser, *jhost, *jport;
	if (sshjump_parse(jump, &juser, &jhost, &jport) == -1)
		return 0;
	struct site js;
	memset(&js, 0, sizeof js);
	js.name = site->name;
	js.ssh = site->ssh;
	js.ssh.host = jhost;
	js.ssh.user = juser;
	js.ssh.port = jport != NULL ? atol(jport) : 0;
	js.ssh.jump = NULL;
	struct sshconn_failure jf;
	struct sshconn *jc = sshconn_open(&js, timeout_ms > 1000 ? timeout_ms : 1000, &jf);
	int replaced = 0;
	if (jc != NULL) {
		sshconn_free(jc);
	} else if (jf.kind == SSHCONN_FAIL_HOSTKEY_UNKNOWN || jf.kind == SSHCONN_FAIL_HOSTKEY_CHANGED ||
	           jf.kind == SSHCONN_FAIL_HOSTKEY_OTHER) {
		char *msg = xasprintf("jump host %s, on the way to %s: %s", jump, where, jf.message);
		free(jf.message);
		jf.message = msg;
		jf.jump = xstrdup(jump);
		sshconn_failure_free(fail);
		*fail = jf;
		replaced = 1;
	}
	if (!replaced && jc == NULL)
		sshconn_failure_free(&jf);
	free(juser);
	free(jhost);
	free(jport);
	return replaced;
}

/*
 * What "drconsole check" says of a site's ssh config: 0 with *note (or NULL)
 * telling how a ProxyJump will be used, -1 with *note the error (a
 * ProxyCommand, several hops), both "FILE:LINE: ..." when a line is known.
 */
int sshjump_check(const struct site *site, char **note)
{
	*note = NULL;
	struct sshconfig_proxy p;
	sshconfig_proxy_lookup(site->ssh.config, site->ssh.host, &p);
	int rc = 0;
	if (p.kind != SSHCONFIG_PROXY_NONE && site->ssh.jump != NULL) {
		*note = xasprintf("%s:%u: site %s: ssh.jump %s is used; this Proxy%s is not",
		                  p.file, p.line, site->name, site->ssh.jump,
		                  p.kind == SSHCONFIG_PROXY_JUMP ? "Jump" : "Command");
	} else if (p.kind != SSHCONFIG_PROXY_NONE) {
		char *cause = NULL, *jump = sshconfig_jump(&p, &cause);
		if (jump != NULL)
			*note = xasprintf("%s:%u: site %s: ProxyJump %s: drconsole connects through "
			                  "jump host %s itself (as with ssh.jump: batch mode, strict "
			                  "host keys against %s)",
			                  p.file, p.line, site->name, p.value, jump,
			                  site->ssh.known_hosts ? site->ssh.known_hosts : "known_hosts");
		else if (cause != NULL)
			*note = xasprintf("site %s: %s", site->name, cause), rc = -1;
		free(jump);
		free(cause);
	} else if (p.unsure && site->ssh.jump == NULL) {
		char *user = sshconfig_user_file();
		*note = xasprintf("site %s: %s has Match blocks drconsole does not evaluate; a "
		                  "ProxyJump or ProxyCommand in one is refused when connecting",
		                  site->name, site->ssh.config ? site->ssh.config : user);
		free(user);
	}
	sshconfig_proxy_free(&p);
	return rc;
}
