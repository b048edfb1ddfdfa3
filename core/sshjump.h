/* The non-interactive ProxyCommand drconsole uses for a site's jump host. */
#ifndef DR_SSHJUMP_H
#define DR_SSHJUMP_H

#include <stdint.h>

#include "conf.h"

int sshjump_parse(const char *jump, char **user, char **host, char **port);
char *sshjump_command(const struct site *site, const char *jump, const char *host, unsigned port,
		      int64_t timeout_ms, const char *log_path, char **cause);
char *sshjump_said(const char *log_path);
void sshjump_ignore_sigpipe(void);
int sshjump_resolve(const struct site *site, const char *proxy, char **jump, char **origin,
		    char **cause);
int sshjump_hostkey_refused(const char *said);
int sshjump_check(const struct site *site, char **note);
struct sshconn_failure;
int sshjump_hostkey(const struct site *site, const char *jump, const char *where,
		    int64_t timeout_ms, struct sshconn_failure *fail);

#endif
