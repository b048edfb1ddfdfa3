/*
 * One SSH session to one site, owned and used by a single thread (the site's
 * agent): connect with strict host keys and non-interactive authentication,
 * then a non-blocking event loop that carries command executions (sshexec.h)
 * and the PostgreSQL bridge (pgbridge.h).
 */
#ifndef DR_SSHCONN_H
#define DR_SSHCONN_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "conf.h"

enum sshconn_fail_kind {
	SSHCONN_FAIL_NONE,
	SSHCONN_FAIL_CONNECT,         /* refused, unreachable, reset, bad name */
	SSHCONN_FAIL_TIMEOUT,         /* the deadline passed */
	SSHCONN_FAIL_HOSTKEY_CHANGED, /* known_hosts holds another key of this type */
	SSHCONN_FAIL_HOSTKEY_UNKNOWN, /* no known_hosts entry: needs the operator */
	SSHCONN_FAIL_HOSTKEY_OTHER,   /* only keys of other types are known */
	SSHCONN_FAIL_AUTH,            /* no key was accepted */
	SSHCONN_FAIL_PROTOCOL,        /* key exchange or other SSH-level failure */
};

/* Why sshconn_open failed. Free with sshconn_failure_free. */
struct sshconn_failure {
	enum sshconn_fail_kind kind;
	char *message;     /* one sentence for the operator */
	char *host_port;   /* the known_hosts name: "host" or "[host]:port" */
	char *key_type;    /* the server's host key type ("ssh-ed25519") */
	char *fingerprint; /* the server's host key, "SHA256:...", when seen */
	char *known;       /* CHANGED/OTHER: the keys known_hosts holds, with FILE:LINE */
	char *known_entry; /* the line that accepting the offered key would add */
	char *known_file;  /* the known_hosts file this session reads (and an accepted key goes to) */
	char *jump;        /* set when the key above is a jump host's (that hop), not the site's */
};

struct sshexec;
struct pgbridge;
TAILQ_HEAD(sshexec_list, sshexec);

/* A channel given up while its open was pending: freed once the server answers. */
struct sshconn_orphan {
	ssh_channel channel;
	int is_session; /* counts against sshd's MaxSessions */
};

/*
 * The session. Fields are shared by sshconn.c, sshexec.c and pgbridge.c;
 * everyone else uses the functions.
 */
struct sshconn {
	ssh_session session;
	ssh_event event;                       /* holds the session socket only */
	struct ssh_callbacks_struct callbacks; /* must outlive the session */
	int fd;                                /* our TCP socket, -1 with a jump host */
	dev_t fd_dev;                          /* which socket it is: libssh may close */
	ino_t fd_ino;                          /* it, and the number be reused */
	char *site;                            /* site name, for messages */
	char *where;                           /* "user@host:port", for messages */
	char *jump;                            /* the jump hosts in use ("a,b"), or NULL */
	char *jump_origin;                     /* "FILE:LINE" of the ProxyJump, or "ssh.jump" */
	size_t jump_hops;                      /* how many */
	int64_t timeout_ms;                    /* the session timeout */
	int asked_passphrase;                  /* the auth callback refused a prompt */

	struct sshexec_list execs;
	size_t n_sessions; /* session channels open or opening */
	struct sshconn_orphan *orphans;
	size_t n_orphans;
	struct pgbridge *bridge;
	unsigned long bridge_reads; /* times a bridged client's bytes were read */
	int64_t heard_ms;           /* when the site last sent bytes on the session socket (mono) */

	struct pollfd *pfd;
	size_t pfd_size;
	int wake_fd; /* readable: sshconn_poll returns early (-1: none) */
	int woken;   /* ... and it did */
	char *error; /* why the session died, once it has */
};

/* At most this many session channels at once (sshd's MaxSessions is 10). */
#define SSHCONN_MAX_SESSIONS 8

struct sshconn *sshconn_open(const struct site *site, int64_t timeout_ms,
                             struct sshconn_failure *fail);
void sshconn_free(struct sshconn *c);
void sshconn_failure_free(struct sshconn_failure *fail);
const char *sshconn_fail_kind_name(enum sshconn_fail_kind kind);
int sshconn_poll(struct sshconn *c, int timeout_ms);
void sshconn_wake_on(struct sshconn *c, int fd);
int sshconn_woken(struct sshconn *c);
unsigned long sshconn_bridge_reads(const struct sshconn *c);
int64_t sshconn_heard_by(struct sshconn *c, int64_t since, int64_t silent_ms, int64_t *pinged);
int sshconn_alive(const struct sshconn *c);
const char *sshconn_error(const struct sshconn *c);

/* For sshexec.c and pgbridge.c. */
int sshconn_check(struct sshconn *c);
void sshconn_orphan(struct sshconn *c, ssh_channel channel, int is_session);
int sshconn_write_pending(const struct sshconn *c);

/* The rest of a session's API: remote commands and the PostgreSQL bridge. */
#include "pgbridge.h"
#include "sshexec.h"

#endif
