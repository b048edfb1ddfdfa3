/*
 * The interface's language. Text meant for people is marked _("...") where it
 * is used and N_("...") where it is only declared (tables); the catalog for
 * the user's locale translates it when drconsole is built with NLS; C_() when
 * the same English word needs two translations. Journal
 * record types, JSON keys and the plan's own text are never marked.
 */
#ifndef DRCONSOLE_I18N_H
#define DRCONSOLE_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
/* C_("ctx", "s"): s translated in a context, where one English word means two things. */
#define C_(ctx, s) i18n_context(ctx "\004" s, s)
/* Returns the translation of the context-qualified id, else s. */
static inline const char *i18n_context(const char *id, const char *s)
{
	const char *t = gettext(id);
	return t == id ? s : t;
}
#else
#define _(s)       (s)
#define C_(ctx, s) (s)
#endif
#define N_(s) (s)

#endif
