/*
 * The watcher's events handed to the operator's on_event command on a
 * thread of their own: a command that hangs or fails costs the watcher
 * nothing but a line on stderr. The queue is bounded: beyond ALERTQ_MAX
 * waiting events the oldest is dropped, and the number dropped is said in
 * the next failure line and kept for the metrics.
 */
#ifndef DR_ALERTQ_H
#define DR_ALERTQ_H

#include <stdint.h>

#define ALERTQ_MAX 64

struct alertq;

struct alertq *alertq_start(const char *command, int64_t timeout_ms);
void alertq_push(struct alertq *q, const char *event_json);
void alertq_counts(struct alertq *q, uint64_t *sent, uint64_t *failed, uint64_t *dropped);
void alertq_stop(struct alertq *q, int64_t grace_ms);

#endif
