/*
 * The DR-site lock is <dir>/drconsole-run.lock on the DR site, made by POSIX
 * sh commands that the site agent runs over SSH; this file writes those
 * commands and reads their answers, and runs nothing itself. Each command
 * prints a "drlock 1" header (lines before it, from a chatty shell startup
 * file, are ignored) and then exactly one answer line:
 *
 *   lock taken | lock held OWNER | lock released | lock not ours OWNER |
 *   lock absent | lock error MESSAGE
 *
 * Taking the lock: the owner is written to a private file first, then
 * hard-linked to the lock's name. link() creates the name atomically and
 * fails when it exists, so of two consoles exactly one gets the lock, and the
 * lock appears with its owner already complete: a console that loses never
 * reads a half-written owner. (mkdir of a lock folder and "set -C" are atomic
 * too, but both leave a moment when the lock exists with no owner in it.)
 *
 * Changing an existing lock (takeover, release) is read, compare, then
 * replace or remove: two steps, so each runs inside a short critical
 * section, the folder <lock>.busy, which mkdir creates for one console only.
 * A takeover replaces the lock only when its content is still exactly the
 * stale owner the operator confirmed, by rename() of a fresh owner file over
 * it, so the lock never disappears meanwhile and a plain acquisition cannot
 * slip in. Of two consoles taking over the same stale lock, the second finds
 * the first's owner there and reports it as the holder; a release that
 * races a takeover finds the lock is no longer its own. A command cut off
 * inside the critical section leaves <lock>.busy behind: the next takeover
 * or release waits three seconds and then names it in its error.
 *
 * The lock file is made 0644 so that consoles logging in as other accounts
 * can read who holds it; in a sticky folder such as /var/tmp only the account
 * that made it can replace or remove it, and the others get an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runlock.h"
#include "runlock_int.h"
#include "shquote.h"
#include "xmalloc.h"

/*
 * The DR-site commands' shared part, after the header and variables (D the
 * folder; O the new owner, E the expected owner, F the run's JSON member):
 * names, then quit (clean up, exit), fail (print an error) and say (print an
 * answer with the lock's content $C, which must be one line).
 */
static const char runlock_sh_common[] =
    "L=\"$D/drconsole-run.lock\"; M=\"$L.busy\"; T=\"$L.$$.new\"; B=; C=; i=0; "
    "N=$(printf '\\n_'); N=${N%_}; "
    "quit() { [ ! -e \"$T\" ] || rm -f -- \"$T\"; [ -z \"$B\" ] || rmdir -- \"$M\"; exit 0; }; "
    "fail() { printf 'lock error %s\\n' \"$1\"; quit; }; "
    "say() { case $C in *\"$N\"*) fail \"$L holds more than one line\";; esac; "
    "printf '%s %s\\n' \"$1\" \"$C\"; quit; }; "
    "[ ! -d \"$L\" ] || fail \"$L is a folder, not a lock file\"; ";

/*
 * Writes the new owner $O to the private file $T (the folder made when
 * missing), with noclobber, so a file or link planted there is never written through.
 */
static const char runlock_sh_write[] =
    "[ -d \"$D\" ] || mkdir -p -- \"$D\" 2>/dev/null || fail \"cannot create the folder $D\"; "
    "W() { set -C; printf '%s\\n' \"$O\" > \"$T\"; r=$?; set +C; return $r; }; "
    "W 2>/dev/null || { rm -f -- \"$T\"; W 2>/dev/null; } || fail \"cannot write $T\"; ";

/* Enters the critical section $M, waiting up to three seconds for another console's. */
static const char runlock_sh_busy[] =
    "until mkdir -- \"$M\" 2>/dev/null; do i=$((i + 1)); [ $i -lt 150 ] || "
    "fail \"$M is in the way: another console is changing the lock, or was cut off doing "
    "so (remove $M when none is)\"; "
    "sleep 0.02 2>/dev/null || { sleep 1; i=$((i + 49)); }; done; B=1; ";

/* Links $T to the lock's name; when that exists, says whose it is (retried if it vanished). */
static const char runlock_sh_acquire[] =
    "while :; do ln -- \"$T\" \"$L\" 2>/dev/null && { echo 'lock taken'; quit; }; "
    "C=$(cat -- \"$L\" 2>/dev/null) && say 'lock held'; "
    "[ ! -e \"$L\" ] || fail \"cannot read $L\"; "
    "i=$((i + 1)); [ $i -lt 5 ] || fail \"cannot create $L\"; done";

/* Replaces the lock by $T when it still holds exactly $E; takes it when it is gone. */
static const char runlock_sh_takeover[] =
    "if C=$(cat -- \"$L\" 2>/dev/null); then [ \"$C\" = \"$E\" ] || say 'lock held'; "
    "mv -f -- \"$T\" \"$L\" || fail \"cannot replace $L\"; echo 'lock taken'; quit; fi; "
    "[ ! -e \"$L\" ] || fail \"cannot read $L\"; "
    "ln -- \"$T\" \"$L\" 2>/dev/null && { echo 'lock taken'; quit; }; "
    "C=$(cat -- \"$L\" 2>/dev/null) && say 'lock held'; fail \"cannot create $L\"";

/* Says the lock is absent before entering the critical section. */
static const char runlock_sh_release_absent[] =
    "[ -e \"$L\" ] || [ -L \"$L\" ] || { echo 'lock absent'; quit; }; ";

/* Removes the lock when its content holds the run's member $F. */
static const char runlock_sh_release[] =
    "if C=$(cat -- \"$L\" 2>/dev/null); then case $C in *\"$F\"*) "
    "rm -f -- \"$L\" || fail \"cannot remove $L\"; echo 'lock released'; quit;; esac; "
    "say 'lock not ours'; fi; "
    "[ ! -e \"$L\" ] || fail \"cannot read $L\"; echo 'lock absent'; quit";

/* Appends "NAME=<value, shell-quoted>; " to the variables. */
static void runlock_site_var(char **vars, const char *name, const char *value)
{
	char *q = shquote(value);
	char *next = xasprintf("%s%s=%s; ", *vars ? *vars : "", name, q);
	free(q);
	free(*vars);
	*vars = next;
}

/* Returns a command: header, variables (freed here), the shared part, then the steps. */
static char *runlock_site_script(char *vars, const char *a, const char *b, const char *c)
{
	char *s =
	    xasprintf("echo 'drlock 1'; umask 022; %s%s%s%s%s", vars, runlock_sh_common, a, b, c);
	free(vars);
	return s;
}

/* Returns a command that only reports an error (for arguments that cannot be used). */
static char *runlock_site_refuse(const char *message)
{
	char *q = shquote(message);
	char *s = xasprintf("echo 'drlock 1'; printf 'lock error %%s\\n' %s", q);
	free(q);
	return s;
}

/* Tells whether s can go on one line: set, no control character, and not empty unless allowed. */
static int runlock_line_ok(const char *s, int may_be_empty)
{
	if (s == NULL || (*s == '\0' && !may_be_empty))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Messages of the commands that refuse their arguments. */
#define RUNLOCK_BAD_DIR   "the lock folder must be an absolute path on one line"
#define RUNLOCK_BAD_OWNER "the lock's owner must be one line of JSON"

/*
 * Returns the command that takes the DR-site lock in dir for owner_json
 * (from runlock_owner_json). Answers: taken, held OWNER, error.
 */
char *runlock_site_acquire_script(const char *dir, const char *owner_json)
{
	if (!runlock_line_ok(dir, 0) || dir[0] != '/')
		return runlock_site_refuse(RUNLOCK_BAD_DIR);
	if (!runlock_line_ok(owner_json, 0))
		return runlock_site_refuse(RUNLOCK_BAD_OWNER);
	char *vars = NULL;
	runlock_site_var(&vars, "D", dir);
	runlock_site_var(&vars, "O", owner_json);
	return runlock_site_script(vars, runlock_sh_write, "", runlock_sh_acquire);
}

/*
 * Returns the command that removes the DR-site lock in dir when it belongs to
 * run_id. Answers: released, not ours OWNER, absent, error.
 */
char *runlock_site_release_script(const char *dir, const char *run_id)
{
	if (!runlock_line_ok(dir, 0) || dir[0] != '/')
		return runlock_site_refuse(RUNLOCK_BAD_DIR);
	json_t *run = runlock_line_ok(run_id, 0) ? json_string(run_id) : NULL;
	if (run == NULL)
		return runlock_site_refuse("the run id must be one line of UTF-8");
	/* The owner is compact JSON from jansson, so the run appears as exactly this member. */
	char *value = json_dumps(run, JSON_ENCODE_ANY);
	json_decref(run);
	char *member = xasprintf("\"run\":%s", value);
	free(value);
	char *vars = NULL;
	runlock_site_var(&vars, "D", dir);
	runlock_site_var(&vars, "F", member);
	free(member);
	return runlock_site_script(vars, runlock_sh_release_absent, runlock_sh_busy,
	                           runlock_sh_release);
}

/*
 * Returns the command that replaces the DR-site lock in dir with
 * new_owner_json only while it holds exactly expected_owner_json (the stale
 * owner the operator confirmed, as a "held" answer gave it), or takes it when
 * it is gone. Answers: taken, held OWNER (someone else's now), error.
 */
char *runlock_site_takeover_script(const char *dir, const char *expected_owner_json,
                                   const char *new_owner_json)
{
	if (!runlock_line_ok(dir, 0) || dir[0] != '/')
		return runlock_site_refuse(RUNLOCK_BAD_DIR);
	if (!runlock_line_ok(new_owner_json, 0) || !runlock_line_ok(expected_owner_json, 1))
		return runlock_site_refuse(RUNLOCK_BAD_OWNER);
	char *vars = NULL;
	runlock_site_var(&vars, "D", dir);
	runlock_site_var(&vars, "O", new_owner_json);
	runlock_site_var(&vars, "E", expected_owner_json);
	return runlock_site_script(vars, runlock_sh_write, runlock_sh_busy, runlock_sh_takeover);
}

/*
 * Finds the one answer line after the "drlock 1" header; -1 with *cause when
 * the header is missing or anything but exactly one full line follows it.
 */
static int runlock_site_answer(const char *out, size_t len, const char **line, size_t *n,
                               char **cause)
{
	static const char header[] = "drlock 1\n";
	const char *p = out, *end = out + len;
	if (out == NULL || memchr(out, '\0', len) != NULL) {
		*cause = xstrdup("the lock command's output is not text");
		return -1;
	}
	while (p < end && ((size_t)(end - p) < sizeof header - 1 ||
	                   memcmp(p, header, sizeof header - 1) != 0)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		p = eol ? eol + 1 : end;
	}
	if (p >= end) {
		*cause = xstrdup("the lock command printed no 'drlock 1' header: the remote shell "
		                 "did not run it");
		return -1;
	}
	p += sizeof header - 1;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (eol == NULL || eol + 1 != end || eol == p) {
		*cause = xstrdup("the lock command's output is not one answer line");
		return -1;
	}
	*line = p;
	*n = (size_t)(eol - p);
	return 0;
}

/* Reads an answer that carries the lock's content. */
static void runlock_site_owner(struct runlock_site_result *r, const char *text, size_t n)
{
	char *cause = NULL;
	r->owner_json = xstrndup(text, n);
	if (runlock_owner_parse(r->owner_json, &r->owner, &cause) != 0)
		free(cause);
}

/*
 * Parses a DR-site lock command's output (len bytes) into r (free it with
 * runlock_site_result_free). Returns 0, or -1 with *cause for "lock error" and
 * for any output that is not exactly one known answer: never "taken" then.
 */
int runlock_site_parse(const char *out, size_t len, struct runlock_site_result *r, char **cause)
{
	static const struct {
		const char *text;
		enum runlock_site_state state;
		int owner; /* the text is a prefix, the lock's content follows */
	} answers[] = {
	    {"lock taken", RUNLOCK_SITE_TAKEN, 0},
	    {"lock held ", RUNLOCK_SITE_HELD, 1},
	    {"lock released", RUNLOCK_SITE_RELEASED, 0},
	    {"lock not ours ", RUNLOCK_SITE_NOT_OURS, 1},
	    {"lock absent", RUNLOCK_SITE_ABSENT, 0},
	};
	const char *line;
	size_t n;
	memset(r, 0, sizeof *r);
	if (runlock_site_answer(out, len, &line, &n, cause) != 0)
		return -1;
	char *text = xstrndup(line, n > 200 ? 200 : n), clean[256];
	runlock_clean(clean, sizeof clean, text, 0);
	free(text);
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		size_t k = strlen(answers[i].text);
		if (n < k || memcmp(line, answers[i].text, k) != 0 || (!answers[i].owner && n != k))
			continue;
		r->state = answers[i].state;
		if (answers[i].owner)
			runlock_site_owner(r, line + k, n - k);
		return 0;
	}
	if (strncmp(clean, "lock error ", 11) == 0)
		*cause = xasprintf("the DR site's lock: %s", clean + 11);
	else
		*cause = xasprintf("the lock command gave an unknown answer: %s", clean);
	return -1;
}

/* Frees what a parsed answer holds. */
void runlock_site_result_free(struct runlock_site_result *r)
{
	free(r->owner_json);
	r->owner_json = NULL;
}
