/*
 * The PostgreSQL probe: one SQL statement per probe cycle that answers, as one
 * JSON object, everything the panels and the verdict need on a primary or on a
 * standby, and the parser that turns that answer into a struct snap_pg.
 */
#ifndef DR_PROBE_SQL_H
#define DR_PROBE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* Longest LSN text: "FFFFFFFF/FFFFFFFF" and its NUL. */
#define LSN_TEXT_MAX 18

const char *probe_sql_text(void);
int probe_sql_parse(const char *json, struct snap_pg *pg, char *data_dir, size_t data_dir_len,
                    char **cause);
int lsn_parse(const char *text, int64_t *out);
void lsn_format(int64_t lsn, char *buf, size_t len);

#endif
