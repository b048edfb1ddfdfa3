/*
 * Typed reading of YAML nodes for the loaders: every accessor checks the kind
 * and the value, and reports a problem as FILE:LINE:COL naming the key at fault.
 */
#ifndef DR_YFIELD_H
#define DR_YFIELD_H

#include <stdint.h>

#include "diag.h"
#include "srcpos.h"
#include "yaml_doc.h"

struct yctx {
	const char *file;
	struct diag *diag;
};

void yfield_error(struct yctx *c, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void yfield_warning(struct yctx *c, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const struct ynode *yfield_get(const struct ynode *map, const char *key);
const struct ynode *yfield_key(const struct ynode *map, const char *key);
int yfield_is_map(struct yctx *c, const struct ynode *n, const char *what);
int yfield_is_seq(struct yctx *c, const struct ynode *n, const char *what);
void yfield_check_keys(struct yctx *c, const struct ynode *map, const char *what,
		       const char *const *allowed);
int yfield_require(struct yctx *c, const struct ynode *map, const char *key, const char *what);
int yfield_as_string(struct yctx *c, const struct ynode *n, const char *what, char **out);
int yfield_string(struct yctx *c, const struct ynode *map, const char *key, char **out);
int yfield_int(struct yctx *c, const struct ynode *map, const char *key, long min, long max,
	       long *out);
int yfield_bool(struct yctx *c, const struct ynode *map, const char *key, int *out);
int yfield_duration(struct yctx *c, const struct ynode *map, const char *key, int64_t *ms);
int yfield_enum(struct yctx *c, const struct ynode *map, const char *key,
		const char *const *names, int *out);
int yfield_string_list(struct yctx *c, const struct ynode *map, const char *key, char ***out,
		       size_t *n);
void yfield_free_list(char **list, size_t n);
char *yfield_join(const char *const *names);
int yfield_srcstr_list(struct yctx *c, const struct ynode *map, const char *key,
		       const char *item, const char *owner, struct srcstr **out, size_t *n);



typedef void (*yfield_list_fn)(struct yctx *c, const struct ynode *list, void *arg);
int yfield_load_list(const char *file, const char *key, const char *what, struct diag *d,
		     yfield_list_fn read, void *arg);
#endif
