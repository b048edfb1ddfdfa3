/*
 * The host probe. probe_host_script() writes one POSIX sh command that prints
 * one line per fact, each led by a keyword:
 *
 *   drprobe 1                   header (lines before it, from a chatty shell
 *                               startup file, are ignored)
 *   tmo 1|0                     whether checks run under timeout(1)
 *   load 0.12                   1-minute load from /proc/loadavg
 *   df data|backup TOTAL AVAIL  df -Pk, in KiB, of the data and backup folders
 *   svc I STATUS                exit status of configured service check I
 *   bk SIZE MTIME NAME          one of the newest backup files, newest first
 *                               (name last: it may hold spaces)
 *   bkn COUNT BYTES EXPIRED     every matching file: how many, their size, and
 *                               how many are older than retention_days
 *   bkodd N                     files skipped for a newline in their name
 *   bkrc STATUS|nodir           how the listing ended (124 or 137: out of time)
 *   end                         the output is complete
 *
 * Sections run without "set -e" (df and the service checks in the
 * background, beside the listing, each bounded by $T, so the probe takes
 * about one check timeout however many of them hang), each with its stderr
 * thrown away, so one failing never hides the next; a missing line leaves its
 * value unknown. The command is one line (a name with a newline is matched
 * through $N, which holds one). Every configured value is shell-quoted; a service check is
 * the operator's own shell text, run with sh -c.
 *
 * probe_host_verify_script() checks named backup files with pg_restore --list
 * and prints "v I STATUS" (or "v I missing", "v I bad") per file.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_host.h"
#include "shquote.h"
#include "xmalloc.h"

/* Exit status of timeout(1) when the command ran out of time, and when it had to be killed. */
#define PROBE_HOST_TIMED_OUT 124
#define PROBE_HOST_KILLED    137

/* Appends formatted text to a growing string. */
__attribute__((format(printf, 2, 3))) static void probe_host_add(char **buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *more = xvasprintf(fmt, ap);
	va_end(ap);
	char *joined = xasprintf("%s%s", *buf ? *buf : "", more);
	free(more);
	free(*buf);
	*buf = joined;
}

/*
 * Appends the header and sets $T to a timeout(1) prefix of the given seconds
 * (with a kill two seconds later where supported), or to nothing when the host
 * has no timeout(1); prints whether it has one.
 */
static void probe_host_prologue(char **buf, const char *header, int seconds)
{
	probe_host_add(buf,
	               "echo '%s 1'; "
	               "if timeout -k 1 5 true >/dev/null 2>&1; then T='timeout -k 2 %d'; "
	               "elif command -v timeout >/dev/null 2>&1; then T='timeout %d'; "
	               "else T=; fi; "
	               "if [ -n \"$T\" ]; then echo 'tmo 1'; else echo 'tmo 0'; fi; ",
	               header, seconds, seconds);
}

/*
 * Appends the df line of one folder (KiB total and available; the name may
 * hold spaces), bounded by $T (a hung NFS mount hangs df) and run in the
 * background, beside the other sections.
 */
static void probe_host_add_df(char **buf, const char *key, const char *dir)
{
	char *q = shquote(dir);
	probe_host_add(buf,
	               "( $T df -Pk -- %s 2>/dev/null | awk 'NR > 1 { for (i = 5; i <= NF; i++) "
	               "if ($i ~ /^[0-9]+%%$/ || $i == \"-\") { print \"df %s\", $(i-3), $(i-1); "
	               "exit } }' ) & ",
	               q, key);
	free(q);
}

/*
 * Appends every service check, each bounded by $T, with its exit status. The
 * checks run side by side (and beside df and the listing), so together they
 * take no longer than the slowest.
 */
static void probe_host_add_services(char **buf, const struct site *s)
{
	for (size_t i = 0; i < s->n_services && i < SNAPSHOT_MAX_SERVICES; i++) {
		char *q = shquote(s->services[i].check ? s->services[i].check : "false");
		probe_host_add(buf,
		               "( $T sh -c %s </dev/null >/dev/null 2>&1; echo \"svc %zu $?\" ) & ",
		               q, i);
		free(q);
	}
}

/*
 * Appends the backup folder listing, bounded whatever the folder holds: one
 * find (under $T) prints "MTIME SIZE NAME" per matching file ("O" for a name
 * with a newline) and then its exit status; sort puts the newest first, and
 * awk prints the newest PROBE_HOST_LISTED files and the totals (count, bytes,
 * older than retention by the site's clock). A folder of 100,000 files costs
 * the same few kilobytes of output as one of ten. awk writes each line
 * with a write of its own, so the lines of the sections running beside it
 * (one write each) never land inside one of its lines.
 */
static void probe_host_add_listing(char **buf, const struct site *s)
{
	char *dir = shquote(s->backups.dir);
	char *pat = shquote(s->backups.pattern ? s->backups.pattern : "*");
	long keep_s = s->backups.retention_days > 0 ? (long)s->backups.retention_days * 86400 : 0;
	probe_host_add(
	    buf,
	    "if [ -d %s ]; then N=$(printf '\\n_'); N=${N%%_}; C=0; "
	    "[ %ld -gt 0 ] && C=$(( $(date +%%s) - %ld )); "
	    "{ $T find -H %s -maxdepth 1 -type f -name %s \\( -name \"*$N*\" -printf "
	    "'O\\n' -o -printf '%%T@ %%s %%f\\n' \\) 2>/dev/null; echo \"X $?\"; } | "
	    "LC_ALL=C sort -k1,1nr 2>/dev/null | LC_ALL=C awk -v k=%d -v c=\"$C\" '"
	    "$1 == \"X\" { rc = $2; next } $1 == \"O\" { odd++; next } "
	    "{ n++; s += $2; if (c > 0 && $1 < c) ex++; "
	    "if (n <= k) { print \"bk\", $2, $1, substr($0, length($1) + length($2) + 3); "
	    "fflush() } } "
	    "END { printf \"bkn %%d %%.0f %%d\\n\", n, s, ex; fflush(); print \"bkodd\", odd + 0; "
	    "fflush(); print \"bkrc\", rc == \"\" ? \"?\" : rc }'; "
	    "else echo 'bkrc nodir'; fi; ",
	    dir, keep_s, keep_s, dir, pat, PROBE_HOST_LISTED);
	free(dir);
	free(pat);
}

/*
 * Returns the host probe command for a site (data_dir NULL: the root
 * filesystem); each service check may take check_timeout_s seconds.
 */
char *probe_host_script(const struct site *s, const char *data_dir, int check_timeout_s)
{
	char *buf = NULL;
	probe_host_prologue(&buf, "drprobe", check_timeout_s > 0 ? check_timeout_s : 1);
	probe_host_add(&buf, "awk '{ print \"load\", $1 }' /proc/loadavg 2>/dev/null; ");
	probe_host_add_df(&buf, "data", data_dir && *data_dir ? data_dir : "/");
	if (s->backups.dir != NULL)
		probe_host_add_df(&buf, "backup", s->backups.dir);
	probe_host_add_services(&buf, s);
	if (s->backups.dir != NULL)
		probe_host_add_listing(&buf, s);
	probe_host_add(&buf, "wait; echo end");
	return buf;
}

/* Reads a whole number at *p (optionally followed by a fraction, dropped) and moves past it. */
static int probe_host_num(const char **p, int64_t *v, int fraction)
{
	const char *q = *p;
	int64_t n = 0;
	if (*q < '0' || *q > '9')
		return -1;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*q - '0');
	}
	if (fraction && *q == '.')
		for (q++; *q >= '0' && *q <= '9'; q++)
			;
	*p = q;
	*v = n;
	return 0;
}

/* Reads a number that must be followed by one space (more follows) or the end. */
static int probe_host_field(const char **p, int64_t *v, int fraction, int last)
{
	if (probe_host_num(p, v, fraction) != 0)
		return -1;
	if (last)
		return **p == '\0' ? 0 : -1;
	if (**p != ' ')
		return -1;
	(*p)++;
	return 0;
}

/* Tells whether a file name is usable: not empty, no '/', no control character, not . or .. */
static int probe_host_name_ok(const char *name)
{
	if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Parse state shared by the line handlers. */
struct probe_host_parse {
	const struct site *site;
	int64_t now_ms;
	struct snap_health *h;
	struct snap_backups *b;
	struct probe_host_files *files;
	int timeout_used;
	int listing_seen;
	int64_t odd_names;
	int ended;
	int totals_seen;                  /* a "bkn" line came ... */
	int64_t count, bytes, expired;    /* ... with these totals */
	int64_t rejected, rejected_bytes; /* listed files whose name is unusable */
};

/* Handles "load X". */
static void probe_host_load(struct probe_host_parse *ps, const char *rest)
{
	char *end;
	errno = 0;
	double v = strtod(rest, &end);
	if (errno == 0 && end != rest && *end == '\0' && v >= 0) {
		ps->h->load1 = v;
		ps->h->load_known = 1;
	}
}

/* Handles "df data|backup TOTAL AVAIL" (KiB). */
static void probe_host_df(struct probe_host_parse *ps, const char *rest)
{
	struct opt_i64 *total, *avail;
	if (strncmp(rest, "data ", 5) == 0) {
		total = &ps->h->data_total_bytes;
		avail = &ps->h->data_free_bytes;
		rest += 5;
	} else if (strncmp(rest, "backup ", 7) == 0) {
		total = &ps->h->backup_total_bytes;
		avail = &ps->h->backup_free_bytes;
		rest += 7;
	} else {
		return;
	}
	int64_t t, a;
	if (probe_host_field(&rest, &t, 0, 0) != 0 || probe_host_field(&rest, &a, 0, 1) != 0 ||
	    t > INT64_MAX / 1024)
		return;
	*total = (struct opt_i64){1, t * 1024};
	*avail = (struct opt_i64){1, a * 1024};
}

/* Handles "svc I STATUS". */
static void probe_host_svc(struct probe_host_parse *ps, const char *rest)
{
	int64_t i, st;
	if (probe_host_field(&rest, &i, 0, 0) != 0 || probe_host_field(&rest, &st, 0, 1) != 0 ||
	    i < 0 || (size_t)i >= ps->h->n_services)
		return;
	struct snap_service *svc = &ps->h->services[i];
	int timed_out = ps->timeout_used && (st == PROBE_HOST_TIMED_OUT || st == PROBE_HOST_KILLED);
	svc->exit_status = timed_out ? -1 : (int)st;
	svc->ok = st == 0;
}

/* Handles "bk SIZE MTIME NAME": one more file in the listing. */
static void probe_host_bk(struct probe_host_parse *ps, const char *rest)
{
	int64_t size, mtime;
	if (probe_host_field(&rest, &size, 0, 0) != 0 || probe_host_field(&rest, &mtime, 1, 0) != 0)
		return;
	if (!probe_host_name_ok(rest)) {
		ps->odd_names++;
		ps->rejected++;
		ps->rejected_bytes += size;
		return;
	}
	struct probe_host_files *f = ps->files;
	f->items = xreallocarray(f->items, f->n + 1, sizeof *f->items);
	f->items[f->n++] = (struct probe_host_file){xstrdup(rest), size, mtime};
}

/* Handles "bkrc STATUS|nodir": whether the listing worked. */
static void probe_host_bkrc(struct probe_host_parse *ps, const char *rest)
{
	struct snap_backups *b = ps->b;
	ps->listing_seen = 1;
	b->ok = strcmp(rest, "0") == 0;
	if (strcmp(rest, "nodir") == 0)
		snprintf(b->error, sizeof b->error, "backup folder %s does not exist",
		         ps->site->backups.dir);
	else if (ps->timeout_used && (strcmp(rest, "124") == 0 || strcmp(rest, "137") == 0))
		snprintf(b->error, sizeof b->error,
		         "backup folder %s is too large to list in the probe's time (%lld matching "
		         "files seen before it ran out)",
		         ps->site->backups.dir, (long long)ps->count);
	else if (!b->ok)
		snprintf(b->error, sizeof b->error, "listing %s failed (find exit status %.8s)",
		         ps->site->backups.dir, rest);
}

/* Handles "bkn COUNT BYTES EXPIRED": the totals over every matching file. */
static void probe_host_bkn(struct probe_host_parse *ps, const char *rest)
{
	int64_t n, bytes, expired;
	if (probe_host_field(&rest, &n, 0, 0) != 0 || probe_host_field(&rest, &bytes, 0, 0) != 0 ||
	    probe_host_field(&rest, &expired, 0, 1) != 0)
		return;
	ps->totals_seen = 1;
	ps->count = n;
	ps->bytes = bytes;
	ps->expired = expired;
}

/* Handles "bkodd N". */
static void probe_host_bkodd(struct probe_host_parse *ps, const char *rest)
{
	int64_t n;
	if (probe_host_field(&rest, &n, 0, 1) == 0)
		ps->odd_names += n;
}

/* Dispatches one output line on its keyword. */
static void probe_host_line(struct probe_host_parse *ps, const char *line)
{
	static const struct {
		const char *key;
		void (*fn)(struct probe_host_parse *, const char *);
	} handlers[] = {{"load ", probe_host_load}, {"df ", probe_host_df},
	                {"svc ", probe_host_svc},   {"bk ", probe_host_bk},
	                {"bkrc ", probe_host_bkrc}, {"bkodd ", probe_host_bkodd},
	                {"bkn ", probe_host_bkn}};
	if (strcmp(line, "tmo 1") == 0)
		ps->timeout_used = 1;
	else if (strcmp(line, "end") == 0)
		ps->ended = 1;
	for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
		size_t n = strlen(handlers[i].key);
		if (strncmp(line, handlers[i].key, n) == 0) {
			handlers[i].fn(ps, line + n);
			return;
		}
	}
}

/* Returns what follows a "HEADER 1" line (a copy, to cut into lines), or NULL. */
static char *probe_host_body(const char *out, const char *header)
{
	size_t n = strlen(header);
	for (const char *p = out ? out : ""; *p != '\0';) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		size_t bare = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
		if (bare == n + 2 && strncmp(p, header, n) == 0 && strncmp(p + n, " 1", 2) == 0)
			return xstrdup(eol ? eol + 1 : "");
		p += len + (eol != NULL);
	}
	return NULL;
}

/* Calls fn on each line of body (which it cuts up). */
static void probe_host_each_line(char *body, void (*fn)(void *, const char *), void *arg)
{
	char *save = NULL;
	for (char *line = strtok_r(body, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		fn(arg, line);
	}
}

/* Adapts probe_host_line to probe_host_each_line. */
static void probe_host_line_cb(void *arg, const char *line)
{
	probe_host_line(arg, line);
}

/* Prepares health: services named and not yet answered (-1); rtt_ms is kept. */
static void probe_host_health_init(struct snap_health *h, const struct site *s, int64_t now)
{
	struct opt_i64 rtt = h->rtt_ms;
	memset(h, 0, sizeof *h);
	h->rtt_ms = rtt;
	h->at_ms = now;
	h->ok = 1;
	h->n_services =
	    s->n_services < SNAPSHOT_MAX_SERVICES ? s->n_services : SNAPSHOT_MAX_SERVICES;
	for (size_t i = 0; i < h->n_services; i++) {
		snprintf(h->services[i].name, sizeof h->services[i].name, "%s",
		         s->services[i].name ? s->services[i].name : "?");
		h->services[i].exit_status = -1;
	}
}

/* Prepares the listing part of backups; the verification part (invalid, unverified) is kept. */
static void probe_host_backups_init(struct snap_backups *b, const struct site *s, int64_t now)
{
	b->at_ms = now;
	b->ok = 0;
	b->error[0] = '\0';
	b->configured = s->backups.dir != NULL;
	b->count = 0;
	b->total_bytes = 0;
	b->newest_age_s = (struct opt_i64){0, 0};
	b->newest_name[0] = '\0';
	b->newest_bytes = 0;
	b->newest_mtime_s = (struct opt_i64){0, 0};
	b->expired = 0;
	b->n_trend = 0;
}

/* Orders backup files by modification time, then name. */
static int probe_host_file_cmp(const void *pa, const void *pb)
{
	const struct probe_host_file *a = *(const struct probe_host_file *const *)pa;
	const struct probe_host_file *b = *(const struct probe_host_file *const *)pb;
	if (a->mtime_s != b->mtime_s)
		return a->mtime_s < b->mtime_s ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Keeps the sizes of the newest backups within retention, oldest first (all when no retention). */
static void probe_host_backups_trend(struct snap_backups *b, const struct probe_host_files *f,
                                     int64_t now_s, int64_t keep_s)
{
	const struct probe_host_file **kept = xcalloc(f->n ? f->n : 1, sizeof *kept);
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (keep_s <= 0 || now_s - f->items[i].mtime_s <= keep_s)
			kept[n++] = &f->items[i];
	qsort(kept, n, sizeof *kept, probe_host_file_cmp);
	size_t from = n > SNAPSHOT_MAX_TREND ? n - SNAPSHOT_MAX_TREND : 0;
	for (size_t i = from; i < n; i++)
		b->trend[b->n_trend++] = kept[i]->size;
	free(kept);
}

/* Computes count, size, newest and expired from the listing. */
static void probe_host_backups_sum(struct snap_backups *b, const struct site *s,
                                   const struct probe_host_files *f, int64_t now_ms)
{
	const struct probe_host_file *newest = NULL;
	int64_t now_s = now_ms / 1000;
	int64_t keep_s = (int64_t)s->backups.retention_days * 86400;
	for (size_t i = 0; i < f->n; i++) {
		const struct probe_host_file *it = &f->items[i];
		b->count++;
		b->total_bytes += it->size;
		if (keep_s > 0 && now_s - it->mtime_s > keep_s)
			b->expired++;
		if (newest == NULL || probe_host_file_cmp(&it, &newest) > 0)
			newest = it;
	}
	probe_host_backups_trend(b, f, now_s, keep_s);
	if (newest == NULL)
		return;
	int64_t age = now_s - newest->mtime_s;
	b->newest_age_s = (struct opt_i64){1, age < 0 ? 0 : age};
	snprintf(b->newest_name, sizeof b->newest_name, "%s", newest->name);
	b->newest_bytes = newest->size;
	b->newest_mtime_s = (struct opt_i64){1, newest->mtime_s};
}

/* Settles the backups once every line is read. */
static void probe_host_backups_finish(struct probe_host_parse *ps)
{
	struct snap_backups *b = ps->b;
	if (!b->configured)
		return;
	if (!ps->listing_seen)
		snprintf(b->error, sizeof b->error, "the output holds no backup listing");
	if (!b->ok) {
		probe_host_files_free(ps->files);
		return;
	}
	probe_host_backups_sum(b, ps->site, ps->files, ps->now_ms);
	if (ps->totals_seen) {
		/* Only the newest files are listed: the totals are the site's. */
		b->count = (int)(ps->count - ps->rejected);
		b->total_bytes = ps->bytes - ps->rejected_bytes;
		b->expired = (int)ps->expired;
	}
	if (ps->odd_names > 0)
		snprintf(b->error, sizeof b->error,
		         "%lld file%s skipped for an unusable name (newline or control character)",
		         (long long)ps->odd_names, ps->odd_names == 1 ? "" : "s");
}

/*
 * Parses the host probe's output into health, the listing part of backups
 * (the verification part is left as it was) and the file list (free it with
 * probe_host_files_free, also after a failure). Values with no line in the
 * output stay unknown. Returns 0, or -1 with *cause when the output is not the
 * probe's at all (h and b then untouched).
 */
int probe_host_parse(const char *out, const struct site *s, int64_t now_wall_ms,
                     struct snap_health *h, struct snap_backups *b, struct probe_host_files *files,
                     char **cause)
{
	files->items = NULL;
	files->n = 0;
	char *body = probe_host_body(out, "drprobe");
	if (body == NULL) {
		*cause = xstrdup("the host probe printed no 'drprobe 1' header: the remote shell "
		                 "did not run it");
		return -1;
	}
	probe_host_health_init(h, s, now_wall_ms);
	probe_host_backups_init(b, s, now_wall_ms);
	struct probe_host_parse ps = {
	    .site = s, .now_ms = now_wall_ms, .h = h, .b = b, .files = files};
	probe_host_each_line(body, probe_host_line_cb, &ps);
	free(body);
	if (!ps.ended)
		snprintf(h->error, sizeof h->error, "the host probe's output ended early");
	probe_host_backups_finish(&ps);
	return 0;
}

/* Frees the file list. */
void probe_host_files_free(struct probe_host_files *files)
{
	for (size_t i = 0; i < files->n; i++)
		free(files->items[i].name);
	free(files->items);
	files->items = NULL;
	files->n = 0;
}

/* Appends the pg_restore --list check of one named file. */
static void probe_host_add_verify(char **buf, const char *dir, const char *name, size_t i)
{
	if (!probe_host_name_ok(name)) {
		probe_host_add(buf, "echo 'v %zu bad'; ", i);
		return;
	}
	char *path = xasprintf("%s/%s", dir, name);
	char *q = shquote(path);
	probe_host_add(buf,
	               "if [ -f %s ]; then $T pg_restore --list %s >/dev/null 2>&1; "
	               "echo \"v %zu $?\"; else echo 'v %zu missing'; fi; ",
	               q, q, i, i);
	free(q);
	free(path);
}

/* Returns one command that runs pg_restore --list on each named file of the backup folder. */
char *probe_host_verify_script(const struct site *s, const char *const *names, size_t n)
{
	char *buf = NULL;
	probe_host_prologue(&buf, "drverify", PROBE_HOST_VERIFY_TIMEOUT_S);
	for (size_t i = 0; i < n && s->backups.dir != NULL; i++)
		probe_host_add_verify(&buf, s->backups.dir, names[i], i);
	probe_host_add(&buf, "echo end");
	return buf;
}

/* Verification parse state. */
struct probe_host_vparse {
	size_t n;
	enum probe_verify *results;
	int timeout_used;
};

/* Maps one exit status of pg_restore --list (run under $T) to a result. */
static enum probe_verify probe_host_verify_status(int64_t st, int timeout_used)
{
	if (st == 0)
		return PROBE_VERIFY_VALID;
	if (st == 126 || st == 127 ||
	    (timeout_used && (st == PROBE_HOST_TIMED_OUT || st == PROBE_HOST_KILLED)))
		return PROBE_VERIFY_UNKNOWN;
	return PROBE_VERIFY_INVALID;
}

/* Handles one line of the verification output. */
static void probe_host_vline(void *arg, const char *line)
{
	struct probe_host_vparse *vp = arg;
	int64_t i, st;
	if (strcmp(line, "tmo 1") == 0)
		vp->timeout_used = 1;
	if (strncmp(line, "v ", 2) != 0)
		return;
	line += 2;
	if (probe_host_field(&line, &i, 0, 0) != 0 || i < 0 || (size_t)i >= vp->n)
		return;
	if (strcmp(line, "missing") == 0)
		vp->results[i] = PROBE_VERIFY_MISSING;
	else if (probe_host_field(&line, &st, 0, 1) == 0)
		vp->results[i] = probe_host_verify_status(st, vp->timeout_used);
}

/*
 * Parses the verification output into results[0..n-1] (a file with no line
 * stays unknown). Returns how many passed, or -1 with *cause when the output
 * is not the verification's.
 */
int probe_host_verify_parse(const char *out, size_t n, enum probe_verify *results, char **cause)
{
	for (size_t i = 0; i < n; i++)
		results[i] = PROBE_VERIFY_UNKNOWN;
	char *body = probe_host_body(out, "drverify");
	if (body == NULL) {
		*cause = xstrdup("the backup check printed no 'drverify 1' header: the remote "
		                 "shell did not run it");
		return -1;
	}
	struct probe_host_vparse vp = {n, results, 0};
	probe_host_each_line(body, probe_host_vline, &vp);
	free(body);
	int passed = 0;
	for (size_t i = 0; i < n; i++)
		passed += results[i] == PROBE_VERIFY_VALID;
	return passed;
}

/* Returns a word for a verification result ("valid", "invalid", "missing", "unknown"). */
const char *probe_host_verify_name(enum probe_verify v)
{
	switch (v) {
	case PROBE_VERIFY_VALID:
		return "valid";
	case PROBE_VERIFY_INVALID:
		return "invalid";
	case PROBE_VERIFY_MISSING:
		return "missing";
	default:
		return "unknown";
	}
}
