/* What the user's ssh client config says about proxies for a host: ProxyJump or ProxyCommand. */
#ifndef DR_SSHCONFIG_H
#define DR_SSHCONFIG_H

enum sshconfig_proxy_kind {
	SSHCONFIG_PROXY_NONE,    /* neither, or "none" */
	SSHCONFIG_PROXY_JUMP,    /* ProxyJump */
	SSHCONFIG_PROXY_COMMAND, /* ProxyCommand */
};

/* The host asked about. */
struct sshconfig_query {
	const char *host; /* as given (the site's ssh.host) */
	const char *user; /* the site's ssh.user; NULL: the config's User, or the local user */
	const char *include_dir; /* where a relative Include looks; NULL: ~/.ssh */
};

/* The first ProxyJump or ProxyCommand that applies to a host, and where it was set. */
struct sshconfig_proxy {
	enum sshconfig_proxy_kind kind;
	char *value; /* the text after the keyword */
	char *file;  /* the file that set it */
	unsigned line;
};

char *sshconfig_user_file(void);
int sshconfig_proxy_find(const char *path, const struct sshconfig_query *q,
                         struct sshconfig_proxy *out, char **cause);
int sshconfig_proxy_lookup(const char *config, const char *host, const char *user,
                           struct sshconfig_proxy *out, char **cause);
char *sshconfig_jump(const struct sshconfig_proxy *p, char **cause);
void sshconfig_proxy_free(struct sshconfig_proxy *p);

#endif
