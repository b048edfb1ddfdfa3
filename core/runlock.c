/*
 * One recovery run at a time per target, held by two locks that both name
 * their owner (operator, host, pid, start, run id, terminal, SSH client).
 *
 * The jump-host lock is <state_dir>/locks/<target>.lock, locked with
 * flock(LOCK_EX | LOCK_NB) through a descriptor kept open for the whole run.
 * The kernel drops a flock when its holder dies, however it dies, so this
 * lock is never stale: whoever cannot take it is refused because a live
 * process holds it. The owner written into the file is there for the
 * refusal's message only. A holder that died leaves its owner behind, which
 * the next acquirer reports as the previous holder; a clean release empties
 * the file. The file itself is never removed: removing a flock'ed file lets
 * a second console lock a new file of the same name while the first still
 * holds the old one. The descriptor is O_CLOEXEC, so programs the console
 * starts do not inherit the lock (a child forked without exec shares it).
 *
 * The DR-site lock's commands are in runlock_site.c.
 *
 * Whether a run is live, run by a console now, is read from these locks
 * (runlock_run_live): a lock whose owner names the run and that a process
 * holds.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "durable.h"
#include "runlock.h"
#include "runlock_int.h"
#include "utf8.h"
#include "xmalloc.h"

/* Longest lock file name kept from a target, in bytes (room left for ".lock"). */
#define RUNLOCK_NAME_MAX 200

/* Most bytes of owner read back from a jump-host lock file. */
#define RUNLOCK_CONTENT_MAX 4096

/* Tries, 5 ms apart, to find a holder's owner written (it writes right after its flock). */
#define RUNLOCK_READ_TRIES 20

/*
 * Copies s into out (size bytes, cut only between characters). Bytes that are
 * not UTF-8 and control characters become '_'; in a file name, so do '/' and
 * leading dots. Returns the length copied.
 */
size_t runlock_clean(char *out, size_t size, const char *s, int file_name)
{
	size_t len = strlen(s), o = 0;
	int leading = 1;
	for (size_t i = 0; i < len;) {
		unsigned int cp = 0;
		int n = utf8_decode(s + i, len - i, &cp);
		int bad = n < 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		          (file_name && (cp == '/' || (leading && cp == '.')));
		size_t w = bad ? 1 : (size_t)n;
		if (o + w >= size)
			break;
		if (bad)
			out[o] = '_';
		else
			memcpy(out + o, s + i, w);
		leading = leading && n > 0 && cp == '.';
		o += w;
		i += n < 0 ? 1 : (size_t)n;
	}
	out[o] = '\0';
	return o;
}

/* Returns the first of a and b that is set and not empty, else fallback. */
static const char *runlock_first(const char *a, const char *b, const char *fallback)
{
	if (a != NULL && *a != '\0')
		return a;
	return b != NULL && *b != '\0' ? b : fallback;
}

/* Returns target made into a safe file name, UTF-8 letters kept (newly allocated). */
char *runlock_name(const char *target)
{
	char buf[RUNLOCK_NAME_MAX + 1];
	if (runlock_clean(buf, sizeof buf, target ? target : "", 1) == 0)
		return xstrdup("_");
	return xstrdup(buf);
}

/* Copies the client address, the first field of $SSH_CONNECTION, or "local". */
static void runlock_origin(char *out, size_t size, const char *ssh_connection)
{
	const char *s = ssh_connection ? ssh_connection : "";
	size_t n = strcspn(s, " \t");
	char *first = xstrndup(s, n);
	if (runlock_clean(out, size, first, 0) == 0)
		snprintf(out, size, "local");
	free(first);
}

/* Fills me from env (pure: tests pass made-up values). */
void runlock_owner_fill(struct runlock_owner *me, const struct runlock_env *env, const char *run_id)
{
	memset(me, 0, sizeof *me);
	runlock_clean(me->operator, sizeof me->operator,
	              runlock_first(env->user, env->login, "unknown"), 0);
	runlock_clean(me->host, sizeof me->host, runlock_first(env->host, NULL, "unknown"), 0);
	me->pid = env->pid;
	me->started_ms = env->now_ms;
	runlock_clean(me->run, sizeof me->run, run_id ? run_id : "", 0);
	runlock_clean(me->tty, sizeof me->tty, runlock_first(env->tty, NULL, "-"), 0);
	runlock_origin(me->origin, sizeof me->origin, env->ssh_connection);
	me->known = 1;
}

/* Fills me for this process: $USER, host name, pid, now, terminal, $SSH_CONNECTION. */
void runlock_owner_me(struct runlock_owner *me, const char *run_id)
{
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = '\0';
	struct passwd *pw = getpwuid(getuid());
	struct runlock_env env = {
	    .user = getenv("USER"),
	    .login = pw != NULL ? pw->pw_name : NULL,
	    .ssh_connection = getenv("SSH_CONNECTION"),
	    .host = host,
	    .tty = isatty(STDIN_FILENO) ? ttyname(STDIN_FILENO) : NULL,
	    .pid = (int)getpid(),
	    .now_ms = clock_wall_ms(),
	};
	runlock_owner_fill(me, &env, run_id);
}

/* Writes ms since the epoch as RFC 3339 UTC with milliseconds. */
static void runlock_time_format(int64_t ms, char *buf, size_t size)
{
	if (ms < 0)
		ms = 0;
	time_t s = (time_t)(ms / 1000);
	struct tm tm = {0};
	if (gmtime_r(&s, &tm) == NULL)
		tm.tm_mday = 1;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Reads n digits at s; -1 when one is not a digit. */
static int runlock_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Reads the optional ".fff" and the final "Z" of a time; -1 when they are wrong. */
static int runlock_time_tail(const char *p, int *ms)
{
	*ms = 0;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				*ms = *ms * 10 + (*p - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			*ms *= 10;
	}
	return strcmp(p, "Z") == 0 ? 0 : -1;
}

/* Reads "YYYY-MM-DDTHH:MM:SS[.fff]Z" into ms since the epoch; -1 when it is not that. */
static int runlock_time_parse(const char *s, int64_t *out)
{
	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	struct tm tm = {0};
	int ms;
	tm.tm_year = runlock_digits(s, 4) - 1900;
	tm.tm_mon = runlock_digits(s + 5, 2) - 1;
	tm.tm_mday = runlock_digits(s + 8, 2);
	tm.tm_hour = runlock_digits(s + 11, 2);
	tm.tm_min = runlock_digits(s + 14, 2);
	tm.tm_sec = runlock_digits(s + 17, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 ||
	    tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60 ||
	    runlock_time_tail(s + 19, &ms) != 0)
		return -1;
	*out = (int64_t)timegm(&tm) * 1000 + ms;
	return 0;
}

/* Returns s as a JSON string, made valid UTF-8 without control characters first. */
static json_t *runlock_json_text(const char *s)
{
	char buf[256];
	runlock_clean(buf, sizeof buf, s, 0);
	return json_string(buf);
}

/* Returns the owner as one line of compact JSON (newly allocated). */
char *runlock_owner_json(const struct runlock_owner *o)
{
	char started[40];
	runlock_time_format(o->started_ms, started, sizeof started);
	json_t *j = json_object();
	json_object_set_new(j, "operator", runlock_json_text(o->operator));
	json_object_set_new(j, "host", runlock_json_text(o->host));
	json_object_set_new(j, "pid", json_integer(o->pid));
	json_object_set_new(j, "started", json_string(started));
	json_object_set_new(j, "run", runlock_json_text(o->run));
	json_object_set_new(j, "tty", runlock_json_text(o->tty));
	json_object_set_new(j, "origin", runlock_json_text(o->origin));
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char *out = xstrdup(text);
	free(text);
	return out;
}

/* Copies string member key of j into out; -1 when it is missing (and required) or not a string. */
static int runlock_json_get(const json_t *j, const char *key, char *out, size_t size,
                            const char *fallback)
{
	const json_t *v = json_object_get(j, key);
	if (v == NULL && fallback != NULL) {
		snprintf(out, size, "%s", fallback);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	runlock_clean(out, size, json_string_value(v), 0);
	return 0;
}

/* Fills o from a parsed owner object; returns the name of the first bad member, or NULL. */
static const char *runlock_owner_from(const json_t *j, struct runlock_owner *o)
{
	char started[40];
	const json_t *pid = json_object_get(j, "pid");
	if (runlock_json_get(j, "operator", o->operator, sizeof o->operator, NULL) != 0)
		return "operator";
	if (runlock_json_get(j, "host", o->host, sizeof o->host, NULL) != 0)
		return "host";
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0 ||
	    json_integer_value(pid) > INT_MAX)
		return "pid";
	o->pid = (int)json_integer_value(pid);
	if (runlock_json_get(j, "started", started, sizeof started, NULL) != 0 ||
	    runlock_time_parse(started, &o->started_ms) != 0)
		return "started";
	if (runlock_json_get(j, "run", o->run, sizeof o->run, NULL) != 0)
		return "run";
	if (runlock_json_get(j, "tty", o->tty, sizeof o->tty, "-") != 0)
		return "tty";
	if (runlock_json_get(j, "origin", o->origin, sizeof o->origin, "local") != 0)
		return "origin";
	return NULL;
}

/*
 * Parses an owner written by runlock_owner_json; 0, or -1 with *cause (o is
 * then cleared, known 0).
 */
int runlock_owner_parse(const char *json, struct runlock_owner *o, char **cause)
{
	memset(o, 0, sizeof *o);
	json_error_t err;
	json_t *j = json_loads(json ? json : "", JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(j)) {
		*cause = xasprintf("the lock's owner is not a JSON object (%s)",
		                   j == NULL ? err.text : "another JSON value");
		json_decref(j);
		return -1;
	}
	const char *bad = runlock_owner_from(j, o);
	json_decref(j);
	if (bad != NULL) {
		memset(o, 0, sizeof *o);
		*cause = xasprintf("the lock's owner has no valid \"%s\"", bad);
		return -1;
	}
	o->known = 1;
	return 0;
}

/*
 * Returns the owner in words for a refusal (newly allocated): "operator kim
 * on host jump1 (from 10.0.0.5), pid 4242, since 2026-11-27 06:15 UTC, run R".
 */
char *runlock_owner_describe(const struct runlock_owner *o)
{
	if (!o->known)
		return xstrdup("an unknown owner (the lock names none that can be read)");
	char when[40], from[96] = "";
	runlock_time_format(o->started_ms, when, sizeof when);
	when[10] = ' ';
	when[16] = '\0';
	if (strcmp(o->origin, "local") != 0)
		snprintf(from, sizeof from, " (from %s)", o->origin);
	return xasprintf("operator %s on host %s%s, pid %d, since %s UTC, run %s", o->operator,
	                 o->host, from, o->pid, when, o->run);
}

/* Reads the owner written in a lock file into o; -1 (o cleared) when there is none. */
static int runlock_read_owner(int fd, struct runlock_owner *o)
{
	char buf[RUNLOCK_CONTENT_MAX + 1];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	char *cause = NULL;
	buf[n > 0 ? n : 0] = '\0';
	int rc = runlock_owner_parse(buf, o, &cause);
	free(cause);
	return rc;
}

/* Replaces the lock file's content with me, one JSON line, synced; -1 on error. */
static int runlock_write_owner(int fd, const struct runlock_owner *me)
{
	char *json = runlock_owner_json(me);
	char *line = xasprintf("%s\n", json);
	size_t len = strlen(line);
	int rc = 0;
	if (pwrite(fd, line, len, 0) != (ssize_t)len || ftruncate(fd, (off_t)len) != 0 ||
	    fsync(fd) != 0)
		rc = -1;
	free(line);
	free(json);
	return rc;
}

/* Opens (creating 0600) a regular lock file; -1 with *cause. */
static int runlock_open(const char *path, char **cause)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd == -1) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s is not a regular file", path);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Tries the flock until it is taken or a holder's owner can be read (a new
 * holder writes it right after its flock). Returns 0 when taken, RUNLOCK_HELD
 * (holder filled when its owner was readable), or -1 with *cause.
 */
static int runlock_lock(int fd, const char *path, struct runlock_owner *holder, char **cause)
{
	const struct timespec pause = {0, 5 * 1000 * 1000};
	for (int i = 0; i < RUNLOCK_READ_TRIES; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*cause = xasprintf("cannot lock %s: %s", path, strerror(errno));
			return -1;
		}
		if (runlock_read_owner(fd, holder) == 0)
			return RUNLOCK_HELD;
		nanosleep(&pause, NULL);
	}
	return RUNLOCK_HELD;
}

/*
 * Takes the jump-host lock of target for me. Returns 0 when taken (out holds
 * it until runlock_release; holder then describes the previous holder, which
 * died without releasing, with previous = 1, or has known = 0), RUNLOCK_HELD
 * when another process holds it (holder says who; known = 0 when its owner
 * could not be read), or -1 with *cause. In the moment between a new
 * holder's flock and its write, the owner read is still the previous one's.
 */
int runlock_acquire(const char *state_dir, const char *target, const struct runlock_owner *me,
                    struct runlock *out, struct runlock_owner *holder, char **cause)
{
	out->fd = -1;
	out->path = NULL;
	memset(holder, 0, sizeof *holder);
	char *dir = xasprintf("%s/locks", state_dir);
	if (durable_mkdirs(dir) == -1) {
		*cause = xasprintf("cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	char *name = runlock_name(target);
	char *path = xasprintf("%s/%s.lock", dir, name);
	free(name);
	free(dir);
	int fd = runlock_open(path, cause);
	int rc = fd == -1 ? -1 : runlock_lock(fd, path, holder, cause);
	if (rc == 0 && runlock_read_owner(fd, holder) == 0)
		holder->previous = 1;
	if (rc == 0 && runlock_write_owner(fd, me) == -1) {
		*cause = xasprintf("cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		if (fd != -1)
			close(fd);
		free(path);
		return rc;
	}
	out->fd = fd;
	out->path = path;
	return 0;
}

/* Releases a jump-host lock: its owner is erased, then it is unlocked and closed. */
void runlock_release(struct runlock *l)
{
	if (l->fd != -1) {
		if (ftruncate(l->fd, 0) == 0)
			fsync(l->fd);
		flock(l->fd, LOCK_UN);
		close(l->fd);
	}
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}

/* Tells whether a process with this pid exists on this host. */
int runlock_pid_alive(int pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/*
 * Judges a DR-site lock's holder: on this host (my_host, as gethostname gives
 * it), stale when its pid is gone, live when a process has it (which may be a
 * reused pid; if this console holds the target's jump-host lock, no other
 * console here runs that target); on another host, or with no readable
 * owner, unknown. pid_alive NULL means runlock_pid_alive.
 */
int runlock_is_stale(const struct runlock_owner *holder, const char *my_host,
                     int (*pid_alive)(int pid))
{
	char host[sizeof holder->host];
	runlock_clean(host, sizeof host, my_host ? my_host : "", 0);
	if (!holder->known || holder->pid <= 0 || *host == '\0' || strcmp(holder->host, host) != 0)
		return RUNLOCK_UNKNOWN;
	if (pid_alive == NULL)
		pid_alive = runlock_pid_alive;
	return pid_alive(holder->pid) ? RUNLOCK_LIVE : RUNLOCK_STALE;
}

/*
 * Judges whether a lock's owner is me (as runlock_owner_me gives both): it
 * must name my run on my host. With my pid and start it is this very
 * console (LIVE_SELF); with my pid and another start, or another pid that
 * no process has here (runlock_is_stale says STALE), it was left by this
 * run's console before a restart (STALE: mine to take over without asking).
 * Another run, the same run on another host, the same run under a pid that
 * a process has, or an owner that is not known: NOT_MINE. pid_alive NULL
 * means runlock_pid_alive.
 */
int runlock_owner_is_mine(const struct runlock_owner *lock, const struct runlock_owner *me,
                          int (*pid_alive)(int pid))
{
	if (!lock->known || !me->known || me->run[0] == '\0' || strcmp(lock->run, me->run) != 0 ||
	    strcmp(lock->host, me->host) != 0)
		return RUNLOCK_NOT_MINE;
	if (lock->pid == me->pid)
		return lock->started_ms == me->started_ms ? RUNLOCK_MINE_LIVE_SELF
		                                          : RUNLOCK_MINE_STALE;
	return runlock_is_stale(lock, me->host, pid_alive) == RUNLOCK_STALE ? RUNLOCK_MINE_STALE
	                                                                    : RUNLOCK_NOT_MINE;
}

/*
 * Tells whether the jump-host lock open on fd, whose owner names the run, is
 * held by a live process. An owner whose process is gone from this host left
 * the lock behind (not held: the kernel dropped it); otherwise a shared
 * flock is tried and dropped at once: refused means held.
 */
static int runlock_held(int fd, const struct runlock_owner *o)
{
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = '\0';
	if (runlock_is_stale(o, host, NULL) == RUNLOCK_STALE)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		return 0;
	}
	return errno == EWOULDBLOCK;
}

/*
 * Tells whether a console runs the run run_id now: a jump-host lock in
 * <state_dir>/locks names it as its owner and a live process holds it. Reads
 * only (a lock whose owner is alive is tried for a moment with a shared
 * flock, which a holder's exclusive one refuses).
 */
int runlock_run_live(const char *state_dir, const char *run_id)
{
	char *dir = xasprintf("%s/locks", state_dir);
	DIR *dp = opendir(dir);
	int live = 0;
	for (struct dirent *de; dp != NULL && !live && (de = readdir(dp)) != NULL;) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".lock") != 0)
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct runlock_owner o;
		struct stat st;
		if (fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    runlock_read_owner(fd, &o) == 0 && strcmp(o.run, run_id) == 0)
			live = runlock_held(fd, &o);
		if (fd != -1)
			close(fd);
		free(path);
	}
	if (dp != NULL)
		closedir(dp);
	free(dir);
	return live;
}
