/*
 * One recovery run at a time per target: a flock on the jump host, and a lock
 * file on the DR site made by shell commands that the site agent runs over SSH.
 */
#ifndef DR_RUNLOCK_H
#define DR_RUNLOCK_H

#include <stddef.h>
#include <stdint.h>

/* runlock_acquire: another console holds the lock (holder says who). */
#define RUNLOCK_HELD 1

/*
 * The DR site's lock folder when the config names none: the site account's
 * own, "~/" standing for its $HOME (the lock's commands put it there).
 */
#define RUNLOCK_SITE_DIR "~/.local/state/drconsole"

/* runlock_is_stale: what can be said about a holder. */
enum runlock_staleness {
	RUNLOCK_LIVE,    /* its process runs on this host (or a process with its pid does) */
	RUNLOCK_STALE,   /* it ran on this host and its process is gone */
	RUNLOCK_UNKNOWN, /* another host, or no owner: ask the operator, with the facts */
};

/* Who holds, or held, a lock. Strings are UTF-8 without control characters. */
struct runlock_owner {
	char operator[64];  /* $USER, else the account's name */
	char host[256];     /* gethostname of the jump host */
	int pid;            /* the console's process */
	int64_t started_ms; /* wall clock, when the lock was taken */
	char run[128];      /* the run id (runid.h) */
	char tty[64];       /* the console's terminal, "-" when none */
	char origin[64];    /* the SSH client's address, "local" when not over SSH */
	int known;          /* 1 when the fields are filled (0: no owner, or unreadable) */
	int previous;       /* 1 when left behind by a holder that no longer holds the lock */
};

/* runlock_owner_is_mine: whether a lock's owner is this console's run. */
enum runlock_mine {
	RUNLOCK_NOT_MINE,       /* another run or host, a live process, or an unreadable owner */
	RUNLOCK_MINE_LIVE_SELF, /* this very console: same run, host, pid and start */
	RUNLOCK_MINE_STALE,     /* left by a console of this host that is gone: take it over */
};

/* What runlock_owner_fill reads; runlock_owner_me gathers the real values. */
struct runlock_env {
	const char *user;           /* $USER */
	const char *login;          /* the account's name in the password database */
	const char *ssh_connection; /* $SSH_CONNECTION */
	const char *host;           /* gethostname */
	const char *tty;            /* ttyname of stdin, NULL when it is not a terminal */
	int pid;
	int64_t now_ms; /* wall clock */
};

/* A jump-host lock held for a run's lifetime. */
struct runlock {
	int fd; /* -1 when not held */
	char *path;
};

/* What a DR-site lock command reported. */
enum runlock_site_state {
	RUNLOCK_SITE_NONE,     /* no answer, or a garbled one: the lock may have been taken */
	RUNLOCK_SITE_TAKEN,    /* acquire, takeover: the lock is ours now */
	RUNLOCK_SITE_HELD,     /* acquire, takeover: someone else's, left alone */
	RUNLOCK_SITE_RELEASED, /* release: it was ours and is gone */
	RUNLOCK_SITE_NOT_OURS, /* release: someone else's, left alone */
	RUNLOCK_SITE_ABSENT,   /* release: there was none */
	RUNLOCK_SITE_FOREIGN,  /* refused: the lock file is another account's (no lock taken) */
	RUNLOCK_SITE_ERROR,    /* refused: the command said why (no lock taken) */
};

/* A parsed DR-site answer. Free with runlock_site_result_free. */
struct runlock_site_result {
	enum runlock_site_state state;
	char *owner_json;           /* HELD, NOT_OURS: the lock's content exactly, else NULL */
	struct runlock_owner owner; /* parsed from owner_json (owner.known 0 if it is not one) */
};

void runlock_owner_fill(struct runlock_owner *me, const struct runlock_env *env,
                        const char *run_id);
void runlock_owner_me(struct runlock_owner *me, const char *run_id);
char *runlock_owner_json(const struct runlock_owner *o);
int runlock_owner_parse(const char *json, struct runlock_owner *o, char **cause);
char *runlock_owner_describe(const struct runlock_owner *o);
char *runlock_name(const char *target);

int runlock_acquire(const char *state_dir, const char *target, const struct runlock_owner *me,
                    struct runlock *out, struct runlock_owner *holder, char **cause);
void runlock_release(struct runlock *l);

char *runlock_site_acquire_script(const char *dir, const char *owner_json);
char *runlock_site_release_script(const char *dir, const char *owner_json);
char *runlock_site_takeover_script(const char *dir, const char *expected_owner_json,
                                   const char *new_owner_json);
int runlock_site_parse(const char *out, size_t len, struct runlock_site_result *r, char **cause);
void runlock_site_result_free(struct runlock_site_result *r);

int runlock_pid_alive(int pid);
int runlock_is_stale(const struct runlock_owner *holder, const char *my_host,
                     int (*pid_alive)(int pid));
int runlock_owner_is_mine(const struct runlock_owner *lock, const struct runlock_owner *me,
                          int (*pid_alive)(int pid));
int runlock_run_live(const char *state_dir, const char *run_id);

#endif
