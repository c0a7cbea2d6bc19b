#!/usr/bin/env bash
# Regenerate docs/screenshots/*.png: the browser journeys save the main pages as they go
# (1280 px wide, English, demo data). Needs Debian's Chromium (apt-get install chromium) or
# CHROMIUM_PATH; a missing browser fails here instead of leaving the pictures stale.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export SECRET_KEY=${SECRET_KEY:-screenshots-only-not-secret}
CICA_SCREENSHOTS=1 CICA_STRICT=1 "$BIN/pytest" tests/browser -p no:xdist -q "$@"
ls -1 docs/screenshots/*.png
