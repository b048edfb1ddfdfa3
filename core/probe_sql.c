/*
 * The PostgreSQL probe (PostgreSQL 15). One statement, one row, one column: a
 * json object built on the server, so a probe cycle costs one round trip and
 * the answer is parsed with jansson instead of column by column.
 *
 * The same text runs on a primary and on a standby. Functions that only work
 * in one role (pg_current_wal_lsn errors on a standby, the replay functions
 * on a primary) sit behind CASE on pg_is_in_recovery(), so their keys are
 * null in the other role. The timeline comes from the current WAL file name
 * on a primary (pg_control_checkpoint lags after a promotion until the next
 * checkpoint), from pg_stat_wal_receiver on a streaming standby, and from the
 * control file only when the standby has no receiver. Settings are read from
 * pg_settings, which leaves out (rather than fails on) the ones the user may
 * not read, such as data_directory and primary_conninfo without pg_monitor.
 *
 * The parser sets a value's known flag only when the key is present and not
 * null, and adds configuration conformity findings (the seed plan's settings
 * checked against what streaming replication needs) without ever copying a
 * secret into them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "probe_sql.h"
#include "secret.h"
#include "xmalloc.h"

static const char probe_sql_statement[] =
    "SELECT json_build_object(\n"
    "  'version', current_setting('server_version'),\n"
    "  'version_num', current_setting('server_version_num')::int,\n"
    "  'in_recovery', r.rec,\n"
    "  'timeline', CASE WHEN r.rec\n"
    "      THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver),\n"
    "                    (pg_control_checkpoint()).timeline_id)\n"
    "      ELSE ('x' || lpad(substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8), 16, '0'))"
    "::bit(64)::bigint END,\n"
    "  'current_lsn', CASE WHEN NOT r.rec THEN pg_current_wal_lsn()::text END,\n"
    "  'receive_lsn', CASE WHEN r.rec THEN pg_last_wal_receive_lsn()::text END,\n"
    "  'replay_lsn', CASE WHEN r.rec THEN pg_last_wal_replay_lsn()::text END,\n"
    "  'replay_delay_ms', CASE WHEN r.rec THEN\n"
    "      (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint END,\n"
    "  'replay_pause_state', CASE WHEN r.rec THEN pg_get_wal_replay_pause_state() END,\n"
    "  'replay_waiting', CASE WHEN r.rec THEN (SELECT wait_event IN ('RecoveryWalStream',\n"
    "      'RecoveryRetrieveRetryInterval') FROM pg_stat_activity\n"
    "      WHERE backend_type = 'startup' LIMIT 1) END,\n"
    "  'receiver', (SELECT json_build_object('status', status, 'sender_host', sender_host,\n"
    "                  'sender_port', sender_port, 'received_tli', received_tli)\n"
    "               FROM pg_stat_wal_receiver LIMIT 1),\n"
    "  'standbys', coalesce((SELECT json_agg(json_build_object(\n"
    "        'application_name', application_name, 'client_addr', host(client_addr),\n"
    "        'state', state, 'sync_state', sync_state,\n"
    "        'sent_lsn', sent_lsn::text, 'write_lsn', write_lsn::text,\n"
    "        'flush_lsn', flush_lsn::text, 'replay_lsn', replay_lsn::text,\n"
    "        'lag_bytes', CASE WHEN NOT r.rec\n"
    "            THEN pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint END)\n"
    "        ORDER BY application_name, pid)\n"
    "      FROM pg_stat_replication), '[]'::json),\n"
    "  'slots', coalesce((SELECT json_agg(json_build_object(\n"
    "        'slot_name', slot_name, 'active', active, 'restart_lsn', restart_lsn::text,\n"
    "        'retained_bytes', pg_wal_lsn_diff(CASE WHEN r.rec THEN pg_last_wal_replay_lsn()\n"
    "            ELSE pg_current_wal_lsn() END, restart_lsn)::bigint)\n"
    "        ORDER BY slot_name)\n"
    "      FROM pg_replication_slots), '[]'::json),\n"
    "  'settings', (SELECT json_object_agg(name, setting) FROM pg_settings\n"
    "      WHERE name IN ('wal_level', 'max_wal_senders', 'wal_keep_size', 'hot_standby',\n"
    "                     'data_directory', 'primary_conninfo')))\n"
    "FROM (SELECT pg_is_in_recovery() AS rec) AS r\n";

/* Returns the probe statement (one row, one json column). */
const char *probe_sql_text(void)
{
	return probe_sql_statement;
}

/* Reads 1 to 8 hex digits from *p into *out and advances *p; -1 if there are none or more. */
static int lsn_half(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;
	for (;; n++) {
		char c = (*p)[n];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			break;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0 || n > 8)
		return -1;
	*p += n;
	*out = v;
	return 0;
}

/* Parses an LSN "X/Y" (hex) into (X<<32)|Y; -1 on anything else, *out untouched. */
int lsn_parse(const char *text, int64_t *out)
{
	uint64_t hi, lo;
	const char *p = text;
	if (p == NULL || lsn_half(&p, &hi) != 0 || *p++ != '/' || lsn_half(&p, &lo) != 0 ||
	    *p != '\0')
		return -1;
	*out = (int64_t)(hi << 32 | lo);
	return 0;
}

/* Writes an LSN as PostgreSQL prints it ("0/3000148"). */
void lsn_format(int64_t lsn, char *buf, size_t len)
{
	uint64_t u = (uint64_t)lsn;
	snprintf(buf, len, "%" PRIX64 "/%" PRIX64, u >> 32, u & 0xffffffffu);
}

/* Copies obj[key] into buf if it is a string (truncated to fit); "" otherwise. */
static void probe_sql_str(const json_t *obj, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(obj, key));
	snprintf(buf, len, "%s", s ? s : "");
}

/* Sets *v from obj[key] if it is an integer; unknown otherwise. */
static void probe_sql_int(const json_t *obj, const char *key, struct opt_i64 *v)
{
	const json_t *j = json_object_get(obj, key);
	v->known = json_is_integer(j);
	v->v = v->known ? (int64_t)json_integer_value(j) : 0;
}

/* Sets *v from obj[key] if it is an LSN string; unknown otherwise. */
static void probe_sql_lsn(const json_t *obj, const char *key, struct opt_i64 *v)
{
	v->v = 0;
	v->known = lsn_parse(json_string_value(json_object_get(obj, key)), &v->v) == 0;
}

/* Sets *v from a pg_settings value holding a whole number; unknown otherwise. */
static void probe_sql_setting_int(const json_t *settings, const char *key, struct opt_i64 *v)
{
	const char *s = json_string_value(json_object_get(settings, key));
	char *end;
	v->known = 0;
	v->v = 0;
	if (s == NULL || *s == '\0')
		return;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0') {
		v->known = 1;
		v->v = n;
	}
}

/* Fills one standby from a pg_stat_replication row. */
static void probe_sql_standby(const json_t *row, struct snap_standby *sb)
{
	probe_sql_str(row, "application_name", sb->application_name, sizeof sb->application_name);
	probe_sql_str(row, "client_addr", sb->client_addr, sizeof sb->client_addr);
	probe_sql_str(row, "state", sb->state, sizeof sb->state);
	probe_sql_str(row, "sync_state", sb->sync_state, sizeof sb->sync_state);
	probe_sql_lsn(row, "sent_lsn", &sb->sent_lsn);
	probe_sql_lsn(row, "write_lsn", &sb->write_lsn);
	probe_sql_lsn(row, "flush_lsn", &sb->flush_lsn);
	probe_sql_lsn(row, "replay_lsn", &sb->replay_lsn);
	probe_sql_int(row, "lag_bytes", &sb->replay_lag_bytes);
}

/* Fills one slot from a pg_replication_slots row. */
static void probe_sql_slot(const json_t *row, struct snap_slot *sl)
{
	probe_sql_str(row, "slot_name", sl->name, sizeof sl->name);
	sl->active = json_is_true(json_object_get(row, "active"));
	probe_sql_lsn(row, "restart_lsn", &sl->restart_lsn);
	probe_sql_int(row, "retained_bytes", &sl->retained_bytes);
}

/* Fills the standbys and the slots from their arrays (extra rows beyond the limits are dropped). */
static void probe_sql_rows(const json_t *root, struct snap_pg *pg)
{
	const json_t *rows = json_object_get(root, "standbys");
	for (size_t i = 0; i < json_array_size(rows) && pg->n_standbys < SNAPSHOT_MAX_STANDBYS; i++)
		probe_sql_standby(json_array_get(rows, i), &pg->standbys[pg->n_standbys++]);
	rows = json_object_get(root, "slots");
	for (size_t i = 0; i < json_array_size(rows) && pg->n_slots < SNAPSHOT_MAX_SLOTS; i++)
		probe_sql_slot(json_array_get(rows, i), &pg->slots[pg->n_slots++]);
}

/* Fills the standby-side values: receiver, replay position, delay and pause state. */
static void probe_sql_recovery(const json_t *root, struct snap_pg *pg)
{
	const json_t *rcv = json_object_get(root, "receiver");
	probe_sql_str(rcv, "status", pg->receiver_status, sizeof pg->receiver_status);
	probe_sql_str(rcv, "sender_host", pg->receiver_host, sizeof pg->receiver_host);
	probe_sql_int(rcv, "sender_port", &pg->receiver_port);
	probe_sql_lsn(root, "receive_lsn", &pg->receive_lsn);
	probe_sql_lsn(root, "replay_lsn", &pg->replay_lsn);
	probe_sql_int(root, "replay_delay_ms", &pg->replay_delay_ms);
	const char *pause = json_string_value(json_object_get(root, "replay_pause_state"));
	pg->replay_paused = pause != NULL && strcmp(pause, "not paused") != 0;
	pg->replay_waiting = json_is_true(json_object_get(root, "replay_waiting"));
}

/* Fills the conformity settings; hot_standby is -1 when unknown. */
static void probe_sql_settings(const json_t *settings, struct snap_pg *pg)
{
	probe_sql_str(settings, "wal_level", pg->wal_level, sizeof pg->wal_level);
	probe_sql_setting_int(settings, "max_wal_senders", &pg->max_wal_senders);
	probe_sql_setting_int(settings, "wal_keep_size", &pg->wal_keep_size_mb);
	const char *hs = json_string_value(json_object_get(settings, "hot_standby"));
	pg->hot_standby = hs == NULL ? -1 : strcmp(hs, "on") == 0;
}

/* Appends one conformity finding (dropped when the list is full). */
__attribute__((format(printf, 2, 3))) static void probe_sql_finding(struct snap_pg *pg,
                                                                    const char *fmt, ...)
{
	if (pg->n_findings >= SNAPSHOT_MAX_FINDINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pg->findings[pg->n_findings++], sizeof pg->findings[0], fmt, ap);
	va_end(ap);
}

/* Checks the settings against what streaming replication needs in this role. */
static void probe_sql_conformity(const json_t *settings, struct snap_pg *pg)
{
	int primary = pg->role == PG_ROLE_PRIMARY;
	if (pg->wal_level[0] != '\0' && strcmp(pg->wal_level, "replica") != 0 &&
	    strcmp(pg->wal_level, "logical") != 0)
		probe_sql_finding(pg,
		                  "wal_level is '%s': streaming replication needs replica or "
		                  "logical",
		                  pg->wal_level);
	if (primary && pg->max_wal_senders.known && pg->max_wal_senders.v < 2)
		probe_sql_finding(pg,
		                  "max_wal_senders is %" PRId64 " on the primary: a standby "
		                  "and a pg_basebackup need at least 2",
		                  pg->max_wal_senders.v);
	if (primary && pg->wal_keep_size_mb.known && pg->wal_keep_size_mb.v == 0 &&
	    pg->n_slots == 0)
		probe_sql_finding(pg, "wal_keep_size is 0 and there is no replication slot: a "
		                      "standby that falls behind loses the WAL it needs");
	if (!primary && pg->hot_standby == 0)
		probe_sql_finding(pg, "hot_standby is off on the standby: it cannot be queried "
		                      "or checked before promotion");
	const char *conninfo = json_string_value(json_object_get(settings, "primary_conninfo"));
	if (conninfo != NULL && secret_in_text(conninfo))
		probe_sql_finding(pg, "primary_conninfo carries a password: move it to the "
		                      "replication user's ~/.pgpass (passfile)");
}

/* Copies the data directory into buf, or "" when it is unknown or does not fit whole. */
static void probe_sql_data_dir(const json_t *settings, char *buf, size_t len)
{
	const char *dd = json_string_value(json_object_get(settings, "data_directory"));
	if (len == 0)
		return;
	if (dd == NULL || strlen(dd) >= len)
		dd = "";
	snprintf(buf, len, "%s", dd);
}

/* Loads text as a json object, or explains why not. */
static json_t *probe_sql_load(const char *json, char **cause)
{
	json_error_t err;
	json_t *root = json_loads(json ? json : "", 0, &err);
	if (root == NULL) {
		*cause = xasprintf("probe answer is not JSON: %s (line %d, column %d)", err.text,
		                   err.line, err.column);
		return NULL;
	}
	if (!json_is_object(root) || !json_is_boolean(json_object_get(root, "in_recovery"))) {
		*cause = xstrdup("probe answer is not the probe's object (no in_recovery)");
		json_decref(root);
		return NULL;
	}
	return root;
}

/*
 * Parses the probe's answer into *pg. Everything that comes from the answer is
 * replaced; at_ms, up and error (the caller's bookkeeping of the attempt) are
 * kept. data_dir (if not NULL) gets the data directory, or "" when the user
 * may not read it. Returns 0, or -1 with *cause and *pg untouched.
 */
int probe_sql_parse(const char *json, struct snap_pg *pg, char *data_dir, size_t data_dir_len,
                    char **cause)
{
	json_t *root = probe_sql_load(json, cause);
	if (root == NULL)
		return -1;
	struct snap_pg fresh;
	memset(&fresh, 0, sizeof fresh);
	fresh.at_ms = pg->at_ms;
	fresh.up = pg->up;
	memcpy(fresh.error, pg->error, sizeof fresh.error);
	fresh.role =
	    json_is_true(json_object_get(root, "in_recovery")) ? PG_ROLE_STANDBY : PG_ROLE_PRIMARY;
	probe_sql_str(root, "version", fresh.version, sizeof fresh.version);
	probe_sql_int(root, "timeline", &fresh.timeline);
	probe_sql_lsn(root, "current_lsn", &fresh.current_lsn);
	probe_sql_recovery(root, &fresh);
	probe_sql_rows(root, &fresh);
	const json_t *settings = json_object_get(root, "settings");
	probe_sql_settings(settings, &fresh);
	probe_sql_conformity(settings, &fresh);
	if (data_dir != NULL)
		probe_sql_data_dir(settings, data_dir, data_dir_len);
	json_decref(root);
	*pg = fresh;
	return 0;
}
