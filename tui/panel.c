/* The panel registry, and what every panel shares: how old a value is, and whether that is stale.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "i18n.h"
#include "panel.h"

static const struct panel_class *const panel_classes[] = {
    &panel_header, &panel_health,  &panel_replication, &panel_backups,
    &panel_events, &panel_runbook, &panel_schedule,
};

/* Finds a panel class by the name layouts use. */
const struct panel_class *panel_find(const char *name)
{
	for (size_t i = 0; i < sizeof panel_classes / sizeof panel_classes[0]; i++)
		if (strcmp(panel_classes[i]->name, name) == 0)
			return panel_classes[i];
	return NULL;
}

/* Tells whether a value refreshed at at_ms is older than two probe intervals. */
int panel_is_stale(const struct view *v, int64_t at_ms)
{
	return !verdict_fresh_at(v->cf, at_ms, v->now_ms);
}

/* Writes a value's age ("12s ago", _("never")) into buf. */
void panel_age(char *buf, size_t len, const struct view *v, int64_t at_ms)
{
	char d[32];
	if (at_ms == 0)
		snprintf(buf, len, _("never"));
	else
		snprintf(buf, len, _("%s ago"), duration_text(v->now_ms - at_ms, d, sizeof d));
}
