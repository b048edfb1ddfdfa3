/*
 * SSH sessions to the sites (libssh 0.10).
 *
 * Opening follows the order libssh needs (see NOTES.md): set HOST, read the
 * user's ~/.ssh/config, turn config processing off, then force what
 * drconsole decides itself: port and user from drconsole.yml, the site's
 * known_hosts, strict host key checking and a timeout. The TCP connection is
 * made here (net.c: name lookup, every address, a deadline, keepalives,
 * TCP_USER_TIMEOUT) and handed to libssh with SSH_OPTIONS_FD; with a jump
 * host, libssh runs our own non-interactive "ssh -W" instead.
 *
 * The handshake and authentication run in libssh's blocking mode, with the
 * libssh timeout re-armed before each step to the time left, so the whole
 * open never outlives the caller's deadline. Host keys are checked strictly
 * and nothing is ever accepted here; an unknown key comes back with its
 * fingerprint so the console can ask the operator. Authentication never
 * prompts: the auth callback refuses, so a key with a passphrase is reported
 * instead of wrecking the terminal.
 *
 * Once open, the session is switched to non-blocking mode and driven by
 * sshconn_poll(): one poll() over the session socket and the bridge's unix
 * sockets, then libssh processes what arrived (through an ssh_event that
 * holds the session socket only, so libssh never calls back into our fds),
 * then the execs and the bridge move on. Nothing in the loop blocks, so a
 * frozen peer only ever costs the caller's deadline. Tearing down never
 * waits either: in non-blocking mode libssh's close and disconnect just
 * queue their packets.
 *
 * Descriptor ownership: libssh closes the socket itself when it sees an error
 * on it, and leaves it open after ssh_disconnect() when it came from
 * SSH_OPTIONS_FD. So sshconn_free closes our socket only if the descriptor is
 * still that very socket (same inode), never a number that another thread
 * may have been given since.
 *
 * libssh's log goes to a callback that never writes anywhere: it keeps the
 * last warning of the calling thread (thread-local, since the callback is
 * process-wide and each session belongs to one thread) for failure messages.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/server.h> /* ssh_send_keepalive, a client call too */

#include "clock.h"
#include "net.h"
#include "pgbridge.h"
#include "sshhops.h"
#include "sshjump.h"
#include "sshconn.h"
#include "sshexec.h"
#include "utf8.h"
#include "xmalloc.h"

static pthread_once_t sshconn_once = PTHREAD_ONCE_INIT;
static __thread char sshconn_last_log[512];

/* libssh log callback: keeps the calling thread's last warning, prints nothing. */
static void sshconn_log(int priority, const char *function, const char *buffer, void *userdata)
{
	if (priority > SSH_LOG_WARN)
		return;
	/* libssh writes "function: message"; keep the message. */
	size_t flen = function != NULL ? strlen(function) : 0;
	if (flen > 0 && strncmp(buffer, function, flen) == 0 &&
	    strncmp(buffer + flen, ": ", 2) == 0)
		buffer += flen + 2;
	snprintf(sshconn_last_log, sizeof sshconn_last_log, "%s", buffer);
}

/* Process-wide libssh setup, done once. */
static void sshconn_init(void)
{
	ssh_init();
}

/*
 * Our log callback and level. libssh 0.10 keeps both per thread, so every
 * thread that opens a session sets them, or libssh would print on stderr.
 */
static void sshconn_init_thread(void)
{
	ssh_set_log_callback(sshconn_log);
	ssh_set_log_level(SSH_LOG_WARN);
}

/* Returns the name of a failure kind ("timeout", "hostkey-changed", ...). */
const char *sshconn_fail_kind_name(enum sshconn_fail_kind kind)
{
	switch (kind) {
	case SSHCONN_FAIL_NONE:
		return "none";
	case SSHCONN_FAIL_CONNECT:
		return "connect";
	case SSHCONN_FAIL_TIMEOUT:
		return "timeout";
	case SSHCONN_FAIL_HOSTKEY_CHANGED:
		return "hostkey-changed";
	case SSHCONN_FAIL_HOSTKEY_UNKNOWN:
		return "hostkey-unknown";
	case SSHCONN_FAIL_HOSTKEY_OTHER:
		return "hostkey-other";
	case SSHCONN_FAIL_AUTH:
		return "auth";
	case SSHCONN_FAIL_PROTOCOL:
		return "protocol";
	}
	return "unknown";
}

/* Frees what a failure holds (the struct itself belongs to the caller). */
void sshconn_failure_free(struct sshconn_failure *fail)
{
	free(fail->message);
	free(fail->host_port);
	free(fail->key_type);
	free(fail->fingerprint);
	free(fail->known);
	free(fail->known_entry);
	free(fail->known_file);
	free(fail->jump);
	memset(fail, 0, sizeof *fail);
}

/*
 * Records the failure kind and message (the first one recorded wins), made
 * one line with its controls visible: it may quote what a server sent.
 */
static void __attribute__((format(printf, 3, 4)))
sshconn_fail(struct sshconn_failure *fail, enum sshconn_fail_kind kind, const char *fmt, ...)
{
	if (fail->message != NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	fail->kind = kind;
	char *raw = xvasprintf(fmt, ap);
	va_end(ap);
	fail->message = utf8_clean(raw, strlen(raw), UTF8_CLEAN_CONTROLS, NULL);
	free(raw);
}

/*
 * Returns libssh's error e, or, when e quotes the server's version banner (a
 * server that does not speak SSH-2), a message without it: the banner comes
 * before any authentication, so anyone on the path can write it (OpenSSH
 * says only "Protocol major versions differ").
 */
static const char *sshconn_unquote_banner(const char *e)
{
	if (strstr(e, "(banner:") != NULL || strncmp(e, "Protocol mismatch", 17) == 0)
		return "the server does not speak SSH protocol 2 (protocol major versions differ)";
	return e;
}

/* Returns libssh's last error for the session, or the thread's last warning. */
static const char *sshconn_libssh_error(ssh_session s)
{
	const char *e = s != NULL ? ssh_get_error(s) : NULL;
	if (e != NULL && *e != '\0')
		return sshconn_unquote_banner(e);
	if (sshconn_last_log[0] != '\0')
		return sshconn_unquote_banner(sshconn_last_log);
	return "no reason given";
}

/* Formats milliseconds as seconds for messages. */
static char *sshconn_seconds(int64_t ms)
{
	return xasprintf("%.1f s", (double)ms / 1000.0);
}

/* Re-arms libssh's blocking timeout to the time left; -1 when none is left. */
static int sshconn_arm(ssh_session s, int64_t deadline_ms)
{
	int left = clock_left_ms(deadline_ms);
	if (left <= 0)
		return -1;
	long sec = left / 1000, usec = (long)(left % 1000) * 1000L;
	if (ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec) < 0)
		return -1;
	return 0;
}

/* Session auth callback: refuses every prompt (passphrases included). */
static int sshconn_auth_refuse(const char *prompt, char *buf, size_t len, int echo, int verify,
                               void *userdata)
{
	int *asked = userdata;
	if (asked != NULL)
		*asked = 1;
	return -1;
}

/* Returns a libssh option string (newly allocated by us), or NULL. */
static char *sshconn_option(ssh_session s, enum ssh_options_e what)
{
	char *v = NULL;
	if (ssh_options_get(s, what, &v) != SSH_OK || v == NULL)
		return NULL;
	char *copy = xstrdup(v);
	ssh_string_free_char(v);
	return copy;
}

/* Returns the SHA256 fingerprint of a key ("SHA256:..."), newly allocated. */
static char *sshconn_fingerprint(ssh_key key)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) < 0)
		return xstrdup("SHA256:?");
	char *fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return xstrdup("SHA256:?");
	char *out = xstrdup(fp);
	ssh_string_free_char(fp);
	return out;
}

/*
 * Lists the keys a known_hosts file holds for host_port ("TYPE SHA256:... at
 * FILE:LINE"), appending to *out. same_type selects keys of the offered type
 * (CHANGED) or of other types (OTHER). libssh 0.10 hands back the stored entry
 * only when it matches, so the file is read here.
 */
static void sshconn_known_keys(const char *file, const char *host_port, ssh_key offered,
                               int same_type, char **out)
{
	if (file == NULL)
		return;
	FILE *f = fopen(file, "re");
	if (f == NULL)
		return;
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	unsigned lineno = 0;
	while ((len = getline(&line, &size, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		const char *p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#' || *p == '@')
			continue;
		struct ssh_knownhosts_entry *e = NULL;
		if (ssh_known_hosts_parse_line(host_port, p, &e) != SSH_OK || e == NULL) {
			ssh_knownhosts_entry_free(e);
			continue;
		}
		int same = ssh_key_type(e->publickey) == ssh_key_type(offered);
		if (same == same_type) {
			char *fp = sshconn_fingerprint(e->publickey);
			char *next = xasprintf(
			    "%s%s%s %s at %s:%u", *out ? *out : "", *out ? ", " : "",
			    ssh_key_type_to_char(ssh_key_type(e->publickey)), fp, file, lineno);
			free(fp);
			free(*out);
			*out = next;
		}
		ssh_knownhosts_entry_free(e);
	}
	free(line);
	fclose(f);
}

/* Checks the server's host key strictly; never accepts anything. */
static int sshconn_check_hostkey(struct sshconn *c, const struct site *site, const char *host,
                                 unsigned port, struct sshconn_failure *fail)
{
	ssh_session s = c->session;
	ssh_key key = NULL;
	if (ssh_get_server_publickey(s, &key) != SSH_OK || key == NULL) {
		sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "%s sent no host key: %s", c->where,
		             sshconn_libssh_error(s));
		return -1;
	}
	char *lower = xstrdup(host);
	for (char *p = lower; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	fail->host_port = port == 22 ? xstrdup(lower) : xasprintf("[%s]:%u", lower, port);
	free(lower);
	fail->key_type = xstrdup(ssh_key_type_to_char(ssh_key_type(key)));
	fail->fingerprint = sshconn_fingerprint(key);
	char *entry = NULL;
	if (ssh_session_export_known_hosts_entry(s, &entry) == SSH_OK && entry != NULL) {
		size_t n = strlen(entry);
		while (n > 0 && entry[n - 1] == '\n')
			entry[--n] = '\0';
		fail->known_entry = xstrdup(entry);
		ssh_string_free_char(entry);
	}

	const char *file =
	    site->ssh.known_hosts != NULL ? site->ssh.known_hosts : "~/.ssh/known_hosts";
	char *global = sshconn_option(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS);
	fail->known_file = sshconn_option(s, SSH_OPTIONS_KNOWNHOSTS);
	enum ssh_known_hosts_e state = ssh_session_is_known_server(s);
	int rc = -1;
	switch (state) {
	case SSH_KNOWN_HOSTS_OK:
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
		sshconn_known_keys(site->ssh.known_hosts, fail->host_port, key, 1, &fail->known);
		sshconn_known_keys(global, fail->host_port, key, 1, &fail->known);
		sshconn_fail(fail, SSHCONN_FAIL_HOSTKEY_CHANGED,
		             "the host key of %s has CHANGED: the server offers %s %s, but "
		             "known_hosts holds %s. Refusing to connect: this may be an attack "
		             "(someone in the middle) or a reinstalled host. Check with the "
		             "site's administrators before removing the old key from %s",
		             fail->host_port, fail->key_type, fail->fingerprint,
		             fail->known ? fail->known : "another key", file);
		break;
	case SSH_KNOWN_HOSTS_OTHER:
		sshconn_known_keys(site->ssh.known_hosts, fail->host_port, key, 0, &fail->known);
		sshconn_known_keys(global, fail->host_port, key, 0, &fail->known);
		sshconn_fail(fail, SSHCONN_FAIL_HOSTKEY_OTHER,
		             "the host key of %s is not the one known: the server offers %s %s, "
		             "but known_hosts holds only keys of another type (%s). Refusing to "
		             "connect: this may be an attack",
		             fail->host_port, fail->key_type, fail->fingerprint,
		             fail->known ? fail->known : "?");
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		sshconn_fail(fail, SSHCONN_FAIL_HOSTKEY_UNKNOWN,
		             "the host key of %s is not known (%s %s): the server offers %s %s. "
		             "Verify this fingerprint with the site's administrators before "
		             "accepting it",
		             fail->host_port,
		             access(file, F_OK) == 0 ? "no entry in" : "there is no file", file,
		             fail->key_type, fail->fingerprint);
		break;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "cannot check the host key of %s: %s",
		             fail->host_port, sshconn_libssh_error(s));
		break;
	}
	free(global);
	ssh_key_free(key);
	return rc;
}

/* Appends one authentication attempt's outcome to the list for the message. */
static void __attribute__((format(printf, 2, 3))) sshconn_tried(char **tried, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	char *next = xasprintf("%s%s%s", *tried ? *tried : "", *tried ? "; " : "", what);
	free(what);
	free(*tried);
	*tried = next;
}

/*
 * Classifies a failed userauth call; returns 1 when it was fatal (the failure
 * is recorded), 0 when the next method may be tried.
 */
static int sshconn_auth_fatal(struct sshconn *c, int rc, int64_t deadline_ms, int64_t start_ms,
                              struct sshconn_failure *fail)
{
	if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
		return 0;
	if (rc == SSH_AUTH_AGAIN || clock_left_ms(deadline_ms) == 0) {
		char *secs = sshconn_seconds(clock_mono_ms() - start_ms);
		sshconn_fail(fail, SSHCONN_FAIL_TIMEOUT,
		             "authentication on %s timed out after %s (connecting took that long "
		             "in all)",
		             c->where, secs);
		free(secs);
		return 1;
	}
	sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "authentication on %s failed: %s", c->where,
	             sshconn_libssh_error(c->session));
	return 1;
}

/* Tries the site's own key file; notes the outcome. Returns the userauth code. */
static int sshconn_auth_identity(struct sshconn *c, const char *identity, int64_t deadline_ms,
                                 char **tried)
{
	int asked = 0;
	ssh_key key = NULL;
	int rc = ssh_pki_import_privkey_file(identity, NULL, sshconn_auth_refuse, &asked, &key);
	if (rc != SSH_OK) {
		if (asked)
			sshconn_tried(
			    tried, "key %s is protected by a passphrase and no ssh-agent holds it",
			    identity);
		else if (access(identity, R_OK) == -1)
			sshconn_tried(tried, "key %s cannot be read: %s", identity,
			              strerror(errno));
		else
			sshconn_tried(tried, "key %s is not a private key libssh can read",
			              identity);
		ssh_key_free(key);
		return SSH_AUTH_DENIED;
	}
	if (sshconn_arm(c->session, deadline_ms) == -1) {
		ssh_key_free(key);
		return SSH_AUTH_AGAIN;
	}
	rc = ssh_userauth_publickey(c->session, NULL, key);
	ssh_key_free(key);
	if (rc == SSH_AUTH_DENIED)
		sshconn_tried(tried, "key %s was not accepted", identity);
	else if (rc == SSH_AUTH_PARTIAL)
		sshconn_tried(tried, "key %s was accepted but the server wants more", identity);
	return rc;
}

/* Authenticates without ever prompting: ssh-agent, the site's key, default keys. */
static int sshconn_auth(struct sshconn *c, const struct site *site, int64_t deadline_ms,
                        int64_t start_ms, struct sshconn_failure *fail)
{
	ssh_session s = c->session;
	char *tried = NULL;
	int rc;

	if (sshconn_arm(s, deadline_ms) == -1) {
		sshconn_auth_fatal(c, SSH_AUTH_AGAIN, deadline_ms, start_ms, fail);
		return -1;
	}
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	if (sshconn_auth_fatal(c, rc, deadline_ms, start_ms, fail))
		return -1;
	int methods = ssh_userauth_list(s, NULL);
	if (methods != 0 && (methods & SSH_AUTH_METHOD_PUBLICKEY) == 0) {
		sshconn_fail(fail, SSHCONN_FAIL_AUTH,
		             "%s does not accept public-key authentication, the only kind "
		             "drconsole uses",
		             c->where);
		return -1;
	}

	const char *sock = getenv("SSH_AUTH_SOCK");
	if (sock != NULL && *sock != '\0') {
		if (sshconn_arm(s, deadline_ms) == -1)
			rc = SSH_AUTH_AGAIN;
		else
			rc = ssh_userauth_agent(s, NULL);
		if (rc == SSH_AUTH_SUCCESS)
			goto ok;
		if (rc == SSH_AUTH_ERROR && ssh_is_connected(s)) {
			sshconn_tried(&tried, "ssh-agent: %s", sshconn_libssh_error(s));
		} else {
			if (sshconn_auth_fatal(c, rc, deadline_ms, start_ms, fail))
				goto fail;
			sshconn_tried(&tried, "no key in ssh-agent was accepted");
		}
	} else {
		sshconn_tried(&tried, "no ssh-agent (SSH_AUTH_SOCK is not set)");
	}

	if (site->ssh.identity != NULL) {
		rc = sshconn_auth_identity(c, site->ssh.identity, deadline_ms, &tried);
		if (rc == SSH_AUTH_SUCCESS)
			goto ok;
		if (sshconn_auth_fatal(c, rc, deadline_ms, start_ms, fail))
			goto fail;
	}

	c->asked_passphrase = 0;
	if (sshconn_arm(s, deadline_ms) == -1)
		rc = SSH_AUTH_AGAIN;
	else
		rc = ssh_userauth_publickey_auto(s, NULL, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		goto ok;
	if (sshconn_auth_fatal(c, rc, deadline_ms, start_ms, fail))
		goto fail;
	sshconn_tried(&tried, "no default key (~/.ssh/id_*) was accepted%s",
	              c->asked_passphrase ? " (some need a passphrase)" : "");
	sshconn_fail(fail, SSHCONN_FAIL_AUTH, "authentication on %s failed: %s", c->where, tried);
fail:
	free(tried);
	return -1;
ok:
	free(tried);
	return 0;
}

/*
 * Classifies a failed ssh_connect: timeout, socket-level, or protocol. said
 * is what the jump host's ssh logged last, if any.
 */
static void sshconn_connect_failed(struct sshconn *c, const struct site *site, int64_t start_ms,
                                   int64_t deadline_ms, const char *said,
                                   struct sshconn_failure *fail)
{
	const char *err = said != NULL ? said : sshconn_libssh_error(c->session);
	(void)site;
	const char *hosts = c->jump != NULL && strchr(c->jump, ',') ? "hosts" : "host";
	char *via = c->jump == NULL ? xstrdup("")
	            : c->jump_origin && strcmp(c->jump_origin, "ssh.jump") != 0
	                ? xasprintf(" (through jump %s %s, the ProxyJump at %s)", hosts, c->jump,
	                            c->jump_origin)
	                : xasprintf(" (through jump %s %s)", hosts, c->jump);
	if (clock_left_ms(deadline_ms) == 0 || strncmp(err, "Timeout", 7) == 0 ||
	    strstr(err, "timed out") != NULL) {
		char *secs = sshconn_seconds(clock_mono_ms() - start_ms);
		sshconn_fail(fail, SSHCONN_FAIL_TIMEOUT,
		             "SSH handshake with %s%s timed out after %s (no answer from sshd)",
		             c->where, via, secs);
		free(secs);
	} else if (strncmp(err, "Socket error", 12) == 0 || strstr(err, "onnection") != NULL ||
	           c->jump != NULL) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "SSH connection to %s%s failed: %s",
		             c->where, via, err);
	} else {
		sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "SSH handshake with %s%s failed: %s",
		             c->where, via, err);
	}
	free(via);
}

/*
 * Applies the options in libssh's required order: HOST, the user's
 * ~/.ssh/config, PROCESS_CONFIG off, then ours.
 */
static int sshconn_options(struct sshconn *c, const struct site *site, struct sshconn_failure *fail)
{
	ssh_session s = c->session;
	if (site->ssh.host == NULL || ssh_options_set(s, SSH_OPTIONS_HOST, site->ssh.host) < 0) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s: bad ssh host '%s': %s", c->site,
		             site->ssh.host ? site->ssh.host : "", sshconn_libssh_error(s));
		return -1;
	}
	char *cause = NULL;
	if (sshjump_resolve(site, &c->jump, &c->jump_origin, &cause) == -1) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s: %s", c->site, cause);
		free(cause);
		return -1;
	}
	/* libssh expands %-tokens in both paths: a '%' in a file name is doubled. */
	char *config = site->ssh.config ? sshhops_percent(site->ssh.config) : NULL;
	int parsed = ssh_options_parse_config(s, config);
	free(config);
	if (parsed < 0) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s: cannot read the ssh config %s: %s",
		             c->site, site->ssh.config ? site->ssh.config : "(~/.ssh/config)",
		             sshconn_libssh_error(s));
		return -1;
	}
	bool no = false;
	int strict = 1, verbosity = SSH_LOG_WARN;
	if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0)
		goto bad;
	if (site->ssh.port > 0) {
		unsigned int port = (unsigned int)site->ssh.port;
		if (ssh_options_set(s, SSH_OPTIONS_PORT, &port) < 0)
			goto bad;
	}
	if (site->ssh.user != NULL && ssh_options_set(s, SSH_OPTIONS_USER, site->ssh.user) < 0)
		goto bad;
	if (site->ssh.known_hosts != NULL) {
		char *kh = sshhops_percent(site->ssh.known_hosts);
		int set = ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, kh);
		free(kh);
		if (set < 0)
			goto bad;
	}
	return 0;
bad:
	sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s: cannot set ssh options: %s", c->site,
	             sshconn_libssh_error(s));
	return -1;
}

/* Sets the nested ssh that crosses the jump hosts as libssh's ProxyCommand. */
static int sshconn_jump(struct sshconn *c, const struct site *site, const char *host,
                        unsigned port, int64_t timeout_ms, char **jump_logs,
                        struct sshconn_failure *fail)
{
	struct sshhops hops;
	char *cause = NULL, *cmd = NULL;
	if (sshhops_parse(c->jump, &hops, &cause) == 0) {
		*jump_logs = sshjump_logs_make();
		c->jump_hops = hops.n;
		struct sshhops_opts o = {
		    .known_hosts = site->ssh.known_hosts,
		    .config = site->ssh.config,
		    .identity = site->ssh.identity,
		    .log_dir = *jump_logs,
		    .timeout_ms = timeout_ms,
		};
		cmd = sshhops_command(&hops, &o, host, port, &cause);
		sshhops_free(&hops);
	}
	if (cmd == NULL || ssh_options_set(c->session, SSH_OPTIONS_PROXYCOMMAND, cmd) < 0) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s: %s", c->site,
		             cause ? cause : sshconn_libssh_error(c->session));
		free(cause);
		free(cmd);
		return -1;
	}
	free(cmd);
	sshjump_ignore_sigpipe();
	return 0;
}

/* Makes the transport: our own TCP socket, or the jump hosts' nested ssh. */
static int sshconn_transport(struct sshconn *c, const struct site *site, const char *host,
                             unsigned port, int64_t timeout_ms, int64_t deadline_ms,
                             char **jump_logs, struct sshconn_failure *fail)
{
	ssh_session s = c->session;
	char *cause = NULL;
	if (c->jump != NULL)
		return sshconn_jump(c, site, host, port, timeout_ms, jump_logs, fail);
	char *configured = sshconn_option(s, SSH_OPTIONS_PROXYCOMMAND);
	cause = sshjump_unfollowed(site, configured);
	free(configured);
	if (cause != NULL) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s: %s", c->site, cause);
		free(cause);
		return -1;
	}

	c->fd = net_connect(host, port, deadline_ms, &cause);
	struct stat st;
	if (c->fd != -1 && fstat(c->fd, &st) == 0) {
		c->fd_dev = st.st_dev;
		c->fd_ino = st.st_ino;
	}
	if (c->fd == -1) {
		sshconn_fail(fail, errno == ETIMEDOUT ? SSHCONN_FAIL_TIMEOUT : SSHCONN_FAIL_CONNECT,
		             "%s", cause);
		free(cause);
		return -1;
	}
	if (net_keepalive(c->fd, timeout_ms, &cause) == -1) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "%s", cause);
		free(cause);
		return -1;
	}
	socket_t fd = c->fd;
	if (ssh_options_set(s, SSH_OPTIONS_FD, &fd) < 0) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "cannot hand the socket to libssh: %s",
		             sshconn_libssh_error(s));
		return -1;
	}
	return 0;
}

/* Switches an open session to non-blocking mode and sets up its event loop. */
static int sshconn_go_nonblocking(struct sshconn *c, struct sshconn_failure *fail)
{
	ssh_set_blocking(c->session, 0);
	/*
	 * libssh made the socket blocking; it only writes after poll() reports
	 * room, so a non-blocking socket never refuses a write, and a full
	 * socket buffer (frozen peer) can no longer stall a send().
	 */
	socket_t fd = ssh_get_fd(c->session);
	int flags = fd != SSH_INVALID_SOCKET ? fcntl(fd, F_GETFL) : -1;
	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "%s: the session socket is gone",
		             c->where);
		return -1;
	}
	c->event = ssh_event_new();
	if (c->event == NULL || ssh_event_add_session(c->event, c->session) != SSH_OK) {
		sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "%s: cannot set up the event loop",
		             c->where);
		return -1;
	}
	return 0;
}

/*
 * Opens and authenticates a session to a site within timeout_ms. Returns NULL
 * and fills *fail (free it with sshconn_failure_free) on failure.
 */
struct sshconn *sshconn_open(const struct site *site, int64_t timeout_ms,
                             struct sshconn_failure *fail)
{
	int64_t start = clock_mono_ms(), deadline = start + timeout_ms;
	memset(fail, 0, sizeof *fail);
	pthread_once(&sshconn_once, sshconn_init);
	sshconn_init_thread();
	sshconn_last_log[0] = '\0';

	struct sshconn *c = xcalloc(1, sizeof *c);
	c->fd = -1;
	c->wake_fd = -1;
	c->timeout_ms = timeout_ms;
	c->site = xstrdup(site->name ? site->name : "?");
	TAILQ_INIT(&c->execs);
	c->session = ssh_new();
	if (c->session == NULL) {
		fprintf(stderr, "drconsole: out of memory (ssh_new)\n");
		abort();
	}
	char *host = NULL, *user = NULL, *jump_logs = NULL;
	unsigned port = 22;

	if (sshconn_options(c, site, fail) == -1)
		goto fail;
	host = sshconn_option(c->session, SSH_OPTIONS_HOST);
	ssh_options_get_port(c->session, &port);
	user = sshconn_option(c->session, SSH_OPTIONS_USER);
	if (host == NULL) {
		sshconn_fail(fail, SSHCONN_FAIL_CONNECT, "site %s has no ssh host", c->site);
		goto fail;
	}
	char *hp = net_describe(host, port);
	c->where = user ? xasprintf("%s@%s", user, hp) : xstrdup(hp);
	free(hp);

	if (sshconn_transport(c, site, host, port, timeout_ms, deadline, &jump_logs, fail) == -1)
		goto fail;

	ssh_callbacks_init(&c->callbacks);
	c->callbacks.userdata = &c->asked_passphrase;
	c->callbacks.auth_function = sshconn_auth_refuse;
	ssh_set_callbacks(c->session, &c->callbacks);

	if (sshconn_arm(c->session, deadline) == -1) {
		char *secs = sshconn_seconds(clock_mono_ms() - start);
		sshconn_fail(fail, SSHCONN_FAIL_TIMEOUT, "connecting to %s timed out after %s",
		             c->where, secs);
		free(secs);
		goto fail;
	}
	int connected = ssh_connect(c->session) == SSH_OK;
	if (!connected) {
		size_t hop = 0;
		char *said = sshjump_said(jump_logs, c->jump_hops, &hop);
		sshconn_connect_failed(c, site, start, deadline, said, fail);
		if (c->jump != NULL && sshjump_hostkey_refused(said))
			sshjump_hostkey(site, c->jump, hop, c->where, clock_left_ms(deadline), fail);
		free(said);
	}
	sshjump_logs_remove(jump_logs);
	jump_logs = NULL;
	if (!connected)
		goto fail;
	if (sshconn_check_hostkey(c, site, host, port, fail) == -1)
		goto fail;
	if (sshconn_auth(c, site, deadline, start, fail) == -1)
		goto fail;
	if (sshconn_go_nonblocking(c, fail) == -1)
		goto fail;
	c->heard_ms = clock_mono_ms();

	/* Success: drop the host key details the caller does not need. */
	sshconn_failure_free(fail);
	free(host);
	free(user);
	return c;

fail:
	if (fail->message == NULL)
		sshconn_fail(fail, SSHCONN_FAIL_PROTOCOL, "connecting to %s failed",
		             c->where ? c->where : c->site);
	sshjump_logs_remove(jump_logs);
	free(host);
	free(user);
	sshconn_free(c);
	return NULL;
}

/* Tells whether c->fd is still our socket (libssh closes it on errors). */
static int sshconn_fd_is_ours(const struct sshconn *c)
{
	struct stat st;
	return fstat(c->fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == c->fd_dev &&
	       st.st_ino == c->fd_ino;
}

/*
 * Closes the session without ever waiting on the peer: execs are detached
 * (their objects stay valid), the bridge is closed, the disconnect is only
 * queued.
 */
void sshconn_free(struct sshconn *c)
{
	if (c == NULL)
		return;
	sshconn_bridge_close(c);
	sshexec_detach_all(c, c->error ? c->error : "the connection was closed");
	if (c->event != NULL) {
		ssh_event_remove_session(c->event, c->session);
		ssh_event_free(c->event);
	}
	if (c->session != NULL) {
		/* Neither closes a socket given with SSH_OPTIONS_FD. */
		ssh_disconnect(c->session);
		ssh_free(c->session);
	}
	if (c->fd != -1 && sshconn_fd_is_ours(c))
		close(c->fd);
	free(c->orphans);
	free(c->pfd);
	free(c->site);
	free(c->where);
	free(c->jump);
	free(c->jump_origin);
	free(c->error);
	free(c);
}

/* Tells whether the session is still usable. */
int sshconn_alive(const struct sshconn *c)
{
	return c->error == NULL;
}

/* Returns why the session died, or NULL while it lives. */
const char *sshconn_error(const struct sshconn *c)
{
	return c->error;
}

/* Tells whether libssh has output queued that the socket has not taken yet. */
int sshconn_write_pending(const struct sshconn *c)
{
	return (ssh_get_poll_flags(c->session) & SSH_WRITE_PENDING) != 0;
}

/* Notices a dead session; returns -1 (and fails everything riding on it) if so. */
int sshconn_check(struct sshconn *c)
{
	if (c->error != NULL)
		return -1;
	if (ssh_is_connected(c->session) && ssh_get_fd(c->session) != SSH_INVALID_SOCKET &&
	    (ssh_get_status(c->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0)
		return 0;
	c->error = xasprintf("the connection to %s (%s) was lost: %s", c->site, c->where,
	                     sshconn_libssh_error(c->session));
	sshexec_detach_all(c, c->error);
	pgbridge_drop_clients(c);
	return -1;
}

/*
 * Keeps a channel whose open is still pending after its owner gave up on it;
 * it is freed once the server answers (an open confirmation for a channel
 * libssh no longer knows would leave it open on the server).
 */
void sshconn_orphan(struct sshconn *c, ssh_channel channel, int is_session)
{
	c->orphans = xreallocarray(c->orphans, c->n_orphans + 1, sizeof *c->orphans);
	c->orphans[c->n_orphans].channel = channel;
	c->orphans[c->n_orphans].is_session = is_session;
	c->n_orphans++;
}

/* Frees the orphans whose open has been answered. */
static void sshconn_reap_orphans(struct sshconn *c)
{
	size_t i = 0;
	while (i < c->n_orphans) {
		struct sshconn_orphan *o = &c->orphans[i];
		/* For a channel already opening, this only checks for the answer. */
		if (ssh_channel_open_session(o->channel) == SSH_AGAIN) {
			i++;
			continue;
		}
		ssh_channel_free(o->channel);
		if (o->is_session && c->n_sessions > 0)
			c->n_sessions--;
		c->orphans[i] = c->orphans[--c->n_orphans];
	}
}

/* Moves everything riding on the session along without waiting. */
static void sshconn_step(struct sshconn *c)
{
	sshconn_reap_orphans(c);
	sshexec_step_all(c);
	pgbridge_step(c);
}

/* Returns how many times bytes of a bridged client were read so far. */
unsigned long sshconn_bridge_reads(const struct sshconn *c)
{
	return c->bridge_reads;
}

/*
 * Returns by when the site must be heard from again (mono clock), for a
 * wait that began at since: silent_ms after the later of since and the last
 * bytes the site sent. sshd is asked for a reply (a keepalive global request,
 * which OpenSSH answers even while the session's commands are silent) once
 * the site has been silent for a third of silent_ms, at most once per third
 * (*pinged: when it was last asked, 0 at first): a slow command on a live
 * site keeps its own deadline, a frozen site or a dead path ends the wait
 * within silent_ms. Wait at most a third of silent_ms at a time.
 */
int64_t sshconn_heard_by(struct sshconn *c, int64_t since, int64_t silent_ms, int64_t *pinged)
{
	int64_t heard = c->heard_ms > since ? c->heard_ms : since;
	int64_t now = clock_mono_ms(), third = silent_ms / 3;
	if (c->error == NULL && now - heard >= third && now - *pinged >= third) {
		ssh_send_keepalive(c->session); /* its reply shows as bytes heard */
		*pinged = now;
	}
	return heard + silent_ms;
}

/* Tells whether the wake descriptor ended a poll since the last call (and forgets it). */
int sshconn_woken(struct sshconn *c)
{
	int w = c->woken;
	c->woken = 0;
	return w;
}

/* Makes sshconn_poll return early whenever fd is readable (the agent's stop pipe). */
void sshconn_wake_on(struct sshconn *c, int fd)
{
	c->wake_fd = fd;
}

/*
 * One pass of the session's event loop: waits up to timeout_ms for the
 * session socket or the bridge's sockets, lets libssh process what came, and
 * moves execs and bridged connections along. Returns 0, or -1 once the
 * session is dead (sshconn_error says why).
 */
int sshconn_poll(struct sshconn *c, int timeout_ms)
{
	if (sshconn_check(c) == -1)
		return -1;
	sshconn_step(c);
	if (sshconn_check(c) == -1)
		return -1;

	size_t need = 2 + pgbridge_nfds(c);
	if (need > c->pfd_size) {
		c->pfd = xreallocarray(c->pfd, need, sizeof *c->pfd);
		c->pfd_size = need;
	}
	/*
	 * libssh keeps saying it has output pending after a send until its own
	 * poll of the socket saw it writable: let it look now (one poll) rather
	 * than wake our poll at once for it (two).
	 */
	if (sshconn_write_pending(c)) {
		ssh_event_dopoll(c->event, 0);
		if (sshconn_check(c) == -1)
			return -1;
	}
	c->pfd[0].fd = ssh_get_fd(c->session);
	c->pfd[0].events = (short)(POLLIN | (sshconn_write_pending(c) ? POLLOUT : 0));
	c->pfd[0].revents = 0;
	size_t n = 1 + pgbridge_pollfds(c, c->pfd + 1);
	timeout_ms = pgbridge_timeout(c, timeout_ms);
	if (c->wake_fd >= 0) /* last, so that the bridge's descriptors keep their places */
		c->pfd[n] = (struct pollfd){c->wake_fd, POLLIN, 0};
	if (poll(c->pfd, (nfds_t)(n + (c->wake_fd >= 0)), timeout_ms) == -1 && errno != EINTR) {
		c->error = xasprintf("poll failed: %s", strerror(errno));
		sshexec_detach_all(c, c->error);
		pgbridge_drop_clients(c);
		return -1;
	}

	if (c->wake_fd >= 0 && c->pfd[n].revents != 0)
		c->woken = 1;
	if (c->pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
		c->heard_ms = clock_mono_ms();
	if (c->pfd[0].revents != 0)
		ssh_event_dopoll(c->event, 0);
	if (sshconn_check(c) == -1)
		return -1;
	pgbridge_service(c, c->pfd + 1, n - 1);
	sshconn_step(c);
	return sshconn_check(c);
}
