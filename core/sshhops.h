/* A chain of jump hosts ("a,b,c", as ProxyJump and ssh.jump give it) and the nested ssh that
 * crosses it. */
#ifndef DR_SSHHOPS_H
#define DR_SSHHOPS_H

#include <stddef.h>
#include <stdint.h>

/* One jump host: "[user@]host[:port]". */
struct sshhop {
	char *spec; /* as written, without "ssh://" */
	char *user; /* NULL: the ssh config's, or the local user */
	char *host;
	char *port; /* NULL: the ssh config's, or 22 */
};

/* The hops in the order they are crossed: v[0] is reached first. */
struct sshhops {
	struct sshhop *v;
	size_t n;
};

/* What every hop's ssh is given besides its host (NULL fields are left out). */
struct sshhops_opts {
	const char *known_hosts; /* UserKnownHostsFile, for strict host keys */
	const char *config;      /* -F: the ssh config the site uses */
	const char *identity;    /* -i */
	const char *log_dir;     /* each hop's ssh logs to hop-N.log in it (-E) */
	int64_t timeout_ms;      /* ConnectTimeout of each hop */
};

int sshhops_parse(const char *list, struct sshhops *out, char **cause);
void sshhops_free(struct sshhops *h);
char *sshhops_join(const struct sshhops *h, size_t n);
char *sshhops_percent(const char *s);
char *sshhops_log(const char *log_dir, size_t k);
char *sshhops_command(const struct sshhops *h, const struct sshhops_opts *o, const char *host,
                      unsigned port, char **cause);

#endif
