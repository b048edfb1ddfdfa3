/* Files replaced whole: a reader sees the old content or the new, never a mix. */
#ifndef DR_ATOMICFILE_H
#define DR_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

int atomicfile_write(const char *path, const char *text, size_t len, mode_t mode);

#endif
