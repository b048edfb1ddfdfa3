/*
 * Reads drconsole status --json (core/status_json.c) back into snapshots: the
 * inverse of the renderer, so that rendering what was read gives the same
 * text again.
 *
 * A file holds documents one after another (appended runs, JSON lines). Each
 * becomes a capture: its time, the verdict as recorded, and one snapshot per
 * configured site, matched by name. Each value goes back into the field it
 * came from: null into an unknown value (known 0, at_ms 0, hot_standby -1,
 * exit_status -1), an age into the part's at_ms (time - age), an LSN text into
 * its number, a role with postgres.up into pg.role and pg.up. Values the
 * renderer derives (configured_as, lag_s, replication[]) are not read. Fields
 * it does not write get values of their own: generation is the capture's
 * index + 1 (published), since_ms the site's at_ms. A configured site the
 * document does not name stays never seen, as an agent starts it.
 *
 * Nothing wrong passes: a syntax error stops the file at its FILE:LINE:COL; a
 * missing key, a wrong type or a bad value is reported at the document's start
 * with its JSON path (sites[1].postgres.timeline), and the file is refused.
 * Text too long for its field is cut at a character and warned about.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "probe_sql.h"
#include "status_read.h"
#include "xmalloc.h"
#include "yfield.h"

#define STATUS_READ_NOT_NULL INT_MIN /* for status_read_count: null is refused */
#define STATUS_READ_MAX_SECS 1e12    /* seconds beyond any real age or delay */

/* Where reading is: the file, the current document's start and time, the JSON path. */
struct status_read_ctx {
	const char *file;
	struct diag *d;
	int line, col;  /* the document's first character */
	int64_t now;    /* the document's time */
	char path[128]; /* of the value being read ("sites[1].postgres") */
};

/* A place in the text: byte offset, 1-based line and column (in characters). */
struct status_read_pos {
	size_t off;
	int line, col;
};

/* The document being read: the config, its sites' snapshots, which ones it named. */
struct status_read_doc {
	const struct conf *cf;
	struct site_status *sites;
	unsigned char *named;
	uint64_t generation;
};

/* Reads an object (a part of a site, an item of a list) into dst. */
typedef int (*status_read_fn)(struct status_read_ctx *c, const json_t *o, void *dst);

static void status_read_bad(struct status_read_ctx *c, enum diag_level level, const char *key,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Reports a problem with key (NULL: the value at the path itself) at the document's start. */
static void status_read_bad(struct status_read_ctx *c, enum diag_level level, const char *key,
                            const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	const char *sep = c->path[0] != '\0' && key != NULL ? "." : "";
	diag_add(c->d, level, c->file, c->line, c->col, "%s%s%s: %s", c->path, sep, key ? key : "",
	         msg);
	free(msg);
}

/* Reports that key holds the wrong kind of value; returns -1. */
static int status_read_type(struct status_read_ctx *c, const char *key, const char *what,
                            int nullable)
{
	status_read_bad(c, DIAG_ERROR, key, "expected %s%s", what, nullable ? " or null" : "");
	return -1;
}

/* Appends key (and [index] unless index is SIZE_MAX) to the path; returns its old length. */
static size_t status_read_push(struct status_read_ctx *c, const char *key, size_t index)
{
	size_t len = strlen(c->path);
	const char *sep = len ? "." : "";
	if (index == SIZE_MAX)
		snprintf(c->path + len, sizeof c->path - len, "%s%s", sep, key);
	else
		snprintf(c->path + len, sizeof c->path - len, "%s%s[%zu]", sep, key, index);
	return len;
}

/* Fetches obj[key]: 1 with *out when it holds a value, 0 when null, -1 when missing (reported). */
static int status_read_get(struct status_read_ctx *c, const json_t *obj, const char *key,
                           const json_t **out)
{
	*out = json_object_get(obj, key);
	if (*out == NULL) {
		status_read_bad(c, DIAG_ERROR, key, "missing");
		return -1;
	}
	return json_is_null(*out) ? 0 : 1;
}

/* Reads obj[key], an integer from min to max (or null when nullable: unknown), into v. */
static int status_read_int(struct status_read_ctx *c, const json_t *obj, const char *key,
                           int nullable, int64_t min, int64_t max, struct opt_i64 *v)
{
	const json_t *j;
	int rc = status_read_get(c, obj, key, &j);
	*v = (struct opt_i64){0, 0};
	if (rc < 0 || (rc == 0 && nullable))
		return rc;
	json_int_t n = json_is_integer(j) ? json_integer_value(j) : 0;
	if (!json_is_integer(j) || n < min || n > max) {
		if (min == INT64_MIN)
			return status_read_type(c, key, "an integer", nullable);
		status_read_bad(c, DIAG_ERROR, key, "expected an integer from %lld to %lld%s",
		                (long long)min, (long long)max, nullable ? " or null" : "");
		return -1;
	}
	*v = (struct opt_i64){1, (int64_t)n};
	return 0;
}

/* Reads obj[key], an integer or null, into v. */
static int status_read_opt(struct status_read_ctx *c, const json_t *obj, const char *key,
                           struct opt_i64 *v)
{
	return status_read_int(c, obj, key, 1, INT64_MIN, INT64_MAX, v);
}

/* Reads obj[key], an int from 0 up, into *out; null gives none (STATUS_READ_NOT_NULL: refused). */
static int status_read_count(struct status_read_ctx *c, const json_t *obj, const char *key,
                             int none, int *out)
{
	struct opt_i64 v;
	if (status_read_int(c, obj, key, none != STATUS_READ_NOT_NULL, 0, INT_MAX, &v) != 0)
		return -1;
	*out = v.known ? (int)v.v : none;
	return 0;
}

/* Reads obj[key], true, false or null (nullable) into *known and *value. */
static int status_read_bool(struct status_read_ctx *c, const json_t *obj, const char *key,
                            int nullable, int *known, int *value)
{
	const json_t *j;
	int rc = status_read_get(c, obj, key, &j);
	*known = *value = 0;
	if (rc < 0 || (rc == 0 && nullable))
		return rc;
	if (!json_is_boolean(j))
		return status_read_type(c, key, nullable ? "true, false" : "true or false",
		                        nullable);
	*known = 1;
	*value = json_is_true(j);
	return 0;
}

/* Reads obj[key], true or false, into *value. */
static int status_read_flag(struct status_read_ctx *c, const json_t *obj, const char *key,
                            int *value)
{
	int known;
	return status_read_bool(c, obj, key, 0, &known, value);
}

/* Copies a string value (NULL or null: "") into buf, cut at a character when too long. */
static int status_read_str_at(struct status_read_ctx *c, const json_t *j, const char *key,
                              char *buf, size_t len)
{
	buf[0] = '\0';
	if (json_is_null(j))
		return 0;
	if (!json_is_string(j))
		return status_read_type(c, key, "a string", 1);
	const char *s = json_string_value(j);
	size_t n = json_string_length(j);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) /* inside a character */
			n--;
		status_read_bad(c, DIAG_WARNING, key, "longer than %zu bytes, cut to %zu", len - 1,
		                n);
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/* Reads obj[key], a string or null, into buf. */
static int status_read_str(struct status_read_ctx *c, const json_t *obj, const char *key, char *buf,
                           size_t len)
{
	const json_t *j;
	if (status_read_get(c, obj, key, &j) < 0)
		return -1;
	return status_read_str_at(c, j, key, buf, len);
}

/* Reads obj[key], an LSN text ("0/3000148") or null, into v. */
static int status_read_lsn(struct status_read_ctx *c, const json_t *obj, const char *key,
                           struct opt_i64 *v)
{
	const json_t *j;
	int rc = status_read_get(c, obj, key, &j);
	*v = (struct opt_i64){0, 0};
	if (rc <= 0)
		return rc;
	if (lsn_parse(json_string_value(j), &v->v) != 0)
		return status_read_type(c, key, "an LSN such as \"0/3000148\"", 1);
	v->known = 1;
	return 0;
}

/* Reads obj[key], a number or null, into *known and *x. */
static int status_read_number(struct status_read_ctx *c, const json_t *obj, const char *key,
                              int *known, double *x)
{
	const json_t *j;
	int rc = status_read_get(c, obj, key, &j);
	*known = 0;
	*x = 0;
	if (rc <= 0)
		return rc;
	if (!json_is_number(j))
		return status_read_type(c, key, "a number", 1);
	*known = 1;
	*x = json_number_value(j);
	return 0;
}

/* Reads obj[key], seconds with a fraction or null, into milliseconds. */
static int status_read_ms(struct status_read_ctx *c, const json_t *obj, const char *key,
                          struct opt_i64 *ms)
{
	double x;
	if (status_read_number(c, obj, key, &ms->known, &x) != 0)
		return -1;
	if (x > STATUS_READ_MAX_SECS || x < -STATUS_READ_MAX_SECS) {
		status_read_bad(c, DIAG_ERROR, key, "%g seconds is out of range", x);
		return -1;
	}
	ms->v = (int64_t)(x * 1000 + (x < 0 ? -0.5 : 0.5)); /* rounded to the nearest ms */
	return 0;
}

/* Reads obj[key], an age in seconds or null, into the wall clock it stands for (null: 0). */
static int status_read_age(struct status_read_ctx *c, const json_t *obj, const char *key,
                           int64_t *at_ms)
{
	struct opt_i64 age;
	*at_ms = 0;
	if (status_read_ms(c, obj, key, &age) != 0)
		return -1;
	if (!age.known)
		return 0;
	if (age.v < 0 || age.v >= c->now) {
		status_read_bad(c, DIAG_ERROR, key,
		                "expected an age from 0 to the document's time, or null");
		return -1;
	}
	*at_ms = c->now - age.v;
	return 0;
}

/* Reads obj[key], one of the NULL-terminated names, into *out (the name's index). */
static int status_read_name(struct status_read_ctx *c, const json_t *obj, const char *key,
                            const char *const *names, int *out)
{
	const json_t *j;
	if (status_read_get(c, obj, key, &j) < 0)
		return -1;
	for (size_t i = 0; names[i] != NULL; i++)
		if (json_is_string(j) && strcmp(json_string_value(j), names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	char *list = yfield_join(names);
	status_read_bad(c, DIAG_ERROR, key, "expected one of %s", list);
	free(list);
	return -1;
}

/* Fetches obj[key], a container of the given type: 1 with *out, 0 for an accepted null, -1. */
static int status_read_container(struct status_read_ctx *c, const json_t *obj, const char *key,
                                 int nullable, json_type type, const json_t **out)
{
	int rc = status_read_get(c, obj, key, out);
	if (rc < 0 || (rc == 0 && nullable))
		return rc;
	if (json_typeof(*out) != type)
		return status_read_type(c, key, type == JSON_OBJECT ? "an object" : "a list",
		                        nullable);
	return 1;
}

/* Reads obj[key], an object (or null when nullable: nothing read), with fn into dst. */
static int status_read_part(struct status_read_ctx *c, const json_t *obj, const char *key,
                            int nullable, status_read_fn fn, void *dst)
{
	const json_t *j;
	int rc = status_read_container(c, obj, key, nullable, JSON_OBJECT, &j);
	if (rc <= 0)
		return rc;
	size_t mark = status_read_push(c, key, SIZE_MAX);
	rc = fn(c, j, dst);
	c->path[mark] = '\0';
	return rc;
}

/* Reads an item of a list into dst: an object with fn, or (fn NULL) a string of size bytes. */
static int status_read_item(struct status_read_ctx *c, const json_t *j, status_read_fn fn,
                            void *dst, size_t size)
{
	if (fn == NULL)
		return status_read_str_at(c, j, NULL, dst, size);
	if (!json_is_object(j))
		return status_read_type(c, NULL, "an object", 0);
	return fn(c, j, dst);
}

/*
 * Reads obj[key], a list of at most max items (or null when nullable: none),
 * item i into dst + i * size; sets *n to the count and returns 1 for a list, 0 for null.
 */
static int status_read_list(struct status_read_ctx *c, const json_t *obj, const char *key,
                            int nullable, size_t max, size_t *n, status_read_fn fn, void *dst,
                            size_t size)
{
	const json_t *j;
	int rc = status_read_container(c, obj, key, nullable, JSON_ARRAY, &j);
	*n = 0;
	if (rc <= 0)
		return rc;
	if (json_array_size(j) > max) {
		status_read_bad(c, DIAG_ERROR, key, "%zu items, more than the %zu kept",
		                json_array_size(j), max);
		return -1;
	}
	rc = 1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		size_t mark = status_read_push(c, key, i);
		if (status_read_item(c, json_array_get(j, i), fn, (char *)dst + i * size, size) !=
		    0)
			rc = -1;
		c->path[mark] = '\0';
	}
	*n = json_array_size(j);
	return rc;
}

/* Reads one pg_stat_replication row. */
static int status_read_standby(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct snap_standby *sb = dst;
	int rc = status_read_str(c, o, "application_name", sb->application_name,
	                         sizeof sb->application_name);
	rc |= status_read_str(c, o, "client_addr", sb->client_addr, sizeof sb->client_addr);
	rc |= status_read_str(c, o, "state", sb->state, sizeof sb->state);
	rc |= status_read_str(c, o, "sync_state", sb->sync_state, sizeof sb->sync_state);
	rc |= status_read_lsn(c, o, "sent_lsn", &sb->sent_lsn);
	rc |= status_read_lsn(c, o, "write_lsn", &sb->write_lsn);
	rc |= status_read_lsn(c, o, "flush_lsn", &sb->flush_lsn);
	rc |= status_read_lsn(c, o, "replay_lsn", &sb->replay_lsn);
	return rc | status_read_opt(c, o, "lag_bytes", &sb->replay_lag_bytes);
}

/* Reads one replication slot. */
static int status_read_slot(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct snap_slot *sl = dst;
	int rc = status_read_str(c, o, "name", sl->name, sizeof sl->name);
	rc |= status_read_flag(c, o, "active", &sl->active);
	rc |= status_read_lsn(c, o, "restart_lsn", &sl->restart_lsn);
	return rc | status_read_opt(c, o, "retained_bytes", &sl->retained_bytes);
}

/* Reads the conformity settings. */
static int status_read_settings(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct snap_pg *pg = dst;
	int known, on;
	int rc = status_read_str(c, o, "wal_level", pg->wal_level, sizeof pg->wal_level);
	rc |= status_read_opt(c, o, "max_wal_senders", &pg->max_wal_senders);
	rc |= status_read_opt(c, o, "wal_keep_size_mb", &pg->wal_keep_size_mb);
	rc |= status_read_bool(c, o, "hot_standby", 1, &known, &on);
	pg->hot_standby = known ? on : -1;
	return rc;
}

/* Checks that postgres.up and in_recovery give the role the site was read with. */
static int status_read_role_check(struct status_read_ctx *c, const struct site_status *s,
                                  int rec_known, int in_recovery)
{
	enum pg_role role = s->pg.role;
	int answering = role == PG_ROLE_PRIMARY || role == PG_ROLE_STANDBY;
	if (verdict_site_role(s) == role && rec_known == answering &&
	    in_recovery == (role == PG_ROLE_STANDBY))
		return 0;
	status_read_bad(c, DIAG_ERROR, NULL, "up and in_recovery do not agree with the role \"%s\"",
	                verdict_role_name(role));
	return -1;
}

/* Reads the PostgreSQL part of a site (its role was read already). */
static int status_read_pg(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct site_status *s = dst;
	struct snap_pg *pg = &s->pg;
	int known, rec_known, in_recovery;
	int rc = status_read_bool(c, o, "up", 1, &known, &pg->up);
	rc |= status_read_bool(c, o, "in_recovery", 1, &rec_known, &in_recovery);
	rc |= status_read_str(c, o, "error", pg->error, sizeof pg->error);
	rc |= status_read_age(c, o, "age_s", &pg->at_ms);
	rc |= status_read_str(c, o, "version", pg->version, sizeof pg->version);
	rc |= status_read_opt(c, o, "timeline", &pg->timeline);
	rc |= status_read_lsn(c, o, "current_lsn", &pg->current_lsn);
	rc |= status_read_lsn(c, o, "receive_lsn", &pg->receive_lsn);
	rc |= status_read_lsn(c, o, "replay_lsn", &pg->replay_lsn);
	rc |= status_read_ms(c, o, "replay_delay_s", &pg->replay_delay_ms);
	rc |= status_read_bool(c, o, "replay_paused", 1, &known, &pg->replay_paused);
	if (json_object_get(o, "replay_waiting") != NULL) /* captures before it had none */
		rc |= status_read_bool(c, o, "replay_waiting", 1, &known, &pg->replay_waiting);
	rc |= status_read_str(c, o, "receiver_status", pg->receiver_status,
	                      sizeof pg->receiver_status);
	rc |= status_read_str(c, o, "receiver_host", pg->receiver_host, sizeof pg->receiver_host);
	pg->hot_standby = -1;
	rc |= status_read_part(c, o, "settings", 1, status_read_settings, pg);
	rc |= status_read_list(c, o, "standbys", 0, SNAPSHOT_MAX_STANDBYS, &pg->n_standbys,
	                       status_read_standby, pg->standbys, sizeof pg->standbys[0]) < 0;
	rc |= status_read_list(c, o, "slots", 0, SNAPSHOT_MAX_SLOTS, &pg->n_slots, status_read_slot,
	                       pg->slots, sizeof pg->slots[0]) < 0;
	rc |= status_read_list(c, o, "findings", 0, SNAPSHOT_MAX_FINDINGS, &pg->n_findings, NULL,
	                       pg->findings, sizeof pg->findings[0]) < 0;
	if (rc == 0)
		rc = status_read_role_check(c, s, rec_known, in_recovery);
	return rc ? -1 : 0;
}

/* Reads one service check's outcome. */
static int status_read_service(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct snap_service *svc = dst;
	int rc = status_read_str(c, o, "name", svc->name, sizeof svc->name);
	rc |= status_read_flag(c, o, "ok", &svc->ok);
	return rc | status_read_count(c, o, "exit_status", -1, &svc->exit_status);
}

/* Reads the host part of a site. */
static int status_read_health(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct snap_health *h = dst;
	int known;
	int rc = status_read_bool(c, o, "ok", 1, &known, &h->ok);
	rc |= status_read_str(c, o, "error", h->error, sizeof h->error);
	rc |= status_read_age(c, o, "age_s", &h->at_ms);
	rc |= status_read_opt(c, o, "rtt_ms", &h->rtt_ms);
	rc |= status_read_number(c, o, "load1", &h->load_known, &h->load1);
	rc |= status_read_opt(c, o, "data_free_bytes", &h->data_free_bytes);
	rc |= status_read_opt(c, o, "data_total_bytes", &h->data_total_bytes);
	rc |= status_read_opt(c, o, "backup_free_bytes", &h->backup_free_bytes);
	rc |= status_read_opt(c, o, "backup_total_bytes", &h->backup_total_bytes);
	rc |= status_read_list(c, o, "services", 1, SNAPSHOT_MAX_SERVICES, &h->n_services,
	                       status_read_service, h->services, sizeof h->services[0]) < 0;
	return rc ? -1 : 0;
}

/* Reads the newest backup's age: the document gives it at its time, the snapshot at at_ms. */
static int status_read_newest_age(struct status_read_ctx *c, const json_t *o,
                                  struct snap_backups *b)
{
	int rc = status_read_opt(c, o, "newest_age_s", &b->newest_age_s);
	if (b->newest_age_s.known && c->now > b->at_ms)
		b->newest_age_s.v -= (c->now - b->at_ms) / 1000;
	return rc;
}

/* Reads the invalid backups: their count and as many names as the snapshot keeps. */
static int status_read_invalids(struct status_read_ctx *c, const json_t *o, struct snap_backups *b)
{
	size_t n;
	int invalid;
	if (status_read_count(c, o, "invalid", -1, &invalid) != 0)
		return -1;
	int listed = status_read_list(c, o, "invalid_names", 1, SNAPSHOT_MAX_INVALID, &n, NULL,
	                              b->invalid_names, sizeof b->invalid_names[0]);
	if (listed < 0)
		return -1;
	b->invalid = invalid < 0 ? 0 : invalid;
	size_t want = b->invalid < SNAPSHOT_MAX_INVALID ? (size_t)b->invalid : SNAPSHOT_MAX_INVALID;
	if (listed != (invalid >= 0))
		status_read_bad(c, DIAG_ERROR, "invalid_names", "%s while invalid is %s",
		                listed ? "a list" : "null", listed ? "null" : "not");
	else if (n != want)
		status_read_bad(c, DIAG_ERROR, "invalid_names",
		                "%zu names for %d invalid backups (expected %zu)", n, b->invalid,
		                want);
	return listed == (invalid >= 0) && n == want ? 0 : -1;
}

/* Reads the backups part of a site. */
static int status_read_backups(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct snap_backups *b = dst;
	struct opt_i64 v;
	int known;
	int rc = status_read_flag(c, o, "configured", &b->configured);
	rc |= status_read_bool(c, o, "ok", 1, &known, &b->ok);
	rc |= status_read_str(c, o, "error", b->error, sizeof b->error);
	rc |= status_read_age(c, o, "age_s", &b->at_ms);
	rc |= status_read_count(c, o, "count", 0, &b->count);
	rc |= status_read_opt(c, o, "total_bytes", &v);
	b->total_bytes = v.v;
	rc |= status_read_str(c, o, "newest_name", b->newest_name, sizeof b->newest_name);
	rc |= status_read_opt(c, o, "newest_bytes", &v);
	b->newest_bytes = v.v;
	rc |= status_read_newest_age(c, o, b);
	rc |= status_read_count(c, o, "expired", 0, &b->expired);
	rc |= status_read_invalids(c, o, b);
	return rc | status_read_count(c, o, "unverified", 0, &b->unverified);
}

/* Reads the probe's round trips of the last cycle. */
static int status_read_probe(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct site_status *s = dst;
	int rc =
	    status_read_count(c, o, "execs_last_cycle", STATUS_READ_NOT_NULL, &s->execs_last_cycle);
	return rc | status_read_count(c, o, "queries_last_cycle", STATUS_READ_NOT_NULL,
	                              &s->queries_last_cycle);
}

/* Returns the config's index of the site that o names, or -1 after reporting. */
static int status_read_site_index(struct status_read_ctx *c, const json_t *o,
                                  struct status_read_doc *doc)
{
	const json_t *j;
	if (status_read_get(c, o, "name", &j) < 0)
		return -1;
	const char *name = json_string_value(j);
	if (name == NULL || *name == '\0')
		return status_read_type(c, "name", "a site's name", 0);
	for (size_t k = 0; k < doc->cf->n_sites; k++) {
		if (strcmp(doc->cf->sites[k].name, name) != 0)
			continue;
		if (!doc->named[k]) {
			doc->named[k] = 1;
			return (int)k;
		}
		status_read_bad(c, DIAG_ERROR, "name", "site \"%s\" appears twice", name);
		return -1;
	}
	status_read_bad(c, DIAG_ERROR, "name", "no site \"%s\" in the config", name);
	return -1;
}

/* Reads one site into the snapshot of the configured site it names. */
static int status_read_site(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct status_read_doc *doc = dst;
	/* the role names, in enum pg_role order */
	const char *const roles[] = {
	    verdict_role_name(PG_ROLE_UNKNOWN), verdict_role_name(PG_ROLE_PRIMARY),
	    verdict_role_name(PG_ROLE_STANDBY), verdict_role_name(PG_ROLE_DOWN), NULL};
	int role, known;
	int k = status_read_site_index(c, o, doc);
	if (k < 0)
		return -1;
	struct site_status *s = &doc->sites[k];
	if (status_read_name(c, o, "role", roles, &role) != 0)
		return -1;
	s->pg.role = (enum pg_role)role;
	int rc = status_read_bool(c, o, "reachable", 1, &known, &s->reachable);
	rc |= status_read_str(c, o, "error", s->error, sizeof s->error);
	rc |= status_read_age(c, o, "age_s", &s->at_ms);
	rc |= status_read_part(c, o, "postgres", 0, status_read_pg, s);
	rc |= status_read_part(c, o, "health", 0, status_read_health, &s->health);
	rc |= status_read_part(c, o, "backups", 0, status_read_backups, &s->backups);
	rc |= status_read_part(c, o, "probe", 0, status_read_probe, s);
	s->generation = doc->generation;
	s->since_ms = s->at_ms;
	return rc;
}

/* Reads obj[key], a verdict level's name, into *out. */
static int status_read_level(struct status_read_ctx *c, const json_t *obj, const char *key,
                             enum verdict_level *out)
{
	/* the level names, in enum verdict_level order */
	const char *const levels[] = {verdict_name(VERDICT_OK), verdict_name(VERDICT_WARNING),
	                              verdict_name(VERDICT_CRITICAL), verdict_name(VERDICT_UNKNOWN),
	                              NULL};
	int level = 0;
	int rc = status_read_name(c, obj, key, levels, &level);
	*out = (enum verdict_level)level;
	return rc;
}

/* Reads one reason of the verdict. */
static int status_read_reason(struct status_read_ctx *c, const json_t *o, void *dst)
{
	struct verdict_reason *r = dst;
	int rc = status_read_level(c, o, "level", &r->level);
	rc |= status_read_str(c, o, "site", r->site, sizeof r->site);
	return rc | status_read_str(c, o, "text", r->text, sizeof r->text);
}

/* Reads the recorded verdict: overall, exit_code (checked against it) and reasons. */
static int status_read_overall(struct status_read_ctx *c, const json_t *root,
                               struct status_capture *cap)
{
	int code = 0;
	int rc = status_read_level(c, root, "overall", &cap->level);
	rc |= status_read_count(c, root, "exit_code", STATUS_READ_NOT_NULL, &code);
	if (rc == 0 && code != verdict_exit_code(cap->level)) {
		status_read_bad(c, DIAG_ERROR, "exit_code",
		                "%d, while overall \"%s\" exits with %d", code,
		                verdict_name(cap->level), verdict_exit_code(cap->level));
		rc = -1;
	}
	const json_t *list = json_object_get(root, "reasons");
	size_t room = json_array_size(list) < VERDICT_MAX_REASONS ? json_array_size(list)
	                                                          : VERDICT_MAX_REASONS;
	cap->reasons = room ? xcalloc(room, sizeof *cap->reasons) : NULL;
	if (status_read_list(c, root, "reasons", 0, VERDICT_MAX_REASONS, &cap->n_reasons,
	                     status_read_reason, cap->reasons, sizeof *cap->reasons) < 0)
		rc = -1;
	return rc;
}

/* Parses "2026-11-27T04:20:00.123Z" (as status --json writes it) into ms; -1 if it is not one. */
static int status_read_parse_time(const char *s, int64_t *ms)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	char back[24];
	if (s == NULL || strlen(s) != sizeof shape - 1)
		return -1;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return -1;
	struct tm tm = {.tm_year = atoi(s) - 1900,
	                .tm_mon = atoi(s + 5) - 1,
	                .tm_mday = atoi(s + 8),
	                .tm_hour = atoi(s + 11),
	                .tm_min = atoi(s + 14),
	                .tm_sec = atoi(s + 17)};
	time_t t = timegm(&tm); /* normalizes a day that does not exist: caught below */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(back, sizeof back, "%Y-%m-%dT%H:%M:%S", &tm) != 19 || memcmp(back, s, 19) != 0)
		return -1;
	*ms = (int64_t)t * 1000 + atoi(s + 20);
	return *ms > 0 ? 0 : -1;
}

/* Reads the document's time, which every age is relative to. */
static int status_read_time(struct status_read_ctx *c, const json_t *root, int64_t *ms)
{
	const json_t *j;
	if (status_read_get(c, root, "time", &j) < 0)
		return -1;
	if (status_read_parse_time(json_string_value(j), ms) != 0)
		return status_read_type(c, "time",
		                        "a UTC time such as \"2026-11-27T04:20:00.123Z\"", 0);
	c->now = *ms;
	return 0;
}

/* Reads one document into cap (its sites allocated); returns 0, or -1 after reporting. */
static int status_read_doc(struct status_read_ctx *c, const json_t *root, const struct conf *cf,
                           struct status_capture *cap, uint64_t generation)
{
	struct status_read_doc doc = {cf, NULL, xcalloc(cf->n_sites, 1), generation};
	if (cf->n_sites > 0)
		doc.sites = xcalloc(cf->n_sites, sizeof *doc.sites);
	size_t n;
	cap->sites = doc.sites;
	for (size_t k = 0; k < cf->n_sites; k++) {
		snprintf(doc.sites[k].name, sizeof doc.sites[k].name, "%s", cf->sites[k].name);
		doc.sites[k].backups.configured = cf->sites[k].backups.dir != NULL;
	}
	int rc = status_read_overall(c, root, cap);
	if (status_read_time(c, root, &cap->time_ms) != 0 ||
	    status_read_list(c, root, "sites", 0, SIZE_MAX, &n, status_read_site, &doc, 0) < 0)
		rc = -1;
	free(doc.named);
	return rc;
}

/* Moves pos over n bytes of text, counting lines and characters. */
static void status_read_advance(const char *text, struct status_read_pos *pos, size_t n)
{
	for (size_t end = pos->off + n; pos->off < end; pos->off++) {
		unsigned char ch = (unsigned char)text[pos->off];
		if (ch == '\n') {
			pos->line++;
			pos->col = 1;
		} else if ((ch & 0xc0) != 0x80) {
			pos->col++;
		}
	}
}

/* Moves pos over white space; returns 1 when text is left after it. */
static int status_read_skip_space(const char *text, size_t len, struct status_read_pos *pos)
{
	while (pos->off < len && (text[pos->off] == ' ' || text[pos->off] == '\t' ||
	                          text[pos->off] == '\r' || text[pos->off] == '\n'))
		status_read_advance(text, pos, 1);
	return pos->off < len;
}

/* Reports a JSON syntax error of the document that starts at pos. */
static void status_read_syntax(const char *file, const struct status_read_pos *pos,
                               const json_error_t *err, struct diag *d)
{
	int line = pos->line, col = pos->col;
	if (err->line > 1) {
		line += err->line - 1;
		col = err->column;
	} else if (err->line == 1) {
		col += err->column - 1;
	}
	diag_error(d, file, line, col > 0 ? col : 1, "%s", err->text);
}

/* Reports a text or file over the size limit. */
static void status_read_too_large(const char *file, long long size, struct diag *d)
{
	diag_error(d, file, 0, 0, "file too large (%lld bytes, limit %d)", size,
	           STATUS_READ_MAX_BYTES);
}

/* Appends a capture to out. */
static void status_read_append(struct status_captures *out, const struct status_capture *cap)
{
	if ((out->n & (out->n - 1)) == 0) /* 0, 1, 2, 4, ...: the room is full */
		out->items = xreallocarray(out->items, out->n ? 2 * out->n : 1, sizeof *out->items);
	out->items[out->n++] = *cap;
}

/* Frees one capture. */
static void status_read_capture_free(struct status_capture *cap)
{
	free(cap->sites);
	free(cap->reasons);
}

/* Reads every document of text (named file in messages); returns 0, or -1 with out empty. */
int status_read_text(const char *text, size_t len, const char *file, const struct conf *cf,
                     struct status_captures *out, struct diag *d)
{
	struct status_read_pos pos = {0, 1, 1};
	size_t errors = d->errors, docs = 0;
	memset(out, 0, sizeof *out);
	if (len > STATUS_READ_MAX_BYTES) {
		status_read_too_large(file, (long long)len, d);
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) /* a byte-order mark */
		pos.off = 3;
	for (; status_read_skip_space(text, len, &pos); docs++) {
		json_error_t err;
		if (docs == STATUS_READ_MAX_DOCS) {
			diag_error(d, file, pos.line, pos.col, "more than %d documents",
			           STATUS_READ_MAX_DOCS);
			break;
		}
		json_t *root = json_loadb(
		    text + pos.off, len - pos.off,
		    JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
		if (root == NULL) {
			status_read_syntax(file, &pos, &err, d);
			break;
		}
		struct status_read_ctx c = {.file = file, .d = d, .line = pos.line, .col = pos.col};
		if (!json_is_object(root)) {
			/* a scalar may have been read one character too far: stop here */
			diag_error(d, file, pos.line, pos.col,
			           "a document must be a JSON object (status --json)");
			json_decref(root);
			break;
		}
		status_read_advance(text, &pos, (size_t)err.position);
		struct status_capture cap = {0};
		if (status_read_doc(&c, root, cf, &cap, out->n + 1) == 0)
			status_read_append(out, &cap);
		else
			status_read_capture_free(&cap);
		json_decref(root);
	}
	if (docs == 0 && d->errors == errors)
		diag_error(d, file, pos.line, pos.col,
		           "no document (expected status --json output)");
	if (d->errors == errors)
		return 0;
	status_captures_free(out);
	return -1;
}

/* Reads a whole regular file (at most STATUS_READ_MAX_BYTES); NULL after reporting. */
static char *status_read_load(const char *path, size_t *len, struct diag *d)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO without a writer must not hang the open. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	FILE *fp = fd == -1 ? NULL : fdopen(fd, "rb");
	if (fp == NULL) {
		diag_error(d, path, 0, 0, "cannot open: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	char *buf = NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_error(d, path, 0, 0, "not a regular file");
	} else if (st.st_size > STATUS_READ_MAX_BYTES) {
		status_read_too_large(path, (long long)st.st_size, d);
	} else {
		/* one byte more than the size notices a file that grows meanwhile */
		buf = xmalloc((size_t)st.st_size + 1);
		*len = fread(buf, 1, (size_t)st.st_size + 1, fp);
		if (ferror(fp) || *len > (size_t)st.st_size) {
			diag_error(d, path, 0, 0, "%s",
			           ferror(fp) ? "cannot read the file"
			                      : "the file changed while it was read");
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

/* Reads every document of a file; returns 0, or -1 with out empty. */
int status_read_file(const char *path, const struct conf *cf, struct status_captures *out,
                     struct diag *d)
{
	size_t len = 0;
	memset(out, 0, sizeof *out);
	char *text = status_read_load(path, &len, d);
	if (text == NULL)
		return -1;
	int rc = status_read_text(text, len, path, cf, out, d);
	free(text);
	return rc;
}

/* Fills v with the verdict a capture recorded (for status_json_render). */
void status_read_verdict(const struct status_capture *cap, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	v->level = cap->level;
	v->n = cap->n_reasons;
	if (cap->n_reasons > 0)
		memcpy(v->reasons, cap->reasons, cap->n_reasons * sizeof *v->reasons);
}

/* Frees every capture and empties the list. */
void status_captures_free(struct status_captures *c)
{
	for (size_t i = 0; i < c->n; i++)
		status_read_capture_free(&c->items[i]);
	free(c->items);
	memset(c, 0, sizeof *c);
}
