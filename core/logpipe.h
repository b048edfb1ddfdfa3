/* A log file fed through a pipe, so what libraries write to stderr reaches it cleaned. */
#ifndef DR_LOGPIPE_H
#define DR_LOGPIPE_H

struct logpipe;

struct logpipe *logpipe_start(const char *path, int fd, char **cause);
void logpipe_stop(struct logpipe *lp, int wait_ms);

#endif
