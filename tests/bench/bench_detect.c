/*
 * Benchmark: how long after a primary's postmaster is killed does the site
 * agent's snapshot say so? The agents run against the lab (lab.env in the
 * environment, as lab-run.sh provides); each round SIGKILLs the postmaster of
 * site 1 itself, so the clock starts at the kill, not at a script's return,
 * and stops at the first snapshot whose PostgreSQL part is down. Prints each
 * round and the min/median/max.
 * Usage: bench_detect [ROUNDS]
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "conf.h"
#include "xmalloc.h"

/* Returns an environment variable lab-run.sh exported, or exits. */
static const char *bench_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL) {
		fprintf(stderr, "bench_detect: %s is not set: run me through lab-run.sh\n", name);
		exit(2);
	}
	return v;
}

/* Waits on the wakeup pipe until test(snapshot) holds or the deadline; returns when, or -1. */
static int64_t bench_wait(struct agent *a, int wake, int (*test)(const struct site_status *),
			  int64_t deadline)
{
	struct site_status st;
	for (;;) {
		agent_snapshot(a, &st);
		if (test(&st))
			return clock_mono_ms();
		struct pollfd pfd = {wake, POLLIN, 0};
		if (clock_left_ms(deadline) == 0)
			return -1;
		if (poll(&pfd, 1, clock_left_ms(deadline)) > 0) {
			char buf[64];
			while (read(wake, buf, sizeof buf) > 0)
				;
		}
	}
}

/* Tells whether PostgreSQL is up as primary. */
static int bench_pg_up(const struct site_status *s)
{
	return s->pg.up && s->pg.role == PG_ROLE_PRIMARY;
}

/* Tells whether the snapshot says PostgreSQL is down. */
static int bench_pg_down(const struct site_status *s)
{
	return !s->pg.up;
}

/* Reads the postmaster's pid from its data folder. */
static pid_t bench_postmaster(void)
{
	char *path = xasprintf("%s/postmaster.pid", bench_env("LAB_PGDATA_1"));
	FILE *fp = fopen(path, "r");
	long pid = -1;
	if (fp == NULL || fscanf(fp, "%ld", &pid) != 1)
		pid = -1;
	if (fp)
		fclose(fp);
	free(path);
	return (pid_t)pid;
}

/* Orders two numbers. */
static int bench_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	struct conf cf;
	struct diag d;
	int wake[2];
	diag_init(&d);
	if (conf_load(&cf, bench_env("LAB_CONFIG"), &d) == -1) {
		diag_print(&d, stderr);
		return 2;
	}
	if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) == -1)
		return 2;
	char *cause = NULL;
	struct agent *a = agent_start(&cf, &cf.sites[0], wake[1], &cause);
	if (a == NULL) {
		fprintf(stderr, "bench_detect: %s\n", cause);
		return 2;
	}
	int64_t *ms = xcalloc((size_t)rounds, sizeof *ms);
	int done = 0;
	char *restart = xasprintf("%s --dir %s --port-base %s start-pg 1 >/dev/null 2>&1",
				  bench_env("LAB_SCRIPT"), bench_env("LAB_DIR"),
				  bench_env("LAB_PORT_BASE"));
	printf("# probe interval %lld ms, timeout %lld ms\n", (long long)cf.probe_interval_ms,
	       (long long)cf.probe_timeout_ms);
	for (int r = 0; r < rounds; r++) {
		if (bench_wait(a, wake[0], bench_pg_up, clock_mono_ms() + 30000) == -1) {
			fprintf(stderr, "bench_detect: PostgreSQL did not come up\n");
			break;
		}
		/* Kill at a random point of the probe cycle, not right after a probe. */
		usleep((useconds_t)(rand() % 1000) * 1000);
		pid_t pm = bench_postmaster();
		int64_t t0 = clock_mono_ms();
		if (pm <= 0 || kill(pm, SIGKILL) == -1) {
			fprintf(stderr, "bench_detect: cannot kill the postmaster\n");
			break;
		}
		int64_t t1 = bench_wait(a, wake[0], bench_pg_down, t0 + 30000);
		if (t1 == -1) {
			printf("round %d: not noticed within 30 s\n", r + 1);
			break;
		}
		ms[done++] = t1 - t0;
		printf("round %d: %lld ms\n", r + 1, (long long)(t1 - t0));
		fflush(stdout);
		if (system(restart) != 0) {
			fprintf(stderr, "bench_detect: start-pg failed\n");
			break;
		}
	}
	if (done > 0) {
		qsort(ms, (size_t)done, sizeof *ms, bench_cmp);
		printf("killed postmaster -> snapshot says down: min %lld ms, median %lld ms, max %lld ms "
		       "(%d rounds)\n",
		       (long long)ms[0], (long long)ms[done / 2], (long long)ms[done - 1], done);
	}
	agent_stop(a);
	free(ms);
	free(restart);
	conf_free(&cf);
	diag_free(&d);
	return done == rounds ? 0 : 1;
}
