/*
 * Run-time folders. Each is named drconsole-UID-PID-TAG, so its owner can be
 * told from its name: rundir_remove_own() removes this process's (before an
 * _exit, and at exit), and rundir_sweep() those whose process no longer runs
 * (one killed, or an older drconsole that left them), in the run-time folder
 * and in /tmp. Only a real folder of this user's is touched, and inside it
 * only what is not a folder (the sockets), so nothing else can be removed
 * through a planted name or symlink. A folder's owner holds a flock on its
 * .owner file for as long as it lives (rundir_claim): a folder whose lock can
 * be taken is its dead owner's, whatever its pid looks like from here (a
 * console in another PID namespace sharing /tmp has a pid that means nothing
 * here). A folder without one is judged by its pid, once it is a minute old.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rundir.h"
#include "xmalloc.h"

/* Longest $XDG_RUNTIME_DIR used: a socket path inside must stay within 107 bytes. */
#define RUNDIR_BASE_MAX 48

/* Tells whether path is a real folder (not a symlink) of this user's. */
static int rundir_ours(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

/* Returns the folder that holds run-time folders: $XDG_RUNTIME_DIR if usable, else /tmp. */
char *rundir_base(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (x != NULL && x[0] == '/' && strlen(x) <= RUNDIR_BASE_MAX && rundir_ours(x))
		return xstrdup(x);
	return xstrdup("/tmp");
}

/* Removes this process's folders at exit (an exit() that skipped the agents' stop). */
static void rundir_at_exit(void)
{
	rundir_remove_own();
}

/* Registers rundir_at_exit once. */
static void rundir_register(void)
{
	atexit(rundir_at_exit);
}

/* Returns a new run-time folder path of this process, unique per tag (not created here). */
char *rundir_path(const void *tag)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, rundir_register);
	char *base = rundir_base();
	char *path =
	    xasprintf("%s/drconsole-%u-%d-%p", base, (unsigned)geteuid(), (int)getpid(), tag);
	free(base);
	return path;
}

/* Reads the pid from a name drconsole-UID-PID-TAG of this user; 0 when it is not one. */
static pid_t rundir_pid(const char *name)
{
	char prefix[40];
	snprintf(prefix, sizeof prefix, "drconsole-%u-", (unsigned)geteuid());
	if (strncmp(name, prefix, strlen(prefix)) != 0)
		return 0;
	char *end;
	errno = 0;
	long pid = strtol(name + strlen(prefix), &end, 10);
	if (errno != 0 || end == name + strlen(prefix) || *end != '-' || pid <= 0)
		return 0;
	return (pid_t)pid;
}

/* Removes one run-time folder: what it holds that is not a folder, then itself. */
static int rundir_remove(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return 0;
	struct stat st;
	DIR *d = fstat(fd, &st) == 0 && st.st_uid == geteuid() ? fdopendir(fd) : NULL;
	if (d == NULL) {
		close(fd);
		return 0;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	return unlinkat(parent, name, AT_REMOVEDIR) == 0;
}

/* Tells whether a process runs (one of another user's with that pid counts: left alone). */
static int rundir_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/*
 * Marks a folder just made as this process's for as long as it holds the
 * returned descriptor (or lives): a flock on DIR/.owner, which the kernel
 * drops when the process ends. Returns the descriptor (the caller closes it
 * when it removes the folder, rundir_release), or -1.
 */
int rundir_claim(const char *dir)
{
	char *path = xasprintf("%s/.owner", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(path);
	if (fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Lets go of a folder's claim: its .owner removed, the descriptor closed (-1: none). */
void rundir_release(const char *dir, int fd)
{
	char *path = xasprintf("%s/.owner", dir);
	unlink(path);
	free(path);
	if (fd != -1)
		close(fd);
}

/*
 * Tells whether the folder name in dir (fd) is still in use: its .owner is
 * locked by a live process; or, without one, its pid runs here or it is less
 * than a minute old (its owner may be about to claim it).
 */
static int rundir_in_use(int fd, const char *name, pid_t pid)
{
	char path[300];
	snprintf(path, sizeof path, "%s/.owner", name);
	int o = openat(fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (o != -1) {
		int free_lock = flock(o, LOCK_EX | LOCK_NB) == 0;
		close(o); /* and the lock taken, if it was, with it */
		return !free_lock;
	}
	struct stat st;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && time(NULL) - st.st_mtime < 60)
		return 1;
	return rundir_alive(pid);
}

/*
 * Removes the folders in dir whose process is this one (own) or one that no
 * longer runs; returns how many.
 */
int rundir_sweep_dir(const char *dir, int own)
{
	if (!rundir_ours(dir) && strcmp(dir, "/tmp") != 0)
		return 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	if (d == NULL) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		pid_t pid = rundir_pid(e->d_name);
		if (pid == 0 ||
		    (own ? pid != getpid() : pid == getpid() || rundir_in_use(fd, e->d_name, pid)))
			continue;
		n += rundir_remove(fd, e->d_name);
	}
	closedir(d);
	return n;
}

/* Clears the run-time folder and /tmp (where an older drconsole made them) as rundir_sweep_dir. */
static int rundir_sweep_all(int own)
{
	char *base = rundir_base();
	int n = rundir_sweep_dir(base, own);
	if (strcmp(base, "/tmp") != 0)
		n += rundir_sweep_dir("/tmp", own);
	free(base);
	return n;
}

/* Removes the folders left by processes of this user that no longer run; returns how many. */
int rundir_sweep(void)
{
	return rundir_sweep_all(0);
}

/* Removes this process's folders; returns how many. */
int rundir_remove_own(void)
{
	return rundir_sweep_all(1);
}
