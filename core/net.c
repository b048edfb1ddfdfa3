/*
 * TCP connections with a deadline. libssh would resolve a name with a plain
 * getaddrinfo() (which can block for as long as the resolver likes), try only
 * the first address and wait on connect() with its own timer. Here a numeric
 * address is parsed at once; a name is looked up with getaddrinfo_a() and
 * gai_suspend() until the caller's monotonic deadline. Every address is then
 * tried in turn with a non-blocking connect() and poll(), each attempt getting
 * a fair share of the time left, so one blackholed address cannot eat the
 * whole budget.
 *
 * A lookup that is still running when the deadline passes cannot always be
 * cancelled: glibc keeps using its request block. The block is therefore
 * reference-counted between the caller and the completion notification (run
 * by glibc in a thread of its own), and whichever lets go last frees it.
 *
 * On failure errno is ETIMEDOUT when the deadline passed (so callers can tell
 * a timeout from a refusal or a bad name) and the message says what timed out.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"
#include "xmalloc.h"

/* One asynchronous name lookup, shared with glibc's completion notification. */
struct net_lookup {
	struct gaicb cb;
	struct addrinfo hints;
	char *host;
	char service[16];
	int refs;
};

/* Drops one reference to a lookup, freeing it with the last one. */
static void net_lookup_unref(struct net_lookup *l)
{
	if (__atomic_sub_fetch(&l->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l->host);
	free(l);
}

/* Completion notification of a lookup (runs in a glibc thread): drops its reference. */
static void net_lookup_notify(union sigval sv)
{
	net_lookup_unref(sv.sival_ptr);
}

/* Formats milliseconds as seconds for messages ("3.0 s"). */
static void net_seconds(char *buf, size_t len, int64_t ms)
{
	snprintf(buf, len, "%.1f s", (double)ms / 1000.0);
}

/* Returns "host:port", or "[host]:port" for an IPv6 address (newly allocated). */
char *net_describe(const char *host, unsigned port)
{
	if (strchr(host, ':') != NULL)
		return xasprintf("[%s]:%u", host, port);
	return xasprintf("%s:%u", host, port);
}

/* Returns the numeric form of a socket address with its port (newly allocated). */
static char *net_addr_string(const struct addrinfo *ai, unsigned port)
{
	char host[NI_MAXHOST];
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) !=
	    0)
		snprintf(host, sizeof host, "?");
	return net_describe(host, port);
}

/* Looks a name up asynchronously, waiting no later than the deadline. */
static int net_lookup_async(const char *host, unsigned port, int64_t deadline_ms,
                            struct addrinfo **res, char **cause)
{
	int64_t start = clock_mono_ms();
	struct net_lookup *l = xcalloc(1, sizeof *l);
	l->host = xstrdup(host);
	snprintf(l->service, sizeof l->service, "%u", port);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->cb.ar_name = l->host;
	l->cb.ar_service = l->service;
	l->cb.ar_request = &l->hints;
	l->refs = 2; /* the caller and the notification */

	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = net_lookup_notify;
	sev.sigev_value.sival_ptr = l;
	struct gaicb *list[1] = {&l->cb};
	int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev);
	if (rc != 0) {
		*cause = xasprintf("cannot resolve %s: %s", host, gai_strerror(rc));
		l->refs = 1; /* no notification will come */
		net_lookup_unref(l);
		errno = EHOSTUNREACH;
		return -1;
	}

	while ((rc = gai_error(&l->cb)) == EAI_INPROGRESS) {
		int left = clock_left_ms(deadline_ms);
		if (left == 0)
			break;
		struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};
		const struct gaicb *wait[1] = {&l->cb};
		gai_suspend(wait, 1, &ts);
	}
	if (rc == EAI_INPROGRESS) {
		char secs[32];
		net_seconds(secs, sizeof secs, clock_mono_ms() - start);
		*cause = xasprintf("resolving %s timed out after %s", host, secs);
		/* A request cancelled before it ran is never notified. */
		if (gai_cancel(&l->cb) == EAI_CANCELED)
			net_lookup_unref(l);
		net_lookup_unref(l);
		errno = ETIMEDOUT;
		return -1;
	}
	if (rc != 0) {
		*cause = xasprintf("cannot resolve %s: %s", host, gai_strerror(rc));
		net_lookup_unref(l);
		errno = EHOSTUNREACH;
		return -1;
	}
	*res = l->cb.ar_result;
	l->cb.ar_result = NULL;
	net_lookup_unref(l);
	return 0;
}

/* Resolves host and port: numeric addresses at once, names asynchronously. */
static int net_resolve(const char *host, unsigned port, int64_t deadline_ms, struct addrinfo **res,
                       char **cause)
{
	struct addrinfo hints;
	char service[16];
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(service, sizeof service, "%u", port);
	if (getaddrinfo(host, service, &hints, res) == 0)
		return 0;
	return net_lookup_async(host, port, deadline_ms, res, cause);
}

/*
 * Tries one address until attempt_deadline. Returns the connected socket, or
 * -1 with *err set (ETIMEDOUT with *timed_out when the time ran out).
 */
static int net_try(const struct addrinfo *ai, int64_t attempt_deadline, int *err, int *timed_out)
{
	*timed_out = 0;
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR) {
		*err = errno;
		close(fd);
		return -1;
	}
	for (;;) {
		int left = clock_left_ms(attempt_deadline);
		if (left == 0) {
			*err = ETIMEDOUT;
			*timed_out = 1;
			close(fd);
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int n = poll(&p, 1, left);
		if (n == -1 && errno != EINTR) {
			*err = errno;
			close(fd);
			return -1;
		}
		if (n <= 0)
			continue;
		int soerr = 0;
		socklen_t len = sizeof soerr;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
			soerr = errno;
		if (soerr != 0) {
			*err = soerr;
			close(fd);
			return -1;
		}
		return fd;
	}
}

/* Describes why one address failed ("connection refused by 127.0.0.1:22"). */
static char *net_failure(const char *addr, int err, int timed_out, int64_t took_ms)
{
	char secs[32];
	if (timed_out) {
		net_seconds(secs, sizeof secs, took_ms);
		return xasprintf("connecting to %s timed out after %s", addr, secs);
	}
	if (err == ECONNREFUSED)
		return xasprintf("connection refused by %s", addr);
	return xasprintf("connecting to %s failed: %s", addr, strerror(err));
}

/*
 * Connects to host:port before the monotonic deadline and returns a blocking
 * socket with FD_CLOEXEC set; -1 and *cause on failure.
 */
int net_connect(const char *host, unsigned port, int64_t deadline_ms, char **cause)
{
	struct addrinfo *res = NULL;
	if (net_resolve(host, port, deadline_ms, &res, cause) == -1)
		return -1;

	size_t n = 0;
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
		n++;
	char *errors = NULL, *single = NULL;
	int fd = -1, all_timed_out = 1;
	size_t i = 0;
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next, i++) {
		int64_t now = clock_mono_ms(), left = deadline_ms - now;
		if (left <= 0 && i > 0)
			break;
		int64_t share = left / (int64_t)(n - i);
		int err = 0, timed_out = 0;
		fd = net_try(ai, now + share, &err, &timed_out);
		if (fd != -1)
			break;
		char *addr = net_addr_string(ai, port);
		char *why = net_failure(addr, err, timed_out, clock_mono_ms() - now);
		free(addr);
		all_timed_out &= timed_out;
		char *next = xasprintf("%s%s%s", errors ? errors : "", errors ? "; " : "", why);
		free(errors);
		errors = next;
		free(single);
		single = why;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (n == 1 && single != NULL) {
			*cause = single;
			single = NULL;
		} else {
			*cause = xasprintf("cannot connect to %s port %u: %s", host, port,
			                   errors ? errors : "no address left to try");
		}
		free(errors);
		free(single);
		errno = all_timed_out ? ETIMEDOUT : ECONNREFUSED;
		return -1;
	}
	free(errors);
	free(single);

	int flags = fcntl(fd, F_GETFL);
	if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		*cause = xasprintf("setting up the socket to %s failed: %s", host, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Makes the kernel give up on a silent peer: TCP keepalives, and
 * TCP_USER_TIMEOUT so unacknowledged data fails the socket after timeout_ms.
 */
int net_keepalive(int fd, int64_t timeout_ms, char **cause)
{
	int secs = (int)(timeout_ms / 1000);
	if (secs < 1)
		secs = 1;
	int on = 1, idle = secs, intvl = secs / 3 > 0 ? secs / 3 : 1, cnt = 3;
	unsigned int user_timeout = timeout_ms > 0 ? (unsigned int)timeout_ms : 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout) ==
	        -1) {
		*cause = xasprintf("cannot set TCP keepalives: %s", strerror(errno));
		return -1;
	}
	return 0;
}
