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
