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
		snprintf(buf, len, "unreachable");
	else if (s->health.rtt_ms.known)
		snprintf(buf, len, "ok %lldms", (long long)s->health.rtt_ms.v);
	else
		snprintf(buf, len, "ok");
}

/* Describes replication from this site's point of view. */
static void status_table_lag(char *buf, size_t len, const struct site_status *s)
{
	const struct snap_pg *pg = &s->pg;
	if (!pg->up) {
		snprintf(buf, len, "?");
	} else if (pg->role == PG_ROLE_PRIMARY) {
		if (pg->n_standbys == 0) {
			snprintf(buf, len, "no standby connected");
			return;
		}
		char b[32] = "?";
		if (pg->standbys[0].replay_lag_bytes.known)
			bytes_text(pg->standbys[0].replay_lag_bytes.v, b, sizeof b);
		snprintf(buf, len, "%s, %s behind", pg->standbys[0].state, b);
	} else {
		int64_t lag;
		char t[32] = "?";
		if (verdict_lag_ms(s, &lag) == 0) {
			char *d = duration_format(lag);
			snprintf(t, sizeof t, "%s", d);
			free(d);
		}
		snprintf(buf, len, "%s, replay %s behind",
			 pg->receiver_status[0] ? pg->receiver_status : "no receiver", t);
	}
}

/* Describes the backups: count, newest age, expired and invalid files. */
static void status_table_backups(char *buf, size_t len, const struct site_status *s,
				 int64_t now)
{
	const struct snap_backups *b = &s->backups;
	int64_t age;
	if (!b->configured) {
		snprintf(buf, len, "not configured");
		return;
	}
	if (!b->ok) { /* not listed, or the last listing failed: the counts are unknown */
		snprintf(buf, len, "?");
		return;
	}
	char newest[32] = "none";
	if (verdict_backup_age_s(b, now, &age) == 0) {
		char *d = duration_format(age * 1000);
		snprintf(newest, sizeof newest, "%s ago", d);
		free(d);
	}
	snprintf(buf, len, "%d, newest %s, %d expired, %d invalid%s", b->count, newest, b->expired,
		 b->invalid, b->unverified ? ", some unverified" : "");
}

/* Prints a value from a site (an error, a reason) on a line of its own after indent columns. */
static void status_table_note(FILE *fp, int indent, const char *text)
{
	char *line = textout_line(text);
	fprintf(fp, "%*s%s\n", indent, "", line);
	free(line);
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
	textout_padded(fp, s->name, namew + 2);
	char *line =
	    xasprintf("%-9s%-16s%-10s%-4s%-32s%s", verdict_role_name(verdict_site_role(s)), ssh,
	              s->pg.up                     ? "up"
	              : s->pg.role == PG_ROLE_DOWN ? "down"
	                                           : "?",
	              tl, lag, bk);
	status_table_note(fp, 0, line);
	free(line);
	if (!s->reachable && s->error[0])
		status_table_note(fp, namew + 2, s->error);
	else if (!s->pg.up && s->pg.error[0])
		status_table_note(fp, namew + 2, s->pg.error);
}

/* Prints the verdict, its reasons and the table. */
void status_table_print(FILE *fp, const struct conf *cf, const struct site_status *sites,
			size_t n, const struct verdict *v, int64_t now_wall_ms)
{
	int namew = 4;
	for (size_t i = 0; i < n; i++) {
		char *name = textout_line(sites[i].name);
		if (utf8_width(name) > namew)
			namew = utf8_width(name);
		free(name);
	}
	char *upper = xstrdup(verdict_name(v->level));
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(fp, "drconsole status: %s\n", upper);
	free(upper);
	for (size_t i = 0; i < v->n; i++) {
		char *reason =
		    xasprintf("%-8s %s", verdict_name(v->reasons[i].level), v->reasons[i].text);
		status_table_note(fp, 2, reason);
		free(reason);
	}
	if (v->dropped)
		fprintf(fp, "  (%zu more)\n", v->dropped);
	fputc('\n', fp);
	textout_padded(fp, "SITE", namew + 2);
	fprintf(fp, "%-9s%-16s%-10s%-4s%-32s%s\n", "ROLE", "SSH", "POSTGRES", "TL", "REPLICATION",
		"BACKUPS");
	for (size_t i = 0; i < n; i++)
		status_table_site(fp, &sites[i], namew, now_wall_ms);
	(void)cf;
}
