/*
 * A drill's hot wash: what went well, what did not, and one corrective
 * action typed as "what / owner / due" with the due date as YYYY-MM-DD,
 * turned into the journal's hotwash record (or its skipped form).
 */
#ifndef DR_HOTWASH_H
#define DR_HOTWASH_H

#include <jansson.h>

struct hotwash_action {
	char *what;
	char *owner;
	char *due; /* YYYY-MM-DD, a day that exists */
};

int hotwash_due_check(const char *due);
int hotwash_action_parse(const char *typed, struct hotwash_action *a, char **cause);
void hotwash_action_free(struct hotwash_action *a);
json_t *hotwash_record(const char *went_well, const char *went_badly,
                       const struct hotwash_action *a);
json_t *hotwash_skipped(void);

#endif
