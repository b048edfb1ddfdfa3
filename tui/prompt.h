/*
 * A dialog that asks the operator to type something (a site's name to
 * confirm, a reason, a note) over the panels, which keep refreshing under it.
 */
#ifndef DR_PROMPT_H
#define DR_PROMPT_H

#include "theme.h"

enum prompt_purpose {
	PROMPT_NONE,
	PROMPT_CONFIRM,  /* the current step */
	PROMPT_OVERRIDE, /* failed guards */
	PROMPT_ATTEST,   /* the old primary is down */
	PROMPT_SKIP,     /* with a reason */
	PROMPT_NOTE,
	PROMPT_ABORT,
	PROMPT_RESUME,      /* an unfinished run found at start */
	PROMPT_TAKEOVER,    /* the DR site's run lock, from a holder that may be gone */
	PROMPT_NOTICE,      /* a run could not start: why (Enter or Esc closes) */
	PROMPT_DETACH,      /* quit while a run goes on: it stays open to be resumed */
	PROMPT_UNLOCKED,    /* the DR site does not answer: start without its run lock */
	PROMPT_DISARM,      /* the kept fence, after a deliberate failback: type the site's name */
	PROMPT_DRILL_MODE,  /* a drill picked: live or tabletop */
	PROMPT_NARRATE,     /* a tabletop step: what would you do (and how long)? */
	PROMPT_INJECT,      /* an event injected into a drill */
	PROMPT_WASH_WELL,   /* the hot wash: what went well */
	PROMPT_WASH_BADLY,  /* ... what did not */
	PROMPT_WASH_ACTION, /* ... one corrective action: what / owner / due */
};

enum prompt_answer { PROMPT_GOING, PROMPT_ENTER, PROMPT_CANCEL };

struct prompt {
	enum prompt_purpose purpose;
	char title[128]; /* room for Korean: three bytes a character */
	char body[3072];
	char label[192];
	char typed[256];
	char note[512];
};

void prompt_open(struct prompt *p, enum prompt_purpose purpose, const char *title,
                 const char *label, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
enum prompt_answer prompt_key(struct prompt *p, int ch);
void prompt_draw(const struct prompt *p, const struct theme *t);

#endif
