/*
 * Tests of core/schedule.c: the seed's dr-test-schedule.yml loads exactly as
 * written (분기별 is quarterly, 월별 monthly, "4시간" four hours, participants
 * in order, the frequency and duration kept as written), every frequency
 * word maps to its period (English in any case), and bad entries are
 * reported at their exact positions and left out.
 */
#include "config.h"

#include "unit.h"

#include "schedule.h"

/* A loaded schedule with its diagnostics. */
struct loaded {
	char *file;
	struct schedule_set set;
	struct diag d;
	int rc;
};

/* Writes text to a temporary file and loads it. */
static void load_text(struct loaded *l, const char *text)
{
	diag_init(&l->d);
	l->file = unit_write_file(text);
	l->rc = schedule_load(&l->set, l->file, &l->d);
}

/* Frees a loaded file and removes it. */
static void loaded_done(struct loaded *l)
{
	schedule_free(&l->set);
	diag_free(&l->d);
	unlink(l->file);
	free(l->file);
}

/* Fails unless the only diagnostic is an error in the file at line:col reading exactly msg. */
static void expect_only(const struct loaded *l, int line, int col, const char *msg)
{
	unit_expect_only(&l->d, l->rc, l->file, line, col, msg);
}

/* Checks a test's participants, in order. */
static void check_people(const struct schedule_test *t, const char *const *names, size_t n)
{
	assert_int_equal(t->n_participants, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(t->participants[i], names[i]);
}

/* The seed file, exactly as the plan wrote it. */
static void test_schedule_seed(void **state)
{
	(void)state;
	static const char *const all[] = {"시스템 운영팀", "개발팀", "인프라팀"};
	static const char *const data[] = {"DBA팀", "시스템 운영팀"};
	static const char *const partial[] = {"시스템 운영팀"};
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *file = xasprintf("%s/scenarios/dr-test-schedule.yml", top);
	struct schedule_set set;
	struct diag d;
	diag_init(&d);
	assert_int_equal(schedule_load(&set, file, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(set.file, file);
	assert_int_equal(set.n, 3);

	const struct schedule_test *t = &set.items[0];
	assert_string_equal(t->name, "전체 시스템 페일오버 테스트");
	assert_int_equal(t->pos.line, 3);
	assert_int_equal(t->pos.col, 5);
	assert_int_equal(t->frequency, FREQ_QUARTERLY);
	assert_int_equal(t->duration_ms, 4 * 3600000LL);
	assert_string_equal(t->frequency_word, "분기별");
	assert_string_equal(t->duration_word, "4시간");
	check_people(t, all, 3);

	t = &set.items[1];
	assert_string_equal(t->name, "데이터 복구 테스트");
	assert_int_equal(t->pos.line, 11);
	assert_int_equal(t->frequency, FREQ_MONTHLY);
	assert_int_equal(t->duration_ms, 2 * 3600000LL);
	assert_string_equal(t->frequency_word, "월별");
	assert_string_equal(t->duration_word, "2시간");
	check_people(t, data, 2);

	t = &set.items[2];
	assert_string_equal(t->name, "부분 장애 복구 테스트");
	assert_int_equal(t->pos.line, 18);
	assert_int_equal(t->frequency, FREQ_MONTHLY);
	assert_int_equal(t->duration_ms, 3600000LL);
	check_people(t, partial, 1);

	assert_string_equal(schedule_freq_name(set.items[0].frequency), "quarterly");
	assert_string_equal(schedule_freq_name(set.items[1].frequency), "monthly");
	schedule_free(&set);
	assert_int_equal(set.n, 0);
	diag_free(&d);
	free(file);
}

/* Every frequency word, Korean and English, and the words that are not frequencies. */
static void test_schedule_freq_words(void **state)
{
	(void)state;
	static const struct {
		const char *word;
		enum schedule_freq freq;
	} words[] = {
		{"주별", FREQ_WEEKLY},         {"weekly", FREQ_WEEKLY},
		{"월별", FREQ_MONTHLY},        {"monthly", FREQ_MONTHLY},
		{"분기별", FREQ_QUARTERLY},    {"quarterly", FREQ_QUARTERLY},
		{"반기별", FREQ_SEMIANNUAL},   {"semiannual", FREQ_SEMIANNUAL},
		{"연간", FREQ_YEARLY},         {"yearly", FREQ_YEARLY},
		{"annually", FREQ_YEARLY},     {"일별", FREQ_DAILY},
		{"daily", FREQ_DAILY},         {"매월", FREQ_MONTHLY},
		{"매주", FREQ_WEEKLY},         {"semiannually", FREQ_SEMIANNUAL},
		{"Monthly", FREQ_MONTHLY},     {"QUARTERLY", FREQ_QUARTERLY},
		{"Weekly", FREQ_WEEKLY},       {"Annually", FREQ_YEARLY},
		{"YEARLY", FREQ_YEARLY},       {"Daily", FREQ_DAILY},
		{"SemiAnnually", FREQ_SEMIANNUAL},
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		enum schedule_freq f = FREQ_DAILY;
		if (schedule_parse_freq(words[i].word, &f) != 0)
			fail_msg("'%s' is not accepted", words[i].word);
		assert_int_equal(f, words[i].freq);
	}
	static const char *const bad[] = {"격월",    "month", "",      "월",       "분기",
					  "monthlyy", "quarter", "주 별", " monthly", "monthl"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum schedule_freq f = FREQ_SEMIANNUAL;
		if (schedule_parse_freq(bad[i], &f) != -1)
			fail_msg("'%s' is accepted", bad[i]);
		assert_int_equal(f, FREQ_SEMIANNUAL);
	}
	assert_string_equal(schedule_freq_name(FREQ_DAILY), "daily");
	assert_string_equal(schedule_freq_name(FREQ_WEEKLY), "weekly");
	assert_string_equal(schedule_freq_name(FREQ_SEMIANNUAL), "semiannual");
	assert_string_equal(schedule_freq_name(FREQ_YEARLY), "yearly");
}

/* An unknown frequency is refused at its value, listing the accepted words. */
static void test_schedule_bad_frequency(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "tests:\n"
		      "  - name: \"데이터 복구 테스트\"\n"
		      "    frequency: \"격월\"\n"
		      "    duration: \"2시간\"\n");
	expect_only(&l, 3, 16,
		    "key 'frequency' is '격월', expected one of: 주별/weekly, 월별/monthly, "
		    "분기별/quarterly, 반기별/semiannual, 연간/yearly, 일별/daily");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);
}

/* participants: must be a list of strings. */
static void test_schedule_bad_participants(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "tests:\n"
		      "  - name: \"데이터 복구 테스트\"\n"
		      "    frequency: \"월별\"\n"
		      "    duration: \"2시간\"\n"
		      "    participants: \"DBA팀\"\n");
	expect_only(&l, 5, 19,
		    "key 'participants' must be a list (lines starting with '- '), not a string");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "tests:\n"
		      "  - name: \"데이터 복구 테스트\"\n"
		      "    frequency: monthly\n"
		      "    participants:\n"
		      "      - \"DBA팀\"\n"
		      "      - [\"시스템 운영팀\"]\n");
	expect_only(&l, 6, 9, "item 2 of key 'participants' must be a string, not a list");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);
}

/* A test without a name, or without a frequency, is reported at the test and left out. */
static void test_schedule_missing_keys(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "tests:\n"
		      "  - frequency: \"월별\"\n"
		      "    duration: \"1시간\"\n"
		      "  - name: \"부분 장애 복구 테스트\"\n"
		      "    frequency: \"월별\"\n");
	expect_only(&l, 2, 5, "missing required key 'name' in a test");
	assert_int_equal(l.set.n, 1);
	assert_string_equal(l.set.items[0].name, "부분 장애 복구 테스트");
	assert_int_equal(l.set.items[0].duration_ms, 0);
	assert_null(l.set.items[0].duration_word);
	assert_string_equal(l.set.items[0].frequency_word, "월별");
	assert_int_equal(l.set.items[0].n_participants, 0);
	loaded_done(&l);

	load_text(&l, "tests:\n"
		      "  - name: \"부분 장애 복구 테스트\"\n"
		      "    duration: \"1시간\"\n");
	expect_only(&l, 2, 5, "missing required key 'frequency' in a test");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);
}

/* A bad duration and an unknown key are reported at their positions. */
static void test_schedule_bad_fields(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "tests:\n"
		      "  - name: \"부분 장애 복구 테스트\"\n"
		      "    frequency: \"월별\"\n"
		      "    duration: \"한시간\"\n");
	expect_only(&l, 4, 15,
		    "key 'duration': invalid duration '한시간': expected a number at '한시간'");
	loaded_done(&l);

	load_text(&l, "tests:\n"
		      "  - name: \"부분 장애 복구 테스트\"\n"
		      "    frequency: \"월별\"\n"
		      "    owner: \"시스템 운영팀\"\n");
	expect_only(&l, 4, 5,
		    "unknown key 'owner' in a test (expected one of: name, frequency, duration, "
		    "participants, description)");
	loaded_done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_seed),
		cmocka_unit_test(test_schedule_freq_words),
		cmocka_unit_test(test_schedule_bad_frequency),
		cmocka_unit_test(test_schedule_bad_participants),
		cmocka_unit_test(test_schedule_missing_keys),
		cmocka_unit_test(test_schedule_bad_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
