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
#include "drillrun.h"
#include "fencestate.h"
#include "rebuild.h"
#include "runhost.h"
#include "siteop.h"
#include "switchback.h"
#include "utf8.h"
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

/*
 * Writes one record (fsynced); -1 when it cannot, the cause kept for the
 * screen: the engine then holds the run until the journal takes records again.
 */
static int runhost_journal(void *arg, const char *type, json_t *data)
{
	struct runhost *h = arg;
	char *cause = NULL;
	if (h->journal == NULL) {
		json_decref(data);
		snprintf(h->journal_error, sizeof h->journal_error, "the journal is not open");
		return -1;
	}
	if (h->actor != NULL && json_is_object(data) && json_object_get(data, "actor") == NULL)
		json_object_set_new(data, "actor", json_string(h->actor));
	if (h->mode != NULL && json_is_object(data) && json_object_get(data, "mode") == NULL)
		json_object_set_new(data, "mode", json_string(h->mode));
	if (strcmp(type, "guard_override") == 0 && json_is_object(data) && h->me.operator[0])
		json_object_set_new(data, "by", utf8_json_string(h->me.operator));
	int64_t before = journal_seq(h->journal);
	if (journal_append(h->journal, type, data, &cause) == -1) {
		snprintf(h->journal_error, sizeof h->journal_error, "%s", cause);
		free(cause);
		/* on disk, though what anchors its end is not: written; the next one waits */
		return journal_seq(h->journal) > before ? 0 : -1;
	}
	h->journal_error[0] = '\0';
	return 0;
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

/* Returns a run's id: its journal's file name without .jsonl (newly allocated). */
char *runhost_run_id(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);
	return xstrndup(base, len > 6 && strcmp(base + len - 6, ".jsonl") == 0 ? len - 6 : len);
}

static void runhost_keep_fence(struct runhost *h);

/* Tells whether fence.json keeps the fence of site armed (unreadable: kept, to be safe). */
static int runhost_fence_kept(const struct runhost *h, const struct site *site)
{
	struct fencestate st;
	char *cause = NULL;
	if (fencestate_read(h->cat->cf.state_dir, &st, &cause) == -1) {
		free(cause);
		return 1;
	}
	return st.armed && strcmp(st.site, site->name) == 0;
}

/*
 * Lifts the old primary's fence for the failback (the step's confirmation
 * typed its name): fence.json disarmed, this run's fence on return taken
 * back from the site's agent; journaled as fence_lifted.
 */
static int runhost_lift_fence(struct runhost *h, const struct rb_request *req, int i)
{
	struct fencestate_by by;
	char detail[400], *cause = NULL, *run = runhost_run_id(h->journal_path);
	int rc = 0, kept = runhost_fence_kept(h, req->site);
	fencestate_by_me(&by, h->actor != NULL ? h->actor : FENCESTATE_CONSOLE, run);
	if (kept)
		rc = fencestate_disarm(h->cat->cf.state_dir, req->site->name, &by,
		                       "lifted for the failback: the site is to be promoted back",
		                       &cause);
	free(run);
	if (rc == -1) {
		snprintf(detail, sizeof detail, "the fence of %s is still kept: %s", req->site->name,
		         cause);
		free(cause);
		return runhost_keep(h, req->id, 0, detail);
	}
	int armed = h->rb.fence_request != 0;
	if (armed && h->agents != NULL && i >= 0)
		agent_disarm(h->agents[i], h->rb.fence_request);
	if (h->keep != NULL)
		fencekeep_reload(h->keep);
	snprintf(detail, sizeof detail, "%s%s%s", kept ? "the kept fence (fence.json) was disarmed" : "no fence was kept in fence.json",
	         armed ? "; this run's fence on return was taken back from the site" : "",
	         "; the site is no longer watched as an old primary");
	runbook_log(&h->rb, "fence_lifted",
	            json_pack("{s:s, s:b, s:b, s:s}", "site", req->site->name, "kept", kept,
	                      "armed", armed, "by", by.operator),
	            NULL);
	return runhost_keep(h, req->id, 1, detail);
}

/* Fills a failback operation (rebuild, stop, promotion back); -1 when it is refused here. */
static int runhost_failback_op(struct runhost *h, const struct rb_request *req, struct op *op)
{
	const struct conf *cf = &h->cat->cf;
	if (strcmp(req->builtin, "rebuild_standby") == 0) {
		const struct site *src = req->site == conf_dr(cf) ? conf_primary(cf) : conf_dr(cf);
		enum rebuild_mode m = REBUILD_AUTO;
		if (req->site == conf_dr(cf) &&
		    !switchback_rewind_needed(h->rb.stopped_lsn, h->rb.back_lsn))
			m = REBUILD_KEEP;
		int wait_s = (int)(op->timeout_ms / 4000);
		op->kind = OP_REBUILD;
		op->command = rebuild_script(req->site, src, m, wait_s > 120 ? 120 : wait_s);
		return 0;
	}
	if (strcmp(req->builtin, "stop_writes") == 0) {
		op->kind = OP_STOPWRITES;
		op->command = switchback_stop_script(req->site);
		return 0;
	}
	const char *why = switchback_promote_refusal(runhost_fence_kept(h, req->site),
	                                             h->rb.fence_request != 0, h->rb.stopped_lsn);
	if (why != NULL) {
		runhost_keep(h, req->id, 0, why);
		return -1;
	}
	op->kind = OP_PROMOTE;
	op->min_lsn = h->rb.stopped_lsn;
	return 0;
}


/* Tells whether the step of a request is guarded by backup_proven, and was overridden. */
static int runhost_guarded(const struct runhost *h, const struct rb_request *req, int *overridden)
{
	*overridden = 0;
	if (req->step >= h->rb.n)
		return 0;
	const struct rb_step *st = &h->rb.steps[req->step];
	*overridden = st->overridden;
	for (size_t g = 0; g < st->plan->action->n_guards; g++)
		if (strcmp(st->plan->action->guards[g], RESTORERUN_GUARD) == 0)
			return 1;
	return 0;
}

/*
 * Makes a restore test's operation: the file picked (an unproven one refused
 * where backup_proven guards the step), kept in flight for its answer; -1
 * when it is refused (the refusal kept as the step's result).
 */
static int runhost_restore(struct runhost *h, const struct rb_request *req,
                           const struct snap_backups *b, struct op *op)
{
	struct restorerun r;
	char why[512];
	int overridden, guarded = runhost_guarded(h, req, &overridden);
	size_t k = 0;
	while (k < RUNHOST_MAX_RESTORES && h->restores[k].id != 0)
		k++;
	if (k == RUNHOST_MAX_RESTORES)
		snprintf(why, sizeof why, "too many restore tests in flight");
	if (k == RUNHOST_MAX_RESTORES ||
	    restorerun_pick(req->site, b, h->proofs, guarded, overridden, &r, why, sizeof why) == -1) {
		runhost_keep(h, req->id, 0, why);
		return -1;
	}
	r.id = req->id;
	h->restores[k] = r;
	struct restoretest_file f = {r.name, r.size, r.mtime_s};
	op->kind = OP_RESTORE;
	op->command = restoretest_script(req->site, &f, op->timeout_ms);
	return 0;
}

/*
 * Takes a restore test's answer: a proof kept in the state folder when it
 * proved the file, and the test journaled either way (with whether the
 * proof could be kept). The op's sentence then names the file.
 */
static void runhost_restored(struct runhost *h, struct op *op)
{
	size_t k = 0;
	while (k < RUNHOST_MAX_RESTORES && (h->restores[k].id == 0 || h->restores[k].id != op->id))
		k++;
	if (k == RUNHOST_MAX_RESTORES)
		return;
	struct restorerun r = h->restores[k];
	struct restoretest_answer a;
	char detail[320], *cause = NULL, *run = runhost_run_id(h->journal_path);
	h->restores[k].id = 0;
	int proven = op->output != NULL && restoretest_parse(op->output, &a, detail, sizeof detail);
	if (op->output == NULL)
		restoretest_parse(NULL, &a, detail, sizeof detail);
	json_t *rec = restorerun_json(&r, &a, op->detail ? op->detail : detail);
	if (proven) {
		struct restoreproof p;
		restorerun_proof(&r, &a, clock_wall_ms(), run, &p);
		int rc = restoreproof_add(h->cat->cf.state_dir, &p, &cause);
		json_object_set_new(rec, "kept", json_boolean(rc == 0));
		if (rc == -1)
			json_object_set_new(rec, "why", utf8_json_string(cause));
		restoreproof_clear(&p);
	}
	if (h->phase == RUNHOST_RUNNING && !h->detached)
		runbook_log(&h->rb, "restore_tested", rec, NULL);
	else
		json_decref(rec);
	char *named = xasprintf("%s: %s", r.name, op->detail ? op->detail : detail);
	free(op->detail);
	op->detail = named;
	free(cause);
	free(run);
}

/* The executor: a request becomes a local judgement or an agent operation. */
static int runhost_submit(void *arg, const struct rb_request *req)
{
	struct runhost *h = arg;
	if (h->mode != NULL && strcmp(h->mode, RUNHOST_TABLETOP) == 0)
		return -1; /* the engine sends nothing in a tabletop; if it did, it stops here */
	if (req->builtin != NULL && runhost_judge(h, req) == 0)
		return 0;
	int i = conf_site_index(&h->cat->cf, req->site);
	struct op op = {0};
	op.id = req->id;
	op.timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : h->cat->cf.probe_timeout_ms;
	op.lsn = -1;
	if (req->site == NULL && req->builtin == NULL && req->op != RB_OP_STATUS &&
	    h->runner != NULL) {
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
	if (req->op == RB_OP_STATUS) {
		op.kind = OP_STATUS;
		op.of = req->of;
		op.timeout_ms = 5 * h->cat->cf.probe_timeout_ms;
	} else if (req->builtin == NULL) {
		op.kind = OP_EXEC;
		op.command = xstrdup(req->command ? req->command : "true");
	} else if (strcmp(req->builtin, "promote") == 0) {
		op.kind = OP_PROMOTE;
		if (!h->fence_kept)
			runhost_keep_fence(h); /* on disk before the promotion can happen */
	} else if (strcmp(req->builtin, "writable") == 0) {
		op.kind = OP_WRITABLE;
	} else if (strcmp(req->builtin, "fence") == 0) {
		op.kind = OP_FENCE;
		op.on_return = req->on_return;
	} else if (strcmp(req->builtin, "lift_fence") == 0) {
		return runhost_lift_fence(h, req, i);
	} else if (strcmp(req->builtin, "rebuild_standby") == 0 ||
	           strcmp(req->builtin, "stop_writes") == 0 ||
	           strcmp(req->builtin, "promote_back") == 0) {
		if (runhost_failback_op(h, req, &op) == -1)
			return 0;
	} else if (strcmp(req->builtin, "restore_test") == 0) {
		if (runhost_restore(h, req, &h->snaps[i].backups, &op) == -1)
			return 0;
	} else {
		char why[160];
		snprintf(why, sizeof why, "the built-in %s is not in this version", req->builtin);
		return runhost_keep(h, req->id, 0, why);
	}
	op.run = runhost_run_id(h->journal_path); /* names the step's folder on the site */
	agent_submit(h->agents[i], &op);
	return 0;
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
		journal_unlink(h->journal_path);
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
	h->keep = io->keep;
	h->claim = io->claim;
	h->claim_ctx = io->claim_ctx;
	h->actor = io->actor;
	h->mode = io->mode;
	h->runner = io->local;
	h->snaps = io->snaps;
	h->seen = io->seen;
	h->events = io->events;
	h->proofs = io->proofs;
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
	int i = conf_site_index(&h->cat->cf, conf_dr(&h->cat->cf));
	if (i < 0 || h->agents == NULL) {
		free(script);
		return -1;
	}
	static unsigned serial;
	struct op op = {0};
	op.id = h->lock_op = 0x80000000u | ++serial; /* apart from the engine's ids */
	op.kind = OP_SCRIPT;
	op.command = script;
	op.timeout_ms =
	    5 * h->cat->cf.probe_timeout_ms; /* a small script, but a loaded site is slow */
	op.lsn = -1;
	agent_submit(h->agents[i], &op);
	return 0;
}

static void runhost_engine(struct runhost *h);

/* Tells whether the run is a tabletop drill: nothing may reach any site. */
static int runhost_tabletop(const struct runhost *h)
{
	return h->mode != NULL && strcmp(h->mode, RUNHOST_TABLETOP) == 0;
}

/*
 * Takes the jump host's lock and asks for the DR site's; -1 with *cause. A
 * tabletop drill takes only the jump host's: it starts at once.
 */
static int runhost_begin(struct runhost *h, const char *path, char **cause)
{
	if (runhost_lock(h, path, &h->me, cause) == -1)
		return -1;
	h->me_json = runlock_owner_json(&h->me);
	if (runhost_tabletop(h)) {
		h->active = 1;
		runhost_engine(h);
		return 0;
	}
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
	h->sc = io->mode != NULL && strcmp(io->mode, RUNHOST_DRILL) == 0 ? drillrun_live(cat, sc) : sc;
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

/* Returns the mode the run journaled at path started in (a drill's), or NULL. */
static const char *runhost_journal_mode(const char *path)
{
	struct journal_records recs;
	struct diag d;
	const char *mode = NULL;
	memset(&recs, 0, sizeof recs);
	diag_init(&d);
	if (journal_read(path, &recs, &d) == 0 && recs.n > 0) {
		const char *m = journal_text(recs.items[0].data, "mode", "");
		mode = strcmp(m, RUNHOST_DRILL) == 0      ? RUNHOST_DRILL
		       : strcmp(m, RUNHOST_TABLETOP) == 0 ? RUNHOST_TABLETOP
		                                          : NULL;
	}
	journal_records_free(&recs);
	diag_free(&d);
	return mode;
}

/*
 * Carries on the unfinished run journaled at path, once the locks are taken;
 * -1 with *cause. A drill stays a drill of its mode: every record after the
 * resume says it, and a tabletop takes no site lock.
 */
int runhost_resume(struct runhost *h, const struct catalog *cat, const char *path,
                   const struct runhost_io *io, char **cause)
{
	struct diag d;
	runhost_init(h, cat, io);
	if (h->mode == NULL)
		h->mode = runhost_journal_mode(path);
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
	static unsigned runs; /* each run of this process has ids of its own */
	struct rb_env env = {
	    runhost_now, runhost_submit, runhost_journal, h, (++runs % 2048) * RUNBOOK_ID_SPAN,
	    h->events};
	char *cause = NULL;
	int rc;
	if (h->sc != NULL) {
		json_t *about =
		    json_pack("{s:s, s:s, s:s, s:i}", "operator", h->me.operator, "host",
		              h->me.host, "origin", h->me.origin, "pid", h->me.pid);
		if (h->mode != NULL)
			json_object_update_new(about, drillrun_about(h->cat, h->sc, runhost_tabletop(h)));
		struct rb_live live = {h->snaps, h->cat->cf.n_sites, h->seen, about, NULL, h->proofs};
		rc = runbook_start_mode(&h->rb, h->cat, h->sc, &env, &live, runhost_tabletop(h),
		                        &cause);
		json_decref(about);
	} else {
		struct journal_records recs;
		struct diag d;
		struct rb_live live = {h->snaps, h->cat->cf.n_sites, h->seen, NULL, NULL, h->proofs};
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
	if (!op->ok && (op->not_run || op->timed_out || op->lost) && h->phase == RUNHOST_LOCKING) {
		/* the site does not answer: the operator may start without its lock */
		snprintf(h->notice, sizeof h->notice, "%.600s", op->detail ? op->detail : "");
		h->phase = RUNHOST_UNREACHABLE;
		if (!op->not_run) { /* it may have been taken meanwhile: never left behind */
			runhost_site_send(
			    h, runlock_site_release_script(runhost_lock_dir(h), h->me_json));
			h->release_op = h->lock_op;
			h->lock_op = 0;
		}
		return;
	}
	/* the answer is read from stdout only: a chatty shell's stderr is not the lock's */
	if (!op->ok || runlock_site_parse(op->output ? op->output : "",
	                                  op->output ? strlen(op->output) : 0, &r, &cause) == -1) {
		snprintf(h->notice, sizeof h->notice,
		         "The DR site's run lock cannot be taken: %s%s%.200s",
		         cause        ? cause
		         : op->detail ? op->detail
		                      : "no answer",
		         op->errout ? " (the site's shell said: " : "",
		         op->errout ? op->errout : "");
		if (op->errout)
			snprintf(h->notice + strlen(h->notice),
			         sizeof h->notice - strlen(h->notice), ")");
		free(cause);
		h->phase = RUNHOST_REFUSED;
		if (r.state == RUNLOCK_SITE_NONE) {
			/* it may have been taken before the answer went wrong: never left behind */
			runhost_site_send(
			    h, runlock_site_release_script(runhost_lock_dir(h), h->me_json));
			h->release_op = h->lock_op;
			h->lock_op = 0;
		}
	} else if (r.state == RUNLOCK_SITE_TAKEN ||
	           (r.state == RUNLOCK_SITE_HELD &&
	            runlock_owner_is_mine(&r.owner, &h->me, NULL) == RUNLOCK_MINE_LIVE_SELF)) {
		h->site_locked = 1;
		if (h->phase != RUNHOST_TAKING)
			runhost_lock_record(h, "site_lock_taken", NULL);
		runhost_engine(h);
	} else if (r.state == RUNLOCK_SITE_HELD &&
	           runlock_owner_is_mine(&r.owner, &h->me, NULL) == RUNLOCK_MINE_STALE) {
		/* this run's own lock, left by its console on this host before it stopped */
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

/*
 * Starts the run without the DR site's lock while the site does not answer
 * (typed "start"): journaled, and the lock is taken as soon as it answers.
 */
int runhost_start_unlocked(struct runhost *h, const char *typed)
{
	if (h->phase != RUNHOST_UNREACHABLE || strcmp(typed, "start") != 0)
		return -1;
	const struct site *dr = conf_dr(&h->cat->cf);
	json_decref(h->lock_record);
	h->lock_record =
	    json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "site_lock_deferred", "data", "site",
	              dr ? dr->name : "?", "evidence", h->notice, "statement",
	              "started without the DR site's run lock: the site did not answer");
	h->lock_deferred = 1;
	runhost_engine(h);
	return 0;
}

/*
 * The answer to the lock asked for once the DR site answered again, the run
 * going on: taken, or held by another console (the run is then stopped).
 */
static void runhost_late_answer(struct runhost *h, const struct op *op)
{
	struct runlock_site_result r;
	char *cause = NULL;
	const struct site *dr = conf_dr(&h->cat->cf);
	h->lock_op = 0;
	memset(&r, 0, sizeof r);
	if (!op->ok || runlock_site_parse(op->output ? op->output : "",
	                                  op->output ? strlen(op->output) : 0, &r, &cause) == -1) {
		free(cause); /* asked again at the next round */
	} else if (r.state == RUNLOCK_SITE_TAKEN) {
		h->site_locked = 1;
		h->lock_deferred = 0;
		runbook_log(&h->rb, "site_lock_taken",
		            json_pack("{s:s, s:s, s:b}", "site", dr ? dr->name : "?", "owner",
		                      h->me_json, "late", 1),
		            NULL);
	} else {
		char *who = runlock_owner_describe(&r.owner);
		h->lock_deferred = 0;
		snprintf(h->rb.stop, sizeof h->rb.stop,
		         "the DR site's run lock is held by %s: another console may be running a "
		         "recovery; this run is stopped (a aborts it)",
		         who);
		runbook_log(
		    &h->rb, "site_lock_conflict",
		    json_pack("{s:s, s:s?}", "site", dr ? dr->name : "?", "holder", r.owner_json),
		    NULL);
		runbook_flush(&h->rb);
		free(who);
	}
	runlock_site_result_free(&r);
}

/* Asks for the DR site's lock once it answers, for a run started without it. */
static void runhost_lock_late(struct runhost *h, const struct site_status *snaps, size_t n)
{
	const struct site *dr = conf_dr(&h->cat->cf);
	const struct site_status *s = snapshot_find(snaps, n, dr ? dr->name : NULL);
	if (!h->lock_deferred || h->lock_op != 0 || s == NULL || !s->reachable)
		return;
	runhost_site_send(h, runlock_site_acquire_script(runhost_lock_dir(h), h->me_json));
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

/*
 * Hands a finished operation to the engine (while it runs and is not
 * detached: a result the engine took then could send the step's check or
 * start the next step after "detached"), and frees it.
 */
static void runhost_deliver(struct runhost *h, struct op *op)
{
	if (op->kind == OP_RESTORE)
		runhost_restored(h, op);
	if (h->phase == RUNHOST_RUNNING && !h->detached) {
		struct rb_result r = {.id = op->id,
		                      .ok = op->ok,
		                      .exit_status = op->exit_status,
		                      .timed_out = op->timed_out,
		                      .lost = op->lost,
		                      .output = op->output,
		                      .detail = op->detail,
		                      .lsn = op->lsn,
		                      .errout = op->errout,
		                      .cut = op->cut,
		                      .not_run = op->not_run,
		                      .stopped = op->stopped,
		                      .may_run = op->may_run,
		                      .pid = op->pid,
		                      .status_end = op->status_end};
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
		if (h->claim == NULL || !h->claim(h->claim_ctx, &op))
			runhost_deliver(h, &op);
		any = 1;
	}
	return any;
}

/*
 * Takes one finished operation of an agent's: the DR lock's answer or
 * release, or a result for the engine (op is freed either way). For a host
 * that takes the agents' results itself (the watcher).
 */
void runhost_take_op(struct runhost *h, struct op *op)
{
	if (op->id == h->release_op && h->release_op != 0) {
		h->release_op = 0; /* a failure leaves a lock the next run offers to take over */
	} else if (op->id == h->lock_op && h->lock_op != 0 && h->phase == RUNHOST_RUNNING) {
		runhost_late_answer(h, op);
	} else if (op->id == h->lock_op && h->lock_op != 0) {
		runhost_site_answer(h, op);
	} else {
		runhost_deliver(h, op);
		return;
	}
	op_free(op);
}

/* Hands the agents' finished operations to the lock or to the engine; returns 1 when any came. */
static int runhost_take_results(struct runhost *h)
{
	int any = runhost_take_local(h);
	for (size_t i = 0; h->agents != NULL && i < h->cat->cf.n_sites; i++) {
		struct op op;
		while (agent_take(h->agents[i], &op)) {
			any = 1;
			if (h->keep != NULL && fencekeep_take(h->keep, &op))
				continue;
			if (h->claim == NULL || !h->claim(h->claim_ctx, &op))
				runhost_take_op(h, &op);
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
 * Keeps the old primary's fence in the state folder as the promotion is
 * sent (write-ahead: a console or a watcher killed while the promotion is
 * under way leaves it kept), so that it outlives this console (status
 * --json reports it); journaled, and a failure to keep it is journaled too.
 * A promotion that fails leaves it kept: a person disarms it.
 */
static void runhost_keep_fence(struct runhost *h)
{
	const struct site *old = conf_primary(&h->cat->cf), *dr = conf_dr(&h->cat->cf);
	struct fencestate_by by;
	char reason[256], *cause = NULL, *run = runhost_run_id(h->journal_path);
	h->fence_kept = 1;
	if (old == NULL) {
		free(run);
		return;
	}
	fencestate_by_me(&by, h->actor != NULL ? h->actor : FENCESTATE_CONSOLE, run);
	snprintf(reason, sizeof reason, "the promotion of %s was sent by run %s",
	         dr ? dr->name : "the DR site", run);
	int rc = fencestate_arm(h->cat->cf.state_dir, old->name, &by, reason, &cause);
	runbook_log(&h->rb, "fence_kept",
	            json_pack("{s:s, s:b, s:s?}", "site", old->name, "ok", rc != -1, "why",
	                      rc == -1 ? cause : NULL),
	            NULL);
	free(cause);
	free(run);
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
	if (h->phase != RUNHOST_RUNNING || h->detached)
		return any;
	while (h->n_local > 0) {
		struct runhost_local l = h->local[0];
		memmove(h->local, h->local + 1, --h->n_local * sizeof *h->local);
		runbook_result(
		    &h->rb,
		    &(struct rb_result){
		        .id = l.id, .ok = l.ok, .exit_status = -1, .detail = l.detail, .lsn = -1});
		any = 1;
	}
	h->rb.proofs = h->proofs;
	runbook_tick(&h->rb, snaps, n);
	if (h->rb.promoted && !h->fence_kept)
		runhost_keep_fence(h);
	if (h->rb.finished)
		runhost_unlock(h);
	else
		runhost_lock_late(h, snaps, n);
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

/* Tells whether the run arms a fence on return of its own now (the keeper then stands back). */
int runhost_arms_fence(const struct runhost *h)
{
	return h->active && h->phase == RUNHOST_RUNNING && h->rb.fence_request != 0;
}

/* Tells whether a run is going on that quitting would leave unfinished. */
int runhost_going(const struct runhost *h)
{
	return h->active && h->phase != RUNHOST_REFUSED &&
	       !(h->phase == RUNHOST_RUNNING && h->rb.finished);
}

/*
 * The console leaves while the run goes on: "detached" is journaled (the
 * run stays open, to be resumed) and both locks are given back; from then
 * on nothing is sent for the run (a result still coming is not taken in).
 */
void runhost_detach(struct runhost *h, const char *reason)
{
	if (!runhost_going(h) || h->detached)
		return;
	h->detached = 1;
	if (h->phase == RUNHOST_RUNNING) {
		runbook_detach(&h->rb, reason);
		runbook_flush(&h->rb); /* a last try for records kept */
	} else if (h->journal != NULL && journal_seq(h->journal) == 0) {
		journal_close(h->journal); /* it never started: no journal is left */
		h->journal = NULL;
		journal_unlink(h->journal_path);
	}
	runhost_unlock(h);
}

/* Seals the journal of a run that ended again, after records that followed its end (a hot wash). */
void runhost_seal(struct runhost *h)
{
	char *cause = NULL;
	if (h->active && h->phase == RUNHOST_RUNNING && h->rb.finished && h->journal != NULL &&
	    journal_seal(h->journal, &cause) == -1)
		free(cause); /* sealed when the host stops, if it can be then */
}

/* Ends the host: the journal closed, the locks given back (the run itself may be unfinished: it can
 * be resumed). */
void runhost_stop(struct runhost *h)
{
	if (!h->active)
		return;
	char *cause = NULL;
	if (h->phase == RUNHOST_RUNNING && !h->rb.finished)
		runhost_detach(h, "the console stopped the run's host");
	else if (h->journal != NULL && journal_seq(h->journal) > 0 &&
	         journal_seal(h->journal, &cause) == -1)
		free(cause); /* records after the finish (a fence, an alarm): sealed when it can be
		              */
	if (h->phase == RUNHOST_RUNNING || h->phase == RUNHOST_REFUSED)
		runbook_free(&h->rb);
	runhost_unlock(h);
	int empty = h->journal != NULL && journal_seq(h->journal) == 0;
	journal_close(h->journal);
	if (empty && h->journal_path != NULL)
		journal_unlink(h->journal_path); /* the run never started: no journal is left */
	free(h->journal_path);
	free(h->me_json);
	free(h->holder_json);
	json_decref(h->lock_record);
	h->active = 0;
}
