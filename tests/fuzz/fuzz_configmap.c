/* libFuzzer target for the DR ConfigMap loader (core/configmap.c). */
#include "config.h"

#include "configmap.h"
#include "fuzz.h"

/* Loads one input as a ConfigMap. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dr_settings dr = {0};
	struct diag d;
	diag_init(&d);
	fuzz_check_result(configmap_load(&dr, fuzz_path(data, size), &d), &d);
	configmap_free(&dr);
	diag_free(&d);
	return 0;
}
