/*
 * The engine's host. Requests become agent operations by what they ask:
 * commands and the fence go over SSH, promote and writable over the
 * PostgreSQL connection, and the built-ins that read snapshots are judged
 * here (guard_builtin). Every record the engine writes goes to the run's
 * journal, fsynced before the engine goes on.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "runhost.h"
#include "siteop.h"
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
	struct guard_ctx g;
	struct guard_result r;
	runbook_guard_ctx(&h->rb, &g);
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
	struct op op = {0};
	op.id = req->id;
	op.timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : h->cat->cf.probe_timeout_ms;
	op.lsn = -1;
	if (req->site == NULL && req->builtin == NULL && h->runner != NULL) {
		op.kind = OP_EXEC; /* on this jump host */
		op.command = xstrdup(req->command ? req->command : "true");
		localrun_submit(h->runner, &op);
		return 0;
	}
	if (i < 0 || h->agents == NULL) {
		char why[160];
		snprintf(why, sizeof why, "the built-in %s needs a site: give the action one",
		         req->builtin ? req->builtin : "?");
		return runhost_keep(h, req->id, 0, why);
	}
	if (req->builtin == NULL) {
		op.kind = OP_EXEC;
		op.command = xstrdup(req->command ? req->command : "true");
	} else if (strcmp(req->builtin, "promote") == 0) {
		op.kind = OP_PROMOTE;
	} else if (strcmp(req->builtin, "writable") == 0) {
		op.kind = OP_WRITABLE;
	} else if (strcmp(req->builtin, "fence") == 0) {
		op.kind = OP_FENCE;
		op.on_return = req->on_return;
	} else if (strcmp(req->builtin, "restore_test") == 0) {
		if (!h->snaps[i].backups.ok || h->snaps[i].backups.newest_name[0] == '\0')
			return runhost_keep(h, req->id, 0,
			                    "no backup is listed at the site to restore");
		op.kind = OP_RESTORE;
		op.command = siteop_restore_script(req->site, h->snaps[i].backups.newest_name);
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
		                   "stays read-only for runs",
		                   dr ? dr->name : "the DR site", who);
		free(who);
	}
	return rc == 0 ? 0 : -1;
}

/* Undoes a start that failed after its journal was created (an empty journal is removed). */
static void runhost_unwind(struct runhost *h, int remove_journal)
{
	journal_close(h->journal);
	h->journal = NULL;
	if (remove_journal && h->journal_path != NULL)
		unlink(h->journal_path);
	free(h->journal_path);
	h->journal_path = NULL;
	runlock_release(&h->lock);
}

/* Clears the host for a new run. */
static void runhost_init(struct runhost *h, const struct catalog *cat, const struct runhost_io *io)
{
	memset(h, 0, sizeof *h);
	h->cat = cat;
	h->agents = io->agents;
	h->runner = io->local;
	h->snaps = io->snaps;
	h->seen = io->seen;
	h->lock.fd = -1;
}

/* Returns the folder of the DR site's run lock. */
static const char *runhost_lock_dir(const struct runhost *h)
{
	const struct site *dr = conf_dr(&h->cat->cf);
	return dr != NULL && dr->lock_dir != NULL ? dr->lock_dir : RUNLOCK_SITE_DIR;
}

/* Sends a lock script to the DR site's agent; -1 when there is no agent for it. */
static int runhost_site_send(struct runhost *h, char *script)
{
	int i = runhost_site_index(h, conf_dr(&h->cat->cf));
	if (i < 0 || h->agents == NULL) {
		free(script);
		return -1;
	}
	static unsigned serial;
	struct op op = {0};
	op.id = h->lock_op = 0x40000000u | ++serial; /* apart from the engine's ids */
	op.kind = OP_EXEC;
	op.command = script;
	op.timeout_ms =
	    5 * h->cat->cf.probe_timeout_ms; /* a small script, but a loaded site is slow */
	op.lsn = -1;
	agent_submit(h->agents[i], &op);
	return 0;
}

/* Takes the jump host's lock and asks for the DR site's; -1 with *cause. */
static int runhost_begin(struct runhost *h, const char *path, char **cause)
{
	if (runhost_lock(h, path, &h->me, cause) == -1)
		return -1;
	h->me_json = runlock_owner_json(&h->me);
	if (runhost_site_send(h, runlock_site_acquire_script(runhost_lock_dir(h), h->me_json)) ==
	    -1) {
		*cause = xstrdup("the DR site has no agent to take its run lock");
		runlock_release(&h->lock);
		return -1;
	}
	h->phase = RUNHOST_LOCKING;
	h->active = 1;
	return 0;
}

/* Starts a run: its journal and the locks; the engine starts once the DR site's lock is ours. */
int runhost_start(struct runhost *h, const struct catalog *cat, const struct scenario *sc,
                  const struct runhost_io *io, char **cause)
{
	runhost_init(h, cat, io);
	h->sc = sc;
	h->journal =
	    journal_create(cat->cf.state_dir, runhost_journal_now, &h->journal_path, cause);
	if (h->journal == NULL)
		return -1;
	if (runhost_begin(h, h->journal_path, cause) == -1) {
		runhost_unwind(h, 1);
		return -1;
	}
	return 0;
}

/* Carries on the unfinished run journaled at path, once the locks are taken; -1 with *cause. */
int runhost_resume(struct runhost *h, const struct catalog *cat, const char *path,
                   const struct runhost_io *io, char **cause)
{
	struct diag d;
	runhost_init(h, cat, io);
	diag_init(&d);
	h->journal = journal_resume(path, runhost_journal_now, &d);
	if (h->journal == NULL) {
		*cause =
		    d.n > 0 ? diag_format(&d.items[0]) : xstrdup("the journal cannot be resumed");
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	h->journal_path = xstrdup(path);
	if (runhost_begin(h, path, cause) == -1) {
		runhost_unwind(h, 0);
		return -1;
	}
	return 0;
}

/* Starts (or resumes) the engine, now that the locks are held; REFUSED with why if it cannot. */
static void runhost_engine(struct runhost *h)
{
	struct rb_env env = {runhost_now, runhost_submit, runhost_journal, h};
	char *cause = NULL;
	int rc;
	if (h->sc != NULL) {
		json_t *about =
		    json_pack("{s:s, s:s, s:s, s:i}", "operator", h->me.operator, "host",
		              h->me.host, "origin", h->me.origin, "pid", h->me.pid);
		struct rb_live live = {h->snaps, h->cat->cf.n_sites, h->seen, about};
		rc = runbook_start(&h->rb, h->cat, h->sc, &env, &live, &cause);
		json_decref(about);
	} else {
		struct journal_records recs;
		struct diag d;
		struct rb_live live = {h->snaps, h->cat->cf.n_sites, h->seen, NULL};
		memset(&recs, 0, sizeof recs);
		diag_init(&d);
		rc = journal_read(h->journal_path, &recs, &d);
		if (rc == -1)
			cause = d.n > 0 ? diag_format(&d.items[0])
			                : xstrdup("the journal cannot be read");
		else
			rc = runbook_resume(&h->rb, h->cat, &recs, &env, &live, &cause);
		journal_records_free(&recs);
		diag_free(&d);
	}
	if (rc == -1) {
		snprintf(h->notice, sizeof h->notice, "%s", cause);
		free(cause);
		h->phase = RUNHOST_REFUSED;
		return;
	}
	h->phase = RUNHOST_RUNNING;
	if (h->lock_record != NULL)
		runhost_journal(h, json_string_value(json_object_get(h->lock_record, "type")),
		                json_incref(json_object_get(h->lock_record, "data")));
}

/* Keeps the lock's record, journaled when the engine has started. */
static void runhost_lock_record(struct runhost *h, const char *type, const char *previous)
{
	const struct site *dr = conf_dr(&h->cat->cf);
	json_decref(h->lock_record);
	h->lock_record = json_pack("{s:s, s:{s:s, s:s, s:s?}}", "type", type, "data", "site",
	                           dr ? dr->name : "?", "owner", h->me_json, "previous", previous);
}

/* Acts on the DR site's answer to a lock script. */
static void runhost_site_answer(struct runhost *h, const struct op *op)
{
	struct runlock_site_result r;
	char *cause = NULL;
	h->lock_op = 0;
	memset(&r, 0, sizeof r);
	if (!op->ok || runlock_site_parse(op->output ? op->output : "",
	                                  op->output ? strlen(op->output) : 0, &r, &cause) == -1) {
		snprintf(h->notice, sizeof h->notice, "The DR site's run lock cannot be taken: %s",
		         cause        ? cause
		         : op->detail ? op->detail
		                      : "no answer");
		free(cause);
		h->phase = RUNHOST_REFUSED;
	} else if (r.state == RUNLOCK_SITE_TAKEN) {
		h->site_locked = 1;
		if (h->phase != RUNHOST_TAKING)
			runhost_lock_record(h, "site_lock_taken", NULL);
		runhost_engine(h);
	} else if (r.state == RUNLOCK_SITE_HELD && r.owner.known &&
	           strcmp(r.owner.run, h->me.run) == 0) {
		/* this run's own lock, from before the console stopped */
		runhost_lock_record(h, JOURNAL_LOCK_TAKEN_OVER, r.owner_json);
		runhost_site_send(
		    h, runlock_site_takeover_script(runhost_lock_dir(h), r.owner_json, h->me_json));
		h->phase = RUNHOST_TAKING;
	} else if (r.state == RUNLOCK_SITE_HELD) {
		char *who = runlock_owner_describe(&r.owner);
		int live = runlock_is_stale(&r.owner, h->me.host, NULL) == RUNLOCK_LIVE;
		snprintf(h->notice, sizeof h->notice, "The DR site's run lock is held by %s%s", who,
		         live ? ", a console still running: this one stays read-only for runs"
		         : (r.owner.previous ||
		            runlock_is_stale(&r.owner, h->me.host, NULL) == RUNLOCK_STALE)
		             ? " (its console is gone)"
		             : " (on another host: it cannot be told whether it still runs)");
		free(who);
		free(h->holder_json);
		h->holder_json = xstrdup(r.owner_json ? r.owner_json : "");
		h->phase = live ? RUNHOST_REFUSED : RUNHOST_HELD;
	} else {
		snprintf(h->notice, sizeof h->notice,
		         "The DR site's run lock answered unexpectedly");
		h->phase = RUNHOST_REFUSED;
	}
	runlock_site_result_free(&r);
}

/* Takes over the DR site's lock from a holder the operator judged gone (typed "takeover"). */
int runhost_takeover(struct runhost *h, const char *typed)
{
	if (h->phase != RUNHOST_HELD || strcmp(typed, "takeover") != 0)
		return -1;
	runhost_lock_record(h, JOURNAL_LOCK_TAKEN_OVER, h->holder_json);
	if (runhost_site_send(h, runlock_site_takeover_script(runhost_lock_dir(h), h->holder_json,
	                                                      h->me_json)) == -1)
		return -1;
	h->phase = RUNHOST_TAKING;
	return 0;
}

/* Hands a finished operation to the engine (while it runs), and frees it. */
static void runhost_deliver(struct runhost *h, struct op *op)
{
	if (h->phase == RUNHOST_RUNNING) {
		struct rb_result r = {op->id,   op->ok,     op->exit_status, op->timed_out,
		                      op->lost, op->output, op->detail,      op->lsn};
		runbook_result(&h->rb, &r);
	}
	op_free(op);
}

/* Hands the local runner's finished commands to the engine; returns 1 when any came. */
static int runhost_take_local(struct runhost *h)
{
	struct op op;
	int any = 0;
	while (h->runner != NULL && localrun_take(h->runner, &op)) {
		runhost_deliver(h, &op);
		any = 1;
	}
	return any;
}

/* Hands the agents' finished operations to the lock or to the engine; returns 1 when any came. */
static int runhost_take_results(struct runhost *h)
{
	int any = runhost_take_local(h);
	for (size_t i = 0; h->agents != NULL && i < h->cat->cf.n_sites; i++) {
		struct op op;
		while (agent_take(h->agents[i], &op)) {
			any = 1;
			if (op.id == h->release_op && h->release_op != 0) {
				/* a failure leaves a lock the next run offers to take over */
				h->release_op = 0;
			} else if (op.id == h->lock_op && h->lock_op != 0) {
				runhost_site_answer(h, &op);
			} else {
				runhost_deliver(h, &op);
				continue;
			}
			op_free(&op);
		}
	}
	return any;
}

/* Gives back both locks once the run is over. */
static void runhost_unlock(struct runhost *h)
{
	runlock_release(&h->lock); /* over: another console may run one now */
	if (h->site_locked) {
		h->site_locked = 0;
		runhost_site_send(h, runlock_site_release_script(runhost_lock_dir(h), h->me_json));
		h->release_op =
		    h->lock_op; /* waited for only by a console that quits (runhost_settle) */
		h->lock_op = 0;
	}
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
	any = runhost_take_results(h);
	if (h->phase != RUNHOST_RUNNING)
		return any;
	while (h->n_local > 0) {
		struct runhost_local l = h->local[0];
		memmove(h->local, h->local + 1, --h->n_local * sizeof *h->local);
		runbook_result(&h->rb,
		               &(struct rb_result){l.id, l.ok, -1, 0, 0, NULL, l.detail, -1});
		any = 1;
	}
	runbook_tick(&h->rb, snaps, n);
	if (h->rb.finished)
		runhost_unlock(h);
	return any;
}

/*
 * Waits up to timeout_ms for the DR site's run lock to be given back, when
 * its release is under way (a console that quits right after its run ended);
 * 0 once given back or when none is under way, -1 when time ran out.
 */
int runhost_settle(struct runhost *h, int64_t timeout_ms)
{
	int64_t deadline = clock_mono_ms() + timeout_ms;
	while (h->active && h->release_op != 0 && clock_left_ms(deadline) > 0) {
		runhost_take_results(h);
		if (h->release_op != 0)
			poll(NULL, 0, 20);
	}
	return h->active && h->release_op != 0 ? -1 : 0;
}

/* Ends the host: the journal closed, the locks given back (the run itself may be unfinished: it can
 * be resumed). */
void runhost_stop(struct runhost *h)
{
	if (!h->active)
		return;
	if (h->phase == RUNHOST_RUNNING || h->phase == RUNHOST_REFUSED)
		runbook_free(&h->rb);
	runhost_unlock(h);
	journal_close(h->journal);
	free(h->journal_path);
	free(h->me_json);
	free(h->holder_json);
	json_decref(h->lock_record);
	h->active = 0;
}
