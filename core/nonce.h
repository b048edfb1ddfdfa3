/* Random values for names and markers that must not be guessed or repeated. */
#ifndef DR_NONCE_H
#define DR_NONCE_H

#include <stddef.h>
#include <stdint.h>

uint64_t nonce_u64(void);
void nonce_hex(char *hex, size_t size);

#endif
