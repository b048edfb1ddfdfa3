/*
 * The step supervisor's scripts and the reading of their answers.
 *
 * The command sent to sshd is one line,
 *
 *   exec /bin/sh -c 'SCRIPT' drsup RUN ID NONCE SECONDS GRACE COMMAND KEEP
 *
 * so the account's login shell (sh, bash, csh, fish) only has to run
 * /bin/sh with quoted words: SCRIPT holds no newline, no '!' and no
 * backslash pair, and the step's own command travels as a printf %b string
 * with its newlines, backslashes and '!' as escapes.
 *
 * On the site the script works in ${XDG_STATE_HOME:-$HOME/.local/state}/
 * drconsole/steps/RUN/: the step's shell writes "PGID DEADLINE" to ID.pid,
 * (and the supervisor's pid), runs the command with stdin from /dev/null and its output in ID.out
 * and ID.err (so a dropped connection cannot kill it through a broken pipe), and its exit status to
 * ID.rc. The supervisor, which ignores SIGHUP and SIGPIPE, watches for ID.rc and the deadline; at
 * the deadline it sends TERM to the group, KILL after GRACE seconds, and looks for any process of
 * the group that is not a zombie (ps; kill -0 when ps cannot tell). It writes how it ended to
 * ID.end, then sends back
 *
 *   drsup NONCE pid PGID
 *   <the tail of the step's stdout>
 *   drsup NONCE end exit 3|timeout stopped|timeout alive PGID|gone out N err N
 *
 * and the tail of its stderr on stderr. The status script reads the same
 * folder later: "was <end>", "running PGID" or "absent"; it also stops a
 * group whose deadline passed when its supervisor is gone (or late).
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nonce.h"
#include "shquote.h"
#include "supervise.h"
#include "xmalloc.h"

/* Where a run's step files live on the site, and the common helpers (sh, one line). */
#define SUPERVISE_PRELUDE                                                                          \
	"M=\"drsup $3\"; B=${XDG_STATE_HOME:-$HOME/.local/state}/drconsole/steps; D=$B/$1; "       \
	"F=$D/$2; "                                                                                \
	"nap() { sleep 0.2 2>/dev/null || sleep 1; }; "                                            \
	"up() { kill -0 -$pg 2>/dev/null || return 1; "                                            \
	"l=$(ps -A -o pgid= -o stat= 2>/dev/null) || return 0; "                                   \
	"printf '%s\\n' \"$l\" | awk -v g=\"$pg\" '$2 ~ /^Z/ {next} $1 == g {f = 1} "              \
	"END {exit 1 - f}'; }; "                                                                   \
	"stop() { kill -TERM -$pg 2>/dev/null; i=0; "                                              \
	"while up && [ $i -lt $(($1 * 5)) ]; do nap; i=$((i + 1)); done; "                         \
	"if up; then kill -KILL -$pg 2>/dev/null; i=0; "                                           \
	"while up && [ $i -lt 10 ]; do nap; i=$((i + 1)); done; fi; "                              \
	"if up; then e=\"timeout alive $pg\"; else e='timeout stopped'; fi; }; "

/* The supervisor: $1 run, $2 id, $3 nonce, $4 seconds, $5 grace, $6 command (%b), $7 keep. */
static const char supervise_run_script[] = SUPERVISE_PRELUDE
    "umask 077; mkdir -p \"$D\" 2>/dev/null; "
    "[ -d \"$D\" ] && [ -w \"$D\" ] || { echo \"$M refused the folder $D cannot be made\"; "
    "exit 125; }; "
    "if [ -L \"$D\" ]; then echo \"$M refused $D is a symbolic link\"; exit 125; fi; "
    "command -v setsid >/dev/null 2>&1 || { echo \"$M refused setsid is not installed on the "
    "site\"; exit 125; }; "
    "if [ -e \"$F.pid\" ]; then echo \"$M refused step $2 of run $1 was started before\"; "
    "exit 125; fi; "
    "find \"$B\" -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec rm -rf {} + 2>/dev/null; "
    "C=$(printf '%b_' \"$6\"); C=${C%_}; "
    "{ : >\"$F.out\" && : >\"$F.err\"; } 2>/dev/null || { echo \"$M refused the output "
    "files in $D cannot be written\"; exit 125; }; "
    "dl=$(($(date +%s) + $4)); "
    "setsid /bin/sh -c 'echo \"$$ $3 $PPID\" >\"$1.pid\" || exit 125; "
    "[ -e \"$1.off\" ] && exit 125; /bin/sh -c \"$2\" </dev/null "
    ">>\"$1.out\" 2>>\"$1.err\"; echo $? >\"$1.rc\"' drstep \"$F\" \"$C\" \"$dl\" & "
    "trap '' HUP PIPE; i=0; "
    "until [ -s \"$F.pid\" ] || [ $i -ge 500 ]; do "
    "sleep 0.02 2>/dev/null || sleep 1; i=$((i + 1)); done; "
    "[ -s \"$F.pid\" ] || : >\"$F.off\"; "
    "pg=; [ -s \"$F.pid\" ] && read -r pg dx <\"$F.pid\"; "
    "[ -n \"$pg\" ] || exit 124; " /* no end line: it may start yet, the status query tells */
    "c=$pg; "
    "echo \"$M pid $pg\"; "
    "dead() { kill -0 \"$c\" 2>/dev/null || return 0; [ -r /proc/$c/stat ] || return 1; "
    "read -r s </proc/$c/stat; s=${s##*) }; [ \"${s%% *}\" = Z ]; }; "
    "n=0; e=; "
    "for q in 0.02 0.05 0.1; do [ -e \"$F.rc\" ] && break; sleep $q 2>/dev/null || break; done; "
    "until [ -e \"$F.rc\" ]; do nap; n=$((n + 1)); "
    "if [ $((n % 5)) -eq 0 ]; then "
    "if dead; then [ -e \"$F.rc\" ] && break; up || { e=gone; break; }; fi; "
    "if [ $n -ge $(($4 * 5)) ] || [ \"$(date +%s)\" -gt \"$dl\" ]; then e=timeout; break; fi; "
    "fi; done; "
    "if [ \"$e\" = timeout ]; then stop \"$5\"; "
    "elif [ -z \"$e\" ]; then r=; read -r r <\"$F.rc\"; e=\"exit ${r:-?}\"; fi; "
    "wait \"$c\" 2>/dev/null; "
    "echo \"$e\" >\"$F.end.new\" && mv -f \"$F.end.new\" \"$F.end\"; "
    "ob=$(wc -c <\"$F.out\" 2>/dev/null); eb=$(wc -c <\"$F.err\" 2>/dev/null); "
    "tail -c \"$7\" \"$F.out\" 2>/dev/null; "
    "echo \"$M err\" >&2; tail -c \"$7\" \"$F.err\" >&2 2>/dev/null; "
    "printf '\\n%s end %s out %s err %s\\n' \"$M\" \"$e\" \"${ob:-?}\" \"${eb:-?}\"; "
    "rm -f \"$F.out\" \"$F.err\"; "
    "case $e in 'exit '[0-9]*) exit \"${e#exit }\" ;; esac; exit 124";

/* The status query: $1 run, $2 id, $3 nonce, $4 grace. */
static const char supervise_status_script[] = SUPERVISE_PRELUDE
    "if [ -s \"$F.end\" ]; then read -r e <\"$F.end\"; echo \"$M was $e\"; exit 0; fi; "
    "if [ -s \"$F.pid\" ]; then :; else echo \"$M absent\"; exit 0; fi; "
    "read -r pg dl sp <\"$F.pid\"; "
    "if up; then :; else "
    "if [ -s \"$F.rc\" ]; then read -r r <\"$F.rc\"; e=\"exit $r\"; else e=gone; fi; "
    "echo \"$M was $e\"; exit 0; fi; "
    "now=$(date +%s); "
    "if [ \"$now\" -gt \"$dl\" ]; then "
    "if [ -n \"$sp\" ] && kill -0 \"$sp\" 2>/dev/null && [ \"$now\" -le $((dl + $4 + 10)) ]; "
    "then :; else stop \"$4\"; "
    "echo \"$e\" >\"$F.end.new\" && mv -f \"$F.end.new\" \"$F.end\"; echo \"$M was $e\"; "
    "exit 0; fi; fi; "
    "echo \"$M running $pg\"";

/* Fills hex (size-1 digits, at most SUPERVISE_NONCE_LEN) with random hex digits. */
void supervise_nonce(char *hex, size_t size)
{
	nonce_hex(hex, size);
}

/* Encodes a command as a printf %b argument free of newlines, backslash pairs and '!'. */
static char *supervise_encode(const char *cmd)
{
	size_t len = strlen(cmd);
	char *out = xmalloc(len * 5 + 1), *p = out;
	for (const char *s = cmd; *s != '\0'; s++) {
		if (*s == '\\' || *s == '\n' || *s == '!' || *s == '\r')
			p += sprintf(p, "\\0%03o", (unsigned char)*s);
		else
			*p++ = *s;
	}
	*p = '\0';
	return out;
}

/* Returns "exec /bin/sh -c SCRIPT drsup ARGS...", every word quoted (newly allocated). */
static char *supervise_line(const char *script, const char *const *args, size_t n)
{
	char *q = shquote(script);
	char *line = xasprintf("exec /bin/sh -c %s drsup", q);
	free(q);
	for (size_t i = 0; i < n; i++) {
		char *w = shquote(args[i]);
		char *next = xasprintf("%s %s", line, w);
		free(w);
		free(line);
		line = next;
	}
	return line;
}

/* Returns the run id as a file name on the site: anything but [A-Za-z0-9._-] becomes '_'. */
static char *supervise_run_name(const char *run)
{
	char *s = xstrdup(run != NULL && *run != '\0' ? run : "run");
	for (char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
	if (s[0] == '.')
		s[0] = '_';
	return s;
}

/*
 * Returns the command that runs a step's command on its site under the
 * supervisor, with the step's deadline (whole seconds, rounded up).
 */
char *supervise_command(const char *run, unsigned id, const char *nonce, int64_t timeout_ms,
                        const char *command)
{
	char ids[24], secs[24], grace[24], keep[24];
	char *name = supervise_run_name(run), *enc = supervise_encode(command ? command : "true");
	snprintf(ids, sizeof ids, "%u", id);
	snprintf(secs, sizeof secs, "%lld",
	         (long long)(timeout_ms > 0 ? (timeout_ms + 999) / 1000 : 1));
	snprintf(grace, sizeof grace, "%d", SUPERVISE_GRACE_S);
	snprintf(keep, sizeof keep, "%d", SUPERVISE_KEEP);
	const char *args[] = {name, ids, nonce, secs, grace, enc, keep};
	char *line = supervise_line(supervise_run_script, args, sizeof args / sizeof args[0]);
	free(name);
	free(enc);
	return line;
}

/* Returns the command that asks the site how a supervised step stands. */
char *supervise_status_command(const char *run, unsigned id, const char *nonce)
{
	char ids[24], grace[24];
	char *name = supervise_run_name(run);
	snprintf(ids, sizeof ids, "%u", id);
	snprintf(grace, sizeof grace, "%d", SUPERVISE_GRACE_S);
	const char *args[] = {name, ids, nonce, grace};
	char *line = supervise_line(supervise_status_script, args, sizeof args / sizeof args[0]);
	free(name);
	return line;
}

/* Reads an end ("exit 3", "timeout stopped", "timeout alive 123", "gone") into r. */
static void supervise_end_read(const char *s, struct supervise_result *r)
{
	long pid;
	int status;
	if (sscanf(s, "exit %d", &status) == 1) {
		r->end = SUPERVISE_EXITED;
		r->status = status;
	} else if (strncmp(s, "timeout stopped", 15) == 0) {
		r->end = SUPERVISE_STOPPED;
	} else if (sscanf(s, "timeout alive %ld", &pid) == 1) {
		r->end = SUPERVISE_ALIVE;
		r->pid = pid;
	} else if (strncmp(s, "gone", 4) == 0) {
		r->end = SUPERVISE_GONE;
	}
}

/* Returns the start of the first (or last) line of out[0, len) that begins with mark, or NULL. */
static const char *supervise_find(const char *out, size_t len, const char *mark, int last)
{
	size_t m = strlen(mark);
	const char *found = NULL;
	for (size_t i = 0; i + m <= len; i++)
		if ((i == 0 || out[i - 1] == '\n') && memcmp(out + i, mark, m) == 0) {
			found = out + i;
			if (!last)
				break;
		}
	return found;
}

/*
 * Reads the supervisor's lines in a command's stdout (those tagged with
 * nonce, so no output of the step can pass for them).
 */
void supervise_parse(const char *out, size_t len, const char *nonce, struct supervise_result *r)
{
	char mark[64], what[128];
	memset(r, 0, sizeof *r);
	r->out_bytes = r->err_bytes = -1;
	snprintf(mark, sizeof mark, "drsup %s pid ", nonce);
	const char *pid = supervise_find(out, len, mark, 0), *line;
	size_t m = strlen(mark);
	if (pid != NULL) { /* the pid line comes first; the step's output follows it */
		r->pid = strtol(pid + m, NULL, 10);
		const char *nl = memchr(pid, '\n', len - (size_t)(pid - out));
		r->out_start = r->out_end = nl ? (size_t)(nl + 1 - out) : len;
	}
	snprintf(mark, sizeof mark, "drsup %s ", nonce);
	m = strlen(mark);
	if ((line = supervise_find(out, len, mark, 1)) == NULL)
		return;
	size_t rest = len - (size_t)(line - out) - m, n = strcspn(line + m, "\n");
	snprintf(what, sizeof what, "%.*s", (int)(n < rest ? n : rest), line + m);
	if (strncmp(what, "end ", 4) == 0) {
		supervise_end_read(what + 4, r);
		const char *o = strstr(what, " out "), *e = strstr(what, " err ");
		if (o != NULL)
			r->out_bytes = strtoll(o + 5, NULL, 10);
		if (e != NULL)
			r->err_bytes = strtoll(e + 5, NULL, 10);
		/* the supervisor put a newline of its own before its end line */
		size_t end = (size_t)(line - out);
		if (end > r->out_start)
			r->out_end = end - 1;
	} else if (strncmp(what, "was ", 4) == 0) {
		supervise_end_read(what + 4, r);
	} else if (sscanf(what, "running %ld", &r->pid) == 1) {
		r->end = SUPERVISE_RUNNING;
	} else if (strcmp(what, "absent") == 0) {
		r->end = SUPERVISE_ABSENT;
	} else if (strncmp(what, "refused ", 8) == 0) {
		r->end = SUPERVISE_REFUSED;
		snprintf(r->error, sizeof r->error, "%s", what + 8);
	}
}

/* Returns an end's name, as the journal says it. */
const char *supervise_end_name(enum supervise_end e)
{
	static const char *const names[] = {"none", "exited",  "stopped", "alive",
	                                    "gone", "running", "absent",  "refused"};
	return (size_t)e < sizeof names / sizeof names[0] ? names[e] : "?";
}
