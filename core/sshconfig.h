/* What the user's ssh client config says about proxies for a host: ProxyJump or ProxyCommand. */
#ifndef DR_SSHCONFIG_H
#define DR_SSHCONFIG_H

enum sshconfig_proxy_kind {
	SSHCONFIG_PROXY_NONE,    /* neither, or "none" */
	SSHCONFIG_PROXY_JUMP,    /* ProxyJump */
	SSHCONFIG_PROXY_COMMAND, /* ProxyCommand */
};

/* The first ProxyJump or ProxyCommand that applies to a host, and where it was set. */
struct sshconfig_proxy {
	enum sshconfig_proxy_kind kind;
	char *value; /* the text after the keyword */
	char *file;  /* the file that set it */
	unsigned line;
	int unsure; /* a Match block was skipped: libssh may have seen more */
};

char *sshconfig_user_file(void);
int sshconfig_proxy_find(const char *path, const char *host, struct sshconfig_proxy *out);
void sshconfig_proxy_lookup(const char *config, const char *host, struct sshconfig_proxy *out);
char *sshconfig_jump(const struct sshconfig_proxy *p, char **cause);
void sshconfig_proxy_free(struct sshconfig_proxy *p);

#endif
