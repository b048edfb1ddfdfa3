/*
 * The first-time host key dialog: a site offered a host key known_hosts does
 * not hold; the operator compares its fingerprint and accepts it only by
 * typing "yes". A changed key never reaches this dialog (it is refused).
 */
#ifndef DR_HOSTKEY_DIALOG_H
#define DR_HOSTKEY_DIALOG_H

#include <stddef.h>

#include "snapshot.h"
#include "theme.h"

enum hostkey_answer { HOSTKEY_NONE, HOSTKEY_ACCEPT, HOSTKEY_DISMISS };

struct hostkey_dialog {
	int open;
	size_t site;             /* the site whose key is shown */
	char site_name[64];
	struct snap_hostkey key; /* the key as shown: what accepting writes */
	char typed[8];
	char note[256];          /* feedback under the input line */
	char (*dismissed)[96];   /* per site: a fingerprint set aside with Esc */
	size_t n_sites;
};

void hostkey_dialog_init(struct hostkey_dialog *d, size_t n_sites);
void hostkey_dialog_free(struct hostkey_dialog *d);
int hostkey_dialog_offer(struct hostkey_dialog *d, const struct site_status *sites, size_t n);
void hostkey_dialog_reopen(struct hostkey_dialog *d);
enum hostkey_answer hostkey_dialog_key(struct hostkey_dialog *d, int ch);
void hostkey_dialog_draw(const struct hostkey_dialog *d, const struct theme *t);

#endif
