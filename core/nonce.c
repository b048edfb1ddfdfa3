/*
 * Random values: from /dev/urandom, else (never expected) mixed from the
 * clocks and the pid, so that they still differ between processes and times.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "nonce.h"

/* Returns 64 random bits. */
uint64_t nonce_u64(void)
{
	uint64_t r = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, &r, sizeof r) : -1;
	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)sizeof r)
		return r;
	struct timespec ts = {0, 0};
	clock_gettime(CLOCK_REALTIME, &ts);
	r = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
	    ((uint64_t)getpid() << 32) ^ (uint64_t)clock_mono_ms();
	r ^= r >> 30; /* splitmix64's finaliser spreads the few changing bits */
	r *= 0xbf58476d1ce4e5b9ULL;
	r ^= r >> 27;
	r *= 0x94d049bb133111ebULL;
	return r ^ (r >> 31);
}

/* Fills hex with up to 16 random hex digits (size - 1 of them, at most 16). */
void nonce_hex(char *hex, size_t size)
{
	if (size == 0)
		return;
	char all[17];
	snprintf(all, sizeof all, "%016llx", (unsigned long long)nonce_u64());
	snprintf(hex, size, "%s", all);
}
