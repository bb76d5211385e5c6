#!/usr/bin/env bash
# Install everything and serve the demo on http://127.0.0.1:8000
# Default: SQLite + eager Celery. Exported DATABASE_URL / CELERY_BROKER_URL pass through.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py collectstatic --noinput -v 0

echo "[run] serving on http://127.0.0.1:8000 (password for demo users: demo-pass-2026)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload
