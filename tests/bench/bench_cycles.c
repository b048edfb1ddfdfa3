/*
 * Benchmark helper: runs the agents of every site in the lab's config for a
 * while, then prints how many probe rounds each completed, so the caller can
 * divide what the servers logged (SSH sessions, SQL statements) by rounds.
 * Usage: bench_cycles SECONDS
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent.h"
#include "conf.h"
#include "xmalloc.h"

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 20;
	const char *config = getenv("LAB_CONFIG");
	struct conf cf;
	struct diag d;
	int wake[2];
	diag_init(&d);
	if (config == NULL || conf_load(&cf, config, &d) == -1 ||
	    pipe2(wake, O_NONBLOCK | O_CLOEXEC) == -1) {
		diag_print(&d, stderr);
		return 2;
	}
	struct agent **a = xcalloc(cf.n_sites, sizeof *a);
	for (size_t i = 0; i < cf.n_sites; i++) {
		char *cause = NULL;
		if ((a[i] = agent_start(&cf, &cf.sites[i], wake[1], &cause)) == NULL) {
			fprintf(stderr, "bench_cycles: %s\n", cause);
			return 2;
		}
	}
	sleep((unsigned)seconds);
	for (size_t i = 0; i < cf.n_sites; i++) {
		struct site_status st;
		agent_snapshot(a[i], &st);
		printf("%s %d %d %d\n", st.name, agent_rounds(a[i]), st.execs_last_cycle,
		       st.queries_last_cycle);
		agent_stop(a[i]);
	}
	free(a);
	conf_free(&cf);
	diag_free(&d);
	return 0;
}
