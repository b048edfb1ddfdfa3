/*
 * One libpq connection driven asynchronously under deadlines: connect, run a
 * query, and watch the socket between queries so a dead server is noticed at
 * once. Used by a site's PostgreSQL thread only, never by the UI thread.
 */
#ifndef DR_PGCONN_H
#define DR_PGCONN_H

#include <stdint.h>

struct pgconn_params {
	const char *host; /* a unix socket folder (the bridge) or an address */
	unsigned port;
	const char *dbname;
	const char *user; /* NULL: libpq's default (service file, PGUSER, login) */
	int64_t statement_timeout_ms;
};

struct pgconn;

struct pgconn *pgconn_connect(const struct pgconn_params *pp, int64_t deadline_ms, char **cause);
int pgconn_query_value(struct pgconn *p, const char *sql, int64_t deadline_ms, char **value,
		       char **cause);
int pgconn_socket(const struct pgconn *p);
int pgconn_check_alive(struct pgconn *p, char **cause);
void pgconn_free(struct pgconn *p);

#endif
