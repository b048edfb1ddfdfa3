/*
 * What a site agent knows about its site: an immutable snapshot, published
 * whole and read whole. Every part carries when it was last refreshed, so
 * stale data is shown with its age, and every value that may be unknown has a
 * flag: unknown is never zero.
 */
#ifndef DR_SNAPSHOT_H
#define DR_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#define SNAPSHOT_MAX_STANDBYS 8
#define SNAPSHOT_MAX_SLOTS 8
#define SNAPSHOT_MAX_SERVICES 16
#define SNAPSHOT_MAX_FINDINGS 8
#define SNAPSHOT_MAX_INVALID 8
#define SNAPSHOT_MAX_TREND 24

enum pg_role { PG_ROLE_UNKNOWN, PG_ROLE_PRIMARY, PG_ROLE_STANDBY, PG_ROLE_DOWN };

/* A value that may be unknown. */
struct opt_i64 {
	int known;
	int64_t v;
};

/* One row of pg_stat_replication, seen on a primary. */
struct snap_standby {
	char application_name[64];
	char client_addr[64];
	char state[32];      /* streaming, catchup, ... */
	char sync_state[16]; /* async, sync, ... */
	struct opt_i64 sent_lsn, write_lsn, flush_lsn, replay_lsn;
	struct opt_i64 replay_lag_bytes; /* current LSN - replay LSN on the primary */
};

/* One replication slot. */
struct snap_slot {
	char name[64];
	int active;
	struct opt_i64 restart_lsn;
	struct opt_i64 retained_bytes;
};

/* PostgreSQL as seen through one query round trip. */
struct snap_pg {
	int64_t at_ms; /* wall clock of the last successful probe; 0: never */
	int up;        /* the last attempt connected and answered */
	char error[512];
	enum pg_role role;
	char version[64];
	struct opt_i64 timeline;
	struct opt_i64 current_lsn;  /* primary: pg_current_wal_lsn() */
	struct opt_i64 receive_lsn;  /* standby: pg_last_wal_receive_lsn() */
	struct opt_i64 replay_lsn;   /* standby: pg_last_wal_replay_lsn() */
	struct opt_i64 replay_delay_ms; /* standby: now() - pg_last_xact_replay_timestamp() */
	char receiver_status[32];    /* standby: pg_stat_wal_receiver.status, "" if none */
	char receiver_host[128];     /* standby: sender_host */
	struct opt_i64 receiver_port; /* standby: sender_port */
	int replay_paused;
	int replay_waiting; /* standby: its startup process waits for more WAL (it replayed every
	                       whole record it received); 0 also when not known */
	struct snap_standby standbys[SNAPSHOT_MAX_STANDBYS];
	size_t n_standbys;
	struct snap_slot slots[SNAPSHOT_MAX_SLOTS];
	size_t n_slots;
	/* configuration conformity: pg_settings and primary_conninfo */
	char wal_level[16];
	struct opt_i64 max_wal_senders;
	struct opt_i64 wal_keep_size_mb;
	int hot_standby; /* -1 unknown */
	char findings[SNAPSHOT_MAX_FINDINGS][160];
	size_t n_findings;
};

/* One service check's outcome. */
struct snap_service {
	char name[64];
	int ok;         /* exit status 0 */
	int exit_status; /* -1: did not finish */
};

/* The site's host, from one round trip of the probe. */
struct snap_health {
	int64_t at_ms;
	int ok; /* the exec ran */
	char error[256];
	struct opt_i64 rtt_ms;
	double load1; /* valid when load_known */
	int load_known;
	struct opt_i64 data_free_bytes, data_total_bytes;
	struct opt_i64 backup_free_bytes, backup_total_bytes;
	struct snap_service services[SNAPSHOT_MAX_SERVICES];
	size_t n_services;
};

/* The backup folder. */
struct snap_backups {
	int64_t at_ms;
	int ok; /* the listing ran */
	char error[256];
	int configured; /* the site has a backups: block */
	int count;
	int64_t total_bytes;
	struct opt_i64 newest_age_s;
	char newest_name[128];
	int64_t newest_bytes;
	struct opt_i64 newest_mtime_s; /* the newest backup's mtime (epoch seconds): its identity */
	int expired; /* older than retention_days, still present */
	int invalid; /* failed pg_restore --list */
	char invalid_names[SNAPSHOT_MAX_INVALID][128];
	int unverified; /* not verified yet */
	/* sizes of the newest backups within retention_days, oldest first: the size trend */
	int64_t trend[SNAPSHOT_MAX_TREND];
	size_t n_trend;
};

/*
 * A host key the site offered that known_hosts does not hold: the connection
 * stopped there and waits for the operator to accept it (never for a key that
 * changed: that is refused outright).
 */
struct snap_hostkey {
	int offered;
	char host_port[136];   /* the known_hosts name: "host" or "[host]:port" */
	char key_type[32];     /* "ssh-ed25519" */
	char fingerprint[96];  /* "SHA256:..." */
	char file[512];        /* the known_hosts file the session reads */
	char entry[2048];      /* the line accepting the key adds to it */
	char jump[136];        /* "": the site's own key; else the jump host it belongs to */
};

struct site_status {
	char name[64];
	uint64_t generation;
	int64_t at_ms;       /* wall clock of this snapshot */
	int reachable;       /* SSH session up and answering */
	char error[1024];    /* why not, or "" */
	int64_t since_ms;    /* when reachability last changed */
	struct snap_pg pg;
	struct snap_health health;
	struct snap_backups backups;
	struct snap_hostkey hostkey;
	/* measurements of the probe cycle */
	int execs_last_cycle;   /* exec channels opened: the probe loop's start, backup checks */
	int queries_last_cycle; /* query round trips */
};

const struct site_status *snapshot_find(const struct site_status *sites, size_t n,
                                        const char *name);
int snapshot_news(const struct site_status *a, const struct site_status *b);

#endif
