#!/usr/bin/env bash
# Collect static files (served by whitenoise) only when they may have changed: compressing ~90 MB takes
# minutes on 2 cores. COLLECTSTATIC=0 skips it, COLLECTSTATIC=1 forces it. Used by run.sh and prod.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

static_stamp() {
    { sha256sum requirements.txt; find . -path ./.venv -prune -o -path ./staticfiles -prune -o \
        -path '*/static/*' -type f -printf '%p %s %T@\n' | sort; } | sha256sum | cut -d' ' -f1
}
[[ "${COLLECTSTATIC:-auto}" == 0 ]] && exit 0
stamp="$(static_stamp)"
if [[ "${COLLECTSTATIC:-auto}" == 1 || "$(cat staticfiles/.collected 2>/dev/null)" != "$stamp" ]]; then
    echo "[static] collecting static files"
    .venv/bin/python manage.py collectstatic --noinput -v 0
    echo "$stamp" > staticfiles/.collected
fi
