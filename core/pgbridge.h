/* The PostgreSQL bridge: a private unix socket pumped through SSH direct-tcpip channels. */
#ifndef DR_PGBRIDGE_H
#define DR_PGBRIDGE_H

#include <poll.h>
#include <stddef.h>

#include "sshconn.h"

int sshconn_bridge_open(struct sshconn *c, const char *dir, unsigned remote_port, char **cause);
void sshconn_bridge_close(struct sshconn *c);

/* Told why a tunnel could not be opened; refused: nothing listens at the target port. */
typedef void (*pgbridge_error_fn)(void *arg, const char *message, int refused);
void sshconn_bridge_on_error(struct sshconn *c, pgbridge_error_fn fn, void *arg);
size_t sshconn_bridge_clients(const struct sshconn *c);

/* For sshconn.c. */
size_t pgbridge_nfds(const struct sshconn *c);
size_t pgbridge_pollfds(struct sshconn *c, struct pollfd *pfd);
int pgbridge_timeout(const struct sshconn *c, int timeout_ms);
void pgbridge_service(struct sshconn *c, const struct pollfd *pfd, size_t n);
void pgbridge_step(struct sshconn *c);
void pgbridge_drop_clients(struct sshconn *c);

#endif
