#!/usr/bin/env bash
# Install everything and run the whole suite twice: on PostgreSQL, then on SQLite.
# Extra arguments go to pytest in both runs. TEST_WORKERS (default 2) parallel pytest-xdist workers per run,
# each with its own test database (pytest-django adds the worker's name); files stay whole on one worker
# (--dist loadfile) so module-scoped fixtures are built once. TEST_WORKERS=0 runs in one process.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/services.sh

export PLAYWRIGHT_CHROMIUM=/usr/bin/chromium
export FAIL_ON_SKIP=1  # a skipped test fails the run (tests/conftest.py)
XDIST=()
if [[ "${TEST_WORKERS:-2}" != 0 ]]; then
    XDIST=(-n "${TEST_WORKERS:-2}" --dist loadfile)
fi

describe() {  # describe <exit code>
    case $1 in
        0) echo "passed" ;;
        5) echo "FAILED (no tests collected, exit 5)" ;;
        *) echo "FAILED (exit $1)" ;;
    esac
}

echo "=== [1/2] pytest on PostgreSQL ==="
pg_rc=0
DATABASE_URL=postgres://postgres@127.0.0.1:5432/channels \
    .venv/bin/python -m pytest -q -p no:cacheprovider "${XDIST[@]}" "$@" || pg_rc=$?
if [[ $pg_rc -eq 5 ]]; then
    echo "ERROR: PostgreSQL run collected no tests" >&2
fi

echo "=== [2/2] pytest on SQLite (-m 'not postgres_only') ==="
sqlite_rc=0
(
    unset DATABASE_URL
    exec .venv/bin/python -m pytest -q -p no:cacheprovider -m "not postgres_only" "${XDIST[@]}" "$@"
) || sqlite_rc=$?
if [[ $sqlite_rc -eq 5 ]]; then
    echo "ERROR: SQLite run collected no tests" >&2
fi

echo "SUMMARY: PostgreSQL run $(describe $pg_rc); SQLite run $(describe $sqlite_rc)"
if [[ $pg_rc -ne 0 || $sqlite_rc -ne 0 ]]; then
    exit 1
fi
