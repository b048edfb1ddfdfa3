/*
 * drconsole schedule: the regular DR tests of dr-test-schedule.yml and where
 * each stands, from the runs journaled in the state dir (schedule_runs) at
 * the clock or at --now (schedule_due): a table, or --json. Reads only; the
 * exit status is for cron and monitoring: 1 as soon as a test is overdue.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "clock.h"
#include "schedule_due.h"
#include "schedule_json.h"
#include "schedule_runs.h"
#include "schedule_table.h"
#include "textout.h"
#include "xmalloc.h"

#define SCHEDULE_EXIT_UNREADABLE 3

static const char schedule_usage[] =
    N_("Usage: drconsole schedule [-c FILE] [--json] [--now TIME] [--state-dir DIR]\n"
    "\n"
    "The regular DR tests of dr-test-schedule.yml and where each stands: its\n"
    "last run, when the next is due, and whether it is overdue, due within 7\n"
    "days, or ok. A test's last run is the latest run journaled in the state\n"
    "dir that finished (not aborted, not damaged) and names the test in its\n"
    "run_started: \"schedule\" (a drill or tabletop run), or, without one, its\n"
    "\"scenario\". The next is due one period after that run's end, in UTC:\n"
    "월별/monthly the same day a month later (or that month's last day),\n"
    "분기별/quarterly 3 months, 반기별/semiannual 6, 연간/yearly 12,\n"
    "주별/weekly 7 days, 일별/daily 1. A test never run is overdue. Damaged\n"
    "journals never count; how many were skipped is said.\n"
    "\n"
    "  --json           one object; its keys are described in drconsole(1)\n"
    "  --now TIME       judge at this RFC 3339 time (2026-12-01T09:00:00Z,\n"
    "                   2026-12-01T18:00:00+09:00) instead of the clock, to\n"
    "                   see what will be due; runs that end after it do not count\n"
    "  --state-dir DIR  where the runs are (default: the config's state_dir)\n"
    "\n"
    "Exit status: 0 every test within its schedule, 1 a test is overdue (for\n"
    "cron and monitoring), 2 usage error, 3 the config, the schedule or the\n"
    "journals cannot be read (with --json still one object: overall \"unknown\",\n"
    "exit_code 3 and the error).\n");

/* What the options ask for. */
struct schedule_opts {
	const char *config;
	const char *state_dir;
	int json;
	int64_t now_ms;
};

/* Parses schedule's options; returns CLI_PARSED to go on, else an exit status. */
static int schedule_options(int argc, char **argv, struct schedule_opts *o)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
	    {"now", required_argument, NULL, 'n'},    {"state-dir", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:jh", opts, NULL)) != -1) {
		if (ch == 'c') {
			o->config = optarg;
		} else if (ch == 'j') {
			o->json = 1;
		} else if (ch == 's') {
			o->state_dir = optarg;
		} else if (ch == 'n') {
			if (caltime_parse(optarg, &o->now_ms) == -1) {
				cli_usage_error(
				    _("schedule: --now: '%s' is not an RFC 3339 time such "
				    "as 2026-12-01T09:00:00Z"),
				    optarg);
				return CLI_EXIT_USAGE;
			}
		} else if (ch == 'h') {
			fputs(_(schedule_usage), stdout);
			return 0;
		} else {
			return cli_option_error("schedule", ch, argv);
		}
	}
	if (optind < argc) {
		cli_usage_error(_("schedule: takes no operand ('%s')"), argv[optind]);
		return CLI_EXIT_USAGE;
	}
	return CLI_PARSED;
}

/* Ends as unreadable (3): why on stderr unless said already, and with --json in the object. */
static int schedule_unreadable(const struct schedule_opts *o, int said, const char *why)
{
	if (!said)
		textout_printf(stderr, "drconsole: schedule: %s\n", why);
	if (o->json) {
		char *text = schedule_json_render_error(why, o->now_ms);
		printf("%s\n", text);
		free(text);
	}
	return SCHEDULE_EXIT_UNREADABLE;
}

/* Reads the runs, works out where each test stands, and prints it; returns the exit status. */
static int schedule_show(const struct schedule_opts *o, const struct schedule_set *set,
                         const char *state_dir)
{
	struct schedule_runs runs;
	char *cause = NULL;
	if (schedule_runs_read(state_dir, &runs, &cause) == -1) {
		int rc = schedule_unreadable(o, 0, cause);
		free(cause);
		schedule_runs_free(&runs);
		return rc;
	}
	struct schedule_due *due = xcalloc(set->n + 1, sizeof *due);
	schedule_due_compute(set, runs.items, runs.n, o->now_ms, due);
	if (o->json) {
		char *text = schedule_json_render(set, due, &runs, o->now_ms);
		printf("%s\n", text);
		free(text);
	} else {
		schedule_table_print(stdout, set, due, &runs, o->now_ms);
	}
	int rc = schedule_due_exit_code(due, set->n);
	free(due);
	schedule_runs_free(&runs);
	return rc;
}

/* Runs "drconsole schedule". */
int cmd_schedule(int argc, char **argv)
{
	struct schedule_opts o = {0};
	o.now_ms = clock_wall_ms();
	int rc = schedule_options(argc, argv, &o);
	if (rc != CLI_PARSED)
		return rc;
	if (o.json)
		cli_machine_text();
	struct catalog cat;
	char *error = NULL;
	if (cli_load_catalog_why(o.config, &cat, 1, &error) == -1) {
		rc = schedule_unreadable(&o, 1, error ? error : "the config does not load");
		free(error);
		catalog_free(&cat);
		return rc;
	}
	rc = schedule_show(&o, &cat.schedule, o.state_dir ? o.state_dir : cat.cf.state_dir);
	catalog_free(&cat);
	return rc;
}
