/*
 * A recovery run's id, unique across jump hosts: the UTC second it started,
 * the jump host, the console's pid and 64 random bits, as in
 * 20261127T061500Z-jump1-4242-9f3c2a1b7d4e6f01. It names the run's journal
 * file and the run in both run locks.
 */
#ifndef DR_RUNID_H
#define DR_RUNID_H

#include <stddef.h>
#include <stdint.h>

/* Longest host part kept in an id, in bytes. */
#define RUNID_HOST_MAX 32

/* Longest id, in bytes (stamp, host, pid, random part and three dashes). */
#define RUNID_MAX (16 + 1 + RUNID_HOST_MAX + 1 + 10 + 1 + 16)

char *runid_make(int64_t now_ms, const char *host, int pid, uint64_t random);
char *runid_new(int64_t now_ms);
int runid_ok(const char *s, size_t len);

#endif
