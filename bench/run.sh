#!/usr/bin/env bash
# make bench: the portal at 1,000 and at 100,000 shares, on PostgreSQL and gunicorn, in one run.
#
#   bench/run.sh            # then read docs/PERFORMANCE.md
#
# It (re)creates the database cica_bench on the local PostgreSQL (127.0.0.1:5432, user postgres),
# migrates, seeds the demo, adds a decade of data with `generate_scale_data` (2,000 focal points,
# 5,000 meetings, 1,000,000 audit records and 1,000 shares), starts ONE gunicorn worker (so that
# timings are sequential and the worker's memory is one process), times the pages, the reminder
# jobs, then adds 99,000 shares and times everything again. It prints medians and ratios and
# exits non-zero when a target is missed. Knobs (environment): BENCH_DB, BENCH_PORT, BENCH_REPEAT,
# BENCH_SHARES_SMALL, BENCH_SHARES_LARGE, BENCH_FOCAL_POINTS, BENCH_MEETINGS, BENCH_AUDIT.
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

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL=""   # no broker needed: nothing timed here enqueues a task
export SECRET_KEY=${SECRET_KEY:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DEBUG=0 TWO_FACTOR_REQUIRED=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1
export VAR_DIR="$ROOT/var/bench" LOG_LEVEL=WARNING
export DJANGO_SETTINGS_MODULE=cica_portal.settings
mkdir -p "$VAR_DIR"
RUN_DIR=$(mktemp -d /tmp/cica-bench.XXXXXX)
export BENCH_DIR="$RUN_DIR" BENCH_URL="http://127.0.0.1:$PORT"

GUNICORN_PID=""
cleanup() {
  if [[ -n "$GUNICORN_PID" ]]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

echo "== database $DB on 127.0.0.1:5432 (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
dropdb "${PG[@]}" --if-exists "$DB"
createdb "${PG[@]}" "$DB"
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

echo "== gunicorn (1 worker, sync) on 127.0.0.1:$PORT"
"$BIN/gunicorn" cica_portal.wsgi -b "127.0.0.1:$PORT" -w 1 --timeout 120 \
  --access-logfile /dev/null --error-logfile "$RUN_DIR/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BENCH_URL/accounts/login/" 2>/dev/null && break
  sleep 0.2
done

echo "== pages at $SMALL shares"
"$BIN/python" bench/pages.py small
"$BIN/python" bench/reminders.py small

echo "== generate: $(( LARGE - SMALL )) more shares"
START=$(date +%s)
"$BIN/python" manage.py generate_scale_data --shares "$(( LARGE - SMALL ))" --focal-points 0 \
  --meetings 0 --audit 0 --seed 2009
echo "   ($(( $(date +%s) - START )) s)"

echo "== pages at $LARGE shares"
"$BIN/python" bench/pages.py large
"$BIN/python" bench/reminders.py large

WORKER=$(pgrep -P "$GUNICORN_PID" | head -1)
grep VmRSS "/proc/$WORKER/status" | awk '{print $2}' >"$RUN_DIR/rss_kb"
"$BIN/python" manage.py verify_audit_log | tail -n 1

"$BIN/python" bench/report.py "$RUN_DIR" --small "$SMALL" --large "$LARGE"
