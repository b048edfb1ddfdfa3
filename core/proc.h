/*
 * One local command: "/bin/sh -c COMMAND" in a process group of its own,
 * stdin from a given descriptor or /dev/null, the tail of stdout and stderr
 * kept, stopped at its timeout (SIGTERM, then SIGKILL, to its whole group)
 * or as soon as a stop descriptor becomes readable (its caller stops).
 * Shared by the local runner and the watcher's alert command.
 */
#ifndef DR_PROC_H
#define DR_PROC_H

#include <stddef.h>
#include <stdint.h>

#define PROC_KEEP (64 * 1024) /* of each stream: the tail is what is shown */

/* One output stream: the last PROC_KEEP bytes. */
struct proc_stream {
	int fd;
	char buf[PROC_KEEP];
	size_t len;
	int64_t total; /* bytes read in all */
};

/* How a command ended: s[0] is stdout, s[1] stderr. */
struct proc_result {
	struct proc_stream s[2];
	int status;    /* its wait status */
	int timed_out; /* it was still running at its timeout, and was stopped */
	int stopped;   /* it was still running when stop_fd became readable, and was stopped */
};

int proc_run(const char *cmd, int in_fd, int stop_fd, int64_t timeout_ms, int64_t kill_ms,
             struct proc_result *r, char **cause);

#endif
