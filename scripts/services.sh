#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[services] %s\n' "$*"; }

wait_for() {  # wait_for <seconds> <command...>
    local secs=$1; shift
    local i
    for ((i = 0; i < secs * 2; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    return 1
}

# --- PostgreSQL --------------------------------------------------------------
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
    log "PostgreSQL is down, starting it"
    err=""
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /etc/postgresql ]]; then
        err="pg_ctlcluster or /etc/postgresql not found (is postgresql installed?)"
    else
        pg_version=$(ls /etc/postgresql | sort -V | tail -n1)
        if ! out=$(pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start 2>&1); then
            err="pg_ctlcluster $pg_version main start failed: $out"
        fi
    fi
    if [[ -z "$err" ]] && ! wait_for 30 pg_up; then
        err="still not accepting connections after 30 s"
    fi
    if [[ -n "$err" ]]; then
        echo "PostgreSQL is not running on 127.0.0.1:5432 and could not be started: $err" >&2
        exit 1
    fi
fi
log "PostgreSQL is up on 127.0.0.1:5432"

# Convenience: the 'channels' database, for DATABASE_URL=postgres://postgres@127.0.0.1:5432/channels
# (pytest-django creates its own test_channels database; this one is for run.sh).
if ! psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'channels'" | grep -q 1; then
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -qc 'CREATE DATABASE channels' >/dev/null
    log "created database 'channels'"
fi

# --- Redis -------------------------------------------------------------------
redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == PONG ]]; }
if ! redis_up; then
    log "Redis is down, starting it"
    err=""
    if ! command -v redis-server >/dev/null 2>&1; then
        err="redis-server not found (is redis-server installed?)"
    else
        mkdir -p /var/lib/redis /var/log/redis
        if ! out=$(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 \
                --save "" --appendonly no --dir /var/lib/redis \
                --logfile /var/log/redis/ci.log 2>&1); then
            err="redis-server failed: $out"
        fi
    fi
    if [[ -z "$err" ]] && ! wait_for 30 redis_up; then
        err="still no PONG after 30 s (see /var/log/redis/ci.log)"
    fi
    if [[ -n "$err" ]]; then
        echo "Redis is not running on 127.0.0.1:6379 and could not be started: $err" >&2
        exit 1
    fi
fi
log "Redis is up on 127.0.0.1:6379"
