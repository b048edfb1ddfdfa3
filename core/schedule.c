/*
 * The DR test schedule, as the plan writes it:
 *   tests:
 *     - name: "데이터 복구 테스트"
 *       frequency: "월별"        # or monthly, 분기별/quarterly, 주별/weekly, 연간/yearly
 *       duration: "2시간"
 *       participants: ["DBA팀", "시스템 운영팀"]
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "xmalloc.h"
#include "yfield.h"

struct schedule_freq_word {
	const char *word;
	enum schedule_freq freq;
};

static const struct schedule_freq_word schedule_words[] = {
	{"daily", FREQ_DAILY},           {"일별", FREQ_DAILY},          {"매일", FREQ_DAILY},
	{"weekly", FREQ_WEEKLY},         {"주별", FREQ_WEEKLY},         {"매주", FREQ_WEEKLY},
	{"monthly", FREQ_MONTHLY},       {"월별", FREQ_MONTHLY},        {"매월", FREQ_MONTHLY},
	{"quarterly", FREQ_QUARTERLY},   {"분기별", FREQ_QUARTERLY},    {"semiannual", FREQ_SEMIANNUAL},
	{"반기별", FREQ_SEMIANNUAL},     {"yearly", FREQ_YEARLY},       {"annually", FREQ_YEARLY},
	{"연간", FREQ_YEARLY},           {"연별", FREQ_YEARLY},         {"매년", FREQ_YEARLY},
};

/* Names a frequency in English. */
const char *schedule_freq_name(enum schedule_freq f)
{
	static const char *const names[] = {"daily",     "weekly",     "monthly",
					    "quarterly", "semiannual", "yearly"};
	return names[f];
}

/* Parses a frequency word, Korean or English; returns 0 or -1. */
int schedule_parse_freq(const char *s, enum schedule_freq *out)
{
	for (size_t i = 0; i < sizeof schedule_words / sizeof schedule_words[0]; i++)
		if (strcmp(s, schedule_words[i].word) == 0) {
			*out = schedule_words[i].freq;
			return 0;
		}
	return -1;
}

/* Reads one test entry; returns 1 when it was kept. */
static int schedule_read(struct yctx *c, struct schedule_set *set, const struct ynode *n)
{
	static const char *const keys[] = {"name", "frequency", "duration", "participants",
					   "description", NULL};
	struct schedule_test *t = &set->items[set->n];
	char *freq = NULL;
	if (!yfield_is_map(c, n, "a test"))
		return 0;
	memset(t, 0, sizeof *t);
	t->pos = (struct srcpos){set->file, n->line, n->col};
	yfield_check_keys(c, n, "a test", keys);
	int ok = yfield_require(c, n, "name", "a test");
	ok &= yfield_require(c, n, "frequency", "a test");
	ok &= yfield_string(c, n, "name", &t->name) == 1;
	if (yfield_string(c, n, "frequency", &freq) == 1 &&
	    schedule_parse_freq(freq, &t->frequency) == -1) {
		yfield_error(c, yfield_get(n, "frequency"),
			     "key 'frequency' is '%s', expected one of: 주별/weekly, 월별/monthly, "
			     "분기별/quarterly, 반기별/semiannual, 연간/yearly, 일별/daily",
			     freq);
		ok = 0;
	}
	free(freq);
	if (yfield_duration(c, n, "duration", &t->duration_ms) < 0)
		ok = 0;
	if (yfield_string_list(c, n, "participants", &t->participants, &t->n_participants) < 0)
		ok = 0;
	if (!ok) {
		free(t->name);
		yfield_free_list(t->participants, t->n_participants);
		return 0;
	}
	set->n++;
	return 1;
}

/* Reads every entry of the list. */
static void schedule_read_all(struct yctx *c, const struct ynode *list, void *arg)
{
	struct schedule_set *set = arg;
	set->items = xcalloc(list->n, sizeof *set->items);
	for (size_t i = 0; i < list->n; i++)
		schedule_read(c, set, list->items[i]);
}

/* Loads a schedule file; returns 0, or -1 with the problems in d. */
int schedule_load(struct schedule_set *set, const char *file, struct diag *d)
{
	memset(set, 0, sizeof *set);
	set->file = xstrdup(file);
	return yfield_load_list(set->file, "tests", "the test schedule", d, schedule_read_all, set);
}

/* Frees a schedule. */
void schedule_free(struct schedule_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->items[i].name);
		yfield_free_list(set->items[i].participants, set->items[i].n_participants);
	}
	free(set->items);
	free(set->file);
	memset(set, 0, sizeof *set);
}
