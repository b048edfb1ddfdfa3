/*
 * This process's private run-time folders (the PostgreSQL bridges' sockets):
 * made under $XDG_RUNTIME_DIR when it is a folder of this user's, else under
 * /tmp; removed on every way out, and those of dead processes swept.
 */
#ifndef DR_RUNDIR_H
#define DR_RUNDIR_H

#include <stddef.h>

char *rundir_base(void);
char *rundir_path(const void *tag);
int rundir_claim(const char *dir);
void rundir_release(const char *dir, int fd);
int rundir_sweep(void);
int rundir_remove_own(void);
int rundir_sweep_dir(const char *dir, int own);

#endif
