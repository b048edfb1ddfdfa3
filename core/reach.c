/*
 * The DR site's own look at the primary (reach.h). pg_isready's exit status
 * says what it found: 0 accepting, 1 rejecting (starting or stopping: the
 * server answers), 2 no answer, 3 no attempt (bad parameters); 127: the
 * site has no pg_isready. Only "no answer" is a loss; anything the test
 * cannot tell leaves the DR site's view unknown, which never confirms.
 * The status is read after a marker holding a nonce made for each test, so
 * that a site's shell startup printing "drreach 2" cannot answer for it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nonce.h"
#include "reach.h"
#include "shquote.h"
#include "sshexec.h"
#include "xmalloc.h"

#define REACH_MARK "drreach "

/* Starts with no address known. */
void reach_init(struct reach_target *t)
{
	memset(t, 0, sizeof *t);
	t->receive_lsn = -1;
}

/* Keeps the address the DR site streams from, whenever it is seen streaming. */
void reach_learn(struct reach_target *t, const struct snap_pg *dr)
{
	if (!dr->up || strcmp(dr->receiver_status, "streaming") != 0 || dr->receiver_host[0] == '\0' ||
	    !dr->receiver_port.known)
		return;
	snprintf(t->host, sizeof t->host, "%s", dr->receiver_host);
	t->port = (long)dr->receiver_port.v;
}

/*
 * Returns the test's command line for the DR site (its marker's nonce kept
 * in t for reach_judge), or NULL when no address is known.
 */
char *reach_script(struct reach_target *t, int64_t timeout_ms)
{
	if (t->host[0] == '\0')
		return NULL;
	nonce_hex(t->nonce, sizeof t->nonce);
	long secs = (long)((timeout_ms + 999) / 1000);
	char *host = shquote(t->host);
	char *script = xasprintf("pg_isready -q -h %s -p %ld -t %ld; echo \"" REACH_MARK "%s $?\"",
	                         host, t->port, secs < 1 ? 1 : secs, t->nonce);
	char *line = sshexec_sh_line(script);
	free(script);
	free(host);
	return line;
}

/* Reads pg_isready's status after the marker holding nonce; -1 when it is not there. */
static int reach_status(const char *output, const char *nonce)
{
	if (output == NULL || nonce[0] == '\0')
		return -1;
	char mark[64];
	snprintf(mark, sizeof mark, REACH_MARK "%s ", nonce);
	const char *at = strstr(output, mark);
	if (at == NULL)
		return -1;
	char *end;
	long v = strtol(at + strlen(mark), &end, 10);
	return end == at + strlen(mark) ? -1 : (int)v;
}

/*
 * Judges the DR site's view from the test's outcome and the DR site's
 * snapshot: 1 (known, *lost set, why filled) or 0 (not known, why says
 * why). WAL still arriving at the DR site means the primary is alive,
 * whatever the test says.
 */
int reach_judge(struct reach_target *t, const struct snap_pg *dr, int op_ok, const char *output,
                const char *failure, int *lost, char *why, size_t len)
{
	int64_t was = t->receive_lsn;
	t->receive_lsn = dr->up && dr->receive_lsn.known ? dr->receive_lsn.v : -1;
	if (was >= 0 && t->receive_lsn > was) {
		*lost = 0;
		snprintf(why, len,
		         "WAL still arrives at the DR site (received %" PRId64 " more bytes)",
		         t->receive_lsn - was);
		return 1;
	}
	const char *rcv = dr->receiver_status[0] ? dr->receiver_status : "not running";
	int rc = op_ok || output != NULL ? reach_status(output, t->nonce) : -1;
	switch (rc) {
	case 0:
		*lost = 0;
		snprintf(why, len, "%s:%ld accepts connections from the DR site (WAL receiver %s)",
		         t->host, t->port, rcv);
		return 1;
	case 1:
		*lost = 0;
		snprintf(why, len,
		         "%s:%ld answers the DR site but rejects connections (WAL receiver %s)",
		         t->host, t->port, rcv);
		return 1;
	case 2:
		*lost = 1;
		snprintf(why, len, "no answer from %s:%ld to the DR site (WAL receiver %s)",
		         t->host, t->port, rcv);
		return 1;
	case 127:
		snprintf(why, len, "the DR site has no pg_isready: it cannot test the primary");
		return 0;
	case -1:
		snprintf(why, len, "the DR site's test did not answer: %s",
		         failure && failure[0] ? failure : "no result");
		return 0;
	default:
		snprintf(why, len, "the DR site's test could not try %s:%ld (pg_isready status %d)",
		         t->host, t->port, rc);
		return 0;
	}
}
