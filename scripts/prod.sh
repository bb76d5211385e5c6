#!/usr/bin/env bash
# Production mode: gunicorn (several workers), a Celery worker and Celery beat, against
# DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis or RabbitMQ). See docs/production.md.
#   SEED_DEMO=1     migrate and load the demo world first (migrations always run; seed only then)
#   BIND            address of the web server (default 127.0.0.1:8000)
#   WEB_WORKERS     gunicorn workers (default 4); CELERY_CONCURRENCY worker processes (default 2)
#   CELERY_NICE     the worker's niceness (default 10: background work yields the CPU to requests)
#   DJANGO_ENV      "demo" (default: plain http works) or "production" (behind a TLS proxy; then
#                   SECRET_KEY, APPROVAL_FORM_KEY and ALLOWED_HOSTS are required, see docs/production.md)
# SIGTERM or Ctrl-C stops everything this script started.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[prod] %s\n' "$*"; }
die() { printf '[prod] 错误:%s\n' "$*" >&2; exit 2; }

[[ -n "${DATABASE_URL:-}" ]] || die "未设置 DATABASE_URL(例如 postgres://user@127.0.0.1:5432/channels)。"
[[ -n "${CELERY_BROKER_URL:-}" ]] || die "未设置 CELERY_BROKER_URL(例如 redis://127.0.0.1:6379/0)。"
[[ "$DATABASE_URL" == postgres* ]] || die "生产模式需要 PostgreSQL:DATABASE_URL 应以 postgres:// 开头。"

PY=.venv/bin/python
[[ -x "$PY" ]] || die "未找到 .venv,请先运行 bash scripts/setup.sh。"
export DB_CONN_MAX_AGE="${DB_CONN_MAX_AGE:-60}"  # keep database connections between requests
BIND="${BIND:-127.0.0.1:8000}"
WEB_WORKERS="${WEB_WORKERS:-4}"
CELERY_CONCURRENCY="${CELERY_CONCURRENCY:-2}"
CELERY_NICE="${CELERY_NICE:-10}"
RUN_DIR="$(mktemp -d -t channels-prod.XXXXXX)"

# --- reachability: a clear message instead of a traceback ---------------------------
"$PY" - <<'EOF' || exit 2
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
try:
    django.setup()
except Exception as exc:
    sys.exit(f"[prod] 错误:配置无效:{exc}")
from django.db import connection
try:
    connection.ensure_connection()
except Exception as exc:
    sys.exit(f"[prod] 错误:无法连接数据库 DATABASE_URL:{exc}")
from kombu import Connection
try:
    with Connection(os.environ["CELERY_BROKER_URL"], connect_timeout=5) as broker:
        broker.ensure_connection(max_retries=1)
except Exception as exc:
    sys.exit(f"[prod] 错误:无法连接消息队列 CELERY_BROKER_URL:{exc}")
EOF

pids=()
stopping=0
stop_all() {  # TERM every child, wait up to 20 s, then KILL what is left (and our process group)
    ((stopping)) && return
    stopping=1
    log "stopping (${pids[*]:-nothing})"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for _ in $(seq 40); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done
    if [[ "$(ps -o pgid= $$ | tr -d ' ')" == "$$" ]]; then  # we lead our group: nothing of it may survive
        trap - TERM
        kill -TERM -- -$$ 2>/dev/null
    fi
    rm -rf "$RUN_DIR"
}
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 130' INT
trap 'stop_all' EXIT

"$PY" manage.py migrate --noinput -v 0 || die "数据库迁移失败。"
if [[ "${SEED_DEMO:-0}" == 1 ]]; then
    log "loading the demo world (seed_demo)"
    "$PY" manage.py seed_demo || die "加载演示数据失败。"
fi
bash scripts/static.sh || die "collectstatic 失败。"

# Background work yields the CPU to requests: the worker runs at a lower priority (CELERY_NICE, 0 to turn off),
# so rendering approval forms and exports uses the time the web workers leave (docs/production.md).
nice -n "$CELERY_NICE" .venv/bin/celery -A config worker --loglevel INFO --concurrency "$CELERY_CONCURRENCY" \
    --hostname "channels-worker-$$@%h" &
pids+=($!)
.venv/bin/celery -A config beat --loglevel INFO --schedule "$RUN_DIR/celerybeat-schedule" \
    --pidfile "$RUN_DIR/celerybeat.pid" &
pids+=($!)
.venv/bin/gunicorn config.wsgi:application --bind "$BIND" --workers "$WEB_WORKERS" \
    --timeout 60 --graceful-timeout 15 --max-requests 5000 --max-requests-jitter 500 \
    --access-logfile - --pid "$RUN_DIR/gunicorn.pid" &
pids+=($!)
log "serving on http://$BIND (gunicorn ×$WEB_WORKERS, Celery worker ×$CELERY_CONCURRENCY, beat)"

# One of them ending ends the whole (a supervisor such as systemd restarts the service).
wait -n "${pids[@]}"
rc=$?
((stopping)) || log "a process ended (exit $rc); stopping the rest"
exit "$rc"
