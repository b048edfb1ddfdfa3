/*
 * drconsole report [RUN|--last] [--format md|json]: a run's report from its
 * journal, after the run or during it (core/report*.c). The journal is found
 * as journal verify finds it (a path, a file name in runs/, a run id, or
 * the newest with --last) in --state-dir, else the config's state_dir (the
 * default one when there is no config). The config, when there is one,
 * gives the catalog (step titles and estimates, the scenario's estimate,
 * sync_interval as the RPO's target); without it those are unknown.
 * Markdown is printed through the one sanitizer; JSON with every control
 * escaped. Reads only.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "journal.h"
#include "paths.h"
#include "report.h"
#include "textout.h"
#include "utf8.h"
#include "xmalloc.h"

static const char report_usage[] =
    N_("Usage: drconsole report [RUN|--last] [--format md|json] [-c FILE] [--state-dir DIR]\n"
    "\n"
    "The report of a recovery run or a drill, from its journal: the evidence an\n"
    "auditor asks for after an exercise or an incident (ISO 22301 8.5, ISMS-P\n"
    "2.12.2). It opens with a summary and the issues found (failed steps,\n"
    "overruns, overrides, split brains, missed targets), then tells the\n"
    "scenario or drill, the mode, who ran it (a person or the watcher) and\n"
    "from where, participants and objectives, when it started and ended, its\n"
    "total time against the scenario's estimate, every step (its time from\n"
    "becoming current to finished against its estimate, who confirmed it, with\n"
    "the watcher's evidence, its result and the tail of its output), guards\n"
    "overridden, attestations, notes and injects, the data lost (RPO) and the\n"
    "time to recover (RTO) against their targets, split-brain alarms and\n"
    "fences, the hot wash with its corrective actions, the timeline, and the\n"
    "journal's verification with its final hash. A run still going is\n"
    "reported as in progress or unfinished, never as done.\n"
    "\n"
    "  RUN               a path, a file name in runs/, or a run id such as\n"
    "                    20261127T061500Z-1 (drconsole journal list shows them)\n"
    "  --last            the newest run (the default when RUN is not given)\n"
    "  --format md|json  Markdown for people (default), or one JSON object for\n"
    "                    tools (its keys: drconsole(1))\n"
    "  -c FILE           the config: estimates, titles, sync_interval, state_dir\n"
    "                    (without one, estimates are reported unknown)\n"
    "  --state-dir DIR   where the runs are (default: the config's state_dir, or\n"
    "                    $XDG_STATE_HOME/drconsole when there is no config)\n"
    "\n"
    "RTO runs from the run's start to the promotion verified writable (or to\n"
    "the run's end when it made none); its target is the run's rto_target_ms,\n"
    "else the scenario's estimate. RPO is the data lost as measured by the\n"
    "run's data_loss step; its target the run's rpo_target_ms, else the\n"
    "config's sync_interval.\n"
    "\n"
    "Exit status: 0 the report was written from a sound journal (whether the\n"
    "run ended or not: the report says), 1 the journal is damaged or cannot be\n"
    "verified (the report is still printed, marked UNVERIFIED, its problems\n"
    "first), or no such run, or no runs; 2 usage error.\n");

/* What the options ask for. */
struct report_opts {
	const char *config;
	const char *state_dir;
	const char *format;
	int last;
};

/* Parses report's options (anywhere on the line); returns CLI_PARSED to go on. */
static int report_cmd_options(int argc, char **argv, struct report_opts *o)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"state-dir", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'f'}, {"last", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		if (ch == 'c')
			o->config = optarg;
		else if (ch == 's')
			o->state_dir = optarg;
		else if (ch == 'f')
			o->format = optarg;
		else if (ch == 'l')
			o->last = 1;
		else if (ch == 'h') {
			fputs(_(report_usage), stdout);
			return 0;
		} else {
			return cli_option_error("report", ch, argv);
		}
	}
	if (strcmp(o->format, "md") != 0 && strcmp(o->format, "json") != 0) {
		cli_usage_error(_("report: --format is md or json, not '%s'"), o->format);
		return CLI_EXIT_USAGE;
	}
	if (argc - optind > 1 || (argc - optind == 1 && o->last)) {
		cli_usage_error(_("report: give one run, or --last"));
		return CLI_EXIT_USAGE;
	}
	return CLI_PARSED;
}

/*
 * Loads the catalog when there is a config: 1 loaded, 0 none (estimates
 * unknown), -1 after printing why a config given with -c, or found, cannot
 * be loaded.
 */
static int report_cmd_catalog(const struct report_opts *o, struct catalog *cat)
{
	char *found = paths_find_config(o->config, NULL);
	memset(cat, 0, sizeof *cat);
	if (found == NULL && o->config == NULL)
		return 0;
	free(found);
	if (cli_load_catalog(o->config, cat, 1) == 0)
		return 1;
	catalog_free(cat);
	memset(cat, 0, sizeof *cat);
	return -1;
}

/* Finds the journal: RUN, or the newest; NULL after printing why. */
static char *report_cmd_find(const char *dir, const char *run)
{
	char *path = NULL, *cause = NULL;
	int rc =
	    run != NULL ? journal_find(dir, run, &path, &cause) : journal_last(dir, &path, &cause);
	if (rc == -1) {
		textout_printf(stderr, _("drconsole: report: %s\n"), cause);
		free(cause);
	}
	return path;
}

/* Prints the report in its format; JSON with every control escaped, Markdown cleaned. */
static void report_cmd_print(const struct report *rep, const char *format)
{
	if (strcmp(format, "json") == 0) {
		json_t *o = report_json(rep);
		char *text = utf8_json_dumps(o, JSON_INDENT(2));
		fputs(text ? text : "{}", stdout);
		fputs("\n", stdout);
		free(text);
		json_decref(o);
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (mem == NULL)
		return;
	report_md(mem, rep);
	fclose(mem);
	textout_puts(stdout, buf);
	free(buf);
}

/* Says on stderr what the report could not vouch for. */
static void report_cmd_warn(const struct report *rep, int rc, int have_catalog)
{
	if (rc != 0)
		textout_printf(stderr,
		               _("drconsole: report: %s: the journal is damaged (%zu problem%s): the "
		               "report is UNVERIFIED; 'drconsole journal verify' lists them\n"),
		               rep->path, rep->check.errors, rep->check.errors == 1 ? "" : "s");
	if (!have_catalog)
		textout_printf(stderr, _("drconsole: report: no config loaded: step estimates and "
		                       "the RPO target are unknown\n"));
}

/* Runs "drconsole report". */
int cmd_report(int argc, char **argv)
{
	struct report_opts o = {.format = "md"};
	int rc = report_cmd_options(argc, argv, &o);
	if (rc != CLI_PARSED)
		return rc;
	if (strcmp(o.format, "json") == 0)
		cli_machine_text();
	const char *run = optind < argc ? argv[optind] : NULL;
	struct catalog cat;
	int have = report_cmd_catalog(&o, &cat);
	if (have == -1 && o.state_dir == NULL && (run == NULL || strchr(run, '/') == NULL))
		return 1; /* the config named the state dir, and it does not load */
	char *dir = o.state_dir ? xstrdup(o.state_dir)
	            : have == 1 ? xstrdup(cat.cf.state_dir)
	                        : paths_state_dir();
	char *path = report_cmd_find(dir, run);
	struct report rep;
	rc = 1;
	if (path != NULL) {
		rc = report_load(&rep, dir, path, have == 1 ? &cat : NULL);
		if (rc == -1)
			for (size_t i = 0; i < rep.check.n_problems; i++)
				textout_printf(stderr, "%s\n", rep.check.problems[i]);
		else if (rep.check.records == 0 && rc == 0)
			textout_printf(stderr,
			               _("drconsole: report: %s: no records yet: nothing to report\n"),
			               path);
		else {
			report_cmd_print(&rep, o.format);
			report_cmd_warn(&rep, rc, have == 1);
		}
		rc = rc == 0 && rep.check.records > 0 ? 0 : 1;
		report_free(&rep);
	}
	if (have == 1)
		catalog_free(&cat);
	free(path);
	free(dir);
	return rc;
}
