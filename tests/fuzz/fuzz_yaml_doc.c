/* libFuzzer target for the YAML reader (core/yaml_doc.c). */
#include "config.h"

#include "fuzz.h"
#include "yaml_doc.h"

/* Parses one input from memory. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ydoc doc;
	struct diag d;
	diag_init(&d);
	int rc = yaml_doc_parse(&doc, "fuzz.yml", (const char *)data, size, &d);
	fuzz_check_result(rc, &d);
	yaml_doc_free(&doc);
	diag_free(&d);
	return 0;
}
