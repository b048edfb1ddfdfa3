/*
 * Tests of core/scenario.c: the seed's recovery-scenarios.yml loads exactly as
 * written (Korean names, "30분"-style times), scenarios are found by name or by
 * 1-based number, and malformed scenarios are reported at their exact
 * positions (columns counted in characters, not bytes) and left out of the set.
 */
#include "config.h"

#include "unit.h"

#include "scenario.h"

/* A loaded scenarios file with its diagnostics. */
struct loaded {
	char *file;
	struct scenario_set set;
	struct diag d;
	int rc;
};

/* Writes text to a temporary file and loads it. */
static void load_text(struct loaded *l, const char *text)
{
	diag_init(&l->d);
	l->file = unit_write_file(text);
	l->rc = scenario_load(&l->set, l->file, &l->d);
}

/* Frees a loaded file and removes it. */
static void loaded_done(struct loaded *l)
{
	scenario_free(&l->set);
	diag_free(&l->d);
	unlink(l->file);
	free(l->file);
}

/* Fails unless the only diagnostic is an error in the file at line:col reading exactly msg. */
static void expect_only(const struct loaded *l, int line, int col, const char *msg)
{
	unit_expect_only(&l->d, l->rc, l->file, line, col, msg);
}

/* Checks one step's action name and position. */
static void check_step(const struct scenario *s, size_t i, const char *action, int line)
{
	assert_true(i < s->n_steps);
	assert_string_equal(s->steps[i].text, action);
	assert_int_equal(s->steps[i].pos.line, line);
	assert_int_equal(s->steps[i].pos.col, 9);
}

/* The seed file: three scenarios, their steps and times, exactly as the plan wrote them. */
static void test_scenario_seed(void **state)
{
	(void)state;
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : DR_SRCDIR;
	char *file = xasprintf("%s/scenarios/recovery-scenarios.yml", top);
	struct scenario_set set;
	struct diag d;
	diag_init(&d);
	assert_int_equal(scenario_load(&set, file, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(set.file, file);
	assert_int_equal(set.n, 3);

	const struct scenario *s = &set.items[0];
	assert_string_equal(s->name, "데이터센터 장애");
	assert_int_equal(s->pos.line, 3);
	assert_int_equal(s->pos.col, 5);
	assert_ptr_equal(s->pos.file, set.file);
	assert_int_equal(s->n_steps, 4);
	check_step(s, 0, "check_datacenter_health", 5);
	check_step(s, 1, "activate_dr_site", 6);
	check_step(s, 2, "update_dns", 7);
	check_step(s, 3, "verify_services", 8);
	assert_int_equal(s->estimated_ms, 30 * 60000);
	assert_int_equal(s->estimated_pos.line, 9);
	assert_int_equal(s->estimated_pos.col, 21);

	s = &set.items[1];
	assert_string_equal(s->name, "데이터베이스 장애");
	assert_int_equal(s->pos.line, 11);
	assert_int_equal(s->n_steps, 4);
	check_step(s, 0, "verify_replication_status", 13);
	check_step(s, 1, "promote_standby", 14);
	check_step(s, 2, "update_connection_string", 15);
	check_step(s, 3, "verify_data_integrity", 16);
	assert_int_equal(s->estimated_ms, 15 * 60000);
	assert_int_equal(s->estimated_pos.line, 17);

	s = &set.items[2];
	assert_string_equal(s->name, "네트워크 장애");
	assert_int_equal(s->pos.line, 19);
	assert_int_equal(s->n_steps, 3);
	check_step(s, 0, "activate_backup_network", 21);
	check_step(s, 1, "update_routing_tables", 22);
	check_step(s, 2, "verify_connectivity", 23);
	assert_int_equal(s->estimated_ms, 10 * 60000);
	assert_int_equal(s->estimated_pos.line, 24);

	/* Found by name as written, and by number from 1. */
	assert_ptr_equal(scenario_find(&set, "데이터센터 장애"), &set.items[0]);
	assert_ptr_equal(scenario_find(&set, "데이터베이스 장애"), &set.items[1]);
	assert_ptr_equal(scenario_find(&set, "네트워크 장애"), &set.items[2]);
	assert_ptr_equal(scenario_find(&set, "1"), &set.items[0]);
	assert_ptr_equal(scenario_find(&set, "2"), &set.items[1]);
	assert_ptr_equal(scenario_find(&set, "3"), &set.items[2]);
	assert_null(scenario_find(&set, "0"));
	assert_null(scenario_find(&set, "4"));
	assert_null(scenario_find(&set, "-1"));
	assert_null(scenario_find(&set, "x"));
	assert_null(scenario_find(&set, "2x"));
	assert_null(scenario_find(&set, ""));
	assert_null(scenario_find(&set, "데이터베이스"));
	assert_null(scenario_find(&set, "데이터베이스 장애 "));

	scenario_free(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.items);
	diag_free(&d);
	free(file);
}

/* Flow style and a description key are accepted; columns count characters. */
static void test_scenario_flow_style(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "scenarios:\n"
		      "  - {name: \"데이터베이스 장애\", actions: [a, b], estimated_time: 1h30m,\n"
		      "     description: \"복제 확인 후 승격\"}\n");
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.set.n, 1);
	const struct scenario *s = &l.set.items[0];
	assert_int_equal(s->n_steps, 2);
	assert_string_equal(s->steps[1].text, "b");
	assert_int_equal(s->steps[1].pos.line, 2);
	assert_int_equal(s->steps[1].pos.col, 38);
	assert_int_equal(s->estimated_ms, 5400000);
	assert_int_equal(s->estimated_pos.col, 58);
	loaded_done(&l);
}

/* A scenario without estimated_time is reported at the scenario and left out. */
static void test_scenario_missing_estimate(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions:\n"
		      "      - verify_replication_status\n"
		      "      - promote_standby\n"
		      "  - name: \"네트워크 장애\"\n"
		      "    actions: [verify_connectivity]\n"
		      "    estimated_time: \"10분\"\n");
	expect_only(&l, 2, 5, "missing required key 'estimated_time' in a scenario");
	assert_int_equal(l.set.n, 1);
	assert_string_equal(l.set.items[0].name, "네트워크 장애");
	assert_ptr_equal(scenario_find(&l.set, "1"), &l.set.items[0]);
	assert_null(scenario_find(&l.set, "데이터베이스 장애"));
	loaded_done(&l);
}

/* Durations the parser does not know, and a zero time, are refused at the value. */
static void test_scenario_bad_duration(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions: [verify_replication_status]\n"
		      "    estimated_time: \"15분간\"\n");
	expect_only(&l, 4, 21,
		    "key 'estimated_time': invalid duration '15분간': unknown unit at '분간' (use "
		    "s, m, h, d, ms or 초, 분, 시간, 일)");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions: [verify_replication_status]\n"
		      "    estimated_time: 0분\n");
	expect_only(&l, 4, 21, "key 'estimated_time' must be more than zero");
	loaded_done(&l);

	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions: [verify_replication_status]\n"
		      "    estimated_time:\n");
	expect_only(&l, 4, 20,
		    "key 'estimated_time' must be a duration such as 90s, 15m or \"15분\", not "
		    "nothing");
	loaded_done(&l);
}

/* actions: must be a non-empty list of names. */
static void test_scenario_bad_actions(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions: verify_replication_status\n"
		      "    estimated_time: \"15분\"\n");
	expect_only(&l, 3, 14,
		    "key 'actions' must be a list (lines starting with '- '), not a string");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "scenarios:\n"
		      "  - name: \"네트워크 장애\"\n"
		      "    actions: []\n"
		      "    estimated_time: \"10분\"\n");
	expect_only(&l, 3, 14, "key 'actions' is empty: a scenario needs steps");
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	/* The column after Korean text counts characters. */
	load_text(&l, "scenarios:\n"
		      "  - {name: \"데이터베이스 장애\", actions: [], estimated_time: \"15분\"}\n");
	expect_only(&l, 2, 34, "key 'actions' is empty: a scenario needs steps");
	loaded_done(&l);

	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions:\n"
		      "      - verify_replication_status\n"
		      "      - promote_standby: now\n"
		      "      - [a, b]\n"
		      "    estimated_time: \"15분\"\n");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.errors, 2);
	assert_true(unit_diag_has(&l.d, ":5:9: error: action 2 must be a string, not a mapping"));
	assert_true(unit_diag_has(&l.d, ":6:9: error: action 3 must be a string, not a list"));
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);

	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions:\n"
		      "      -\n"
		      "    estimated_time: \"15분\"\n");
	expect_only(&l, 4, 8, "action 1 has no value");
	loaded_done(&l);
}

/* A name used twice is reported at the second one, citing the first line. */
static void test_scenario_duplicate(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions: [verify_replication_status]\n"
		      "    estimated_time: \"15분\"\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    actions: [promote_standby]\n"
		      "    estimated_time: \"5분\"\n");
	expect_only(&l, 5, 11, "scenario '데이터베이스 장애' is defined twice (first at line 2)");
	assert_int_equal(l.set.n, 1);
	assert_string_equal(l.set.items[0].steps[0].text, "verify_replication_status");
	loaded_done(&l);
}

/* Unknown keys, a missing name and a scenario that is not a mapping. */
static void test_scenario_shape(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "scenarios:\n"
		      "  - name: \"데이터베이스 장애\"\n"
		      "    action: [verify_replication_status]\n"
		      "    estimated_time: \"15분\"\n"
		      "  - actions: [a]\n"
		      "    estimated_time: 1m\n"
		      "  - just a string\n");
	assert_int_equal(l.rc, -1);
	assert_true(unit_diag_has(&l.d, ":2:5: error: missing required key 'actions' in a "
					"scenario"));
	assert_true(unit_diag_has(&l.d, ":3:5: error: unknown key 'action' in a scenario "
					"(expected one of: name, actions, estimated_time, "
					"description)"));
	assert_true(unit_diag_has(&l.d, ":5:5: error: missing required key 'name' in a "
					"scenario"));
	assert_true(unit_diag_has(&l.d, ":7:5: error: a scenario must be a mapping (key: value "
					"lines), not a string"));
	assert_int_equal(l.d.errors, 4);
	assert_int_equal(l.set.n, 0);
	loaded_done(&l);
}

/* The file itself: empty, without scenarios:, or with scenarios: not a list. */
static void test_scenario_file_shape(void **state)
{
	(void)state;
	struct loaded l;
	load_text(&l, "");
	expect_only(&l, 0, 0, "the file is empty (expected 'scenarios:')");
	loaded_done(&l);

	load_text(&l, "scenario:\n  - name: x\n");
	assert_int_equal(l.rc, -1);
	assert_true(unit_diag_has(&l.d, ":1:1: error: unknown key 'scenario' in the scenarios "
					"file (expected one of: scenarios)"));
	assert_true(unit_diag_has(&l.d, ":1:1: error: missing required key 'scenarios' in the "
					"scenarios file"));
	assert_int_equal(l.d.errors, 2);
	loaded_done(&l);

	load_text(&l, "scenarios:\n  name: x\n");
	expect_only(&l, 2, 3,
		    "key 'scenarios' must be a list (lines starting with '- '), not a mapping");
	loaded_done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_seed),
		cmocka_unit_test(test_scenario_flow_style),
		cmocka_unit_test(test_scenario_missing_estimate),
		cmocka_unit_test(test_scenario_bad_duration),
		cmocka_unit_test(test_scenario_bad_actions),
		cmocka_unit_test(test_scenario_duplicate),
		cmocka_unit_test(test_scenario_shape),
		cmocka_unit_test(test_scenario_file_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
