/*
 * The watcher's presence (watchstate.h): the lock it holds while it runs,
 * and the status it replaces after every check.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "durable.h"
#include "utf8.h"
#include "watchstate.h"
#include "xmalloc.h"

#define WATCHSTATE_MAX (64 * 1024) /* bytes of watch.json */
#define WATCHSTATE_CLAIM_TRIES    10    /* watch.lock is tried this many times ... */
#define WATCHSTATE_CLAIM_PAUSE_US 20000 /* ... this far apart, before a watcher is said to hold it */

/* Opens <state_dir>/watch.lock (made when absent), refusing a link or another user's file. */
static int watchstate_open_lock(const char *state_dir, int create, char **cause)
{
	char *path = xasprintf("%s/%s", state_dir, WATCHSTATE_LOCK);
	struct stat st;
	int fd = create && durable_mkdirs(state_dir) == -1
	             ? -1
	             : open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	int absent = fd == -1 && errno == ENOENT;
	const char *why = fd == -1 || fstat(fd, &st) == -1 ? strerror(errno)
	                  : !S_ISREG(st.st_mode)           ? "not a regular file"
	                  : st.st_uid != geteuid()         ? "owned by another user (refused)"
	                                                   : NULL;
	if (why != NULL) {
		if (!(absent && !create))
			*cause = xasprintf("cannot open %s: %s", path, why);
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/*
 * Takes watch.lock for this process's life (the fd is left open, close on
 * exec); -1 with *cause when another watcher holds it, naming it from
 * watch.json. A reader's look (watchstate_read: a shared lock held for
 * microseconds, once a second by each console) is waited out for a moment,
 * not taken for a watcher.
 */
int watchstate_claim(const char *state_dir, char **cause)
{
	int fd = watchstate_open_lock(state_dir, 1, cause);
	if (fd == -1)
		return -1;
	int err = EWOULDBLOCK;
	for (int i = 0; i < WATCHSTATE_CLAIM_TRIES && err == EWOULDBLOCK; i++) {
		if (i > 0)
			usleep(WATCHSTATE_CLAIM_PAUSE_US);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		err = errno;
	}
	close(fd);
	if (err != EWOULDBLOCK) {
		*cause = xasprintf("cannot lock %s/%s: %s", state_dir, WATCHSTATE_LOCK, strerror(err));
		return -1;
	}
	struct watchstate ws;
	char *ignored = NULL;
	if (watchstate_read(state_dir, &ws, &ignored) == 0 && ws.present)
		*cause = xasprintf("a watcher already runs for %s: pid %d on %s, since %s",
		                   state_dir, ws.pid, ws.host, ws.since);
	else
		*cause = xasprintf("a watcher already runs for %s", state_dir);
	free(ignored);
	return -1;
}

/* Replaces watch.json with ws; -1 with *cause. */
int watchstate_write(const char *state_dir, const struct watchstate *ws, char **cause)
{
	json_t *o = json_pack(
	    "{s:i, s:o, s:o, s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:o}", "pid", ws->pid, "host",
	    utf8_json_string(ws->host), "operator", utf8_json_string(ws->operator), "since",
	    ws->since, "mode", ws->mode, "state", ws->state, "last_check",
	    ws->last_check[0] ? json_string(ws->last_check) : json_null(), "check_interval_ms",
	    (json_int_t)ws->check_interval_ms, "failovers", (json_int_t)ws->failovers, "run",
	    ws->run[0] ? utf8_json_string(ws->run) : json_null(), "last_run",
	    ws->last_run[0] ? utf8_json_string(ws->last_run) : json_null(), "detail",
	    utf8_json_string(ws->detail));
	if (o == NULL)
		abort(); /* only out of memory: every value is valid */
	json_object_set_new(o, "reach",
	                    ws->reach_host[0] == '\0'
	                        ? json_null()
	                        : json_pack("{s:o, s:o, s:o, s:I}", "primary",
	                                    utf8_json_string(ws->reach_primary), "dr",
	                                    utf8_json_string(ws->reach_dr), "host",
	                                    utf8_json_string(ws->reach_host), "port",
	                                    (json_int_t)ws->reach_port));
	char *text = utf8_json_dumps(o, JSON_PRESERVE_ORDER);
	char *line = xasprintf("%s\n", text);
	char *path = xasprintf("%s/%s", state_dir, WATCHSTATE_FILE);
	int rc = durable_replace(path, line, strlen(line));
	if (rc == -1)
		*cause = xasprintf("cannot write %s: %s", path, strerror(errno));
	free(path);
	free(line);
	free(text);
	json_decref(o);
	return rc;
}

/* Copies string member key of o into out, cleaned of controls; "" when absent or null. */
static void watchstate_text(const json_t *o, const char *key, char *out, size_t size)
{
	utf8_copy_clean(out, size, json_string_value(json_object_get(o, key)));
}

/* Tells whether a watcher holds watch.lock now: 1, 0, or -1 with *cause. */
static int watchstate_held(const char *state_dir, char **cause)
{
	int fd = watchstate_open_lock(state_dir, 0, cause);
	if (fd == -1)
		return *cause != NULL ? -1 : 0;
	int held = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/*
 * Reads the watcher's presence: 0 (out->present 0 when no watcher ever wrote
 * watch.json here; out->running from the lock), or -1 with *cause when the
 * lock or the file cannot be read.
 */
int watchstate_read(const char *state_dir, struct watchstate *out, char **cause)
{
	memset(out, 0, sizeof *out);
	int held = watchstate_held(state_dir, cause);
	if (held == -1)
		return -1;
	out->running = held;
	char *path = xasprintf("%s/%s", state_dir, WATCHSTATE_FILE);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		int err = errno;
		if (err != ENOENT)
			*cause = xasprintf("cannot read %s: %s", path, strerror(err));
		free(path);
		return err == ENOENT ? 0 : -1;
	}
	json_error_t je = {0};
	struct stat st;
	int big = fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > WATCHSTATE_MAX;
	json_t *o = big ? NULL : json_loadfd(fd, 0, &je);
	close(fd);
	if (o == NULL || !json_is_object(o) || big) {
		*cause = xasprintf("%s: not a watcher's status%s%s", path, je.text[0] ? ": " : "",
		                   je.text);
		json_decref(o);
		free(path);
		return -1;
	}
	out->present = 1;
	out->pid = (int)json_integer_value(json_object_get(o, "pid"));
	watchstate_text(o, "host", out->host, sizeof out->host);
	watchstate_text(o, "operator", out->operator, sizeof out->operator);
	watchstate_text(o, "since", out->since, sizeof out->since);
	watchstate_text(o, "mode", out->mode, sizeof out->mode);
	watchstate_text(o, "state", out->state, sizeof out->state);
	watchstate_text(o, "last_check", out->last_check, sizeof out->last_check);
	out->check_interval_ms = json_integer_value(json_object_get(o, "check_interval_ms"));
	out->failovers = json_integer_value(json_object_get(o, "failovers"));
	watchstate_text(o, "run", out->run, sizeof out->run);
	watchstate_text(o, "last_run", out->last_run, sizeof out->last_run);
	watchstate_text(o, "detail", out->detail, sizeof out->detail);
	const json_t *reach = json_object_get(o, "reach");
	json_int_t port = json_integer_value(json_object_get(reach, "port"));
	if (json_is_object(reach) && port >= 1 && port <= 65535) {
		watchstate_text(reach, "primary", out->reach_primary, sizeof out->reach_primary);
		watchstate_text(reach, "dr", out->reach_dr, sizeof out->reach_dr);
		watchstate_text(reach, "host", out->reach_host, sizeof out->reach_host);
		out->reach_port = out->reach_host[0] ? port : 0;
	}
	json_decref(o);
	free(path);
	return 0;
}
