/*
 * A file's identity (inode, size, modification time) as a short string, to
 * read a file again only when it changed: a rename that replaced it, an
 * append, a rewrite in place.
 */
#ifndef DR_FILESTAMP_H
#define DR_FILESTAMP_H

#include <stddef.h>

#define FILESTAMP_MAX 96

void filestamp_read(const char *path, int follow_links, char *out, size_t len);

#endif
