#!/usr/bin/env bash
# make bench: the portal at 1,000 and at 100,000 shares, on PostgreSQL and gunicorn, in one run.
#
#   bench/run.sh            # then read docs/PERFORMANCE.md
#
# It (re)creates the databases cica_bench_small and cica_bench on the local PostgreSQL
# (127.0.0.1:5432, user postgres), migrates, seeds the demo, adds a decade of data with
# `generate_scale_data` (2,000 focal points, 5,000 meetings, 1,000,000 audit records and 1,000
# shares), copies it and adds 99,000 shares to the copy, starts ONE gunicorn worker on each (so
# that timings are sequential and the worker's memory is one process), times the pages of both
# in interleaved rounds and the reminder jobs of each, prints medians and ratios and exits
# non-zero when a target is missed. Knobs (environment): BENCH_DB, BENCH_PORT (and the next
# port), BENCH_REPEAT, BENCH_SHARES_SMALL, BENCH_SHARES_LARGE, BENCH_FOCAL_POINTS,
# BENCH_MEETINGS, BENCH_AUDIT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"

DB=${BENCH_DB:-cica_bench}
PORT=${BENCH_PORT:-8766}
SMALL=${BENCH_SHARES_SMALL:-1000}
LARGE=${BENCH_SHARES_LARGE:-100000}
FOCAL_POINTS=${BENCH_FOCAL_POINTS:-2000}
MEETINGS=${BENCH_MEETINGS:-5000}
AUDIT=${BENCH_AUDIT:-1000000}
export BENCH_REPEAT=${BENCH_REPEAT:-30}
PG=(-h 127.0.0.1 -p 5432 -U postgres)

export REDIS_URL=""   # no broker needed: nothing timed here enqueues a task
export SECRET_KEY=${SECRET_KEY:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')}
[[ -n "${AUDIT_KEYS:-}${AUDIT_KEY:-}${AUDIT_KEY_FILE:-}" ]] || export AUDIT_KEYS="bench:bench-only-audit-key-not-secret-0123456"
export DEBUG=0 TWO_FACTOR_REQUIRED=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1
export VAR_DIR="$ROOT/var/bench" LOG_LEVEL=WARNING
export DJANGO_SETTINGS_MODULE=portal_site.settings
mkdir -p "$VAR_DIR"
RUN_DIR=$(mktemp -d /tmp/cica-bench.XXXXXX)
export BENCH_DIR="$RUN_DIR"
export BENCH_URL_SMALL="http://127.0.0.1:$PORT" BENCH_URL_LARGE="http://127.0.0.1:$(( PORT + 1 ))"
SMALL_URL="postgres://postgres@127.0.0.1:5432/${DB}_small"
LARGE_URL="postgres://postgres@127.0.0.1:5432/$DB"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== databases ${DB}_small and $DB on 127.0.0.1:5432 (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
dropdb "${PG[@]}" --if-exists "${DB}_small"
dropdb "${PG[@]}" --if-exists "$DB"
createdb "${PG[@]}" "${DB}_small"
export DATABASE_URL="$SMALL_URL"
"$BIN/python" manage.py migrate --noinput >/dev/null
"$BIN/python" manage.py seed_demo >/dev/null

echo "== generate: $FOCAL_POINTS focal points, $MEETINGS meetings, $AUDIT audit records, $SMALL shares"
START=$(date +%s)
"$BIN/python" manage.py generate_scale_data --shares "$SMALL" --focal-points "$FOCAL_POINTS" \
  --meetings "$MEETINGS" --audit "$AUDIT" --seed 2008 | grep -v "^  audit:"
echo "   ($(( $(date +%s) - START )) s)"

# DEBUG=0 serves hashed static names from the manifest: without it every page is a 500. The
# timings fetch the HTML only (no CSS/JS), so static files cost nothing here beyond existing.
MANIFEST="$VAR_DIR/static/staticfiles.json"
if [[ ! -f "$MANIFEST" ]] || [[ -n $(find static -newer "$MANIFEST" -type f | head -1) ]]; then
  echo "== collectstatic (once)"
  "$BIN/python" manage.py collectstatic --noinput >/dev/null
fi

"$BIN/python" bench/setup.py  # sessions, the feed token and which share/meeting to open

# The large data set is a copy of the small one (same people, sessions, meetings and the same
# first 1,000 shares) with 99,000 shares more: both are then measured side by side.
echo "== copy to $DB and generate: $(( LARGE - SMALL )) more shares"
createdb "${PG[@]}" -T "${DB}_small" "$DB"
START=$(date +%s)
DATABASE_URL="$LARGE_URL" "$BIN/python" manage.py generate_scale_data \
  --shares "$(( LARGE - SMALL ))" --focal-points 0 --meetings 0 --audit 0 --seed 2009
echo "   ($(( $(date +%s) - START )) s)"

echo "== gunicorn (1 sync worker each): $SMALL shares on :$PORT, $LARGE on :$(( PORT + 1 ))"
for size in small large; do
  if [[ $size == small ]]; then url=$SMALL_URL; port=$PORT; else url=$LARGE_URL; port=$(( PORT + 1 )); fi
  DATABASE_URL="$url" "$BIN/gunicorn" portal_site.wsgi -b "127.0.0.1:$port" -w 1 --timeout 120 \
    --access-logfile /dev/null --error-logfile "$RUN_DIR/gunicorn-$size.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/accounts/login/" 2>/dev/null && break
    sleep 0.2
  done
done

# Rounds alternate between the two servers, so that the machine's speed, which drifts over
# minutes on a shared host, weighs on both sizes alike.
echo "== pages at $SMALL and at $LARGE shares, interleaved"
"$BIN/python" bench/pages.py
DATABASE_URL="$SMALL_URL" "$BIN/python" bench/reminders.py small
DATABASE_URL="$LARGE_URL" "$BIN/python" bench/reminders.py large

WORKER=$(pgrep -P "${PIDS[1]}" | head -1)
grep VmRSS "/proc/$WORKER/status" | awk '{print $2}' >"$RUN_DIR/rss_kb"
DATABASE_URL="$LARGE_URL" "$BIN/python" manage.py verify_audit_log | tail -n 1

"$BIN/python" bench/report.py "$RUN_DIR" --small "$SMALL" --large "$LARGE"
