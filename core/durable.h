/*
 * Files that survive a crash: a file replaced whole and atomically (a
 * temporary beside it, fsynced, renamed over it, the folder fsynced), and
 * the private folders that hold them.
 */
#ifndef DR_DURABLE_H
#define DR_DURABLE_H

#include <stddef.h>
#include <sys/types.h>

int durable_mkdirs(const char *path);
int durable_write_all(int fd, const char *s, size_t len);
int durable_sync_folder(const char *path);
int durable_replace(const char *path, const char *text, size_t len);
int durable_replace_mode(const char *path, const char *text, size_t len, mode_t mode);

#endif
