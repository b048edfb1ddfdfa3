/* The human form of "drconsole schedule": a summary line, then one line per regular DR test. */
#ifndef DR_SCHEDULE_TABLE_H
#define DR_SCHEDULE_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "schedule.h"
#include "schedule_due.h"
#include "schedule_runs.h"

void schedule_table_print(FILE *fp, const struct schedule_set *set, const struct schedule_due *due,
                          const struct schedule_runs *runs, int64_t now_ms);

#endif
