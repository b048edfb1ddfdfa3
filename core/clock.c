/*
 * Clocks. Deadlines use CLOCK_MONOTONIC, which jumps of the wall clock (NTP,
 * an operator fixing the date mid-incident) cannot move; ages shown to people
 * use the wall clock.
 */
#include "config.h"

#include <time.h>

#include "clock.h"

/* Returns monotonic milliseconds (for deadlines and intervals). */
int64_t clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns wall-clock milliseconds since the epoch. */
int64_t clock_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns the milliseconds left until a monotonic deadline, as a poll() timeout (0 if past). */
int clock_left_ms(int64_t deadline_ms)
{
	int64_t left = deadline_ms - clock_mono_ms();
	if (left <= 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}
