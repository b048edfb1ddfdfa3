/* Jump hosts: which a site is reached through, the ssh logs they leave, and their host keys. */
#ifndef DR_SSHJUMP_H
#define DR_SSHJUMP_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* What "drconsole check" says of a site's jump, from the configs alone. */
struct sshjump_report {
	char *jump;   /* the hops, "a,b", or NULL: direct */
	char *origin; /* "FILE:LINE" of the ProxyJump, "ssh.jump" or NULL */
	char *note;   /* more to say (an ssh.jump that hides a ProxyJump), or NULL */
	char *error;  /* why the site cannot be reached as configured, or NULL */
};

int sshjump_resolve(const struct site *site, char **jump, char **origin, char **cause);
char *sshjump_unfollowed(const struct site *site, const char *proxy);
char *sshjump_logs_make(void);
void sshjump_logs_remove(char *dir);
char *sshjump_said(const char *log_dir, size_t n_hops, size_t *hop);
void sshjump_ignore_sigpipe(void);
int sshjump_hostkey_refused(const char *said);
void sshjump_report(const struct site *site, struct sshjump_report *r);
void sshjump_report_free(struct sshjump_report *r);
struct sshconn_failure;
int sshjump_hostkey(const struct site *site, const char *jump, size_t hop, const char *where,
                    int64_t timeout_ms, struct sshconn_failure *fail);

#endif
