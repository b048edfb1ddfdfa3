/* Helpers on site snapshots. */
#include "config.h"

#include <string.h>

#include "snapshot.h"

/* Returns the snapshot of the site with this name among n, or NULL (also for a NULL name). */
const struct site_status *snapshot_find(const struct site_status *sites, size_t n, const char *name)
{
	for (size_t i = 0; name != NULL && sites != NULL && i < n; i++)
		if (strcmp(sites[i].name, name) == 0)
			return &sites[i];
	return NULL;
}

/*
 * Tells whether two snapshots differ in more than what moves with the clock
 * alone (times, ages, the replay delay of an idle standby), their round trip
 * and their round counts: a round with news wakes the console at once, the
 * others wait for its clock tick.
 */
int snapshot_news(const struct site_status *a, const struct site_status *b)
{
	struct site_status x = *a, y = *b;
	struct site_status *v[2] = {&x, &y};
	for (int i = 0; i < 2; i++) {
		v[i]->generation = 0;
		v[i]->at_ms = v[i]->pg.at_ms = v[i]->health.at_ms = v[i]->backups.at_ms = 0;
		/* Their values only: a value turning unknown (or known) is news. */
		v[i]->health.rtt_ms.v = v[i]->pg.replay_delay_ms.v = v[i]->backups.newest_age_s.v =
		    0;
		v[i]->execs_last_cycle = v[i]->queries_last_cycle = 0;
	}
	return memcmp(&x, &y, sizeof x) != 0;
}
