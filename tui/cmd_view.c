/*
 * drconsole view FILE: the console on captures of `drconsole status --json`
 * taken earlier (one or more, oldest first), for a review after an incident
 * or a handover. Nothing is connected; the clock stays at the last capture.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "i18n.h"

static const char view_usage[] =
    N_("Usage: drconsole view FILE [-c CONFIG]\n"
    "\n"
    "Open the console on status captured earlier with 'drconsole status --json'\n"
    "(FILE holds one capture or several appended, oldest first).\n"
    "The panels show the last capture as it was, ages counted from its time, and\n"
    "the events panel what changed from one capture to the next. Nothing is\n"
    "connected to. The sites are matched by name with the config's.\n"
    "\n"
    "Example: record a capture a minute, then review them:\n"
    "  while sleep 60; do drconsole status --json >>dr.json; done\n"
    "  drconsole view dr.json\n");

/* Runs drconsole view. */
int cmd_view(int argc, char **argv, const char *layout_name)
{
	const char *config = NULL;
	int rc = cli_parse_options(argc, argv, view_usage, &config);
	if (rc != CLI_PARSED)
		return rc;
	if (optind + 1 != argc) {
		cli_usage_error(optind >= argc ? _("view: which file? (a capture of status --json)")
		                               : _("view: give one file"));
		return CLI_EXIT_USAGE;
	}
	return console_view(config, layout_name, argv[optind]);
}
