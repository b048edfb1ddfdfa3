/*
 * A file's identity (filestamp.h).
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include "filestamp.h"

/* Writes path's identity into out ("" when it cannot be seen); follow_links 0: lstat. */
void filestamp_read(const char *path, int follow_links, char *out, size_t len)
{
	struct stat sb;
	if ((follow_links ? stat(path, &sb) : lstat(path, &sb)) == -1)
		out[0] = '\0';
	else
		snprintf(out, len, "%llu %lld %lld.%09ld", (unsigned long long)sb.st_ino,
		         (long long)sb.st_size, (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
}
