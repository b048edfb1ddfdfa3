/*
 * The kept fence's report (fencereport.h). JSON keys:
 *
 *   armed      true | false, null when the state cannot be read
 *   site       the fenced site (also once disarmed), or null
 *   arm        {at, by: {actor, operator, host, pid, run}, reason}, or null
 *   disarm     the same, once disarmed, or null
 *   history    earlier fences kept in the file
 *   error      why the state cannot be read, or null
 *   exit_code  as the command exits
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fencenote.h"
#include "fencereport.h"
#include "textout.h"
#include "utf8.h"

/* Returns the exit code: 3 unknown (error), 1 a fence is armed, 0 none. */
int fencereport_exit(const struct fencestate *fs, const char *error)
{
	if (error != NULL || fs == NULL)
		return FENCEREPORT_UNKNOWN;
	return fs->armed ? FENCEREPORT_ARMED : FENCEREPORT_NONE;
}

/* Returns s as a JSON string, null when empty. */
static json_t *fencereport_text(const char *s)
{
	return s != NULL && *s != '\0' ? utf8_json_string(s) : json_null();
}

/* Returns one change of the fence (when, who, why) as an object. */
static json_t *fencereport_mark(const struct fencestate_mark *m)
{
	json_t *by = json_object();
	json_object_set_new(by, "actor", fencereport_text(m->by.actor));
	json_object_set_new(by, "operator", fencereport_text(m->by.operator));
	json_object_set_new(by, "host", fencereport_text(m->by.host));
	json_object_set_new(by, "pid", m->by.pid > 0 ? json_integer(m->by.pid) : json_null());
	json_object_set_new(by, "run", fencereport_text(m->by.run));
	json_t *o = json_object();
	json_object_set_new(o, "at", fencereport_text(m->at));
	json_object_set_new(o, "by", by);
	json_object_set_new(o, "reason", fencereport_text(m->reason));
	return o;
}

/* Renders the report as one JSON object (newly allocated). */
char *fencereport_json(const struct fencestate *fs, const char *error)
{
	int known = fs != NULL && error == NULL, present = known && fs->present;
	json_t *o = json_object();
	json_object_set_new(o, "armed", known ? json_boolean(fs->armed) : json_null());
	json_object_set_new(o, "site", present ? fencereport_text(fs->site) : json_null());
	json_object_set_new(o, "arm", present ? fencereport_mark(&fs->arm) : json_null());
	json_object_set_new(o, "disarm",
	                    present && fs->disarmed ? fencereport_mark(&fs->disarm) : json_null());
	json_object_set_new(o, "history", json_integer(present ? (json_int_t)fs->history : 0));
	json_object_set_new(o, "error", fencereport_text(error));
	json_object_set_new(o, "exit_code", json_integer(fencereport_exit(fs, error)));
	char *text = utf8_json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text == NULL)
		abort(); /* only out of memory: every value is valid */
	return text;
}

/* Prints one change of the fence: when, by whom (and the run), why. */
static void fencereport_print_mark(FILE *fp, const char *what, const struct fencestate_mark *m)
{
	char by[400];
	fencenote_by(&m->by, by, sizeof by);
	textout_printf(fp, "  %-9s %s by %s, pid %d%s%s\n", what, m->at[0] ? m->at : "?", by,
	               m->by.pid, m->by.run[0] ? ", run " : "", m->by.run);
	if (m->reason[0])
		textout_printf(fp, "  %-9s %s\n", "", m->reason);
}

/* Prints the report for people, the first line saying what holds. */
void fencereport_print(FILE *fp, const struct fencestate *fs, const char *error)
{
	if (error != NULL || fs == NULL) {
		textout_printf(fp, "UNKNOWN: the fence state cannot be read: %s\n",
		               error ? error : "?");
		textout_printf(fp, "Whether the old primary must stay fenced is not known.\n");
		return;
	}
	if (!fs->present) {
		textout_printf(fp, "OK: no fence kept (none was ever armed here)\n");
		return;
	}
	if (fs->armed)
		textout_printf(fp,
		               "WARNING: fence kept for %s: it is fenced the moment it answers as "
		               "a writable primary\n",
		               fs->site);
	else
		textout_printf(fp, "OK: no fence armed (the fence of %s was disarmed)\n", fs->site);
	fencereport_print_mark(fp, "armed", &fs->arm);
	if (fs->disarmed)
		fencereport_print_mark(fp, "disarmed", &fs->disarm);
	if (fs->history > 0)
		textout_printf(fp, "  %-9s %zu earlier fence%s in the file\n", "history",
		               fs->history, fs->history == 1 ? "" : "s");
	if (fs->armed)
		textout_printf(fp, "After a deliberate failback: drconsole fence --disarm %s\n",
		               fs->site);
}
