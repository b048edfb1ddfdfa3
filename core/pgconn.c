/*
 * Asynchronous libpq under deadlines. libpq's connect_timeout is ignored in
 * the asynchronous API, so every wait here is a poll() bounded by the caller's
 * monotonic deadline; past it the connection is dropped (the server's own
 * statement_timeout ends the query on its side). PQcancel is not used: it
 * blocks, and against a frozen site it would block for as long as the site.
 */
#include "config.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pgconn.h"
#include "xmalloc.h"

struct pgconn {
	PGconn *conn;
	char *fatal; /* a FATAL/PANIC message the server sent between queries */
};

/* Keeps a FATAL or PANIC notice (the server is going away); others are dropped, never printed. */
static void pgconn_notice(void *arg, const PGresult *res)
{
	struct pgconn *p = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev == NULL || (strcmp(sev, "FATAL") != 0 && strcmp(sev, "PANIC") != 0))
		return;
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	free(p->fatal);
	p->fatal = xasprintf("PostgreSQL said: %s", msg ? msg : sev);
}

/*
 * Returns libpq's last error as one short line: its first line, without the
 * "connection to server on socket ... failed: " preamble (the socket is the
 * bridge's, which means nothing to the operator).
 */
static char *pgconn_error_text(PGconn *conn, const char *what)
{
	const char *msg = conn ? PQerrorMessage(conn) : "";
	const char *failed = strstr(msg, "\" failed: ");
	if (strncmp(msg, "connection to server ", 21) == 0 && failed != NULL)
		msg = failed + 10;
	size_t len = strcspn(msg, "\r\n");
	while (len > 0 && msg[len - 1] == ' ')
		len--;
	if (len == 0)
		return xasprintf("%s: no detail from libpq", what);
	return xasprintf("%s: %.*s", what, (int)len, msg);
}

/* Waits until fd is ready for events or the deadline passes; returns 1 ready, 0 timeout, -1 error. */
static int pgconn_wait(int fd, short events, int64_t deadline_ms)
{
	for (;;) {
		struct pollfd pfd = {fd, events, 0};
		int rc = poll(&pfd, 1, clock_left_ms(deadline_ms));
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc <= 0)
			return rc;
		return 1;
	}
}

/* Connects under the deadline; NULL with *cause on failure. */
struct pgconn *pgconn_connect(const struct pgconn_params *pp, int64_t deadline_ms, char **cause)
{
	char port[16], options[64];
	const char *keys[8], *values[8];
	int n = 0;
	int64_t start = clock_mono_ms();

	snprintf(port, sizeof port, "%u", pp->port);
	snprintf(options, sizeof options, "-c statement_timeout=%lld",
		 (long long)pp->statement_timeout_ms);
	keys[n] = "host", values[n++] = pp->host;
	keys[n] = "port", values[n++] = port;
	keys[n] = "dbname", values[n++] = pp->dbname;
	if (pp->user != NULL)
		keys[n] = "user", values[n++] = pp->user;
	keys[n] = "application_name", values[n++] = "drconsole";
	keys[n] = "options", values[n++] = options;
	keys[n] = NULL, values[n] = NULL;

	PGconn *conn = PQconnectStartParams(keys, values, 0);
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD) {
		*cause = pgconn_error_text(conn, "cannot start connecting to PostgreSQL");
		PQfinish(conn);
		return NULL;
	}
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED) {
			*cause = pgconn_error_text(conn, "connecting to PostgreSQL failed");
			PQfinish(conn);
			return NULL;
		}
		/* The socket may change between calls (libpq tries several addresses). */
		int rc = pgconn_wait(PQsocket(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
				     deadline_ms);
		if (rc == 0) {
			*cause = xasprintf("connecting to PostgreSQL timed out after %.1f s",
					   (double)(clock_mono_ms() - start) / 1000);
			PQfinish(conn);
			return NULL;
		}
		st = PQconnectPoll(conn);
	}
	if (PQsetnonblocking(conn, 1) == -1) {
		*cause = pgconn_error_text(conn, "cannot make the connection non-blocking");
		PQfinish(conn);
		return NULL;
	}
	struct pgconn *p = xcalloc(1, sizeof *p);
	p->conn = conn;
	PQsetNoticeReceiver(conn, pgconn_notice, p);
	return p;
}

/* Sends a query and flushes it under the deadline; 0 or -1. */
static int pgconn_send(struct pgconn *p, const char *sql, int64_t deadline_ms, char **cause)
{
	if (!PQsendQuery(p->conn, sql)) {
		*cause = pgconn_error_text(p->conn, "sending the query failed");
		return -1;
	}
	for (;;) {
		int f = PQflush(p->conn);
		if (f == 0)
			return 0;
		if (f == -1) {
			*cause = pgconn_error_text(p->conn, "sending the query failed");
			return -1;
		}
		if (pgconn_wait(PQsocket(p->conn), POLLOUT | POLLIN, deadline_ms) == 0) {
			*cause = xstrdup("sending the query timed out");
			return -1;
		}
		if (!PQconsumeInput(p->conn)) {
			*cause = pgconn_error_text(p->conn, "connection lost");
			return -1;
		}
	}
}

/*
 * Runs sql, which must return one row with one column, under the deadline.
 * Returns 0 with *value (NULL for SQL NULL), or -1 with *cause; after a
 * timeout or a lost connection the pgconn must be freed.
 */
int pgconn_query_value(struct pgconn *p, const char *sql, int64_t deadline_ms, char **value,
		       char **cause)
{
	int64_t start = clock_mono_ms();
	char *error = NULL;
	*value = NULL;
	if (pgconn_send(p, sql, deadline_ms, cause) == -1)
		return -1;
	for (;;) {
		while (PQisBusy(p->conn)) {
			if (pgconn_wait(PQsocket(p->conn), POLLIN, deadline_ms) == 0) {
				free(error);
				free(*value);
				*value = NULL;
				*cause = xasprintf("the query timed out after %.1f s",
						   (double)(clock_mono_ms() - start) / 1000);
				return -1;
			}
			if (!PQconsumeInput(p->conn)) {
				free(error);
				free(*value);
				*value = NULL;
				*cause = pgconn_error_text(p->conn, "connection lost");
				return -1;
			}
		}
		PGresult *res = PQgetResult(p->conn);
		if (res == NULL)
			break;
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK && PQntuples(res) == 1 && PQnfields(res) == 1) {
			if (!PQgetisnull(res, 0, 0) && *value == NULL)
				*value = xstrdup(PQgetvalue(res, 0, 0));
		} else if (error == NULL) {
			const char *msg = PQresultErrorMessage(res);
			error = st == PGRES_TUPLES_OK
					? xasprintf("the query returned %d rows of %d columns",
						    PQntuples(res), PQnfields(res))
					: xasprintf("the query failed: %s",
						    *msg ? msg : PQresStatus(st));
		}
		PQclear(res);
	}
	if (error != NULL) {
		for (char *c = error; *c; c++)
			if (*c == '\n')
				*c = ' ';
		free(*value);
		*value = NULL;
		*cause = error;
		return -1;
	}
	return 0;
}

/* Returns the socket to watch between queries. */
int pgconn_socket(const struct pgconn *p)
{
	return PQsocket(p->conn);
}

/* After the socket turned readable between queries: 0 if still fine, -1 (and why) if lost. */
int pgconn_check_alive(struct pgconn *p, char **cause)
{
	if (!PQconsumeInput(p->conn) || PQstatus(p->conn) == CONNECTION_BAD) {
		*cause = pgconn_error_text(p->conn, "connection to PostgreSQL lost");
		return -1;
	}
	/* Parsing what arrived (PQisBusy does) hands server messages to the notice receiver. */
	PGresult *res;
	while (!PQisBusy(p->conn) && (res = PQgetResult(p->conn)) != NULL)
		PQclear(res);
	if (p->fatal != NULL) {
		*cause = xasprintf("connection to PostgreSQL lost: %s", p->fatal);
		return -1;
	}
	return 0;
}

/* Closes the connection. */
void pgconn_free(struct pgconn *p)
{
	if (p == NULL)
		return;
	PQfinish(p->conn);
	free(p->fatal);
	free(p);
}
