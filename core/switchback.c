/*
 * The switchover's script and decisions. The stop script answers
 * "stopwrites ok LSN" with the final (shutdown) checkpoint of the cluster it
 * stopped, or "stopwrites failed STEP: why"; it refuses to stop a site from
 * which no standby streams, since its last WAL would then reach no one. A
 * site found already down answers its last checkpoint when that was a clean
 * shutdown (the stop retried after the console died during it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgsite.h"
#include "probe_sql.h"
#include "switchback.h"
#include "xmalloc.h"

/* Returns the script that stops writes on s by a clean shutdown of its PostgreSQL. */
char *switchback_stop_script(const struct site *s)
{
	char *pre = pgsite_prelude(s, "stopwrites");
	char *out = xasprintf(
	    "%sif pg_running; then\n"
	    "n=$(pg_sql \"select count(*) from pg_stat_replication where state = 'streaming'\")\n"
	    "[ \"${n:-0}\" -gt 0 ] 2>/dev/null || fail nostandby 'no standby streams from this site: "
	    "its last WAL would reach no one'\n"
	    "note \"before the shutdown: $(pg_sql \"select string_agg(application_name || ' flushed ' "
	    "|| flush_lsn || ' of ' || pg_current_wal_lsn(), ', ') from pg_stat_replication\")\"\n"
	    "pg_stop >/dev/null 2>&1; pg_running && fail stop 'PostgreSQL did not stop'\n"
	    "else note 'PostgreSQL was already stopped (a retry, or a stop by hand): its last "
	    "checkpoint is read as it is; the promotion back still needs the standby past it'; fi\n"
	    "state=$(pg_control 'Database cluster state'); L=$(pg_control 'Latest checkpoint location')\n"
	    "[ \"$state\" = 'shut down' ] || fail state \"the cluster state is '$state', not a clean "
	    "shutdown\"\n"
	    "echo \"stopwrites ok $L\"\n",
	    pre);
	free(pre);
	return out;
}

/* Reads the stop's answer: 1 with the final checkpoint's LSN, 0 with why. */
int switchback_stop_parse(const char *out, int64_t *lsn, char *detail, size_t len)
{
	const char *ok = out ? strstr(out, "stopwrites ok ") : NULL;
	const char *bad = out ? strstr(out, "stopwrites failed ") : NULL;
	char text[32];
	*lsn = -1;
	if (ok != NULL && bad == NULL && sscanf(ok + 14, "%31s", text) == 1 &&
	    lsn_parse(text, lsn) == 0) {
		snprintf(detail, len, "writes stopped by a clean shutdown; final checkpoint at %s",
		         text);
		return 1;
	}
	*lsn = -1;
	if (bad != NULL)
		snprintf(detail, len, "writes were not stopped: %.*s", (int)strcspn(bad + 18, "\n"),
		         bad + 18);
	else
		snprintf(detail, len, "the stop gave no answer");
	return 0;
}

/*
 * Says why the promotion back is refused now, or NULL when it may go:
 * never while the old primary's fence is kept (fence.json) or armed by
 * the run, never before writes were stopped on the DR site.
 */
const char *switchback_promote_refusal(int fence_kept, int fence_armed, int64_t stopped_lsn)
{
	if (fence_kept)
		return "refused: its fence is kept (fence.json) and would stop it the moment it "
		       "takes writes; lift it first, typed (step lift_fence)";
	if (fence_armed)
		return "refused: this run's fence on return is armed at the site; lift it first, "
		       "typed (step lift_fence)";
	if (stopped_lsn < 0)
		return "refused: writes were not stopped on the DR site by this run (step "
		       "stop_dr_writes): a promotion now could lose its last writes";
	return NULL;
}

/*
 * Judges whether the standby received the DR site's final checkpoint: its
 * received position must be past the checkpoint record's start; 1 when so.
 */
int switchback_received(int64_t received_lsn, int64_t stopped_lsn, char *detail, size_t len)
{
	char r[32], s[32];
	lsn_format(received_lsn, r, sizeof r);
	lsn_format(stopped_lsn, s, sizeof s);
	if (received_lsn < 0) {
		snprintf(detail, len, "what it received is not known: not promoted");
		return 0;
	}
	if (received_lsn <= stopped_lsn) {
		snprintf(detail, len,
		         "it received up to %s, not past the DR site's final checkpoint at %s: not "
		         "promoted (writes would be lost)",
		         r, s);
		return 0;
	}
	snprintf(detail, len, "it received up to %s, past the DR site's final checkpoint at %s", r,
	         s);
	return 1;
}

/*
 * Tells whether the DR site must be rewound to follow the promoted site:
 * not when the promotion came after replaying its final checkpoint (all
 * of its WAL is in the new primary's history), yes otherwise or unknown.
 */
int switchback_rewind_needed(int64_t stopped_lsn, int64_t promoted_lsn)
{
	return stopped_lsn < 0 || promoted_lsn < 0 || promoted_lsn <= stopped_lsn;
}
