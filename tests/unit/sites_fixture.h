/*
 * The two-site fixture the unit tests of judgements share: a healthy
 * deployment like the lab's (datacenter-1 primary streaming to
 * datacenter-2, fresh backups, passing service checks), as a config and the
 * sites' snapshots at the fixed clock NOW. Tests break what they are about.
 */
#ifndef DR_SITES_FIXTURE_H
#define DR_SITES_FIXTURE_H

#include "conf.h"
#include "snapshot.h"
#include "verdict.h"

#define NOW       1795753200000LL
#define MAX_SITES 3

/* A config and the sites' snapshots. */
struct fx {
	struct conf cf;
	struct site sites[MAX_SITES];
	struct site_service svc;
	struct site_status st[MAX_SITES];
	size_t n;
	struct verdict v;
};

/* Fills a healthy site snapshot common to both roles. */
static inline void fx_site(struct fx *f, size_t i, const char *name)
{
	struct site *site = &f->sites[i];
	site->name = (char *)name;
	site->ssh.host = i == 0 ? "db1.dc1.example.com" : "db2.dc2.example.com";
	site->backups.dir = "/backup";
	site->backups.pattern = "db_backup_*.dump";
	site->backups.retention_days = 30;
	site->backups.max_age_ms = 26 * 3600 * 1000LL;
	site->services = &f->svc;
	site->n_services = 1;

	struct site_status *s = &f->st[i];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->at_ms = NOW - 300;
	s->reachable = 1;
	s->pg.at_ms = NOW - 300;
	s->pg.up = 1;
	s->pg.timeline = (struct opt_i64){1, 1};
	s->pg.hot_standby = 1;
	snprintf(s->pg.wal_level, sizeof s->pg.wal_level, "replica");
	s->health.at_ms = NOW - 400;
	s->health.ok = 1;
	s->health.load1 = 0.5;
	s->health.load_known = 1;
	s->health.data_free_bytes = (struct opt_i64){1, 80LL << 30};
	s->health.data_total_bytes = (struct opt_i64){1, 100LL << 30};
	s->health.n_services = 1;
	snprintf(s->health.services[0].name, sizeof s->health.services[0].name, "erp-chatbot");
	s->health.services[0].ok = 1;
	s->backups.at_ms = NOW - 400;
	s->backups.ok = 1;
	s->backups.configured = 1;
	s->backups.count = 2;
	s->backups.total_bytes = 571212;
	s->backups.newest_age_s = (struct opt_i64){1, 3600};
	snprintf(s->backups.newest_name, sizeof s->backups.newest_name,
	         "db_backup_20261127_031034.dump");
	s->execs_last_cycle = 1;
	s->queries_last_cycle = 1;
}

/* Makes site i a primary streaming to a standby named standby (NULL: none). */
static inline void fx_primary(struct fx *f, size_t i, const char *standby)
{
	struct snap_pg *pg = &f->st[i].pg;
	pg->role = PG_ROLE_PRIMARY;
	pg->current_lsn = (struct opt_i64){1, 0x4191890};
	pg->max_wal_senders = (struct opt_i64){1, 10};
	pg->n_standbys = 0;
	if (standby == NULL)
		return;
	struct snap_standby *sb = &pg->standbys[pg->n_standbys++];
	memset(sb, 0, sizeof *sb);
	snprintf(sb->application_name, sizeof sb->application_name, "%s", standby);
	snprintf(sb->client_addr, sizeof sb->client_addr, "10.2.0.5");
	snprintf(sb->state, sizeof sb->state, "streaming");
	snprintf(sb->sync_state, sizeof sb->sync_state, "async");
	sb->replay_lsn = (struct opt_i64){1, 0x4191890};
	sb->replay_lag_bytes = (struct opt_i64){1, 0};
}

/* Makes site i a caught-up streaming standby, idle for a minute (no transaction replayed since). */
static inline void fx_standby(struct fx *f, size_t i)
{
	struct snap_pg *pg = &f->st[i].pg;
	pg->role = PG_ROLE_STANDBY;
	pg->receive_lsn = (struct opt_i64){1, 0x4191890};
	pg->replay_lsn = (struct opt_i64){1, 0x4191890};
	pg->replay_delay_ms = (struct opt_i64){1, 61000};
	snprintf(pg->receiver_status, sizeof pg->receiver_status, "streaming");
	snprintf(pg->receiver_host, sizeof pg->receiver_host, "db1.dc1.example.com");
}

/* The healthy two-site fixture. */
static inline void fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	f->svc = (struct site_service){"erp-chatbot", "systemctl is-active --quiet erp-chatbot"};
	f->cf.dr.primary_site = "datacenter-1";
	f->cf.dr.dr_site = "datacenter-2";
	f->cf.dr.sync_interval_ms = 300000;
	f->cf.probe_interval_ms = 2000;
	f->cf.probe_timeout_ms = 3000;
	f->cf.sites = f->sites;
	f->n = f->cf.n_sites = 2;
	fx_site(f, 0, "datacenter-1");
	fx_site(f, 1, "datacenter-2");
	fx_primary(f, 0, "datacenter-2");
	fx_standby(f, 1);
}

#endif
