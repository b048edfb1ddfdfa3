#!/usr/bin/env bash
# 전체 시스템 다운 as a live drill, failback included (test-livedrill.sh), on a
# lab whose PostgreSQL has wal_log_hints off and no data checksums: pg_rewind
# cannot run, so the old primary must be rebuilt by pg_basebackup, its old
# data folder moved aside, and the drill must still end in the original roles
# with every acknowledged commit present. A lab of its own on port base 29050.
LAB_WAL_LOG_HINTS=off LIVEDRILL_PORT_BASE=29050 \
	exec "$(cd "$(dirname "$0")" && pwd)/test-livedrill.sh" "$@"
