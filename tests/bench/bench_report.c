/*
 * Benchmark: "drconsole report" on a long run. Writes a journal of RECORDS
 * records (10,000 by default) through the real writer (journal_append:
 * chained, fsynced, its head file replaced after each) in a scratch state
 * dir: a run of 데이터베이스 장애 whose four steps are retried, polled
 * (step_status) and noted (Korean notes), with outputs of about 400 bytes,
 * then run_finished and the seal. Then runs the program (DRCONSOLE, default
 * ./drconsole) "report --last --state-dir DIR --format md|json" ROUNDS
 * times each, its stdout to /dev/null, and prints for each format the wall
 * time (min, median, max), the CPU time and the maximum resident set size
 * (getrusage of the child, through wait4), and the bytes it printed; and,
 * as the floor under them, "journal verify --last" (reading and checking
 * the journal alone).
 * Prints figures only; it never fails on time.
 * Usage: bench_report [RECORDS [ROUNDS]]
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "journal.h"
#include "shquote.h"
#include "xmalloc.h"

#define BENCH_T0 1795760100000LL /* 2026-11-27T06:15:00.000Z */

static int64_t bench_now = BENCH_T0;

/* The journal's clock: a second a record. */
static int64_t bench_clock(void)
{
	return bench_now += 1000;
}

/* Appends a record, or exits. */
static void bench_append(struct journal *j, const char *type, json_t *data)
{
	char *cause = NULL;
	if (journal_append(j, type, data, &cause) == -1) {
		fprintf(stderr, "bench_report: %s\n", cause);
		exit(2);
	}
}

/* Appends record i of the run's body: outputs, polls, notes, retries, on step 1 to 4. */
static void bench_record(struct journal *j, long i, long body, const char *output)
{
	int step = (int)(i * 4 / body) + 1, kind = (int)(i % 10);
	const char *a = step == 1   ? "verify_replication_status"
	                : step == 2 ? "promote_standby"
	                : step == 3 ? "update_connection_string"
	                            : "verify_data_integrity";
	if (kind <= 3)
		bench_append(j, JOURNAL_STEP_OUTPUT,
		             json_pack("{s:b, s:i, s:s, s:s, s:I, s:i, s:s}", "ok", 1,
		                       "exit_status", 0, "output", output, "stderr", "", "lsn",
		                       (json_int_t)-1, "step", step, "action", a));
	else if (kind <= 5)
		bench_append(
		    j, "step_status",
		    json_pack("{s:b, s:i, s:i, s:s}", "ok", 1, "of", 7, "step", step, "action", a));
	else if (kind == 6)
		bench_append(j, JOURNAL_NOTE,
		             json_pack("{s:s, s:i, s:s}", "text", "복제 지연 확인 중: 대기", "step",
		                       step, "action", a));
	else if (kind == 7)
		bench_append(j, "check_result",
		             json_pack("{s:b, s:s, s:i, s:s}", "ok", 0, "detail", "not yet", "step",
		                       step, "action", a));
	else if (kind == 8)
		bench_append(
		    j, JOURNAL_STEP_CONFIRMED,
		    json_pack("{s:s, s:i, s:s}", "confirm", "typed", "step", step, "action", a));
	else
		bench_append(j, JOURNAL_STEP_STARTED,
		             json_pack("{s:i, s:i, s:s}", "attempt", (int)(i / 10), "step", step,
		                       "action", a));
}

/* Writes the run's journal of n records in dir, and says how long it took. */
static void bench_write(const char *dir, long n)
{
	char *path = NULL, *cause = NULL, output[512];
	int64_t t0 = clock_mono_ms();
	struct journal *j = journal_create(dir, bench_clock, &path, &cause);
	if (j == NULL) {
		fprintf(stderr, "bench_report: %s\n", cause);
		exit(2);
	}
	snprintf(output, sizeof output, "%s",
	         "pg_stat_replication: streaming, sync_state async, lag 0 bytes\n"
	         "복제 상태: 정상 (standby datacenter-2)\n");
	while (strlen(output) < 400)
		strcat(output, "replay_lsn 0/4191890 write_lsn 0/4191890 flush_lsn 0/4191890\n");
	bench_append(j, JOURNAL_RUN_STARTED,
	             json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:i}", "scenario",
	                       "데이터베이스 장애", "steps", 4, "estimated_ms", (json_int_t)900000,
	                       "operator", "kim", "host", "jump1", "origin", "10.0.0.5", "pid",
	                       4242));
	long body = n - 3; /* run_started, run_finished, run_sealed */
	for (long i = 0; i < body; i++)
		bench_record(j, i, body, output);
	bench_append(j, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", "done"));
	if (journal_seal(j, &cause) == -1) {
		fprintf(stderr, "bench_report: %s\n", cause);
		exit(2);
	}
	journal_close(j);
	struct stat st;
	if (stat(path, &st) == 0)
		printf("journal: %ld records, %lld bytes, written in %.2f s (%s)\n", n,
		       (long long)st.st_size, (double)(clock_mono_ms() - t0) / 1000, path);
	free(path);
}

/* One run of the program: wall ms, CPU ms, max RSS in KiB, bytes printed. */
struct bench_run {
	double wall_ms, cpu_ms;
	long rss_kib;
	long long bytes;
	int status;
};

/*
 * Runs "PROG report --last --state-dir dir --format format" (format NULL:
 * "PROG journal verify --last --state-dir dir"), its stdout to out.
 */
static struct bench_run bench_once(const char *prog, const char *dir, const char *format,
                                   const char *out)
{
	struct bench_run r = {0};
	struct rusage ru;
	int64_t t0 = clock_mono_ms();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_WRONLY);
		if (fd == -1 || null == -1 || dup2(fd, 1) == -1 || dup2(null, 2) == -1)
			_exit(127);
		if (format == NULL)
			execl(prog, prog, "journal", "verify", "--last", "--state-dir", dir,
			      (char *)NULL);
		else
			execl(prog, prog, "report", "--last", "--state-dir", dir, "--format",
			      format, (char *)NULL);
		_exit(127);
	}
	if (pid == -1 || wait4(pid, &r.status, 0, &ru) == -1) {
		perror("bench_report: fork");
		exit(2);
	}
	r.wall_ms = (double)(clock_mono_ms() - t0);
	r.cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	r.rss_kib = ru.ru_maxrss;
	struct stat st;
	r.bytes = stat(out, &st) == 0 ? (long long)st.st_size : -1;
	return r;
}

/* Orders doubles, for the median. */
static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Runs a format rounds times and prints its figures. */
static void bench_format(const char *prog, const char *dir, const char *format, int rounds)
{
	double *wall = xcalloc((size_t)rounds, sizeof *wall), cpu = 0;
	long rss = 0;
	struct bench_run r = {0};
	char *out = xasprintf("%s/report.%s", dir, format ? format : "verify");
	for (int i = 0; i < rounds; i++) {
		r = bench_once(prog, dir, format, out);
		wall[i] = r.wall_ms;
		cpu += r.cpu_ms;
		if (r.rss_kib > rss)
			rss = r.rss_kib;
	}
	qsort(wall, (size_t)rounds, sizeof *wall, bench_cmp);
	printf("%-21s wall ms min %.0f median %.0f max %.0f; cpu ms mean %.0f; "
	       "max RSS %ld KiB; %lld bytes printed; exit %d (%d rounds)\n",
	       format == NULL              ? "journal verify"
	       : strcmp(format, "md") == 0 ? "report --format md"
	                                   : "report --format json",
	       wall[0], wall[rounds / 2], wall[rounds - 1], cpu / rounds, rss, r.bytes,
	       WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1, rounds);
	free(out);
	free(wall);
}

int main(int argc, char **argv)
{
	long records = argc > 1 ? atol(argv[1]) : 10000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	const char *prog = getenv("DRCONSOLE") ? getenv("DRCONSOLE") : "./drconsole";
	char tmpl[] = "/tmp/drconsole-bench-report-XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (dir == NULL || records < 4 || rounds < 1) {
		fprintf(stderr, "usage: bench_report [RECORDS (>= 4) [ROUNDS]]\n");
		return 2;
	}
	printf("== drconsole report on a run of %ld records (%s)\n", records, prog);
	bench_write(dir, records);
	bench_format(prog, dir, "md", rounds);
	bench_format(prog, dir, "json", rounds);
	bench_format(prog, dir, NULL, rounds);
	char *q = shquote(dir), *cmd = xasprintf("rm -rf -- %s", q);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_report: could not remove %s\n", dir);
	free(cmd);
	free(q);
	return 0;
}
