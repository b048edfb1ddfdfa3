/* Remote commands over an SSH session, several at once, without blocking. */
#ifndef DR_SSHEXEC_H
#define DR_SSHEXEC_H

#include <stddef.h>
#include <stdint.h>

#include "sshconn.h"

/* Output kept per stream by sshconn_exec. */
#define SSHEXEC_MAX_OUTPUT (1024 * 1024)

/* What a finished command produced. Free with sshexec_result_free. */
struct sshexec_result {
	char *out; /* stdout, NUL-terminated, at most max_bytes */
	size_t out_len;
	int out_truncated;
	char *err; /* stderr, likewise */
	size_t err_len;
	int err_truncated;
	int status;   /* exit status, -1 when none was reported */
	char *signal; /* signal name without "SIG" ("TERM") when killed, else NULL */
	int core_dumped;
	int64_t elapsed_ms;
};

struct sshexec *sshexec_start(struct sshconn *c, const char *cmd, size_t max_bytes, char **cause);
int sshexec_done(const struct sshexec *e);
const char *sshexec_error(const struct sshexec *e);
const char *sshexec_stdout(const struct sshexec *e, size_t *len, int *truncated);
const char *sshexec_stderr(const struct sshexec *e, size_t *len, int *truncated);
int sshexec_status(const struct sshexec *e);
const char *sshexec_signal(const struct sshexec *e);
const char *sshexec_waiting_for(const struct sshexec *e);
int sshexec_running(const struct sshexec *e);
int sshexec_write(struct sshexec *e, const char *data, size_t len, char **cause);
void sshexec_consume(struct sshexec *e, size_t n);
void sshexec_take(struct sshexec *e, struct sshexec_result *r);
void sshexec_free(struct sshexec *e);
void sshexec_result_free(struct sshexec_result *r);

char *sshexec_sh_line(const char *script);
int sshconn_exec_until(struct sshconn *c, const char *cmd, int64_t timeout_ms, size_t max_bytes,
                       const char *end_mark, struct sshexec_result *r, char **cause);
int sshconn_exec(struct sshconn *c, const char *cmd, int64_t timeout_ms, struct sshexec_result *r,
                 char **cause);
int sshconn_exec_heard(struct sshconn *c, const char *cmd, int64_t timeout_ms, int64_t silent_ms,
                       struct sshexec_result *r, int *unheard, char **cause);

/* For sshconn.c. */
void sshexec_step_all(struct sshconn *c);
void sshexec_detach_all(struct sshconn *c, const char *why);

#endif
