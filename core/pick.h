/*
 * The scenario picker's model: the scenarios, then the drills (D1, D2 ...),
 * narrowed by a search typed byte by byte (a substring of the name or the
 * label, ASCII letters in either case, Korean as typed), one of them
 * selected; then the chosen one's steps shown before it starts. Pure: no
 * curses.
 */
#ifndef DR_PICK_H
#define DR_PICK_H

#include <stddef.h>

#include "catalog.h"

#define PICK_MAX 64

struct pick_item {
	char label[24]; /* "2", "B1", "D1" */
	const struct scenario *sc;
	int drill;
};

struct pick {
	struct pick_item items[PICK_MAX];
	size_t n;
	size_t shown[PICK_MAX]; /* the items the search keeps, by index */
	size_t n_shown;
	size_t sel; /* in shown */
	char query[128];
	int steps; /* the chosen item's steps are shown: Enter starts it */
};

void pick_open(struct pick *p, const struct catalog *cat);
int pick_match(const char *text, const char *query);
void pick_type(struct pick *p, int byte);
void pick_erase(struct pick *p);
void pick_move(struct pick *p, int by);
int pick_number(struct pick *p, int n);
const struct pick_item *pick_chosen(const struct pick *p);

#endif
