/*
 * Tests of core/drill.c: the seed's dr-drill.yml loads exactly as written (two
 * drills, their Korean steps in order), and drills without a scenario name,
 * with steps that are not a list, or with no steps are reported at their exact
 * positions and left out.
 */
#include "config.h"

#include "unit.h"

#include "drill.h"

/* A loaded drills file with its diagnostics. */
struct loaded {
	char *file;
	struct drill_set set;
	struct diag d;
	int rc;
};

/* Writes text to a temporary file and loads it. */
static void load_text(struct loaded *l, const char *text)
{
	diag_init(&l->d);
	l->file = unit_write_file(text);
	l->rc = drill_load(&l->set, l->file, &l->d);
}

/* Frees a loaded file and removes it. */
static void loaded_done(struct loaded *l)
{
	drill_free(&l->set);
	diag_free(&l->d);
	unlink(l->file);
	free(l->file);
}

/* Fails unless the only diagnostic is an error in the file at line:col reading exactly msg. */
static void expect_only(const struct loaded *l, int line, int col, const char *msg)
{
	unit_expect_only(&l->d, l->rc, l->file, line, col, msg);
}

/* Checks a drill's steps against the expected texts, one per line from first_line. */
static void check_steps(const struct drill *dr, const char *const *texts, size_t n,
			int first_line)
{
	assert_int_equal(dr->n_steps, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(dr->steps[i].text, texts[i]);
		assert_int_equal(dr->steps[i].pos.line, first_line + (int)i);
		assert_int_equal(dr->steps[i].pos.col, 9);
	}
}

/* The seed file, exactly as the plan wrote it. */
static void test_drill_seed(void **state)
{
	(void)state;
	static const char *const down[] = {"주 데이터센터 전원 차단", "DR 사이트 활성화 확인",
					   "서비스 정상화 확인", "데이터 정합성 검증"};
	static const char *const ransom[] = {"감염된 시스템 격리", "백업 데이터 복구",
					     "시스템 정상화", "보안 취약점 점검"};
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *file = xasprintf("%s/scenarios/dr-drill.yml", top);
	struct drill_set set;
	struct diag d;
	diag_init(&d);
	assert_int_equal(drill_load(&set, file, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(set.file, file);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.items[0].scenario, "전체 시스템 다운");
	assert_int_equal(set.items[0].pos.line, 3);
	assert_int_equal(set.items[0].pos.col, 5);
	check_steps(&set.items[0], down, 4, 5);
	assert_string_equal(set.items[1].scenario, "랜섬웨어 감염");
	assert_int_equal(set.items[1].pos.line, 10);
	check_steps(&set.items[1], ransom, 4, 12);
	assert_ptr_equal(set.items[1].steps[0].pos.file, set.file);
	drill_free(&set);
	assert_int_equal(set.n, 0);
	diag_free(&d);
	free(file);
}

/* A drill without its scenario name is reported at the drill and left out. */
static void test_drill_missing_scenario(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "drills:\n"
		      "  - steps:\n"
		      "      - \"감염된 시스템 격리\"\n"
		      "  - scenario: \"랜섬웨어 감염\"\n"
		      "    steps: [\"백업 데이터 복구\"]\n"
		      "    description: 연 1회\n");
	expect_only(&l, 2, 5, "missing required key 'scenario' in a drill");
	assert_int_equal(l.set.n, 1);
	assert_string_equal(l.set.items[0].scenario, "랜섬웨어 감염");
	assert_int_equal(l.set.items[0].n_steps, 1);
	assert_int_equal(l.set.items[0].steps[0].pos.col, 13);
	loaded_done(&l);
}

/* steps: must be a list, must not be empty, and holds strings. */
static void test_drill_bad_steps(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "drills:\n"
		      "  - scenario: \"전체 시스템 다운\"\n"
		      "    steps: \"주 데이터센터 전원 차단\"\n");
	expect_only(&l, 3, 12,
		    "key 'steps' must be a list (lines starting with '- '), not a string");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "drills:\n"
		      "  - scenario: \"전체 시스템 다운\"\n"
		      "    steps: []\n");
	expect_only(&l, 3, 12, "key 'steps' is empty: a drill needs steps");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "drills:\n"
		      "  - scenario: \"전체 시스템 다운\"\n"
		      "    steps:\n"
		      "      - \"주 데이터센터 전원 차단\"\n"
		      "      - {check: now}\n");
	expect_only(&l, 5, 9, "step 2 must be a string, not a mapping");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "drills:\n"
		      "  - scenario: \"전체 시스템 다운\"\n");
	expect_only(&l, 2, 5, "missing required key 'steps' in a drill");
	loaded_done(&l);
}

/* Unknown keys and entries that are not mappings. */
static void test_drill_shape(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "drills:\n"
		      "  - scenario: \"전체 시스템 다운\"\n"
		      "    step: [a]\n"
		      "    steps: [a]\n"
		      "  - 전체 시스템 다운\n");
	assert_int_equal(l.rc, -1);
	assert_true(unit_diag_has(&l.d, ":3:5: error: unknown key 'step' in a drill (expected one "
					"of: scenario, steps, description)"));
	assert_true(unit_diag_has(&l.d, ":5:5: error: a drill must be a mapping (key: value "
					"lines), not a string"));
	assert_int_equal(l.d.errors, 2);
	/* An unknown key is reported, but the drill itself is complete and kept. */
	assert_int_equal(l.set.n, 1);
	loaded_done(&l);

	load_text(&l, "tests:\n  - name: x\n");
	assert_int_equal(l.rc, -1);
	assert_true(unit_diag_has(&l.d, ":1:1: error: unknown key 'tests' in the drills file "
					"(expected one of: drills)"));
	assert_true(unit_diag_has(&l.d, ":1:1: error: missing required key 'drills' in the "
					"drills file"));
	loaded_done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drill_seed),
		cmocka_unit_test(test_drill_missing_scenario),
		cmocka_unit_test(test_drill_bad_steps),
		cmocka_unit_test(test_drill_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
