/*
 * Shared state files. A reader takes no lock: a writer replaces the file
 * whole by a rename (durable_replace). Writers hold the lock for one read and
 * one durable write; the kernel hands it to waiters in turn (polling could
 * starve one).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "statefile.h"
#include "xmalloc.h"

/*
 * Opens a state file for reading: the fd, -2 when there is none, or -1 with
 * *cause (a link, not a regular file, another user's, larger than max: "too
 * large to be WHAT").
 */
int statefile_open(const char *path, off_t max, const char *what, char **cause)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd == -1 && errno == ENOENT)
		return -2;
	char large[128];
	const char *why = NULL;
	if (fd == -1)
		why = errno == ELOOP ? "a symbolic link (refused)" : strerror(errno);
	else if (fstat(fd, &st) == -1)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "owned by another user (refused)";
	else if (st.st_size > max)
		why = large, snprintf(large, sizeof large, "too large to be %s", what);
	if (why == NULL)
		return fd;
	*cause = xasprintf("%s: %s", path, why);
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * Takes the exclusive lock on <state_dir>/<name> (the folder made 0700),
 * waiting for it. The lock's fd (closing it gives the lock back), or -1 with
 * *cause.
 */
int statefile_lock(const char *state_dir, const char *name, char **cause)
{
	char *path = xasprintf("%s/%s", state_dir, name);
	struct stat st;
	int fd = durable_mkdirs(state_dir) == -1
	             ? -1
	             : open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	const char *why = fd == -1 || fstat(fd, &st) == -1 ? strerror(errno)
	                  : !S_ISREG(st.st_mode)           ? "not a regular file"
	                  : st.st_uid != geteuid()         ? "owned by another user (refused)"
	                                                   : NULL;
	int rc = 0;
	while (why == NULL && (rc = flock(fd, LOCK_EX)) == -1 && errno == EINTR)
		;
	if (why == NULL && rc == -1)
		why = strerror(errno);
	if (why != NULL) {
		*cause = xasprintf("cannot lock %s: %s", path, why);
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}
