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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "clock.h"
#include "duration.h"
#include "paths.h"
#include "rundir.h"
#include "status_json.h"
#include "status_table.h"
#include "textout.h"
#include "verdict.h"
#include "xmalloc.h"

static const char status_usage[] =
	"Usage: drconsole status [-c FILE] [--json] [--timeout SEC]\n"
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
	"convention; a usage or config error is unknown). The rules are in README.md.\n";

/* Parses status's options; returns CLI_PARSED to go on. */
static int status_options(int argc, char **argv, const char **config, int *json,
			  int64_t *timeout_ms)
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
			if (duration_parse(optarg, timeout_ms, err, sizeof err) == -1 ||
			    *timeout_ms < 100) {
				cli_usage_error("status: --timeout: %s",
						*timeout_ms < 100 ? "at least 0.1 s" : err);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(status_usage, stdout);
			return 0;
		case ':':
			cli_usage_error("status: option '%s' needs a value", argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			cli_usage_error("status: unknown option '%s'", argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_usage_error("status: unexpected argument '%s'", argv[optind]);
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
		snprintf(s->error, sizeof s->error, "the probe timed out: no answer within %.1f s",
			 (double)timeout_ms / 1000);
	s->reachable = 0;
}

/* Runs "drconsole status". */
int cmd_status(int argc, char **argv)
{
	const char *config = NULL;
	int json = 0;
	int64_t timeout_ms = 0;
	int rc = status_options(argc, argv, &config, &json, &timeout_ms);
	if (rc != CLI_PARSED) /* a monitoring system reads a usage error as unknown, not critical */
		return rc == CLI_EXIT_USAGE ? 3 : rc;

	struct catalog cat;
	if (cli_load_catalog(config, &cat, 1) == -1) {
		catalog_free(&cat);
		return 3;
	}
	struct conf *cf = &cat.cf;
	if (timeout_ms > 0)
		cf->probe_timeout_ms = timeout_ms;
	int wake[2];
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		fprintf(stderr, "drconsole: status: cannot create a pipe: %s\n", strerror(errno));
		catalog_free(&cat);
		return 3;
	}
	struct agent **agents = xcalloc(cf->n_sites, sizeof *agents);
	struct site_status *snaps = xcalloc(cf->n_sites, sizeof *snaps);
	int64_t deadline = clock_mono_ms() + cf->probe_timeout_ms;
	for (size_t i = 0; i < cf->n_sites; i++) {
		char *cause = NULL;
		agents[i] = agent_start(cf, &cf->sites[i], wake[1], &cause);
		if (agents[i] == NULL) {
			textout_printf(stderr, "drconsole: status: %s\n", cause);
			free(cause);
			return 3;
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
	if (json) {
		char *text = status_json_render(cf, snaps, cf->n_sites, &v, now);
		printf("%s\n", text);
		free(text);
	} else {
		status_table_print(stdout, cf, snaps, cf->n_sites, &v, now);
	}
	fflush(stdout);
	rc = verdict_exit_code(v.level);
	/* A frozen site's threads may still be inside a deadline: do not wait for them. */
	rundir_remove_own();
	_exit(rc);
}
