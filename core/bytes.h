/* Byte counts as people read them. */
#ifndef DR_BYTES_H
#define DR_BYTES_H

#include <stddef.h>
#include <stdint.h>

const char *bytes_text(int64_t bytes, char *buf, size_t len);

#endif
