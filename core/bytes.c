/*
 * Byte counts with binary units ("643.3 KiB"), the one format every report,
 * reason and panel uses, so the same size never reads two ways.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "bytes.h"

/* Writes a byte count with a binary unit into buf and returns buf. */
const char *bytes_text(int64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRId64 " byte%s", bytes, bytes == 1 ? "" : "s");
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}
