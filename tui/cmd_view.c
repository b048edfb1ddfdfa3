/*
 * drconsole view FILE: the console on captures of `drconsole status --json`
 * taken earlier (one or more, oldest first), for a review after an incident
 * or a handover. Nothing is connected; the clock stays at the last capture.
 * With --run JOURNAL, a run's journal is replayed into the runbook at that
 * clock (console_review.c).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "i18n.h"

static const char view_usage[] =
    N_("Usage: drconsole view FILE [-c CONFIG] [--run JOURNAL]\n"
    "\n"
    "Open the console on status captured earlier with 'drconsole status --json'\n"
    "(FILE holds one capture or several appended, oldest first).\n"
    "The panels show the last capture as it was, ages counted from its time, and\n"
    "the events panel what changed from one capture to the next. Nothing is\n"
    "connected to. The sites are matched by name with the config's.\n"
    "\n"
    "  --run JOURNAL  show a run from its journal (a file of the state folder's\n"
    "                 runs/) in the runbook, timed at the capture's clock, as the\n"
    "                 console running it showed it: for a review and for tests.\n"
    "                 Enter shows the current step's confirmation and s the\n"
    "                 scenario picker; nothing is ever sent or started.\n"
    "\n"
    "Example: record a capture a minute, then review them:\n"
    "  while sleep 60; do drconsole status --json >>dr.json; done\n"
    "  drconsole view dr.json\n");

/* Runs drconsole view. */
int cmd_view(int argc, char **argv, const char *layout_name)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"run", required_argument, NULL, 'r'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *config = NULL, *run = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			run = optarg;
			break;
		case 'h':
			fputs(_(view_usage), stdout);
			return 0;
		default:
			return cli_option_error(argv[0], ch, argv);
		}
	}
	if (optind + 1 != argc) {
		cli_usage_error(optind >= argc ? _("view: which file? (a capture of status --json)")
		                               : _("view: give one file"));
		return CLI_EXIT_USAGE;
	}
	return console_view(config, layout_name, argv[optind], run);
}
