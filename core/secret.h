/* Finding passwords written into a config file, which drconsole refuses. */
#ifndef DR_SECRET_H
#define DR_SECRET_H

#include "yfield.h"

int secret_in_text(const char *s);
int secret_key_name(const char *key);
int secret_scan(struct yctx *c, const struct ynode *n);

#endif
