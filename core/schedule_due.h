/*
 * When each regular DR test is due: from the runs that satisfied it and the
 * time given (never the wall clock), its last run, its next due date and
 * whether it is overdue, due soon, or within its schedule.
 */
#ifndef DR_SCHEDULE_DUE_H
#define DR_SCHEDULE_DUE_H

#include <stddef.h>
#include <stdint.h>

#include "schedule.h"

#define SCHEDULE_SOON_MS ((int64_t)7 * 24 * 3600 * 1000) /* due within a week: due soon */

/* A run that satisfied a test (schedule_runs_read finds them in the journals). */
struct schedule_done {
	char *test;    /* the test's name, as the run's run_started names it */
	char *run;     /* its run id */
	char *mode;    /* its mode ("drill", "tabletop", ...), or NULL */
	int64_t at_ms; /* when it finished (its run_finished) */
};

enum schedule_status {
	SCHEDULE_OK,       /* the next run is due in more than a week */
	SCHEDULE_DUE_SOON, /* due within a week */
	SCHEDULE_OVERDUE,  /* due now or before, or never run */
};

/* Where one test stands. */
struct schedule_due {
	const struct schedule_test *test;
	const struct schedule_done *last; /* its latest satisfying run; NULL: never run */
	int64_t next_ms;                  /* when the next run is due (never run: now) */
	enum schedule_status status;
};

int64_t schedule_due_next(enum schedule_freq f, int64_t last_ms);
void schedule_due_compute(const struct schedule_set *set, const struct schedule_done *done,
                          size_t n_done, int64_t now_ms, struct schedule_due *out);
enum schedule_status schedule_due_worst(const struct schedule_due *due, size_t n);
int schedule_due_exit_code(const struct schedule_due *due, size_t n);
size_t schedule_due_count(const struct schedule_due *due, size_t n, enum schedule_status s);
const char *schedule_status_name(enum schedule_status s);
const char *schedule_due_text(const struct schedule_due *d, int64_t now_ms, char *buf, size_t len);

#endif
