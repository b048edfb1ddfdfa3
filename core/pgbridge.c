/*
 * The PostgreSQL bridge (DESIGN.md section 3). The site agent listens on
 * DIR/.s.PGSQL.<port>, DIR being a private 0700 directory, so libpq connects
 * with host=DIR port=<port> and no TCP port is ever opened on this machine.
 * Each accepted client gets a direct-tcpip channel to 127.0.0.1:<port> on the
 * site, and bytes are pumped both ways inside sshconn_poll(); the listener
 * keeps accepting, since libpq's cancel request arrives on a connection of
 * its own.
 *
 * Nothing here blocks. The channel open is non-blocking (SSH_AGAIN until the
 * server answers) and bounded by the session timeout: a refused or
 * blackholed target closes the client instead of leaving libpq hanging, and
 * a channel given up while still opening is handed to sshconn as an orphan so
 * it is closed properly once the server answers.
 *
 * Back-pressure: each direction has one buffer. A client is read only while
 * its upstream buffer has room and libssh has no output waiting for the
 * session socket; the channel is read only when the client has taken what
 * was read before, and libssh grows the channel window only as we read, so a
 * slow client slows the server instead of filling memory.
 *
 * Either side ending ends both: a client that closes gets its channel closed
 * (after what it sent has been passed on, as far as the window allows), and a
 * channel the server ends closes its client once everything was delivered.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "pgbridge.h"
#include "rundir.h"
#include "xmalloc.h"

#define PGBRIDGE_BUF         32768
#define PGBRIDGE_MAX_CLIENTS 64

/* One accepted libpq connection and its channel. */
struct pgbridge_client {
	int fd;
	ssh_channel channel;
	int open;              /* the channel is open (else still opening) */
	int64_t open_deadline; /* give up opening then */
	char up[PGBRIDGE_BUF]; /* client to channel */
	size_t up_len;
	char down[PGBRIDGE_BUF]; /* channel to client */
	size_t down_off, down_len;
	int client_eof;  /* the client closed or failed */
	int channel_eof; /* the server side ended */
	int unread;      /* the channel may hold data, an EOF or a close not read yet */
	int pfd_index;   /* its slot in this pass's pollfd array, or -1 */
	struct ssh_channel_callbacks_struct cb; /* set while the client holds the channel */
};

struct pgbridge {
	char *dir;
	char *path;
	unsigned remote_port;
	int listen_fd;
	int listen_index;
	int owner_fd; /* the folder's claim (rundir_claim), -1: none */
	dev_t dev;    /* the socket file made here, to unlink only that */
	ino_t ino;
	struct pgbridge_client **clients;
	size_t n_clients;
	pgbridge_error_fn on_error; /* told before a client is closed for a failed tunnel */
	void *on_error_arg;
};

/* RFC 4254's reasons for refusing a channel (libssh does not export them). */
enum { PGBRIDGE_OPEN_PROHIBITED = 1, PGBRIDGE_OPEN_CONNECT_FAILED = 2 };

/* Sets who is told why a tunnel failed (the client itself only sees its socket close). */
void sshconn_bridge_on_error(struct sshconn *c, pgbridge_error_fn fn, void *arg)
{
	if (c->bridge != NULL) {
		c->bridge->on_error = fn;
		c->bridge->on_error_arg = arg;
	}
}

/* Reports a tunnel that did not open, in the operator's terms. */
static void pgbridge_report(struct sshconn *c, int timed_out)
{
	struct pgbridge *b = c->bridge;
	if (b->on_error == NULL)
		return;
	const char *e = ssh_get_error(c->session);
	char *msg;
	int refused = 0, code = 0;
	/* libssh words it "... channel N error (CODE) text"; CODE is RFC 4254's reason. */
	const char *paren = e != NULL ? strstr(e, " error (") : NULL;
	if (paren != NULL)
		code = atoi(paren + 8);
	if (timed_out)
		msg = xasprintf("opening the SSH tunnel to the site's PostgreSQL (127.0.0.1:%u) "
		                "timed out",
		                b->remote_port);
	else if (code == PGBRIDGE_OPEN_PROHIBITED)
		msg = xasprintf("sshd refuses to forward to the site's PostgreSQL (127.0.0.1:%u): "
		                "port forwarding is disabled there (AllowTcpForwarding)",
		                b->remote_port);
	else if (code == PGBRIDGE_OPEN_CONNECT_FAILED) {
		refused = 1;
		msg = xasprintf("nothing accepts connections at the site's 127.0.0.1:%u "
		                "(PostgreSQL is not running there, or listens elsewhere)",
		                b->remote_port);
	} else
		msg = xasprintf("the SSH tunnel to the site's PostgreSQL (127.0.0.1:%u) failed: %s",
		                b->remote_port, e && *e ? e : "no reason given");
	b->on_error(b->on_error_arg, msg, refused);
	free(msg);
}

/*
 * Creates dir with mode 0700, or accepts an existing one only if it is a real
 * directory (not a symlink), ours, and 0700.
 */
static int pgbridge_make_dir(const char *dir, char **cause)
{
	if (mkdir(dir, 0700) == 0) {
		if (chmod(dir, 0700) == -1) {
			*cause = xasprintf("cannot set mode 0700 on %s: %s", dir, strerror(errno));
			rmdir(dir);
			return -1;
		}
		return 0;
	}
	if (errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(dir, &st) == -1) {
		*cause = xasprintf("cannot check %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s exists and is not a directory", dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*cause = xasprintf("%s belongs to uid %lu, not to this user", dir,
		                   (unsigned long)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 07777) != 0700) {
		*cause = xasprintf("%s has mode %04o; it must be 0700 (private)", dir,
		                   (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Removes a stale socket left by a dead process; refuses one that is in use. */
static int pgbridge_clear_stale(const char *path, const struct sockaddr_un *sun, char **cause)
{
	struct stat st;
	if (lstat(path, &st) == -1)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		*cause = xasprintf("%s exists and is not a socket", path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		*cause = xasprintf("cannot create a socket: %s", strerror(errno));
		return -1;
	}
	int rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
	int err = errno;
	close(fd);
	if (rc == 0 || err != ECONNREFUSED) {
		*cause = xasprintf("%s is in use by another process", path);
		return -1;
	}
	if (unlink(path) == -1) {
		*cause = xasprintf("cannot remove the stale socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Makes the listening socket at b->path. */
static int pgbridge_listen(struct pgbridge *b, char **cause)
{
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(b->path) >= sizeof sun.sun_path) {
		*cause = xasprintf("socket path %s is too long (at most %zu bytes)", b->path,
		                   sizeof sun.sun_path - 1);
		return -1;
	}
	memcpy(sun.sun_path, b->path, strlen(b->path) + 1);
	if (pgbridge_clear_stale(b->path, &sun, cause) == -1)
		return -1;
	b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (b->listen_fd == -1) {
		*cause = xasprintf("cannot create a socket: %s", strerror(errno));
		return -1;
	}
	if (bind(b->listen_fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		*cause = xasprintf("cannot bind %s: %s", b->path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(b->path, &st) == 0) {
		b->dev = st.st_dev;
		b->ino = st.st_ino;
	}
	if (listen(b->listen_fd, 16) == -1) {
		*cause = xasprintf("cannot listen on %s: %s", b->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Closes the listener and removes the socket (if it is still ours) and dir. */
static void pgbridge_unlisten(struct pgbridge *b)
{
	if (b->listen_fd != -1) {
		close(b->listen_fd);
		b->listen_fd = -1;
	}
	struct stat st;
	if (b->ino != 0 && lstat(b->path, &st) == 0 && st.st_dev == b->dev && st.st_ino == b->ino)
		unlink(b->path);
	rundir_release(b->dir, b->owner_fd);
	b->owner_fd = -1;
	rmdir(b->dir);
}

/*
 * Starts the bridge: dir/.s.PGSQL.<remote_port> forwarded to
 * 127.0.0.1:<remote_port> on the site. Returns -1 and *cause on failure.
 */
int sshconn_bridge_open(struct sshconn *c, const char *dir, unsigned remote_port, char **cause)
{
	if (c->bridge != NULL) {
		*cause = xasprintf("a bridge is already open on %s", c->bridge->path);
		return -1;
	}
	if (remote_port == 0 || remote_port > 65535) {
		*cause = xasprintf("bad PostgreSQL port %u", remote_port);
		return -1;
	}
	if (pgbridge_make_dir(dir, cause) == -1)
		return -1;
	struct pgbridge *b = xcalloc(1, sizeof *b);
	b->owner_fd = rundir_claim(dir); /* marks it live for other processes' sweeps */
	b->dir = xstrdup(dir);
	b->path = xasprintf("%s/.s.PGSQL.%u", dir, remote_port);
	b->remote_port = remote_port;
	b->listen_fd = -1;
	if (pgbridge_listen(b, cause) == -1) {
		pgbridge_unlisten(b);
		free(b->dir);
		free(b->path);
		free(b);
		return -1;
	}
	c->bridge = b;
	return 0;
}

/*
 * Channel callback: data came and stays in libssh's buffer (nothing is
 * consumed here, so the window still grows only as the client takes it);
 * only notes that there is something to read. Reading only then spares a
 * poll of the session socket inside libssh on every pass.
 */
static int pgbridge_on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len, int is_stderr,
                            void *userdata)
{
	struct pgbridge_client *cl = userdata;
	cl->unread = 1;
	return 0;
}

/* Channel callback: an EOF or a close came, for the read side to notice. */
static void pgbridge_on_end(ssh_session s, ssh_channel ch, void *userdata)
{
	struct pgbridge_client *cl = userdata;
	cl->unread = 1;
}

/* Ends one client: closes its socket and lets go of its channel. */
static void pgbridge_end(struct sshconn *c, struct pgbridge_client *cl)
{
	if (cl->fd != -1)
		close(cl->fd);
	if (cl->channel != NULL) {
		ssh_remove_channel_callbacks(cl->channel, &cl->cb); /* cl is freed below */
		if (!cl->open && c->error == NULL)
			sshconn_orphan(c, cl->channel, 0);
		else
			ssh_channel_free(cl->channel); /* queues EOF and close */
	}
	free(cl);
}

/* Removes client i from the bridge (the last one takes its place). */
static void pgbridge_remove(struct sshconn *c, size_t i)
{
	struct pgbridge *b = c->bridge;
	pgbridge_end(c, b->clients[i]);
	b->clients[i] = b->clients[--b->n_clients];
}

/* Closes every client (the session died or the bridge closes). */
void pgbridge_drop_clients(struct sshconn *c)
{
	struct pgbridge *b = c->bridge;
	if (b == NULL)
		return;
	while (b->n_clients > 0)
		pgbridge_remove(c, b->n_clients - 1);
}

/* Stops the bridge: closes every client, unlinks the socket, removes the directory. */
void sshconn_bridge_close(struct sshconn *c)
{
	struct pgbridge *b = c->bridge;
	if (b == NULL)
		return;
	pgbridge_drop_clients(c);
	pgbridge_unlisten(b);
	free(b->clients);
	free(b->dir);
	free(b->path);
	free(b);
	c->bridge = NULL;
}

/* Returns how many client connections the bridge carries. */
size_t sshconn_bridge_clients(const struct sshconn *c)
{
	return c->bridge != NULL ? c->bridge->n_clients : 0;
}

/* Tells whether a client should be polled for input. */
static int pgbridge_wants_input(const struct sshconn *c, const struct pgbridge_client *cl)
{
	if (cl->client_eof)
		return 0;
	if (!cl->open)
		return 0; /* its first bytes wait in the socket until the channel opens */
	if (cl->channel_eof)
		return 1; /* to notice the client closing */
	return cl->up_len < sizeof cl->up && !sshconn_write_pending(c);
}

/* Returns how many pollfds the bridge needs at most. */
size_t pgbridge_nfds(const struct sshconn *c)
{
	return c->bridge != NULL ? 1 + c->bridge->n_clients : 0;
}

/* Fills the bridge's pollfds (listener, then clients); returns how many. */
size_t pgbridge_pollfds(struct sshconn *c, struct pollfd *pfd)
{
	struct pgbridge *b = c->bridge;
	size_t n = 0;
	if (b == NULL)
		return 0;
	b->listen_index = -1;
	if (b->listen_fd != -1) {
		b->listen_index = (int)n;
		pfd[n].fd = b->listen_fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	for (size_t i = 0; i < b->n_clients; i++) {
		struct pgbridge_client *cl = b->clients[i];
		cl->pfd_index = (int)n;
		pfd[n].fd = cl->fd;
		pfd[n].events = (short)((pgbridge_wants_input(c, cl) ? POLLIN : 0) |
		                        (cl->down_off < cl->down_len ? POLLOUT : 0));
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

/* Shortens a poll timeout to the nearest channel-open deadline. */
int pgbridge_timeout(const struct sshconn *c, int timeout_ms)
{
	struct pgbridge *b = c->bridge;
	if (b == NULL)
		return timeout_ms;
	for (size_t i = 0; i < b->n_clients; i++) {
		const struct pgbridge_client *cl = b->clients[i];
		if (cl->open)
			continue;
		int left = clock_left_ms(cl->open_deadline);
		if (timeout_ms < 0 || left < timeout_ms)
			timeout_ms = left;
	}
	return timeout_ms;
}

/* Accepts waiting clients and starts opening a channel for each. */
static void pgbridge_accept(struct sshconn *c)
{
	struct pgbridge *b = c->bridge;
	for (;;) {
		int fd = accept4(b->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return; /* EAGAIN, or a client that left already */
		if (b->n_clients >= PGBRIDGE_MAX_CLIENTS || c->error != NULL) {
			close(fd);
			continue;
		}
		ssh_channel ch = ssh_channel_new(c->session);
		if (ch == NULL) {
			close(fd);
			continue;
		}
		struct pgbridge_client *cl = xcalloc(1, sizeof *cl);
		cl->fd = fd;
		cl->channel = ch;
		cl->pfd_index = -1;
		cl->unread = 1;
		cl->open_deadline = clock_mono_ms() + c->timeout_ms;
		ssh_callbacks_init(&cl->cb);
		cl->cb.userdata = cl;
		cl->cb.channel_data_function = pgbridge_on_data;
		cl->cb.channel_eof_function = pgbridge_on_end;
		cl->cb.channel_close_function = pgbridge_on_end;
		ssh_set_channel_callbacks(ch, &cl->cb);
		b->clients = xreallocarray(b->clients, b->n_clients + 1, sizeof *b->clients);
		b->clients[b->n_clients++] = cl;
	}
}

/* Reads what a client sent into its upstream buffer (1 if anything); notes its end. */
static int pgbridge_read_client(struct pgbridge_client *cl)
{
	if (cl->channel_eof) {
		char sink[4096]; /* nowhere to send it: only watch for the close */
		ssize_t n = recv(cl->fd, sink, sizeof sink, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			cl->client_eof = 1;
		return 0;
	}
	size_t room = sizeof cl->up - cl->up_len;
	if (room == 0)
		return 0;
	ssize_t n = recv(cl->fd, cl->up + cl->up_len, room, MSG_DONTWAIT);
	if (n > 0)
		cl->up_len += (size_t)n;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		cl->client_eof = 1;
	return n > 0;
}

/* Handles this pass's poll results: new clients, client input. */
void pgbridge_service(struct sshconn *c, const struct pollfd *pfd, size_t n)
{
	struct pgbridge *b = c->bridge;
	if (b == NULL)
		return;
	size_t n_before = b->n_clients;
	for (size_t i = 0; i < n_before; i++) {
		struct pgbridge_client *cl = b->clients[i];
		if (cl->pfd_index < 0 || (size_t)cl->pfd_index >= n ||
		    pfd[cl->pfd_index].fd != cl->fd)
			continue;
		short re = pfd[cl->pfd_index].revents;
		if ((re & POLLIN) || ((re & (POLLHUP | POLLERR)) && cl->open))
			c->bridge_reads += (unsigned long)pgbridge_read_client(cl);
		else if ((re & (POLLHUP | POLLERR)) && !cl->open)
			cl->client_eof = 1;
	}
	if (b->listen_index >= 0 && (size_t)b->listen_index < n &&
	    (pfd[b->listen_index].revents & POLLIN))
		pgbridge_accept(c);
}

/* Writes what the channel delivered to the client; notes a client gone. */
static int pgbridge_write_client(struct pgbridge_client *cl)
{
	if (cl->down_off >= cl->down_len)
		return 0;
	ssize_t n = send(cl->fd, cl->down + cl->down_off, cl->down_len - cl->down_off,
	                 MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n > 0) {
		cl->down_off += (size_t)n;
		if (cl->down_off == cl->down_len)
			cl->down_off = cl->down_len = 0;
		return 1;
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		cl->client_eof = 1; /* nobody to deliver to */
		cl->down_off = cl->down_len = 0;
	}
	return 0;
}

/* Passes buffered client bytes to the channel, as far as the window allows. */
static int pgbridge_write_channel(struct pgbridge_client *cl)
{
	if (cl->up_len == 0 || cl->channel_eof)
		return 0;
	uint32_t window = ssh_channel_window_size(cl->channel);
	size_t n = cl->up_len < window ? cl->up_len : window;
	if (n == 0)
		return 0;
	int w = ssh_channel_write(cl->channel, cl->up, (uint32_t)n);
	if (w < 0) {
		cl->channel_eof = 1;
		cl->up_len = 0;
		return 0;
	}
	if (w == 0)
		return 0;
	memmove(cl->up, cl->up + w, cl->up_len - (size_t)w);
	cl->up_len -= (size_t)w;
	return 1;
}

/* Reads what the channel holds into the (empty) downstream buffer. */
static int pgbridge_read_channel(struct pgbridge_client *cl)
{
	if (cl->channel_eof || cl->down_len > 0 || !cl->unread)
		return 0;
	int r = ssh_channel_read_nonblocking(cl->channel, cl->down, sizeof cl->down, 0);
	cl->unread = r == (int)sizeof cl->down; /* a full read may have left more */
	if (r > 0) {
		cl->down_off = 0;
		cl->down_len = (size_t)r;
		return 1;
	}
	if (r == SSH_EOF || r == SSH_ERROR ||
	    (r == 0 && ssh_channel_is_closed(cl->channel) && ssh_channel_poll(cl->channel, 0) <= 0))
		cl->channel_eof = 1;
	return 0;
}

/*
 * Moves one client along; returns 0 when it is over and must be removed.
 */
static int pgbridge_step_client(struct sshconn *c, struct pgbridge_client *cl)
{
	struct pgbridge *b = c->bridge;
	if (!cl->open) {
		if (cl->client_eof)
			return 0;
		int rc = ssh_channel_open_forward(cl->channel, "127.0.0.1", (int)b->remote_port,
		                                  "127.0.0.1", 0);
		if (rc == SSH_AGAIN) {
			if (clock_left_ms(cl->open_deadline) > 0)
				return 1;
			pgbridge_report(c, 1);
			return 0;
		}
		if (rc != SSH_OK) {
			/* Refused by sshd or the target: the client sees the close. */
			pgbridge_report(c, 0);
			ssh_channel_free(cl->channel);
			cl->channel = NULL;
			return 0;
		}
		cl->open = 1;
	}
	int progress;
	do {
		progress = pgbridge_write_channel(cl);
		progress |= pgbridge_read_channel(cl);
		progress |= pgbridge_write_client(cl);
	} while (progress && !cl->client_eof);
	if (cl->client_eof) {
		pgbridge_write_channel(cl); /* what it said last (libpq's Terminate) */
		return 0;
	}
	return !(cl->channel_eof && cl->down_len == 0);
}

/* Moves every bridged connection along without waiting. */
void pgbridge_step(struct sshconn *c)
{
	struct pgbridge *b = c->bridge;
	if (b == NULL || c->error != NULL)
		return;
	size_t i = 0;
	while (i < b->n_clients) {
		if (pgbridge_step_client(c, b->clients[i]))
			i++;
		else
			pgbridge_remove(c, i);
		if (sshconn_check(c) == -1)
			return;
	}
}
