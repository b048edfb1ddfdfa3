/*
 * Commands on the operator's side: a step whose action has "site: local" and
 * a run: (or check:) command runs it on this jump host, with /bin/sh, in a
 * thread of its own, so the console's loop never waits on it.
 */
#ifndef DR_LOCALRUN_H
#define DR_LOCALRUN_H

#include "opqueue.h"

struct localrun;

struct localrun *localrun_start(int wake_fd, char **cause);
void localrun_submit(struct localrun *l, struct op *op);
int localrun_take(struct localrun *l, struct op *out);
void localrun_stop(struct localrun *l);
void localrun_exec(struct op *op);

#endif
