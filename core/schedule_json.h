/*
 * drconsole schedule --json: where each regular DR test stands, as one JSON
 * object whose keys are stable (drconsole(1) lists them).
 */
#ifndef DR_SCHEDULE_JSON_H
#define DR_SCHEDULE_JSON_H

#include <stdint.h>

#include "schedule.h"
#include "schedule_due.h"
#include "schedule_runs.h"

char *schedule_json_render(const struct schedule_set *set, const struct schedule_due *due,
                           const struct schedule_runs *runs, int64_t now_ms);
char *schedule_json_render_error(const char *error, int64_t now_ms);

#endif
