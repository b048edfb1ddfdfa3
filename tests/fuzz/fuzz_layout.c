/*
 * libFuzzer target for layouts (core/layout.c): load, then compute the
 * geometry at several sizes and check the rectangles stay on the screen.
 */
#include "config.h"

#include "fuzz.h"
#include "layout.h"

/* Loads one input as a layout and lays it out. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int sizes[][2] = {{80, 24}, {132, 43}, {10, 3}, {1000, 1000}, {81, 25}};
	struct layout l;
	struct diag d;
	diag_init(&d);
	int rc = layout_load(&l, fuzz_path(data, size), &d);
	fuzz_check_result(rc, &d);
	for (size_t i = 0; rc == 0 && i < sizeof sizes / sizeof sizes[0]; i++) {
		struct layout_rect r[LAYOUT_MAX_PANELS];
		size_t n;
		char err[256];
		int w = sizes[i][0], h = sizes[i][1];
		if (layout_compute(&l, w, h, r, LAYOUT_MAX_PANELS, &n, err, sizeof err) == -1)
			continue;
		long area = 0;
		for (size_t j = 0; j < n; j++) {
			if (r[j].x < 0 || r[j].y < 0 || r[j].w < 1 || r[j].h < 1 ||
			    r[j].x + r[j].w > w || r[j].y + r[j].h > h)
				abort();
			area += (long)r[j].w * r[j].h;
		}
		if (area != (long)w * h)
			abort(); /* panels must tile the screen exactly */
	}
	layout_free(&l);
	diag_free(&d);
	return 0;
}
