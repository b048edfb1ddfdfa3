/*
 * The event log. events_diff compares one site's previous snapshot with its
 * new one and appends an event for each change worth a line in the events
 * panel; the ring keeps the newest events and counts the ones it dropped.
 *
 * Unknown is never a value. A part nobody knows yet (the first snapshot has
 * generation 0; a part never refreshed; PostgreSQL behind an unreachable site)
 * has no state to change from: going from unknown to an abnormal state is
 * reported (so the first snapshot reports what is already wrong), going from
 * unknown to a normal state is not, and going to unknown reports nothing.
 *
 * Replication lag is judged by verdict_lag_ms against sync_interval, in three
 * bands: within half of it, over half, beyond it. An event is emitted only
 * when the band changes, and with hysteresis: a band is entered as soon as the
 * lag crosses its line, but left only once the lag is a tenth of sync_interval
 * below it. The band last reported is remembered in the log per site, so a
 * lag that wavers around a line does not flap, however many snapshots it takes.
 *
 * events_verdict tells of the overall verdict: its level changing, the kind
 * of reason heading it changing (a split brain, the primary, the stream, lag,
 * backups), a split brain appearing or going. Its sentences, ages included,
 * change with the clock and are no news. From "nothing known" to ok tells
 * nothing, as for the parts.
 *
 * Every event is stamped with the wall clock the caller passes in: when the
 * console saw the change.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "duration.h"
#include "events.h"
#include "i18n.h"
#include "phrase.h"
#include "utf8.h"
#include "verdict.h"
#include "xmalloc.h"

#define EVENTS_LAG_SLACK_DIV 10 /* a band is left a tenth of sync_interval below its line */
#define EVENTS_ELLIPSIS      "\xe2\x80\xa6"

enum events_lag_band { LAG_UNKNOWN, LAG_WITHIN, LAG_HALF, LAG_OVER };

/* One comparison: the two snapshots, the clock and the log. */
struct events_ctx {
	const struct conf *cf;
	const struct site_status *b; /* before */
	const struct site_status *a; /* after */
	int64_t now;
	struct event_log *log;
};

/* Prepares an empty log holding up to capacity events (0: the default, 500). */
void event_log_init(struct event_log *log, size_t capacity)
{
	memset(log, 0, sizeof *log);
	log->capacity = capacity > 0 ? capacity : EVENT_LOG_DEFAULT_CAPACITY;
	log->items = xcalloc(log->capacity, sizeof *log->items);
}

/* Frees the log's events. */
void event_log_free(struct event_log *log)
{
	free(log->items);
	memset(log, 0, sizeof *log);
}

/* Returns how many leading bytes of s fit in room bytes without cutting a character. */
static size_t event_log_fit(const char *s, size_t room)
{
	int lo = 0, hi = room > 4096 ? 4096 : (int)room;
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (utf8_fit(s, mid, NULL) <= room)
			lo = mid;
		else
			hi = mid - 1;
	}
	return utf8_fit(s, lo, NULL);
}

/* Copies text into one of an event's texts, cut between characters and ended with "…" when too
 * long. */
static void event_log_set_text(char *dst, size_t size, const char *text)
{
	size_t len = strlen(text);
	if (len < size) {
		memcpy(dst, text, len + 1);
		return;
	}
	size_t keep = event_log_fit(text, size - sizeof EVENTS_ELLIPSIS);
	memcpy(dst, text, keep);
	memcpy(dst + keep, EVENTS_ELLIPSIS, sizeof EVENTS_ELLIPSIS);
}

/* Appends an event in English and in the reader's language, overwriting (and counting) the oldest
 * when the ring is full. */
static void event_log_put(struct event_log *log, int64_t at_ms, enum event_level level,
                          const char *site, const char *text, const char *shown)
{
	struct event *e = &log->items[log->next];
	e->at_ms = at_ms;
	e->level = level;
	snprintf(e->site, sizeof e->site, "%s", site ? site : "");
	event_log_set_text(e->text, sizeof e->text, text);
	event_log_set_text(e->shown, sizeof e->shown, shown);
	log->next = (log->next + 1) % log->capacity;
	if (log->n < log->capacity)
		log->n++;
	else
		log->dropped++;
}

/* Appends an event whose text is fmt formatted with ap (and translated for the screen). */
void event_log_vadd(struct event_log *log, int64_t at_ms, enum event_level level,
                    const char *site, const char *fmt, va_list ap)
{
	char *text, *shown;
	phrase_vformat(fmt, ap, &text, &shown);
	event_log_put(log, at_ms, level, site, text, shown);
	free(text);
	free(shown);
}

/* Appends an event whose text is fmt formatted (and translated for the screen). */
void event_log_add(struct event_log *log, int64_t at_ms, enum event_level level, const char *site,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	event_log_vadd(log, at_ms, level, site, fmt, ap);
	va_end(ap);
}

/* Returns how many events the log holds. */
size_t event_log_count(const struct event_log *log)
{
	return log->n;
}

/* Returns the i-th newest event (0: the newest), or NULL past the oldest. */
const struct event *event_log_get(const struct event_log *log, size_t i)
{
	if (i >= log->n)
		return NULL;
	return &log->items[(log->next + log->capacity - 1 - i) % log->capacity];
}

/* Returns a level's name: "info", "warning" or "critical". */
const char *event_level_name(enum event_level level)
{
	switch (level) {
	case EVENT_CRITICAL:
		return "critical";
	case EVENT_WARNING:
		return "warning";
	default:
		return "info";
	}
}

/* Appends an event about the site of the new snapshot, stamped now. */
__attribute__((format(printf, 3, 4))) static void
events_emit(struct events_ctx *c, enum event_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	event_log_vadd(c->log, c->now, level, c->a->name, fmt, ap);
	va_end(ap);
}

/* Returns why something failed, or a stand-in when no reason was given. */
static const char *events_why(const char *error)
{
	return error[0] != '\0' ? error : "no reason given";
}

/* Tells whether a role is one PostgreSQL answers with. */
static int events_answers(enum pg_role role)
{
	return role == PG_ROLE_PRIMARY || role == PG_ROLE_STANDBY;
}

/* The site's SSH side: unreachable (with why) and reachable again (after how long). */
static void events_reach(struct events_ctx *c)
{
	const struct site_status *b = c->b, *a = c->a;
	char dur[32];
	int known = b->generation > 0;
	if (!a->reachable && (!known || b->reachable)) {
		events_emit(c, EVENT_CRITICAL, "%s unreachable: %s", a->name, events_why(a->error));
	} else if (a->reachable && known && !b->reachable) {
		int64_t back = a->since_ms > 0 ? a->since_ms : c->now;
		if (b->since_ms > 0 && back >= b->since_ms)
			events_emit(c, EVENT_INFO, "%s reachable again after %s", a->name,
			            duration_text(back - b->since_ms, dur, sizeof dur));
		else
			events_emit(c, EVENT_INFO, "%s reachable again", a->name);
	}
}

/* PostgreSQL going down (with why), coming back, or changing role. */
static void events_pg(struct events_ctx *c)
{
	const struct site_status *a = c->a;
	enum pg_role rb = verdict_site_role(c->b), ra = verdict_site_role(a);
	if (ra == PG_ROLE_DOWN && rb != PG_ROLE_DOWN)
		events_emit(c, EVENT_CRITICAL, "PostgreSQL on %s is down: %s", a->name,
		            events_why(a->pg.error));
	else if (rb == PG_ROLE_DOWN && events_answers(ra))
		events_emit(c, EVENT_INFO, "PostgreSQL on %s is up again as %s", a->name,
		            verdict_role_name(ra));
	else if (events_answers(rb) && events_answers(ra) && rb != ra)
		events_emit(c, ra == PG_ROLE_PRIMARY ? EVENT_CRITICAL : EVENT_WARNING,
		            "%s is now %s (was %s)", a->name, verdict_role_name(ra),
		            verdict_role_name(rb));
}

/* A new timeline (a promotion happened), told whenever both timelines are known. */
static void events_timeline(struct events_ctx *c)
{
	const struct opt_i64 *tb = &c->b->pg.timeline, *ta = &c->a->pg.timeline;
	if (!events_answers(verdict_site_role(c->a)) || !tb->known || !ta->known || tb->v == ta->v)
		return;
	events_emit(c, EVENT_WARNING, "timeline of %s changed from %lld to %lld", c->a->name,
	            (long long)tb->v, (long long)ta->v);
}

/* Tells whether a standby's WAL receiver streams. */
static int events_streaming(const struct site_status *s)
{
	return strcmp(s->pg.receiver_status, "streaming") == 0;
}

/* A standby's WAL receiver that stops streaming, and starts again. */
static void events_receiver(struct events_ctx *c)
{
	const struct site_status *a = c->a;
	if (verdict_site_role(a) != PG_ROLE_STANDBY)
		return;
	int known = verdict_site_role(c->b) == PG_ROLE_STANDBY;
	int was = known && events_streaming(c->b), is = events_streaming(a);
	const char *status = a->pg.receiver_status[0] ? a->pg.receiver_status : "not running";
	if (!is && was)
		events_emit(c, EVENT_WARNING, "the WAL receiver of %s is %s (was streaming)",
		            a->name, status);
	else if (!is && !known)
		events_emit(c, EVENT_WARNING, "the WAL receiver of %s is %s", a->name, status);
	else if (is && known && !was)
		events_emit(c, EVENT_INFO, "the WAL receiver of %s is streaming again", a->name);
}

/* Returns the band of a lag against the budget, without hysteresis. */
static enum events_lag_band events_lag_line(int64_t lag, int64_t budget)
{
	if (lag > budget)
		return LAG_OVER;
	return lag > budget / 2 ? LAG_HALF : LAG_WITHIN;
}

/* Returns the band of a lag given the band it was in: up at the line, down a slack below it. */
static enum events_lag_band events_lag_band(int64_t lag, int64_t budget, enum events_lag_band prev)
{
	enum events_lag_band now = events_lag_line(lag, budget);
	if (prev == LAG_UNKNOWN || now >= prev)
		return now;
	enum events_lag_band held = events_lag_line(lag + budget / EVENTS_LAG_SLACK_DIV, budget);
	return held < prev ? held : prev;
}

/* Returns the site's remembered lag band, made when create is set; NULL when there is no room. */
static struct event_lag_memo *events_lag_memo(struct event_log *log, const char *site, int create)
{
	for (size_t i = 0; i < log->n_lag; i++)
		if (strcmp(log->lag[i].site, site) == 0)
			return &log->lag[i];
	if (!create || log->n_lag == EVENT_LOG_MAX_SITES)
		return NULL;
	struct event_lag_memo *m = &log->lag[log->n_lag++];
	snprintf(m->site, sizeof m->site, "%s", site);
	m->band = LAG_UNKNOWN;
	return m;
}

/* Returns the band last reported for the site, else the band of the old snapshot's lag. */
static enum events_lag_band events_lag_prev(struct events_ctx *c)
{
	const struct event_lag_memo *m = events_lag_memo(c->log, c->a->name, 0);
	int64_t lag;
	if (m != NULL && m->band != LAG_UNKNOWN)
		return (enum events_lag_band)m->band;
	if (verdict_lag_ms(c->b, &lag) != 0)
		return LAG_UNKNOWN;
	return events_lag_line(lag, c->cf->dr.sync_interval_ms);
}

/* Tells of a standby's replay lag entering a new band; an unknown lag tells nothing. */
static void events_lag(struct events_ctx *c)
{
	const struct site_status *a = c->a;
	int64_t lag, budget = c->cf->dr.sync_interval_ms;
	char lag_s[32], budget_s[32];
	if (verdict_site_role(a) == PG_ROLE_PRIMARY) {
		struct event_lag_memo *m = events_lag_memo(c->log, a->name, 0);
		if (m != NULL)
			m->band = LAG_UNKNOWN;
	}
	if (budget <= 0 || verdict_lag_ms(a, &lag) != 0)
		return;
	enum events_lag_band prev = events_lag_prev(c);
	enum events_lag_band now = events_lag_band(lag, budget, prev);
	struct event_lag_memo *m = events_lag_memo(c->log, a->name, 1);
	if (m != NULL)
		m->band = now;
	if (now == prev || (prev == LAG_UNKNOWN && now == LAG_WITHIN))
		return;
	duration_text(lag, lag_s, sizeof lag_s);
	duration_text(budget, budget_s, sizeof budget_s);
	if (now == LAG_OVER)
		events_emit(c, EVENT_CRITICAL,
		            "standby %s is %s behind in replay, beyond sync_interval %s", a->name,
		            lag_s, budget_s);
	else if (now == LAG_HALF && prev == LAG_OVER)
		events_emit(c, EVENT_WARNING,
		            "standby %s is back within sync_interval %s: %s behind in replay",
		            a->name, budget_s, lag_s);
	else if (now == LAG_HALF)
		events_emit(c, EVENT_WARNING,
		            "standby %s is %s behind in replay, over half of sync_interval %s",
		            a->name, lag_s, budget_s);
	else
		events_emit(
		    c, EVENT_INFO,
		    "standby %s is back under half of sync_interval %s: %s behind in replay",
		    a->name, budget_s, lag_s);
}

/* A newest backup that was not the newest in the previous listing. */
static void events_new_backup(struct events_ctx *c)
{
	const struct snap_backups *bb = &c->b->backups, *ab = &c->a->backups;
	if (bb->at_ms == 0 || ab->at_ms == 0 || !ab->ok || ab->count == 0 ||
	    ab->newest_name[0] == '\0' || strcmp(bb->newest_name, ab->newest_name) == 0)
		return;
	char size[32];
	events_emit(c, EVENT_INFO, "new backup on %s: %s (%s)", c->a->name, ab->newest_name,
	            bytes_text(ab->newest_bytes, size, sizeof size));
}

/* Tells whether name is one of the first n entries of a fixed-width list. */
static int events_listed(const char *name, const char *list, size_t width, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list + i * width, name) == 0)
			return 1;
	return 0;
}

/* Returns how many of a list's n entries are held (the snapshot keeps up to max). */
static size_t events_held(int n, size_t max)
{
	return n <= 0 ? 0 : (size_t)n < max ? (size_t)n : max;
}

/* Backups newly failing pg_restore --list: by name, else by count when the names ran out. */
static void events_invalid(struct events_ctx *c)
{
	const struct snap_backups *bb = &c->b->backups, *ab = &c->a->backups;
	size_t nb = events_held(bb->invalid, SNAPSHOT_MAX_INVALID);
	size_t na = events_held(ab->invalid, SNAPSHOT_MAX_INVALID);
	int named = 0;
	if (ab->at_ms == 0)
		return;
	for (size_t i = 0; i < na; i++) {
		if (events_listed(ab->invalid_names[i], bb->invalid_names[0],
		                  sizeof bb->invalid_names[0], nb))
			continue;
		events_emit(c, EVENT_CRITICAL, "backup %s on %s fails pg_restore --list",
		            ab->invalid_names[i], c->a->name);
		named = 1;
	}
	if (!named && ab->invalid > bb->invalid)
		events_emit(c, EVENT_CRITICAL, "%d backups on %s fail pg_restore --list (was %d)",
		            ab->invalid, c->a->name, bb->invalid);
}

/* Returns the service of that name in a host probe, or NULL. */
static const struct snap_service *events_service(const struct snap_health *h, const char *name)
{
	for (size_t i = 0; h->at_ms > 0 && i < h->n_services && i < SNAPSHOT_MAX_SERVICES; i++)
		if (strcmp(h->services[i].name, name) == 0)
			return &h->services[i];
	return NULL;
}

/* Service checks turning failed, and passing again. */
static void events_services(struct events_ctx *c)
{
	const struct snap_health *ah = &c->a->health;
	if (ah->at_ms == 0 || !ah->ok)
		return;
	for (size_t i = 0; i < ah->n_services && i < SNAPSHOT_MAX_SERVICES; i++) {
		const struct snap_service *s = &ah->services[i];
		const struct snap_service *was = events_service(&c->b->health, s->name);
		if (!s->ok && (was == NULL || was->ok) && s->exit_status < 0)
			events_emit(c, EVENT_WARNING,
			            "the check of service %s on %s did not finish", s->name,
			            c->a->name);
		else if (!s->ok && (was == NULL || was->ok))
			events_emit(c, EVENT_WARNING,
			            "service %s on %s fails its check (exit status %d)", s->name,
			            c->a->name, s->exit_status);
		else if (s->ok && was != NULL && !was->ok)
			events_emit(c, EVENT_INFO, "service %s on %s passes its check again",
			            s->name, c->a->name);
	}
}

/* Configuration conformity findings that the previous snapshot did not have. */
static void events_findings(struct events_ctx *c)
{
	const struct snap_pg *bp = &c->b->pg, *ap = &c->a->pg;
	size_t nb = bp->at_ms > 0 ? bp->n_findings : 0;
	if (ap->at_ms == 0)
		return;
	if (nb > SNAPSHOT_MAX_FINDINGS)
		nb = SNAPSHOT_MAX_FINDINGS;
	for (size_t i = 0; i < ap->n_findings && i < SNAPSHOT_MAX_FINDINGS; i++)
		if (!events_listed(ap->findings[i], bp->findings[0], sizeof bp->findings[0], nb))
			events_emit(c, EVENT_WARNING, "%s: %s", c->a->name, ap->findings[i]);
}

/* Appends to the log the events between a site's previous snapshot and its new one. */
void events_diff(const struct conf *cf, const struct site_status *before,
                 const struct site_status *after, int64_t now_wall_ms, struct event_log *log)
{
	static const struct site_status nothing;
	struct events_ctx c = {cf, before->generation > 0 ? before : &nothing, after, now_wall_ms,
	                       log};
	if (after->generation == 0)
		return;
	events_reach(&c);
	events_pg(&c);
	events_timeline(&c);
	events_receiver(&c);
	events_lag(&c);
	events_new_backup(&c);
	events_invalid(&c);
	events_services(&c);
	events_findings(&c);
}

/* Returns the kind of reason heading a verdict, or -1 when all is ok. */
static int events_top_kind(const struct verdict *v)
{
	const struct verdict_reason *top = verdict_top(v);
	return top != NULL ? (int)top->kind : -1;
}

/* Tells whether a verdict holds a split brain. */
static int events_split(const struct verdict *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->reasons[i].kind == VERDICT_KIND_SPLIT && v->reasons[i].level != VERDICT_OK)
			return 1;
	return 0;
}

/* Tells whether a verdict is the one of nothing known at all (the console's start). */
static int events_knows_nothing(const struct verdict *v)
{
	return v->level == VERDICT_UNKNOWN && events_top_kind(v) == VERDICT_KIND_OTHER;
}

/* Returns the event level a verdict level is told at. */
static enum event_level events_verdict_level(enum verdict_level level)
{
	return level == VERDICT_CRITICAL ? EVENT_CRITICAL
	       : level == VERDICT_OK     ? EVENT_INFO
	                                 : EVENT_WARNING;
}

/* Returns a word of the verdict's sentence: as written, or translated when local. */
__attribute__((format_arg(1))) static const char *events_word(const char *s, int local)
{
	return local ? _(s) : s;
}

/* Writes the sentence of a verdict's change: in English, or in the reader's language when local. */
static void events_verdict_text(const struct verdict *before, const struct verdict *after,
                                int split_over, int local, char *buf, size_t len)
{
	const struct verdict_reason *top = verdict_top(after);
	char was[80] = "", more[80] = "";
	size_t n = verdict_more(after);
	int headed = before->level == after->level;
	if (!headed)
		snprintf(was, sizeof was, events_word(N_(" (was %s)"), local),
		         verdict_name(before->level));
	else
		snprintf(was, sizeof was, "%s", events_word(N_(", now headed by"), local));
	if (n > 0)
		snprintf(more, sizeof more, events_word(N_(" (+%zu more)"), local), n);
	snprintf(buf, len, events_word(N_("%sverdict %s%s%s%s%s"), local),
	         split_over ? events_word(N_("split brain over; "), local) : "",
	         verdict_name(after->level), was, top ? (headed ? " " : ": ") : "",
	         top ? (local ? verdict_shown(top) : top->text) : "", more);
}

/* Appends an event when the overall verdict changed in level, in what heads it, or in split brain.
 */
void events_verdict(const struct verdict *before, const struct verdict *after, int64_t now_wall_ms,
                    struct event_log *log)
{
	int split_was = events_split(before), split_is = events_split(after);
	if ((before->level == after->level && events_top_kind(before) == events_top_kind(after) &&
	     split_was == split_is) ||
	    (events_knows_nothing(before) && after->level == VERDICT_OK))
		return;
	const struct verdict_reason *top = verdict_top(after);
	char text[2048], shown[2048];
	events_verdict_text(before, after, split_was && !split_is, 0, text, sizeof text);
	events_verdict_text(before, after, split_was && !split_is, 1, shown, sizeof shown);
	event_log_put(log, now_wall_ms, events_verdict_level(after->level), top ? top->site : "",
	              text, shown);
}
