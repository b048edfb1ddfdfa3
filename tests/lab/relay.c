/*
 * relay: a TCP relay on 127.0.0.1 that stands in for the network path between
 * the jump host and a lab site (tests/lab/lab.sh, LAB_RELAY=1). Each client of
 * --listen PORT gets a connection of its own to --to PORT, and bytes are
 * forwarded both ways, half-closes included.
 *
 * SIGUSR1 cuts the path, as a network partition would: from then on nothing is
 * forwarded in either direction on the connections already open (their bytes
 * stay held), and connections made afterwards are accepted but never connected
 * onwards. Every socket stays open, so both ends see silence, not a reset.
 * SIGUSR2 mends the path: the connections held during the cut are closed, and
 * new connections are forwarded again. SIGTERM or SIGINT ends the relay and
 * removes its pidfile.
 *
 * One process, one poll() loop, non-blocking sockets: each direction of a
 * connection has a buffer, and a side is not read while the buffer it fills is
 * full, so a slow reader slows its writer down instead of blocking the relay.
 * The signal handlers only write a byte to a pipe that the loop reads.
 *
 * Usage: relay --listen PORT --to PORT [--pidfile FILE]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define RELAY_BUF_SIZE 65536

/* What the signal handlers tell the loop (one byte each through the pipe). */
#define RELAY_SIG_CUT  'c'
#define RELAY_SIG_MEND 'm'
#define RELAY_SIG_QUIT 'q'

/* Bytes on their way in one direction: data[off..len) are not written yet. */
struct relay_buf {
	char data[RELAY_BUF_SIZE];
	size_t off, len;
	int eof;  /* the reading side has sent its end: no more bytes will come */
	int shut; /* that end was passed on (shutdown(SHUT_WR) on the writing side) */
};

/* One side of a connection. */
struct relay_end {
	int fd;   /* -1 once closed, or never opened */
	int slot; /* index in this round's poll set, -1 if not polled */
	int mute; /* reported POLLHUP or POLLERR: polled again only to read or write */
};

/* Where a connection stands. */
enum relay_state {
	RELAY_CONNECTING, /* waiting for the connection onwards */
	RELAY_OPEN,       /* forwarding */
	RELAY_HELD        /* cut: never forwarded again, closed by the mend */
};

/* One client of the relay and its connection onwards. */
struct relay_conn {
	enum relay_state state;
	int dead; /* to be closed and freed at the end of this round */
	struct relay_end client, server;
	struct relay_buf up;   /* client to server */
	struct relay_buf down; /* server to client */
};

/* The relay's whole state. */
struct relay {
	int listen_fd;
	int to_port;
	int cut;
	struct relay_conn **conns;
	size_t nconns, cap;
	struct pollfd *fds;
	size_t fds_cap;
};

/* Write end of the signal pipe (used by the handlers) and its read end. */
static int relay_sig_w = -1, relay_sig_r = -1;
/* The pidfile to remove at exit, if any. */
static const char *relay_pidfile;

static void relay_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a message on stderr, prefixed with "relay: ". */
static void relay_log(const char *fmt, ...)
{
	va_list ap;
	fputs("relay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints an error with errno's text, removes the pidfile and exits 1. */
static void relay_die(const char *what)
{
	relay_log("%s: %s", what, strerror(errno));
	if (relay_pidfile != NULL)
		unlink(relay_pidfile);
	exit(1);
}

/* Allocates or dies. */
static void *relay_alloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		relay_die("out of memory");
	return p;
}

/* Signal handler: passes the signal on to the loop through the pipe. */
static void relay_on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGUSR1 ? RELAY_SIG_CUT : sig == SIGUSR2 ? RELAY_SIG_MEND : RELAY_SIG_QUIT;
	if (write(relay_sig_w, &c, 1) < 0) {
		/* The pipe is full: signals enough are already waiting. */
	}
	errno = saved;
}

/* Makes fd non-blocking and close-on-exec. */
static void relay_fd_setup(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		relay_die("fcntl");
}

/* Sets up the signal pipe and the handlers; SIGPIPE is ignored. */
static void relay_signals_init(void)
{
	int p[2];
	struct sigaction sa;

	if (pipe(p) < 0)
		relay_die("pipe");
	relay_fd_setup(p[0]);
	relay_fd_setup(p[1]);
	relay_sig_r = p[0];
	relay_sig_w = p[1];

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = relay_on_signal;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || sigaction(SIGUSR2, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		relay_die("sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		relay_die("sigaction");
}

/* Fills a socket address for 127.0.0.1:port. */
static void relay_loopback(struct sockaddr_in *sin, int port)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* Returns a non-blocking socket listening on 127.0.0.1:port, or dies. */
static int relay_listen(int port)
{
	struct sockaddr_in sin;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		relay_die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		relay_die("setsockopt SO_REUSEADDR");
	relay_loopback(&sin, port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		char what[64];
		snprintf(what, sizeof what, "bind 127.0.0.1:%d", port);
		relay_die(what);
	}
	if (listen(fd, 64) < 0)
		relay_die("listen");
	relay_fd_setup(fd);
	return fd;
}

/* Writes our pid to path (through a temporary file and a rename), or dies. */
static void relay_pidfile_write(const char *path)
{
	size_t len = strlen(path) + 8;
	char *tmp = relay_alloc(NULL, len);
	FILE *f;

	snprintf(tmp, len, "%s.new", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		relay_die(tmp);
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		relay_die(tmp);
	if (rename(tmp, path) < 0)
		relay_die(path);
	free(tmp);
	relay_pidfile = path;
}

/* Closes one end of a connection (if open). */
static void relay_end_close(struct relay_end *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

/* Returns a new connection for an accepted client socket, in the given state. */
static struct relay_conn *relay_conn_new(int client_fd, enum relay_state state)
{
	struct relay_conn *c = relay_alloc(NULL, sizeof *c);

	memset(c, 0, sizeof *c);
	c->state = state;
	c->client.fd = client_fd;
	c->client.slot = -1;
	c->server.fd = -1;
	c->server.slot = -1;
	return c;
}

/* Adds a connection to the relay's list. */
static void relay_conn_add(struct relay *r, struct relay_conn *c)
{
	if (r->nconns == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->conns = relay_alloc(r->conns, r->cap * sizeof *r->conns);
	}
	r->conns[r->nconns++] = c;
}

/* Starts the connection onwards to 127.0.0.1:to_port; false if it failed at once. */
static int relay_conn_connect(struct relay_conn *c, int to_port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return 0;
	relay_fd_setup(fd);
	c->server.fd = fd;
	relay_loopback(&sin, to_port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0) {
		c->state = RELAY_OPEN;
		return 1;
	}
	if (errno == EINPROGRESS || errno == EINTR) {
		c->state = RELAY_CONNECTING;
		return 1;
	}
	return 0;
}

/* Accepts every waiting client: held during a cut, connected onwards otherwise. */
static void relay_accept(struct relay *r)
{
	for (;;) {
		struct relay_conn *c;
		int fd = accept(r->listen_fd, NULL, NULL);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				relay_log("accept: %s", strerror(errno));
			return;
		}
		relay_fd_setup(fd);
		if (r->cut) {
			relay_conn_add(r, relay_conn_new(fd, RELAY_HELD));
			continue;
		}
		c = relay_conn_new(fd, RELAY_CONNECTING);
		if (!relay_conn_connect(c, r->to_port)) {
			relay_log("connect to 127.0.0.1:%d: %s", r->to_port, strerror(errno));
			c->dead = 1;
		}
		relay_conn_add(r, c);
	}
}

/* Returns the poll events wanted on end e (reading into in, writing from out). */
static short relay_end_events(const struct relay_buf *in, const struct relay_buf *out)
{
	short ev = 0;
	if (!in->eof && in->len - in->off < RELAY_BUF_SIZE)
		ev |= POLLIN;
	if (out->len > out->off)
		ev |= POLLOUT;
	return ev;
}

/* Puts end e in the poll set with the given events (unless muted with nothing to do). */
static void relay_poll_add(struct relay *r, size_t *n, struct relay_end *e, short events)
{
	e->slot = -1;
	if (e->fd < 0 || (events == 0 && e->mute))
		return;
	if (*n == r->fds_cap) {
		r->fds_cap *= 2;
		r->fds = relay_alloc(r->fds, r->fds_cap * sizeof *r->fds);
	}
	r->fds[*n].fd = e->fd;
	r->fds[*n].events = events;
	r->fds[*n].revents = 0;
	e->slot = (int)*n;
	(*n)++;
}

/* Builds this round's poll set: the signal pipe, the listener, then every connection. */
static size_t relay_poll_build(struct relay *r)
{
	size_t n = 2, i;

	r->fds[0].fd = relay_sig_r;
	r->fds[0].events = POLLIN;
	r->fds[0].revents = 0;
	r->fds[1].fd = r->listen_fd;
	r->fds[1].events = POLLIN;
	r->fds[1].revents = 0;
	for (i = 0; i < r->nconns; i++) {
		struct relay_conn *c = r->conns[i];
		switch (c->state) {
		case RELAY_CONNECTING:
			relay_poll_add(r, &n, &c->client, 0);
			relay_poll_add(r, &n, &c->server, POLLOUT);
			break;
		case RELAY_OPEN:
			relay_poll_add(r, &n, &c->client, relay_end_events(&c->up, &c->down));
			relay_poll_add(r, &n, &c->server, relay_end_events(&c->down, &c->up));
			break;
		case RELAY_HELD:
			relay_poll_add(r, &n, &c->client, 0);
			relay_poll_add(r, &n, &c->server, 0);
			break;
		}
	}
	return n;
}

/* Returns what poll reported for end e this round (0 if it was not polled). */
static short relay_revents(const struct relay *r, const struct relay_end *e)
{
	return e->slot >= 0 ? r->fds[e->slot].revents : 0;
}

/* Reads from fd into b; false on an error (the connection is then dropped). */
static int relay_buf_fill(struct relay_buf *b, int fd)
{
	ssize_t got;

	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	if (b->eof || b->len == RELAY_BUF_SIZE)
		return 1;
	got = read(fd, b->data + b->len, RELAY_BUF_SIZE - b->len);
	if (got > 0)
		b->len += (size_t)got;
	else if (got == 0)
		b->eof = 1;
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return 0;
	return 1;
}

/* Writes what b holds to fd, then passes the end on once all is written;
 * false on an error (the connection is then dropped). */
static int relay_buf_flush(struct relay_buf *b, int fd)
{
	while (b->len > b->off) {
		ssize_t put = send(fd, b->data + b->off, b->len - b->off, MSG_NOSIGNAL);
		if (put < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return 0;
		}
		b->off += (size_t)put;
	}
	if (b->off == b->len)
		b->off = b->len = 0;
	if (b->eof && b->len == 0 && !b->shut) {
		if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTCONN)
			return 0;
		b->shut = 1;
	}
	return 1;
}

/* Handles a connection onwards that poll reported on: open, or dropped if it failed. */
static void relay_conn_connected(struct relay *r, struct relay_conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(c->server.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (err != 0) {
		relay_log("connect to 127.0.0.1:%d: %s", r->to_port, strerror(err));
		c->dead = 1;
		return;
	}
	c->state = RELAY_OPEN;
}

/* Forwards what poll reported for an open connection, both ways. */
static void relay_conn_forward(struct relay *r, struct relay_conn *c)
{
	short cr = relay_revents(r, &c->client), sr = relay_revents(r, &c->server);
	short cw = c->client.slot >= 0 ? r->fds[c->client.slot].events : 0;
	short sw = c->server.slot >= 0 ? r->fds[c->server.slot].events : 0;

	if ((cr | sr) & (POLLERR | POLLNVAL)) {
		c->dead = 1;
		return;
	}
	/* A hang-up with nothing asked for: not polled again until there is. */
	if ((cr & POLLHUP) && !(cw & POLLIN))
		c->client.mute = 1;
	if ((sr & POLLHUP) && !(sw & POLLIN))
		c->server.mute = 1;
	if ((cr & (POLLIN | POLLHUP)) && (cw & POLLIN) && !relay_buf_fill(&c->up, c->client.fd))
		c->dead = 1;
	if ((sr & (POLLIN | POLLHUP)) && (sw & POLLIN) && !relay_buf_fill(&c->down, c->server.fd))
		c->dead = 1;
	if (c->dead)
		return;
	if (!relay_buf_flush(&c->up, c->server.fd) || !relay_buf_flush(&c->down, c->client.fd)) {
		c->dead = 1;
		return;
	}
	/* Both ends have said all they had to and all of it was passed on. */
	if (c->up.shut && c->down.shut)
		c->dead = 1;
}

/* Stops polling a held connection's end once it hung up (it stays open). */
static void relay_conn_held(struct relay *r, struct relay_conn *c)
{
	if (relay_revents(r, &c->client) & (POLLERR | POLLHUP | POLLNVAL))
		c->client.mute = 1;
	if (relay_revents(r, &c->server) & (POLLERR | POLLHUP | POLLNVAL))
		c->server.mute = 1;
}

/* Closes and frees the connections marked dead. */
static void relay_sweep(struct relay *r)
{
	size_t i, kept = 0;

	for (i = 0; i < r->nconns; i++) {
		struct relay_conn *c = r->conns[i];
		if (c->dead) {
			relay_end_close(&c->client);
			relay_end_close(&c->server);
			free(c);
		} else {
			r->conns[kept++] = c;
		}
	}
	r->nconns = kept;
}

/* SIGUSR1: holds every connection; new ones will be held too. */
static void relay_cut(struct relay *r)
{
	size_t i;

	for (i = 0; i < r->nconns; i++)
		if (!r->conns[i]->dead)
			r->conns[i]->state = RELAY_HELD;
	if (!r->cut)
		relay_log("cut: %zu connection(s) held, new ones held too", r->nconns);
	r->cut = 1;
}

/* SIGUSR2: closes the connections held by the cut; new ones are forwarded again. */
static void relay_mend(struct relay *r)
{
	size_t i, held = 0;

	for (i = 0; i < r->nconns; i++) {
		if (r->conns[i]->state == RELAY_HELD) {
			r->conns[i]->dead = 1;
			held++;
		}
	}
	if (r->cut)
		relay_log("mended: %zu held connection(s) closed", held);
	r->cut = 0;
}

/* Acts on the signals waiting in the pipe, in order; false once told to quit. */
static int relay_signals_drain(struct relay *r)
{
	char buf[64];
	ssize_t got, i;

	while ((got = read(relay_sig_r, buf, sizeof buf)) > 0) {
		for (i = 0; i < got; i++) {
			if (buf[i] == RELAY_SIG_QUIT)
				return 0;
			if (buf[i] == RELAY_SIG_CUT)
				relay_cut(r);
			else
				relay_mend(r);
			relay_sweep(r);
		}
	}
	return 1;
}

/* Runs the loop until SIGTERM or SIGINT. */
static void relay_run(struct relay *r)
{
	for (;;) {
		size_t i, nfds = relay_poll_build(r);

		if (poll(r->fds, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			relay_die("poll");
		}
		if ((r->fds[0].revents & POLLIN) && !relay_signals_drain(r))
			return;
		for (i = 0; i < r->nconns; i++) {
			struct relay_conn *c = r->conns[i];
			if (c->dead)
				continue;
			if (c->state == RELAY_CONNECTING) {
				if (relay_revents(r, &c->client) & (POLLERR | POLLNVAL))
					c->dead = 1;
				else if (relay_revents(r, &c->server))
					relay_conn_connected(r, c);
				if (relay_revents(r, &c->client) & POLLHUP)
					c->client.mute = 1;
			} else if (c->state == RELAY_OPEN) {
				relay_conn_forward(r, c);
			} else {
				relay_conn_held(r, c);
			}
		}
		relay_sweep(r);
		if (r->fds[1].revents & POLLIN)
			relay_accept(r);
	}
}

/* Parses a port number (1-65535) or exits with status 2. */
static int relay_port(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535) {
		relay_log("%s needs a port number (1-65535): %s", opt, s);
		exit(2);
	}
	return (int)v;
}

/* Prints the usage and exits with the given status. */
static void relay_usage(int status)
{
	fprintf(status ? stderr : stdout,
		"Usage: relay --listen PORT --to PORT [--pidfile FILE]\n"
		"Forwards TCP from 127.0.0.1:LISTEN to 127.0.0.1:TO. SIGUSR1 cuts the path\n"
		"(silence both ways), SIGUSR2 mends it (held connections closed),\n"
		"SIGTERM or SIGINT ends the relay.\n");
	exit(status);
}

int main(int argc, char **argv)
{
	struct relay r;
	int listen_port = 0, i;
	const char *pidfile = NULL;

	memset(&r, 0, sizeof r);
	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			relay_usage(0);
		if (i + 1 >= argc)
			relay_usage(2);
		if (strcmp(argv[i], "--listen") == 0)
			listen_port = relay_port(argv[i], argv[i + 1]);
		else if (strcmp(argv[i], "--to") == 0)
			r.to_port = relay_port(argv[i], argv[i + 1]);
		else if (strcmp(argv[i], "--pidfile") == 0)
			pidfile = argv[i + 1];
		else
			relay_usage(2);
	}
	if (listen_port == 0 || r.to_port == 0)
		relay_usage(2);

	relay_signals_init();
	r.listen_fd = relay_listen(listen_port);
	r.fds_cap = 64;
	r.fds = relay_alloc(NULL, r.fds_cap * sizeof *r.fds);
	if (pidfile != NULL)
		relay_pidfile_write(pidfile);
	relay_log("forwarding 127.0.0.1:%d to 127.0.0.1:%d (pid %ld)", listen_port, r.to_port,
		  (long)getpid());

	relay_run(&r);

	for (i = 0; i < (int)r.nconns; i++)
		r.conns[i]->dead = 1;
	relay_sweep(&r);
	close(r.listen_fd);
	free(r.conns);
	free(r.fds);
	if (relay_pidfile != NULL)
		unlink(relay_pidfile);
	relay_log("stopped");
	return 0;
}
