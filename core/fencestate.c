/*
 * The fence state, <state_dir>/fence.json, one JSON object:
 *
 *   {"armed": true, "site": "dc-1", "since": "2026-11-27T06:15:00.123Z",
 *    "by": {"run": "<run id>" or null, "actor": "console" | "watch",
 *           "operator": "kim", "host": "jump1", "pid": 4242},
 *    "reason": "promoted dc-2 at 0/3000148",
 *    "disarmed": null | {"at": "<RFC 3339>", "by": {...}, "reason": "..."},
 *    "history": [earlier fences, newest first, each as above without history]}
 *
 * Written whole by durable_replace (a temporary made afresh, fsynced, renamed,
 * the folder fsynced), 0600. A disarmed fence stays in the file until the
 * next one is armed, which keeps it in history (at most FENCESTATE_HISTORY).
 *
 * Reading never goes through a symbolic link and refuses a file that is not
 * a regular one owned by this user. A file that is absent means no fence; a
 * file that cannot be read or is not a fence state is an error, never "not
 * armed": a fence lost without a word is what this file exists to prevent.
 *
 * Arming and disarming read, change and replace the file under an exclusive
 * flock on <state_dir>/fence.lock, so that two processes never lose each
 * other's change. Readers take no lock: a rename replaces the file whole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "durable.h"
#include "fencestate.h"
#include "journal.h"
#include "runlock.h"
#include "statefile.h"
#include "utf8.h"
#include "xmalloc.h"

#define FENCESTATE_MAX     (256 * 1024) /* bytes of a fence state file */
#define FENCESTATE_HISTORY 100          /* earlier fences kept */

/* Fills by for this process: actor, run id, $USER, host name and pid. */
void fencestate_by_me(struct fencestate_by *by, const char *actor, const char *run_id)
{
	struct runlock_owner me;
	runlock_owner_me(&me, run_id);
	memset(by, 0, sizeof *by);
	utf8_copy_clean(by->actor, sizeof by->actor, actor);
	utf8_copy_clean(by->run, sizeof by->run, run_id);
	utf8_copy_clean(by->operator, sizeof by->operator, me.operator);
	utf8_copy_clean(by->host, sizeof by->host, me.host);
	by->pid = me.pid;
}

/* Tells whether s is a site name a fence can hold: not empty, UTF-8, no control, fits. */
static int fencestate_site_ok(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;
	return len > 0 && len < sizeof((struct fencestate *)0)->site &&
	       utf8_control_offset(s, len) == (size_t)-1 && strcspn(s, "\t\n") == len;
}

/* Tells whether actor is one a fence knows. */
static int fencestate_actor_ok(const char *actor)
{
	return strcmp(actor, FENCESTATE_CONSOLE) == 0 || strcmp(actor, FENCESTATE_WATCH) == 0;
}

/* Tells whether s has the shape "2026-11-27T06:15:00.123Z". */
static int fencestate_stamp_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(s) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return 0;
	return 1;
}

/* Returns who as a JSON object. */
static json_t *fencestate_by_json(const struct fencestate_by *by)
{
	return json_pack("{s:o, s:s, s:o, s:o, s:i}", "run",
	                 by->run[0] ? utf8_json_string(by->run) : json_null(), "actor", by->actor,
	                 "operator", utf8_json_string(by->operator), "host",
	                 utf8_json_string(by->host), "pid", by->pid);
}

/* Copies string member key of o into out (null allowed when nullable); -1 when it is not one. */
static int fencestate_get(const json_t *o, const char *key, char *out, size_t size, int nullable)
{
	const json_t *v = json_object_get(o, key);
	if (nullable && json_is_null(v)) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	utf8_copy_clean(out, size, json_string_value(v));
	return 0;
}

/* Fills by from its JSON object; returns the first bad member's name, or NULL. */
static const char *fencestate_by_from(const json_t *o, struct fencestate_by *by)
{
	const json_t *pid = json_object_get(o, "pid");
	if (!json_is_object(o))
		return "by";
	if (fencestate_get(o, "actor", by->actor, sizeof by->actor, 0) != 0 ||
	    !fencestate_actor_ok(by->actor))
		return "by.actor";
	if (fencestate_get(o, "run", by->run, sizeof by->run, 1) != 0)
		return "by.run";
	if (fencestate_get(o, "operator", by->operator, sizeof by->operator, 0) != 0)
		return "by.operator";
	if (fencestate_get(o, "host", by->host, sizeof by->host, 0) != 0)
		return "by.host";
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0 ||
	    json_integer_value(pid) > 0x7fffffff)
		return "by.pid";
	by->pid = (int)json_integer_value(pid);
	return NULL;
}

/* Fills a mark from o, its time under at_key; returns the first bad member's name, or NULL. */
static const char *fencestate_mark_from(const json_t *o, const char *at_key,
                                        struct fencestate_mark *m)
{
	if (fencestate_get(o, at_key, m->at, sizeof m->at, 0) != 0 || !fencestate_stamp_ok(m->at))
		return at_key;
	if (fencestate_get(o, "reason", m->reason, sizeof m->reason, 0) != 0)
		return "reason";
	return fencestate_by_from(json_object_get(o, "by"), &m->by);
}

/* Fills out from a parsed fence state; returns the first bad member's name, or NULL. */
static const char *fencestate_from(const json_t *root, struct fencestate *out)
{
	const json_t *armed = json_object_get(root, "armed");
	const json_t *disarmed = json_object_get(root, "disarmed");
	const json_t *history = json_object_get(root, "history");
	const char *bad;
	if (!json_is_object(root))
		return "the whole (not an object)";
	if (!json_is_boolean(armed))
		return "armed";
	out->armed = json_is_true(armed);
	if (fencestate_get(root, "site", out->site, sizeof out->site, 0) != 0 ||
	    !fencestate_site_ok(json_string_value(json_object_get(root, "site"))))
		return "site";
	if ((bad = fencestate_mark_from(root, "since", &out->arm)) != NULL)
		return bad;
	if (out->armed ? !json_is_null(disarmed) : !json_is_object(disarmed))
		return "disarmed";
	if (!out->armed && (bad = fencestate_mark_from(disarmed, "at", &out->disarm)) != NULL)
		return "disarmed";
	if (history != NULL && !json_is_array(history))
		return "history";
	out->disarmed = !out->armed;
	out->history = json_array_size(history);
	return NULL;
}

/*
 * Loads the fence state at path into out (cleared first) and its JSON into
 * *root (NULL when there is no file). 0, or -1 with *cause: FILE:LINE:COL for
 * a syntax error, FILE and the member at fault otherwise.
 */
static int fencestate_load(const char *path, struct fencestate *out, json_t **root, char **cause)
{
	memset(out, 0, sizeof *out);
	*root = NULL;
	int fd = statefile_open(path, FENCESTATE_MAX, "a fence state", cause);
	if (fd < 0)
		return fd == -2 ? 0 : -1;
	json_error_t err;
	json_t *j = json_loadfd(fd, JSON_REJECT_DUPLICATES, &err);
	close(fd);
	if (j == NULL) {
		*cause = xasprintf("%s:%d:%d: %s", path, err.line, err.column, err.text);
		return -1;
	}
	const char *bad = fencestate_from(j, out);
	if (bad != NULL) {
		*cause = xasprintf("%s: not a fence state: \"%s\" is missing or wrong", path, bad);
		memset(out, 0, sizeof *out);
		json_decref(j);
		return -1;
	}
	out->present = 1;
	*root = j;
	return 0;
}

/*
 * Reads <state_dir>/fence.json into out. 0 (out->present 0 when there is no
 * file: no fence armed), or -1 with *cause when the file is there but cannot
 * be read or is not a fence state (out cleared: whether a fence is armed is
 * then not known, and must be said so).
 */
int fencestate_read(const char *state_dir, struct fencestate *out, char **cause)
{
	char *path = xasprintf("%s/%s", state_dir, FENCESTATE_FILE);
	json_t *root = NULL;
	int rc = fencestate_load(path, out, &root, cause);
	json_decref(root);
	free(path);
	return rc;
}

/* Returns the record of a fence: armed since now by who, history left to the caller. */
static json_t *fencestate_record(const char *site, const struct fencestate_by *by,
                                 const char *reason)
{
	char *since = journal_stamp(clock_wall_ms(), 0);
	json_t *o = json_pack("{s:b, s:o, s:s, s:o, s:o, s:n}", "armed", 1, "site",
	                      utf8_json_string(site), "since", since, "by", fencestate_by_json(by),
	                      "reason", utf8_json_string(reason ? reason : ""), "disarmed");
	free(since);
	return o;
}

/* Returns the history to keep under a new record: old (its history taken out) first. */
static json_t *fencestate_history(json_t *old)
{
	json_t *list = json_array();
	if (old == NULL)
		return list;
	json_t *earlier = json_object_get(old, "history");
	json_incref(earlier);
	json_object_del(old, "history");
	json_array_append(list, old);
	for (size_t i = 0; i < json_array_size(earlier) && i + 1 < FENCESTATE_HISTORY; i++)
		json_array_append(list, json_array_get(earlier, i));
	json_decref(earlier);
	return list;
}

/* Replaces the fence state file at path with root; -1 with *cause. */
static int fencestate_write(const char *path, const json_t *root, char **cause)
{
	char *text = utf8_json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL)
		abort(); /* only out of memory: every value in root is valid */
	char *line = xasprintf("%s\n", text);
	int rc = durable_replace(path, line, strlen(line));
	if (rc == -1)
		*cause = xasprintf("cannot write %s: %s", path, strerror(errno));
	free(line);
	free(text);
	return rc;
}

/* A change to the fence state: what it does with the lock held, and its arguments. */
struct fencestate_change {
	int (*apply)(const char *path, const struct fencestate *cur, json_t *root,
	             const struct fencestate_change *c, char **cause);
	const char *site; /* arm: the site to fence; disarm: the name typed */
	const struct fencestate_by *by;
	const char *reason;
};

/* Tells why site and by cannot make a fence record, or NULL when they can. */
static const char *fencestate_refuse(const char *site, const struct fencestate_by *by)
{
	if (!fencestate_site_ok(site))
		return "the site's name is empty, too long or holds control characters";
	if (!fencestate_actor_ok(by->actor))
		return "the actor is neither \"console\" nor \"watch\"";
	return by->pid > 0 ? NULL : "the pid is not a process's";
}

/* Reads the state and applies c to it, under the lock; c->apply's result, or -1 with *cause. */
static int fencestate_change(const char *state_dir, const struct fencestate_change *c, char **cause)
{
	int lock = statefile_lock(state_dir, FENCESTATE_LOCK, cause);
	if (lock == -1)
		return -1;
	char *path = xasprintf("%s/%s", state_dir, FENCESTATE_FILE);
	struct fencestate cur;
	json_t *root = NULL;
	int rc = fencestate_load(path, &cur, &root, cause);
	if (rc == 0)
		rc = c->apply(path, &cur, root, c, cause);
	json_decref(root);
	free(path);
	close(lock);
	return rc;
}

/* Arms c->site's fence over the state read in cur and root; see fencestate_arm. */
static int fencestate_arm_locked(const char *path, const struct fencestate *cur, json_t *root,
                                 const struct fencestate_change *c, char **cause)
{
	if (cur->armed && strcmp(cur->site, c->site) == 0)
		return FENCESTATE_ALREADY;
	if (cur->armed) {
		*cause = xasprintf("the fence of %s is armed (since %s, %s): disarm it before a "
		                   "fence of %s is armed",
		                   cur->site, cur->arm.at, cur->arm.reason, c->site);
		return -1;
	}
	json_t *rec = fencestate_record(c->site, c->by, c->reason);
	json_object_set_new(rec, "history", fencestate_history(root));
	int rc = fencestate_write(path, rec, cause);
	json_decref(rec);
	return rc;
}

/*
 * Arms the fence of site (the old primary) in <state_dir>/fence.json, by
 * who, for reason ("promoted dc-2 at 0/3000148"). Returns 0 when armed now,
 * FENCESTATE_ALREADY when site's fence was armed already (the file is left as
 * it was: its first arming stands), or -1 with *cause: the file is damaged,
 * a fence of another site is armed (disarm it first), or it cannot be
 * written. A disarmed fence the file held goes into its history.
 */
int fencestate_arm(const char *state_dir, const char *site, const struct fencestate_by *by,
                   const char *reason, char **cause)
{
	const char *refused = fencestate_refuse(site, by);
	if (refused != NULL) {
		*cause = xasprintf("cannot arm the fence: %s", refused);
		return -1;
	}
	struct fencestate_change c = {fencestate_arm_locked, site, by, reason};
	return fencestate_change(state_dir, &c, cause);
}

/* Disarms the fence read in cur and root, c->site the name typed; see fencestate_disarm. */
static int fencestate_disarm_locked(const char *path, const struct fencestate *cur, json_t *root,
                                    const struct fencestate_change *c, char **cause)
{
	if (!cur->armed) {
		*cause = cur->present
		             ? xasprintf("no fence is armed: the fence of %s was disarmed at %s",
		                         cur->site, cur->disarm.at)
		             : xstrdup("no fence is armed");
		return -1;
	}
	if (c->site == NULL || strcmp(c->site, cur->site) != 0) {
		*cause = xasprintf("the name typed is not %s, the fenced site's: the fence stays "
		                   "armed",
		                   cur->site);
		return -1;
	}
	char *at = journal_stamp(clock_wall_ms(), 0);
	json_t *mark = json_pack("{s:s, s:o, s:o}", "at", at, "by", fencestate_by_json(c->by),
	                         "reason", utf8_json_string(c->reason ? c->reason : ""));
	free(at);
	json_object_set_new(root, "armed", json_false());
	json_object_set_new(root, "disarmed", mark);
	return fencestate_write(path, root, cause);
}

/*
 * Disarms the fence in <state_dir>/fence.json, by who, for reason: typed must
 * be exactly the fenced site's name (what the person typed to confirm). The
 * record stays, "armed": false and "disarmed" saying when, by whom and why.
 * Returns 0, or -1 with *cause: no fence armed, the name typed is not the
 * site's, the file is damaged, or it cannot be written.
 */
int fencestate_disarm(const char *state_dir, const char *typed, const struct fencestate_by *by,
                      const char *reason, char **cause)
{
	const char *refused = fencestate_refuse("-", by);
	if (refused != NULL) {
		*cause = xasprintf("cannot disarm the fence: %s", refused);
		return -1;
	}
	struct fencestate_change c = {fencestate_disarm_locked, typed, by, reason};
	return fencestate_change(state_dir, &c, cause);
}
