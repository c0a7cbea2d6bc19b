#!/usr/bin/env bash
# Load test: 50 concurrent users for 60 s against two web nodes (two gunicorn masters, 2 workers
# each) and a Celery worker on one PostgreSQL and Redis, on 127.0.0.1.
#
#   scripts/loadtest.sh            # then read docs/LOAD.md
#
# It (re)creates the database cica_load on the local PostgreSQL (127.0.0.1:5432, user postgres),
# starts a Redis of its own (no persistence) on LOAD_REDIS_PORT, migrates, seeds the demo, opens
# approval requests to answer, makes a session and an API token per demo account, starts the
# nodes (scripts/nodes.py), runs locust headless with every request alternating between the
# two nodes, then checks the database: every write the load was told was applied is there
# (loadtest/verify.py), and PostgreSQL counted no deadlock. It writes the result table to
# docs/LOAD.md, stops what it started, and exits non-zero on any failed request, lost write or
# deadlock. Knobs: LOAD_USERS, LOAD_SPAWN_RATE, LOAD_DURATION, LOAD_PORT (the first node; the
# second is the next port), LOAD_DB, LOAD_REDIS_PORT, LOAD_OUTPUT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"

USERS=${LOAD_USERS:-50}
SPAWN_RATE=${LOAD_SPAWN_RATE:-10}
DURATION=${LOAD_DURATION:-60s}
PORT=${LOAD_PORT:-8765}
PORTS="$PORT,$((PORT + 1))"
REDIS_PORT=${LOAD_REDIS_PORT:-6391}
DB=${LOAD_DB:-cica_load}
OUTPUT=${LOAD_OUTPUT:-docs/LOAD.md}
OPEN_REQUESTS=${LOAD_OPEN_REQUESTS:-40}
PG=(-h 127.0.0.1 -p 5432 -U postgres)

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export SECRET_KEY=${SECRET_KEY:-load-test-only-not-secret}
[[ -n "${AUDIT_KEYS:-}${AUDIT_KEY:-}${AUDIT_KEY_FILE:-}" ]] || export AUDIT_KEYS="load:load-test-only-audit-key-not-secret-0123"
[[ -n "${SHARE_MASTER_KEYS:-}${SHARE_MASTER_KEY_FILE:-}" ]] || export SHARE_MASTER_KEYS="load:$("$BIN/python" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
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
echo "== Redis of its own on 127.0.0.1:$REDIS_PORT (no persistence)"
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "something already listens on $REDIS_PORT: set LOAD_REDIS_PORT" >&2
  exit 2
fi
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  >"$RUN_DIR/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "== database $DB on 127.0.0.1:5432 (load average now: $LOAD_BEFORE)"
dropdb "${PG[@]}" --if-exists "$DB"
createdb "${PG[@]}" "$DB"
"$BIN/python" manage.py migrate --noinput >/dev/null
"$BIN/python" manage.py seed_demo >/dev/null

echo "== $OPEN_REQUESTS approval requests for every member state; a session and a token per demo account"
# Logging 50 people in within 5 s costs 50 password hashes (about 1 s of CPU each, on purpose):
# that would measure PBKDF2, not the portal. So the load users start from sessions made here,
# and a separate pair of locust users keeps logging in and out through the real form.
"$BIN/python" manage.py shell --no-imports -c "
import json
import time
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from cica_portal import tokens
from cica_portal.middleware import SESSION_STARTED_KEY
from cica_portal.models import State, User
members = list(State.objects.members().order_by('code'))
from cica_portal.models import Area
from actionplan.services.proposals import propose_measure
areas = list(Area.objects.order_by('number'))
for n in range(1, $OPEN_REQUESTS + 1):  # new measures: every member state is asked to approve
    proposer = User.objects.get(username=f'fp-{members[n % len(members)].code.lower()}')
    propose_measure(proposer=proposer, area=areas[n % len(areas)], title=f'Load test measure {n}',
        text=f'Measure {n}, proposed for the load test.')
store = import_module(settings.SESSION_ENGINE).SessionStore
sessions, keys = {}, {}
for user in User.objects.filter(username__regex=r'^(fp|approver)-'):
    keys[user.username] = tokens.issue_token(user, name='load test')[1]
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_STARTED_KEY] = int(time.time())  # as the login sets it (the session's age)
    session.create()
    sessions[user.username] = session.session_key
with open('$RUN_DIR/sessions.json', 'w') as handle:
    json.dump({'states': [s.code.lower() for s in members], 'sessions': sessions, 'tokens': keys},
              handle)
"
export CICA_LOAD_SESSIONS="$RUN_DIR/sessions.json"

# Static files for DEBUG=0 (hashed names); collected again only when a source file changed.
MANIFEST="$VAR_DIR/static/staticfiles.json"
if [[ ! -f "$MANIFEST" ]] || [[ -n $(find static -newer "$MANIFEST" -type f | head -1) ]]; then
  echo "== collectstatic (once; slow)"
  "$BIN/python" manage.py collectstatic --noinput >/dev/null
fi

deadlocks() {
  psql "${PG[@]}" -d "$DB" -Atc "select deadlocks from pg_stat_database where datname = '$DB'"
}
DEADLOCKS_BEFORE=$(deadlocks)

echo "== two web nodes (gunicorn, 2 workers each) on 127.0.0.1:$PORTS and a Celery worker"
"$BIN/python" scripts/nodes.py --no-migrate --web 2 --web-workers 2 --workers 1 --ports "$PORTS" \
  --urls-file "$RUN_DIR/nodes.txt" --log-dir "$RUN_DIR" >"$RUN_DIR/nodes.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do [[ -s "$RUN_DIR/nodes.txt" ]] && break; sleep 0.3; done
[[ -s "$RUN_DIR/nodes.txt" ]] || { cat "$RUN_DIR/nodes.log" >&2; exit 1; }
NODES=$(paste -sd, "$RUN_DIR/nodes.txt")
for node in ${NODES//,/ }; do curl -fsS "$node/healthz"; echo " $node"; done

echo "== locust: $USERS users, $SPAWN_RATE/s, $DURATION, requests alternating over $NODES"
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
set +e
CICA_LOAD_NODES="$NODES" CICA_LOAD_JOURNAL="$RUN_DIR/journal.jsonl" \
  "$BIN/locust" -f loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$RUN_DIR/load" --only-summary --stop-timeout 10 \
  >"$RUN_DIR/locust.log" 2>&1
LOCUST_STATUS=$?
set -e
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
tail -n 40 "$RUN_DIR/locust.log"
# Let the worker drain the notices the run queued before the database is read.
sleep 5
DEADLOCKS_AFTER=$(deadlocks)
DEADLOCKS=$((DEADLOCKS_AFTER - DEADLOCKS_BEFORE))
"$BIN/python" loadtest/verify.py "$RUN_DIR/journal.jsonl" >"$RUN_DIR/verified.json"
echo "== in the database: $(cat "$RUN_DIR/verified.json"); deadlocks counted: $DEADLOCKS"

ANSWERS=$("$BIN/python" manage.py shell --no-imports -c "
from cica_portal.models import StateAnswer
print(StateAnswer.objects.filter(answered_at__gte='$STARTED_AT').count())" | tail -n 1)

"$BIN/python" loadtest/report.py "$RUN_DIR/load_stats.csv" "$RUN_DIR/load_failures.csv" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --duration "$DURATION" --answers "$ANSWERS" \
  --redis "$REDIS_URL (its own redis-server)" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
  --nodes "$NODES" --verified "$RUN_DIR/verified.json" --deadlocks "$DEADLOCKS" >"$OUTPUT"
echo "== wrote $OUTPUT (logs in $RUN_DIR)"

FAILURES=$("$BIN/python" -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(sum(int(r['Failure Count']) for r in rows if r['Name'] == 'Aggregated'))" "$RUN_DIR/load_stats.csv")
LOST=$("$BIN/python" -c "
import json, sys
v = json.load(open(sys.argv[1]))
print(sum(a['lost'] for a in v['actions'].values()) + v['duplicated'])" "$RUN_DIR/verified.json")
if [[ "$FAILURES" != "0" || "$LOCUST_STATUS" != "0" || "$LOST" != "0" || "$DEADLOCKS" != "0" ]]; then
  echo "FAILED: $FAILURES failed request(s), $LOST lost or doubled write(s), $DEADLOCKS deadlock(s)," \
    "locust exit status $LOCUST_STATUS" >&2
  exit 1
fi
echo "OK: no failed request, no lost write, no deadlock"
