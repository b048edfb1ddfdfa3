/* The runs journaled in a state dir that satisfied a regular DR test, for schedule_due. */
#ifndef DR_SCHEDULE_RUNS_H
#define DR_SCHEDULE_RUNS_H

#include <stddef.h>

#include "schedule_due.h"

struct schedule_runs {
	char *dir;                   /* <state_dir>/runs */
	struct schedule_done *items; /* every finished run, by the test it names */
	size_t n;
	char **damaged; /* the ids of the journals skipped as damaged */
	size_t n_damaged;
	size_t looked; /* journals read */
};

int schedule_runs_read(const char *state_dir, struct schedule_runs *out, char **cause);
void schedule_runs_free(struct schedule_runs *r);

#endif
