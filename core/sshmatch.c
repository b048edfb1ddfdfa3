/*
 * The host-selecting lines of ssh_config, as OpenSSH reads them: "Host" with
 * '*'/'?' patterns and '!' negation, and "Match" with its criteria ANDed left
 * to right. host, originalhost, user, localuser and all are evaluated, and
 * canonical and final as OpenSSH does without hostname canonicalization:
 * true in the second pass that "final" asks for. exec, localnetwork and
 * tagged are not (drconsole runs nothing from the ssh config), so a Match
 * line that would need one of them to decide is refused rather than guessed. A criterion
 * after one that is already false is not looked at, as libssh does before it
 * runs an exec.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshmatch.h"
#include "xmalloc.h"

/*
 * Cuts the next word from *s as OpenSSH's argv_split does (quotes, and
 * backslash before a quote, a backslash or, outside quotes, a space); NULL
 * at the end of the line or a '#' comment, or with *cause on an open quote.
 */
char *sshmatch_token(char **s, char **cause)
{
	char *p = *s + strspn(*s, " \t");
	if (*p == '\0' || *p == '#') {
		*s = p;
		return NULL;
	}
	char *out = xmalloc(strlen(p) + 1), *o = out, quote = 0;
	for (; *p != '\0'; p++) {
		if (*p == '\\' &&
		    (p[1] == '\'' || p[1] == '"' || p[1] == '\\' || (quote == 0 && p[1] == ' ')))
			*o++ = *++p;
		else if (quote == 0 && (*p == ' ' || *p == '\t'))
			break;
		else if (quote == 0 && (*p == '"' || *p == '\''))
			quote = *p;
		else if (quote != 0 && *p == quote)
			quote = 0;
		else
			*o++ = *p;
	}
	*o = '\0';
	*s = p;
	if (quote != 0) {
		*cause = xstrdup("a quote is not closed");
		free(out);
		return NULL;
	}
	return out;
}

/* Matches a pattern of '*' and '?' against s, ignoring case when fold is set. */
int sshmatch_pattern(const char *pat, const char *s, int fold)
{
	for (;; pat++, s++) {
		if (*pat == '\0')
			return *s == '\0';
		if (*pat == '*') {
			for (;; s++) {
				if (sshmatch_pattern(pat + 1, s, fold))
					return 1;
				if (*s == '\0')
					return 0;
			}
		}
		if (*s == '\0')
			return 0;
		if (*pat != '?' &&
		    (fold ? tolower((unsigned char)*pat) != tolower((unsigned char)*s)
		          : *pat != *s))
			return 0;
	}
}

/*
 * Matches a comma list of patterns (each may be negated with '!') against s:
 * 1 when one matches, -1 when a negated one does (whatever else matches), 0
 * when none does.
 */
int sshmatch_list(const char *list, const char *s, int fold)
{
	int hit = 0;
	char *copy = xstrdup(list), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
		int negated = *p == '!';
		if (sshmatch_pattern(p + negated, s, fold)) {
			if (negated) {
				hit = -1;
				break;
			}
			hit = 1;
		}
	}
	free(copy);
	return hit;
}

/*
 * Tells whether a Host line's patterns select host (1) or not (0): one
 * matches and no negated one does. The patterns are taken as written, and
 * host lowercased by the caller, as OpenSSH does. -1 with *cause if malformed.
 */
int sshmatch_host_line(char *args, const char *host, char **cause)
{
	int hit = 0, n = 0, negated_hit = 0;
	char *tok;
	while ((tok = sshmatch_token(&args, cause)) != NULL) {
		n++;
		if (*tok == '!' && sshmatch_pattern(tok + 1, host, 0))
			negated_hit = 1;
		else if (*tok != '!' && sshmatch_pattern(tok, host, 0))
			hit = 1;
		free(tok);
	}
	if (*cause != NULL)
		return -1;
	if (n == 0) {
		*cause = xstrdup("Host needs at least one pattern");
		return -1;
	}
	return hit && !negated_hit;
}

/* Returns the value a Match criterion is compared with, and whether case is folded; NULL: none. */
static const char *sshmatch_subject(const char *attr, const struct sshmatch_ctx *ctx, int *fold)
{
	*fold = 1;
	if (strcasecmp(attr, "host") == 0)
		return ctx->host;
	if (strcasecmp(attr, "originalhost") == 0)
		return ctx->originalhost;
	*fold = 0;
	if (strcasecmp(attr, "user") == 0)
		return ctx->user;
	if (strcasecmp(attr, "localuser") == 0)
		return ctx->localuser;
	return NULL;
}

/* Tells whether attr is a criterion drconsole knows but does not evaluate; *arg: it takes one. */
static int sshmatch_unevaluated(const char *attr, int *arg)
{
	static const char *const with_arg[] = {"exec", "localnetwork", "tagged", NULL};
	for (size_t i = 0; with_arg[i] != NULL; i++)
		if (strcasecmp(attr, with_arg[i]) == 0)
			return *arg = 1;
	return 0;
}

/* Tells whether attr is canonical or final: true in the final pass only. */
static int sshmatch_pass(const char *attr)
{
	return strcasecmp(attr, "canonical") == 0 || strcasecmp(attr, "final") == 0;
}

/* Evaluates one criterion (its argument cut from *s): 1 true, 0 false, -1 *cause. */
static int sshmatch_criterion(const char *tok, char **s, const struct sshmatch_ctx *ctx,
                              int decided, char **cause)
{
	int negate = *tok == '!', fold, takes_arg = 1;
	const char *attr = tok + negate, *subject = sshmatch_subject(attr, ctx, &fold);
	if (sshmatch_pass(attr)) {
		if (strcasecmp(attr, "final") == 0 && ctx->wants_final != NULL)
			*ctx->wants_final = 1;
		return (ctx->final_pass != 0) != negate;
	}
	int unevaluated = subject == NULL && sshmatch_unevaluated(attr, &takes_arg);
	if (subject == NULL && !unevaluated) {
		*cause = xasprintf("Match: unknown criterion '%s'", attr);
		return -1;
	}
	char *arg = takes_arg ? sshmatch_token(s, cause) : NULL;
	if (takes_arg && arg == NULL) {
		if (*cause == NULL)
			*cause = xasprintf("Match %s needs an argument", attr);
		return -1;
	}
	int r = 0;
	if (unevaluated && !decided) {
		*cause = xasprintf("Match %s%s%s cannot be evaluated by drconsole (it runs nothing "
		                   "from the ssh config and makes one pass over it), so whether "
		                   "this block applies is unknown: use Host or Match host",
		                   tok, arg ? " " : "", arg ? arg : "");
		r = -1;
	} else if (!unevaluated) {
		r = (sshmatch_list(arg, subject, fold) == 1) != negate;
	}
	free(arg);
	return r;
}

/*
 * Evaluates a Match line's criteria (the text after "Match"): 1 the block
 * applies, 0 it does not, -1 with *cause when it is malformed or hangs on a
 * criterion drconsole does not evaluate.
 */
int sshmatch_line(char *args, const struct sshmatch_ctx *ctx, char **cause)
{
	int result = 1, n = 0, passes = 0;
	char *tok;
	while ((tok = sshmatch_token(&args, cause)) != NULL) {
		n++;
		passes += sshmatch_pass(tok + (*tok == '!'));
		if (strcasecmp(tok + (*tok == '!'), "all") == 0) {
			char *more = sshmatch_token(&args, cause);
			int alone = n == passes + 1 && more == NULL && *cause == NULL;
			if (!alone && *cause == NULL)
				*cause = xstrdup("Match all cannot be combined with other criteria "
				                 "(but canonical or final before it)");
			result = result && *tok != '!';
			free(more);
			free(tok);
			return alone ? result : -1;
		}
		int r = sshmatch_criterion(tok, &args, ctx, !result, cause);
		free(tok);
		if (r == -1)
			return -1;
		if (r == 0)
			result = 0;
	}
	if (*cause != NULL)
		return -1;
	if (n == 0) {
		*cause = xstrdup("Match needs criteria");
		return -1;
	}
	return result;
}
