/*
 * drconsole status --json. One object:
 *
 *   overall, exit_code, time, reasons[]   the verdict
 *   error          why no status could be taken (a config or usage error:
 *                  overall is then "unknown"), else null
 *   sites[]        name, role, configured_as, reachable, error, age_s, and
 *                  postgres{}, health{}, backups{}, probe{} (round trips)
 *   replication[]  from the primary to each other site: state, lag_bytes,
 *                  lag_s, replay_delay_s, receiver_status
 *   fence          the fence on return kept in state_dir (fencestate.h):
 *                  armed, site, since, and error when the state cannot be
 *                  read (armed is then null: not known); left out by
 *                  status_json_render, which has no state to tell
 *   watcher        the watcher for this state folder (watchstate.h):
 *                  running (from its lock), mode, state, since,
 *                  last_check, pid, host, detail (null when no watcher
 *                  ever wrote its status here), and error when its
 *                  presence cannot be read (running is then null); left
 *                  out by the renderers given no watcher
 *
 * The keys of DESIGN section 5 are stable; the rest may grow. A value that is
 * not known is null: never-answered parts, a value whose known flag is off,
 * an empty text. Ages (age_s) say how old each part is, so a reader can tell
 * stale from fresh. Text from the sites is made valid UTF-8 (a bad byte
 * becomes U+FFFD), since jansson refuses anything else.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "probe_sql.h"
#include "status_json.h"
#include "utf8.h"
#include "xmalloc.h"

/* Returns text as a JSON string (invalid UTF-8 replaced), or null when it is NULL or empty. */
static json_t *status_json_text(const char *s)
{
	return s != NULL && *s != '\0' ? utf8_json_string(s) : json_null();
}

/* Returns an optional integer, null when unknown. */
static json_t *status_json_opt(const struct opt_i64 *v)
{
	return v->known ? json_integer(v->v) : json_null();
}

/* Returns an optional LSN as text ("0/3000148"), null when unknown. */
static json_t *status_json_lsn(const struct opt_i64 *v)
{
	char buf[LSN_TEXT_MAX];
	if (!v->known)
		return json_null();
	lsn_format(v->v, buf, sizeof buf);
	return json_string(buf);
}

/* Returns milliseconds as seconds (a number with a fraction), null when unknown. */
static json_t *status_json_secs(int known, int64_t ms)
{
	return known ? json_real((double)ms / 1000) : json_null();
}

/* Returns the age of a part refreshed at at_ms, in seconds; null when it never was. */
static json_t *status_json_age(int64_t at_ms, int64_t now)
{
	return status_json_secs(at_ms > 0, now > at_ms ? now - at_ms : 0);
}

/* Returns a boolean, or null when it is not known. */
static json_t *status_json_bool(int known, int value)
{
	return known ? json_boolean(value) : json_null();
}

/* Sets obj[key] to value (a new reference); returns obj, to chain. */
static json_t *status_json_set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value);
	return obj;
}

/* Returns one pg_stat_replication row. */
static json_t *status_json_standby(const struct snap_standby *sb)
{
	json_t *o = json_object();
	status_json_set(o, "application_name", status_json_text(sb->application_name));
	status_json_set(o, "client_addr", status_json_text(sb->client_addr));
	status_json_set(o, "state", status_json_text(sb->state));
	status_json_set(o, "sync_state", status_json_text(sb->sync_state));
	status_json_set(o, "sent_lsn", status_json_lsn(&sb->sent_lsn));
	status_json_set(o, "write_lsn", status_json_lsn(&sb->write_lsn));
	status_json_set(o, "flush_lsn", status_json_lsn(&sb->flush_lsn));
	status_json_set(o, "replay_lsn", status_json_lsn(&sb->replay_lsn));
	return status_json_set(o, "lag_bytes", status_json_opt(&sb->replay_lag_bytes));
}

/* Returns one replication slot. */
static json_t *status_json_slot(const struct snap_slot *sl)
{
	json_t *o = json_object();
	status_json_set(o, "name", status_json_text(sl->name));
	status_json_set(o, "active", json_boolean(sl->active));
	status_json_set(o, "restart_lsn", status_json_lsn(&sl->restart_lsn));
	return status_json_set(o, "retained_bytes", status_json_opt(&sl->retained_bytes));
}

/* Adds the rows, slots and findings of the PostgreSQL part to obj, as arrays. */
static void status_json_pg_lists(json_t *obj, const struct snap_pg *pg)
{
	json_t *standbys = json_array(), *slots = json_array(), *findings = json_array();
	for (size_t i = 0; i < pg->n_standbys && i < SNAPSHOT_MAX_STANDBYS; i++)
		json_array_append_new(standbys, status_json_standby(&pg->standbys[i]));
	for (size_t i = 0; i < pg->n_slots && i < SNAPSHOT_MAX_SLOTS; i++)
		json_array_append_new(slots, status_json_slot(&pg->slots[i]));
	for (size_t i = 0; i < pg->n_findings && i < SNAPSHOT_MAX_FINDINGS; i++)
		json_array_append_new(findings, status_json_text(pg->findings[i]));
	status_json_set(obj, "standbys", standbys);
	status_json_set(obj, "slots", slots);
	status_json_set(obj, "findings", findings);
}

/* Returns the conformity settings (null each when unknown). */
static json_t *status_json_settings(const struct snap_pg *pg)
{
	json_t *o = json_object();
	status_json_set(o, "wal_level", status_json_text(pg->wal_level));
	status_json_set(o, "max_wal_senders", status_json_opt(&pg->max_wal_senders));
	status_json_set(o, "wal_keep_size_mb", status_json_opt(&pg->wal_keep_size_mb));
	return status_json_set(o, "hot_standby",
	                       status_json_bool(pg->hot_standby >= 0, pg->hot_standby > 0));
}

/* Returns the PostgreSQL part of a site; answer values are null until it first answered. */
static json_t *status_json_pg(const struct site_status *s, int64_t now)
{
	const struct snap_pg *pg = &s->pg;
	enum pg_role role = verdict_site_role(s);
	int standby = role == PG_ROLE_STANDBY;
	int64_t lag = 0;
	int lag_known = verdict_lag_ms(s, &lag) == 0;
	json_t *o = json_object();
	status_json_set(o, "up", status_json_bool(s->at_ms > 0 || pg->at_ms > 0, pg->up));
	status_json_set(o, "in_recovery",
	                status_json_bool(standby || role == PG_ROLE_PRIMARY, standby));
	status_json_set(o, "error", status_json_text(pg->error));
	status_json_set(o, "age_s", status_json_age(pg->at_ms, now));
	status_json_set(o, "version", status_json_text(pg->version));
	status_json_set(o, "timeline", status_json_opt(&pg->timeline));
	status_json_set(o, "current_lsn", status_json_lsn(&pg->current_lsn));
	status_json_set(o, "receive_lsn", status_json_lsn(&pg->receive_lsn));
	status_json_set(o, "replay_lsn", status_json_lsn(&pg->replay_lsn));
	status_json_set(o, "replay_delay_s",
	                status_json_secs(pg->replay_delay_ms.known, pg->replay_delay_ms.v));
	status_json_set(o, "lag_s", status_json_secs(lag_known, lag));
	status_json_set(o, "replay_paused", status_json_bool(standby, pg->replay_paused));
	status_json_set(o, "replay_waiting", status_json_bool(standby, pg->replay_waiting));
	status_json_set(o, "receiver_status", status_json_text(pg->receiver_status));
	status_json_set(o, "receiver_host", status_json_text(pg->receiver_host));
	status_json_set(o, "settings", pg->at_ms > 0 ? status_json_settings(pg) : json_null());
	status_json_pg_lists(o, pg);
	return o;
}

/* Returns the service checks' outcomes (exit_status null: the check did not finish). */
static json_t *status_json_services(const struct snap_health *h)
{
	json_t *list = json_array();
	for (size_t i = 0; i < h->n_services && i < SNAPSHOT_MAX_SERVICES; i++) {
		const struct snap_service *svc = &h->services[i];
		json_t *o = json_object();
		status_json_set(o, "name", status_json_text(svc->name));
		status_json_set(o, "ok", json_boolean(svc->ok));
		status_json_set(o, "exit_status",
		                svc->exit_status >= 0 ? json_integer(svc->exit_status)
		                                      : json_null());
		json_array_append_new(list, o);
	}
	return list;
}

/* Returns the host part of a site: load, disks, services; null values until it answered. */
static json_t *status_json_health(const struct snap_health *h, int64_t now)
{
	int known = h->at_ms > 0;
	json_t *o = json_object();
	status_json_set(o, "ok", status_json_bool(known || h->error[0], h->ok));
	status_json_set(o, "error", status_json_text(h->error));
	status_json_set(o, "age_s", status_json_age(h->at_ms, now));
	status_json_set(o, "rtt_ms", status_json_opt(&h->rtt_ms));
	status_json_set(o, "load1", h->load_known ? json_real(h->load1) : json_null());
	status_json_set(o, "data_free_bytes", status_json_opt(&h->data_free_bytes));
	status_json_set(o, "data_total_bytes", status_json_opt(&h->data_total_bytes));
	status_json_set(o, "backup_free_bytes", status_json_opt(&h->backup_free_bytes));
	status_json_set(o, "backup_total_bytes", status_json_opt(&h->backup_total_bytes));
	return status_json_set(o, "services", known ? status_json_services(h) : json_null());
}

/* Returns an int when it is known, null otherwise. */
static json_t *status_json_int_if(int known, int64_t v)
{
	return known ? json_integer(v) : json_null();
}

/* Returns the names of the backups that failed verification. */
static json_t *status_json_invalid(const struct snap_backups *b)
{
	json_t *names = json_array();
	for (int i = 0; i < b->invalid && i < SNAPSHOT_MAX_INVALID; i++)
		json_array_append_new(names, status_json_text(b->invalid_names[i]));
	return names;
}

/* Returns the backups part of a site; counts are null unless the last listing worked. */
static json_t *status_json_backups(const struct snap_backups *b, int64_t now)
{
	int listed = b->configured && b->ok && b->at_ms > 0;
	int seen = b->configured && b->at_ms > 0;
	int64_t age = 0;
	int age_known = listed && verdict_backup_age_s(b, now, &age) == 0;
	json_t *o = json_object();
	status_json_set(o, "configured", json_boolean(b->configured));
	status_json_set(o, "ok", status_json_bool(seen || b->error[0], b->ok));
	status_json_set(o, "error", status_json_text(b->error));
	status_json_set(o, "age_s", status_json_age(b->at_ms, now));
	status_json_set(o, "count", status_json_int_if(listed, b->count));
	status_json_set(o, "total_bytes", status_json_int_if(listed, b->total_bytes));
	status_json_set(o, "newest_name", listed ? status_json_text(b->newest_name) : json_null());
	status_json_set(o, "newest_bytes", status_json_int_if(age_known, b->newest_bytes));
	status_json_set(o, "newest_age_s", status_json_int_if(age_known, age));
	status_json_set(o, "expired", status_json_int_if(listed, b->expired));
	status_json_set(o, "invalid", status_json_int_if(seen, b->invalid));
	status_json_set(o, "invalid_names", seen ? status_json_invalid(b) : json_null());
	return status_json_set(o, "unverified", status_json_int_if(seen, b->unverified));
}

/* Returns "primary" or "dr" when the config names the site so, else null. */
static json_t *status_json_configured_as(const struct conf *cf, const char *name)
{
	if (cf->dr.primary_site && strcmp(cf->dr.primary_site, name) == 0)
		return json_string("primary");
	if (cf->dr.dr_site && strcmp(cf->dr.dr_site, name) == 0)
		return json_string("dr");
	return json_null();
}

/* Returns the probe's round trips of the last cycle. */
static json_t *status_json_probe(const struct site_status *s)
{
	json_t *o = json_object();
	status_json_set(o, "execs_last_cycle", json_integer(s->execs_last_cycle));
	return status_json_set(o, "queries_last_cycle", json_integer(s->queries_last_cycle));
}

/* Returns one site. */
static json_t *status_json_site(const struct conf *cf, const struct site_status *s, int64_t now)
{
	int published = s->at_ms > 0 || s->error[0] != '\0';
	json_t *o = json_object();
	status_json_set(o, "name", status_json_text(s->name));
	status_json_set(o, "role", json_string(verdict_role_name(verdict_site_role(s))));
	status_json_set(o, "configured_as", status_json_configured_as(cf, s->name));
	status_json_set(o, "reachable", status_json_bool(published, s->reachable));
	status_json_set(o, "error", status_json_text(s->error));
	status_json_set(o, "age_s", status_json_age(s->at_ms, now));
	status_json_set(o, "postgres", status_json_pg(s, now));
	status_json_set(o, "health", status_json_health(&s->health, now));
	status_json_set(o, "backups", status_json_backups(&s->backups, now));
	return status_json_set(o, "probe", status_json_probe(s));
}

/* Returns the replication link from the primary p to site i. */
static json_t *status_json_link(const struct conf *cf, const struct site_status *sites, size_t n,
                                int p, size_t i)
{
	const struct snap_standby *row = NULL;
	if (verdict_site_role(&sites[p]) == PG_ROLE_PRIMARY) {
		int r = verdict_match_standby(cf, sites, n, (size_t)p, i);
		row = r >= 0 ? &sites[p].pg.standbys[r] : NULL;
	}
	const struct snap_pg *pg = &sites[i].pg;
	int standby = verdict_site_role(&sites[i]) == PG_ROLE_STANDBY;
	int64_t lag = 0;
	int lag_known = verdict_lag_ms(&sites[i], &lag) == 0;
	json_t *o = json_object();
	status_json_set(o, "from", status_json_text(sites[p].name));
	status_json_set(o, "to", status_json_text(sites[i].name));
	status_json_set(o, "state", row ? status_json_text(row->state) : json_null());
	status_json_set(o, "sync_state", row ? status_json_text(row->sync_state) : json_null());
	status_json_set(o, "lag_bytes",
	                row ? status_json_opt(&row->replay_lag_bytes) : json_null());
	status_json_set(o, "lag_s", status_json_secs(lag_known, lag));
	status_json_set(
	    o, "replay_delay_s",
	    status_json_secs(standby && pg->replay_delay_ms.known, pg->replay_delay_ms.v));
	status_json_set(o, "receiver_status",
	                standby ? status_json_text(pg->receiver_status) : json_null());
	return status_json_set(o, "application_name",
	                       row ? status_json_text(row->application_name) : json_null());
}

/* Returns the links from the primary (by role, else the configured one) to every other site. */
static json_t *status_json_replication(const struct conf *cf, const struct site_status *sites,
                                       size_t n)
{
	json_t *links = json_array();
	int p = verdict_primary(cf, sites, n);
	for (size_t i = 0; p >= 0 && i < n; i++)
		if ((int)i != p)
			json_array_append_new(links, status_json_link(cf, sites, n, p, i));
	return links;
}

/* Returns the verdict's reasons. */
static json_t *status_json_reasons(const struct verdict *v)
{
	json_t *reasons = json_array();
	for (size_t i = 0; i < v->n && i < VERDICT_MAX_REASONS; i++) {
		json_t *o = json_object();
		status_json_set(o, "level", json_string(verdict_name(v->reasons[i].level)));
		status_json_set(o, "site", status_json_text(v->reasons[i].site));
		status_json_set(o, "text", status_json_text(v->reasons[i].text));
		json_array_append_new(reasons, o);
	}
	return reasons;
}

/* Returns the wall clock as RFC 3339 UTC with milliseconds. */
static json_t *status_json_time(int64_t now)
{
	char buf[40];
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	if (now <= 0 || gmtime_r(&t, &tm) == NULL)
		return json_null();
	size_t len = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, sizeof buf - len, ".%03dZ", (int)(now % 1000));
	return json_string(buf);
}

/* Returns the fence state: fence as read, or (fence NULL) armed null and why it is not known. */
static json_t *status_json_fence(const struct fencestate *fence, const char *error)
{
	int known = fence != NULL && error == NULL;
	int armed = known && fence->armed;
	json_t *o = json_object();
	status_json_set(o, "armed", known ? json_boolean(armed) : json_null());
	status_json_set(o, "site", armed ? status_json_text(fence->site) : json_null());
	status_json_set(o, "since", armed ? status_json_text(fence->arm.at) : json_null());
	return status_json_set(o, "error", status_json_text(error));
}

/*
 * Returns the watcher's presence: ws as read (running from its lock; the
 * rest null when it never wrote its status), or (ws NULL) running null and
 * why it is not known.
 */
static json_t *status_json_watcher(const struct watchstate *ws, const char *error)
{
	int known = ws != NULL && error == NULL, seen = known && ws->present;
	json_t *o = json_object();
	status_json_set(o, "running", known ? json_boolean(ws->running) : json_null());
	status_json_set(o, "mode", seen ? status_json_text(ws->mode) : json_null());
	status_json_set(o, "state", seen ? status_json_text(ws->state) : json_null());
	status_json_set(o, "since", seen ? status_json_text(ws->since) : json_null());
	status_json_set(o, "last_check", seen ? status_json_text(ws->last_check) : json_null());
	status_json_set(o, "pid", seen && ws->pid > 0 ? json_integer(ws->pid) : json_null());
	status_json_set(o, "host", seen ? status_json_text(ws->host) : json_null());
	status_json_set(o, "detail", seen ? status_json_text(ws->detail) : json_null());
	return status_json_set(o, "error", status_json_text(error));
}

/* Renders the object, with error (or null) as why no status could be taken. */
static char *status_json_build(const struct conf *cf, const struct site_status *sites, size_t n,
                               const struct verdict *v, int64_t now_wall_ms, const char *error,
                               json_t *fence, json_t *watcher,
                               const struct status_json_state *st)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *site = status_json_site(cf, &sites[i], now_wall_ms);
		const struct site *s = conf_site(cf, sites[i].name);
		if (st != NULL && s != NULL && sites[i].backups.configured)
			status_json_set(json_object_get(site, "backups"), "proven",
			                restoreproof_status_json(st->proofs, st->proofs_error, s,
			                                         &sites[i].backups, now_wall_ms));
		json_array_append_new(list, site);
	}
	json_t *root = json_object();
	status_json_set(root, "overall", json_string(verdict_name(v->level)));
	status_json_set(root, "exit_code", json_integer(verdict_exit_code(v->level)));
	status_json_set(root, "time", status_json_time(now_wall_ms));
	status_json_set(root, "reasons", status_json_reasons(v));
	status_json_set(root, "error", status_json_text(error));
	status_json_set(root, "sites", list);
	status_json_set(root, "replication", status_json_replication(cf, sites, n));
	if (fence != NULL)
		status_json_set(root, "fence", fence);
	if (watcher != NULL)
		status_json_set(root, "watcher", watcher);
	char *text =
	    utf8_json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (text == NULL)
		abort(); /* only out of memory: every value above is valid */
	return text;
}

/* Renders status --json (newly allocated, free it with free). */
char *status_json_render(const struct conf *cf, const struct site_status *sites, size_t n,
                         const struct verdict *v, int64_t now_wall_ms)
{
	return status_json_build(cf, sites, n, v, now_wall_ms, NULL, NULL, NULL, NULL);
}

/*
 * Renders status --json with the fence state: fence as fencestate_read gave
 * it, or NULL with fence_error saying why it could not be read.
 */
char *status_json_render_fence(const struct conf *cf, const struct site_status *sites, size_t n,
                               const struct verdict *v, int64_t now_wall_ms,
                               const struct fencestate *fence, const char *fence_error)
{
	return status_json_build(cf, sites, n, v, now_wall_ms, NULL,
	                         status_json_fence(fence, fence_error), NULL, NULL);
}

/*
 * Renders status --json with what the state folder tells: the kept fence
 * and the watcher's presence, each as read or NULL with why it could not be.
 */
char *status_json_render_state(const struct conf *cf, const struct site_status *sites, size_t n,
                               const struct verdict *v, int64_t now_wall_ms,
                               const struct status_json_state *st)
{
	return status_json_build(cf, sites, n, v, now_wall_ms, NULL,
	                         status_json_fence(st->fence, st->fence_error),
	                         status_json_watcher(st->watch, st->watch_error), st);
}

/*
 * Renders status --json when no status could be taken (the config does not
 * load, the command line is wrong): overall "unknown", the error as its one
 * reason, no sites; a monitoring pipeline always has an object to parse.
 */
char *status_json_render_error(const char *error, int64_t now_wall_ms)
{
	static const struct conf none;
	struct verdict *v = xcalloc(1, sizeof *v); /* large: not on the stack */
	v->level = VERDICT_UNKNOWN;
	v->n = 1;
	v->reasons[0].level = VERDICT_UNKNOWN;
	v->reasons[0].kind = VERDICT_KIND_OTHER;
	snprintf(v->reasons[0].text, sizeof v->reasons[0].text, "%s", error);
	char *text = status_json_build(&none, NULL, 0, v, now_wall_ms, error, NULL, NULL, NULL);
	free(v);
	return text;
}
