/*
 * Tests of core/probe_host.c: the host probe and the backup check, as text,
 * run for real by /bin/sh on a scratch folder, parsed from real outputs of
 * the lab, and fed with broken outputs. Both commands run for real over SSH
 * on the lab in tests/integration/test-status.sh (a healthy lab's backups
 * all valid, a file of random bytes found invalid, a failing service check).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "unit.h"

#include "probe_host.h"
#include "shquote.h"

/* Real output of the host probe on lab site 1 (ssh), with odd files added to its backup folder. */
static const char LAB_HOST_OUT[] =
    "drprobe 1\n"
    "tmo 1\n"
    "load 1.42\n"
    "df data 264212084 83415728\n"
    "df backup 264212084 83415728\n"
    "svc 0 0\n"
    "svc 1 3\n"
    "svc 2 0\n"
    "bk 300000 1795749553.0000000000 db_backup_random.dump\n"
    "bk 285606 1795753153.6723481620 db_backup_with space.dump\n"
    "bk 285606 1795752634.0000000000 db_backup_20261127_041034.dump\n"
    "bk 285606 1795579834.0000000000 db_backup_20261125_041034.dump\n"
    "bk 285606 1792728634.0000000000 db_backup_20261023_041034.dump\n"
    "bk 285606 1792296634.0000000000 db_backup_20261018_041034.dump\n"
    "bkrc 0\n"
    "bkodd 1\n"
    "end\n";

/* The wall clock of that run, 47 s after the newest file. */
#define LAB_NOW_MS 1795753200000LL

/*
 * Real output of the backup check on lab site 1 (ssh) for: x (absent),
 * db_backup_random.dump (random bytes), "db_backup_with space.dump",
 * db_backup_20261127_041034.dump, db_backup_gone.dump (absent), ../etc/passwd.
 */
static const char LAB_VERIFY_OUT[] = "drverify 1\n"
                                     "tmo 1\n"
                                     "v 0 missing\n"
                                     "v 1 1\n"
                                     "v 2 0\n"
                                     "v 3 0\n"
                                     "v 4 missing\n"
                                     "v 5 bad\n"
                                     "end\n";

/* A site like the lab's, with three service checks; dir is the backup folder (may be NULL). */
static struct site lab_site(const char *dir)
{
	static struct site_service svc[3] = {{"postgresql", "pg_isready -q -h 127.0.0.1 -p 55711"},
	                                     {"always-fails", "exit 3"},
	                                     {"quoting", "test \"$(echo 'a b')\" = 'a b'"}};
	struct site s;
	memset(&s, 0, sizeof s);
	s.name = "datacenter-1";
	s.backups.dir = (char *)dir;
	s.backups.pattern = "db_backup_*.dump";
	s.backups.retention_days = 30;
	s.services = svc;
	s.n_services = 3;
	return s;
}

/* Parses out into h, b and files, failing the test on an error. */
static void parse_ok(const char *out, const struct site *s, int64_t now, struct snap_health *h,
                     struct snap_backups *b, struct probe_host_files *files)
{
	char *cause = NULL;
	if (probe_host_parse(out, s, now, h, b, files, &cause) != 0)
		fail_msg("host probe output did not parse: %s", cause);
}

/* Runs a command with /bin/sh and returns its standard output. */
static char *run_sh(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = xstrdup(""), buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf - 1, p)) > 0) {
		buf[n] = '\0';
		char *next = xasprintf("%s%s", out, buf);
		free(out);
		out = next;
	}
	pclose(p);
	return out;
}

/* The command names every section and quotes every configured value. */
static void test_script_text(void **state)
{
	(void)state;
	struct site s = lab_site("/srv/my backups/it's");
	char *sh = probe_host_script(&s, "/var/lib/postgresql/15/main", PROBE_HOST_CHECK_TIMEOUT_S);
	assert_true(strncmp(sh, "echo 'drprobe 1'; ", 18) == 0);
	assert_non_null(strstr(sh, "/proc/loadavg"));
	assert_non_null(strstr(sh, "df -Pk -- /var/lib/postgresql/15/main "));
	assert_non_null(strstr(sh, "df -Pk -- '/srv/my backups/it'\\''s' "));
	assert_non_null(strstr(sh, "find -H '/srv/my backups/it'\\''s' -maxdepth 1 -type f "
	                           "-name 'db_backup_*.dump' "));
	assert_non_null(strstr(sh, "$T sh -c 'exit 3' </dev/null"));
	assert_non_null(strstr(sh, "$T sh -c 'test \"$(echo '\\''a b'\\'')\" = '\\''a b'\\'''"));
	assert_non_null(strstr(sh, "timeout -k 2 10"));
	const char *tail = "; echo end";
	assert_true(strlen(sh) > strlen(tail) && strcmp(sh + strlen(sh) - strlen(tail), tail) == 0);
	free(sh);
}

/* No data directory: the root filesystem; no backups block: no listing and no backup df. */
static void test_script_defaults(void **state)
{
	(void)state;
	struct site s = lab_site(NULL);
	s.n_services = 0;
	char *sh = probe_host_script(&s, NULL, PROBE_HOST_CHECK_TIMEOUT_S);
	assert_non_null(strstr(sh, "df -Pk -- / "));
	assert_null(strstr(sh, "df backup"));
	assert_null(strstr(sh, "find"));
	assert_null(strstr(sh, "svc"));
	free(sh);
}

/* The lab's real output: load, disks, services, listing, the newest file and the expired ones. */
static void test_parse_lab(void **state)
{
	(void)state;
	struct site s = lab_site("/tmp/drpx/site1/backup");
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	h.rtt_ms = (struct opt_i64){1, 12};
	b.invalid = 1; /* the verification part is the caller's: kept */
	b.unverified = 4;
	parse_ok(LAB_HOST_OUT, &s, LAB_NOW_MS, &h, &b, &files);
	assert_int_equal(h.at_ms, LAB_NOW_MS);
	assert_true(h.ok);
	assert_string_equal(h.error, "");
	assert_true(h.rtt_ms.known);
	assert_int_equal(h.rtt_ms.v, 12);
	assert_true(h.load_known);
	assert_true(h.load1 > 1.41 && h.load1 < 1.43);
	assert_int_equal(h.data_total_bytes.v, 264212084LL * 1024);
	assert_int_equal(h.data_free_bytes.v, 83415728LL * 1024);
	assert_true(h.backup_total_bytes.known && h.backup_free_bytes.known);
	assert_int_equal(h.n_services, 3);
	assert_string_equal(h.services[0].name, "postgresql");
	assert_true(h.services[0].ok);
	assert_int_equal(h.services[0].exit_status, 0);
	assert_false(h.services[1].ok);
	assert_int_equal(h.services[1].exit_status, 3);
	assert_true(h.services[2].ok);

	assert_int_equal(b.at_ms, LAB_NOW_MS);
	assert_true(b.configured);
	assert_true(b.ok);
	assert_int_equal(b.count, 6);
	assert_int_equal(b.total_bytes, 300000 + 5 * 285606);
	assert_string_equal(b.newest_name, "db_backup_with space.dump");
	assert_int_equal(b.newest_bytes, 285606);
	assert_true(b.newest_age_s.known);
	assert_int_equal(b.newest_age_s.v, 47);
	assert_int_equal(b.expired, 2);
	/* The trend: the 4 files within retention by time, the random one second. */
	assert_int_equal(b.n_trend, 4);
	assert_int_equal(b.trend[0], 285606);
	assert_int_equal(b.trend[1], 300000);
	assert_int_equal(b.trend[2], 285606);
	assert_int_equal(b.trend[3], 285606);
	assert_string_equal(b.error,
	                    "1 file skipped for an unusable name (newline or control character)");
	assert_int_equal(b.invalid, 1);
	assert_int_equal(b.unverified, 4);

	assert_int_equal(files.n, 6);
	assert_string_equal(files.items[1].name, "db_backup_with space.dump");
	assert_int_equal(files.items[1].size, 285606);
	assert_int_equal(files.items[1].mtime_s, 1795753153);
	probe_host_files_free(&files);
	assert_int_equal(files.n, 0);
	assert_null(files.items);
}

/* Lines that are missing leave their values unknown; a shell's chatter before the header is
 * skipped. */
static void test_parse_missing_sections(void **state)
{
	(void)state;
	struct site s = lab_site("/backup");
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok("Welcome to db1!\r\ndrprobe 1\r\ntmo 0\r\nsvc 1 1\r\nend\r\n", &s, 5000, &h, &b,
	         &files);
	assert_true(h.ok);
	assert_false(h.load_known);
	assert_false(h.data_free_bytes.known);
	assert_false(h.data_total_bytes.known);
	assert_false(h.backup_free_bytes.known);
	assert_false(h.rtt_ms.known);
	assert_int_equal(h.services[0].exit_status, -1);
	assert_false(h.services[0].ok);
	assert_int_equal(h.services[1].exit_status, 1);
	assert_int_equal(h.services[2].exit_status, -1);
	assert_false(b.ok);
	assert_string_equal(b.error, "the output holds no backup listing");
	assert_false(b.newest_age_s.known);
	assert_int_equal(files.n, 0);
	probe_host_files_free(&files);
}

/* A check killed by timeout(1) did not finish; without timeout(1) 124 is an exit status. */
static void test_parse_timeouts(void **state)
{
	(void)state;
	struct site s = lab_site(NULL);
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok("drprobe 1\ntmo 1\nsvc 0 124\nsvc 1 137\nsvc 2 0\nend\n", &s, 1, &h, &b, &files);
	assert_int_equal(h.services[0].exit_status, -1);
	assert_int_equal(h.services[1].exit_status, -1);
	assert_int_equal(h.services[2].exit_status, 0);
	assert_false(b.configured);
	assert_false(b.ok);
	parse_ok("drprobe 1\ntmo 0\nsvc 0 124\nend\n", &s, 1, &h, &b, &files);
	assert_int_equal(h.services[0].exit_status, 124);
	probe_host_files_free(&files);
}

/* A listing that failed or a folder that is gone: the backups are unknown, not empty. */
static void test_parse_listing_failures(void **state)
{
	(void)state;
	struct site s = lab_site("/backup");
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok("drprobe 1\nbkrc nodir\nend\n", &s, 1, &h, &b, &files);
	assert_false(b.ok);
	assert_string_equal(b.error, "backup folder /backup does not exist");
	parse_ok("drprobe 1\nbk 10 100 db_backup_1.dump\nbkrc 1\nend\n", &s, 1, &h, &b, &files);
	assert_false(b.ok);
	assert_int_equal(b.count, 0);
	assert_false(b.newest_age_s.known);
	assert_int_equal(files.n, 0);
	assert_string_equal(b.error, "listing /backup failed (find exit status 1)");
	/* an empty folder is known to be empty */
	parse_ok("drprobe 1\nbkrc 0\nbkodd 0\nend\n", &s, 1, &h, &b, &files);
	assert_true(b.ok);
	assert_int_equal(b.count, 0);
	assert_false(b.newest_age_s.known);
	assert_string_equal(b.error, "");
}

/* Malformed lines are ignored; an output cut short says so; no header is an error. */
static void test_parse_bad(void **state)
{
	(void)state;
	struct site s = lab_site("/backup");
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok("drprobe 1\nload x\ndf data 1\ndf data -1 2\ndf tmp 1 2\nsvc 9 0\nsvc 0 x\n"
	         "bk 1 2\nbk x 2 a\nbk 1 2 a/b\nbk 1 2 ..\nbk 1 2 ok.dump\nbkrc 0\n",
	         &s, 10000, &h, &b, &files);
	assert_false(h.load_known);
	assert_false(h.data_total_bytes.known);
	assert_int_equal(h.services[0].exit_status, -1);
	assert_string_equal(h.error, "the host probe's output ended early");
	assert_int_equal(b.count, 1);
	assert_int_equal(files.n, 1);
	assert_string_equal(files.items[0].name, "ok.dump");
	assert_string_equal(b.error,
	                    "2 files skipped for an unusable name (newline or control character)");
	probe_host_files_free(&files);

	const char *outs[] = {"", "bash: drprobe: command not found\n", "drprobe 2\nend\n", NULL};
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		char *cause = NULL;
		memset(&h, 0x11, sizeof h);
		files.n = 99;
		assert_int_equal(probe_host_parse(outs[i], &s, 1, &h, &b, &files, &cause), -1);
		assert_non_null(strstr(cause, "no 'drprobe 1' header"));
		free(cause);
		assert_int_equal(h.at_ms, 0x1111111111111111LL);
		assert_int_equal(files.n, 0);
	}
}

/* More services than a snapshot holds: the first ones are run and reported. */
static void test_too_many_services(void **state)
{
	(void)state;
	struct site_service many[SNAPSHOT_MAX_SERVICES + 2];
	for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
		many[i] = (struct site_service){"svc", "true"};
	struct site s = lab_site(NULL);
	s.services = many;
	s.n_services = sizeof many / sizeof many[0];
	char *sh = probe_host_script(&s, NULL, PROBE_HOST_CHECK_TIMEOUT_S);
	char *out = run_sh(sh);
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	parse_ok(out, &s, 1, &h, &b, &files);
	assert_int_equal(h.n_services, SNAPSHOT_MAX_SERVICES);
	for (size_t i = 0; i < h.n_services; i++)
		assert_true(h.services[i].ok);
	probe_host_files_free(&files);
	free(out);
	free(sh);
}

/* Creates dir/name with size bytes and the given mtime. */
static void make_file(const char *dir, const char *name, size_t size, time_t mtime)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < size; i++)
		fputc('x', f);
	fclose(f);
	struct timeval tv[2] = {{mtime, 0}, {mtime, 0}};
	assert_int_equal(utimes(path, tv), 0);
	free(path);
}

/* Removes a scratch folder. */
static void remove_dir(const char *dir)
{
	char *q = shquote(dir);
	char *cmd = xasprintf("rm -rf -- %s", q);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(q);
}

/* The command runs for real under /bin/sh on a scratch folder with awkward names. */
static void test_script_runs(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/drconsole-unit-bk it's-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	time_t now = time(NULL);
	make_file(dir, "db_backup_new.dump", 10, now - 60);
	make_file(dir, "db_backup_two  spaces.dump", 20, now - 2 * 86400);
	make_file(dir, "db_backup_old.dump", 30, now - 40 * 86400);
	make_file(dir, "db_backup_new\nline.dump", 40, now);
	make_file(dir, "db_backup_\033[31mred.dump", 50, now);
	make_file(dir, "other.txt", 60, now);
	char *sub = xasprintf("%s/db_backup_dir.dump", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	struct site s = lab_site(dir);
	struct site_service svc[2] = {{"ok", "true"}, {"missing", "no-such-command-here"}};
	s.services = svc;
	s.n_services = 2;
	char *sh = probe_host_script(&s, dir, PROBE_HOST_CHECK_TIMEOUT_S);
	char *out = run_sh(sh);
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok(out, &s, (int64_t)now * 1000, &h, &b, &files);
	assert_string_equal(h.error, "");
	assert_true(h.load_known);
	assert_true(h.data_total_bytes.known && h.data_free_bytes.known);
	assert_true(h.backup_total_bytes.known);
	assert_true(h.data_free_bytes.v <= h.data_total_bytes.v);
	assert_true(h.services[0].ok);
	assert_int_equal(h.services[1].exit_status, 127);
	assert_true(b.ok);
	assert_int_equal(b.count, 3);
	assert_int_equal(b.total_bytes, 60);
	assert_string_equal(b.newest_name, "db_backup_new.dump");
	assert_int_equal(b.newest_age_s.v, 60);
	assert_int_equal(b.expired, 1);
	assert_string_equal(b.error,
	                    "2 files skipped for an unusable name (newline or control character)");
	probe_host_files_free(&files);
	free(out);
	free(sh);
	free(sub);
	remove_dir(dir);
}

/* Creates n empty files db_backup_NNNNN.dump in dir, file i modified i s after base. */
static void make_many(const char *dir, int n, time_t base)
{
	for (int i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/db_backup_%05d.dump", dir, i);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
		struct timeval tv[2] = {{base + i, 0}, {base + i, 0}};
		assert_int_equal(utimes(path, tv), 0);
	}
}

/*
 * 15,004 files (past the 1 MiB output cap of an exec when listed whole):
 * the answer stays a few kilobytes, lists the newest files newest first,
 * and still counts every file and the expired ones.
 */
static void test_script_many_files(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/drconsole-unit-many-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	time_t now = time(NULL);
	make_many(dir, 15000, now - 15010);
	make_file(dir, "db_backup_old1.dump", 7, now - 40 * 86400);
	make_file(dir, "db_backup_old2.dump", 7, now - 41 * 86400);
	make_file(dir, "db_backup_with  spaces.dump", 5, now - 1);
	make_file(dir, "db_backup_\033[31mred.dump", 50, now - 2);
	struct site s = lab_site(dir);
	s.n_services = 0;
	char *sh = probe_host_script(&s, dir, PROBE_HOST_CHECK_TIMEOUT_S);
	char *out = run_sh(sh);
	assert_true(strlen(out) < 8192);
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok(out, &s, (int64_t)now * 1000, &h, &b, &files);
	assert_string_equal(h.error, "");
	assert_true(b.ok);
	assert_int_equal(b.count, 15003);
	assert_int_equal(b.total_bytes, 19);
	assert_int_equal(b.expired, 2);
	assert_int_equal(files.n, PROBE_HOST_LISTED - 1); /* the red one is not usable */
	assert_string_equal(files.items[0].name, "db_backup_with  spaces.dump");
	assert_string_equal(files.items[1].name, "db_backup_14999.dump");
	assert_string_equal(b.newest_name, "db_backup_with  spaces.dump");
	assert_int_equal(b.newest_age_s.v, 1);
	assert_int_equal(b.n_trend, SNAPSHOT_MAX_TREND);
	probe_host_files_free(&files);
	free(out);
	free(sh);
	remove_dir(dir);
}

/* A folder whose listing outlasts the probe's time is said to be too large, in words. */
static void test_script_listing_too_slow(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/drconsole-unit-slow-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	/* A find that prints one file, then hangs as on a huge folder. */
	char *fake = xasprintf("%s/find", dir);
	FILE *f = fopen(fake, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nprintf '1700000000.5 12 db_backup_a.dump\\n'\nexec sleep 5\n", f);
	fclose(f);
	assert_int_equal(chmod(fake, 0755), 0);
	struct site s = lab_site(dir);
	s.n_services = 0;
	char *sh = probe_host_script(&s, NULL, 1);
	char *q = shquote(dir);
	char *cmd = xasprintf("PATH=%s:$PATH; %s", q, sh);
	char *out = run_sh(cmd);
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok(out, &s, 1700000001000LL, &h, &b, &files);
	assert_string_equal(h.error, "");
	assert_false(b.ok);
	char *want = xasprintf("backup folder %s is too large to list in the probe's time (1 "
	                       "matching files seen before it ran out)",
	                       dir);
	assert_string_equal(b.error, want);
	probe_host_files_free(&files);
	free(want);
	free(out);
	free(cmd);
	free(q);
	free(sh);
	free(fake);
	remove_dir(dir);
}

/* Writes an executable script NAME in dir that hangs (as df, find or a check on a hung NFS mount). */
static char *make_hang(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexec sleep 5\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

/*
 * df, the listing and a service check all hang (a hung NFS mount): each is
 * bounded by the check timeout and they run side by side, so the probe ends
 * in about one check timeout, not the sum, and says what it knows.
 */
static void test_script_everything_hangs(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/drconsole-unit-hang-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *fakes[3] = {make_hang(dir, "df"), make_hang(dir, "find"), make_hang(dir, "hangcheck")};
	struct site s = lab_site(dir);
	struct site_service svc[2] = {{"hangs", "hangcheck"}, {"ok", "true"}};
	s.services = svc;
	s.n_services = 2;
	char *sh = probe_host_script(&s, dir, 1);
	char *q = shquote(dir);
	char *cmd = xasprintf("PATH=%s:$PATH; %s", q, sh);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *out = run_sh(cmd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# every section hanging, check timeout 1 s: the probe took %.2f s\n", took);
	assert_true(took < 2.5); /* one after the other: 4 s and more */
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok(out, &s, 1700000001000LL, &h, &b, &files);
	assert_string_equal(h.error, ""); /* "end" came */
	assert_true(h.load_known);
	assert_false(h.data_total_bytes.known);
	assert_false(h.backup_total_bytes.known);
	assert_int_equal(h.services[0].exit_status, -1); /* timed out */
	assert_true(h.services[1].ok);
	assert_false(b.ok);
	probe_host_files_free(&files);
	for (int i = 0; i < 3; i++)
		free(fakes[i]);
	free(out);
	free(cmd);
	free(q);
	free(sh);
	remove_dir(dir);
}

/* Sections fail alone: missing folders leave their values unknown and the rest still answers. */
static void test_script_sections_independent(void **state)
{
	(void)state;
	struct site s = lab_site("/nonexistent/drconsole/backup");
	struct site_service svc[2] = {{"slow-fail", "echo noise; echo err >&2; exit 7"},
	                              {"ok", "true"}};
	s.services = svc;
	s.n_services = 2;
	char *sh = probe_host_script(&s, "/nonexistent/drconsole/data", PROBE_HOST_CHECK_TIMEOUT_S);
	assert_null(strchr(sh, '\n'));
	char *out = run_sh(sh);
	struct snap_health h;
	struct snap_backups b;
	struct probe_host_files files;
	memset(&h, 0, sizeof h);
	memset(&b, 0, sizeof b);
	parse_ok(out, &s, 1000, &h, &b, &files);
	assert_string_equal(h.error, "");
	assert_true(h.load_known);
	assert_false(h.data_total_bytes.known);
	assert_false(h.data_free_bytes.known);
	assert_false(h.backup_total_bytes.known);
	assert_int_equal(h.services[0].exit_status, 7);
	assert_true(h.services[1].ok);
	assert_false(b.ok);
	assert_string_equal(b.error, "backup folder /nonexistent/drconsole/backup does not exist");
	probe_host_files_free(&files);
	free(out);
	free(sh);
}

/* The backup check quotes each path, refuses names that leave the folder, and is bounded. */
static void test_verify_text(void **state)
{
	(void)state;
	struct site s = lab_site("/srv/b");
	const char *names[] = {"db_backup_1.dump", "with space's.dump", "../../etc/passwd", "",
	                       "a\nb"};
	char *sh = probe_host_verify_script(&s, names, 5);
	assert_true(strncmp(sh, "echo 'drverify 1'; ", 19) == 0);
	assert_non_null(strstr(sh, "timeout -k 2 60"));
	assert_non_null(strstr(sh, "$T pg_restore --list /srv/b/db_backup_1.dump >/dev/null"));
	assert_non_null(strstr(sh, "$T pg_restore --list '/srv/b/with space'\\''s.dump' >"));
	assert_non_null(strstr(sh, "echo 'v 2 bad'; echo 'v 3 bad'; echo 'v 4 bad'; "));
	assert_null(strstr(sh, "passwd"));
	free(sh);
	s.backups.dir = NULL;
	sh = probe_host_verify_script(&s, names, 1);
	assert_null(strstr(sh, "pg_restore"));
	free(sh);
}

/* The lab's real answer: random bytes invalid, real dumps valid, gone files missing. */
static void test_verify_parse_lab(void **state)
{
	(void)state;
	enum probe_verify r[6];
	char *cause = NULL;
	assert_int_equal(probe_host_verify_parse(LAB_VERIFY_OUT, 6, r, &cause), 2);
	assert_int_equal(r[0], PROBE_VERIFY_MISSING);
	assert_int_equal(r[1], PROBE_VERIFY_INVALID);
	assert_int_equal(r[2], PROBE_VERIFY_VALID);
	assert_int_equal(r[3], PROBE_VERIFY_VALID);
	assert_int_equal(r[4], PROBE_VERIFY_MISSING);
	assert_int_equal(r[5], PROBE_VERIFY_UNKNOWN);
	assert_string_equal(probe_host_verify_name(r[1]), "invalid");
	assert_string_equal(probe_host_verify_name(r[2]), "valid");
	assert_string_equal(probe_host_verify_name(r[4]), "missing");
	assert_string_equal(probe_host_verify_name(r[5]), "unknown");
}

/* Statuses that say nothing about the file (no pg_restore, timed out) are unknown, not invalid. */
static void test_verify_parse_unknowns(void **state)
{
	(void)state;
	enum probe_verify r[5];
	char *cause = NULL;
	assert_int_equal(probe_host_verify_parse("drverify 1\ntmo 1\nv 0 127\nv 1 126\nv 2 124\n"
	                                         "v 9 0\nv x 0\nv 3 junk\nend\n",
	                                         5, r, &cause),
	                 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(r[i], PROBE_VERIFY_UNKNOWN);
	assert_int_equal(probe_host_verify_parse("drverify 1\ntmo 0\nv 0 124\n", 1, r, &cause), 0);
	assert_int_equal(r[0], PROBE_VERIFY_INVALID);
	assert_int_equal(probe_host_verify_parse("drprobe 1\nv 0 0\n", 1, r, &cause), -1);
	assert_non_null(strstr(cause, "no 'drverify 1' header"));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_script_text),
	    cmocka_unit_test(test_script_defaults),
	    cmocka_unit_test(test_parse_lab),
	    cmocka_unit_test(test_parse_missing_sections),
	    cmocka_unit_test(test_parse_timeouts),
	    cmocka_unit_test(test_parse_listing_failures),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_too_many_services),
	    cmocka_unit_test(test_script_runs),
	    cmocka_unit_test(test_script_many_files),
	    cmocka_unit_test(test_script_listing_too_slow),
	    cmocka_unit_test(test_script_everything_hangs),
	    cmocka_unit_test(test_script_sections_independent),
	    cmocka_unit_test(test_verify_text),
	    cmocka_unit_test(test_verify_parse_lab),
	    cmocka_unit_test(test_verify_parse_unknowns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
