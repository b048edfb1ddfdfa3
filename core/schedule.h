/* dr-test-schedule.yml: the regular DR tests, how often each runs, how long, and who takes part. */
#ifndef DR_SCHEDULE_H
#define DR_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "srcpos.h"

enum schedule_freq {
	FREQ_DAILY,
	FREQ_WEEKLY,
	FREQ_MONTHLY,
	FREQ_QUARTERLY,
	FREQ_SEMIANNUAL,
	FREQ_YEARLY,
};

struct schedule_test {
	char *name;
	struct srcpos pos;
	enum schedule_freq frequency;
	char *frequency_word; /* as written: "분기별", "Monthly" */
	int64_t duration_ms;
	char *duration_word; /* as written ("4시간"), or NULL when not given */
	char **participants;
	size_t n_participants;
};

struct schedule_set {
	char *file;
	struct schedule_test *items;
	size_t n;
};

int schedule_load(struct schedule_set *set, const char *file, struct diag *d);
void schedule_free(struct schedule_set *set);
int schedule_parse_freq(const char *s, enum schedule_freq *out);
const char *schedule_freq_name(enum schedule_freq f);

#endif
