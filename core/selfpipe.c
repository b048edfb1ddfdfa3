/*
 * The self-pipe of a loop that must stop cleanly (selfpipe.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "selfpipe.h"

static int selfpipe_fd = -1;

/* Signal handler: hands the signal's number to the loop through the pipe. */
static void selfpipe_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;
	ssize_t n = write(selfpipe_fd, &c, 1);
	(void)n;
	errno = saved;
}

/* Routes SIGTERM, SIGINT and SIGHUP to a new pipe (fds[0] to poll), ignores SIGPIPE; -1 on failure. */
int selfpipe_start(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	selfpipe_fd = fds[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = selfpipe_signal;
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGTERM, SIGHUP, SIGINT};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Takes one signal's number from the pipe; 0 when none is waiting. */
int selfpipe_take(int fd)
{
	unsigned char sig;
	return read(fd, &sig, 1) == 1 ? sig : 0;
}
