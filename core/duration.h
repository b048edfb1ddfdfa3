/* Durations as people write them: 300, 90s, 15m, 1h30m, "15분", "4시간", "2시간 30분". */
#ifndef DR_DURATION_H
#define DR_DURATION_H

#include <stddef.h>
#include <stdint.h>

#define DURATION_MAX_MS ((int64_t)366 * 24 * 3600 * 1000)

int duration_parse(const char *s, int64_t *ms, char *err, size_t errlen);
char *duration_format(int64_t ms);
const char *duration_text(int64_t ms, char *buf, size_t len);

#endif
