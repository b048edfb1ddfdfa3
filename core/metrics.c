/*
 * Rendering and writing the Prometheus textfile. Every family has its HELP
 * and TYPE lines; a value that is not known is left out, never written as 0
 * (a lag of 0 would read as "caught up"). The file is replaced atomically:
 * written to a temporary file in the same folder, synced, renamed over the
 * old one, and the folder synced, so the collector never reads half a file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "metrics.h"
#include "xmalloc.h"

/* Writes a label value escaped as the format asks: backslash, double quote and newline. */
static void metrics_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '"')
			fputs("\\\"", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

/* Writes a family's HELP and TYPE lines. */
static void metrics_family(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Writes one sample labelled with a site (and a role, when not NULL). */
static void metrics_sample(FILE *fp, const char *name, const char *site, const char *role,
                           const char *value)
{
	fprintf(fp, "%s{site=\"", name);
	metrics_escape(fp, site);
	if (role != NULL)
		fprintf(fp, "\",role=\"%s", role);
	fprintf(fp, "\"} %s\n", value);
}

/* Writes one integer sample labelled with a site. */
static void metrics_int(FILE *fp, const char *name, const char *site, int64_t value)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)value);
	metrics_sample(fp, name, site, NULL, buf);
}

/* Writes each site's reachability, PostgreSQL and role. */
static void metrics_sites(FILE *fp, const struct site_status *sites, size_t n)
{
	static const enum pg_role roles[] = {PG_ROLE_PRIMARY, PG_ROLE_STANDBY, PG_ROLE_DOWN,
	                                     PG_ROLE_UNKNOWN};
	metrics_family(fp, "drconsole_site_up", "gauge",
	               "The site answers over SSH (1) or not (0).");
	for (size_t i = 0; i < n; i++)
		metrics_int(fp, "drconsole_site_up", sites[i].name, sites[i].reachable != 0);
	metrics_family(fp, "drconsole_postgres_up", "gauge",
	               "The site's PostgreSQL answered its last probe (1) or not (0).");
	for (size_t i = 0; i < n; i++)
		metrics_int(fp, "drconsole_postgres_up", sites[i].name, sites[i].pg.up != 0);
	metrics_family(fp, "drconsole_role", "gauge",
	               "The site's PostgreSQL role: 1 for the role it has, 0 for the others.");
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
			metrics_sample(fp, "drconsole_role", sites[i].name,
			               verdict_role_name(roles[r]),
			               verdict_site_role(&sites[i]) == roles[r] ? "1" : "0");
}

/* Writes each standby's replay lag in seconds and bytes, where known. */
static void metrics_lag(FILE *fp, const struct conf *cf, const struct site_status *sites, size_t n)
{
	int p = verdict_primary(cf, sites, n);
	int primary = p >= 0 && verdict_site_role(&sites[p]) == PG_ROLE_PRIMARY;
	metrics_family(fp, "drconsole_replication_lag_seconds", "gauge",
	               "How far the standby's replay is behind, in seconds (absent: unknown).");
	for (size_t i = 0; i < n; i++) {
		int64_t lag_ms;
		if ((int)i != p && verdict_lag_ms(&sites[i], &lag_ms) == 0) {
			char buf[32];
			snprintf(buf, sizeof buf, "%.3f", (double)lag_ms / 1000);
			metrics_sample(fp, "drconsole_replication_lag_seconds", sites[i].name, NULL,
			               buf);
		}
	}
	metrics_family(fp, "drconsole_replication_lag_bytes", "gauge",
	               "WAL the primary has that the standby has not replayed (absent: unknown).");
	for (size_t i = 0; primary && i < n; i++) {
		int r = (int)i == p ? -1 : verdict_match_standby(cf, sites, n, (size_t)p, i);
		if (r >= 0 && sites[p].pg.standbys[r].replay_lag_bytes.known)
			metrics_int(fp, "drconsole_replication_lag_bytes", sites[i].name,
			            sites[p].pg.standbys[r].replay_lag_bytes.v);
	}
}

/* Writes each site's newest backup age, and whether its fence is armed. */
static void metrics_backups_fences(FILE *fp, const struct site_status *sites, size_t n,
                                   const struct metrics_watch *w)
{
	metrics_family(fp, "drconsole_backup_newest_age_seconds", "gauge",
	               "Age of the site's newest backup (absent: unknown).");
	for (size_t i = 0; i < n; i++) {
		int64_t age;
		if (verdict_backup_age_s(&sites[i].backups, w->now_ms, &age) == 0)
			metrics_int(fp, "drconsole_backup_newest_age_seconds", sites[i].name, age);
	}
	metrics_family(fp, "drconsole_fence_armed", "gauge",
	               "The site is fenced as an old primary (1) or not (0).");
	for (size_t i = 0; i < n; i++) {
		int armed = 0;
		for (size_t f = 0; f < w->n_fenced; f++)
			armed |= strcmp(w->fenced[f], sites[i].name) == 0;
		metrics_int(fp, "drconsole_fence_armed", sites[i].name, armed);
	}
}

/* Returns the textfile for the sites' snapshots, their verdict and the watcher's state. */
char *metrics_render(const struct conf *cf, const struct site_status *sites, size_t n,
                     const struct verdict *v, const struct metrics_watch *w)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (fp == NULL)
		abort(); /* it fails only for want of memory, as xmalloc would */
	metrics_family(fp, "drconsole_overall_status", "gauge",
	               "The overall status: 0 ok, 1 warning, 2 critical, 3 unknown.");
	fprintf(fp, "drconsole_overall_status %d\n", (int)v->level);
	metrics_sites(fp, sites, n);
	metrics_lag(fp, cf, sites, n);
	metrics_backups_fences(fp, sites, n, w);
	metrics_family(fp, "drconsole_watch_last_check_timestamp_seconds", "gauge",
	               "When the watcher last checked the sites (absent: not yet).");
	if (w->last_check_ms > 0)
		fprintf(fp, "drconsole_watch_last_check_timestamp_seconds %lld.%03lld\n",
		        (long long)(w->last_check_ms / 1000), (long long)(w->last_check_ms % 1000));
	metrics_family(fp, "drconsole_failovers_total", "counter",
	               "Failovers the watcher has started.");
	fprintf(fp, "drconsole_failovers_total %llu\n", (unsigned long long)w->failovers_total);
	if (fclose(fp) != 0)
		abort();
	return text;
}

/* Replaces the textfile at path with text, atomically; -1 with *cause. */
int metrics_write(const char *path, const char *text, char **cause)
{
	if (durable_replace_mode(path, text, strlen(text), 0644) == 0)
		return 0;
	*cause = xasprintf("cannot write the metrics file %s: %s", path, strerror(errno));
	return -1;
}
