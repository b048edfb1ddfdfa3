/*
 * drconsole fence: the fence kept in the state folder, reported for people
 * (a few lines) and for tools (one JSON object), with an exit code in the
 * monitoring-plugin convention: 0 no fence armed, 1 a fence is armed (a
 * warning: the old primary must not come back until a deliberate
 * failback), 3 the fence state cannot be read (unknown).
 */
#ifndef DR_FENCEREPORT_H
#define DR_FENCEREPORT_H

#include <stdio.h>

#include "fencestate.h"

#define FENCEREPORT_NONE    0
#define FENCEREPORT_ARMED   1
#define FENCEREPORT_UNKNOWN 3

int fencereport_exit(const struct fencestate *fs, const char *error);
char *fencereport_json(const struct fencestate *fs, const char *error);
void fencereport_print(FILE *fp, const struct fencestate *fs, const char *error);

#endif
