#!/usr/bin/env bash
# The document check at 10,000, 100,000 and 1,000,000 notices (make bench runs it last;
# alone: bench/documents.sh). On its own database (cica_bench_documents, recreated), migrated
# and seeded with the demo, it adds released lost/stolen notices with `generate_scale_data
# --notices` up to each size (real keyed hashes, two recipient states each), and times the
# check on gunicorn (as many sync workers as `make bench` uses) with bench/documents.py: a
# single check that hits, one that misses, a bulk check of 1,000 numbers. It prints the
# 50th and 95th percentiles with the load (`uptime`) and exits non-zero when a target is missed
# (single p95 < 20 ms, bulk p95 < 1 s, medians at the largest size <= 1.5 x the smallest).
# Knobs: BENCH_DOCS_DB, BENCH_DOCS_SIZES ("10000 100000 1000000"), BENCH_DOCS_PORT,
# BENCH_DOCS_REDIS_PORT, BENCH_WORKERS, BENCH_DOCS_SINGLE, BENCH_DOCS_BULK (requests per size),
# BENCH_REUSE=1 (keep the database if it exists and only add what a size still lacks).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
DB=${BENCH_DOCS_DB:-cica_bench_documents}
SIZES=${BENCH_DOCS_SIZES:-10000 100000 1000000}
PORT=${BENCH_DOCS_PORT:-8768}
REDIS_PORT=${BENCH_DOCS_REDIS_PORT:-6382}
WORKERS=${BENCH_WORKERS:-3}
REUSE=${BENCH_REUSE:-0}
PG=(-h 127.0.0.1 -p 5432 -U postgres)
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-secret-0123456789-abcdefghij}
[[ -n "${AUDIT_KEYS:-}${AUDIT_KEY:-}${AUDIT_KEY_FILE:-}" ]] || export AUDIT_KEYS="bench:bench-only-audit-key-not-secret-0123456"
# A fixed key of its own: a reused database's notices must still open (BENCH_REUSE=1).
export SHARE_MASTER_KEYS="bench:YmVuY2gtb25seS1zaGFyZS1rZXktbm90LXNlY3JldDA"
export DEBUG=0 TWO_FACTOR_REQUIRED=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1
export VAR_DIR="$ROOT/var/bench" LOG_LEVEL=WARNING API_USER_RATE=1000000/minute
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/cica-bench.XXXXXX)}
export BENCH_DOCS_URL="http://127.0.0.1:$PORT"
mkdir -p "$VAR_DIR"
rm -f "$BENCH_DIR/documents.json"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

exists() { psql "${PG[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }
if [[ $REUSE == 1 ]] && exists "$DB"; then
  "$BIN/python" manage.py migrate --noinput >/dev/null
else
  echo "== database $DB (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  dropdb "${PG[@]}" --if-exists "$DB"
  createdb "${PG[@]}" "$DB"
  "$BIN/python" manage.py migrate --noinput >/dev/null
  "$BIN/python" manage.py seed_demo >/dev/null
fi
MANIFEST="$VAR_DIR/static/staticfiles.json"
[[ -f "$MANIFEST" ]] || "$BIN/python" manage.py collectstatic --noinput >/dev/null

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$BENCH_DIR" --logfile "$BENCH_DIR/redis-documents.log" &
PIDS+=($!)
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
"$BIN/gunicorn" -c gunicorn.conf.py portal_site.wsgi -b "127.0.0.1:$PORT" -w "$WORKERS" \
  --timeout 120 --access-logfile /dev/null --error-logfile "$BENCH_DIR/gunicorn-documents.log" &
PIDS+=($!)

notices() { psql "${PG[@]}" -d "$DB" -tAc "SELECT count(*) FROM exchange_documentnotice"; }
for size in $SIZES; do
  have=$(notices)
  if (( have < size )); then
    echo "== generate: $(( size - have )) notices (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    START=$(date +%s)
    "$BIN/python" manage.py generate_scale_data --shares 0 --focal-points 0 --meetings 0 \
      --audit 0 --notices "$(( size - have ))" --seed "$size" | grep -v "^  notices:"
    echo "   ($(( $(date +%s) - START )) s)"
  fi
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BENCH_DOCS_URL/accounts/login/" 2>/dev/null && break
    sleep 0.2
  done
  echo "== document check at $(notices) notices"
  "$BIN/python" bench/documents.py "$size"
done
"$BIN/python" bench/documents.py report
