/* What the files of the run locks share and nothing else uses. */
#ifndef DR_RUNLOCK_INT_H
#define DR_RUNLOCK_INT_H

#include <stddef.h>

size_t runlock_clean(char *out, size_t size, const char *s, int file_name);

#endif
