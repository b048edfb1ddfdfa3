/*
 * libFuzzer target for the text parsers: durations, {{placeholder}}
 * templates (shell mode must give a command whose quoting is balanced) and
 * UTF-8 width/fit. The first byte picks which.
 */
#include "config.h"

#include <string.h>

#include "duration.h"
#include "fuzz.h"
#include "template.h"
#include "utf8.h"
#include "xmalloc.h"

/* Returns a value full of shell syntax for every placeholder. */
static char *fuzz_value(void *arg, const char *name)
{
	return strcmp(name, "unknown") == 0 ? NULL : xstrdup("a'b \"c\" $(d) ;e");
}

/* Runs one input through the parser its first byte picks. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char *s = xstrndup((const char *)data + 1, size - 1);
	char err[256], *out = NULL;
	int64_t ms;
	size_t off;
	int used;
	switch (data[0] % 3) {
	case 0:
		if (duration_parse(s, &ms, err, sizeof err) == 0 &&
		    (ms < 0 || ms > DURATION_MAX_MS))
			abort();
		break;
	case 1:
		if (template_expand(s, TEMPLATE_SHELL, fuzz_value, NULL, &out, err, sizeof err,
				    &off) == 0)
			free(out);
		else if (off > strlen(s))
			abort();
		break;
	default:
		if (utf8_fit(s, 20, &used) > strlen(s) || used > 20 || utf8_width(s) < 0)
			abort();
		break;
	}
	free(s);
	return 0;
}
