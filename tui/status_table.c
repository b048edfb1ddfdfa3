/*
 * The status table. The verdict and its reasons come first (split brain, if
 * any, is the first line), then one line per site. Unknown values print as
 * "?", never as 0; names are padded by display width, so Korean site names
 * line up. Everything printed passes the sanitizer (textout): an error
 * message from a site or a backup's name arrives from the network, and its
 * controls are printed as visible escapes, each value on its own line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "duration.h"
#include "i18n.h"
#include "status_table.h"
#include "textout.h"
#include "utf8.h"
#include "xmalloc.h"

/* Describes the SSH side: ok with its round trip, or unreachable. */
static void status_table_ssh(char *buf, size_t len, const struct site_status *s)
{
	if (s->generation == 0)
		snprintf(buf, len, "?");
	else if (!s->reachable)
		snprintf(buf, len, "%s", _("unreachable"));
	else if (s->health.rtt_ms.known)
		snprintf(buf, len, _("ok %lldms"), (long long)s->health.rtt_ms.v);
	else
		snprintf(buf, len, "%s", _("ok"));
}

/* Describes replication from this site's point of view. */
static void status_table_lag(char *buf, size_t len, const struct site_status *s)
{
	const struct snap_pg *pg = &s->pg;
	if (!pg->up) {
		snprintf(buf, len, "?");
	} else if (pg->role == PG_ROLE_PRIMARY) {
		if (pg->n_standbys == 0) {
			snprintf(buf, len, "%s", _("no standby connected"));
			return;
		}
		char b[32] = "?";
		if (pg->standbys[0].replay_lag_bytes.known)
			bytes_text(pg->standbys[0].replay_lag_bytes.v, b, sizeof b);
		snprintf(buf, len, _("%s, %s behind"), _(pg->standbys[0].state), b);
	} else {
		int64_t lag;
		char t[32] = "?";
		if (verdict_lag_ms(s, &lag) == 0) {
			char *d = duration_format(lag);
			snprintf(t, sizeof t, "%s", d);
			free(d);
		}
		snprintf(buf, len, _("%s, replay %s behind"),
			 pg->receiver_status[0] ? _(pg->receiver_status) : _("no receiver"), t);
	}
}

/* Describes the backups: count, newest age, expired and invalid files. */
static void status_table_backups(char *buf, size_t len, const struct site_status *s,
				 int64_t now)
{
	const struct snap_backups *b = &s->backups;
	int64_t age;
	if (!b->configured) {
		snprintf(buf, len, "%s", _("not configured"));
		return;
	}
	if (!b->ok) { /* not listed, or the last listing failed: the counts are unknown */
		snprintf(buf, len, "?");
		return;
	}
	char newest[64];
	snprintf(newest, sizeof newest, "%s", _("none"));
	if (verdict_backup_age_s(b, now, &age) == 0) {
		char *d = duration_format(age * 1000);
		snprintf(newest, sizeof newest, _("%s ago"), d);
		free(d);
	}
	snprintf(buf, len, _("%d, newest %s, %d expired, %d invalid%s"), b->count, newest,
		 b->expired, b->invalid, b->unverified ? _(", some unverified") : "");
}

/* Prints a value from a site (an error, a reason) on a line of its own after indent columns. */
static void status_table_note(FILE *fp, int indent, const char *text)
{
	char *line = textout_line(text);
	fprintf(fp, "%*s%s\n", indent, "", line);
	free(line);
}

#define STATUS_TABLE_COLS 7

/* Returns the role column's width: 9, or the widest role word and a space in this language. */
static int status_table_role_width(void)
{
	static const enum pg_role roles[] = {PG_ROLE_PRIMARY, PG_ROLE_STANDBY, PG_ROLE_DOWN,
	                                     PG_ROLE_UNKNOWN};
	int w = 9;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		int rw = utf8_width(_(verdict_role_name(roles[i]))) + 1;
		w = rw > w ? rw : w;
	}
	return w;
}

/* Prints a row of the table, each cell padded by display width (the first to namew + 2). */
static void status_table_row(FILE *fp, const char *const cells[STATUS_TABLE_COLS], int namew)
{
	const int width[STATUS_TABLE_COLS - 1] = {namew + 2, status_table_role_width(), 16, 10, 4, 32};
	for (int i = 0; i < STATUS_TABLE_COLS - 1; i++)
		textout_padded(fp, cells[i], width[i]);
	status_table_note(fp, 0, cells[STATUS_TABLE_COLS - 1]);
}

/* Prints one site's line, and its error on the next. */
static void status_table_site(FILE *fp, const struct site_status *s, int namew, int64_t now)
{
	char ssh[64], lag[96], bk[160], tl[16] = "?";
	status_table_ssh(ssh, sizeof ssh, s);
	status_table_lag(lag, sizeof lag, s);
	status_table_backups(bk, sizeof bk, s, now);
	if (s->pg.timeline.known)
		snprintf(tl, sizeof tl, "%lld", (long long)s->pg.timeline.v);
	const char *cells[STATUS_TABLE_COLS] = {
	    s->name, _(verdict_role_name(verdict_site_role(s))), ssh,
	    s->pg.up                     ? _("up")
	    : s->pg.role == PG_ROLE_DOWN ? _("down")
	                                 : "?",
	    tl, lag, bk};
	status_table_row(fp, cells, namew);
	if (!s->reachable && s->error[0])
		status_table_note(fp, namew + 2, s->error);
	else if (!s->pg.up && s->pg.error[0])
		status_table_note(fp, namew + 2, s->pg.error);
}

/* Prints the verdict, its reasons and the table. */
void status_table_print(FILE *fp, const struct conf *cf, const struct site_status *sites,
			size_t n, const struct verdict *v, int64_t now_wall_ms)
{
	int namew = utf8_width(_("SITE"));
	for (size_t i = 0; i < n; i++) {
		char *name = textout_line(sites[i].name);
		if (utf8_width(name) > namew)
			namew = utf8_width(name);
		free(name);
	}
	char *upper = xstrdup(verdict_name(v->level));
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(fp, "drconsole status: %s\n", upper); /* as monitoring plugins print it: never translated */
	free(upper);
	for (size_t i = 0; i < v->n; i++) {
		char *reason =
		    xasprintf("%-8s %s", verdict_name(v->reasons[i].level), verdict_shown(&v->reasons[i]));
		status_table_note(fp, 2, reason);
		free(reason);
	}
	if (v->dropped)
		fprintf(fp, _("  (%zu more)\n"), v->dropped);
	fputc('\n', fp);
	const char *heads[STATUS_TABLE_COLS] = {_("SITE"),     _("ROLE"),        _("SSH"),
	                                        _("POSTGRES"), _("TL"),          _("REPLICATION"),
	                                        _("BACKUPS")};
	status_table_row(fp, heads, namew);
	for (size_t i = 0; i < n; i++)
		status_table_site(fp, &sites[i], namew, now_wall_ms);
	(void)cf;
}
