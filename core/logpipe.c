/*
 * The console sends stderr to a log file before curses starts, and libpq and
 * libssh write there as they please: a server's notice, a banner, a name on
 * a site. So stderr becomes the write end of a pipe, and a thread reads the
 * other end and appends to the file line by line, each line through the one
 * sanitizer (utf8_clean, controls made visible), so reading the log with
 * cat or tail acts on nothing. A line longer than the buffer is written in
 * pieces.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logpipe.h"
#include "thread.h"
#include "utf8.h"
#include "xmalloc.h"

#define LOGPIPE_LINE 4096

struct logpipe {
	int in;      /* the pipe's read end */
	int file;    /* the log file */
	int done[2]; /* the thread writes a byte here when it has drained the pipe */
	int fd;      /* the descriptor that writes to the pipe (stderr) */
	pthread_t thread;
};

/* Appends len bytes at buf to the log, cleaned. */
static void logpipe_write(struct logpipe *lp, const char *buf, size_t len)
{
	size_t n;
	char *clean = utf8_clean(buf, len, UTF8_CLEAN_CONTROLS | UTF8_CLEAN_LINES, &n);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(lp->file, clean + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(clean);
}

/* Thread: copies the pipe to the log a line at a time until every writer is gone. */
static void *logpipe_main(void *arg)
{
	struct logpipe *lp = arg;
	char buf[LOGPIPE_LINE];
	size_t have = 0;
	for (;;) {
		ssize_t r = read(lp->in, buf + have, sizeof buf - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		char *nl = memrchr(buf, '\n', have);
		size_t upto = nl != NULL ? (size_t)(nl - buf) + 1 : have == sizeof buf ? have : 0;
		logpipe_write(lp, buf, upto);
		memmove(buf, buf + upto, have - upto);
		have -= upto;
	}
	logpipe_write(lp, buf, have);
	ssize_t w = write(lp->done[1], "", 1);
	(void)w;
	return NULL;
}

/*
 * Opens the log at path (appending, 0600) and makes fd (stderr) the write
 * end of a pipe whose reader appends to it, cleaned; NULL with *cause when
 * it cannot, fd then left as it was.
 */
struct logpipe *logpipe_start(const char *path, int fd, char **cause)
{
	struct logpipe *lp = xcalloc(1, sizeof *lp);
	int p[2] = {-1, -1};
	lp->done[0] = lp->done[1] = -1;
	lp->fd = fd;
	lp->file = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (lp->file < 0 || pipe2(p, O_CLOEXEC) == -1 || pipe2(lp->done, O_CLOEXEC) == -1 ||
	    dup2(p[1], fd) == -1) {
		*cause = xasprintf("cannot open the log %s: %s", path, strerror(errno));
		goto fail;
	}
	close(p[1]);
	p[1] = -1;
	lp->in = p[0];
	if (thread_start(&lp->thread, logpipe_main, lp) != 0) {
		*cause = xasprintf("cannot start the log's thread");
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		dup2(null >= 0 ? null : lp->file, fd);
		if (null >= 0)
			close(null);
		goto fail;
	}
	return lp;
fail:
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		if (lp->done[i] >= 0)
			close(lp->done[i]);
	}
	if (lp->file >= 0)
		close(lp->file);
	free(lp);
	return NULL;
}

/*
 * Points fd at /dev/null and waits up to wait_ms for the thread to write
 * what is left in the pipe. A child process that still holds the pipe keeps
 * the thread reading: then it is left behind (the process is exiting).
 */
void logpipe_stop(struct logpipe *lp, int wait_ms)
{
	if (lp == NULL)
		return;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, lp->fd);
		close(null);
	}
	struct pollfd pfd = {lp->done[0], POLLIN, 0};
	if (poll(&pfd, 1, wait_ms) == 1) {
		pthread_join(lp->thread, NULL);
		close(lp->in);
		close(lp->file);
		close(lp->done[0]);
		close(lp->done[1]);
		free(lp);
	}
}
