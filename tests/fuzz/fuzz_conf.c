/* libFuzzer target for the drconsole.yml loader (core/conf.c) and its action overrides. */
#include "config.h"

#include "action.h"
#include "conf.h"
#include "fuzz.h"

/* Loads one input as a config, then applies its actions: as overrides. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf cf;
	struct action_set set = {0};
	struct diag d;
	diag_init(&d);
	int rc = conf_load(&cf, fuzz_path(data, size), &d);
	fuzz_check_result(rc, &d);
	action_apply_overrides(&set, cf.file, cf.actions, &d);
	action_free(&set);
	conf_free(&cf);
	diag_free(&d);
	return 0;
}
