/*
 * The rebuild script. It answers one line: "rebuild ok METHOD HOST PORT"
 * once the site is in recovery and its WAL receiver streams from the
 * source's HOST:PORT, or "rebuild failed STEP: why". Its "rebuild note:"
 * lines explain the choices (the prerequisites of pg_rewind as found in
 * pg_controldata, where the old data folder was kept) for the journal.
 * The site's own configuration files (*.conf at the top of the data folder)
 * are kept across pg_rewind and pg_basebackup, which copy the source's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgsite.h"
#include "rebuild.h"
#include "shquote.h"
#include "xmalloc.h"

/* Returns a conninfo as the text of a postgresql.conf value (quotes doubled). */
static char *rebuild_conf_value(const char *conninfo)
{
	char *out = xmalloc(2 * strlen(conninfo) + 1), *p = out;
	for (const char *c = conninfo; *c; c++) {
		if (*c == '\'')
			*p++ = '\'';
		*p++ = *c;
	}
	*p = '\0';
	return out;
}

/* Returns the script that rebuilds self as a standby streaming from source. */
char *rebuild_script(const struct site *self, const struct site *source, enum rebuild_mode mode,
                     int wait_s)
{
	char *pre = pgsite_prelude(self, "rebuild");
	char *conn = pgsite_conninfo(source, self->name), *conf = rebuild_conf_value(conn);
	char *src = shquote(conn), *line = xasprintf("primary_conninfo = '%s'", conf);
	char *qline = shquote(line);
	char *sh = shquote(source->pg.replication_host ? source->pg.replication_host
	                   : source->ssh.host          ? source->ssh.host
	                                               : "localhost");
	char *s = xasprintf(
	    "%sSRC=%s; LINE=%s; SH=%s; SP=%ld; MODE=%s; W=%d\n"
	    "if pg_running; then\n"
	    "  [ \"$MODE\" = keep ] && fail running \"PostgreSQL runs on $D: stop it before it rejoins as a standby\"\n"
	    "  note 'PostgreSQL runs: stopped first (fast shutdown)'; pg_stop >/dev/null 2>&1\n"
	    "  pg_running && fail stop 'PostgreSQL did not stop'\n"
	    "fi\n"
	    "state=$(pg_control 'Database cluster state'); hints=$(pg_control 'wal_log_hints setting'); "
	    "sums=$(pg_control 'Data page checksum version')\n"
	    "[ -n \"$state\" ] || fail controldata \"pg_controldata cannot read $D\"\n"
	    "note \"prerequisites of pg_rewind: wal_log_hints = $hints, data checksums version $sums, "
	    "cluster state '$state'\"\n"
	    "M=basebackup\n"
	    "if [ \"$MODE\" = keep ]; then M=kept; note 'no rewind is needed: the source has all the "
	    "WAL of this site (a clean shutdown it received); the data folder is kept'\n"
	    "elif [ \"$hints\" != on ] && [ \"${sums:-0}\" = 0 ]; then note 'pg_rewind cannot run: it needs "
	    "wal_log_hints = on or data checksums, and this cluster has neither: pg_basebackup copies "
	    "the whole cluster instead'\n"
	    "elif [ \"$state\" != 'shut down' ] && [ \"$state\" != 'shut down in recovery' ]; then "
	    "note \"pg_rewind needs a clean shutdown and the cluster state is '$state': pg_basebackup "
	    "instead\"\n"
	    "else M=rewind; fi\n"
	    "KEEP=$(as_owner mktemp -d) || fail setup 'cannot make a temporary folder'\n"
	    "for f in \"$D\"/*.conf; do [ -f \"$f\" ] && as_owner cp -p \"$f\" \"$KEEP/\"; done\n"
	    "if [ $M = rewind ]; then note 'pg_rewind from the source'; "
	    "if ! as_owner \"$B/pg_rewind\" -D \"$D\" --source-server=\"$SRC\" 2>&1; then "
	    "note 'pg_rewind failed: pg_basebackup instead'; M=basebackup; fi; fi\n"
	    "if [ $M = basebackup ]; then\n"
	    "  OLD=\"$D.before-rebuild.$(date +%%Y%%m%%d%%H%%M%%S)\"\n"
	    "  as_owner mv \"$D\" \"$OLD\" 2>/dev/null || mv \"$D\" \"$OLD\" || fail move \"cannot move $D aside\"\n"
	    "  back() { as_owner rm -rf \"$D\" 2>/dev/null || rm -rf \"$D\"; mv \"$OLD\" \"$D\"; }\n"
	    "  trap 'back; echo \"rebuild failed killed: stopped during pg_basebackup; the old data "
	    "folder is back\"; exit 1' TERM INT\n"
	    "  note \"the old data folder is kept at $OLD until you remove it\"\n"
	    "  as_owner mkdir -m 0700 \"$D\" 2>/dev/null || { mkdir -m 0700 \"$D\" && chown \"$O\" \"$D\"; } || "
	    "{ mv \"$OLD\" \"$D\"; fail mkdir \"cannot make a new $D\"; }\n"
	    "  note 'pg_basebackup from the source'\n"
	    "  as_owner \"$B/pg_basebackup\" -D \"$D\" -d \"$SRC\" -X stream -c fast 2>&1 || "
	    "{ back; fail basebackup 'pg_basebackup failed; the old data folder is back in place'; }\n"
	    "  trap - TERM INT\n"
	    "fi\n"
	    "for f in \"$KEEP\"/*.conf; do [ -f \"$f\" ] && as_owner cp -p \"$f\" \"$D/\"; done; as_owner rm -rf \"$KEEP\"\n"
	    "as_owner rm -f \"$D/recovery.signal\"; as_owner touch \"$D/standby.signal\" || fail signal "
	    "'cannot write standby.signal'\n"
	    "as_owner sed -i '/^[[:space:]]*primary_conninfo[[:space:]]*=/d' \"$D/postgresql.auto.conf\" "
	    "2>/dev/null\n"
	    "printf '%%s\\n' \"$LINE\" | as_owner tee -a \"$D/postgresql.auto.conf\" >/dev/null || "
	    "fail conninfo 'cannot write primary_conninfo'\n"
	    "pg_start >/dev/null 2>&1 || fail start 'PostgreSQL did not start as a standby (see its log)'\n"
	    "i=0; r=; while [ $i -lt $W ]; do r=$(pg_sql \"select pg_is_in_recovery()::text || ' ' || "
	    "coalesce((select status || ' ' || coalesce(sender_host, '?') || ' ' || "
	    "coalesce(sender_port::text, '?') from pg_stat_wal_receiver), 'none')\"); "
	    "case \"$r\" in \"true streaming \"*) break ;; esac; sleep 1; i=$((i+1)); done\n"
	    "case \"$r\" in \"true streaming $SH $SP\") echo \"rebuild ok $M $SH $SP\" ;;\n"
	    "  \"true streaming \"*) fail source \"it streams from ${r#true streaming }, not from $SH $SP\" ;;\n"
	    "  *) fail stream \"not streaming within $W s (in recovery, receiver: ${r:-no answer})\" ;; esac\n",
	    pre, src, qline, sh, source->pg.port, mode == REBUILD_KEEP ? "keep" : "auto",
	    wait_s > 0 ? wait_s : 1);
	free(pre);
	free(conn);
	free(conf);
	free(src);
	free(line);
	free(qline);
	free(sh);
	return s;
}

/* Names a method as the answer line and the journal write it. */
const char *rebuild_method_name(enum rebuild_method m)
{
	static const char *const names[] = {"none", "pg_rewind", "pg_basebackup", "kept"};
	return names[m];
}

/* Finds the last line of out that starts with prefix, or NULL. */
static const char *rebuild_last_line(const char *out, const char *prefix)
{
	const char *found = NULL;
	size_t n = strlen(prefix);
	for (const char *p = out; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, n) == 0)
			found = p;
	return found;
}

/*
 * Reads the rebuild's answer: 1 when the site streams from the source
 * (method set), 0 otherwise; detail says what was done or why it failed.
 */
int rebuild_parse(const char *out, enum rebuild_method *method, char *detail, size_t len)
{
	const char *ok = out ? rebuild_last_line(out, "rebuild ok ") : NULL;
	const char *bad = out ? rebuild_last_line(out, "rebuild failed ") : NULL;
	char how[16], host[128];
	long port;
	*method = REBUILD_NONE;
	if (ok != NULL && bad == NULL && sscanf(ok, "rebuild ok %15s %127s %ld", how, host, &port) == 3) {
		*method = strcmp(how, "rewind") == 0       ? REBUILD_REWIND
		          : strcmp(how, "basebackup") == 0 ? REBUILD_BASEBACKUP
		          : strcmp(how, "kept") == 0       ? REBUILD_KEPT
		                                           : REBUILD_NONE;
		if (*method != REBUILD_NONE) {
			snprintf(detail, len, "%s: a standby in recovery, streaming from %s:%ld",
			         *method == REBUILD_KEPT ? "data folder kept (no rewind needed)"
			                                 : *method == REBUILD_REWIND
			                                       ? "rebuilt by pg_rewind"
			                                       : "rebuilt by pg_basebackup",
			         host, port);
			return 1;
		}
	}
	if (bad != NULL)
		snprintf(detail, len, "the rebuild failed at %.*s", (int)strcspn(bad + 15, "\n"),
		         bad + 15);
	else
		snprintf(detail, len, "the rebuild gave no answer");
	return 0;
}
