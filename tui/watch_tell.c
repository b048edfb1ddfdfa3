/*
 * Telling what the watcher sees and does: each event goes to stderr (one
 * line, cleaned of controls and newlines: journald keeps it), to the
 * watcher's journal (and the run's, during a failover), to the on_event
 * command (JSON on its stdin, on a thread of its own) and, with the state,
 * to the metrics file and watch.json.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "metrics.h"
#include "runlock.h"
#include "textout.h"
#include "utf8.h"
#include "watch.h"
#include "watchstate.h"
#include "xmalloc.h"

/* Writes one record to the watcher's journal; its failure is said once on stderr. */
static void watch_journal(struct watcher *w, const char *type, json_t *data)
{
	char *cause = NULL;
	if (w->journal == NULL) {
		json_decref(data);
		return;
	}
	if (journal_append(w->journal, type, data, &cause) == -1) {
		if (strcmp(w->journal_error, cause) != 0)
			textout_printf(stderr, "drconsole watch: [critical] journal: %s\n", cause);
		snprintf(w->journal_error, sizeof w->journal_error, "%s", cause);
		free(cause);
		return;
	}
	w->journal_error[0] = '\0';
}

/* Returns an event as the on_event command receives it. */
static char *watch_event_json(struct watcher *w, const char *kind, int critical, const char *site,
                              const char *text)
{
	char *at = journal_stamp(clock_wall_ms(), 0);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:i, s:o}", "event", kind,
	                      "level", critical ? "critical" : "warning", "at", at, "site",
	                      site && site[0] ? utf8_json_string(site) : json_null(), "text",
	                      utf8_json_string(text), "state",
	                      watchpolicy_state_name(w->pol.state), "mode",
	                      configmap_mode_name(w->cf->dr.failover_mode), "host",
	                      utf8_json_string(host), "pid", (int)getpid(), "config",
	                      utf8_json_string(w->cf->file ? w->cf->file : ""));
	free(at);
	char *s = utf8_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* Tells one event everywhere it goes. */
void watch_tell(struct watcher *w, const char *kind, int critical, const char *site,
                const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	char *line = textout_line(text); /* a newline from a site or a command forges no event */
	textout_printf(stderr, "drconsole watch: [%s] %s: %s\n", critical ? "critical" : "warning",
	               kind, line);
	free(line);
	json_t *rec = json_pack("{s:s, s:s, s:o, s:o, s:s}", "event", kind, "level",
	                        critical ? "critical" : "warning", "site",
	                        site && site[0] ? utf8_json_string(site) : json_null(), "text",
	                        utf8_json_string(text), "state",
	                        watchpolicy_state_name(w->pol.state));
	if (w->run.active && w->run.phase == RUNHOST_RUNNING)
		runbook_log(&w->run.rb, "watch_event", json_deep_copy(rec), NULL);
	watch_journal(w, "watch_event", rec);
	char *json = watch_event_json(w, kind, critical, site, text);
	alertq_push(w->alerts, json);
	free(json);
	w->dirty = 1; /* the metrics and watch.json are written once, at the turn's end */
}

/* Returns an alert kind for an event of the log, from what it is about. */
static const char *watch_log_kind(const struct event *e)
{
	if (strstr(e->text, "split brain") != NULL || strstr(e->text, "SPLIT BRAIN") != NULL)
		return "split_brain";
	if (strstr(e->text, "the kept fence cannot be read") != NULL)
		return "fence_unreadable"; /* the state, not a fence that failed */
	if (strstr(e->text, "fence") != NULL)
		return e->level == EVENT_CRITICAL ? "fence_failed" : "fence";
	return "site";
}

/* Tells the events the log gained since the last call (sites, verdict, fences), oldest first. */
void watch_tell_log(struct watcher *w)
{
	size_t total = w->events.n + w->events.dropped;
	size_t fresh = total - w->events_told;
	w->events_told = total;
	if (fresh > w->events.n)
		fresh = w->events.n;
	for (size_t i = fresh; i-- > 0;) {
		const struct event *e = event_log_get(&w->events, i);
		if (e == NULL || (e->level == EVENT_INFO && strstr(e->text, "fence") == NULL))
			continue; /* information stays in the metrics */
		watch_tell(w, watch_log_kind(e), e->level == EVENT_CRITICAL, e->site, "%s", e->text);
	}
}

/* Tells the policy's queued events. */
void watch_tell_policy(struct watcher *w)
{
	struct wp_event ev[WP_MAX_EVENTS];
	size_t n = watchpolicy_take(&w->pol, ev, WP_MAX_EVENTS);
	const struct site *p = conf_primary(w->cf);
	for (size_t i = 0; i < n; i++)
		watch_tell(w, ev[i].kind, ev[i].critical, p ? p->name : "", "%s", ev[i].text);
}

/* Writes the metrics file and watch.json; a failure is said on stderr when it changes. */
void watch_publish(struct watcher *w)
{
	w->dirty = 0;
	static char last[256], last_state[256];
	char *cause = NULL;
	int64_t now = clock_wall_ms();
	const char *fenced[1];
	size_t n_fenced = 0;
	if (fencekeep_armed(&w->keep))
		fenced[n_fenced++] = w->keep.st.site;
	if (w->cf->watch.metrics_file != NULL) {
		struct metrics_watch mw = {now, w->last_check_ms, w->failovers, fenced, n_fenced};
		char *text = metrics_render(w->cf, w->snaps, w->cf->n_sites, &w->verdict, &mw);
		if (metrics_write(w->cf->watch.metrics_file, text, &cause) == -1) {
			if (strcmp(last, cause) != 0)
				textout_printf(stderr, "drconsole watch: [warning] metrics: %s\n", cause);
			snprintf(last, sizeof last, "%s", cause);
			free(cause);
			cause = NULL;
		} else {
			last[0] = '\0';
		}
		free(text);
	}
	struct watchstate ws;
	struct runlock_owner me;
	memset(&ws, 0, sizeof ws);
	runlock_owner_me(&me, "");
	ws.pid = me.pid;
	snprintf(ws.host, sizeof ws.host, "%s", me.host);
	snprintf(ws.operator, sizeof ws.operator, "%s", me.operator);
	snprintf(ws.since, sizeof ws.since, "%s", w->since);
	snprintf(ws.mode, sizeof ws.mode, "%s", configmap_mode_name(w->cf->dr.failover_mode));
	snprintf(ws.state, sizeof ws.state, "%s",
	         w->stop ? "stopped" : watchpolicy_state_name(w->pol.state));
	if (w->last_check_ms > 0) {
		char *at = journal_stamp(w->last_check_ms, 0);
		snprintf(ws.last_check, sizeof ws.last_check, "%s", at);
		free(at);
	}
	ws.check_interval_ms = w->cf->watch.check_interval_ms;
	ws.failovers = (int64_t)w->failovers;
	if (w->run.active && w->run.journal_path != NULL) {
		char *id = runhost_run_id(w->run.journal_path);
		snprintf(ws.run, sizeof ws.run, "%s", id);
		snprintf(w->last_run, sizeof w->last_run, "%s", id);
		free(id);
	}
	snprintf(ws.last_run, sizeof ws.last_run, "%s", w->last_run);
	snprintf(ws.detail, sizeof ws.detail, "%s", w->pol.why);
	if (w->reach.host[0] != '\0') {
		snprintf(ws.reach_primary, sizeof ws.reach_primary, "%s", conf_primary(w->cf)->name);
		snprintf(ws.reach_dr, sizeof ws.reach_dr, "%s", conf_dr(w->cf)->name);
		snprintf(ws.reach_host, sizeof ws.reach_host, "%s", w->reach.host);
		ws.reach_port = w->reach.port;
	}
	if (watchstate_write(w->cf->state_dir, &ws, &cause) == -1) {
		if (strcmp(last_state, cause) != 0) /* said again only when it changes */
			textout_printf(stderr, "drconsole watch: [warning] %s\n", cause);
		snprintf(last_state, sizeof last_state, "%s", cause);
		free(cause);
	} else {
		last_state[0] = '\0';
	}
}

/* Opens the watcher's own journal (<state_dir>/watch/runs) and says who started it. */
int watch_journal_open(struct watcher *w, char **cause)
{
	char *dir = xasprintf("%s/watch", w->cf->state_dir);
	w->journal = journal_create(dir, clock_wall_ms, &w->journal_path, cause);
	free(dir);
	if (w->journal == NULL)
		return -1;
	struct runlock_owner me;
	runlock_owner_me(&me, "");
	watch_journal(w, JOURNAL_RUN_STARTED,
	              json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:I, s:I, s:I}", "mode", "watch",
	                        "failover_mode", configmap_mode_name(w->cf->dr.failover_mode),
	                        "scenario", w->cf->watch.scenario, "operator",
	                        utf8_json_string(me.operator), "host", utf8_json_string(me.host),
	                        "pid", me.pid, "check_interval_ms",
	                        (json_int_t)w->cf->watch.check_interval_ms, "confirm_interval_ms",
	                        (json_int_t)w->cf->watch.confirm_interval_ms, "confirm_checks",
	                        (json_int_t)w->cf->watch.confirm_checks));
	return 0;
}

/* Ends the watcher's journal: why it stopped, then sealed. */
void watch_journal_close(struct watcher *w, const char *why)
{
	char *cause = NULL;
	if (w->journal == NULL)
		return;
	watch_journal(w, JOURNAL_RUN_FINISHED, json_pack("{s:s, s:s}", "result", "done", "reason", why));
	if (journal_seal(w->journal, &cause) == -1) {
		textout_printf(stderr, "drconsole watch: [warning] journal: %s\n", cause);
		free(cause);
	}
	journal_close(w->journal);
	w->journal = NULL;
	free(w->journal_path);
	w->journal_path = NULL;
}
