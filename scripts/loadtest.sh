#!/usr/bin/env bash
# Load test: 50 concurrent users for 60 s against gunicorn (4 workers) on PostgreSQL, on 127.0.0.1.
#
#   scripts/loadtest.sh            # then read docs/LOAD.md
#
# It (re)creates the database cica_load on the local PostgreSQL (127.0.0.1:5432, user postgres),
# migrates, seeds the demo, opens approval requests to answer, starts gunicorn and a Celery worker,
# runs locust headless, writes the result table to docs/LOAD.md, stops what it started, and exits
# non-zero if any request failed. Knobs: LOAD_USERS, LOAD_SPAWN_RATE, LOAD_DURATION, LOAD_PORT,
# LOAD_DB, LOAD_REDIS_URL (empty: Celery's SQLite broker), LOAD_OUTPUT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"

USERS=${LOAD_USERS:-50}
SPAWN_RATE=${LOAD_SPAWN_RATE:-10}
DURATION=${LOAD_DURATION:-60s}
PORT=${LOAD_PORT:-8765}
DB=${LOAD_DB:-cica_load}
OUTPUT=${LOAD_OUTPUT:-docs/LOAD.md}
OPEN_REQUESTS=${LOAD_OPEN_REQUESTS:-40}
PG=(-h 127.0.0.1 -p 5432 -U postgres)

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL=${LOAD_REDIS_URL-redis://127.0.0.1:6379/12}
export SECRET_KEY=${SECRET_KEY:-load-test-only-not-secret}
[[ -n "${AUDIT_KEYS:-}${AUDIT_KEY:-}${AUDIT_KEY_FILE:-}" ]] || export AUDIT_KEYS="load:load-test-only-audit-key-not-secret-0123"
export DEBUG=0 TWO_FACTOR_REQUIRED=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0
export AXES_FAILURE_LIMIT=1000 API_USER_RATE=100000/minute ALLOWED_HOSTS=127.0.0.1
export VAR_DIR="$ROOT/var/load" LOG_LEVEL=WARNING
mkdir -p "$VAR_DIR"
RUN_DIR=$(mktemp -d /tmp/cica-load.XXXXXX)

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== database $DB on 127.0.0.1:5432 (load average now: $LOAD_BEFORE)"
dropdb "${PG[@]}" --if-exists "$DB"
createdb "${PG[@]}" "$DB"
"$BIN/python" manage.py migrate --noinput >/dev/null
"$BIN/python" manage.py seed_demo >/dev/null

echo "== $OPEN_REQUESTS approval requests for every member state; a session per demo account"
# Logging 50 people in within 5 s costs 50 password hashes (about 1 s of CPU each, on purpose):
# that would measure PBKDF2, not the portal. So the load users start from sessions made here,
# and a separate pair of locust users keeps logging in and out through the real form.
"$BIN/python" manage.py shell --no-imports -c "
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from cica_portal import approvals
from cica_portal.models import State, User
members = list(State.objects.members().order_by('code'))
secretariat = User.objects.get(username='secretariat')
for n in range(1, $OPEN_REQUESTS + 1):
    approvals.open_request(members[n % len(members)], purpose='load', title=f'Load test measure {n}',
        content={'text': f'measure {n}'}, states=members, opened_by=secretariat)
store = import_module(settings.SESSION_ENGINE).SessionStore
sessions = {}
for user in User.objects.filter(username__regex=r'^(fp|approver)-'):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions[user.username] = session.session_key
with open('$RUN_DIR/sessions.json', 'w') as handle:
    json.dump({'states': [s.code.lower() for s in members], 'sessions': sessions}, handle)
"
export CICA_LOAD_SESSIONS="$RUN_DIR/sessions.json"

# Static files for DEBUG=0 (hashed names); collected again only when a source file changed.
MANIFEST="$VAR_DIR/static/staticfiles.json"
if [[ ! -f "$MANIFEST" ]] || [[ -n $(find static -newer "$MANIFEST" -type f | head -1) ]]; then
  echo "== collectstatic (once; slow)"
  "$BIN/python" manage.py collectstatic --noinput >/dev/null
fi

echo "== gunicorn (4 workers) on 127.0.0.1:$PORT and a Celery worker"
"$BIN/gunicorn" portal_site.wsgi -b "127.0.0.1:$PORT" -w 4 --timeout 60 \
  --access-logfile /dev/null --error-logfile "$RUN_DIR/gunicorn.log" &
PIDS+=($!)
"$BIN/celery" -A portal_site worker -c 2 -l WARNING >"$RUN_DIR/worker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/healthz"; echo

echo "== locust: $USERS users, $SPAWN_RATE/s, $DURATION"
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
set +e
"$BIN/locust" -f loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$RUN_DIR/load" --only-summary --stop-timeout 10 \
  >"$RUN_DIR/locust.log" 2>&1
LOCUST_STATUS=$?
set -e
tail -n 40 "$RUN_DIR/locust.log"

ANSWERS=$("$BIN/python" manage.py shell --no-imports -c "
from cica_portal.models import StateAnswer
print(StateAnswer.objects.filter(answered_at__gte='$STARTED_AT').count())" | tail -n 1)

"$BIN/python" loadtest/report.py "$RUN_DIR/load_stats.csv" "$RUN_DIR/load_failures.csv" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --duration "$DURATION" --answers "$ANSWERS" \
  --redis "${REDIS_URL:-none (SQLite broker)}" --load-before "$LOAD_BEFORE" >"$OUTPUT"
echo "== wrote $OUTPUT (logs in $RUN_DIR)"

FAILURES=$("$BIN/python" -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(sum(int(r['Failure Count']) for r in rows if r['Name'] == 'Aggregated'))" "$RUN_DIR/load_stats.csv")
if [[ "$FAILURES" != "0" || "$LOCUST_STATUS" != "0" ]]; then
  echo "FAILED: $FAILURES failed request(s), locust exit status $LOCUST_STATUS" >&2
  exit 1
fi
echo "OK: no failed request"
