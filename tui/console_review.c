/*
 * A run reviewed in the viewer (drconsole view CAPTURE --run JOURNAL): the
 * journal is replayed by runbook_replay into the runbook panel at the
 * capture's clock, so that the screen is the same at every look (the goldens
 * draw runs this way), and shown as the console running it showed it: the
 * incident layout, the runbook focused, its key line. Its dialogs open but
 * never act: Enter shows the current step's confirmation, and an answer
 * typed there says only that nothing is sent; s shows the picker, whose
 * second Enter starts nothing. The viewer has no agents: nothing can be sent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "diag.h"
#include "i18n.h"
#include "journal.h"
#include "xmalloc.h"

/* Replays the journal at path into the run shown at the capture's clock; -1 with *cause. */
int console_review_load(struct console *c, const char *path, char **cause)
{
	struct journal_records recs;
	struct diag d;
	memset(&recs, 0, sizeof recs);
	diag_init(&d);
	int rc = journal_read(path, &recs, &d);
	if (rc == -1) {
		*cause = d.n ? diag_format(&d.items[0]) : xasprintf("%s: cannot be read", path);
	} else {
		struct rb_live live = {c->snaps, c->cat.cf.n_sites, NULL, NULL, &c->recorded_ms};
		rc = runbook_replay(&c->follow, &c->cat, &recs, &live, cause);
	}
	journal_records_free(&recs);
	diag_free(&d);
	if (rc == -1)
		return -1;
	snprintf(c->follow_path, sizeof c->follow_path, "%s", path);
	c->following = 1;
	c->review = 1;
	return 0;
}

/* Returns the run reviewed, or NULL. */
struct runbook *console_review_run(struct console *c)
{
	return c->review && c->following ? &c->follow : NULL;
}

/* Enter: shows the current step's confirmation as the console running it asked it. */
void console_review_confirm(struct console *c, int ch)
{
	(void)ch;
	console_run_confirm_open(c, console_review_run(c));
}

/* Handles a key of a dialog opened in the review: Enter answers only that nothing is sent. */
void console_review_prompt(struct console *c, int ch)
{
	enum prompt_answer a = prompt_key(&c->prompt, ch);
	if (a == PROMPT_ENTER) {
		snprintf(c->prompt.note, sizeof c->prompt.note, "%s",
		         _("A review: nothing is sent from the viewer. Esc closes."));
		c->prompt.typed[0] = '\0';
	}
	if (a == PROMPT_CANCEL) {
		c->prompt.purpose = PROMPT_NONE;
		console_dirty_all(c);
	}
}
