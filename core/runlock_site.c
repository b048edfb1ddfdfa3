/*
 * The DR-site lock is drconsole-run.lock in the lock folder on the DR site
 * (lock_dir; by default ~/.local/state/drconsole, "~/" standing for the site
 * account's $HOME), made by POSIX sh commands that the site agent runs over
 * SSH with /bin/sh -c; this file writes those commands and reads their
 * answers, and runs nothing itself. Each command prints exactly one answer
 * line on its standard output, and other lines there (from a chatty shell
 * startup file) are passed over:
 *
 *   drlock 1 taken | held OWNER | released | not-ours OWNER | absent |
 *            foreign UID PATH | error MESSAGE
 *
 * The folder must be the account's own. Whoever can write it can plant a
 * lock naming a live holder, and block every run, or remove a lock; in a
 * shared folder such as /var/tmp, a planted symbolic link would make a
 * command read, and report, a file only the account may read. So a command
 * makes the folder 0700 when it is missing, and refuses one that is a
 * symbolic link, belongs to another account, or that another account can
 * write (a sticky world-writable folder too). It then works inside the
 * folder (cd), so the checks hold for the folder it acts in. A lock name
 * that is a symbolic link is refused, a lock file of another account is
 * answered "foreign" and not read, and a lock is read only from a regular
 * file the account owns, 4096 bytes at most (dd). Files are made 0600.
 *
 * Taking the lock: the owner is written to a private file first (with
 * noclobber), then hard-linked to the lock's name. link() creates the name
 * atomically and fails when it exists, so of two consoles exactly one gets
 * the lock, and the lock appears with its owner already complete: a console
 * that loses never reads a half-written owner. (mkdir of a lock folder and
 * "set -C" are atomic too, but both leave a moment when the lock exists
 * with no owner in it.)
 *
 * Changing an existing lock (takeover, release) is read, compare, then
 * replace or remove: two steps, so each runs inside a short critical
 * section, the folder <lock>.busy, which mkdir creates for one console only.
 * A takeover replaces the lock only when its content is still exactly the
 * stale owner the operator confirmed, by rename() of a fresh owner file over
 * it, so the lock never disappears meanwhile and a plain acquisition cannot
 * slip in. Of two consoles taking over the same stale lock, the second finds
 * the first's owner there and reports it as the holder. A release removes
 * the lock only while it holds exactly the releasing console's owner, so a
 * console can send one whenever it cannot tell whether its lock was taken,
 * and a release that races a takeover finds the lock is no longer its own.
 * A command cut off inside the critical section leaves <lock>.busy behind:
 * the next takeover or release waits three seconds and then names it in its
 * error.
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
 * The shared part of every command, after the variables (D the folder as
 * given; O the new owner, or for a release the owner to remove; E the
 * expected owner): names, quit (clean up, exit), ans (print the answer
 * line), fail (answer an error) and say (answer with the lock's content $C,
 * which must be one line); then D made absolute ("~/" is the account's
 * $HOME) and P, the lock's path for messages.
 */
static const char runlock_sh_common[] =
    "U=$(id -u 2>/dev/null); L=drconsole-run.lock; M=$L.busy; T=; B=; C=; i=0; "
    "N=$(printf '\\n_'); N=${N%_}; "
    "quit() { [ -z \"$T\" ] || [ ! -e \"$T\" ] || rm -f -- \"$T\"; "
    "[ -z \"$B\" ] || rmdir -- \"$M\"; exit 0; }; "
    "ans() { printf 'drlock 1 %s\\n' \"$1\"; quit; }; "
    "fail() { ans \"error $1\"; }; "
    "say() { case $C in *\"$N\"*) fail \"$P holds more than one line\";; esac; "
    "ans \"$1 $C\"; }; "
    "trap quit HUP INT TERM; "
    "case $D in '~/'*) case $HOME in /*) D=\"${HOME%/}/${D#??}\";; "
    "*) fail \"the account has no absolute HOME to put the lock folder $D in\";; esac;; esac; "
    "P=\"$D/$L\"; [ -n \"$U\" ] || fail 'id -u gave no uid'; ";

/* Makes the folder when missing (0700 with its parents, by the umask). */
static const char runlock_sh_folder_make[] =
    "[ -d \"$D\" ] || [ -L \"$D\" ] || mkdir -p -- \"$D\" 2>/dev/null || "
    "fail \"cannot create the lock folder $D\"; ";

/* Answers absent when there is no folder (a release). */
static const char runlock_sh_folder_absent[] = "[ -d \"$D\" ] || [ -L \"$D\" ] || ans absent; ";

/*
 * Enters the folder after checking it is the account's own: not a link, its
 * owner, writable by no other account. Refuses a link or a folder in the
 * lock's place. Defines R, which reads the lock's first 4096 bytes into $C
 * (1 when there is none), refusing a link, anything but a regular file, and
 * a file of another account (answered "foreign UID PATH").
 */
static const char runlock_sh_folder_check[] =
    "[ ! -L \"$D\" ] || fail \"the lock folder $D is a symbolic link: refused (it must be a "
    "folder of this account)\"; "
    "cd \"$D\" 2>/dev/null || fail \"cannot enter the lock folder $D\"; "
    "set -- $(ls -ldn . 2>/dev/null); "
    "[ \"$3\" = \"$U\" ] || fail \"the lock folder $D belongs to uid ${3:-?}, not to this "
    "account (uid $U): refused, since its owner could plant or remove locks\"; "
    "case $1 in d????w*|d???????w*) fail \"the lock folder $D can be written by other accounts "
    "($1): refused, since they could plant or remove locks\";; esac; "
    "[ ! -L \"$L\" ] || fail \"the lock $P is a symbolic link: refused\"; "
    "[ ! -d \"$L\" ] || fail \"$P is a folder, not a lock file\"; "
    "R() { C=; [ ! -L \"$L\" ] || fail \"the lock $P is a symbolic link: refused\"; "
    "[ -e \"$L\" ] || return 1; [ -f \"$L\" ] || fail \"$P is not a regular file\"; "
    "set -- $(ls -ln \"$L\" 2>/dev/null); [ \"$3\" = \"$U\" ] || ans \"foreign ${3:-?} $P\"; "
    "C=$(dd if=\"$L\" bs=4096 count=1 2>/dev/null) || fail \"cannot read $P\"; }; ";

/*
 * Writes the new owner $O to the private file $T, with noclobber, so a file
 * or link planted there is never written through.
 */
static const char runlock_sh_write[] =
    "T=$L.$$.new; W() { set -C; printf '%s\\n' \"$O\" > \"$T\"; r=$?; set +C; return $r; }; "
    "W 2>/dev/null || { rm -f -- \"$T\"; W 2>/dev/null; } || fail \"cannot write $D/$T\"; ";

/* Enters the critical section $M, waiting up to three seconds for another console's. */
static const char runlock_sh_busy[] =
    "until mkdir -- \"$M\" 2>/dev/null; do i=$((i + 1)); [ $i -lt 150 ] || "
    "fail \"$D/$M is in the way: another console is changing the lock, or was cut off doing "
    "so (remove $D/$M when none is)\"; "
    "sleep 0.02 2>/dev/null || { sleep 1; i=$((i + 49)); }; done; B=1; ";

/* Links $T to the lock's name; when that exists, says whose it is (retried if it vanished). */
static const char runlock_sh_acquire[] =
    "while :; do ln -- \"$T\" \"$L\" 2>/dev/null && ans taken; R && say held; "
    "i=$((i + 1)); [ $i -lt 5 ] || fail \"cannot create $P\"; done";

/* Replaces the lock by $T when it still holds exactly $E; takes it when it is gone. */
static const char runlock_sh_takeover[] =
    "if R; then [ \"$C\" = \"$E\" ] || say held; "
    "mv -f -- \"$T\" \"$L\" || fail \"cannot replace $P\"; ans taken; fi; "
    "ln -- \"$T\" \"$L\" 2>/dev/null && ans taken; R && say held; fail \"cannot create $P\"";

/* Says the lock is absent before entering the critical section. */
static const char runlock_sh_release_absent[] = "[ -e \"$L\" ] || ans absent; ";

/* Removes the lock when it holds exactly the owner $O. */
static const char runlock_sh_release[] =
    "if R; then [ \"$C\" = \"$O\" ] || say not-ours; "
    "rm -f -- \"$L\" || fail \"cannot remove $P\"; ans released; fi; ans absent";

/* Appends "NAME=<value, shell-quoted>; " to the variables. */
static void runlock_site_var(char **vars, const char *name, const char *value)
{
	char *q = shquote(value);
	char *next = xasprintf("%s%s=%s; ", *vars ? *vars : "", name, q);
	free(q);
	free(*vars);
	*vars = next;
}

/*
 * Returns a command: no globbing, files private to the account, the
 * variables (freed here), the shared part, then the steps (NULL-terminated).
 */
static char *runlock_site_script(char *vars, const char *const *steps)
{
	char *s = xasprintf("set -f; umask 077; %s%s", vars, runlock_sh_common);
	free(vars);
	for (size_t i = 0; steps[i] != NULL; i++) {
		char *next = xasprintf("%s%s", s, steps[i]);
		free(s);
		s = next;
	}
	return s;
}

/* Returns a command that only reports an error (for arguments that cannot be used). */
static char *runlock_site_refuse(const char *message)
{
	char *q = shquote(message);
	char *s = xasprintf("printf 'drlock 1 error %%s\\n' %s", q);
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

/* Tells whether dir can be the lock folder: absolute, or under the account's home ("~/"). */
static int runlock_dir_ok(const char *dir)
{
	return runlock_line_ok(dir, 0) && (dir[0] == '/' || strncmp(dir, "~/", 2) == 0);
}

/* Tells whether s can be an owner the command writes: one line of a JSON object. */
static int runlock_json_ok(const char *s)
{
	return runlock_line_ok(s, 0) && s[0] == '{';
}

/* Messages of the commands that refuse their arguments. */
#define RUNLOCK_BAD_DIR   "the lock folder must be an absolute path, or start with ~/, on one line"
#define RUNLOCK_BAD_OWNER "the lock's owner must be one line of JSON"

/*
 * Returns the command that takes the DR-site lock in dir for owner_json
 * (from runlock_owner_json). Answers: taken, held OWNER, foreign, error.
 */
char *runlock_site_acquire_script(const char *dir, const char *owner_json)
{
	static const char *const steps[] = {runlock_sh_folder_make, runlock_sh_folder_check,
	                                    runlock_sh_write, runlock_sh_acquire, NULL};
	if (!runlock_dir_ok(dir))
		return runlock_site_refuse(RUNLOCK_BAD_DIR);
	if (!runlock_json_ok(owner_json))
		return runlock_site_refuse(RUNLOCK_BAD_OWNER);
	char *vars = NULL;
	runlock_site_var(&vars, "D", dir);
	runlock_site_var(&vars, "O", owner_json);
	return runlock_site_script(vars, steps);
}

/*
 * Returns the command that removes the DR-site lock in dir while it holds
 * exactly owner_json (the owner this console wrote: its own lock, whatever
 * became of the answer that took it). Answers: released, not-ours OWNER,
 * absent, foreign, error.
 */
char *runlock_site_release_script(const char *dir, const char *owner_json)
{
	static const char *const steps[] = {runlock_sh_folder_absent,  runlock_sh_folder_check,
	                                    runlock_sh_release_absent, runlock_sh_busy,
	                                    runlock_sh_release,        NULL};
	if (!runlock_dir_ok(dir))
		return runlock_site_refuse(RUNLOCK_BAD_DIR);
	if (!runlock_json_ok(owner_json))
		return runlock_site_refuse(RUNLOCK_BAD_OWNER);
	char *vars = NULL;
	runlock_site_var(&vars, "D", dir);
	runlock_site_var(&vars, "O", owner_json);
	return runlock_site_script(vars, steps);
}

/*
 * Returns the command that replaces the DR-site lock in dir with
 * new_owner_json only while it holds exactly expected_owner_json (the stale
 * owner the operator confirmed, as a "held" answer gave it), or takes it when
 * it is gone. Answers: taken, held OWNER (someone else's now), foreign, error.
 */
char *runlock_site_takeover_script(const char *dir, const char *expected_owner_json,
                                   const char *new_owner_json)
{
	static const char *const steps[] = {runlock_sh_folder_make, runlock_sh_folder_check,
	                                    runlock_sh_write,       runlock_sh_busy,
	                                    runlock_sh_takeover,    NULL};
	if (!runlock_dir_ok(dir))
		return runlock_site_refuse(RUNLOCK_BAD_DIR);
	if (!runlock_json_ok(new_owner_json) || !runlock_line_ok(expected_owner_json, 1))
		return runlock_site_refuse(RUNLOCK_BAD_OWNER);
	char *vars = NULL;
	runlock_site_var(&vars, "D", dir);
	runlock_site_var(&vars, "O", new_owner_json);
	runlock_site_var(&vars, "E", expected_owner_json);
	return runlock_site_script(vars, steps);
}

/* What starts a command's answer line. */
#define RUNLOCK_ANSWER "drlock 1 "

/*
 * Finds the one answer line, the line starting "drlock 1 ", among the lines
 * of a command's standard output (others, from a shell's startup files, are
 * passed over); *line and *n get the answer after that prefix. -1 with
 * *cause when there is none, more than one, or it is cut off or not text.
 */
static int runlock_site_answer(const char *out, size_t len, const char **line, size_t *n,
                               char **cause)
{
	const size_t k = sizeof RUNLOCK_ANSWER - 1;
	const char *p = out ? out : "", *end = p + (out ? len : 0), *eol = NULL;
	int found = 0;
	for (const char *next; p < end; p = next) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		next = e != NULL ? e + 1 : end;
		if ((size_t)(end - p) < k || memcmp(p, RUNLOCK_ANSWER, k) != 0)
			continue;
		found++;
		*line = p + k;
		eol = e;
	}
	if (found != 1) {
		*cause = found == 0 ? xstrdup("the lock command gave no answer (no line starting "
		                              "'drlock 1'): the remote shell did not run it, or "
		                              "it was cut off")
		                    : xasprintf("the lock command gave %d answers, not one", found);
		return -1;
	}
	if (eol == NULL) {
		*cause = xstrdup("the lock command's answer is cut off (no end of line)");
		return -1;
	}
	*n = (size_t)(eol - *line);
	if (memchr(*line, '\0', *n) != NULL) {
		*cause = xstrdup("the lock command's answer is not text");
		return -1;
	}
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

/* Copies the n bytes at s into out (size bytes), cut and cleaned for a message. */
static void runlock_site_clean(char *out, size_t size, const char *s, size_t n)
{
	char *text = xstrndup(s, n > size ? size : n);
	runlock_clean(out, size, text, 0);
	free(text);
}

/*
 * Refuses the answers that take no lock (state ERROR and FOREIGN, -1 with
 * *cause), and any other answer (NONE, -1 with *cause).
 */
static int runlock_site_refused(const char *line, size_t n, struct runlock_site_result *r,
                                char **cause)
{
	char clean[512];
	size_t uid = 0;
	runlock_site_clean(clean, sizeof clean, line, n);
	if (strncmp(clean, "foreign ", 8) == 0 && (uid = strspn(clean + 8, "0123456789")) > 0 &&
	    clean[8 + uid] == ' ') {
		r->state = RUNLOCK_SITE_FOREIGN;
		*cause = xasprintf("the lock file %s on the DR site is not owned by this account "
		                   "(it belongs to uid %.*s): refused",
		                   clean + 9 + uid, (int)uid, clean + 8);
	} else if (strncmp(clean, "error ", 6) == 0) {
		r->state = RUNLOCK_SITE_ERROR;
		*cause = xasprintf("the DR site's lock: %s", clean + 6);
	} else {
		*cause = xasprintf("the lock command gave an unknown answer: %s", clean);
	}
	return -1;
}

/*
 * Parses a DR-site lock command's standard output (len bytes) into r (free
 * it with runlock_site_result_free). Returns 0 for taken, held, released,
 * not-ours and absent; -1 with *cause for the rest: state FOREIGN (a lock
 * file of another account) and ERROR (the command said why) when the command
 * took no lock, NONE when its answer is missing, repeated, cut off or
 * unknown, and then nothing can be said of the lock: it may have been taken.
 * Never TAKEN unless the answer is exactly that.
 */
int runlock_site_parse(const char *out, size_t len, struct runlock_site_result *r, char **cause)
{
	static const struct {
		const char *text;
		enum runlock_site_state state;
		int owner; /* the text is a prefix, the lock's content follows */
	} answers[] = {
	    {"taken", RUNLOCK_SITE_TAKEN, 0},       {"held ", RUNLOCK_SITE_HELD, 1},
	    {"released", RUNLOCK_SITE_RELEASED, 0}, {"not-ours ", RUNLOCK_SITE_NOT_OURS, 1},
	    {"absent", RUNLOCK_SITE_ABSENT, 0},
	};
	const char *line;
	size_t n;
	memset(r, 0, sizeof *r);
	if (runlock_site_answer(out, len, &line, &n, cause) != 0)
		return -1;
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		size_t k = strlen(answers[i].text);
		if (n < k || memcmp(line, answers[i].text, k) != 0 || (!answers[i].owner && n != k))
			continue;
		r->state = answers[i].state;
		if (answers[i].owner)
			runlock_site_owner(r, line + k, n - k);
		return 0;
	}
	return runlock_site_refused(line, n, r, cause);
}

/* Frees what a parsed answer holds. */
void runlock_site_result_free(struct runlock_site_result *r)
{
	free(r->owner_json);
	r->owner_json = NULL;
}
