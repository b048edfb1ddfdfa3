/*
 * Files of the state folder that processes share (the fence state, the
 * proven restores): opened for reading never through a symbolic link and
 * only when a regular file of this user's, and changed under an exclusive
 * flock on a lock file beside them.
 */
#ifndef DR_STATEFILE_H
#define DR_STATEFILE_H

#include <stddef.h>
#include <sys/types.h>

int statefile_open(const char *path, off_t max, const char *what, char **cause);
int statefile_lock(const char *state_dir, const char *name, char **cause);

#endif
