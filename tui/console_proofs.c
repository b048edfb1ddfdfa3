/*
 * The proven restores seen from the console: <state_dir>/restores.json read
 * again whenever its identity changed (a restore test of this console or of
 * another process wrote it), looked at on the loop's one-second tick and
 * after each pump of a run. They feed the backups panel and the run's
 * backup_proven guard; a file that cannot be read makes both say so.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "xmalloc.h"

/* Reads restores.json again when it changed; the backups panel is redrawn when it did. */
void console_proofs_read(struct console *c)
{
	char stamp[FILESTAMP_MAX], *path, *cause = NULL;
	path = xasprintf("%s/%s", c->cat.cf.state_dir, RESTOREPROOF_FILE);
	filestamp_read(path, 0, stamp, sizeof stamp);
	free(path);
	if (c->proofs_read_mono != 0 && strcmp(stamp, c->proofs_stamp) == 0)
		return;
	c->proofs_read_mono = 1;
	snprintf(c->proofs_stamp, sizeof c->proofs_stamp, "%s", stamp);
	c->proofs_error[0] = '\0';
	if (restoreproof_read(c->cat.cf.state_dir, &c->proofs, &cause) == -1) {
		snprintf(c->proofs_error, sizeof c->proofs_error, "%s", cause);
		free(cause);
	}
	c->run.proofs = console_proofs(c);
	console_mark(c, PANEL_IN_BACKUPS);
}

/* Returns the proven restores as last read, or NULL when they cannot be read. */
const struct restoreproofs *console_proofs(const struct console *c)
{
	return c->proofs_error[0] ? NULL : &c->proofs;
}
