/*
 * The DR test schedule, as the plan writes it:
 *   tests:
 *     - name: "데이터 복구 테스트"
 *       frequency: "월별"        # or monthly, 분기별/quarterly, 주별/weekly, 연간/yearly
 *       duration: "2시간"
 *       participants: ["DBA팀", "시스템 운영팀"]
 * The English words are taken in any case (Monthly, QUARTERLY); the frequency
 * and the duration are kept as written too, for showing them in the file's words.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "schedule.h"
#include "xmalloc.h"
#include "yfield.h"

struct schedule_freq_word {
	const char *word;
	enum schedule_freq freq;
};

/* Each frequency's English words, then its Korean ones. */
static const struct schedule_freq_word schedule_words[] = {
	{"daily", FREQ_DAILY},           {"일별", FREQ_DAILY},      {"매일", FREQ_DAILY},
	{"weekly", FREQ_WEEKLY},         {"주별", FREQ_WEEKLY},     {"매주", FREQ_WEEKLY},
	{"monthly", FREQ_MONTHLY},       {"월별", FREQ_MONTHLY},    {"매월", FREQ_MONTHLY},
	{"quarterly", FREQ_QUARTERLY},   {"분기별", FREQ_QUARTERLY},
	{"semiannual", FREQ_SEMIANNUAL}, {"semiannually", FREQ_SEMIANNUAL},
	{"반기별", FREQ_SEMIANNUAL},
	{"yearly", FREQ_YEARLY},         {"annually", FREQ_YEARLY}, {"연간", FREQ_YEARLY},
	{"연별", FREQ_YEARLY},           {"매년", FREQ_YEARLY},
};

/* Names a frequency in English. */
const char *schedule_freq_name(enum schedule_freq f)
{
	static const char *const names[] = {N_("daily"),     N_("weekly"),     N_("monthly"),
					    N_("quarterly"), N_("semiannual"), N_("yearly")};
	return names[f];
}

/* Tells whether a is b, ASCII letters compared in either case (so Korean words exactly). */
static int schedule_word_is(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* Parses a frequency word, Korean, or English in any case; returns 0 or -1. */
int schedule_parse_freq(const char *s, enum schedule_freq *out)
{
	for (size_t i = 0; i < sizeof schedule_words / sizeof schedule_words[0]; i++)
		if (schedule_word_is(s, schedule_words[i].word)) {
			*out = schedule_words[i].freq;
			return 0;
		}
	return -1;
}

/* Frees what a test holds. */
static void schedule_test_free(struct schedule_test *t)
{
	free(t->name);
	free(t->frequency_word);
	free(t->duration_word);
	yfield_free_list(t->participants, t->n_participants);
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
	    schedule_parse_freq(freq, &t->frequency) == 0) {
		t->frequency_word = freq;
		freq = NULL;
	} else if (freq != NULL) {
		yfield_error(c, yfield_get(n, "frequency"),
			     "key 'frequency' is '%s', expected one of: 주별/weekly, 월별/monthly, "
			     "분기별/quarterly, 반기별/semiannual, 연간/yearly, 일별/daily",
			     freq);
		ok = 0;
	}
	free(freq);
	int dur = yfield_duration(c, n, "duration", &t->duration_ms);
	if (dur < 0)
		ok = 0;
	else if (dur == 1)
		t->duration_word = xstrdup(yfield_get(n, "duration")->str);
	if (yfield_string_list(c, n, "participants", &t->participants, &t->n_participants) < 0)
		ok = 0;
	if (!ok) {
		schedule_test_free(t);
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
	for (size_t i = 0; i < set->n; i++)
		schedule_test_free(&set->items[i]);
	free(set->items);
	free(set->file);
	memset(set, 0, sizeof *set);
}
