/* {{name}} placeholders in step commands and texts, substituted shell-quoted. */
#ifndef DR_TEMPLATE_H
#define DR_TEMPLATE_H

#include <stddef.h>

/* Returns the value of a placeholder (newly allocated), or NULL when it is unknown. */
typedef char *(*template_lookup_fn)(void *arg, const char *name);

enum template_mode { TEMPLATE_SHELL, TEMPLATE_TEXT };

int template_expand(const char *tmpl, enum template_mode mode, template_lookup_fn lookup,
		    void *arg, char **out, char *err, size_t errlen, size_t *err_offset);

#endif
