/*
 * Files that survive a crash. durable_replace writes the new content to
 * <path>.tmp (created afresh with O_EXCL, 0600, never through a symbolic
 * link), fsyncs it, renames it over path and fsyncs the folder: a reader
 * sees the old content or the new one, never a part, and after a crash the
 * new content is there once durable_replace returned 0. Two processes must
 * not replace the same file at once (the callers hold a lock for that): the
 * temporary's name is fixed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "paths.h"
#include "xmalloc.h"

/* Returns the folder that holds path ("." when it names none), newly allocated. */
static char *durable_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* Writes all of len bytes to fd; -1 with errno set. */
int durable_write_all(int fd, const char *s, size_t len)
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
int durable_sync_folder(const char *path)
{
	char *dir = durable_folder(path);
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

/* Creates path and each missing folder above it, 0700; -1 with errno set when it cannot. */
int durable_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) == 0)
			chmod(p, 0700); /* whatever the umask */
		else if (errno != EEXIST)
			rc = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	if (rc == 0 && !paths_is_dir(path)) {
		errno = ENOTDIR;
		rc = -1;
	}
	return rc;
}

/* Writes text to a new file tmp (with mode) and syncs it; -1 with errno set. */
static int durable_write_new(const char *tmp, const char *text, size_t len, mode_t mode)
{
	if (unlink(tmp) == -1 && errno != ENOENT)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	int rc = fchmod(fd, mode);
	if (rc == 0)
		rc = durable_write_all(fd, text, len);
	if (rc == 0)
		rc = fsync(fd);
	int saved = errno;
	if (close(fd) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	errno = saved;
	return rc;
}

/*
 * Replaces the file at path with len bytes of text, mode 0600, atomically
 * and durably (see the top of this file); -1 with errno set, path then left
 * as it was.
 */
int durable_replace(const char *path, const char *text, size_t len)
{
	return durable_replace_mode(path, text, len, 0600);
}

/* Replaces the file at path as durable_replace does, with the mode given (0644: others read it). */
int durable_replace_mode(const char *path, const char *text, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	int rc = durable_write_new(tmp, text, len, mode);
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc == 0)
		rc = durable_sync_folder(path);
	int saved = errno;
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}
