/*
 * The self-pipe of a loop that must stop cleanly: SIGTERM, SIGINT and SIGHUP
 * are written to a pipe (one byte, the signal's number) that the loop polls,
 * and SIGPIPE is ignored, so that a write to a closed pipe or socket is an
 * error the code sees, not the end of the process.
 */
#ifndef DR_SELFPIPE_H
#define DR_SELFPIPE_H

int selfpipe_start(int fds[2]);
int selfpipe_take(int fd);

#endif
