/*
 * The event log of the console's events panel: timestamped state changes of
 * the sites (down and up again, lag over budget, a new backup, a failed
 * verification), found by comparing each site's previous snapshot with its
 * new one, and changes of the overall verdict (its level, what heads it, a
 * split brain seen or over), kept in a bounded ring whose oldest entries are
 * dropped. Pure: no I/O and no clock, times come in as arguments.
 */
#ifndef DR_EVENTS_H
#define DR_EVENTS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "snapshot.h"
#include "verdict.h"

#define EVENT_LOG_DEFAULT_CAPACITY 500
#define EVENT_LOG_MAX_SITES        8

enum event_level { EVENT_INFO, EVENT_WARNING, EVENT_CRITICAL };

/*
 * One state change: when the console saw it, how grave, which site ("" for
 * none), what: in English (text: the watcher's journal, alerts and stderr)
 * and in the reader's language (shown: the events panel).
 */
struct event {
	int64_t at_ms;
	enum event_level level;
	char site[64];
	char text[256];  /* cut between characters, ending in "…", when longer */
	char shown[256]; /* the same, translated */
};

/* The lag band last reported for a site: events_diff's memory, for hysteresis. */
struct event_lag_memo {
	char site[64];
	int band;
};

/* The ring of events, and the lag band each site was last reported in. */
struct event_log {
	struct event *items;
	size_t capacity;
	size_t next; /* where the next event goes */
	size_t n;
	size_t dropped; /* oldest events overwritten */
	struct event_lag_memo lag[EVENT_LOG_MAX_SITES];
	size_t n_lag;
};

void event_log_init(struct event_log *log, size_t capacity);
void event_log_free(struct event_log *log);
void event_log_add(struct event_log *log, int64_t at_ms, enum event_level level, const char *site,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void event_log_vadd(struct event_log *log, int64_t at_ms, enum event_level level,
                    const char *site, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
size_t event_log_count(const struct event_log *log);
const struct event *event_log_get(const struct event_log *log, size_t i);
const char *event_level_name(enum event_level level);

void events_diff(const struct conf *cf, const struct site_status *before,
                 const struct site_status *after, int64_t now_wall_ms, struct event_log *log);
void events_verdict(const struct verdict *before, const struct verdict *after, int64_t now_wall_ms,
                    struct event_log *log);

#endif
