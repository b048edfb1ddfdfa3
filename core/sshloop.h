/*
 * A long-lived remote shell loop on an SSH session: one command that runs a
 * probe each time it reads one, instead of one exec (channel open, exec
 * request, close, and the site's shell startup) per probe cycle.
 */
#ifndef DR_SSHLOOP_H
#define DR_SSHLOOP_H

#include <stdint.h>

#include "sshconn.h"

struct sshloop;

/* How long an ask may wait. */
struct sshloop_limits {
	int64_t timeout_ms; /* for an answer, once the loop's shell runs */
	int64_t start_ms;   /* for the site's shell to start a new loop (its startup files) */
};

/* What sshloop_ask came back with. */
enum sshloop_result {
	SSHLOOP_FAILED = -1,  /* the session failed, the shell did not start in time, or an
	                       * answer missed twice: drop the session */
	SSHLOOP_ANSWERED = 0, /* *out holds the answer */
	SSHLOOP_LATE = 1,     /* no answer in time; the loop is kept, the next ask waits for it */
	SSHLOOP_ENDED = 2,    /* the loop's command ended on the site (its shell refused it, or
	                       * it was killed); the session itself is fine */
};

struct sshloop *sshloop_new(void);
int sshloop_ask(struct sshloop *l, struct sshconn *c, const char *body,
                const struct sshloop_limits *lim, char **out, char **cause);
int sshloop_ready(const struct sshloop *l);
int64_t sshloop_shell_ms(const struct sshloop *l);
void sshloop_reset(struct sshloop *l);
int sshloop_starts(const struct sshloop *l);
void sshloop_free(struct sshloop *l);

#endif
