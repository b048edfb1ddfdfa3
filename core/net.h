/* TCP connections that respect a deadline: name lookup, connect, keepalives. */
#ifndef DR_NET_H
#define DR_NET_H

#include <stdint.h>

int net_connect(const char *host, unsigned port, int64_t deadline_ms, char **cause);
int net_keepalive(int fd, int64_t timeout_ms, char **cause);
char *net_describe(const char *host, unsigned port);

#endif
