/*
 * Benchmark: the host probe on a backup folder of many files. Fills a scratch
 * folder with FILES backup files (100,000 by default), then runs the host
 * probe command (the very text sent to a site) with /bin/sh ROUNDS times and
 * prints, per cycle, the wall time, the bytes of the answer (what crosses the
 * SSH session each cycle), whether the answer fits the 1 MiB an exec keeps,
 * and what the parser made of it. Prints figures only; it never fails on time.
 * Usage: bench_listing [FILES [ROUNDS]]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "clock.h"
#include "probe_host.h"
#include "shquote.h"
#include "sshexec.h"
#include "xmalloc.h"

/* Creates n empty backup files in dir, one a minute apart, the newest a minute old. */
static int bench_fill(const char *dir, long n)
{
	time_t now = time(NULL);
	for (long i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/db_backup_%06ld.dump", dir, i);
		FILE *f = fopen(path, "w");
		if (f == NULL)
			return -1;
		fclose(f);
		struct timeval tv[2] = {{now - 60 * (n - i), 0}, {now - 60 * (n - i), 0}};
		if (utimes(path, tv) == -1)
			return -1;
	}
	return 0;
}

/* Runs cmd with /bin/sh; returns its output and sets *len. */
static char *bench_run(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 65536, n = 0, got;
	char *out = xmalloc(cap);
	while (p != NULL && (got = fread(out + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (cap - n < 4096)
			out = xrealloc(out, cap *= 2);
	}
	if (p != NULL)
		pclose(p);
	out[n] = '\0';
	*len = n;
	return out;
}

/* Removes the scratch folder. */
static void bench_clean(const char *dir)
{
	char *q = shquote(dir);
	char *cmd = xasprintf("rm -rf -- %s", q);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_listing: could not remove %s\n", dir);
	free(cmd);
	free(q);
}

int main(int argc, char **argv)
{
	long files = argc > 1 ? atol(argv[1]) : 100000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	char tmpl[] = "/tmp/drconsole-bench-listing-XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (dir == NULL || bench_fill(dir, files) == -1) {
		perror("bench_listing: scratch folder");
		return 2;
	}
	struct site s;
	memset(&s, 0, sizeof s);
	s.name = "bench";
	s.backups.dir = dir;
	s.backups.pattern = "db_backup_*.dump";
	s.backups.retention_days = 30;
	char *script = probe_host_script(&s, dir, PROBE_HOST_CHECK_TIMEOUT_S);
	printf("backup folder of %ld files; host probe command %zu bytes\n", files, strlen(script));
	printf("%-6s %10s %12s %10s %8s %8s\n", "cycle", "probe ms", "answer B", "fits 1MiB",
	       "count", "listed");
	for (int r = 1; r <= rounds; r++) {
		size_t len;
		int64_t t0 = clock_mono_ms();
		char *out = bench_run(script, &len);
		int64_t ms = clock_mono_ms() - t0;
		struct snap_health h;
		struct snap_backups b;
		struct probe_host_files f;
		char *cause = NULL;
		memset(&h, 0, sizeof h);
		memset(&b, 0, sizeof b);
		if (probe_host_parse(out, &s, clock_wall_ms(), &h, &b, &f, &cause) == -1)
			free(cause);
		printf("%-6d %10lld %12zu %10s %8d %8zu\n", r, (long long)ms, len,
		       len <= SSHEXEC_MAX_OUTPUT ? "yes" : "no", b.count, f.n);
		probe_host_files_free(&f);
		free(out);
	}
	free(script);
	bench_clean(dir);
	return 0;
}
