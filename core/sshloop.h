/*
 * A long-lived remote shell loop on an SSH session: one command that runs a
 * body each time it reads a line, instead of one exec (channel open, exec
 * request, close) per probe cycle.
 */
#ifndef DR_SSHLOOP_H
#define DR_SSHLOOP_H

#include <stdint.h>

#include "sshconn.h"

struct sshloop;

struct sshloop *sshloop_new(void);
int sshloop_ask(struct sshloop *l, struct sshconn *c, const char *body, int64_t timeout_ms,
                char **out, char **cause);
void sshloop_reset(struct sshloop *l);
int sshloop_starts(const struct sshloop *l);
void sshloop_free(struct sshloop *l);

#endif
