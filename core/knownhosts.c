/*
 * Adding an accepted host key to known_hosts, the way ssh does it: one line
 * appended, the file created 0600 (and its folder 0700) when missing, and
 * made durable before the connection is tried again. Reading and checking
 * keys stays with libssh (sshconn.c); this file only writes the line the
 * operator saw.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knownhosts.h"
#include "paths.h"
#include "xmalloc.h"

/* Writes all of buf; -1 on error. */
static int knownhosts_write(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Tells whether a non-empty file lacks its final newline (so the entry must start a new line). */
static int knownhosts_needs_newline(int fd)
{
	struct stat st;
	char last;
	if (fstat(fd, &st) == -1 || st.st_size == 0)
		return 0;
	return pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

/*
 * Appends entry (one line, no newline in it) to file and syncs it; -1 with
 * *cause (newly allocated) when it cannot.
 */
int knownhosts_append(const char *file, const char *entry, char **cause)
{
	if (entry == NULL || *entry == '\0' || strpbrk(entry, "\r\n") != NULL) {
		*cause = xstrdup("the host key entry is not a single line");
		return -1;
	}
	char *dir = paths_dirname(file);
	if (!paths_is_dir(dir) && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	int fd = open(file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		*cause = xasprintf("cannot open %s: %s", file, strerror(errno));
		return -1;
	}
	char *line = xasprintf("%s%s\n", knownhosts_needs_newline(fd) ? "\n" : "", entry);
	int rc = knownhosts_write(fd, line, strlen(line)) == 0 && fsync(fd) == 0 ? 0 : -1;
	if (rc == -1)
		*cause = xasprintf("cannot write %s: %s", file, strerror(errno));
	free(line);
	if (close(fd) == -1 && rc == 0) {
		*cause = xasprintf("cannot write %s: %s", file, strerror(errno));
		rc = -1;
	}
	return rc;
}
