/* What the runbook engine's files share beyond runbook.h (runbook.c, runbook_resume.c). */
#ifndef DR_RUNBOOK_INT_H
#define DR_RUNBOOK_INT_H

#include "runbook.h"

void runbook_enter(struct runbook *rb);
int runbook_prepare(struct runbook *rb, const struct catalog *cat, const struct scenario *sc,
                    const struct rb_env *env, const struct rb_live *live, char **cause);
void runbook_facts(struct runbook *rb, const struct rb_step *st);

#endif
