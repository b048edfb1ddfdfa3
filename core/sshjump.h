/* The non-interactive ProxyCommand drconsole uses for a site's jump host. */
#ifndef DR_SSHJUMP_H
#define DR_SSHJUMP_H

#include <stdint.h>

#include "conf.h"

char *sshjump_command(const struct site *site, const char *host, unsigned port,
		      int64_t timeout_ms, const char *log_path, char **cause);
char *sshjump_said(const char *log_path);
void sshjump_ignore_sigpipe(void);

#endif
