/* ssh_config's host patterns and Match criteria, evaluated as OpenSSH does (or refused). */
#ifndef DR_SSHMATCH_H
#define DR_SSHMATCH_H

/* What a Match line is evaluated against. */
struct sshmatch_ctx {
	const char *originalhost; /* the host as given */
	const char *host;         /* after HostName, if one was obtained */
	const char *user;         /* the remote user */
	const char *localuser;    /* the local user */
	int final_pass;           /* the second pass, that "Match final" asks for */
	int *wants_final;         /* set when a Match line says "final" */
};

char *sshmatch_token(char **s, char **cause);
int sshmatch_pattern(const char *pat, const char *s, int fold);
int sshmatch_list(const char *list, const char *s, int fold);
int sshmatch_host_line(char *args, const char *host, char **cause);
int sshmatch_line(char *args, const struct sshmatch_ctx *ctx, char **cause);

#endif
