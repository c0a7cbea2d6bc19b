#!/usr/bin/env bash
# make bench: the portal at 1,000 and at 100,000 shares, set up as docker-compose runs it.
#
#   bench/run.sh            # then read docs/PERFORMANCE.md
#
# It (re)creates the databases cica_bench_small and cica_bench on the local PostgreSQL
# (127.0.0.1:5432, user postgres), migrates, seeds the demo, adds a decade of data with
# `generate_scale_data` (2,000 focal points, 5,000 meetings, 1,000,000 audit records and 1,000
# shares), copies it and adds 99,000 shares to the copy. It starts its own redis-server (cache
# and broker, one database number per size) and, on each data set, gunicorn with as many sync
# workers as docker-compose.yml gives web (3) and gunicorn.conf.py (gc.freeze). It then times
# every page in alternating rounds on both: after a change to the listed data (a share released
# to the measured state and a meeting move up to the top of their lists) each page's first
# request ("cold") and a second one right after ("warm"); then the reminder jobs. It prints
# medians, ratios and the 90th percentiles, and exits non-zero when a target is missed.
# Knobs (environment): BENCH_DB, BENCH_PORT (and the next port), BENCH_REDIS_PORT,
# BENCH_WORKERS, BENCH_REPEAT, BENCH_SHARES_SMALL, BENCH_SHARES_LARGE, BENCH_FOCAL_POINTS,
# BENCH_MEETINGS, BENCH_AUDIT, BENCH_INDICO_URL (an Indico to time beside the feed),
# BENCH_REUSE=1 (keep both databases when they exist: migrate them
# and measure again, without the 5 to 10 minutes of generating), BENCH_DOCUMENTS=0 (leave out
# the document check at 10,000 to 1,000,000 notices, bench/documents.sh).
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
REDIS_PORT=${BENCH_REDIS_PORT:-6381}
# As many workers as docker-compose.yml runs for web (its `--workers N`).
# The web service's "--workers N" (a shell line or a JSON list: "--workers", "3").
COMPOSE_WORKERS=$(grep -oE -- '--workers"?,? *"?[0-9]+' docker-compose.yml | grep -oE '[0-9]+$' | head -1 || true)
WORKERS=${BENCH_WORKERS:-${COMPOSE_WORKERS:-3}}
REUSE=${BENCH_REUSE:-0}
PG=(-h 127.0.0.1 -p 5432 -U postgres)
export SECRET_KEY=${SECRET_KEY:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')}
[[ -n "${AUDIT_KEYS:-}${AUDIT_KEY:-}${AUDIT_KEY_FILE:-}" ]] || export AUDIT_KEYS="bench:bench-only-audit-key-not-secret-0123456"
[[ -n "${SHARE_MASTER_KEYS:-}${SHARE_MASTER_KEY_FILE:-}" ]] || export SHARE_MASTER_KEYS="bench:$("$BIN/python" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
export DEBUG=0 TWO_FACTOR_REQUIRED=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1
export VAR_DIR="$ROOT/var/bench" LOG_LEVEL=WARNING
export DJANGO_SETTINGS_MODULE=${BENCH_SETTINGS:-portal_site.settings}
mkdir -p "$VAR_DIR"
RUN_DIR=$(mktemp -d /tmp/cica-bench.XXXXXX)
export BENCH_DIR="$RUN_DIR"
export BENCH_URL_SMALL="http://127.0.0.1:$PORT" BENCH_URL_LARGE="http://127.0.0.1:$(( PORT + 1 ))"
SMALL_URL="postgres://postgres@127.0.0.1:5432/${DB}_small"
LARGE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export BENCH_DSN_SMALL="$SMALL_URL" BENCH_DSN_LARGE="$LARGE_URL"
# One redis-server of the run's own (never the host's shared one): database 0 for the small
# data set, 1 for the large, so the two never share a cached entry or a queue.
SMALL_REDIS="redis://127.0.0.1:$REDIS_PORT/0" LARGE_REDIS="redis://127.0.0.1:$REDIS_PORT/1"
export REDIS_URL=""  # the set-up below needs none; each server gets its own

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

exists() { psql "${PG[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }
if [[ $REUSE == 1 ]] && exists "${DB}_small" && exists "$DB"; then
  echo "== reusing ${DB}_small and $DB (BENCH_REUSE=1): migrate only"
  DATABASE_URL="$SMALL_URL" "$BIN/python" manage.py migrate --noinput >/dev/null
  DATABASE_URL="$LARGE_URL" "$BIN/python" manage.py migrate --noinput >/dev/null
  GENERATED=0
else
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
  GENERATED=1
fi

# DEBUG=0 serves hashed static names from the manifest: without it every page is a 500. The
# timings fetch the HTML only (no CSS/JS), so static files cost nothing here beyond existing.
MANIFEST="$VAR_DIR/static/staticfiles.json"
if [[ ! -f "$MANIFEST" ]] || [[ -n $(find static -newer "$MANIFEST" -type f | head -1) ]]; then
  echo "== collectstatic (once)"
  "$BIN/python" manage.py collectstatic --noinput >/dev/null
fi

if [[ $GENERATED == 1 ]]; then
  DATABASE_URL="$SMALL_URL" "$BIN/python" bench/setup.py  # sessions, the feed token, what to open
  # The large data set is a copy of the small one (same people, sessions, meetings and the same
  # first 1,000 shares) with 99,000 shares more: both are then measured side by side.
  echo "== copy to $DB and generate: $(( LARGE - SMALL )) more shares"
  createdb "${PG[@]}" -T "${DB}_small" "$DB"
  START=$(date +%s)
  DATABASE_URL="$LARGE_URL" "$BIN/python" manage.py generate_scale_data \
    --shares "$(( LARGE - SMALL ))" --focal-points 0 --meetings 0 --audit 0 --seed 2009
  echo "   ($(( $(date +%s) - START )) s)"
else
  DATABASE_URL="$SMALL_URL" "$BIN/python" bench/setup.py
  DATABASE_URL="$LARGE_URL" "$BIN/python" bench/setup.py --same-as "$RUN_DIR/config.json"
fi
DATABASE_URL="$LARGE_URL" "$BIN/python" bench/setup.py --deep "$RUN_DIR/config.json"

echo "== redis-server on 127.0.0.1:$REDIS_PORT (cache and broker, no persistence)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$RUN_DIR" --logfile "$RUN_DIR/redis.log" &
PIDS+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "== gunicorn ($WORKERS sync workers each, gunicorn.conf.py): $SMALL shares on :$PORT, $LARGE on :$(( PORT + 1 ))"
for size in small large; do
  if [[ $size == small ]]; then url=$SMALL_URL; redis=$SMALL_REDIS; port=$PORT
  else url=$LARGE_URL; redis=$LARGE_REDIS; port=$(( PORT + 1 )); fi
  DATABASE_URL="$url" REDIS_URL="$redis" "$BIN/gunicorn" -c gunicorn.conf.py \
    "${DJANGO_SETTINGS_MODULE%.settings}.wsgi" -b "127.0.0.1:$port" -w "$WORKERS" --timeout 120 \
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

# The largest worker of the large data set's server (the last one started).
for worker in $(pgrep -P "${PIDS[-1]}"); do grep VmRSS "/proc/$worker/status" | awk '{print $2}'; done \
  | sort -n | tail -1 >"$RUN_DIR/rss_kb"
DATABASE_URL="$LARGE_URL" "$BIN/python" manage.py verify_audit_log | tail -n 1

status=0
"$BIN/python" bench/report.py "$RUN_DIR" --small "$SMALL" --large "$LARGE" --workers "$WORKERS" \
  || status=$?

# The document check at 10,000 to 1,000,000 notices, on a database and servers of its own
# (BENCH_DOCUMENTS=0 leaves it out): the servers above are stopped first.
if [[ ${BENCH_DOCUMENTS:-1} == 1 ]]; then
  cleanup
  PIDS=()
  echo "== the document check (bench/documents.sh)"
  BENCH_DIR="$RUN_DIR" bench/documents.sh || status=$?
fi
exit "$status"
