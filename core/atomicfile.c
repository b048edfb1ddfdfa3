/*
 * Atomic replacement of a small file: the new content is written to
 * PATH.tmp in the same folder, fsynced, renamed over PATH, and the folder
 * fsynced, so a crash leaves the old file or the new one, and a reader never
 * sees half of it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "xmalloc.h"

/* Returns the folder that holds path ("." when it names none), newly allocated. */
static char *atomicfile_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* Writes all of len bytes to fd; -1 with errno set. */
static int atomicfile_write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes the folder of path durable after a rename in it; -1 with errno set. */
static int atomicfile_sync_folder(const char *path)
{
	char *dir = atomicfile_folder(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Replaces path with len bytes of text, atomically and durably; -1 with errno set. */
int atomicfile_write(const char *path, const char *text, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	int rc = fd == -1 ? -1 : atomicfile_write_all(fd, text, len);
	if (rc == 0)
		rc = fsync(fd);
	int saved = errno;
	if (fd != -1 && close(fd) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	errno = saved;
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc == 0)
		rc = atomicfile_sync_folder(path);
	if (rc == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
	free(tmp);
	return rc;
}
