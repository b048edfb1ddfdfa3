/*
 * drconsole journal verify RUN | list: the run journals in the state dir.
 * verify reads a run's journal record by record, checks its hash chain line
 * by line and its tail against its head file and seals (journal_verify),
 * and prints a one-line summary, or every problem as FILE:LINE:COL; list
 * shows the runs newest first with their scenario, start, size and state
 * (journal_state). The state dir is --state-dir, else the config's
 * state_dir (the default one when there is no config at all). Reads only.
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
#include "textout.h"
#include "utf8.h"
#include "xmalloc.h"

static const char journal_usage[] =
    N_("Usage: drconsole journal verify RUN|--last [-c FILE] [--state-dir DIR]\n"
    "       drconsole journal list [-c FILE] [--state-dir DIR]\n"
    "\n"
    "Every guided recovery run keeps a journal in the state dir,\n"
    "runs/<UTC start>-<n>.jsonl: one JSON record per line (seq, ts, type, prev,\n"
    "data), each holding the SHA-256 of the line before it, so an edited,\n"
    "removed, duplicated or reordered line shows where it stands. Its end is\n"
    "anchored by runs/<UTC start>-<n>.head (the record count and the last\n"
    "hash, rewritten after every record) and by a run_sealed record after the\n"
    "run ends, so lines removed from the end show too.\n"
    "\n"
    "  verify RUN   read every record, check the chain, the head file and the\n"
    "               seal; print a summary, or every problem as FILE:LINE:COL.\n"
    "               RUN is a path, a file name in runs/, or a run id such as\n"
    "               20261127T061500Z-1\n"
    "  list         the runs, newest first: id, start, records, state\n"
    "               (finished, aborted, detached: its console quit, unfinished:\n"
    "               its console stopped, live: a console runs it now, damaged,\n"
    "               empty), and its scenario\n"
    "\n"
    "  --last            verify the newest run\n"
    "  --state-dir DIR   where the runs are (default: the config's state_dir, or\n"
    "                    $XDG_STATE_HOME/drconsole when there is no config)\n"
    "\n"
    "Exit status: 0 intact (a torn last line, left by a console that died while\n"
    "writing it, is only a warning: resuming the run cuts it off; so is a\n"
    "missing head file, until the journal has a seal), 1 damaged or not found,\n"
    "2 usage error.\n");

/* What the options ask for. */
struct journal_opts {
	const char *config;
	const char *state_dir;
	int last;
};

/* Parses journal's options (anywhere on the line); returns CLI_PARSED to go on. */
static int journal_cmd_options(int argc, char **argv, struct journal_opts *o)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"state-dir", required_argument, NULL, 's'},
	                                     {"last", no_argument, NULL, 'l'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		if (ch == 'c')
			o->config = optarg;
		else if (ch == 's')
			o->state_dir = optarg;
		else if (ch == 'l')
			o->last = 1;
		else if (ch == 'h') {
			fputs(_(journal_usage), stdout);
			return 0;
		} else {
			return cli_option_error("journal", ch, argv);
		}
	}
	return CLI_PARSED;
}

/* Returns the state dir (NULL after printing why the config could not give it). */
static char *journal_cmd_state_dir(const struct journal_opts *o)
{
	if (o->state_dir != NULL)
		return xstrdup(o->state_dir);
	char *found = paths_find_config(o->config, NULL);
	if (found == NULL)
		return paths_state_dir();
	free(found);
	struct catalog cat;
	char *dir = NULL;
	if (cli_load_catalog(o->config, &cat, 1) == 0)
		dir = xstrdup(cat.cf.state_dir);
	catalog_free(&cat);
	return dir;
}

/* Finds the journal to verify: RUN, or the newest with --last; NULL after printing why. */
static char *journal_cmd_find(const struct journal_opts *o, const char *run)
{
	char *dir = NULL, *path = NULL, *cause = NULL;
	if (run == NULL || strchr(run, '/') == NULL) {
		dir = journal_cmd_state_dir(o);
		if (dir == NULL)
			return NULL;
	}
	int rc =
	    run != NULL ? journal_find(dir, run, &path, &cause) : journal_last(dir, &path, &cause);
	if (rc == -1) {
		textout_printf(stderr, _("drconsole: journal: %s\n"), cause);
		free(cause);
	}
	free(dir);
	return path;
}

/* Prints verify's one-line summary of a journal read without errors. */
static void journal_cmd_summary(const char *path, const struct journal_records *r)
{
	if (r->n == 0) {
		textout_printf(stdout, _("%s: no records yet%s\n"), path,
		               r->torn ? _(", only an incomplete line") : "");
		return;
	}
	const struct journal_record *first = &r->items[0], *last = &r->items[r->n - 1];
	int sealed = strcmp(last->type, JOURNAL_RUN_SEALED) == 0 && r->n > 1;
	textout_printf(
	    stdout, _("%s: %zu record%s, chain intact, from %s to %s; last record: %s%s%s\n"), path,
	    r->n, r->n == 1 ? "" : "s", first->ts, last->ts, sealed ? last[-1].type : last->type,
	    sealed ? _(", sealed") : "", r->torn ? _(", then an incomplete line") : "");
}

/* Tells whether the journal at path could be read (its own first problem is not that). */
static int journal_cmd_read(const char *path, const struct journal_records *r, const struct diag *d)
{
	const struct diag_item *first = d->n > 0 ? &d->items[0] : NULL;
	return r->lines > 0 || first == NULL || first->line != 0 || first->file == NULL ||
	       strcmp(first->file, path) != 0;
}

/* Runs "drconsole journal verify". */
static int journal_cmd_verify(const struct journal_opts *o, const char *run)
{
	char *path = journal_cmd_find(o, run);
	if (path == NULL)
		return 1;
	struct journal_records r;
	struct diag d;
	diag_init(&d);
	int rc = journal_verify(path, &r, &d);
	diag_print(&d, stderr);
	if (rc == 0)
		journal_cmd_summary(path, &r);
	else if (journal_cmd_read(path, &r, &d))
		textout_printf(stdout, _("%s: damaged: %zu problem%s in %zu line%s\n"), path, d.errors,
		               d.errors == 1 ? "" : "s", r.lines, r.lines == 1 ? "" : "s");
	journal_records_free(&r);
	diag_free(&d);
	free(path);
	return rc == 0 ? 0 : 1;
}

/* Returns the scenario a run was started for, from its run_started record ("-" if none). */
static const char *journal_cmd_scenario(const struct journal_records *r)
{
	if (r->n == 0 || strcmp(r->items[0].type, JOURNAL_RUN_STARTED) != 0)
		return "-";
	const char *name = json_string_value(json_object_get(r->items[0].data, "scenario"));
	return name != NULL ? name : "-";
}

/* Prints a line of the list, its cells padded by display width (the count to the right). */
static void journal_cmd_row(const char *run, const char *started, const char *records,
                            const char *state, const char *scenario)
{
	textout_padded(stdout, run, 23);
	textout_padded(stdout, started, 25);
	int w = utf8_width(records);
	printf("%*s", w < 7 ? 7 - w : 0, "");
	textout_padded(stdout, records, w + 2);
	textout_padded(stdout, state, 14);
	textout_padded(stdout, scenario, 0);
	fputc('\n', stdout);
}

/* Prints one run of the list; returns 1 when its journal is damaged. */
static int journal_cmd_list_run(const char *state_dir, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct journal_records r;
	enum journal_state state = journal_state_load(state_dir, path, &r);
	char *run = xasprintf("%.*s", (int)(strlen(name) - strlen(".jsonl")), name);
	char *records = xasprintf("%zu", r.n);
	journal_cmd_row(run, r.n > 0 ? r.items[0].ts : "-", records, _(journal_state_name(state)),
	                journal_cmd_scenario(&r));
	free(run);
	free(records);
	journal_records_free(&r);
	free(path);
	return state == JOURNAL_IS_DAMAGED;
}

/* Runs "drconsole journal list". */
static int journal_cmd_list(const struct journal_opts *o)
{
	char *dir = journal_cmd_state_dir(o), *cause = NULL;
	if (dir == NULL)
		return 1;
	struct journal_runs runs;
	int rc = journal_list(dir, &runs, &cause), damaged = 0;
	if (rc == -1) {
		textout_printf(stderr, _("drconsole: journal: %s\n"), cause);
		free(cause);
	} else if (runs.n == 0)
		textout_printf(stdout, _("no runs in %s\n"), runs.dir);
	else
		journal_cmd_row(_("RUN"), _("STARTED"), _("RECORDS"), _("STATE"), _("SCENARIO"));
	for (size_t i = 0; i < runs.n; i++)
		damaged += journal_cmd_list_run(dir, runs.dir, runs.names[i]);
	free(dir);
	if (damaged > 0)
		textout_printf(stdout,
		               _("\n%d damaged: 'drconsole journal verify RUN' shows the problems\n"),
		               damaged);
	journal_runs_free(&runs);
	return rc == 0 ? 0 : 1;
}

/* Runs "drconsole journal". */
int cmd_journal(int argc, char **argv)
{
	struct journal_opts o = {0};
	int rc = journal_cmd_options(argc, argv, &o);
	if (rc != CLI_PARSED)
		return rc;
	const char *verb = optind < argc ? argv[optind] : "";
	int operands = argc - optind - 1;
	if (strcmp(verb, "verify") == 0 && operands + o.last == 1)
		return journal_cmd_verify(&o, o.last ? NULL : argv[optind + 1]);
	if (strcmp(verb, "list") == 0 && operands == 0 && !o.last)
		return journal_cmd_list(&o);
	if (strcmp(verb, "verify") == 0)
		cli_usage_error(operands + o.last == 0
		                    ? _("journal verify: which run? (a path, a file name in "
		                      "runs/, an id, or --last)")
		                    : _("journal verify: give one run"));
	else if (strcmp(verb, "list") == 0)
		cli_usage_error(_("journal list: takes no run"));
	else if (*verb == '\0')
		cli_usage_error(_("journal: verify RUN or list?"));
	else
		cli_usage_error(_("journal: unknown action '%s' (verify, list)"), verb);
	return CLI_EXIT_USAGE;
}
