/*
 * Keeping the persisted fence armed (fencekeep.h). fence.json is looked at
 * once a second and read again only when its identity (inode, size, mtime)
 * changed; a file that cannot be read keeps the fence armed as it was last
 * read, and says why: a fence is never dropped because its file went bad.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "fencekeep.h"
#include "filestamp.h"
#include "journal.h"
#include "utf8.h"
#include "xmalloc.h"

/* Sets up a keeper for the config's sites; nothing is read or armed before the first tick. */
void fencekeep_init(struct fencekeep *k, const struct conf *cf, struct agent **agents,
                    struct event_log *events, const char *actor)
{
	memset(k, 0, sizeof *k);
	k->cf = cf;
	k->agents = agents;
	k->events = events;
	k->actor = actor;
	k->next_id = FENCEKEEP_ID_BASE;
	k->armed_site = -1;
	k->read_ms = -FENCEKEEP_READ_MS;
}

/* Returns the index of the site named name in the config, -1 when it is not there. */
static int fencekeep_site(const struct fencekeep *k, const char *name)
{
	for (size_t i = 0; i < k->cf->n_sites; i++)
		if (strcmp(k->cf->sites[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Returns a new operation id of the keeper's own range. */
static unsigned fencekeep_id(struct fencekeep *k)
{
	if (++k->next_id >= FENCEKEEP_ID_BASE + (1u << 24))
		k->next_id = FENCEKEEP_ID_BASE + 1;
	return k->next_id;
}

/* Reads fence.json again when it changed; a failure keeps the state last read. */
static void fencekeep_read(struct fencekeep *k)
{
	char stamp[sizeof k->stamp];
	if (clock_mono_ms() - k->read_ms < FENCEKEEP_READ_MS)
		return;
	k->read_ms = clock_mono_ms();
	char *path = xasprintf("%s/%s", k->cf->state_dir, FENCESTATE_FILE);
	filestamp_read(path, 0, stamp, sizeof stamp);
	free(path);
	if ((k->known || k->error[0]) && strcmp(stamp, k->stamp) == 0)
		return;
	struct fencestate st;
	char *cause = NULL;
	if (fencestate_read(k->cf->state_dir, &st, &cause) == -1) {
		if (strcmp(k->error, cause) != 0 && k->events != NULL)
			event_log_add(k->events, clock_wall_ms(), EVENT_CRITICAL, "",
			              "the kept fence cannot be read: %s", cause);
		snprintf(k->error, sizeof k->error, "%s", cause);
		free(cause);
		return; /* the stamp is kept old: read again at the next look */
	}
	snprintf(k->stamp, sizeof k->stamp, "%s", stamp);
	k->error[0] = '\0';
	k->known = 1;
	k->st = st;
}

/* Takes the armed fence back from its agent. */
static void fencekeep_unarm(struct fencekeep *k)
{
	if (k->armed_id != 0 && k->armed_site >= 0)
		agent_disarm(k->agents[k->armed_site], k->armed_id);
	k->armed_id = 0;
	k->armed_site = -1;
}

/* Sends a fence of site i: on its return (held by the agent) or now; its id. */
static unsigned fencekeep_send(struct fencekeep *k, int i, int on_return)
{
	struct op op = {0};
	op.id = fencekeep_id(k);
	op.kind = OP_FENCE;
	op.on_return = on_return;
	op.timeout_ms = 5 * k->cf->probe_timeout_ms + 3000;
	op.lsn = -1;
	op.run = xasprintf("fence-%u", op.id - FENCEKEEP_ID_BASE);
	agent_submit(k->agents[i], &op);
	return op.id;
}

/*
 * Looks at fence.json (at most once a second) and keeps its fence armed at
 * the site's agent, or takes it back once disarmed. run_arms: the host's
 * recovery run arms its own fence at that site now.
 */
void fencekeep_tick(struct fencekeep *k, int run_arms)
{
	if (k->agents == NULL)
		return;
	fencekeep_read(k);
	int want = k->known && k->st.armed ? fencekeep_site(k, k->st.site) : -1;
	if (run_arms) {
		k->armed_id = 0; /* the run's own fence replaced ours at the agent */
		k->armed_site = -1;
		return;
	}
	if (k->armed_id != 0 && k->armed_site != want)
		fencekeep_unarm(k);
	if (want < 0 || k->armed_id != 0 || k->now_id != 0 || clock_mono_ms() < k->again_ms)
		return;
	k->armed_id = fencekeep_send(k, want, 1);
	k->armed_site = want;
}

/* Journals a fence as a standalone action: a journal of its own, sealed at once. */
static void fencekeep_journal(struct fencekeep *k, const char *site, const char *how,
                              const struct op *op)
{
	char *path = NULL, *cause = NULL;
	struct journal *j = journal_create(k->cf->state_dir, clock_wall_ms, &path, &cause);
	if (j == NULL) {
		if (k->events != NULL)
			event_log_add(k->events, clock_wall_ms(), EVENT_CRITICAL, site,
			              "the fence of %s could not be journaled: %s", site, cause);
		free(cause);
		return;
	}
	json_t *about = json_pack("{s:s, s:s, s:s, s:o, s:s}", "mode", "action", "action", "fence",
	                          "actor", k->actor, "site", utf8_json_string(site), "how", how);
	json_t *fact = json_pack("{s:o, s:b, s:o, s:s}", "site", utf8_json_string(site), "ok",
	                         op->ok, "detail", utf8_json_string(op->detail ? op->detail : ""),
	                         "how", how);
	json_t *end = json_pack("{s:s}", "result", op->ok ? "done" : "failed");
	int rc = journal_append(j, JOURNAL_RUN_STARTED, about, &cause);
	if (rc != -1)
		rc = journal_append(j, strcmp(how, "on_return") == 0 ? "fence_on_return" : "fence_asked",
		                    fact, &cause);
	else
		json_decref(fact);
	if (rc != -1)
		rc = journal_append(j, JOURNAL_RUN_FINISHED, end, &cause);
	else
		json_decref(end);
	if (rc != -1)
		rc = journal_seal(j, &cause);
	if (rc == -1 && k->events != NULL)
		event_log_add(k->events, clock_wall_ms(), EVENT_CRITICAL, site,
		              "the fence of %s could not be journaled: %s", site, cause);
	free(cause);
	journal_close(j);
	free(path);
}

/* Takes a finished operation when it is one of the keeper's (1; it is freed), else 0. */
int fencekeep_take(struct fencekeep *k, struct op *op)
{
	if (op->id < FENCEKEEP_ID_BASE)
		return 0;
	int on_return = op->id == k->armed_id;
	int site = on_return ? k->armed_site : -1;
	for (size_t i = 0; site < 0 && i < k->cf->n_sites; i++)
		if (strcmp(k->cf->sites[i].name, k->st.site) == 0)
			site = (int)i;
	const char *name = site >= 0 ? k->cf->sites[site].name : k->st.site;
	if (on_return) {
		k->armed_id = 0;
		k->armed_site = -1;
	} else if (op->id == k->now_id) {
		k->now_id = 0;
	}
	k->fired++;
	if (!op->ok)
		k->again_ms = clock_mono_ms() + FENCEKEEP_AGAIN_MS;
	if (k->events != NULL)
		event_log_add(k->events, clock_wall_ms(), op->ok ? EVENT_WARNING : EVENT_CRITICAL,
		              name, "%s %s %s: %s",
		              on_return ? "the kept fence on return of" : "the fence of", name,
		              op->ok ? "fired" : "FAILED",
		              op->detail && op->detail[0] ? op->detail : "no detail");
	fencekeep_journal(k, name, on_return ? "on_return" : "asked", op);
	op_free(op);
	return 1;
}

/*
 * Takes the agents' finished operations while no run is going: the keeper's
 * own, and strays of a run that ended (dropped). 1 when any came.
 */
int fencekeep_drain(struct fencekeep *k)
{
	int any = 0;
	for (size_t i = 0; k->agents != NULL && i < k->cf->n_sites; i++) {
		struct op op;
		while (agent_take(k->agents[i], &op)) {
			any = 1;
			if (!fencekeep_take(k, &op))
				op_free(&op);
		}
	}
	return any;
}

/*
 * Fences the site whose fence is kept, now, on a person's word (the console's
 * f outside a run); 0 when sent, -1 with why when there is nothing to fence.
 */
int fencekeep_fire(struct fencekeep *k, char *why, size_t len)
{
	int i = k->known && k->st.armed ? fencekeep_site(k, k->st.site) : -1;
	if (k->agents == NULL || i < 0) {
		snprintf(why, len, "%s",
		         k->error[0] ? k->error
		                     : "no fence is kept: a fence is kept after a promotion");
		return -1;
	}
	if (k->now_id != 0) {
		snprintf(why, len, "the fence of %s is already under way", k->st.site);
		return -1;
	}
	if (k->armed_id != 0 && !agent_disarm(k->agents[k->armed_site], k->armed_id)) {
		/* the agent fired it already: its result comes back as the fence on return */
		snprintf(why, len, "the fence of %s fired on its return and is under way", k->st.site);
		return -1;
	}
	k->armed_id = 0; /* armed again once this one is back */
	k->armed_site = -1;
	k->now_id = fencekeep_send(k, i, 0);
	snprintf(why, len, "fence sent to %s: stop its PostgreSQL", k->st.site);
	return 0;
}

/* Makes the next tick look at fence.json at once (it was just written here). */
void fencekeep_reload(struct fencekeep *k)
{
	k->read_ms = clock_mono_ms() - FENCEKEEP_READ_MS;
}

/* Tells whether a fence is kept armed (as last read). */
int fencekeep_armed(const struct fencekeep *k)
{
	return k->known && k->st.armed;
}

/* Takes the armed fence back from its agent (before the agents stop). */
void fencekeep_stop(struct fencekeep *k)
{
	if (k->agents != NULL)
		fencekeep_unarm(k);
}
