/* The watcher's event command (watch.on_event): each event's JSON on its stdin. */
#ifndef DR_ALERT_H
#define DR_ALERT_H

#include <stdint.h>

int alert_send(const char *command, const char *event_json, int64_t timeout_ms, char **cause);

#endif
