/*
 * The first-time host key dialog. It opens by itself when a site's agent
 * reports an unknown host key (its own or its jump host's, said which), shows
 * the site, the known_hosts name, the key
 * type and SHA256 fingerprint and the file the key would go to, and takes
 * typed input: "yes" and Enter accepts, anything else is refused with a
 * note, Esc sets the key aside (K brings it back). If the site starts
 * offering another key while the dialog is open, the input is cleared and
 * the new fingerprint shown: what is accepted is always what was on screen.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "hostkey_dialog.h"
#include "i18n.h"
#include "xmalloc.h"

#define HOSTKEY_ESC 27

/* Prepares a closed dialog for n sites. */
void hostkey_dialog_init(struct hostkey_dialog *d, size_t n_sites)
{
	memset(d, 0, sizeof *d);
	d->dismissed = xcalloc(n_sites ? n_sites : 1, sizeof *d->dismissed);
	d->n_sites = n_sites;
}

/* Frees the dialog's memory. */
void hostkey_dialog_free(struct hostkey_dialog *d)
{
	free(d->dismissed);
	d->dismissed = NULL;
}

/* Shows site i's offered key, with the input cleared. */
static void hostkey_dialog_show(struct hostkey_dialog *d, const struct site_status *s, size_t i)
{
	d->open = 1;
	d->site = i;
	snprintf(d->site_name, sizeof d->site_name, "%s", s->name);
	d->key = s->hostkey;
	d->typed[0] = '\0';
	d->note[0] = '\0';
}

/*
 * Follows the sites' latest snapshots: closes the dialog when its site no
 * longer offers a key, shows a different key when the site changed it, or
 * opens for the first site offering a key not set aside. Returns 1 when what
 * is shown changed.
 */
int hostkey_dialog_offer(struct hostkey_dialog *d, const struct site_status *sites, size_t n)
{
	if (d->open) {
		const struct snap_hostkey *k = d->site < n ? &sites[d->site].hostkey : NULL;
		if (k == NULL || !k->offered) {
			d->open = 0;
			return 1;
		}
		if (strcmp(k->fingerprint, d->key.fingerprint) == 0 &&
		    strcmp(k->entry, d->key.entry) == 0)
			return 0;
		hostkey_dialog_show(d, &sites[d->site], d->site);
		snprintf(d->note, sizeof d->note,
		         _("The site now offers a different key: compare this one again."));
		return 1;
	}
	for (size_t i = 0; i < n && i < d->n_sites; i++) {
		const struct snap_hostkey *k = &sites[i].hostkey;
		if (k->offered && strcmp(d->dismissed[i], k->fingerprint) != 0) {
			hostkey_dialog_show(d, &sites[i], i);
			return 1;
		}
	}
	return 0;
}

/* Forgets the keys set aside, so that the next offer opens the dialog again. */
void hostkey_dialog_reopen(struct hostkey_dialog *d)
{
	for (size_t i = 0; i < d->n_sites; i++)
		d->dismissed[i][0] = '\0';
}

/* Handles a key while the dialog is open. */
enum hostkey_answer hostkey_dialog_key(struct hostkey_dialog *d, int ch)
{
	size_t len = strlen(d->typed);
	if (ch == HOSTKEY_ESC) {
		snprintf(d->dismissed[d->site], sizeof d->dismissed[d->site], "%s",
		         d->key.fingerprint);
		d->open = 0;
		return HOSTKEY_DISMISS;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (strcmp(d->typed, "yes") == 0)
			return HOSTKEY_ACCEPT;
		snprintf(d->note, sizeof d->note,
		         _("Not accepted: type the three letters yes, then Enter (Esc to leave it)."));
		d->typed[0] = '\0';
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (len > 0)
			d->typed[len - 1] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && len + 1 < sizeof d->typed) {
		d->typed[len] = (char)ch;
		d->typed[len + 1] = '\0';
	}
	return HOSTKEY_NONE;
}

/* Draws the dialog over the panels. */
void hostkey_dialog_draw(const struct hostkey_dialog *d, const struct theme *t)
{
	WINDOW *w = draw_dialog(t, _("unknown host key"), 17, 76);
	if (w == NULL)
		return;
	int wd = getmaxx(w) - 4, y = 2;
	char *text =
	    d->key.jump[0] != '\0'
	        ? xasprintf(_("The jump host %s (%s), on the way to %s, offers a host key that "
	                    "known_hosts does not hold:"),
	                    d->key.jump, d->key.host_port, d->site_name)
	        : xasprintf(_("%s (%s) offers a host key that known_hosts does not hold:"),
	                    d->site_name, d->key.host_port);
	y += draw_wrap(w, y, 2, wd, theme_attr(t, THEME_NORMAL), text);
	free(text);
	draw_textf(w, ++y, 4, wd - 2, theme_attr(t, THEME_TITLE), "%s %s", d->key.key_type,
	           d->key.fingerprint);
	y += 2;
	text =
	    xasprintf(_("Compare it with the fingerprint the site's administrators read on the "
	              "host (ssh-keygen -lf on its host key). Type yes and Enter to add it to %s; "
	              "Esc leaves the site unconnected (K shows this again)."),
	              d->key.file);
	y += draw_wrap(w, y, 2, wd, theme_attr(t, THEME_NORMAL), text);
	free(text);
	draw_textf(w, ++y, 2, wd, theme_attr(t, THEME_FOCUS), _("accept? %s_"), d->typed);
	if (d->note[0] != '\0')
		draw_wrap(w, y + 2, 2, wd, theme_attr(t, THEME_WARN), d->note);
	wnoutrefresh(w);
	delwin(w);
}
