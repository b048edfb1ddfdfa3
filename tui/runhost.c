/*
 * The engine's host. Requests become agent operations by what they ask:
 * commands and the fence go over SSH, promote and writable over the
 * PostgreSQL connection, and the built-ins that read snapshots are judged
 * here (guard_builtin). Every record the engine writes goes to the run's
 * journal, fsynced before the engine goes on.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "runhost.h"
#include "xmalloc.h"

/* The engine's clock: the wall clock. */
static int64_t runhost_now(void *arg)
{
	(void)arg;
	return clock_wall_ms();
}

/* The journal's clock. */
static int64_t runhost_journal_now(void)
{
	return clock_wall_ms();
}

/* Writes one record; a failure is kept for the screen (the run goes on, the operator is told). */
static void runhost_journal(void *arg, const char *type, json_t *data)
{
	struct runhost *h = arg;
	char *cause = NULL;
	if (h->journal == NULL) {
		json_decref(data);
		return;
	}
	if (journal_append(h->journal, type, data, &cause) == -1) {
		snprintf(h->journal_error, sizeof h->journal_error, "journal: %s", cause);
		free(cause);
	}
}

/* Returns the index of a configured site, or -1. */
static int runhost_site_index(const struct runhost *h, const struct site *s)
{
	for (size_t i = 0; s != NULL && i < h->cat->cf.n_sites; i++)
		if (&h->cat->cf.sites[i] == s)
			return (int)i;
	return -1;
}

/* Keeps a result computed here for the next pump; -1 when there is no room. */
static int runhost_keep(struct runhost *h, unsigned id, int ok, const char *detail)
{
	if (h->n_local == RUNHOST_MAX_LOCAL)
		return -1;
	struct runhost_local *l = &h->local[h->n_local++];
	l->id = id;
	l->ok = ok;
	snprintf(l->detail, sizeof l->detail, "%s", detail);
	return 0;
}

/* Judges a built-in from the snapshots; -1 when it must run on the site instead. */
static int runhost_judge(struct runhost *h, const struct rb_request *req)
{
	struct guard_ctx g = {&h->cat->cf, h->snaps, h->cat->cf.n_sites, clock_wall_ms(),
			      h->rb.track.lsn, h->rb.fenced, h->rb.attested};
	struct guard_result r;
	if (guard_builtin(req->builtin, req->site, &g, &r) == -1)
		return -1;
	return runhost_keep(h, req->id, r.pass, r.evidence);
}

/* The executor: a request becomes a local judgement or an agent operation. */
static int runhost_submit(void *arg, const struct rb_request *req)
{
	struct runhost *h = arg;
	if (req->builtin != NULL && runhost_judge(h, req) == 0)
		return 0;
	int i = runhost_site_index(h, req->site);
	if (i < 0 || h->agents == NULL) {
		char why[160];
		snprintf(why, sizeof why, "%s on the operator's side is not in this version: "
			 "give the action a site", req->command ? "a command" : req->builtin);
		return runhost_keep(h, req->id, 0, why);
	}
	struct op op = {0};
	op.id = req->id;
	op.timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : h->cat->cf.probe_timeout_ms;
	op.lsn = -1;
	if (req->builtin == NULL) {
		op.kind = OP_EXEC;
		op.command = xstrdup(req->command ? req->command : "true");
	} else if (strcmp(req->builtin, "promote") == 0) {
		op.kind = OP_PROMOTE;
	} else if (strcmp(req->builtin, "writable") == 0) {
		op.kind = OP_WRITABLE;
	} else if (strcmp(req->builtin, "fence") == 0) {
		op.kind = OP_FENCE;
	} else {
		char why[160];
		snprintf(why, sizeof why, "the built-in %s is not in this version", req->builtin);
		return runhost_keep(h, req->id, 0, why);
	}
	agent_submit(h->agents[i], &op);
	return 0;
}

/* Returns a run's id: its journal's file name without .jsonl (newly allocated). */
static char *runhost_run_id(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);
	return xstrndup(base, len > 6 && strcmp(base + len - 6, ".jsonl") == 0 ? len - 6 : len);
}

/*
 * Takes the jump host's lock for runs against the DR site, naming this
 * console; -1 with *cause naming the holder when another console has it.
 */
static int runhost_lock(struct runhost *h, const char *path, struct runlock_owner *me, char **cause)
{
	struct runlock_owner holder;
	const struct site *dr = conf_dr(&h->cat->cf);
	char *id = runhost_run_id(path);
	runlock_owner_me(me, id);
	free(id);
	int rc = runlock_acquire(h->cat->cf.state_dir, dr ? dr->name : "dr", me, &h->lock, &holder,
				 cause);
	if (rc == RUNLOCK_HELD) {
		char *who = runlock_owner_describe(&holder);
		*cause = xasprintf("another console runs a recovery against %s: %s. This console "
				   "stays read-only for runs", dr ? dr->name : "the DR site", who);
		free(who);
	}
	return rc == 0 ? 0 : -1;
}

/* Undoes a start that failed after its journal was created (an empty journal is removed). */
static void runhost_unwind(struct runhost *h, int remove_journal)
{
	journal_close(h->journal);
	h->journal = NULL;
	if (remove_journal)
		unlink(h->journal_path);
	free(h->journal_path);
	h->journal_path = NULL;
	runlock_release(&h->lock);
}

/* Starts a run: its journal and lock, then the engine; -1 with *cause. */
int runhost_start(struct runhost *h, const struct catalog *cat, const struct scenario *sc,
		  struct agent **agents, const struct site_status *snaps, const struct rb_track *seen,
		  char **cause)
{
	struct runlock_owner me;
	memset(h, 0, sizeof *h);
	h->cat = cat;
	h->agents = agents;
	h->snaps = snaps;
	h->lock.fd = -1;
	h->journal = journal_create(cat->cf.state_dir, runhost_journal_now, &h->journal_path, cause);
	if (h->journal == NULL)
		return -1;
	if (runhost_lock(h, h->journal_path, &me, cause) == -1) {
		runhost_unwind(h, 1);
		return -1;
	}
	json_t *about = json_pack("{s:s, s:s, s:s, s:i}", "operator", me.operator, "host", me.host,
				  "origin", me.origin, "pid", me.pid);
	struct rb_env env = {runhost_now, runhost_submit, runhost_journal, h};
	struct rb_live live = {snaps, cat->cf.n_sites, seen, about};
	int rc = runbook_start(&h->rb, cat, sc, &env, &live, cause);
	json_decref(about);
	if (rc == -1) {
		runhost_unwind(h, 0);
		return -1;
	}
	h->active = 1;
	return 0;
}

/* Carries on the unfinished run journaled at path; -1 with *cause. */
int runhost_resume(struct runhost *h, const struct catalog *cat, const char *path,
		   struct agent **agents, const struct site_status *snaps, const struct rb_track *seen,
		   char **cause)
{
	struct journal_records recs;
	struct diag d;
	memset(&recs, 0, sizeof recs);
	memset(h, 0, sizeof *h);
	h->cat = cat;
	h->agents = agents;
	h->snaps = snaps;
	h->lock.fd = -1;
	diag_init(&d);
	struct runlock_owner me;
	if (runhost_lock(h, path, &me, cause) == -1) {
		diag_free(&d);
		return -1;
	}
	int rc = journal_read(path, &recs, &d);
	if (rc == 0)
		h->journal = journal_resume(path, runhost_journal_now, &d);
	if (rc == -1 || h->journal == NULL) {
		*cause = d.errors > 0 ? diag_format(&d.items[0]) : xstrdup("the journal cannot be resumed");
		journal_records_free(&recs);
		diag_free(&d);
		runlock_release(&h->lock);
		return -1;
	}
	diag_free(&d);
	struct rb_env env = {runhost_now, runhost_submit, runhost_journal, h};
	struct rb_live live = {snaps, cat->cf.n_sites, seen, NULL};
	rc = runbook_resume(&h->rb, cat, &recs, &env, &live, cause);
	journal_records_free(&recs);
	if (rc == -1) {
		journal_close(h->journal);
		runlock_release(&h->lock);
		return -1;
	}
	h->journal_path = xstrdup(path);
	h->active = 1;
	return 0;
}

/*
 * Delivers the results computed here and those the agents finished, then
 * gives the engine the live snapshots; returns 1 when anything came.
 */
int runhost_pump(struct runhost *h, const struct site_status *snaps, size_t n)
{
	int any = 0;
	if (!h->active)
		return 0;
	h->snaps = snaps;
	while (h->n_local > 0) {
		struct runhost_local l = h->local[0];
		memmove(h->local, h->local + 1, --h->n_local * sizeof *h->local);
		runbook_result(&h->rb, &(struct rb_result){l.id, l.ok, -1, 0, 0, NULL, l.detail, -1});
		any = 1;
	}
	for (size_t i = 0; h->agents != NULL && i < h->cat->cf.n_sites; i++) {
		struct op op;
		while (agent_take(h->agents[i], &op)) {
			struct rb_result r = {op.id, op.ok, op.exit_status, op.timed_out, op.lost,
					      op.output, op.detail, op.lsn};
			runbook_result(&h->rb, &r);
			op_free(&op);
			any = 1;
		}
	}
	runbook_tick(&h->rb, snaps, n);
	if (h->rb.finished)
		runlock_release(&h->lock); /* over: another console may run one now */
	return any;
}

/* Ends the host: the journal closed (the run itself may be unfinished: it can be resumed). */
void runhost_stop(struct runhost *h)
{
	if (!h->active)
		return;
	runbook_free(&h->rb);
	journal_close(h->journal);
	free(h->journal_path);
	runlock_release(&h->lock);
	h->active = 0;
}
