/*
 * The scenario picker's model. Items keep the catalog's order, scenarios
 * numbered from 1, drconsole's built-in ones (failback) from B1 and drills
 * from D1; the search keeps those whose name or
 * label holds what was typed, and the selection goes back to the first kept.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pick.h"

/* Keeps the items that match the search, and selects the first. */
static void pick_filter(struct pick *p)
{
	p->n_shown = 0;
	for (size_t i = 0; i < p->n; i++)
		if (pick_match(p->items[i].sc->name, p->query) ||
		    pick_match(p->items[i].label, p->query))
			p->shown[p->n_shown++] = i;
	p->sel = 0;
}

/* Adds the scenarios of a set as items labelled prefix1, prefix2 ... */
static void pick_add(struct pick *p, const struct scenario_set *set, const char *prefix, int drill)
{
	for (size_t i = 0; i < set->n && p->n < PICK_MAX; i++) {
		struct pick_item *it = &p->items[p->n++];
		snprintf(it->label, sizeof it->label, "%s%zu", prefix, i + 1);
		it->sc = &set->items[i];
		it->drill = drill;
	}
}

/* Opens the picker on the catalog's scenarios and drills, nothing searched. */
void pick_open(struct pick *p, const struct catalog *cat)
{
	memset(p, 0, sizeof *p);
	pick_add(p, &cat->scenarios, "", 0);
	pick_add(p, &cat->own, "B", 0); /* drconsole's built-in scenarios (failback) */
	pick_add(p, &cat->drill_runs, "D", 1);
	pick_filter(p);
}

/* Lowers an ASCII letter; any other byte stays. */
static int pick_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Tells whether query is a substring of text (ASCII letters in either case; empty: yes). */
int pick_match(const char *text, const char *query)
{
	size_t n = strlen(query);
	for (const char *t = text;; t++) {
		size_t i = 0;
		while (i < n && t[i] != '\0' &&
		       pick_lower((unsigned char)t[i]) == pick_lower((unsigned char)query[i]))
			i++;
		if (i == n)
			return 1;
		if (*t == '\0')
			return 0;
	}
}

/* Adds one typed byte (UTF-8 arrives byte by byte) to the search. */
void pick_type(struct pick *p, int byte)
{
	size_t len = strlen(p->query);
	if (byte < 0x20 || byte > 0xff || byte == 0x7f || len + 1 >= sizeof p->query)
		return;
	p->query[len] = (char)byte;
	p->query[len + 1] = '\0';
	pick_filter(p);
}

/* Removes the search's last character (all its bytes). */
void pick_erase(struct pick *p)
{
	size_t len = strlen(p->query);
	while (len > 0 && ((unsigned char)p->query[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	p->query[len] = '\0';
	pick_filter(p);
}

/* Moves the selection by some rows, stopping at either end. */
void pick_move(struct pick *p, int by)
{
	if (p->n_shown == 0)
		return;
	long to = (long)p->sel + by;
	p->sel = to < 0 ? 0 : to >= (long)p->n_shown ? p->n_shown - 1 : (size_t)to;
}

/* Selects the scenario numbered n (from 1) among those shown; -1 when there is none. */
int pick_number(struct pick *p, int n)
{
	char label[24];
	snprintf(label, sizeof label, "%d", n);
	for (size_t i = 0; i < p->n_shown; i++)
		if (strcmp(p->items[p->shown[i]].label, label) == 0) {
			p->sel = i;
			return 0;
		}
	return -1;
}

/* Returns the selected item, or NULL when the search keeps none. */
const struct pick_item *pick_chosen(const struct pick *p)
{
	return p->sel < p->n_shown ? &p->items[p->shown[p->sel]] : NULL;
}
