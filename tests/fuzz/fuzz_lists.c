/*
 * libFuzzer target for the list-shaped files: scenarios, actions, drills and
 * the test schedule. The first byte picks the loader, the rest is the file.
 */
#include "config.h"

#include "action.h"
#include "drill.h"
#include "fuzz.h"
#include "scenario.h"
#include "schedule.h"

/* Loads one input with the loader its first byte picks. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	if (size == 0)
		return 0;
	diag_init(&d);
	const char *path = fuzz_path(data + 1, size - 1);
	switch (data[0] % 4) {
	case 0: {
		struct scenario_set s;
		fuzz_check_result(scenario_load(&s, path, &d), &d);
		for (size_t i = 0; i < s.n; i++)
			scenario_find(&s, s.items[i].name);
		scenario_free(&s);
		break;
	}
	case 1: {
		struct action_set s;
		fuzz_check_result(action_load(&s, path, &d), &d);
		action_free(&s);
		break;
	}
	case 2: {
		struct drill_set s;
		fuzz_check_result(drill_load(&s, path, &d), &d);
		drill_free(&s);
		break;
	}
	default: {
		struct schedule_set s;
		fuzz_check_result(schedule_load(&s, path, &d), &d);
		schedule_free(&s);
		break;
	}
	}
	diag_free(&d);
	return 0;
}
