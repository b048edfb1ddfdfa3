/*
 * drconsole's entry point: global options, then one command. Commands that
 * only read files (check, plan) never touch the network or the terminal modes.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "i18n.h"

static const char main_usage[] = N_(
	"Usage: drconsole [OPTIONS] [COMMAND [ARGS]]\n"
	"\n"
	"An operator console for PostgreSQL disaster recovery across two sites.\n"
	"Without a command: the live console (health, replication, backups, events;\n"
	"press ? in it for the keys).\n"
	"\n"
	"Commands:\n"
	"  check [-c FILE] [FILE...]  validate the config and everything it refers to\n"
	"                             (scenarios, actions, drills, schedule, layouts), or\n"
	"                             the given files; problems print as FILE:LINE:COL\n"
	"  fence [-c FILE] [--json] [--disarm SITE [--reason TEXT]]\n"
	"                             the old primary's fence kept after a promotion:\n"
	"                             exit 0 none, 1 armed, 3 unknown; --disarm SITE\n"
	"                             lifts it (SITE typed as its confirmation)\n"
	"  journal verify RUN|--last [--state-dir DIR]\n"
	"                             check a run's journal: every record and the hash\n"
	"                             chain; problems print as FILE:LINE:COL\n"
	"  journal list [--state-dir DIR]\n"
	"                             the runs, newest first, and whether they finished\n"
	"  plan [SCENARIO] [-c FILE]  print a scenario's steps: sites, exact commands,\n"
	"                             guards, confirmations, estimates; runs nothing;\n"
	"                             without SCENARIO, the scenarios and drills\n"
	"  report [RUN|--last] [--format md|json] [--state-dir DIR]\n"
	"                             a run's report from its journal: steps, times\n"
	"                             against estimates, RTO/RPO against targets,\n"
	"                             overrides, fences, hot wash, verification\n"
	"  schedule [-c FILE] [--json] [--now TIME]\n"
	"                             the regular DR tests: last run, next due, status;\n"
	"                             exit 0 all within schedule, 1 a test overdue\n"
	"  status [-c FILE] [--json] [--timeout SEC]\n"
	"                             probe both sites once: SSH, PostgreSQL role and\n"
	"                             replication, backups; exit 0 ok, 1 warning,\n"
	"                             2 critical, 3 unknown\n"
	"  view FILE [-c FILE]        the console on captures of status --json taken\n"
	"                             earlier (oldest first); connects nowhere\n"
	"  watch [-c FILE]            the headless watcher: keeps the old primary's\n"
	"                             fence, alerts, and fails over when failover_mode\n"
	"                             is automatic (see drconsole watch --help)\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE   the config (default, the first found: $DRCONSOLE_CONFIG,\n"
	"                      ./drconsole.yml, $XDG_CONFIG_HOME/drconsole/drconsole.yml\n"
	"                      (or ~/.config/drconsole/drconsole.yml),\n"
	"                      %s/drconsole/drconsole.yml)\n"
	"  -l, --layout NAME   the console's first layout (overview, incident, drill,\n"
	"                      compact)\n"
	"  --follow [RUN]      a read-only console for a run's participants: RUN (an id\n"
	"                      of 'journal list'), else the run in progress, else the\n"
	"                      next to start; its runbook as its journal grows, beside\n"
	"                      the live sites; keys only scroll, switch layouts, show\n"
	"                      help and quit\n"
	"  --no-probe          with --follow: do not probe the sites (nothing but the\n"
	"                      journal is read)\n"
	"  --drill NAME        start the console straight into the drill NAME (its name\n"
	"                      in dr-drill.yml or D1, D2, ...) live: its steps act on\n"
	"                      the sites\n"
	"  --tabletop NAME     the same as a tabletop: nothing runs on any site\n"
	"  -h, --help          show this help (COMMAND --help for a command's)\n"
	"  -V, --version       show the version\n"
	"\n"
	"Exit status: 0 success, 1 problems found, 2 usage error.\n"
	"See drconsole(1) and drconsole.yml(5).\n");

/*
 * Takes the locale from the environment and opens the interface's catalog:
 * from $DRCONSOLE_LOCALEDIR when set (the tests' build-tree copy), else the
 * installed one.
 */
static void main_locale(void)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	const char *dir = getenv("DRCONSOLE_LOCALEDIR");
	bindtextdomain(PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
	textdomain(PACKAGE);
#endif
}

/* Parses the global options and runs the command. */
int main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"layout", required_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'},
					     {"version", no_argument, NULL, 'V'},
					     {"json", no_argument, NULL, 'j'},
					     {"follow", no_argument, NULL, 'f'},
					     {"no-probe", no_argument, NULL, 'n'},
					     {"drill", required_argument, NULL, 'D'},
					     {"tabletop", required_argument, NULL, 'T'},
					     {NULL, 0, NULL, 0}};
	const char *config = NULL, *layout = NULL, *drill = NULL, *mode = NULL;
	int ch, json = 0, follow = 0, no_probe = 0;

	main_locale();
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:l:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'l':
			layout = optarg;
			break;
		case 'h':
			printf(_(main_usage), SYSCONFDIR);
			return 0;
		case 'V':
			printf("drconsole %s\n", PACKAGE_VERSION);
			return 0;
		case 'j': /* "drconsole --json status": passed on to status */
			json = 1;
			break;
		case 'f':
			follow = 1;
			break;
		case 'n':
			no_probe = 1;
			break;
		case 'D':
		case 'T':
			if (drill != NULL) {
				cli_usage_error("--drill and --tabletop name one drill, once");
				return CLI_EXIT_USAGE;
			}
			drill = optarg;
			mode = ch == 'D' ? "drill" : "tabletop";
			break;
		case ':':
			cli_usage_error(_("option '%s' needs a value"), argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			cli_usage_error(_("unknown option '%s'"), argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (json && (optind >= argc || strcmp(argv[optind], "status") != 0)) {
		cli_usage_error(_("--json goes with status"));
		return CLI_EXIT_USAGE;
	}
	if (drill != NULL && (follow || optind < argc)) {
		cli_usage_error("--%s starts the console: it goes with no command and not with --follow",
		                strcmp(mode, "drill") == 0 ? "drill" : "tabletop");
		return CLI_EXIT_USAGE;
	}
	if (follow) {
		const char *run = NULL;
		for (int i = optind; i < argc; i++) {
			if (strcmp(argv[i], "--no-probe") == 0) {
				no_probe = 1;
			} else if (run == NULL && argv[i][0] != '-') {
				run = argv[i];
			} else {
				cli_usage_error(_("--follow takes one run at most, and --no-probe: not '%s'"),
				                argv[i]);
				return CLI_EXIT_USAGE;
			}
		}
		return cmd_follow(config, layout, run, no_probe);
	}
	if (no_probe) {
		cli_usage_error(_("--no-probe goes with --follow"));
		return CLI_EXIT_USAGE;
	}
	if (optind >= argc)
		return cmd_console(config, layout, drill, mode);

	/* Hand the command its arguments, with a global -c passed on in front. */
	const char *command = argv[optind];
	int sub_argc = argc - optind;
	char **sub_argv = calloc((size_t)sub_argc + 4, sizeof *sub_argv);
	int n = 0;
	sub_argv[n++] = argv[optind];
	if (json)
		sub_argv[n++] = (char *)"--json";
	if (config != NULL) {
		sub_argv[n++] = (char *)"-c";
		sub_argv[n++] = (char *)config;
	}
	for (int i = optind + 1; i < argc; i++)
		sub_argv[n++] = argv[i];
	optind = 0;
	int rc;
	if (strcmp(command, "check") == 0)
		rc = cmd_check(n, sub_argv);
	else if (strcmp(command, "fence") == 0)
		rc = cmd_fence(n, sub_argv);
	else if (strcmp(command, "journal") == 0)
		rc = cmd_journal(n, sub_argv);
	else if (strcmp(command, "plan") == 0)
		rc = cmd_plan(n, sub_argv);
	else if (strcmp(command, "report") == 0)
		rc = cmd_report(n, sub_argv);
	else if (strcmp(command, "schedule") == 0)
		rc = cmd_schedule(n, sub_argv);
	else if (strcmp(command, "status") == 0)
		rc = cmd_status(n, sub_argv);
	else if (strcmp(command, "view") == 0)
		rc = cmd_view(n, sub_argv, layout);
	else if (strcmp(command, "watch") == 0)
		rc = cmd_watch(n, sub_argv);
	else {
		cli_usage_error(_("unknown command '%s' (commands: check, fence, journal, plan, report, schedule, status, view, watch)"), command);
		rc = CLI_EXIT_USAGE;
	}
	free(sub_argv);
	return rc;
}
