/* The human form of "drconsole status": the verdict with its reasons, then one line per site. */
#ifndef DR_STATUS_TABLE_H
#define DR_STATUS_TABLE_H

#include <stdio.h>

#include "conf.h"
#include "snapshot.h"
#include "verdict.h"

void status_table_print(FILE *fp, const struct conf *cf, const struct site_status *sites,
			size_t n, const struct verdict *v, int64_t now_wall_ms);

#endif
