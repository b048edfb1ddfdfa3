/*
 * The restore test's script and its answer. The script opens the file,
 * checks it is the one listed (size and mtime, when given), restores what
 * it opened (a file put in its place meanwhile is not what gets proven),
 * times createdb + pg_restore from /proc/uptime (the site's clock, in
 * hundredths; "-" where there is no /proc), counts each user table's rows
 * with count(*) (one query, under statement_timeout: reltuples is an
 * estimate, not proof), asks the canary query if one is configured, and
 * drops the scratch database. Everything the tools print goes to stderr;
 * stdout carries only the answer:
 *
 *   restore ok SIZE MTIME TABLES ROWS none|ok MS|-
 *   restore failed read|changed|createdb|pg_restore|count|canary [SIZE MTIME]
 *   restore left DATABASE          (optional second line: not dropped)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restoretest.h"
#include "shquote.h"
#include "xmalloc.h"

/* Counts every user table's rows, in one query: "TABLES ROWS". */
#define RESTORETEST_COUNT_SQL                                                                      \
	"select count(*) || ' ' || coalesce(sum((xpath('/row/c/text()', query_to_xml(format("        \
	"'select count(*) as c from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::"   \
	"bigint), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace where "           \
	"c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname " \
	"not like 'pg_toast%'"

/* The script's body; its parameters (F X Q K DB and the PG* variables) are set before it. */
static const char restoretest_body[] =
    "up() { u=; read u r </proc/uptime 2>/dev/null; case \"$u\" in *.[0-9][0-9]) "
    "echo $(( ${u%.*} * 100 + 1${u#*.} - 100 ));; *) echo -;; esac; }; "
    "if [ ! -f \"$F\" ] || ! command exec 3<\"$F\"; then echo 'restore failed read'; exit 1; fi 2>/dev/null; "
    "set -- $(find -H \"$F\" -maxdepth 0 -printf '%s %T@\\n' 2>/dev/null); S=${1:-}; "
    "M=${2:-}; M=${M%%.*}; "
    "case \"$S.$M\" in *[!0-9.]*|.*|*.) echo 'restore failed read'; exit 1;; esac; "
    "if [ -n \"$X\" ] && [ \"$X\" != \"$S $M\" ]; then echo \"restore failed changed $S $M\"; "
    "exit 1; fi; "
    "l=; t0=$(up); createdb \"$DB\" >&2 || { echo 'restore failed createdb'; exit 1; }; "
    "if pg_restore --no-owner --exit-on-error -d \"$DB\" <&3 >&2; then t1=$(up); "
    "if [ \"$t0\" = - ] || [ \"$t1\" = - ]; then ms=-; else ms=$(( (t1 - t0) * 10 )); fi; "
    "c=$(psql -XAtq -v ON_ERROR_STOP=1 -d \"$DB\" -c \"$Q\"); k=none; "
    "if [ -n \"$K\" ]; then o=$(psql -XAtq -v ON_ERROR_STOP=1 -d \"$DB\" -c \"$K\" "
    "-c '\\echo drconsole_canary_end'); case \"$o\" in drconsole_canary_end) k=empty;; "
    "*drconsole_canary_end) k=ok;; *) k=failed;; esac; fi; "
    "case \"$c\" in ''|*[!0-9\\ ]*) r='restore failed count';; *) "
    "if [ \"$k\" = ok ] || [ \"$k\" = none ]; then r=\"restore ok $S $M $c $k $ms\"; "
    "else r='restore failed canary'; fi;; esac; "
    "else r='restore failed pg_restore'; fi; "
    "dropdb \"$DB\" >&2 || l=\"restore left $DB\"; echo \"$r\"; "
    "if [ -n \"$l\" ]; then echo \"$l\"; fi";

/* Returns where the scratch database is made: "HOST:PORT" as the site reaches it (allocated). */
char *restoretest_target(const struct site *s)
{
	if (s->backups.restore_target != NULL)
		return xstrdup(s->backups.restore_target);
	return xasprintf("127.0.0.1:%ld", s->pg.port);
}

/* Returns a backup's path on the site: the backup folder and its name (allocated). */
char *restoretest_path(const struct site *s, const char *name)
{
	return xasprintf("%s/%s", s->backups.dir ? s->backups.dir : "", name ? name : "");
}

/* Returns the restore test's sh script for one file of the site's backup folder. */
char *restoretest_script(const struct site *s, const struct restoretest_file *f,
                         int64_t timeout_ms)
{
	char *target = restoretest_target(s), *colon = strrchr(target, ':');
	*colon = '\0';
	char *path = restoretest_path(s, f->name);
	char *expect = f->size >= 0 && f->mtime_s >= 0
	                   ? xasprintf("%lld %lld", (long long)f->size, (long long)f->mtime_s)
	                   : xstrdup("");
	char *opts = xasprintf("-c statement_timeout=%lld",
	                       (long long)(timeout_ms > 1000 ? timeout_ms : 1000));
	char *q[] = {shquote(target),
	             shquote(colon + 1),
	             shquote(s->pg.user ? s->pg.user : "postgres"),
	             shquote(opts),
	             shquote(path),
	             shquote(expect),
	             shquote(RESTORETEST_COUNT_SQL),
	             shquote(s->backups.canary ? s->backups.canary : "")};
	char *script = xasprintf("export PGHOST=%s PGPORT=%s PGUSER=%s PGCONNECT_TIMEOUT=10 "
	                         "PGOPTIONS=%s; DB=drconsole_restore_test_$$; F=%s; X=%s; Q=%s; "
	                         "K=%s; %s",
	                         q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], restoretest_body);
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		free(q[i]);
	free(target);
	free(path);
	free(expect);
	free(opts);
	return script;
}

/* Reads a count of decimal digits (at most 18, so it fits); -1 when it is not one. */
static int restoretest_number(const char *tok, int64_t *v)
{
	size_t n = strlen(tok);
	if (n == 0 || n > 18 || strspn(tok, "0123456789") != n)
		return -1;
	*v = strtoll(tok, NULL, 10);
	return 0;
}

/* Splits a line into at most max words at single spaces; returns the count, -1 when odd. */
static int restoretest_words(char *line, char **w, int max)
{
	int n = 0;
	for (char *p = line; n < max; n++) {
		w[n] = p;
		char *sp = strchr(p, ' ');
		if (sp == NULL)
			return *w[n] ? n + 1 : -1;
		*sp = '\0';
		if (sp == p)
			return -1; /* two spaces, or one at the start */
		p = sp + 1;
	}
	return -1;
}

/* Reads "restore ok ..." words into the answer; -1 when they are not its grammar. */
static int restoretest_ok(char **w, int n, struct restoretest_answer *a)
{
	if (n != 8 || restoretest_number(w[2], &a->size) || restoretest_number(w[3], &a->mtime_s) ||
	    restoretest_number(w[4], &a->tables) || restoretest_number(w[5], &a->rows))
		return -1;
	if (strcmp(w[6], "ok") == 0)
		a->canary = 1;
	else if (strcmp(w[6], "none") != 0)
		return -1;
	if (strcmp(w[7], "-") != 0 && restoretest_number(w[7], &a->duration_ms) == -1)
		return -1;
	a->ok = 1;
	return 0;
}

/* Reads "restore failed STEP [SIZE MTIME]"; -1 when it is not its grammar. */
static int restoretest_failed(char **w, int n, struct restoretest_answer *a)
{
	static const char *const steps[] = {"read",  "changed", "createdb", "pg_restore",
	                                    "count", "canary",  NULL};
	size_t i = 0;
	while (steps[i] != NULL && strcmp(steps[i], w[2]) != 0)
		i++;
	if (steps[i] == NULL || (n != 3 && n != 5))
		return -1;
	if (n == 5 && (restoretest_number(w[3], &a->size) || restoretest_number(w[4], &a->mtime_s)))
		return -1;
	snprintf(a->failed_at, sizeof a->failed_at, "%s", steps[i]);
	return 0;
}

/* Reads the optional "restore left DATABASE" line; -1 when it is something else. */
static int restoretest_left(char *line, struct restoretest_answer *a)
{
	const char *prefix = "restore left drconsole_restore_test_";
	const char *pid = line + strlen(prefix);
	if (strncmp(line, prefix, strlen(prefix)) != 0 || *pid == '\0' ||
	    strspn(pid, "0123456789") != strlen(pid) || strlen(line + 13) >= sizeof a->left)
		return -1;
	snprintf(a->left, sizeof a->left, "%s", line + 13);
	return 0;
}

/* Reads the answer's lines; -1 when they are not its grammar. */
static int restoretest_read(char *text, struct restoretest_answer *a)
{
	char *w[9], *second = NULL, *nl = strchr(text, '\n');
	if (nl == NULL)
		return -1; /* cut short: not a whole answer */
	*nl = '\0';
	if (nl[1] != '\0') {
		second = nl + 1;
		char *end = strchr(second, '\n');
		if (end == NULL || end[1] != '\0')
			return -1;
		*end = '\0';
	}
	int n = restoretest_words(text, w, 9);
	if (n < 3 || strcmp(w[0], "restore") != 0)
		return -1;
	int rc = strcmp(w[1], "ok") == 0       ? restoretest_ok(w, n, a)
	         : strcmp(w[1], "failed") == 0 ? restoretest_failed(w, n, a)
	                                       : -1;
	return rc == 0 && second != NULL ? restoretest_left(second, a) : rc;
}

/* Writes the sentence of a restore that came back whole. */
static void restoretest_say(const struct restoretest_answer *a, char *detail, size_t len)
{
	char took[48] = "";
	if (a->ok && a->duration_ms >= 0)
		snprintf(took, sizeof took, " in %.1f s", (double)a->duration_ms / 1000);
	if (a->ok)
		snprintf(detail, len,
		         "the backup restored into a scratch database%s: %lld table%s, %lld row%s "
		         "counted%s",
		         took, (long long)a->tables, a->tables == 1 ? "" : "s", (long long)a->rows,
		         a->rows == 1 ? "" : "s", a->canary ? ", the canary query returned a row" : "");
	else if (strcmp(a->failed_at, "changed") == 0)
		snprintf(detail, len,
		         "the restore test refused: the file changed since it was listed (now %lld "
		         "bytes, mtime %lld)",
		         (long long)a->size, (long long)a->mtime_s);
	else if (strcmp(a->failed_at, "canary") == 0)
		snprintf(detail, len, "the restore test failed: the canary query returned no row");
	else
		snprintf(detail, len, "the restore test failed at %s", a->failed_at);
	if (a->left[0] != '\0')
		snprintf(detail + strlen(detail), len - strlen(detail),
		         " (the scratch database %s was left behind)", a->left);
}

/* Sets an answer to "nothing known". */
static void restoretest_clear(struct restoretest_answer *a)
{
	memset(a, 0, sizeof *a);
	a->size = a->mtime_s = a->tables = a->rows = a->duration_ms = -1;
}

/*
 * Reads the restore test's answer (the script's whole stdout); returns 1 when
 * the backup is proven (restored, at least one table counted, the canary
 * answered), 0 otherwise, with a sentence. An answer out of its grammar is an
 * error: nothing of it is taken as a number.
 */
int restoretest_parse(const char *out, struct restoretest_answer *a, char *detail, size_t len)
{
	restoretest_clear(a);
	char *text = xstrdup(out ? out : "");
	int rc = restoretest_read(text, a);
	free(text);
	if (rc == -1) {
		restoretest_clear(a); /* nothing half read is kept */
		snprintf(a->failed_at, sizeof a->failed_at, "answer");
		snprintf(detail, len,
		         out == NULL || *out == '\0'
		             ? "the restore test gave no answer"
		             : "the restore test's answer cannot be read: nothing of it is taken");
		return 0;
	}
	if (a->ok && a->tables == 0) {
		a->ok = 0;
		snprintf(a->failed_at, sizeof a->failed_at, "empty");
		snprintf(detail, len,
		         "the backup restored, but holds no user table: nothing is proven");
		return 0;
	}
	restoretest_say(a, detail, len);
	return a->ok;
}
