/*
 * Guards, judged from snapshots. The old primary is the config's primary
 * site and the DR site the config's DR site: the scenarios are written from
 * that point of view. A guard never passes on data it does not have: a part
 * older than two probe intervals, or never seen, fails with "no fresh data".
 *
 *   primary_unreachable  neither SSH nor PostgreSQL of the old primary answers
 *   primary_reachable    its SSH answers
 *   dr_reachable         the DR site's SSH answers
 *   primary_fenced       the old primary cannot accept writes: the run fenced
 *                        it, or its host answers and its PostgreSQL is down, or
 *                        it cannot be reached and the operator attested it is
 *                        down. Never while it answers as a writable primary.
 *   standby_caught_up    the DR standby replayed everything it received, and
 *                        (when known) everything the old primary was seen at
 *   standby_streaming    the DR standby's WAL receiver is streaming
 *   backup_fresh         the DR site's newest backup is younger than max_age
 *   backup_proven        the DR site's newest backup was restored and checked by
 *                        a restore test (restores.json): an unproven one is
 *                        restored only on the typed override
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "duration.h"
#include "guard.h"
#include "probe_sql.h"
#include "verdict.h"

/* Sets the result and its evidence; returns 0. */
static int guard_say(struct guard_result *r, int pass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int guard_say(struct guard_result *r, int pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->evidence, sizeof r->evidence, fmt, ap);
	va_end(ap);
	r->pass = pass;
	return 0;
}

/* Returns the snapshot of the configured site, or NULL. */
static const struct site_status *guard_site(const struct guard_ctx *g, const struct site *s)
{
	return snapshot_find(g->sites, g->n, s ? s->name : NULL);
}

/* Tells whether a part refreshed at at_ms is fresh (younger than two probe intervals). */
static int guard_fresh(const struct guard_ctx *g, int64_t at_ms)
{
	return at_ms > 0 && g->now_ms - at_ms <= 2 * g->cf->probe_interval_ms;
}

/* Writes "12s ago" or "never" for a part's age. */
static const char *guard_age(const struct guard_ctx *g, int64_t at_ms, char *buf, size_t len)
{
	char d[32];
	if (at_ms <= 0)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%s ago", duration_text(g->now_ms - at_ms, d, sizeof d));
	return buf;
}

/*
 * Tells whether site answers as a writable primary now (1, with why), does
 * not (0), or cannot be told (-1: no fresh data while reachable).
 */
static int guard_writable(const struct guard_ctx *g, const struct site *site, char *why, size_t len)
{
	const struct site_status *p = guard_site(g, site);
	char a[48];
	if (p == NULL) {
		snprintf(why, len, "the config names no such site");
		return -1;
	}
	enum pg_role role = verdict_site_role(p);
	if (p->pg.up && role == PG_ROLE_PRIMARY && guard_fresh(g, p->pg.at_ms)) {
		char lsn[LSN_TEXT_MAX] = "?";
		if (p->pg.current_lsn.known)
			lsn_format(p->pg.current_lsn.v, lsn, sizeof lsn);
		snprintf(why, len, "%s answers as a writable primary (timeline %lld, WAL at %s)",
		         p->name, p->pg.timeline.known ? (long long)p->pg.timeline.v : -1LL, lsn);
		return 1;
	}
	if (p->reachable && !guard_fresh(g, p->pg.at_ms) && p->pg.up) {
		snprintf(why, len, "%s: no fresh PostgreSQL data (last %s)", p->name,
		         guard_age(g, p->pg.at_ms, a, sizeof a));
		return -1;
	}
	snprintf(why, len, "%s does not answer as a writable primary", p->name);
	return 0;
}

/* Tells whether the old primary answers as a writable primary now (see guard_writable). */
int guard_primary_writable(const struct guard_ctx *g, char *why, size_t len)
{
	if (conf_primary(g->cf) == NULL) {
		snprintf(why, len, "the config names no primary site");
		return -1;
	}
	return guard_writable(g, conf_primary(g->cf), why, len);
}

/*
 * primary_writable and dr_writable: the site answers as a writable primary
 * in fresh data (the source a failback rebuilds the other site from).
 */
static int guard_is_writable(const struct guard_ctx *g, const struct site *s,
                             struct guard_result *r)
{
	char why[400];
	const struct site_status *st = guard_site(g, s);
	if (st == NULL || st->generation == 0)
		return guard_say(r, 0, "no data on %s yet", s ? s->name : "the site");
	if (guard_writable(g, s, why, sizeof why) == 1)
		return guard_say(r, 1, "%s", why);
	if (s == conf_dr(g->cf))
		return guard_say(r, 0, "%s (%s): there was no failover to it", why,
		                 verdict_role_name(verdict_site_role(st)));
	return guard_say(r, 0, "%s (%s)", why, verdict_role_name(verdict_site_role(st)));
}

/*
 * dr_stopped: the DR site takes no writes, as fresh data shows (a standby,
 * or its PostgreSQL down while its host answers); never when not known.
 */
static int guard_dr_stopped(const struct guard_ctx *g, struct guard_result *r)
{
	char why[400];
	const struct site_status *s = guard_site(g, conf_dr(g->cf));
	if (s == NULL || s->generation == 0)
		return guard_say(r, 0, "no data on the DR site yet");
	if (guard_writable(g, conf_dr(g->cf), why, sizeof why) == 1)
		return guard_say(r, 0, "%s: stop its writes first (step stop_dr_writes)", why);
	if (!s->reachable)
		return guard_say(r, 0, "%s: whether it takes writes is not known (unreachable)",
		                 s->name);
	if (!guard_fresh(g, s->health.at_ms) || !guard_fresh(g, s->pg.at_ms))
		return guard_say(r, 0, "%s: whether it takes writes is not known (no fresh data)",
		                 s->name);
	if (verdict_site_role(s) == PG_ROLE_STANDBY)
		return guard_say(r, 1, "%s is a standby: it takes no writes", s->name);
	if (verdict_site_role(s) == PG_ROLE_DOWN)
		return guard_say(r, 1, "%s answers SSH and its PostgreSQL is down (%s)", s->name,
		                 s->pg.error[0] ? s->pg.error : "not answering");
	return guard_say(r, 0, "%s: whether it takes writes is not known (%s)", s->name,
	                 verdict_role_name(verdict_site_role(s)));
}

/* primary_unreachable: neither SSH nor PostgreSQL of the old primary answers. */
static int guard_primary_unreachable(const struct guard_ctx *g, struct guard_result *r)
{
	const struct site_status *p = guard_site(g, conf_primary(g->cf));
	char a[48];
	if (p == NULL || p->generation == 0)
		return guard_say(r, 0, "no data on the primary site yet");
	if (p->reachable)
		return guard_say(r, 0, "%s answers SSH", p->name);
	if (p->pg.up && guard_fresh(g, p->pg.at_ms))
		return guard_say(r, 0, "%s does not answer SSH, but its PostgreSQL answers",
		                 p->name);
	return guard_say(r, 1, "%s unreachable since %s: %s", p->name,
	                 guard_age(g, p->since_ms, a, sizeof a), p->error[0] ? p->error : "?");
}

/* primary_reachable and dr_reachable: the site's SSH answers. */
static int guard_reachable(const struct guard_ctx *g, const struct site *s, struct guard_result *r)
{
	const struct site_status *st = guard_site(g, s);
	if (st == NULL || st->generation == 0)
		return guard_say(r, 0, "no data on %s yet", s ? s->name : "the site");
	if (!st->reachable)
		return guard_say(r, 0, "%s unreachable: %s", st->name, st->error);
	return guard_say(r, 1, "%s answers SSH", st->name);
}

/* primary_fenced: the old primary cannot accept writes. */
static int guard_primary_fenced(const struct guard_ctx *g, struct guard_result *r)
{
	char why[400];
	const struct site_status *p = guard_site(g, conf_primary(g->cf));
	int writable = guard_primary_writable(g, why, sizeof why);
	if (writable == 1)
		return guard_say(r, 0, "%s: fence it first", why);
	if (p == NULL || p->generation == 0)
		return guard_say(r, 0, "no data on the primary site yet");
	if (g->fenced)
		return guard_say(r, 1, "%s fenced by this run: its PostgreSQL was stopped",
		                 p->name);
	/* Down is known from the latest attempt, while SSH (the host probe) answers now. */
	if (p->reachable && guard_fresh(g, p->health.at_ms) && verdict_site_role(p) == PG_ROLE_DOWN)
		return guard_say(r, 1, "%s answers SSH and its PostgreSQL is down (%s)", p->name,
		                 p->pg.error[0] ? p->pg.error : "not answering");
	if (!p->reachable && g->attested)
		return guard_say(r, 1, "%s unreachable; the operator attested it is down", p->name);
	if (!p->reachable)
		return guard_say(r, 0, "%s unreachable: attest that it is down and stays down",
		                 p->name);
	if (writable == -1)
		return guard_say(r, 0, "%s; fence it first", why);
	return guard_say(r, 0, "%s: its PostgreSQL state is not known; fence it first", p->name);
}

/* standby_caught_up: the DR standby replayed all it received, and all the primary had. */
static int guard_caught_up(const struct guard_ctx *g, struct guard_result *r)
{
	const struct site_status *s = guard_site(g, conf_dr(g->cf));
	char a[48], rep[LSN_TEXT_MAX], rec[LSN_TEXT_MAX], pri[LSN_TEXT_MAX], gap[32];
	if (s == NULL || !guard_fresh(g, s->pg.at_ms) || !s->pg.up)
		return guard_say(r, 0, "%s: no fresh PostgreSQL data (last %s)",
		                 s ? s->name : "the DR site",
		                 guard_age(g, s ? s->pg.at_ms : 0, a, sizeof a));
	if (verdict_site_role(s) != PG_ROLE_STANDBY)
		return guard_say(r, 0, "%s is not a standby (%s)", s->name,
		                 verdict_role_name(verdict_site_role(s)));
	if (!s->pg.replay_lsn.known)
		return guard_say(r, 0, "%s: its replay position is not known", s->name);
	int64_t done = verdict_replayed_lsn(&s->pg); /* all it can replay of what it received */
	lsn_format(done, rep, sizeof rep);
	if (s->pg.receive_lsn.known && done < s->pg.receive_lsn.v) {
		lsn_format(s->pg.receive_lsn.v, rec, sizeof rec);
		return guard_say(r, 0, "%s replayed %s of %s received (%s behind)", s->name, rep,
		                 rec, bytes_text(s->pg.receive_lsn.v - done, gap, sizeof gap));
	}
	if (g->last_primary_lsn >= 0 && done < g->last_primary_lsn) {
		lsn_format(g->last_primary_lsn, pri, sizeof pri);
		return guard_say(r, 0,
		                 "%s replayed %s, but the primary was last seen at %s (%s missing)",
		                 s->name, rep, pri,
		                 bytes_text(g->last_primary_lsn - done, gap, sizeof gap));
	}
	if (g->last_primary_lsn >= 0) {
		lsn_format(g->last_primary_lsn, pri, sizeof pri);
		return guard_say(r, 1, "%s replayed %s; the primary was last seen at %s", s->name,
		                 rep, pri);
	}
	return guard_say(r, 1,
	                 "%s replayed %s, all it received (the primary's position is not known)",
	                 s->name, rep);
}

/* standby_streaming: the DR standby's WAL receiver streams. */
static int guard_streaming(const struct guard_ctx *g, struct guard_result *r)
{
	const struct site_status *s = guard_site(g, conf_dr(g->cf));
	char a[48];
	if (s == NULL || !guard_fresh(g, s->pg.at_ms) || !s->pg.up)
		return guard_say(r, 0, "%s: no fresh PostgreSQL data (last %s)",
		                 s ? s->name : "the DR site",
		                 guard_age(g, s ? s->pg.at_ms : 0, a, sizeof a));
	if (strcmp(s->pg.receiver_status, "streaming") != 0)
		return guard_say(r, 0, "%s: WAL receiver %s", s->name,
		                 s->pg.receiver_status[0] ? s->pg.receiver_status : "not running");
	return guard_say(r, 1, "%s streams from %s", s->name,
	                 s->pg.receiver_host[0] ? s->pg.receiver_host : "the primary");
}

/* backup_fresh: the DR site's newest backup is younger than its max_age. */
static int guard_backup_fresh(const struct guard_ctx *g, struct guard_result *r)
{
	const struct site *site = conf_dr(g->cf);
	const struct site_status *s = guard_site(g, site);
	int64_t age;
	char a[32], m[32];
	if (s == NULL || !s->backups.configured)
		return guard_say(r, 0, "no backups configured at the DR site");
	if (!s->backups.ok || verdict_backup_age_s(&s->backups, g->now_ms, &age) == -1)
		return guard_say(r, 0, "%s: newest backup not known (%s)", s->name,
		                 s->backups.error[0] ? s->backups.error : "not listed");
	duration_text(age * 1000, a, sizeof a);
	duration_text(site->backups.max_age_ms, m, sizeof m);
	if (age * 1000 > site->backups.max_age_ms)
		return guard_say(r, 0, "%s: newest backup %s is %s old (max %s)", s->name,
		                 s->backups.newest_name, a, m);
	return guard_say(r, 1, "%s: newest backup %s is %s old (max %s)", s->name,
	                 s->backups.newest_name, a, m);
}

/* Writes "FILE (proven 2h ago: 4 tables, 1200 rows)" for a proof. */
static const char *guard_proof_text(const struct guard_ctx *g, const struct restoreproof *p,
                                    char *buf, size_t len)
{
	char a[48];
	const char *base = strrchr(p->file, '/') ? strrchr(p->file, '/') + 1 : p->file;
	snprintf(buf, len, "%s (proven %s: %lld tables, %lld rows)", base,
	         guard_age(g, p->proven_ms, a, sizeof a), (long long)p->tables, (long long)p->rows);
	return buf;
}

/* backup_proven: the DR site's newest backup is proven restorable. */
static int guard_backup_proven(const struct guard_ctx *g, struct guard_result *r)
{
	const struct site *site = conf_dr(g->cf);
	const struct site_status *s = guard_site(g, site);
	const struct restoreproof *last;
	char t[256];
	if (s == NULL || !s->backups.configured)
		return guard_say(r, 0, "no backups configured at the DR site");
	if (g->proofs == NULL)
		return guard_say(r, 0, "the record of proven restores cannot be read");
	const struct snap_backups *b = &s->backups;
	struct restoreproof_file f;
	restoreproof_newest(site, b, &f);
	enum restoreproof_state st = restoreproof_judge(g->proofs, s->name, f.path ? &f : NULL, &last);
	free((char *)f.path);
	if (st == RESTOREPROOF_PROVEN)
		return guard_say(r, 1, "%s: the newest backup is proven: %s", s->name,
		                 guard_proof_text(g, last, t, sizeof t));
	if (st == RESTOREPROOF_UNKNOWN)
		return guard_say(r, 0, "%s: newest backup not known (%s)", s->name,
		                 b->error[0] ? b->error : "not listed");
	if (st == RESTOREPROOF_UNPROVEN)
		return guard_say(r, 0,
		                 "%s: the newest backup %s was never restored and checked; the last "
		                 "proven is %s. The override restores the unproven one",
		                 s->name, b->newest_name, guard_proof_text(g, last, t, sizeof t));
	return guard_say(r, 0,
	                 "%s: no backup was ever proven restorable. The override restores the "
	                 "newest, %s (a successful restore then proves it)",
	                 s->name, b->newest_name);
}

/* Judges one guard by name; -1 for a name that is not a guard. */
int guard_check(const char *name, const struct guard_ctx *g, struct guard_result *r)
{
	memset(r, 0, sizeof *r);
	if (strcmp(name, "primary_unreachable") == 0)
		return guard_primary_unreachable(g, r);
	if (strcmp(name, "primary_reachable") == 0)
		return guard_reachable(g, conf_primary(g->cf), r);
	if (strcmp(name, "dr_reachable") == 0)
		return guard_reachable(g, conf_dr(g->cf), r);
	if (strcmp(name, "primary_fenced") == 0)
		return guard_primary_fenced(g, r);
	if (strcmp(name, "standby_caught_up") == 0)
		return guard_caught_up(g, r);
	if (strcmp(name, "standby_streaming") == 0)
		return guard_streaming(g, r);
	if (strcmp(name, "backup_fresh") == 0)
		return guard_backup_fresh(g, r);
	if (strcmp(name, "backup_proven") == 0)
		return guard_backup_proven(g, r);
	if (strcmp(name, "primary_writable") == 0)
		return guard_is_writable(g, conf_primary(g->cf), r);
	if (strcmp(name, "dr_writable") == 0)
		return guard_is_writable(g, conf_dr(g->cf), r);
	if (strcmp(name, "dr_stopped") == 0)
		return guard_dr_stopped(g, r);
	guard_say(r, 0, "unknown guard '%s'", name);
	return -1;
}

/* replication_check on a standby: it replays all it received, from a streaming receiver or a gone
 * primary. */
static int guard_replication(const struct guard_ctx *g, const struct site_status *s,
                             struct guard_result *r)
{
	char a[48], rep[LSN_TEXT_MAX];
	if (!guard_fresh(g, s->pg.at_ms) || !s->pg.up)
		return guard_say(r, 0, "%s: no fresh PostgreSQL data (last %s)", s->name,
		                 guard_age(g, s->pg.at_ms, a, sizeof a));
	if (verdict_site_role(s) == PG_ROLE_PRIMARY) {
		for (size_t i = 0; i < s->pg.n_standbys; i++)
			if (strcmp(s->pg.standbys[i].state, "streaming") == 0)
				return guard_say(r, 1, "%s streams to %s", s->name,
				                 s->pg.standbys[i].application_name);
		return guard_say(r, 0, "%s is a primary with no streaming standby", s->name);
	}
	struct guard_result up;
	guard_primary_unreachable(g, &up);
	int streaming = strcmp(s->pg.receiver_status, "streaming") == 0;
	if (!streaming && !up.pass && !(g->fenced || g->attested)) {
		const struct site_status *p = guard_site(g, conf_primary(g->cf));
		if (p == NULL || p->pg.up)
			return guard_say(
			    r, 0, "%s: WAL receiver %s while the primary runs", s->name,
			    s->pg.receiver_status[0] ? s->pg.receiver_status : "not running");
	}
	struct guard_result c;
	guard_caught_up(g, &c);
	if (!c.pass)
		return guard_say(r, 0, "%s", c.evidence);
	lsn_format(s->pg.replay_lsn.v, rep, sizeof rep);
	return guard_say(r, 1, "%s %s; replayed %s, all it received", s->name,
	                 streaming ? "streams" : "no longer streams (the primary is gone)", rep);
}

/* service_check: every configured check passed in the last fresh host probe. */
static int guard_services(const struct guard_ctx *g, const struct site_status *s,
                          struct guard_result *r)
{
	char a[48];
	if (!s->reachable || !guard_fresh(g, s->health.at_ms))
		return guard_say(r, 0, "%s: no fresh host probe (last %s)", s->name,
		                 guard_age(g, s->health.at_ms, a, sizeof a));
	for (size_t i = 0; i < s->health.n_services; i++)
		if (!s->health.services[i].ok)
			return guard_say(r, 0, "%s: service %s fails its check (exit status %d)",
			                 s->name, s->health.services[i].name,
			                 s->health.services[i].exit_status);
	return guard_say(r, 1, "%s: %zu service check%s pass", s->name, s->health.n_services,
	                 s->health.n_services == 1 ? "" : "s");
}

/* site_health: SSH answers, PostgreSQL answers, services pass. */
static int guard_health(const struct guard_ctx *g, const struct site_status *s,
                        struct guard_result *r)
{
	if (!s->reachable)
		return guard_say(r, 0, "%s unreachable: %s", s->name, s->error);
	if (!s->pg.up || !guard_fresh(g, s->pg.at_ms))
		return guard_say(r, 0, "%s: PostgreSQL does not answer (%s)", s->name,
		                 s->pg.error[0] ? s->pg.error : "no fresh data");
	if (guard_services(g, s, r) == 0 && !r->pass)
		return 0;
	char services[sizeof r->evidence]; /* never printed into the buffer it is read from */
	snprintf(services, sizeof services, "%s", r->evidence);
	return guard_say(r, 1, "%s answers SSH and PostgreSQL (%s); %s", s->name,
	                 verdict_role_name(verdict_site_role(s)), services);
}

/* backup_verify: the newest backup is fresh and no backup failed verification. */
static int guard_backups(const struct guard_ctx *g, const struct site *site,
                         const struct site_status *s, struct guard_result *r)
{
	int64_t age;
	char a[32];
	if (!s->backups.configured || !s->backups.ok)
		return guard_say(r, 0, "%s: backups not listed (%s)", s->name,
		                 s->backups.error[0] ? s->backups.error : "no backups: configured");
	if (s->backups.invalid > 0)
		return guard_say(r, 0, "%s: %d backup%s fail pg_restore --list (%s)", s->name,
		                 s->backups.invalid, s->backups.invalid == 1 ? "" : "s",
		                 s->backups.invalid_names[0]);
	if (verdict_backup_age_s(&s->backups, g->now_ms, &age) == -1 ||
	    age * 1000 > site->backups.max_age_ms)
		return guard_say(r, 0, "%s: no backup younger than its max_age", s->name);
	return guard_say(
	    r, 1, "%s: newest backup %s (%s old) and all %d listed pass pg_restore --list", s->name,
	    s->backups.newest_name, duration_text(age * 1000, a, sizeof a), s->backups.count);
}

/*
 * Judges a built-in that reads the snapshots (replication_check, site_health,
 * service_check, backup_verify) on a site; -1 for one that must run on the
 * site (promote, writable, fence, restore_test, data_loss).
 */
int guard_builtin(const char *name, const struct site *site, const struct guard_ctx *g,
                  struct guard_result *r)
{
	memset(r, 0, sizeof *r);
	const struct site_status *s = guard_site(g, site);
	int known = strcmp(name, "replication_check") == 0 || strcmp(name, "site_health") == 0 ||
	            strcmp(name, "service_check") == 0 || strcmp(name, "backup_verify") == 0;
	if (!known)
		return -1;
	if (s == NULL || s->generation == 0)
		return guard_say(r, 0, "no data on %s yet", site ? site->name : "the site");
	if (strcmp(name, "replication_check") == 0)
		return guard_replication(g, s, r);
	if (strcmp(name, "site_health") == 0)
		return guard_health(g, s, r);
	if (strcmp(name, "service_check") == 0)
		return guard_services(g, s, r);
	return guard_backups(g, site, s, r);
}
