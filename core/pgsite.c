/*
 * The shell prelude of drconsole's PostgreSQL scripts. It defines fail
 * (the one answer line "WORD failed STEP: why", then exit 1), note (a line
 * for the journal), as_owner (a command as the data folder's owner), and
 * pg_running, pg_start, pg_stop, pg_control FIELD and pg_sql QUERY. Every
 * configured value enters it shell-quoted; the data folder the probe learnt
 * comes in as $DRC_LEARNT, set by the site's agent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pgsite.h"
#include "shquote.h"
#include "xmalloc.h"

/* Returns the prelude for a script whose answer line starts with answer. */
char *pgsite_prelude(const struct site *s, const char *answer)
{
	char *d = shquote(s->pg.data_dir ? s->pg.data_dir : "");
	char *b = shquote(s->pg.bindir ? s->pg.bindir : "");
	char *start = shquote(s->pg.start ? s->pg.start : "");
	char *stop = shquote(s->pg.stop ? s->pg.stop : "");
	char *u = shquote(s->pg.user ? s->pg.user : "postgres");
	char *a = shquote(answer);
	char *out = xasprintf(
	    "A=%s; fail() { echo \"$A failed $1: $2\"; exit 1; }; note() { echo \"$A note: $*\"; }\n"
	    "cd / || fail setup 'cannot enter /'\n"
	    "D=%s; [ -n \"$D\" ] || D=${DRC_LEARNT:-}\n"
	    "[ -n \"$D\" ] || fail datadir 'the data folder is not known: set postgres.data_dir "
	    "for this site (the probe learns it only while PostgreSQL answers)'\n"
	    "[ -f \"$D/PG_VERSION\" ] || fail datadir \"$D is not a PostgreSQL data folder\"\n"
	    "if [ -L \"$D\" ]; then R=$(cd \"$D\" && pwd -P) || fail datadir \"cannot resolve the "
	    "symbolic link $D\"; note \"$D is a symbolic link: the folder acted on is $R\"; D=$R; fi\n"
	    "O=$(stat -c %%U \"$D\") || fail owner \"cannot tell who owns $D\"\n"
	    "ME=$(id -un)\n"
	    "if [ \"$O\" = \"$ME\" ]; then AS=; elif [ \"$(id -u)\" = 0 ]; then AS=\"runuser -u $O --\"; "
	    "elif sudo -n -u \"$O\" true 2>/dev/null; then AS=\"sudo -n -u $O --\"; "
	    "else fail owner \"$D belongs to $O, and $ME is neither root nor allowed sudo -n -u $O: "
	    "connect as $O, or give $ME that right\"; fi\n"
	    "as_owner() { $AS \"$@\"; }\n"
	    "V=$(cat \"$D/PG_VERSION\"); C=$(basename \"$D\"); B=%s\n"
	    "if [ -z \"$B\" ]; then if [ -x \"/usr/lib/postgresql/$V/bin/pg_ctl\" ]; then "
	    "B=/usr/lib/postgresql/$V/bin; else B=$(dirname \"$(command -v pg_ctl || echo /none/pg_ctl)\"); "
	    "fi; fi\n"
	    "[ -x \"$B/pg_ctl\" ] || fail bindir \"no pg_ctl in $B: set postgres.bindir\"\n"
	    "PATH=\"$B:$PATH\"; PGDATA=$D; export PATH PGDATA\n"
	    "START=%s; STOP=%s; U=%s\n"
	    "debian() { [ -f \"/etc/postgresql/$V/$C/postgresql.conf\" ] && command -v pg_ctlcluster >/dev/null; }\n"
	    "pg_running() { as_owner \"$B/pg_ctl\" -D \"$D\" status >/dev/null 2>&1; }\n"
	    "pg_start() { if [ -n \"$START\" ]; then as_owner env PATH=\"$PATH\" PGDATA=\"$D\" sh -c \"$START\"; "
	    "elif debian; then as_owner pg_ctlcluster \"$V\" \"$C\" start; "
	    "else as_owner \"$B/pg_ctl\" -D \"$D\" -w -t 60 -l \"$D/drconsole-start.log\" start; fi; }\n"
	    "pg_stop() { if [ -n \"$STOP\" ]; then as_owner env PATH=\"$PATH\" PGDATA=\"$D\" sh -c \"$STOP\"; "
	    "elif debian; then as_owner pg_ctlcluster \"$V\" \"$C\" stop -m fast; "
	    "else as_owner \"$B/pg_ctl\" -D \"$D\" -w -t 60 -m fast stop; fi; }\n"
	    "pg_control() { as_owner \"$B/pg_controldata\" \"$D\" | sed -n \"s/^$1: *//p\"; }\n"
	    "pg_sql() { S=$(sed -n 5p \"$D/postmaster.pid\"); P=$(sed -n 4p \"$D/postmaster.pid\"); "
	    "[ -n \"$S\" ] || S=127.0.0.1; "
	    "as_owner \"$B/psql\" -XAt -h \"$S\" -p \"$P\" -U \"$U\" -d 'dbname=postgres connect_timeout=5' "
	    "-c \"$1\" 2>/dev/null || "
	    "as_owner \"$B/psql\" -XAt -h \"$S\" -p \"$P\" -d 'dbname=postgres connect_timeout=5' -c \"$1\"; }\n",
	    a, d, b, start, stop, u);
	free(d);
	free(b);
	free(start);
	free(stop);
	free(u);
	free(a);
	return out;
}

/* Appends one keyword='value' to a conninfo, the value quoted as libpq reads it. */
static void pgsite_conn_add(char **conn, const char *key, const char *value)
{
	size_t n = strlen(*conn);
	char *buf = xmalloc(n + strlen(key) + 2 * strlen(value) + 6);
	char *p = buf + (size_t)sprintf(buf, "%s%s%s='", *conn, n ? " " : "", key);
	for (const char *v = value; *v; v++) {
		if (*v == '\'' || *v == '\\')
			*p++ = '\\';
		*p++ = *v;
	}
	strcpy(p, "'");
	free(*conn);
	*conn = buf;
}

/*
 * Returns the conninfo by which another site streams from s: its
 * replication host (else its SSH host), port and user (else its postgres
 * user), naming the standby application_name.
 */
char *pgsite_conninfo(const struct site *s, const char *application_name)
{
	char port[16], *conn = xstrdup("");
	snprintf(port, sizeof port, "%ld", s->pg.port);
	pgsite_conn_add(&conn, "host",
	                s->pg.replication_host ? s->pg.replication_host
	                : s->ssh.host          ? s->ssh.host
	                                       : "localhost");
	pgsite_conn_add(&conn, "port", port);
	pgsite_conn_add(&conn, "user",
	                s->pg.replication_user ? s->pg.replication_user
	                : s->pg.user           ? s->pg.user
	                                       : "postgres");
	pgsite_conn_add(&conn, "application_name", application_name);
	return conn;
}
