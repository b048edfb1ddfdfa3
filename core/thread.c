/*
 * Worker threads start with every signal blocked (they inherit the mask set
 * around pthread_create), so SIGWINCH, SIGTERM and the like always reach the
 * main thread and end its poll, and a command a worker starts unblocks them
 * itself.
 */
#include "config.h"

#include <signal.h>

#include "thread.h"

/* Starts fn(arg) in a thread that blocks all signals; 0, or the pthread_create error. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
