/*
 * The run's actions that apply now, named in one line ("done skip note
 * abort"), for tests that hold them against what the engine accepts.
 */
#ifndef DR_RBKEYS_FIXTURE_H
#define DR_RBKEYS_FIXTURE_H

#include <string.h>

#include "rbkeys.h"

/* Names the actions of in that apply, in the order of enum rbkey_act. */
static inline const char *rbkeys_fixture_acts(const struct rbkeys_in *in)
{
	static const char *const names[RBKEY_N] = {
	    [RBKEY_NONE] = "none",
	    [RBKEY_PICK] = "pick",
	    [RBKEY_FENCE] = "fence",
	    [RBKEY_CONFIRM] = "confirm",
	    [RBKEY_CONFIRM_TYPED] = "confirm_typed",
	    [RBKEY_NARRATE] = "narrate",
	    [RBKEY_DONE] = "done",
	    [RBKEY_DONE_CHECKED] = "done_checked",
	    [RBKEY_OVERRIDE] = "override",
	    [RBKEY_ATTEST] = "attest",
	    [RBKEY_RETRY] = "retry",
	    [RBKEY_SKIP] = "skip",
	    [RBKEY_INJECT] = "inject",
	    [RBKEY_NOTE] = "note",
	    [RBKEY_ABORT] = "abort",
	};
	static char buf[256];
	buf[0] = '\0';
	for (int a = 0; a < RBKEY_N; a++)
		if (rbkeys_applies(in, (enum rbkey_act)a)) {
			if (buf[0] != '\0')
				strcat(buf, " ");
			strcat(buf, names[a]);
		}
	return buf;
}

#endif
