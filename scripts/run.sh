#!/usr/bin/env bash
# Install everything and serve the demo on http://127.0.0.1:8000
# Default: SQLite + eager Celery. Exported DATABASE_URL / CELERY_BROKER_URL pass through.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
bash scripts/static.sh

# The clock (changes due on a later date, deadlines, 报备 windows, certificate reminders): Celery beat
# with a broker, otherwise a small loop running beat's schedule once a minute (manage.py run_clock).
if [[ -n "${CELERY_BROKER_URL:-}" ]]; then
    .venv/bin/celery -A config worker --beat --loglevel INFO --concurrency 2 &
else
    ( while sleep 60; do .venv/bin/python manage.py run_clock >/dev/null 2>&1 || true; done ) &
fi
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT INT TERM

echo "[run] serving on http://127.0.0.1:8000 (password for demo users: demo-pass-2026)"
.venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload
