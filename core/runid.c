/*
 * Run ids. The stamp orders runs by their start, the host and the pid tell
 * people where a run was started (the run locks carry the full host name),
 * and the random part keeps apart two jump hosts whose names and pids happen
 * to agree, or a host whose clock went back. The host part is cleaned and cut
 * so that an id is a safe file name: letters, digits, '.', '_' and '-', and
 * no leading dot.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "nonce.h"
#include "runid.h"
#include "xmalloc.h"

/* Length of the stamp, "20261127T061500Z". */
#define RUNID_STAMP_LEN 16

/* Length of the random part: 64 bits in hex. */
#define RUNID_RANDOM_LEN 16

/* Tells whether c may stand in an id's host part. */
static int runid_host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* Copies host into out (RUNID_HOST_MAX + 1 bytes), cleaned and cut; "unknown" when empty. */
static void runid_host(char *out, const char *host)
{
	size_t o = 0;
	for (const char *p = host ? host : ""; *p != '\0' && o < RUNID_HOST_MAX; p++) {
		int keep = runid_host_char((unsigned char)*p) && !(o == 0 && *p == '.');
		out[o++] = keep ? *p : '_';
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, RUNID_HOST_MAX + 1, "unknown");
}

/*
 * Returns the id of a run started at now_ms (wall clock) on host by pid,
 * with random as its random part (pure: tests pass made-up values). Newly
 * allocated, at most RUNID_MAX bytes.
 */
char *runid_make(int64_t now_ms, const char *host, int pid, uint64_t random)
{
	char name[RUNID_HOST_MAX + 1];
	struct tm tm;
	time_t s = (time_t)((now_ms < 0 ? 0 : now_ms) / 1000);
	if (gmtime_r(&s, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	runid_host(name, host);
	return xasprintf("%04d%02d%02dT%02d%02d%02dZ-%s-%d-%016llx", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, name,
	                 pid < 0 ? 0 : pid, (unsigned long long)random);
}

/* Returns the id of a run this process starts at now_ms (wall clock). Newly allocated. */
char *runid_new(int64_t now_ms)
{
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = '\0';
	return runid_make(now_ms, host, (int)getpid(), nonce_u64());
}

/* Tells whether the n bytes at s are all in set. */
static int runid_all(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

/* Tells whether the len bytes at s have the shape of an id runid_make gives. */
int runid_ok(const char *s, size_t len)
{
	static const char digits[] = "0123456789";
	size_t min = RUNID_STAMP_LEN + 1 + 1 + 1 + 1 + 1 + RUNID_RANDOM_LEN;
	if (s == NULL || len < min || len > RUNID_MAX || !runid_all(s, 8, digits) || s[8] != 'T' ||
	    !runid_all(s + 9, 6, digits) || s[15] != 'Z' || s[16] != '-' ||
	    !runid_all(s + len - RUNID_RANDOM_LEN, RUNID_RANDOM_LEN, "0123456789abcdef") ||
	    s[len - RUNID_RANDOM_LEN - 1] != '-')
		return 0;
	size_t end = len - RUNID_RANDOM_LEN - 1, pid = end; /* the pid ends at end */
	while (pid > RUNID_STAMP_LEN + 1 && s[pid - 1] >= '0' && s[pid - 1] <= '9')
		pid--;
	size_t host = RUNID_STAMP_LEN + 1, host_len = pid - 1 - host;
	if (end - pid < 1 || end - pid > 10 || s[pid - 1] != '-' || pid - 1 <= host ||
	    host_len > RUNID_HOST_MAX || s[host] == '.')
		return 0;
	for (size_t i = host; i < host + host_len; i++)
		if (!runid_host_char((unsigned char)s[i]))
			return 0;
	return 1;
}
