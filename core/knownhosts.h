/* Adding a host key the operator accepted to a known_hosts file. */
#ifndef DR_KNOWNHOSTS_H
#define DR_KNOWNHOSTS_H

int knownhosts_append(const char *file, const char *entry, char **cause);

#endif
