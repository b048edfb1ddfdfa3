/*
 * The hot wash at the end of a drill. The corrective action is typed on one
 * line as "what / owner / due": split at its slashes (the what may hold
 * slashes of its own: the last two fields are the owner and the due date),
 * each field trimmed, none empty, and the due date a calendar day written
 * YYYY-MM-DD. The record keeps the lists the report reads: went_well and
 * went_badly as arrays of strings, actions as [{what, owner, due}].
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "hotwash.h"
#include "utf8.h"
#include "xmalloc.h"

/* Returns 0 when due is a calendar day written YYYY-MM-DD, -1 otherwise. */
int hotwash_due_check(const char *due)
{
	if (due == NULL || strlen(due) != 10 || due[4] != '-' || due[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (due[i] < '0' || due[i] > '9'))
			return -1;
	int year = atoi(due), month = atoi(due + 5), day = atoi(due + 8);
	if (year < 1970 || month < 1 || month > 12 || day < 1)
		return -1;
	return day <= caltime_days_in_month(year, month) ? 0 : -1;
}

/* Returns a copy of s[0..len) without the blanks around it. */
static char *hotwash_trim(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xstrndup(s, len);
}

/* Frees an action's fields. */
void hotwash_action_free(struct hotwash_action *a)
{
	free(a->what);
	free(a->owner);
	free(a->due);
	memset(a, 0, sizeof *a);
}

/* Reads "what / owner / due" into a; -1 with *cause saying what is wrong. */
int hotwash_action_parse(const char *typed, struct hotwash_action *a, char **cause)
{
	memset(a, 0, sizeof *a);
	const char *last = typed != NULL ? strrchr(typed, '/') : NULL;
	const char *mid = NULL;
	for (const char *p = typed; last != NULL && p < last; p++)
		if (*p == '/')
			mid = p;
	if (mid == NULL) {
		*cause = xstrdup("write it as: what / owner / due (YYYY-MM-DD)");
		return -1;
	}
	a->what = hotwash_trim(typed, (size_t)(mid - typed));
	a->owner = hotwash_trim(mid + 1, (size_t)(last - mid - 1));
	a->due = hotwash_trim(last + 1, strlen(last + 1));
	if (a->what[0] == '\0' || a->owner[0] == '\0') {
		*cause = xstrdup(a->what[0] == '\0' ? "the action needs a what"
		                                    : "the action needs an owner");
		hotwash_action_free(a);
		return -1;
	}
	if (hotwash_due_check(a->due) == -1) {
		*cause = xasprintf("the due date '%s' is not a date: write YYYY-MM-DD", a->due);
		hotwash_action_free(a);
		return -1;
	}
	return 0;
}

/* Returns a list of one string, or an empty list when text is empty. */
static json_t *hotwash_list(const char *text)
{
	json_t *list = json_array();
	if (text != NULL && text[0] != '\0')
		json_array_append_new(list, utf8_json_string(text));
	return list;
}

/* Returns the hotwash record's data: {went_well, went_badly, actions}. */
json_t *hotwash_record(const char *went_well, const char *went_badly,
                       const struct hotwash_action *a)
{
	json_t *actions = json_array();
	if (a != NULL && a->what != NULL)
		json_array_append_new(
		    actions, json_pack("{s:o, s:o, s:s}", "what", utf8_json_string(a->what),
		                       "owner", utf8_json_string(a->owner), "due", a->due));
	return json_pack("{s:o, s:o, s:o}", "went_well", hotwash_list(went_well), "went_badly",
	                 hotwash_list(went_badly), "actions", actions);
}

/* Returns the record of a hot wash the facilitator skipped. */
json_t *hotwash_skipped(void)
{
	json_t *o = hotwash_record(NULL, NULL, NULL);
	json_object_set_new(o, "skipped", json_true());
	return o;
}
