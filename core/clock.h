/* Time: a monotonic clock for deadlines and the wall clock for display and ages. */
#ifndef DR_CLOCK_H
#define DR_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ms(void);
int64_t clock_wall_ms(void);
int clock_left_ms(int64_t deadline_ms);

#endif
