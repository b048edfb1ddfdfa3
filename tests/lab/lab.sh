#!/usr/bin/env bash
# lab.sh — a real two-site drconsole lab on 127.0.0.1, for tests and demos.
#
# Each site has its own sshd (own host key, own port) and its own PostgreSQL:
# site 1 is a primary, site 2 a streaming standby cloned with pg_basebackup.
# Each site also holds pg_dump backups of erp_chatbot, some of them expired.
# Faults can be injected: kill a site's postgres, freeze a whole site with
# SIGSTOP, change a site's host key. With LAB_RELAY=1 the jump host (this
# machine) reaches each site's sshd through a relay (tests/lab/relay), and
# "cut" partitions the jump host from a site while the sites still reach
# each other.
#
# Works as root (PostgreSQL then runs as the "postgres" user, sshd as root) and
# as a normal user (PostgreSQL and sshd both run as that user).
#
# Run "lab.sh --help" for usage.

# Lists of pids are split into words on purpose throughout.
# shellcheck disable=SC2207,SC2046
set -euo pipefail

PROG=${0##*/}
SITES=(1 2)           # site numbers; site N is named datacenter-N
PRIMARY_SITE=1        # the site that starts as the primary
SSH_WAIT=10           # seconds to wait for an sshd to serve its host key
PG_WAIT=30            # seconds to wait for a PostgreSQL server
STREAM_WAIT=30        # seconds to wait for streaming replication
QUERY_TIMEOUT=10      # seconds any query made by this script may take

# Keep the client libraries from picking up the caller's connection settings.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE \
      PGOPTIONS PGPASSFILE PGSSLMODE PGTARGETSESSIONATTRS PGDATA 2>/dev/null || true

# ----------------------------------------------------------------------------
# Messages
# ----------------------------------------------------------------------------

# say MSG: print a progress message on stdout.
say() { printf '%s: %s\n' "$PROG" "$*"; }

# warn MSG: print a message on stderr.
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# die MSG: print an error on stderr and exit 1.
die() { warn "error: $*"; exit 1; }

# usage: print the help text.
usage() {
    cat <<EOF
Usage: $PROG [--dir DIR] [--port-base N] COMMAND [SITE]

A real two-site PostgreSQL lab on 127.0.0.1: per site an sshd and a PostgreSQL
server (site 1 primary, site 2 streaming standby), pg_dump backups, and fault
injection.

Options:
  --dir DIR         lab folder (default \${LAB_DIR:-/tmp/drconsole-lab.UID.PORTBASE})
  --port-base N     port base (default \${LAB_PORT_BASE:-25400}); ssh of site
                    1/2 on N+1/N+2, PostgreSQL of site 1/2 on N+11/N+12,
                    relays (LAB_RELAY=1) of site 1/2 on N+21/N+22;
                    keep it below the ephemeral range (net.ipv4.ip_local_port_range)
                    or an outgoing connection may hold a lab port
  -h, --help        show this help

Environment:
  LAB_RELAY=1       "up" also starts one relay per site on N+21/N+22, forwarding
                    to the site's sshd: DIR/drconsole.yml points the sites'
                    ssh.port at the relays (the jump host's path) and
                    DIR/known_hosts accepts the host keys there too, while the
                    standby still replicates straight from the primary's port
  LAB_WAL_LOG_HINTS on (default) or off: initdb's wal_log_hints, so that a
                    failback rebuilds the old primary by pg_rewind, or (off) must
                    fall back on pg_basebackup
  LAB_RELAY_BIN     the relay program (default: tests/lab/relay of the build
                    folder \${TOP_BUILDDIR}, else relay beside this script)

Commands (SITE is 1, 2, datacenter-1 or datacenter-2):
  up                start the lab (writes DIR/drconsole.yml, DIR/known_hosts,
                    DIR/lab.env); a lab already up is left alone
  down              stop everything, check nothing is left, remove DIR
  status            show each site; exit 0 if the lab is up and streaming
  check             check that this machine has what the lab needs
  kill-pg SITE      SIGKILL the site's postmaster (data left as is)
  start-pg SITE     start the site's PostgreSQL again
  freeze SITE       SIGSTOP the site's sshd and postgres process trees
  thaw SITE         SIGCONT them again
  rekey SITE        give the site's sshd a new host key (known_hosts untouched)
  cut SITE          partition the jump host from the site (needs LAB_RELAY=1 at
                    "up"): the relay holds its connections in silence, new
                    ones too; the sites still reach each other
  mend SITE         end the partition: the connections held are closed, new
                    ones go through again
  shell SITE MODE   the site account's shell startup: plain (silent, at once),
                    slow (banners on stdout and stderr, then sleep
                    \${LAB_SHELL_SLEEP:-3} s, on every SSH command) or restricted
                    (bash's restricted mode, as rbash: exec and '/' in command
                    names refused)
  psql SITE [ARGS]  run psql on the site's PostgreSQL (database erp_chatbot,
                    user postgres, unless ARGS say otherwise)
  env               print DIR/lab.env (shell variables for tests)
EOF
}

# ----------------------------------------------------------------------------
# Settings and names
# ----------------------------------------------------------------------------

# parse_args ARGS...: read options; sets COMMAND, SITE_ARG and REST (extra args).
parse_args() {
    OPT_DIR='' OPT_BASE='' COMMAND='' SITE_ARG=''
    REST=()
    while [ $# -gt 0 ]; do
        case $1 in
            --dir) [ $# -ge 2 ] || die "--dir needs a value"; OPT_DIR=$2; shift 2 ;;
            --dir=*) OPT_DIR=${1#--dir=}; shift ;;
            --port-base) [ $# -ge 2 ] || die "--port-base needs a value"; OPT_BASE=$2; shift 2 ;;
            --port-base=*) OPT_BASE=${1#--port-base=}; shift ;;
            -h|--help) COMMAND=help; shift; break ;;
            -*) die "unknown option: $1 (see --help)" ;;
            *) COMMAND=$1; shift; break ;;
        esac
    done
    case $COMMAND in
        kill-pg|start-pg|freeze|thaw|rekey|cut|mend|psql|shell)
            [ $# -ge 1 ] || die "$COMMAND needs a SITE (1 or 2)"
            SITE_ARG=$1; shift ;;
    esac
    REST=("$@")
    case $COMMAND in psql|shell) ;; *) [ ${#REST[@]} -eq 0 ] || die "unexpected argument: ${REST[0]}" ;; esac
}

# setup_globals: derive the port base, lab folder, users and tool paths.
setup_globals() {
    PORT_BASE=${OPT_BASE:-${LAB_PORT_BASE:-25400}}
    case $PORT_BASE in ''|*[!0-9]*) die "port base must be a number: $PORT_BASE" ;; esac
    if [ "$PORT_BASE" -lt 1024 ] || [ "$PORT_BASE" -gt 65500 ]; then
        die "port base must be between 1024 and 65500: $PORT_BASE"
    fi

    LAB_DIR=${OPT_DIR:-${LAB_DIR:-/tmp/drconsole-lab.$(id -u).$PORT_BASE}}
    case $LAB_DIR in /*) ;; *) LAB_DIR=$PWD/$LAB_DIR ;; esac
    LAB_DIR=${LAB_DIR%/}
    case $LAB_DIR in
        ''|/|*[[:space:]\"\'\\]*) die "unusable lab folder: '$LAB_DIR'" ;;
    esac
    # The longest path is a unix socket: DIR/siteN/sock/.s.PGSQL.PORT (<= 107 bytes).
    local sock="$LAB_DIR/site1/sock/.s.PGSQL.$((PORT_BASE + 11))"
    [ ${#sock} -le 107 ] || die "lab folder path too long for unix sockets: $LAB_DIR"

    MARKER=$LAB_DIR/.drconsole-lab
    ME=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then IS_ROOT=1 PG_OS_USER=${LAB_PG_USER:-postgres}
    else IS_ROOT=0 PG_OS_USER=$ME; fi
    SSHD=${LAB_SSHD:-/usr/sbin/sshd}
    case ${LAB_WAL_LOG_HINTS:-on} in
        on|off) WAL_LOG_HINTS=${LAB_WAL_LOG_HINTS:-on} ;;
        *) die "LAB_WAL_LOG_HINTS must be on or off: $LAB_WAL_LOG_HINTS" ;;
    esac
    PG_BINDIR=$(find_pg_bindir || true)

    # The relays: wanted by "up" with LAB_RELAY=1; a lab started so keeps RELAY_MARK.
    case ${LAB_RELAY:-0} in
        0|'') WANT_RELAY=0 ;;
        1) WANT_RELAY=1 ;;
        *) die "LAB_RELAY must be 1 or 0: $LAB_RELAY" ;;
    esac
    RELAY_MARK=$LAB_DIR/.relays
    if [ -n "${LAB_RELAY_BIN:-}" ]; then RELAY_BIN=$LAB_RELAY_BIN
    elif [ -n "${TOP_BUILDDIR:-}" ]; then RELAY_BIN=$TOP_BUILDDIR/tests/lab/relay
    else RELAY_BIN=$(cd "$(dirname "$0")" && pwd)/relay; fi
}

# find_pg_bindir: print the folder holding initdb, pg_ctl and friends.
find_pg_bindir() {
    local d candidates=("${LAB_PG_BINDIR:-}")
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
    # Debian layout, newest major version first.
    candidates+=($(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5nr))
    candidates+=("$(dirname "$(command -v initdb 2>/dev/null || echo /none/initdb)")")
    for d in "${candidates[@]}"; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"; return 0
        fi
    done
    return 1
}

# site_num NAME: print the site number for 1, 2, datacenter-1 or datacenter-2.
site_num() {
    case $1 in
        1|datacenter-1) echo 1 ;;
        2|datacenter-2) echo 2 ;;
        *) die "unknown site: $1 (use 1, 2, datacenter-1 or datacenter-2)" ;;
    esac
}

# Per-site names: folders, ports and files of site N.
site_name()  { echo "datacenter-$1"; }
site_dir()   { echo "$LAB_DIR/site$1"; }
ssh_port()   { echo $((PORT_BASE + $1)); }
pg_port()    { echo $((PORT_BASE + 10 + $1)); }
sock_dir()   { echo "$LAB_DIR/site$1/sock"; }
pg_data()    { echo "$LAB_DIR/site$1/pgdata"; }
pg_log()     { echo "$LAB_DIR/site$1/log/postgres.log"; }
setup_log()  { echo "$LAB_DIR/site$1/log/setup.log"; }
host_key()   { echo "$LAB_DIR/site$1/ssh/ssh_host_ed25519_key"; }
sshd_conf()  { echo "$LAB_DIR/site$1/ssh/sshd_config"; }
sshd_pidf()  { echo "$LAB_DIR/site$1/ssh/sshd.pid"; }
# cluster_name of site N: shows in the titles of all its postgres processes.
pg_cluster() { echo "drlab-$(pg_port "$1")"; }
# The relay of site N (LAB_RELAY=1): its port, pidfile, log and cut flag.
relay_port() { echo $((PORT_BASE + 20 + $1)); }
relay_pidf() { echo "$LAB_DIR/site$1/relay.pid"; }
relay_log()  { echo "$LAB_DIR/site$1/log/relay.log"; }
relay_cutf() { echo "$LAB_DIR/site$1/relay.cut"; }
# has_relays: true if the lab in DIR was started with relays.
has_relays() { [ -f "$RELAY_MARK" ]; }
# jump_port N: the port the jump host reaches site N's sshd on (its relay's, if any).
jump_port() { if has_relays; then relay_port "$1"; else ssh_port "$1"; fi; }

# ----------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------

# as_pg CMD...: run CMD as the PostgreSQL OS user (via runuser when root).
as_pg() {
    if [ "$IS_ROOT" = 1 ]; then
        (cd "$LAB_DIR" 2>/dev/null || cd /; exec runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# pg_query N DB SQL: run SQL on site N's PostgreSQL (unaligned, bounded in time).
pg_query() {
    as_pg timeout "$QUERY_TIMEOUT" "$PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 \
        "host=$(sock_dir "$1") port=$(pg_port "$1") user=postgres dbname=$2 connect_timeout=3" \
        -c "$3"
}

# wait_until SECONDS WHAT CMD...: rerun CMD until it succeeds; fail after SECONDS.
wait_until() {
    local secs=$1 what=$2 end
    shift 2
    end=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$end" ]; then
            warn "timed out after ${secs}s waiting for $what"
            return 1
        fi
        sleep 0.2
    done
}

# read_pid FILE: print the pid on the first line of FILE, if any.
read_pid() {
    local pid=
    if [ -r "$1" ]; then read -r pid <"$1" 2>/dev/null || true; fi
    case $pid in ''|*[!0-9]*) return 1 ;; esac
    echo "$pid"
}

# pid_alive PID: true if PID runs (a zombie counts as gone).
pid_alive() {
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    case $stat in Z*|'') return 1 ;; esac
}

# proc_state PID: print "running", "frozen" (stopped by a signal) or "down".
proc_state() {
    local stat
    if [ -z "$1" ] || ! pid_alive "$1"; then echo down; return; fi
    stat=$(ps -o stat= -p "$1" 2>/dev/null || true)
    case $stat in T*) echo frozen ;; *) echo running ;; esac
}

# proc_tree PID...: print the given pids and all their descendants, parents first.
proc_tree() {
    [ $# -gt 0 ] || return 0
    ps -e -o pid=,ppid= | awk -v roots="$*" '
        { kids[$2] = kids[$2] " " $1 }
        END {
            n = split(roots, q, " ")
            for (i = 1; i <= n; i++) {
                print q[i]
                m = split(kids[q[i]], k, " ")
                for (j = 1; j <= m; j++) q[++n] = k[j]
            }
        }'
}

# signal_pids SIG PID...: send SIG to each PID, ignoring those already gone.
signal_pids() {
    local sig=$1 pid
    shift
    for pid in "$@"; do kill "-$sig" "$pid" 2>/dev/null || true; done
}

# wait_pids_gone SECONDS PID...: wait until none of the PIDs runs; false on timeout.
wait_pids_gone() {
    local secs=$1 pid end
    shift
    end=$((SECONDS + secs))
    while :; do
        local alive=0
        for pid in "$@"; do pid_alive "$pid" && alive=1 && break; done
        [ "$alive" = 0 ] && return 0
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# sshd_pid N / pg_pid N / relay_pid N: print the pid of site N's sshd /
# postmaster / relay if it runs.
sshd_pid()  { local p; p=$(read_pid "$(sshd_pidf "$1")") && pid_alive "$p" && echo "$p"; }
pg_pid()    { local p; p=$(read_pid "$(pg_data "$1")/postmaster.pid") && pid_alive "$p" && echo "$p"; }
relay_pid() { local p; p=$(read_pid "$(relay_pidf "$1")") && pid_alive "$p" && echo "$p"; }

# site_roots N: print the pids of site N's sshd and postmaster (those running).
site_roots() { sshd_pid "$1" || true; pg_pid "$1" || true; }

# port_in_use PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# lab_procs: print "PID ARGS" for every process that belongs to this lab, found
# by its command line (mentions DIR, as sshd's config and a relay's pidfile do,
# or is a postgres process of a lab cluster), except this script, its ancestors
# and its own subshells.
lab_procs() {
    local skip=" " p=$BASHPID self pid ppid args pat prefixes=() listing n
    for n in "${SITES[@]}"; do prefixes+=("postgres: $(pg_cluster "$n"):"); done
    while [ -n "$p" ] && [ "$p" -gt 1 ]; do
        skip+="$p "
        p=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ') || break
    done
    self=$(ps -o args= -p $$ 2>/dev/null || true)
    listing=$(ps -e -o pid=,ppid=,args=)
    while read -r pid ppid args; do
        case $skip in *" $pid "*) continue ;; esac
        # A subshell of this script has the script's command line.
        if [ "$args" = "$self" ]; then
            case $skip in *" $ppid "*) continue ;; esac
        fi
        case $args in *"$LAB_DIR"*) echo "$pid $args"; continue ;; esac
        for pat in "${prefixes[@]}"; do
            case $args in "$pat"*) echo "$pid $args"; break ;; esac
        done
    done <<<"$listing"
}

# ----------------------------------------------------------------------------
# Requirements
# ----------------------------------------------------------------------------

# missing_requirements: print one line per thing the lab needs but lacks.
missing_requirements() {
    local t
    [ -n "$PG_BINDIR" ] || echo "PostgreSQL server binaries (initdb, pg_ctl); set LAB_PG_BINDIR"
    if [ -n "$PG_BINDIR" ]; then
        for t in postgres pg_basebackup psql pgbench pg_dump pg_isready; do
            [ -x "$PG_BINDIR/$t" ] || echo "$PG_BINDIR/$t"
        done
    fi
    [ -x "$SSHD" ] || echo "sshd ($SSHD, or set LAB_SSHD)"
    case $SSHD in /*) ;; *) echo "sshd path must be absolute: $SSHD" ;; esac
    for t in ssh ssh-keygen ssh-keyscan timeout ps awk; do
        command -v "$t" >/dev/null 2>&1 || echo "$t"
    done
    if [ "$IS_ROOT" = 1 ]; then
        command -v runuser >/dev/null 2>&1 || echo "runuser"
        id -u "$PG_OS_USER" >/dev/null 2>&1 || echo "OS user '$PG_OS_USER' to run PostgreSQL"
    fi
    if [ "$WANT_RELAY" = 1 ]; then
        [ -x "$RELAY_BIN" ] || echo "the relay ($RELAY_BIN: build it with 'make check', or set LAB_RELAY_BIN)"
        command -v setsid >/dev/null 2>&1 || echo "setsid"
    fi
}

# cmd_check: report missing requirements; exit 0 if there are none.
cmd_check() {
    local missing
    missing=$(missing_requirements)
    if [ -n "$missing" ]; then
        sed 's/^/  missing: /' <<<"$missing" >&2
        warn "this machine lacks what the lab needs (see above)"
        return 1
    fi
    if [ "$WANT_RELAY" = 1 ]; then
        say "ok: PostgreSQL in $PG_BINDIR, sshd $SSHD, relay $RELAY_BIN"
    else
        say "ok: PostgreSQL in $PG_BINDIR, sshd $SSHD"
    fi
}

# warn_locked_account: sshd without PAM refuses key logins to a locked account.
warn_locked_account() {
    local pw
    pw=$(getent shadow "$ME" 2>/dev/null | cut -d: -f2) || return 0
    case $pw in '!'*) warn "account '$ME' is locked ('!' in shadow): sshd with UsePAM no will refuse its key logins" ;; esac
}

# ----------------------------------------------------------------------------
# Layout and keys
# ----------------------------------------------------------------------------

# create_layout: make DIR and each site's folders, with the right owners.
create_layout() {
    local n d
    mkdir -p "$LAB_DIR"
    chmod 0755 "$LAB_DIR"
    echo "$PORT_BASE" >"$MARKER"
    for n in "${SITES[@]}"; do
        d=$(site_dir "$n")
        mkdir -p "$d"/{pgdata,backup,sock,ssh,log}
        chmod 0755 "$d" "$d/backup" "$d/sock" "$d/log"
        chmod 0700 "$d/pgdata" "$d/ssh"
        : >"$(pg_log "$n")"
        : >"$(setup_log "$n")"
        if [ "$IS_ROOT" = 1 ]; then
            chown "$PG_OS_USER:" "$d/pgdata" "$d/sock" "$(pg_log "$n")"
        fi
    done
    if [ "$IS_ROOT" = 1 ] && ! as_pg test -x "$(site_dir 1)/sock"; then
        die "user $PG_OS_USER cannot reach $LAB_DIR (choose a folder under /tmp)"
    fi
}

# make_user_key: the test user's key DIR/id_ed25519 and DIR/authorized_keys.
make_user_key() {
    ssh-keygen -q -t ed25519 -N '' -C "drconsole-lab user key" -f "$LAB_DIR/id_ed25519"
    cp "$LAB_DIR/id_ed25519.pub" "$LAB_DIR/authorized_keys"
    chmod 0644 "$LAB_DIR/authorized_keys"
}

# make_host_key N: a fresh ed25519 host key for site N (replaces any old one).
make_host_key() {
    local key
    key=$(host_key "$1")
    rm -f "$key" "$key.pub"
    ssh-keygen -q -t ed25519 -N '' -C "drconsole-lab $(site_name "$1")" -f "$key"
}

# write_known_hosts: DIR/known_hosts with the current host key of each site,
# at its sshd's port and, with relays, at its relay's port too.
write_known_hosts() {
    local n kt key
    for n in "${SITES[@]}"; do
        read -r kt key _ <"$(host_key "$n").pub"
        echo "[127.0.0.1]:$(ssh_port "$n") $kt $key"
        if has_relays; then echo "[127.0.0.1]:$(relay_port "$n") $kt $key"; fi
    done >"$LAB_DIR/known_hosts"
    chmod 0644 "$LAB_DIR/known_hosts"
}

# ----------------------------------------------------------------------------
# sshd
# ----------------------------------------------------------------------------

# write_sshd_config N: site N's sshd_config.
write_sshd_config() {
    local n=$1
    cat >"$(sshd_conf "$n")" <<EOF
# sshd of lab site $n ($(site_name "$n"))
Port $(ssh_port "$n")
ListenAddress 127.0.0.1
HostKey $(host_key "$n")
PidFile $(sshd_pidf "$n")
AuthorizedKeysFile $LAB_DIR/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
X11Forwarding no
PrintMotd no
UseDNS no
Subsystem sftp internal-sftp
LogLevel VERBOSE
SetEnv SHLVL=1 LAB_SITE=$n PGPORT=$(pg_port "$n") PGHOST=$(sock_dir "$n") LAB_DIR=$LAB_DIR PATH=$PG_BINDIR:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin BASH_ENV=$(site_dir "$n")/shellrc XDG_STATE_HOME=$(site_dir "$n")/state
EOF
    # The site account's shell startup file (bash reads BASH_ENV): empty; tests
    # make it chatty, as many real accounts are.
    : >"$(site_dir "$n")/shellrc"
}

# sshd_serves_key N [PORT]: true if site N's sshd answers with the host key on
# disk (on its own port, or on PORT).
sshd_serves_key() {
    local kt key
    read -r kt key _ <"$(host_key "$1").pub"
    ssh-keyscan -T 2 -t ed25519 -p "${2:-$(ssh_port "$1")}" 127.0.0.1 2>/dev/null | grep -qF "$key"
}

# start_sshd N: check site N's config, start its sshd and wait until it serves.
start_sshd() {
    local n=$1 log
    log="$(site_dir "$n")/log/sshd.log"
    if [ "$IS_ROOT" = 1 ] && [ ! -d /run/sshd ]; then
        mkdir -p /run/sshd
        chmod 0755 /run/sshd
    fi
    "$SSHD" -t -f "$(sshd_conf "$n")" >>"$(setup_log "$n")" 2>&1 ||
        die "sshd rejects $(sshd_conf "$n") (see $(setup_log "$n"))"
    "$SSHD" -f "$(sshd_conf "$n")" -E "$log" </dev/null >>"$(setup_log "$n")" 2>&1
    wait_until "$SSH_WAIT" "sshd of site $n on port $(ssh_port "$n")" sshd_serves_key "$n"
    say "site $n: sshd on 127.0.0.1:$(ssh_port "$n") (pid $(sshd_pid "$n"))"
}

# stop_sshd N: stop site N's sshd and all its session processes.
stop_sshd() {
    local pid pids
    pid=$(sshd_pid "$1") || return 0
    pids=($(proc_tree "$pid"))
    signal_pids CONT "${pids[@]}"
    signal_pids TERM "${pids[@]}"
    if ! wait_pids_gone 3 "${pids[@]}"; then
        signal_pids KILL $(proc_tree "${pids[@]}")
        wait_pids_gone 2 "${pids[@]}" || warn "site $1: sshd processes survive SIGKILL"
    fi
}

# ----------------------------------------------------------------------------
# Relays (LAB_RELAY=1): the jump host's path to each site's sshd
# ----------------------------------------------------------------------------

# start_relay N: start site N's relay (in a session of its own, as sshd and
# postgres are) and wait until site N's host key is served through it.
start_relay() {
    local n=$1 bg end
    setsid "$RELAY_BIN" --listen "$(relay_port "$n")" --to "$(ssh_port "$n")" \
        --pidfile "$(relay_pidf "$n")" </dev/null >>"$(relay_log "$n")" 2>&1 &
    bg=$!
    end=$((SECONDS + SSH_WAIT))
    until relay_pid "$n" >/dev/null; do
        # (setsid forks when it cannot make a session in place: give the child a moment.)
        if ! pid_alive "$bg"; then
            sleep 0.5
            relay_pid "$n" >/dev/null && break
            die "the relay of site $n did not start (see $(relay_log "$n"))"
        fi
        [ "$SECONDS" -lt "$end" ] || die "the relay of site $n wrote no pidfile in ${SSH_WAIT}s"
        sleep 0.1
    done
    wait_until "$SSH_WAIT" "sshd of site $n through its relay on port $(relay_port "$n")" \
        sshd_serves_key "$n" "$(relay_port "$n")"
    say "site $n: relay on 127.0.0.1:$(relay_port "$n") to sshd :$(ssh_port "$n") (pid $(relay_pid "$n"))"
}

# stop_relay N: stop site N's relay (it removes its pidfile), SIGKILL if need be.
stop_relay() {
    local pid
    pid=$(relay_pid "$1") || return 0
    signal_pids TERM "$pid"
    if ! wait_pids_gone 3 "$pid"; then
        signal_pids KILL "$pid"
        wait_pids_gone 2 "$pid" || warn "site $1: relay $pid survives SIGKILL"
    fi
}

# ----------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------

# write_pg_site_conf N: settings that differ per site (port, socket, name).
write_pg_site_conf() {
    local f
    f="$(pg_data "$1")/lab_site.conf"
    cat >"$f" <<EOF
# settings of lab site $1 ($(site_name "$1"))
port = $(pg_port "$1")
unix_socket_directories = '$(sock_dir "$1")'
cluster_name = '$(pg_cluster "$1")'
EOF
    chmod 0600 "$f"
    [ "$IS_ROOT" = 0 ] || chown "$PG_OS_USER:" "$f"
}

# init_primary N: initdb site N and configure it as a primary.
init_primary() {
    local n=$1 data
    data=$(pg_data "$n")
    as_pg "$PG_BINDIR/initdb" -A trust -U postgres --no-sync -E UTF8 --locale=C \
        -D "$data" >>"$(setup_log "$n")" 2>&1 ||
        die "initdb failed for site $n (see $(setup_log "$n"))"
    cat >>"$data/postgresql.conf" <<'EOF'

# drconsole lab (common to all sites; site settings in lab_site.conf)
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 10
wal_keep_size = 512MB
hot_standby = on
fsync = off
shared_buffers = 16MB
max_connections = 40
wal_retrieve_retry_interval = 1s
log_line_prefix = '%m [%p] '
include_if_exists = 'lab_site.conf'
EOF
    echo "wal_log_hints = $WAL_LOG_HINTS   # LAB_WAL_LOG_HINTS: off leaves pg_rewind impossible" \
        >>"$data/postgresql.conf"
    cat >"$data/pg_hba.conf" <<'EOF'
# drconsole lab: no passwords, loopback only
local   all           all                   trust
local   replication   all                   trust
host    replication   all   127.0.0.1/32    trust
host    all           all   127.0.0.1/32    trust
EOF
    write_pg_site_conf "$n"
}

# start_pg N: start site N's PostgreSQL and wait until it accepts connections.
start_pg() {
    local n=$1
    as_pg "$PG_BINDIR/pg_ctl" -D "$(pg_data "$n")" -l "$(pg_log "$n")" -w -t "$PG_WAIT" \
        start </dev/null >>"$(setup_log "$n")" 2>&1 ||
        die "PostgreSQL of site $n did not start (see $(pg_log "$n"))"
    say "site $n: PostgreSQL on 127.0.0.1:$(pg_port "$n") (pid $(pg_pid "$n"))"
}

# seed_primary N: the erp_chatbot database with pgbench data, and the drmonitor role.
seed_primary() {
    local n=$1
    pg_query "$n" postgres "CREATE DATABASE erp_chatbot" >/dev/null
    as_pg "$PG_BINDIR/pgbench" -i -q -s 1 -h "$(sock_dir "$n")" -p "$(pg_port "$n")" \
        -U postgres erp_chatbot >>"$(setup_log "$n")" 2>&1 ||
        die "pgbench -i failed on site $n (see $(setup_log "$n"))"
    pg_query "$n" postgres "CREATE ROLE drmonitor LOGIN IN ROLE pg_monitor" >/dev/null
}

# clone_standby N FROM: site N becomes a streaming standby of site FROM.
clone_standby() {
    local n=$1 from=$2
    as_pg "$PG_BINDIR/pg_basebackup" -R -X stream -c fast --no-sync \
        -h 127.0.0.1 -p "$(pg_port "$from")" -U postgres -D "$(pg_data "$n")" \
        >>"$(setup_log "$n")" 2>&1 ||
        die "pg_basebackup of site $n from site $from failed (see $(setup_log "$n"))"
    write_pg_site_conf "$n"
}

# replication_state N: print the states in site N's pg_stat_replication.
replication_state() {
    pg_query "$1" postgres "SELECT coalesce(string_agg(state, ',' ORDER BY pid), '') FROM pg_stat_replication"
}

# standbys_caught_up N: true when every standby of site N replayed up to its current WAL position.
standbys_caught_up() {
    [ "$(pg_query "$1" postgres "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn IS DISTINCT FROM pg_current_wal_lsn()")" = 0 ]
}

# primary_streams N: true if site N has at least one standby streaming.
primary_streams() { case ",$(replication_state "$1")," in *,streaming,*) return 0 ;; esac; return 1; }

# stop_pg N: stop site N's PostgreSQL at once (thawed first), SIGKILL if need be.
stop_pg() {
    local n=$1 pid pids
    pid=$(pg_pid "$n") || return 0
    pids=($(proc_tree "$pid"))
    signal_pids CONT "${pids[@]}"
    as_pg "$PG_BINDIR/pg_ctl" -D "$(pg_data "$n")" -m immediate -w -t 10 stop \
        </dev/null >>"$(setup_log "$n")" 2>&1 || true
    if ! wait_pids_gone 5 "${pids[@]}"; then
        signal_pids KILL $(proc_tree "${pids[@]}")
        wait_pids_gone 2 "${pids[@]}" || warn "site $n: postgres processes survive SIGKILL"
    fi
}

# reap_pg_orphans N: wait for the backends of a killed postmaster to exit.
reap_pg_orphans() {
    local n=$1 pids
    pids=($(lab_procs | awk -v p="postgres: $(pg_cluster "$n"):" 'index($0, p) { print $1 }'))
    [ ${#pids[@]} -gt 0 ] || return 0
    signal_pids CONT "${pids[@]}"
    wait_pids_gone 10 "${pids[@]}" || signal_pids KILL "${pids[@]}"
}

# ----------------------------------------------------------------------------
# Backups, config and environment files
# ----------------------------------------------------------------------------

# make_backups: real pg_dump -Fc files in each site's backup folder, aged
# 0, 2, 35 and 40 days (name and mtime), taken once from the primary.
make_backups() {
    local n age ts name tmp now
    tmp="$(site_dir "$PRIMARY_SITE")/backup/.dump.tmp"
    as_pg "$PG_BINDIR/pg_dump" -Fc -h "$(sock_dir "$PRIMARY_SITE")" \
        -p "$(pg_port "$PRIMARY_SITE")" -U postgres erp_chatbot >"$tmp" ||
        die "pg_dump of erp_chatbot failed"
    now=$(date +%s)
    for n in "${SITES[@]}"; do
        for age in 0 2 35 40; do
            ts=$((now - age * 86400))
            name="$(site_dir "$n")/backup/db_backup_$(date -d "@$ts" +%Y%m%d_%H%M%S).dump"
            cp "$tmp" "$name"
            touch -d "@$ts" "$name"
        done
    done
    rm -f "$tmp"
    say "backups: 4 dumps per site (2 older than 30 days)"
}

# write_app: the lab's "application" in DIR/app: a pg_service.conf entry "erp"
# and a hosts-style file naming the database host, both pointing at the
# primary, and the scripts the config's action overrides run to repoint them
# and to switch the (pretend) network path, as a deployment's own would.
write_app() {
    local app=$LAB_DIR/app
    mkdir -p "$app/bin"
    cat >"$app/pg_service.conf" <<EOF
[erp]
host=127.0.0.1
port=$(pg_port "$PRIMARY_SITE")
dbname=erp_chatbot
user=postgres
EOF
    printf '127.0.0.1 erp-db.lab # %s\n' "$(site_name "$PRIMARY_SITE")" >"$app/hosts"
    echo primary >"$app/network"
    cat >"$app/bin/point-service" <<'EOF'
#!/bin/sh
# point-service FILE HOST PORT: points the [erp] entry of FILE at HOST:PORT.
# Every run is logged in actions.log beside FILE.
set -eu
echo "$(date -u +%H:%M:%S) ${0##*/} $*" >>"$(dirname "$1")/actions.log"
file=$1 host=$2 port=$3
tmp="$file.new.$$"
awk -v h="$host" -v p="$port" '/^host=/ { print "host=" h; next } /^port=/ { print "port=" p; next } { print }' "$file" >"$tmp"
mv "$tmp" "$file"
EOF
    cat >"$app/bin/point-name" <<'EOF'
#!/bin/sh
# point-name FILE ADDRESS SITE: the hosts-style FILE names ADDRESS as erp-db.lab (at SITE).
# Every run is logged in actions.log beside FILE.
set -eu
echo "$(date -u +%H:%M:%S) ${0##*/} $*" >>"$(dirname "$1")/actions.log"
printf '%s erp-db.lab # %s\n' "$2" "$3" >"$1.new.$$"
mv "$1.new.$$" "$1"
EOF
    cat >"$app/bin/set-network" <<'EOF'
#!/bin/sh
# set-network FILE PATH: records which network path the sites use (primary or backup).
# Every run is logged in actions.log beside FILE.
set -eu
echo "$(date -u +%H:%M:%S) ${0##*/} $*" >>"$(dirname "$1")/actions.log"
echo "$2" >"$1.new.$$"
mv "$1.new.$$" "$1"
EOF
    chmod 0755 "$app/bin/point-service" "$app/bin/point-name" "$app/bin/set-network"
}

# write_config: DIR/drconsole.yml describing both sites.
write_config() {
    local n
    {
        cat <<EOF
# drconsole config for the lab in $LAB_DIR (written by lab.sh)
dr:
  primary_site: $(site_name "$PRIMARY_SITE")
  dr_site: $(site_name 2)
  failover_mode: manual
  sync_interval: 300
probe:
  interval: 1s
  timeout: 3s
state_dir: state
params:
  app: $LAB_DIR/app
  slow: "0"   # seconds update_routing_tables waits first (tests raise it)
  note: "-"   # a free text passed to activate_backup_network (tests try quotes in it)
# The deployment-specific steps, done on the lab's "application" in DIR/app.
actions:
  update_connection_string:
    site: dr
    run: "{{params.app}}/bin/point-service {{params.app}}/pg_service.conf {{dr.host}} {{dr.postgres.port}}"
    check: "PGSERVICEFILE={{params.app}}/pg_service.conf psql service=erp -Atc 'select not pg_is_in_recovery()' | grep -qx t"
    confirm: key
    timeout: 10s
  verify_data_integrity:
    check: restore_test   # the DR site's newest backup restores on the new primary
    timeout: 1m
  update_dns:
    site: local   # on the jump host: the console's local runner
    run: "{{params.app}}/bin/point-name {{params.app}}/hosts {{dr.host}} {{dr.name}}"
    check: "grep -q erp-db.lab {{params.app}}/hosts"
    confirm: key
    timeout: 30s
  activate_backup_network:
    site: dr
    run: "{{params.app}}/bin/set-network {{params.app}}/network backup {{params.note}}"
    check: "grep -qx backup {{params.app}}/network"
    confirm: key
    timeout: 30s
  update_routing_tables:
    site: dr
    run: "sleep {{params.slow}}; {{params.app}}/bin/set-network {{params.app}}/routes backup"
    check: "grep -qx backup {{params.app}}/routes"
    confirm: key
    timeout: 10s
sites:
EOF
        for n in "${SITES[@]}"; do
            cat <<EOF
  - name: $(site_name "$n")
    ssh:
      host: 127.0.0.1
      port: $(jump_port "$n")$(if has_relays; then echo "   # the relay on the jump host's path to sshd :$(ssh_port "$n")"; fi)
      user: $ME
      identity: id_ed25519
      known_hosts: known_hosts
    postgres:
      port: $(pg_port "$n")
      dbname: erp_chatbot
      user: postgres
      data_dir: $(pg_data "$n")
      bindir: $PG_BINDIR
      start: 'pg_ctl -D "\$PGDATA" -l $(pg_log "$n") -w -t 60 start'
      stop: 'pg_ctl -D "\$PGDATA" -m fast -w -t 60 stop'
      replication_host: 127.0.0.1
    backups:
      dir: $(site_dir "$n")/backup
      pattern: "db_backup_*.dump"
      retention_days: 30
      max_age: 26h
    services:
      - { name: postgresql, check: "pg_isready -q -h 127.0.0.1 -p $(pg_port "$n")" }
    lock_dir: $(site_dir "$n")
EOF
        done
    } >"$LAB_DIR/drconsole.yml"
}

# write_lab_env: DIR/lab.env, shell variables that tests can source.
write_lab_env() {
    local n
    {
        echo "# drconsole lab: source this file"
        printf '%s=%q\n' LAB_DIR "$LAB_DIR" LAB_PORT_BASE "$PORT_BASE" \
            LAB_USER "$ME" LAB_PG_OS_USER "$PG_OS_USER" LAB_PG_BINDIR "$PG_BINDIR" \
            LAB_KEY "$LAB_DIR/id_ed25519" LAB_KNOWN_HOSTS "$LAB_DIR/known_hosts" \
            LAB_CONFIG "$LAB_DIR/drconsole.yml" LAB_PRIMARY_SITE "$PRIMARY_SITE"
        for n in "${SITES[@]}"; do
            printf '%s=%q\n' "LAB_SSH_PORT_$n" "$(ssh_port "$n")" \
                "LAB_PG_PORT_$n" "$(pg_port "$n")" "LAB_SOCK_$n" "$(sock_dir "$n")" \
                "LAB_BACKUP_$n" "$(site_dir "$n")/backup" "LAB_PGDATA_$n" "$(pg_data "$n")"
            if has_relays; then printf '%s=%q\n' "LAB_RELAY_PORT_$n" "$(relay_port "$n")"; fi
        done
    } >"$LAB_DIR/lab.env"
}

# ----------------------------------------------------------------------------
# Commands
# ----------------------------------------------------------------------------

# lab_running: true if DIR holds a lab with any sshd or postmaster running.
lab_running() {
    local n
    [ -f "$MARKER" ] || return 1
    for n in "${SITES[@]}"; do
        [ -z "$(site_roots "$n")" ] || return 0
    done
    return 1
}

# up_failed: EXIT trap while "up" runs: show the logs, tear down, keep the status.
up_failed() {
    local rc=$? f
    trap - EXIT INT TERM
    [ "$rc" -ne 0 ] || rc=1
    warn "up failed; tearing down what was started"
    for f in "$LAB_DIR"/site*/log/*.log; do
        [ -s "$f" ] || continue
        echo "--- last lines of $f" >&2
        tail -n 15 "$f" >&2
    done
    teardown || true
    exit "$rc"
}

# cmd_up: bring the whole lab up.
cmd_up() {
    local n p missing
    missing=$(missing_requirements)
    [ -z "$missing" ] || { cmd_check || true; die "cannot start the lab"; }
    if lab_running; then
        say "lab already up in $LAB_DIR"
        if [ "$WANT_RELAY" = 1 ] && ! has_relays; then
            warn "it runs without relays (LAB_RELAY=1 is not applied to a lab already up)"
        fi
        return 0
    fi
    if [ -f "$MARKER" ]; then
        die "$LAB_DIR holds a stopped lab; run '$PROG --dir $LAB_DIR down' first"
    fi
    if [ -e "$LAB_DIR" ] && [ -n "$(ls -A "$LAB_DIR" 2>/dev/null)" ]; then
        die "$LAB_DIR exists and is not empty"
    fi
    for n in "${SITES[@]}"; do
        for p in "$(ssh_port "$n")" "$(pg_port "$n")"; do
            ! port_in_use "$p" || die "port $p on 127.0.0.1 is in use (choose another --port-base)"
        done
        [ "$WANT_RELAY" = 0 ] || ! port_in_use "$(relay_port "$n")" ||
            die "port $(relay_port "$n") on 127.0.0.1 is in use (choose another --port-base)"
    done
    warn_locked_account

    trap up_failed EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    say "starting the lab in $LAB_DIR (port base $PORT_BASE)"
    create_layout
    [ "$WANT_RELAY" = 0 ] || : >"$RELAY_MARK"
    make_user_key
    for n in "${SITES[@]}"; do
        make_host_key "$n"
        write_sshd_config "$n"
        start_sshd "$n"
        if has_relays; then start_relay "$n"; fi
    done
    write_known_hosts

    init_primary "$PRIMARY_SITE"
    start_pg "$PRIMARY_SITE"
    seed_primary "$PRIMARY_SITE"
    for n in "${SITES[@]}"; do
        [ "$n" = "$PRIMARY_SITE" ] && continue
        clone_standby "$n" "$PRIMARY_SITE"
        start_pg "$n"
    done
    wait_until "$STREAM_WAIT" "streaming replication" primary_streams "$PRIMARY_SITE"
    # A first commit once the standbys stream: their replay then reaches the
    # primary's position and has a replay time, as on any site with traffic
    # (right after the clone it may stop short of the last WAL page).
    pg_query "$PRIMARY_SITE" erp_chatbot "UPDATE pgbench_branches SET bbalance = bbalance WHERE bid = 1" >/dev/null
    wait_until "$STREAM_WAIT" "the standbys to replay the first commit" standbys_caught_up "$PRIMARY_SITE"
    say "replication: $(replication_state "$PRIMARY_SITE")"

    make_backups
    write_app
    write_config
    write_lab_env
    trap - EXIT INT TERM
    say "lab up: config $LAB_DIR/drconsole.yml, environment $LAB_DIR/lab.env"
}

# teardown: stop every lab process (frozen ones too), sweep stragglers, remove DIR.
teardown() {
    local n rc=0 left
    if [ -e "$LAB_DIR" ] && [ ! -f "$MARKER" ]; then
        warn "$LAB_DIR is not a lab folder (no $MARKER); not touching it"
        return 1
    fi
    if [ -d "$LAB_DIR" ]; then
        for n in "${SITES[@]}"; do signal_pids CONT $(proc_tree $(site_roots "$n")); done
        for n in "${SITES[@]}"; do stop_relay "$n"; done
        for n in "${SITES[@]}"; do stop_pg "$n"; done
        for n in "${SITES[@]}"; do stop_sshd "$n"; done
    fi
    sweep_leftovers || rc=1
    if [ -d "$LAB_DIR" ]; then
        rm -rf -- "$LAB_DIR" || true
        [ ! -e "$LAB_DIR" ] || { warn "could not remove $LAB_DIR"; rc=1; }
    fi
    return "$rc"
}

# sweep_leftovers: give lab processes 3 s to exit, then SIGKILL and report them.
sweep_leftovers() {
    local left pids end
    end=$((SECONDS + 3))
    while left=$(lab_procs) && [ -n "$left" ] && [ "$SECONDS" -lt "$end" ]; do
        sleep 0.2
    done
    [ -n "$left" ] || return 0
    warn "killing leftover lab processes:"
    sed 's/^/  /' <<<"$left" >&2
    pids=($(awk '{ print $1 }' <<<"$left"))
    signal_pids CONT "${pids[@]}"
    signal_pids KILL "${pids[@]}"
    wait_pids_gone 3 "${pids[@]}" || true
    left=$(lab_procs)
    [ -z "$left" ] || { warn "still running:"; sed 's/^/  /' <<<"$left" >&2; return 1; }
}

# cmd_down: stop the lab and remove DIR; fine to call when nothing runs.
cmd_down() {
    if [ ! -e "$LAB_DIR" ]; then
        sweep_leftovers
        say "no lab in $LAB_DIR"
        return 0
    fi
    [ -f "$MARKER" ] || die "$LAB_DIR is not a lab folder (no $MARKER); not touching it"
    teardown || die "down left things behind (see above)"
    say "lab in $LAB_DIR is down and removed"
}

# site_status N: print one line about site N; sets STATUS_OK=0 on trouble and
# STREAMING=1 if site N is a primary with a streaming standby.
site_status() {
    local n=$1 s_state p_state r_state role="-" repl="-" rec
    s_state=$(proc_state "$(sshd_pid "$n" || true)")
    p_state=$(proc_state "$(pg_pid "$n" || true)")
    if [ "$p_state" = running ]; then
        rec=$(pg_query "$n" postgres "SELECT pg_is_in_recovery()" 2>/dev/null || echo "?")
        case $rec in
            f) role=primary
               repl=$(replication_state "$n" 2>/dev/null || echo "?")
               primary_streams "$n" 2>/dev/null && STREAMING=1
               repl="standbys: ${repl:-none}" ;;
            t) role=standby
               repl="receiver: $(pg_query "$n" postgres "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')" 2>/dev/null || echo "?")" ;;
            *) role="no answer"; STATUS_OK=0 ;;
        esac
    fi
    [ "$s_state" = running ] && [ "$p_state" = running ] || STATUS_OK=0
    printf 'site %s (%s): sshd %s on :%s, postgres %s on :%s, role %s, %s' \
        "$n" "$(site_name "$n")" "$s_state" "$(ssh_port "$n")" \
        "$p_state" "$(pg_port "$n")" "$role" "$repl"
    if has_relays; then
        # A cut is a fault of the jump host's path, not of the site: not degraded.
        r_state=$(proc_state "$(relay_pid "$n" || true)")
        [ "$r_state" = running ] || STATUS_OK=0
        [ "$r_state" != running ] || [ ! -f "$(relay_cutf "$n")" ] || r_state="cut"
        printf ', relay %s on :%s' "$r_state" "$(relay_port "$n")"
    fi
    printf '\n'
}

# cmd_status: show both sites; exit 0 if all runs and replication streams.
cmd_status() {
    local n
    if [ ! -f "$MARKER" ]; then
        echo "no lab in $LAB_DIR"
        return 1
    fi
    STATUS_OK=1 STREAMING=0
    for n in "${SITES[@]}"; do site_status "$n"; done
    if [ "$STATUS_OK" = 1 ] && [ "$STREAMING" = 1 ]; then
        echo "lab: up and streaming"
        return 0
    fi
    echo "lab: degraded"
    return 1
}

# need_lab: fail unless DIR holds a lab.
need_lab() { [ -f "$MARKER" ] || die "no lab in $LAB_DIR (run '$PROG up' first)"; }

# cmd_kill_pg N: SIGKILL site N's postmaster, leaving its data as is.
cmd_kill_pg() {
    local n=$1 pid
    need_lab
    if ! pid=$(pg_pid "$n"); then
        say "site $n: PostgreSQL is not running"
        return 0
    fi
    kill -KILL "$pid"
    wait_pids_gone 5 "$pid" || die "site $n: postmaster $pid survives SIGKILL"
    say "site $n: postmaster $pid killed"
}

# cmd_start_pg N: start site N's PostgreSQL again.
cmd_start_pg() {
    local n=$1
    need_lab
    if pg_pid "$n" >/dev/null; then
        say "site $n: PostgreSQL already running"
        return 0
    fi
    reap_pg_orphans "$n"
    # The lock files of a killed postmaster may name a zombie not yet reaped,
    # which PostgreSQL would take for a live server.
    as_pg rm -f "$(pg_data "$n")/postmaster.pid" "$(sock_dir "$n")/.s.PGSQL.$(pg_port "$n").lock"
    start_pg "$n"
}

# cmd_freeze N: SIGSTOP site N's sshd and postmaster, then all their descendants
# (repeated until no new process shows up).
cmd_freeze() {
    local n=$1 roots pid stopped=" " new
    need_lab
    roots=($(site_roots "$n"))
    [ ${#roots[@]} -gt 0 ] || die "site $n: nothing runs to freeze"
    signal_pids STOP "${roots[@]}"
    for _ in 1 2 3 4 5; do
        new=0
        for pid in $(proc_tree "${roots[@]}"); do
            case $stopped in *" $pid "*) continue ;; esac
            kill -STOP "$pid" 2>/dev/null || true
            stopped+="$pid "
            new=1
        done
        [ "$new" = 1 ] || break
    done
    say "site $n: frozen ($(wc -w <<<"$stopped") processes)"
}

# cmd_thaw N: SIGCONT site N's sshd and postmaster trees, children first.
cmd_thaw() {
    local n=$1 pids
    need_lab
    pids=($(proc_tree $(site_roots "$n")))
    [ ${#pids[@]} -gt 0 ] || die "site $n: nothing runs to thaw"
    signal_pids CONT $(printf '%s\n' "${pids[@]}" | tac)
    say "site $n: thawed (${#pids[@]} processes)"
}

# cmd_rekey N: new host key for site N; sshd reloads it (SIGHUP re-executes it).
# DIR/known_hosts keeps the old key on purpose.
cmd_rekey() {
    local n=$1 pid
    need_lab
    pid=$(sshd_pid "$n") || die "site $n: sshd is not running"
    make_host_key "$n"
    kill -HUP "$pid"
    wait_until "$SSH_WAIT" "sshd of site $n to serve its new host key" sshd_serves_key "$n" ||
        die "site $n: sshd did not come back with the new key"
    say "site $n: new host key $(ssh-keygen -l -f "$(host_key "$n").pub" | awk '{ print $2 }')"
}

# site_relay N: print the pid of site N's relay; fail unless it runs.
site_relay() {
    need_lab
    has_relays || die "the lab in $LAB_DIR runs without relays (start it with LAB_RELAY=1 $PROG up)"
    relay_pid "$1" || die "site $1: the relay is not running"
}

# cmd_cut N: partition the jump host from site N (SIGUSR1 to its relay).
cmd_cut() {
    local n=$1 pid
    pid=$(site_relay "$n") || exit 1
    kill -USR1 "$pid"
    : >"$(relay_cutf "$n")"
    say "site $n: cut from the jump host (the relay on :$(relay_port "$n") holds its connections in silence)"
}

# cmd_mend N: end the partition of site N (SIGUSR2 to its relay).
cmd_mend() {
    local n=$1 pid
    pid=$(site_relay "$n") || exit 1
    kill -USR2 "$pid"
    rm -f "$(relay_cutf "$n")"
    say "site $n: mended (the connections held by the cut are closed, new ones go through)"
}

# cmd_psql N ARGS...: psql on site N as postgres, database erp_chatbot by default.
cmd_psql() {
    local n=$1
    shift
    need_lab
    local envs=(PGHOST="$(sock_dir "$n")" PGPORT="$(pg_port "$n")" PGUSER=postgres
                PGDATABASE=erp_chatbot)
    if [ "$IS_ROOT" = 1 ]; then
        # Stay in the caller's folder if the PostgreSQL user can enter it.
        if runuser -u "$PG_OS_USER" -- test -x "$PWD" 2>/dev/null; then
            runuser -u "$PG_OS_USER" -- env "${envs[@]}" "$PG_BINDIR/psql" -X "$@"
        else
            as_pg env "${envs[@]}" "$PG_BINDIR/psql" -X "$@"
        fi
    else
        env "${envs[@]}" "$PG_BINDIR/psql" -X "$@"
    fi
}

# cmd_shell N MODE: write site N's shell startup file (BASH_ENV) for MODE.
cmd_shell() {
    local n=$1 mode=${2:-} rc
    need_lab
    rc="$(site_dir "$n")/shellrc"
    case $mode in
        plain) : >"$rc" ;;
        slow)
            cat >"$rc" <<EOF
echo "Welcome to $(site_name "$n"): authorized use only (banner on stdout)"
echo "Last login: somewhere (banner on stderr)" >&2
sleep ${LAB_SHELL_SLEEP:-3}
EOF
            ;;
        restricted) echo 'set -r' >"$rc" ;;
        *) die "shell needs a MODE: plain, slow or restricted" ;;
    esac
    say "site $n: shell startup $mode"
}

# cmd_env: print DIR/lab.env.
cmd_env() {
    [ -f "$LAB_DIR/lab.env" ] || die "no lab.env in $LAB_DIR (run '$PROG up' first)"
    cat "$LAB_DIR/lab.env"
}

# main ARGS...: dispatch the command.
main() {
    parse_args "$@"
    [ -n "$COMMAND" ] || { usage >&2; exit 2; }
    [ "$COMMAND" != help ] || { usage; exit 0; }
    setup_globals
    local n=
    [ -z "$SITE_ARG" ] || n=$(site_num "$SITE_ARG")
    case $COMMAND in
        up)       cmd_up ;;
        down)     cmd_down ;;
        status)   cmd_status ;;
        check)    cmd_check ;;
        kill-pg)  cmd_kill_pg "$n" ;;
        start-pg) cmd_start_pg "$n" ;;
        freeze)   cmd_freeze "$n" ;;
        thaw)     cmd_thaw "$n" ;;
        rekey)    cmd_rekey "$n" ;;
        cut)      cmd_cut "$n" ;;
        mend)     cmd_mend "$n" ;;
        psql)     cmd_psql "$n" "${REST[@]}" ;;
        shell)    cmd_shell "$n" "${REST[@]}" ;;
        env)      cmd_env ;;
        *)        die "unknown command: $COMMAND (see --help)" ;;
    esac
}

main "$@"
