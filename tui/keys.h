/*
 * Key tables, one per mode of the console (as tmux's key tables): each
 * binding names its keys, the function it calls, when it applies (a run's
 * action from core/rbkeys.h and/or a predicate on the console's state) and
 * its help text. A mode's table may fall back to a parent's. Dispatch, the
 * help overlay and the key lines are all read from the tables, so they cannot
 * disagree with what the keys do.
 */
#ifndef DR_KEYS_H
#define DR_KEYS_H

#include <curses.h>
#include <stddef.h>

#include "rbkeys.h"

#define KEYS_TEXT (KEY_MAX + 1) /* any character typed: a byte 0x20..0xff but DEL */
#define KEYS_ANY  (KEY_MAX + 2) /* any key */
#define KEYS_MAX  4             /* keys per binding */
#define KEYS_LINE 1u            /* flag: shown on its mode's key line */

struct console;

/* What the bindings' predicates read: pure values, set from the console or by a test. */
struct keys_state {
	struct rbkeys_in run; /* the run (run.on 0: none) */
	int live;             /* the console watches live sites (not a capture, not following) */
	int starting;         /* a run is being set up (its locks) */
	int searching;        /* the picker's search holds text */
};

struct keys_binding {
	int key[KEYS_MAX]; /* 0-terminated; with last set, every key from key[0] to last */
	int last;
	const char *label; /* the keys as the help and the key line name them (words N_()) */
	void (*act)(struct console *c, int ch);
	enum rbkey_act run;                         /* applies only when the run takes it */
	int (*applies)(const struct keys_state *s); /* ... and when this says so (NULL: always) */
	const char *help;                           /* marked N_(), shown through _() */
	unsigned flags;
};

struct keys_table {
	const char *title; /* N_() */
	const struct keys_binding *b;
	size_t n;
	const struct keys_table *parent; /* consulted after this table, or NULL */
};

int keys_match(const struct keys_binding *b, int ch);
int keys_applies(const struct keys_binding *b, const struct keys_state *s);
const struct keys_binding *keys_find(const struct keys_table *t, const struct keys_state *s,
                                     int ch);
size_t keys_line(const struct keys_table *t, const struct keys_state *s,
                 const struct keys_binding **out, size_t max);
void keys_item(const struct keys_binding *b, char *buf, size_t len);
void keys_line_text(const struct keys_table *t, const struct keys_state *s, char *buf, size_t len);
void keys_help_row(const struct keys_binding *b, char *buf, size_t len);

#endif
