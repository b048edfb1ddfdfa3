/*
 * drconsole status: one probe round of every site, in parallel, then a
 * compact table (or --json) and an exit code in the monitoring-plugin
 * convention. Each site's agent has the probe timeout for its round; a site
 * that does not answer by then is reported as it stands (unreachable, with
 * what timed out), so the command answers within the timeout plus a second
 * whatever the sites do.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "clock.h"
#include "duration.h"
#include "fencestate.h"
#include "paths.h"
#include "rundir.h"
#include "status_json.h"
#include "status_table.h"
#include "textout.h"
#include "verdict.h"
#include "watchstate.h"
#include "xmalloc.h"

static const char status_usage[] =
	N_("Usage: drconsole status [-c FILE] [--json] [--timeout SEC]\n"
	"\n"
	"Probe every site once, in parallel: SSH reachability and round-trip time,\n"
	"load, disk, service checks, PostgreSQL role, timeline and LSNs, streaming\n"
	"replication and its lag, and the backup folder. Print a table, or with\n"
	"--json one object whose keys are described in drconsole(1).\n"
	"\n"
	"  --timeout SEC   how long a site may take (default: the config's\n"
	"                  probe.timeout); a site that does not answer in time is\n"
	"                  reported unreachable, with what timed out\n"
	"\n"
	"Exit status: 0 ok, 1 warning, 2 critical, 3 unknown (monitoring-plugin\n"
	"convention; a usage or config error is unknown, and with --json still\n"
	"prints one object: overall \"unknown\" and the error). The rules are in\n"
	"README.md.\n");

/* Tells whether the command line asks for --json, wherever it stands (even after a bad option). */
static int status_wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			return 1;
	return 0;
}

/*
 * Ends status as unknown (3): with --json, one object on stdout saying why
 * (overall "unknown", the error); why goes to stderr too unless said already.
 */
static int status_unknown(int json, int said, const char *why)
{
	if (!said)
		textout_printf(stderr, "drconsole: %s\n", why);
	if (json) {
		char *text = status_json_render_error(why, clock_wall_ms());
		printf("%s\n", text);
		free(text);
		fflush(stdout);
	}
	return 3;
}

/* Says a usage error of status on stderr and keeps its words in why. */
__attribute__((format(printf, 3, 4))) static void status_usage_error(char *why, size_t len,
                                                                     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	cli_usage_error("%s", why);
}

/* Prints each site's last proven restore, under the table. */
static void status_proofs_print(const struct conf *cf, const struct site_status *snaps,
                                const struct restoreproofs *proofs, const char *why, int64_t now)
{
	char line[512];
	for (size_t i = 0; i < cf->n_sites; i++) {
		if (!snaps[i].backups.configured)
			continue;
		if (restoreproof_line(proofs, why, &cf->sites[i], &snaps[i].backups, now, line,
		                      sizeof line) == RESTOREPROOF_UNPROVEN)
			textout_printf(stdout, "  %s: %s; the newest backup %s is unproven\n",
			               cf->sites[i].name, line, snaps[i].backups.newest_name);
		else
			textout_printf(stdout, "  %s: %s\n", cf->sites[i].name, line);
	}
}

/* Parses status's options; returns CLI_PARSED to go on, else an exit code (why: a usage error). */
static int status_options(int argc, char **argv, const char **config, int *json,
                          int64_t *timeout_ms, char *why, size_t whylen)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"json", no_argument, NULL, 'j'},
					     {"timeout", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	char err[200];
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:jt:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*config = optarg;
			break;
		case 'j':
			*json = 1;
			break;
		case 't':
			int bad = duration_parse(optarg, timeout_ms, err, sizeof err) == -1;
			if (bad || *timeout_ms < 100) {
				status_usage_error(why, whylen, _("status: --timeout: %s"),
				                   bad ? err : _("at least 0.1 s"));
				return CLI_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(_(status_usage), stdout);
			return 0;
		case ':':
			status_usage_error(why, whylen, _("status: option '%s' needs a value"),
			                   argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			status_usage_error(why, whylen, _("status: unknown option '%s'"),
			                   argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		status_usage_error(why, whylen, _("status: unexpected argument '%s'"), argv[optind]);
		return CLI_EXIT_USAGE;
	}
	return CLI_PARSED;
}

/*
 * Waits until every agent has finished one round or the deadline passes; a
 * site whose shell is still starting its probe loop has until its own round's
 * deadline (probe.start_timeout more).
 */
static void status_wait(struct agent **agents, size_t n, int wake_fd, int64_t deadline)
{
	for (;;) {
		size_t done = 0;
		int64_t until = deadline;
		for (size_t i = 0; i < n; i++) {
			int64_t own = agent_round_deadline(agents[i]) + 800;
			if (agent_rounds(agents[i]) >= 1)
				done++;
			else if (own > until)
				until = own;
		}
		if (done == n)
			return;
		struct pollfd pfd = {wake_fd, POLLIN, 0};
		int left = clock_left_ms(until);
		if (left == 0)
			return;
		if (poll(&pfd, 1, left) > 0) {
			char buf[64];
			while (read(wake_fd, buf, sizeof buf) > 0)
				;
		}
	}
}

/* Marks a site that did not finish its round in time. */
static void status_mark_timeout(struct site_status *s, int64_t timeout_ms)
{
	if (s->generation != 0 && s->reachable)
		return;
	if (s->error[0] == '\0')
		snprintf(s->error, sizeof s->error, _("the probe timed out: no answer within %.1f s"),
			 (double)timeout_ms / 1000);
	s->reachable = 0;
}

/*
 * Reads the fence state of the config's state_dir into fs. A state that
 * cannot be read is a warning in v (whether a fence is armed is not known);
 * returns its cause then (free it), else NULL.
 */
static char *status_fence(const struct conf *cf, struct fencestate *fs, struct verdict *v)
{
	char *cause = NULL;
	if (fencestate_read(cf->state_dir, fs, &cause) == 0)
		return NULL;
	char *text = xasprintf(_("the fence state cannot be read, so whether the old primary must "
	                       "stay fenced is not known: %s"),
	                       cause);
	verdict_note(v, VERDICT_WARNING, VERDICT_KIND_OTHER, "", text);
	free(text);
	return cause;
}

/* Runs "drconsole status". */
int cmd_status(int argc, char **argv)
{
	const char *config = NULL;
	int json = status_wants_json(argc, argv);
	if (json)
		cli_machine_text();
	int64_t timeout_ms = 0;
	char why[300] = "", *error = NULL;
	int rc = status_options(argc, argv, &config, &json, &timeout_ms, why, sizeof why);
	if (rc != CLI_PARSED) /* a monitoring system reads a usage error as unknown, not critical */
		return rc == CLI_EXIT_USAGE ? status_unknown(json, 1, why) : rc;

	struct catalog cat;
	if (cli_load_catalog_why(config, &cat, 1, &error) == -1) {
		catalog_free(&cat);
		rc = status_unknown(json, 1, error ? error : _("the config cannot be loaded"));
		free(error);
		return rc;
	}
	struct conf *cf = &cat.cf;
	if (timeout_ms > 0)
		cf->probe_timeout_ms = timeout_ms;
	int wake[2];
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(why, sizeof why, _("status: cannot create a pipe: %s"), strerror(errno));
		catalog_free(&cat);
		return status_unknown(json, 0, why);
	}
	struct agent **agents = xcalloc(cf->n_sites, sizeof *agents);
	struct site_status *snaps = xcalloc(cf->n_sites, sizeof *snaps);
	int64_t deadline = clock_mono_ms() + cf->probe_timeout_ms;
	for (size_t i = 0; i < cf->n_sites; i++) {
		char *cause = NULL;
		agents[i] = agent_start(cf, &cf->sites[i], wake[1], &cause);
		if (agents[i] == NULL) {
			snprintf(why, sizeof why, _("status: %s"), cause);
			free(cause);
			return status_unknown(json, 0, why);
		}
	}
	/* The timeout is the site's whole budget; what is not in by then is reported as such. */
	status_wait(agents, cf->n_sites, wake[0], deadline + 800);
	for (size_t i = 0; i < cf->n_sites; i++) {
		agent_snapshot(agents[i], &snaps[i]);
		if (agent_rounds(agents[i]) < 1)
			status_mark_timeout(&snaps[i], cf->probe_timeout_ms);
	}

	struct verdict v;
	int64_t now = clock_wall_ms();
	verdict_judge(cf, snaps, cf->n_sites, now, &v);
	struct fencestate fence;
	struct watchstate watch;
	char *fence_error = status_fence(cf, &fence, &v), *watch_error = NULL, *proofs_error = NULL;
	struct restoreproofs proofs = {0};
	int proofs_ok = restoreproof_read(cf->state_dir, &proofs, &proofs_error) == 0;
	if (json) {
		if (watchstate_read(cf->state_dir, &watch, &watch_error) == -1 && watch_error == NULL)
			watch_error = xstrdup(_("the watcher's status cannot be read"));
		struct status_json_state st = {&fence, fence_error, &watch, watch_error,
		                               proofs_ok ? &proofs : NULL, proofs_error};
		char *text = status_json_render_state(cf, snaps, cf->n_sites, &v, now, &st);
		printf("%s\n", text);
		free(text);
	} else {
		status_table_print(stdout, cf, snaps, cf->n_sites, &v, now);
		status_proofs_print(cf, snaps, proofs_ok ? &proofs : NULL, proofs_error, now);
	}
	restoreproofs_free(&proofs);
	free(proofs_error);
	fflush(stdout);
	free(fence_error);
	free(watch_error);
	rc = verdict_exit_code(v.level);
	/* A frozen site's threads may still be inside a deadline: do not wait for them. */
	rundir_remove_own();
	_exit(rc);
}
