/*
 * Shared by the libFuzzer targets: the loaders read files, so each input is
 * written to an in-memory file (memfd) and handed over as /proc/self/fd/N.
 */
#ifndef DR_FUZZ_H
#define DR_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns a path whose content is data (the memfd is reused across runs). */
static inline const char *fuzz_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd == -1) {
		fd = memfd_create("fuzz-input.yml", 0);
		if (fd == -1)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return path;
}

/* Checks the loader's contract: -1 always comes with at least one error, 0 with none. */
static inline void fuzz_check_result(int rc, const struct diag *d)
{
	if ((rc == -1) != (d->errors > 0))
		abort();
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->items[i]);
		free(s);
	}
}

#endif
