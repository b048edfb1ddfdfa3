/*
 * The verdict. A pure function of the configuration, every site's latest
 * snapshot and the wall clock: no I/O, so every rule is tested with fixtures.
 *
 * Critical: two sites answering as primary at once (split brain, always the
 * first reason); the primary (by role, else the configured primary_site) down
 * or unreachable; no standby streaming from it; a standby's replay delay
 * beyond sync_interval; the newest backup older than max_age, no backup at
 * all, or a backup that fails pg_restore --list.
 * Warning: replay delay beyond half of sync_interval, paused replay, expired
 * backups still present, a failing service check, a nearly full disk, parts
 * of a snapshot older than two probe intervals (stale), configuration
 * conformity findings, parts of a site never heard from.
 * Unknown: nothing at all is known about any site; whether a standby streams,
 * when neither the primary nor the standby answered within two probe
 * intervals.
 * Reasons of level ok carry information (who streams, how far behind).
 *
 * Stale data is never counted as streaming or healthy: a stream is judged
 * from the primary's row only while the primary answers within two probe
 * intervals, else from the standby's own WAL receiver while that answers,
 * else it is unknown; a replay delay older than that is unknown too. The
 * judgement moves with the clock alone, so the console judges at every tick.
 *
 * Reasons are ordered by level (critical, unknown, warning, ok), then by
 * kind: what endangers recovery most comes first (split brain, the primary,
 * the DR side's stream, lag, backups, the rest), then in the order found.
 *
 * Replication lag is judged in seconds on the standby's side: the delay of
 * the last replayed transaction, taken as zero while the standby has replayed
 * everything it received (an idle primary sends no transactions, so that
 * timestamp ages without any lag). Byte lag is information only: bytes cannot
 * be compared to a budget in seconds.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "duration.h"
#include "i18n.h"
#include "phrase.h"
#include "verdict.h"
#include "xmalloc.h"

#define VERDICT_DEFAULT_INTERVAL_MS 2000
#define VERDICT_DISK_LOW_PERCENT    10

/* Everything one judgement looks at. */
struct judge {
	const struct conf *cf;
	const struct site_status *sites;
	size_t n;
	int64_t now;
	int64_t interval_ms;
	int primary;    /* index of the primary (answering, or configured), or -1 */
	int primary_up; /* it answers as primary */
	int split;      /* split brain was found */
	int no_stream;  /* no standby streams (each site's reason said why) */
	struct verdict *v;
};

/* Returns the severity order of a level: ok < warning < unknown < critical. */
static int verdict_rank(enum verdict_level level)
{
	static const int rank[] = {
	    [VERDICT_OK] = 0, [VERDICT_WARNING] = 1, [VERDICT_CRITICAL] = 3, [VERDICT_UNKNOWN] = 2};
	return rank[level];
}

/* Tells whether a reason of level la and kind ka goes before one of lb and kb. */
static int verdict_before(enum verdict_level la, enum verdict_kind ka, enum verdict_level lb,
                          enum verdict_kind kb)
{
	return verdict_rank(la) > verdict_rank(lb) || (la == lb && ka < kb);
}

/* Adds a reason; when the list is full, it replaces the last in order if it goes before it. */
__attribute__((format(printf, 5, 6))) static void
verdict_add(struct verdict *v, enum verdict_level level, enum verdict_kind kind, const char *site,
            const char *fmt, ...)
{
	struct verdict_reason *r;
	if (v->n < VERDICT_MAX_REASONS) {
		r = &v->reasons[v->n++];
	} else {
		v->dropped++;
		r = &v->reasons[0];
		for (size_t i = 1; i < v->n; i++)
			if (!verdict_before(v->reasons[i].level, v->reasons[i].kind, r->level,
			                    r->kind))
				r = &v->reasons[i];
		if (!verdict_before(level, kind, r->level, r->kind))
			return;
	}
	r->level = level;
	r->kind = kind;
	snprintf(r->site, sizeof r->site, "%s", site ? site : "");
	char *text, *shown;
	va_list ap;
	va_start(ap, fmt);
	phrase_vformat(fmt, ap, &text, &shown);
	va_end(ap);
	snprintf(r->text, sizeof r->text, "%s", text);
	phrase_copy(r->shown, sizeof r->shown, shown);
	free(text);
	free(shown);
}

/* Orders the reasons most severe first, then by kind, keeping the order of equals. */
static void verdict_sort(struct verdict *v)
{
	for (size_t i = 1; i < v->n; i++) {
		struct verdict_reason r = v->reasons[i];
		size_t j = i;
		for (; j > 0 && verdict_before(r.level, r.kind, v->reasons[j - 1].level,
		                               v->reasons[j - 1].kind);
		     j--)
			v->reasons[j] = v->reasons[j - 1];
		v->reasons[j] = r;
	}
}

/* Appends formatted text to the list in buf, after sep when buf is not empty (cut to fit). */
__attribute__((format(printf, 4, 5))) static void
verdict_append(char *buf, size_t len, const char *sep, const char *fmt, ...)
{
	size_t off = strlen(buf);
	if (off > 0 && off < len)
		off += strlen(strncat(buf + off, sep, len - off - 1));
	if (off + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* Returns why a site or a part of it does not answer. */
static const char *verdict_why(const char *error)
{
	return error != NULL && error[0] != '\0' ? error : "no answer yet";
}

/* Returns a site's PostgreSQL role as far as it is known now. */
enum pg_role verdict_site_role(const struct site_status *s)
{
	if (s->pg.up)
		return s->pg.role == PG_ROLE_PRIMARY || s->pg.role == PG_ROLE_STANDBY
		           ? s->pg.role
		           : PG_ROLE_UNKNOWN;
	return s->pg.role == PG_ROLE_DOWN ? PG_ROLE_DOWN : PG_ROLE_UNKNOWN;
}

/*
 * Returns the role's name in status --json ("primary", "standby", "down",
 * "unknown"); marked for the screen, which shows it through _().
 */
const char *verdict_role_name(enum pg_role role)
{
	switch (role) {
	case PG_ROLE_PRIMARY:
		return N_("primary");
	case PG_ROLE_STANDBY:
		return N_("standby");
	case PG_ROLE_DOWN:
		return N_("down");
	default:
		return N_("unknown");
	}
}

/* Returns the probe interval, with the default when the config has none. */
static int64_t verdict_interval(const struct conf *cf)
{
	return cf->probe_interval_ms > 0 ? cf->probe_interval_ms : VERDICT_DEFAULT_INTERVAL_MS;
}

/* Tells whether a part refreshed at at_ms is, at now, no older than two probe intervals. */
int verdict_fresh_at(const struct conf *cf, int64_t at_ms, int64_t now_wall_ms)
{
	return at_ms > 0 && now_wall_ms - at_ms <= 2 * verdict_interval(cf);
}

/* Tells whether a part refreshed at at_ms is younger than two probe intervals. */
static int verdict_fresh(const struct judge *j, int64_t at_ms)
{
	return verdict_fresh_at(j->cf, at_ms, j->now);
}

/* Tells whether a site answers as primary. */
static int verdict_is_primary(const struct site_status *s)
{
	return verdict_site_role(s) == PG_ROLE_PRIMARY;
}

/* Returns the index of the site with this name, or -1. */
static int verdict_find(const struct site_status *sites, size_t n, const char *name)
{
	const struct site_status *s = snapshot_find(sites, n, name);
	return s != NULL ? (int)(s - sites) : -1;
}

/*
 * Returns the index of the primary: the site answering as primary with the
 * freshest data, else the configured primary_site; -1 when neither exists.
 */
int verdict_primary(const struct conf *cf, const struct site_status *sites, size_t n)
{
	int best = -1;
	for (size_t i = 0; i < n; i++)
		if (verdict_is_primary(&sites[i]) &&
		    (best < 0 || sites[i].pg.at_ms > sites[best].pg.at_ms))
			best = (int)i;
	return best >= 0 ? best : verdict_find(sites, n, cf->dr.primary_site);
}

/* Tells whether a site's ssh host or postgres host is addr. */
static int verdict_site_has_addr(const struct site *site, const char *addr)
{
	return site != NULL && addr[0] != '\0' &&
	       ((site->ssh.host && strcmp(site->ssh.host, addr) == 0) ||
	        (site->pg.host && strcmp(site->pg.host, addr) == 0));
}

/*
 * Returns which pg_stat_replication row of the primary belongs to the
 * standby site: the row whose application_name is the site's name, else the
 * only row from the site's address, else the only row when there is only one
 * other site; -1 when none can be told.
 */
int verdict_match_standby(const struct conf *cf, const struct site_status *sites, size_t n,
                          size_t primary, size_t standby)
{
	const struct snap_pg *pg = &sites[primary].pg;
	const struct site *site = conf_site(cf, sites[standby].name);
	int by_addr = -1, addr_rows = 0;
	for (size_t r = 0; r < pg->n_standbys; r++) {
		if (strcmp(pg->standbys[r].application_name, sites[standby].name) == 0)
			return (int)r;
		if (verdict_site_has_addr(site, pg->standbys[r].client_addr)) {
			by_addr = (int)r;
			addr_rows++;
		}
	}
	if (addr_rows == 1)
		return by_addr;
	return pg->n_standbys == 1 && n == 2 ? 0 : -1;
}

/*
 * Returns how far a standby has replayed all there is to replay: its replay
 * position, or what it received while its startup process waits for more
 * WAL (the bytes after the last whole record are the start of a record the
 * primary has not finished writing, as after a hint bit's page image on an
 * idle primary); -1 when not known.
 */
int64_t verdict_replayed_lsn(const struct snap_pg *pg)
{
	if (!pg->replay_lsn.known)
		return -1;
	if (pg->replay_waiting && pg->receive_lsn.known && pg->receive_lsn.v > pg->replay_lsn.v)
		return pg->receive_lsn.v;
	return pg->replay_lsn.v;
}

/*
 * Sets *lag_ms to a standby's replay delay: zero while it has replayed all it
 * received, else now() - the last replayed transaction. Returns 0, or -1 when
 * it is not known.
 */
int verdict_lag_ms(const struct site_status *s, int64_t *lag_ms)
{
	const struct snap_pg *pg = &s->pg;
	if (pg->role != PG_ROLE_STANDBY || pg->at_ms == 0)
		return -1;
	if (pg->receive_lsn.known && pg->replay_lsn.known &&
	    (uint64_t)verdict_replayed_lsn(pg) >= (uint64_t)pg->receive_lsn.v) {
		*lag_ms = 0;
		return 0;
	}
	if (!pg->replay_delay_ms.known)
		return -1;
	*lag_ms = pg->replay_delay_ms.v < 0 ? 0 : pg->replay_delay_ms.v;
	return 0;
}

/* Sets *age_s to the newest backup's age now (the listing's age plus the time since). */
int verdict_backup_age_s(const struct snap_backups *b, int64_t now_wall_ms, int64_t *age_s)
{
	if (!b->newest_age_s.known || b->at_ms == 0)
		return -1;
	int64_t since = now_wall_ms > b->at_ms ? (now_wall_ms - b->at_ms) / 1000 : 0;
	*age_s = b->newest_age_s.v + since;
	return 0;
}

/* Tells whether any part of a site's snapshot holds data. */
static int verdict_has_data(const struct site_status *s)
{
	return s->pg.at_ms > 0 || s->health.at_ms > 0 || s->backups.at_ms > 0;
}

/* When nothing at all is known: one unknown reason per site. Returns 1 in that case. */
static int verdict_judge_nothing(struct judge *j)
{
	for (size_t i = 0; i < j->n; i++)
		if (verdict_has_data(&j->sites[i]))
			return 0;
	for (size_t i = 0; i < j->n; i++)
		verdict_add(j->v, VERDICT_UNKNOWN, VERDICT_KIND_OTHER, j->sites[i].name,
		            "nothing known about %s: %s", j->sites[i].name,
		            verdict_why(j->sites[i].error));
	if (j->n == 0)
		verdict_add(j->v, VERDICT_UNKNOWN, VERDICT_KIND_OTHER, "", "no site is configured");
	return 1;
}

/* Rule: two or more sites answering as primary with fresh data is a split brain. */
static void verdict_judge_split(struct judge *j)
{
	char names[256] = "";
	size_t count = 0;
	for (size_t i = 0; i < j->n; i++) {
		const struct site_status *s = &j->sites[i];
		if (!verdict_is_primary(s) || !verdict_fresh(j, s->pg.at_ms))
			continue;
		count++;
		int last = 1;
		for (size_t k = i + 1; k < j->n; k++)
			if (verdict_is_primary(&j->sites[k]) &&
			    verdict_fresh(j, j->sites[k].pg.at_ms))
				last = 0;
		verdict_append(names, sizeof names, last ? " and " : ", ", "%s", s->name);
	}
	if (count < 2)
		return;
	j->split = 1;
	verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_SPLIT, "",
	            "SPLIT BRAIN: %s%s %s writes as primary", count == 2 ? "both " : "", names,
	            count == 2 ? "accept" : "all accept");
}

/* Rule: the primary answers; if not, it is down, unreachable, or no site is primary. */
static void verdict_judge_primary(struct judge *j)
{
	const char *configured = j->cf->dr.primary_site;
	if (j->primary < 0) {
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_PRIMARY, "",
		            "no site answers as primary (the configured primary %s is not a "
		            "probed site)",
		            configured ? configured : "(none)");
		return;
	}
	const struct site_status *p = &j->sites[j->primary];
	enum pg_role role = verdict_site_role(p);
	if (j->primary_up && !p->reachable)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_PRIMARY, p->name,
		            "primary %s is unreachable over SSH (%s); PostgreSQL still answered",
		            p->name, verdict_why(p->error));
	else if (j->primary_up && configured != NULL && strcmp(p->name, configured) != 0 &&
	         !j->split)
		verdict_add(j->v, VERDICT_OK, VERDICT_KIND_PRIMARY, p->name,
		            "%s is the primary (configured primary: %s): the sites have failed "
		            "over",
		            p->name, configured);
	else if (!j->primary_up && !p->reachable)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_PRIMARY, p->name,
		            "primary %s is unreachable: %s", p->name, verdict_why(p->error));
	else if (role == PG_ROLE_DOWN)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_PRIMARY, p->name,
		            "PostgreSQL on primary %s is down: %s", p->name,
		            verdict_why(p->pg.error));
	else if (role == PG_ROLE_STANDBY)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_PRIMARY, p->name,
		            "no site answers as primary (%s, the configured primary, is a "
		            "standby)",
		            p->name);
	else if (!j->primary_up && p->pg.at_ms == 0 && p->pg.error[0] == '\0')
		verdict_add(j->v, VERDICT_UNKNOWN, VERDICT_KIND_PRIMARY, p->name,
		            "PostgreSQL on primary %s has not been asked yet", p->name);
	else if (!j->primary_up)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_PRIMARY, p->name,
		            "PostgreSQL on primary %s does not answer: %s", p->name,
		            verdict_why(p->pg.error));
}

/* Rule: another site that answered as primary, but not lately, must be fenced. */
static void verdict_judge_old_primary(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	char age[32];
	if ((int)i == j->primary || j->split || !verdict_is_primary(s) ||
	    verdict_fresh(j, s->pg.at_ms))
		return;
	verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_PRIMARY, s->name,
	            "%s answered as primary %s ago and has not been heard from since: make sure "
	            "it is fenced before it comes back",
	            s->name, duration_text(j->now - s->pg.at_ms, age, sizeof age));
}

/* Appends to buf why a standby site does not stream. */
static void verdict_not_streaming(const struct site_status *s, char *buf, size_t len)
{
	enum pg_role role = verdict_site_role(s);
	if (!s->reachable && role != PG_ROLE_STANDBY)
		verdict_append(buf, len, "; ", "%s is unreachable: %s", s->name,
		               verdict_why(s->error));
	else if (role == PG_ROLE_DOWN)
		verdict_append(buf, len, "; ", "PostgreSQL on %s is down: %s", s->name,
		               verdict_why(s->pg.error));
	else if (role == PG_ROLE_PRIMARY)
		verdict_append(buf, len, "; ", "%s is itself a primary", s->name);
	else if (role == PG_ROLE_STANDBY)
		verdict_append(buf, len, "; ", "the WAL receiver of %s is %s", s->name,
		               s->pg.receiver_status[0] ? s->pg.receiver_status : "not running");
	else
		verdict_append(buf, len, "; ", "PostgreSQL on %s does not answer: %s", s->name,
		               verdict_why(s->pg.error));
}

/* Tells whether a site's PostgreSQL answered within two probe intervals. */
static int verdict_answers(const struct conf *cf, const struct site_status *s, int64_t now)
{
	return s->pg.up && verdict_fresh_at(cf, s->pg.at_ms, now);
}

/* Appends to buf when a site's PostgreSQL last answered, or why it cannot. */
static void verdict_last_heard(const struct site_status *s, int64_t now, char *buf, size_t len)
{
	char age[32];
	if (!s->reachable)
		verdict_append(buf, len, "; ", "%s is unreachable: %s", s->name,
		               verdict_why(s->error));
	else if (s->pg.at_ms == 0)
		verdict_append(buf, len, "; ", "PostgreSQL on %s has not answered: %s", s->name,
		               verdict_why(s->pg.error));
	else
		verdict_append(buf, len, "; ", "PostgreSQL on %s last answered %s ago", s->name,
		               duration_text(now - s->pg.at_ms, age, sizeof age));
}

/*
 * Tells whether site standby streams from site primary, from fresh data
 * only: the primary's row while the primary answers, else the standby's own
 * WAL receiver while it answers; not streaming when a fresh answer rules it
 * out (no row on the primary, the standby down or a primary itself), and
 * unknown when nothing fresh tells.
 */
void verdict_stream(const struct conf *cf, const struct site_status *sites, size_t n,
                    size_t primary, size_t standby, int64_t now_wall_ms, struct verdict_stream *out)
{
	const struct site_status *p = &sites[primary], *s = &sites[standby];
	int p_fresh = verdict_is_primary(p) && verdict_answers(cf, p, now_wall_ms);
	int s_fresh = verdict_answers(cf, s, now_wall_ms);
	out->row = verdict_match_standby(cf, sites, n, primary, standby);
	out->row_fresh = out->row >= 0 && p_fresh;
	out->why[0] = '\0';
	if (out->row_fresh) {
		const char *state = p->pg.standbys[out->row].state;
		out->state =
		    strcmp(state, "streaming") == 0 ? VERDICT_STREAM_YES : VERDICT_STREAM_NO;
		snprintf(out->why, sizeof out->why, "%s reports the stream to %s as %s", p->name,
		         s->name, state[0] ? state : "without a state");
	} else if (s_fresh && verdict_site_role(s) == PG_ROLE_STANDBY &&
	           strcmp(s->pg.receiver_status, "streaming") == 0) {
		out->state = VERDICT_STREAM_YES;
	} else if (p_fresh || s_fresh ||
	           (verdict_site_role(s) == PG_ROLE_DOWN && s->reachable)) {
		/* down is known only from a site that answers: a timed-out query on a site that
		 * does not is not "down" */
		out->state = VERDICT_STREAM_NO;
		verdict_not_streaming(s, out->why, sizeof out->why);
	} else {
		out->state = VERDICT_STREAM_UNKNOWN;
		verdict_last_heard(p, now_wall_ms, out->why, sizeof out->why);
		verdict_last_heard(s, now_wall_ms, out->why, sizeof out->why);
	}
}

/* Rule: at least one other site streams from the answering primary, as fresh data tells. */
static void verdict_judge_streaming(struct judge *j)
{
	char no[512] = "", unknown[512] = "";
	struct verdict_stream st;
	if (!j->primary_up)
		return;
	for (size_t i = 0; i < j->n; i++) {
		if ((int)i == j->primary)
			continue;
		verdict_stream(j->cf, j->sites, j->n, (size_t)j->primary, i, j->now, &st);
		if (st.state == VERDICT_STREAM_YES)
			return;
		if (st.state == VERDICT_STREAM_NO)
			verdict_append(no, sizeof no, "; ", "%s", st.why);
		else
			verdict_append(unknown, sizeof unknown, "; ", "%s", st.why);
	}
	j->no_stream = 1;
	const char *p = j->sites[j->primary].name;
	if (unknown[0] != '\0')
		verdict_add(j->v, VERDICT_UNKNOWN, VERDICT_KIND_STANDBY, p,
		            "whether a standby streams from primary %s is unknown (%s%s%s)", p,
		            unknown, no[0] ? "; " : "", no);
	else
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_STANDBY, p,
		            "no standby is streaming from primary %s%s%s%s", p, no[0] ? " (" : "",
		            no, no[0] ? ")" : "");
}

/* Writes ", N bytes behind the primary" when the primary's row tells, into buf. */
static void verdict_byte_lag(const struct judge *j, size_t i, char *buf, size_t len)
{
	char b[32];
	int row = j->primary_up
	              ? verdict_match_standby(j->cf, j->sites, j->n, (size_t)j->primary, i)
	              : -1;
	buf[0] = '\0';
	if (row < 0 || !j->sites[j->primary].pg.standbys[row].replay_lag_bytes.known)
		return;
	snprintf(buf, len, ", %s of WAL behind the primary",
	         bytes_text(j->sites[j->primary].pg.standbys[row].replay_lag_bytes.v, b, sizeof b));
}

/* Rule: a standby's replay delay against sync_interval (critical) and half of it (warning). */
static void verdict_judge_lag(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	int64_t lag, budget = j->cf->dr.sync_interval_ms;
	char lag_s[32], budget_s[32], bytes[96];
	if (verdict_site_role(s) != PG_ROLE_STANDBY)
		return;
	verdict_byte_lag(j, i, bytes, sizeof bytes);
	if (!verdict_fresh(j, s->pg.at_ms)) {
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_LAG, s->name,
		            "the replay delay of standby %s is unknown: PostgreSQL on %s last "
		            "answered %s ago%s",
		            s->name, s->name,
		            duration_text(j->now - s->pg.at_ms, lag_s, sizeof lag_s), bytes);
		return;
	}
	if (verdict_lag_ms(s, &lag) != 0) {
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_LAG, s->name,
		            "the replay delay of standby %s is unknown%s", s->name, bytes);
		return;
	}
	duration_text(lag, lag_s, sizeof lag_s);
	duration_text(budget, budget_s, sizeof budget_s);
	if (budget > 0 && lag > budget)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_LAG, s->name,
		            "standby %s is %s behind in replay, beyond sync_interval %s%s", s->name,
		            lag_s, budget_s, bytes);
	else if (budget > 0 && lag > budget / 2)
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_LAG, s->name,
		            "standby %s is %s behind in replay, over half of sync_interval %s%s",
		            s->name, lag_s, budget_s, bytes);
	else
		verdict_add(j->v, VERDICT_OK, VERDICT_KIND_LAG, s->name,
		            "standby %s is %s behind in replay%s", s->name, lag_s, bytes);
	if (s->pg.replay_paused)
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_LAG, s->name,
		            "WAL replay is paused on standby %s (SELECT pg_wal_replay_resume() "
		            "resumes it)",
		            s->name);
}

/* Rule: a site other than the primary that cannot be reached (unless said already). */
static void verdict_judge_reach(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	if ((int)i == j->primary || s->reachable || j->no_stream)
		return;
	verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_STANDBY, s->name, "%s is unreachable: %s",
	            s->name, verdict_why(s->error));
}

/* Rule: the backup listing worked and the newest backup is younger than max_age. */
static void verdict_judge_newest(struct judge *j, const struct site_status *s,
                                 const struct site *site)
{
	const struct snap_backups *b = &s->backups;
	char age_s[32], max_s[32];
	int64_t age;
	if (!b->ok) {
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_BACKUPS, s->name,
		            "the backups on %s are unknown: %s", s->name, verdict_why(b->error));
		return;
	}
	if (b->error[0] != '\0')
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_BACKUPS, s->name,
		            "backups on %s: %s", s->name, b->error);
	if (b->count == 0 || verdict_backup_age_s(b, j->now, &age) != 0) {
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_BACKUPS, s->name,
		            "no backup matches %s in %s on %s",
		            site && site->backups.pattern ? site->backups.pattern : "the pattern",
		            site && site->backups.dir ? site->backups.dir : "the backup folder",
		            s->name);
		return;
	}
	if (site != NULL && site->backups.max_age_ms > 0 && age * 1000 > site->backups.max_age_ms)
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_BACKUPS, s->name,
		            "the newest backup on %s is %s old, beyond max_age %s: %s", s->name,
		            duration_text(age * 1000, age_s, sizeof age_s),
		            duration_text(site->backups.max_age_ms, max_s, sizeof max_s),
		            b->newest_name);
}

/* Rule: backups that fail verification (critical) and expired ones still present (warning). */
static void verdict_judge_backups(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	const struct snap_backups *b = &s->backups;
	const struct site *site = conf_site(j->cf, s->name);
	if (!b->configured || (b->at_ms == 0 && !s->reachable))
		return;
	if (b->at_ms == 0) {
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_BACKUPS, s->name,
		            "the backups on %s are not listed yet", s->name);
		return;
	}
	verdict_judge_newest(j, s, site);
	if (b->invalid > 0) {
		char names[160] = "";
		for (int k = 0; k < b->invalid && k < SNAPSHOT_MAX_INVALID; k++)
			verdict_append(names, sizeof names, ", ", "%s", b->invalid_names[k]);
		verdict_add(j->v, VERDICT_CRITICAL, VERDICT_KIND_BACKUPS, s->name,
		            "%d backup%s on %s fail%s pg_restore --list: %s", b->invalid,
		            b->invalid == 1 ? "" : "s", s->name, b->invalid == 1 ? "s" : "", names);
	}
	if (b->ok && b->expired > 0)
		verdict_add(
		    j->v, VERDICT_WARNING, VERDICT_KIND_BACKUPS, s->name,
		    "%d backup%s on %s %s older than retention_days (%ld) and still present",
		    b->expired, b->expired == 1 ? "" : "s", s->name, b->expired == 1 ? "is" : "are",
		    site ? site->backups.retention_days : 0L);
}

/* Rule: a filesystem with less than a tenth free. */
static void verdict_judge_disk(struct judge *j, const struct site_status *s, const char *what,
                               const struct opt_i64 *avail, const struct opt_i64 *total)
{
	char a[32], t[32];
	if (!avail->known || !total->known || total->v <= 0 ||
	    avail->v * 100 >= total->v * VERDICT_DISK_LOW_PERCENT)
		return;
	verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
	            "the %s filesystem on %s is nearly full: %s free of %s", what, s->name,
	            bytes_text(avail->v, a, sizeof a), bytes_text(total->v, t, sizeof t));
}

/* Rule: the host probe ran, every service check passes, the disks have room. */
static void verdict_judge_health(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	const struct snap_health *h = &s->health;
	if (!s->reachable)
		return;
	if (h->at_ms == 0 && h->error[0] == '\0') {
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
		            "the host probe of %s has not answered yet", s->name);
		return;
	}
	if (h->at_ms == 0 || !h->ok) {
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
		            "the host probe of %s failed: %s", s->name, verdict_why(h->error));
		return;
	}
	if (h->error[0] != '\0')
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
		            "the host probe of %s: %s", s->name, h->error);
	for (size_t k = 0; k < h->n_services && k < SNAPSHOT_MAX_SERVICES; k++) {
		const struct snap_service *svc = &h->services[k];
		if (svc->ok)
			continue;
		if (svc->exit_status < 0)
			verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
			            "the check of service %s on %s did not finish", svc->name,
			            s->name);
		else
			verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
			            "service %s on %s fails its check (exit status %d)", svc->name,
			            s->name, svc->exit_status);
	}
	verdict_judge_disk(j, s, "data", &h->data_free_bytes, &h->data_total_bytes);
	verdict_judge_disk(j, s, "backup", &h->backup_free_bytes, &h->backup_total_bytes);
}

/* Appends "PART AGE old" to a list in buf when the part is stale. */
static void verdict_stale_part(const struct judge *j, const char *part, int64_t at_ms, char *buf,
                               size_t len)
{
	char age[32];
	if (at_ms == 0 || verdict_fresh(j, at_ms))
		return;
	verdict_append(buf, len, ", ", "%s %s old", part,
	               duration_text(j->now - at_ms, age, sizeof age));
}

/* Rule: a site's parts older than two probe intervals are stale (one reason per site). */
static void verdict_judge_stale(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	char parts[160] = "", every[32];
	verdict_stale_part(j, "postgres", s->pg.at_ms, parts, sizeof parts);
	verdict_stale_part(j, "health", s->health.at_ms, parts, sizeof parts);
	if (s->backups.configured)
		verdict_stale_part(j, "backups", s->backups.at_ms, parts, sizeof parts);
	if (parts[0] == '\0')
		return;
	verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name,
	            "stale data from %s: %s (probe every %s)", s->name, parts,
	            duration_text(j->interval_ms, every, sizeof every));
}

/* Rule: configuration conformity findings are warnings. */
static void verdict_judge_findings(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	for (size_t k = 0; k < s->pg.n_findings && k < SNAPSHOT_MAX_FINDINGS; k++)
		verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_OTHER, s->name, "%s: %s", s->name,
		            s->pg.findings[k]);
}

/*
 * A standby-side site that answers SSH but whose PostgreSQL does not answer
 * drconsole: its replay cannot be judged, even if the primary still lists a
 * streaming standby (it may be another one, or the stream may be stale).
 */
static void verdict_judge_standby_silent(struct judge *j, size_t i)
{
	const struct site_status *s = &j->sites[i];
	if ((int)i == j->primary || !s->reachable || s->pg.up)
		return;
	verdict_add(j->v, VERDICT_WARNING, VERDICT_KIND_STANDBY, s->name,
	            "PostgreSQL on %s does not answer, so its replay cannot be judged: %s", s->name,
	            s->pg.error[0] ? s->pg.error : "no reason given");
}

/* Judges one site's own rules. */
static void verdict_judge_site(struct judge *j, size_t i)
{
	verdict_judge_old_primary(j, i);
	verdict_judge_standby_silent(j, i);
	if ((int)i != j->primary)
		verdict_judge_lag(j, i);
	verdict_judge_reach(j, i);
	verdict_judge_backups(j, i);
	verdict_judge_health(j, i);
	verdict_judge_stale(j, i);
	verdict_judge_findings(j, i);
}

/* Sets the overall level from the reasons. */
static void verdict_settle(struct verdict *v)
{
	v->level = VERDICT_OK;
	for (size_t i = 0; i < v->n; i++)
		if (verdict_rank(v->reasons[i].level) > verdict_rank(v->level))
			v->level = v->reasons[i].level;
}

/* Judges the sites' snapshots into *v. */
void verdict_judge(const struct conf *cf, const struct site_status *sites, size_t n,
                   int64_t now_wall_ms, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	struct judge j = {cf, sites, n, now_wall_ms, verdict_interval(cf), -1, 0, 0, 0, v};
	if (!verdict_judge_nothing(&j)) {
		j.primary = verdict_primary(cf, sites, n);
		j.primary_up = j.primary >= 0 && verdict_is_primary(&sites[j.primary]);
		verdict_judge_split(&j);
		verdict_judge_primary(&j);
		verdict_judge_streaming(&j);
		for (size_t i = 0; i < n; i++)
			verdict_judge_site(&j, i);
	}
	verdict_sort(v);
	verdict_settle(v);
}

/* Adds a finding made outside the sites' snapshots (the fence state) and settles the level anew. */
void verdict_note(struct verdict *v, enum verdict_level level, enum verdict_kind kind,
                  const char *site, const char *text)
{
	verdict_add(v, level, kind, site, "%s", text);
	verdict_sort(v);
	verdict_settle(v);
}

/* Returns a reason's sentence for the screen: in the reader's language, else as recorded. */
const char *verdict_shown(const struct verdict_reason *r)
{
	return r->shown[0] != '\0' ? r->shown : r->text;
}

/* Returns the reason that heads the verdict (the first of its level), or NULL when all is ok. */
const struct verdict_reason *verdict_top(const struct verdict *v)
{
	return v->level != VERDICT_OK && v->n > 0 && v->reasons[0].level == v->level
	           ? &v->reasons[0]
	           : NULL;
}

/* Returns how many reasons above ok there are besides the top one, those left out included. */
size_t verdict_more(const struct verdict *v)
{
	size_t more = v->dropped;
	for (size_t i = 0; i < v->n; i++)
		more += v->reasons[i].level != VERDICT_OK;
	return more > 0 && verdict_top(v) != NULL ? more - 1 : more;
}

/* Returns the exit code of a level: 0 ok, 1 warning, 2 critical, 3 unknown. */
int verdict_exit_code(enum verdict_level level)
{
	switch (level) {
	case VERDICT_OK:
		return 0;
	case VERDICT_WARNING:
		return 1;
	case VERDICT_CRITICAL:
		return 2;
	default:
		return 3;
	}
}

/* Returns a level's name: "ok", "warning", "critical" or "unknown". */
const char *verdict_name(enum verdict_level level)
{
	switch (level) {
	case VERDICT_OK:
		return "ok";
	case VERDICT_WARNING:
		return "warning";
	case VERDICT_CRITICAL:
		return "critical";
	default:
		return "unknown";
	}
}
