/*
 * The interface's language. Text meant for people is marked _("...") where it
 * is used and N_("...") where it is only declared (tables); the catalog for
 * the user's locale translates it when drconsole is built with NLS. Journal
 * record types, JSON keys and the plan's own text are never marked.
 */
#ifndef DRCONSOLE_I18N_H
#define DRCONSOLE_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

#endif
