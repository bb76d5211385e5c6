#!/usr/bin/env bash
# Idempotent setup: Debian packages, .venv, Python requirements, translations.
# Fast when everything is already in place.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*"; }

# --- 1. Debian packages ------------------------------------------------------
# fonts-noto-cjk: Chinese glyphs in WeasyPrint PDFs; libpango*: WeasyPrint;
# gettext: compilemessages; chromium: Playwright browser tests (/usr/bin/chromium);
# poppler-utils: pdftotext/pdffonts in the approval-form tests.
APT_PACKAGES=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 gettext chromium poppler-utils)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    SUDO=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO=(sudo)
        else
            echo "[setup] need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- 2. virtualenv -----------------------------------------------------------
if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv with python3.11"
    python3.11 -m venv .venv
fi

# --- 3. Python requirements (stamped by the hash of requirements.txt) --------
req_hash=$(sha256sum requirements.txt | cut -d' ' -f1)
stamp=".venv/.req-${req_hash}"
if [[ ! -f "$stamp" ]]; then
    log "installing requirements.txt into .venv"
    .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
    rm -f .venv/.req-*
    touch "$stamp"
fi

# --- 4. translations ---------------------------------------------------------
if [[ -d locale ]]; then
    .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
fi
