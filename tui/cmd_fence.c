/*
 * drconsole fence: the fence kept in the state folder after a promotion,
 * for headless hosts and scripts: shown (for people, or --json), or
 * disarmed after a deliberate failback, the site's name given to --disarm
 * being the typed confirmation. Nothing is connected to: the fence itself
 * is sent by the processes that keep it (the consoles, the watcher).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "fencereport.h"
#include "fencestate.h"
#include "textout.h"

static const char fence_usage[] =
    N_("Usage: drconsole fence [-c FILE] [--json]\n"
    "       drconsole fence [-c FILE] --disarm SITE [--reason TEXT] [--json]\n"
    "\n"
    "Show the fence kept in the config's state_dir (fence.json): after a\n"
    "promotion the old primary is fenced (its PostgreSQL stopped) the moment it\n"
    "answers as a writable primary, by every console and watcher that loads\n"
    "the config, until a person disarms it.\n"
    "\n"
    "  --json           one JSON object (keys in drconsole(1))\n"
    "  --disarm SITE    disarm it after a deliberate failback; SITE must be the\n"
    "                   fenced site's name exactly (the typed confirmation)\n"
    "  --reason TEXT    why, kept in fence.json with who disarmed it\n"
    "\n"
    "Exit status: 0 no fence armed, 1 a fence is armed, 3 the fence state\n"
    "cannot be read or the config not loaded (monitoring-plugin convention).\n"
    "With --disarm: 0 disarmed, 1 refused (another name, no fence armed) or\n"
    "not written. 2 a usage error.\n");

/* What the command line asks. */
struct fence_args {
	const char *config;
	const char *disarm; /* the site's name typed, or NULL */
	const char *reason;
	int json;
};

/* Parses fence's options; CLI_PARSED to go on, else an exit code. */
static int fence_options(int argc, char **argv, struct fence_args *a)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
	    {"disarm", required_argument, NULL, 'd'}, {"reason", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->config = optarg;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'd':
			a->disarm = optarg;
			break;
		case 'r':
			a->reason = optarg;
			break;
		case 'h':
			fputs(_(fence_usage), stdout);
			return 0;
		default:
			return cli_option_error("fence", ch, argv);
		}
	}
	if (optind < argc) {
		cli_usage_error(_("fence: unexpected '%s' (the site to disarm goes after --disarm)"),
		                argv[optind]);
		return CLI_EXIT_USAGE;
	}
	if (a->reason != NULL && a->disarm == NULL) {
		cli_usage_error(_("fence: --reason goes with --disarm"));
		return CLI_EXIT_USAGE;
	}
	return CLI_PARSED;
}

/* Prints the fence state of state_dir (or why it cannot be read); its exit code. */
static int fence_show(const char *state_dir, int json)
{
	struct fencestate fs;
	char *cause = NULL;
	int rc = fencestate_read(state_dir, &fs, &cause);
	const struct fencestate *st = rc == 0 ? &fs : NULL;
	if (json) {
		char *text = fencereport_json(st, cause);
		printf("%s\n", text);
		free(text);
	} else {
		fencereport_print(stdout, st, cause);
	}
	rc = fencereport_exit(st, cause);
	free(cause);
	return rc;
}

/* Disarms the fence when typed is the fenced site's name; 0, or 1 with why on stderr. */
static int fence_disarm(const char *state_dir, const char *typed, const char *reason, int json)
{
	struct fencestate_by by;
	char *cause = NULL;
	fencestate_by_me(&by, FENCESTATE_CONSOLE, "");
	if (fencestate_disarm(state_dir, typed, &by,
	                      reason ? reason : "disarmed with drconsole fence --disarm",
	                      &cause) == -1) {
		textout_printf(stderr, _("drconsole: fence not disarmed: %s\n"), cause);
		free(cause);
		if (json)
			fence_show(state_dir, 1);
		return 1;
	}
	if (!json)
		textout_printf(stdout, _("The fence of %s is disarmed.\n"), typed);
	fence_show(state_dir, json);
	return 0;
}

/* Runs drconsole fence. */
int cmd_fence(int argc, char **argv)
{
	struct fence_args a = {0};
	struct catalog cat;
	int rc = fence_options(argc, argv, &a);
	if (rc != CLI_PARSED)
		return rc;
	if (a.json)
		cli_machine_text();
	if (cli_load_catalog(a.config, &cat, 1) == -1) {
		catalog_free(&cat);
		return a.disarm ? 1 : FENCEREPORT_UNKNOWN;
	}
	if (a.disarm != NULL)
		rc = fence_disarm(cat.cf.state_dir, a.disarm, a.reason, a.json);
	else
		rc = fence_show(cat.cf.state_dir, a.json);
	fflush(stdout);
	catalog_free(&cat);
	return rc;
}
