/* Worker threads that leave signals to the main thread. */
#ifndef DR_THREAD_H
#define DR_THREAD_H

#include <pthread.h>

int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
