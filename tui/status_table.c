/*
 * The status table. The verdict and its reasons come first (split brain, if
 * any, is the first line), then one line per site. Unknown values print as
 * "?", never as 0; names are padded by display width, so Korean site names
 * line up.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "duration.h"
#include "status_table.h"
#include "utf8.h"
#include "xmalloc.h"

/* Prints s padded with spaces to cols display columns. */
static void status_table_cell(FILE *fp, const char *s, int cols)
{
	int w = utf8_width(s);
	fputs(s, fp);
	for (; w < cols; w++)
		fputc(' ', fp);
}

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
	if (!b->ok && b->at_ms == 0) {
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

/* Prints the verdict, its reasons and the table. */
void status_table_print(FILE *fp, const struct conf *cf, const struct site_status *sites,
			size_t n, const struct verdict *v, int64_t now_wall_ms)
{
	int namew = 4;
	for (size_t i = 0; i < n; i++)
		if (utf8_width(sites[i].name) > namew)
			namew = utf8_width(sites[i].name);
	char *upper = xstrdup(verdict_name(v->level));
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(fp, "drconsole status: %s\n", upper);
	free(upper);
	for (size_t i = 0; i < v->n; i++)
		fprintf(fp, "  %-8s %s\n", verdict_name(v->reasons[i].level), v->reasons[i].text);
	if (v->dropped)
		fprintf(fp, "  (%zu more)\n", v->dropped);
	fputc('\n', fp);
	status_table_cell(fp, "SITE", namew + 2);
	fprintf(fp, "%-9s%-16s%-10s%-4s%-32s%s\n", "ROLE", "SSH", "POSTGRES", "TL", "REPLICATION",
		"BACKUPS");
	for (size_t i = 0; i < n; i++) {
		const struct site_status *s = &sites[i];
		char ssh[64], lag[96], bk[160], tl[16] = "?";
		status_table_ssh(ssh, sizeof ssh, s);
		status_table_lag(lag, sizeof lag, s);
		status_table_backups(bk, sizeof bk, s, now_wall_ms);
		if (s->pg.timeline.known)
			snprintf(tl, sizeof tl, "%lld", (long long)s->pg.timeline.v);
		status_table_cell(fp, s->name, namew + 2);
		fprintf(fp, "%-9s%-16s%-10s%-4s%-32s%s\n", verdict_role_name(verdict_site_role(s)), ssh,
			s->pg.up ? "up" : s->pg.role == PG_ROLE_DOWN ? "down" : "?", tl, lag, bk);
		if (!s->reachable && s->error[0])
			fprintf(fp, "%*s%s\n", namew + 2, "", s->error);
		else if (!s->pg.up && s->pg.error[0])
			fprintf(fp, "%*s%s\n", namew + 2, "", s->pg.error);
	}
	(void)cf;
}
