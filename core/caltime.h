/* Calendar time in UTC: RFC 3339 stamps read, and calendar months added to a time. */
#ifndef DR_CALTIME_H
#define DR_CALTIME_H

#include <stdint.h>

int caltime_days_in_month(int year, int month);
int caltime_parse(const char *s, int64_t *ms);
int64_t caltime_add_months(int64_t ms, int months);

#endif
