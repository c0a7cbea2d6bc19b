"""Turn locust's CSV statistics into docs/LOAD.md: the result table and how to run it again."""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
from datetime import UTC, datetime

HOW_TO_RUN = """\
## How to run it

```sh
make install                # once: the virtualenv with locust
make load                   # about 3 minutes; rewrites this file; exit status 1 on any failure
```

It needs PostgreSQL on 127.0.0.1:5432 (user `postgres`, trust or `PGPASSWORD`) and
`redis-server` on the PATH: the script starts a Redis of its own, without persistence, on
127.0.0.1:6391 (`LOAD_REDIS_PORT`), and never touches another. It drops and recreates the
database `cica_load`, migrates, runs `seed_demo` (password `demo-pass-2008`), opens approval
requests that every member state must answer, makes a session and an API token for every demo
account, and starts the portal on **two web nodes** (`scripts/nodes.py`: two separate gunicorn
masters with 2 workers each, on 127.0.0.1:8765 and :8766) and one Celery worker (2 processes),
all with `DEBUG=0`, `TWO_FACTOR_REQUIRED=0`, `SECURE_SSL_REDIRECT=0`, `AXES_FAILURE_LIMIT=1000`
and `API_USER_RATE=100000/minute`, so that the load test measures the portal rather than its
brakes. Then `locust --headless -u 50 -r 10 -t 60s`, every request going to the other node than
the one before it (round robin over all users), so that a share is created on one node and
submitted, answered or withdrawn on the other. Knobs: `LOAD_USERS`, `LOAD_SPAWN_RATE`,
`LOAD_DURATION`, `LOAD_PORT`, `LOAD_DB`, `LOAD_REDIS_PORT`, `LOAD_OPEN_REQUESTS`, `LOAD_OUTPUT`.

After the run, `loadtest/verify.py` looks up in the database every write the portal answered
as applied (the locust users keep a journal of them): each create has its share, each submit
its transition to pending consent, each consent or refusal its state's answer with that
decision, each answer to an approval request its answer, each withdrawal the share's withdrawn
status. "Lost" is a write answered as applied and not found; "duplicated" is a share that went
through one status twice. Deadlocks are PostgreSQL's own count for the database
(`pg_stat_database.deadlocks`) after the run minus before it: the services retry a deadlock,
so a person would not see one, but it still counts here. The script fails on any failed
request, lost or duplicated write, or deadlock.

The mix (`loadtest/locustfile.py`), 50 users waiting 1 to 3 s between actions, each working
as a demo account:
- share writers (focal points `fp-<cc>` of 8 states, through the API with their token): draft
  a `trafficking-case` share with one concerned and one recipient state and submit it for
  consent (3 in 5 actions), withdraw one of their state's pending or released shares (1 in 5),
  list their shares (1 in 5);
- share approvers (`approver-<cc>` of the same 8 states, with their token): read a share
  waiting for their state's consent and consent (90 %) or decline with a reason (10 %), bound
  to the version read (`content_hash`); list what they are asked;
- focal points browsing (session): the directory, the calendar, notifications, the
  member-states API, the dashboard, the Action Plan, the exchange and the approvals list;
- approvers of approval requests (session): their inbox, open requests waiting for their
  state (`/api/v1/approvals/?status=open`), one read and answered (95 % approve, 5 % object);
- two people who keep logging in and out through the login form. (The 48 others start from a
  session or token the script made for their account: 50 logins in the first 5 s would measure
  PBKDF2's deliberate second of CPU per password, not the portal.)

A 409 on a write (another session of the same state answered first, the share was withdrawn
or declined in the meantime) is the portal's correct answer and counts as a success, but not
as applied; any other status than 2xx or 409 is a failure.
"""


def ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value or "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stats")
    parser.add_argument("failures")
    parser.add_argument("--users", required=True)
    parser.add_argument("--spawn-rate", required=True)
    parser.add_argument("--duration", required=True)
    parser.add_argument("--answers", default="?")
    parser.add_argument("--redis", default="")
    parser.add_argument("--load-before", default="", help="the machine's load average before")
    parser.add_argument("--load-after", default="", help="the load average at the end")
    parser.add_argument("--nodes", default="", help="the web nodes' addresses, comma-separated")
    parser.add_argument("--verified", default="", help="loadtest/verify.py's JSON")
    parser.add_argument("--deadlocks", default="?", help="PostgreSQL deadlocks during the run")
    args = parser.parse_args()

    with open(args.stats, newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(args.failures, newline="") as handle:
        failures = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failed = int(total["Failure Count"])
    verified = {}
    if args.verified:
        with open(args.verified) as handle:
            verified = json.load(handle)
    actions = verified.get("actions", {})
    lost = sum(a["lost"] for a in actions.values()) + verified.get("duplicated", 0)
    passed = failed == 0 and lost == 0 and args.deadlocks == "0" and bool(verified)
    nodes = args.nodes.split(",") if args.nodes else []

    busy = ""
    try:
        if float(args.load_before.split()[0]) > (os.cpu_count() or 1):
            busy = (
                "The machine was saturated by other processes before the run started (load "
                "average above its CPU count): the response times measure the queue for the "
                "CPUs, not the portal; compare them with a run on an idle machine. The "
                "correctness figures (failed, lost, duplicated, deadlocks) hold either way."
            )
    except (ValueError, IndexError):
        pass
    lines = [
        "# Load test: last result",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs), {len(nodes) or 1} web node(s) "
        f"({', '.join(nodes) or 'one'}; gunicorn, 2 workers each), one Celery worker, "
        f"PostgreSQL, cache and broker {args.redis}; "
        f"{args.users} users (spawn {args.spawn_rate}/s) for {args.duration}. Load average of the "
        f"machine before the run (other processes): {args.load_before or 'not measured'}; at "
        f"its end (the run included): {args.load_after or 'not measured'}.",
        "",
        f"**{'PASS' if passed else 'FAIL'}**: {total['Request Count']} requests, "
        f"{failed} failed, {float(total['Requests/s']):.1f} requests/s, median "
        f"{ms(total['Median Response Time'])} ms, 95th percentile {ms(total['95%'])} ms, "
        f"99th {ms(total['99%'])} ms, slowest {ms(total['Max Response Time'])} ms. "
        f"State answers recorded during the run: {args.answers}. "
        f"Deadlocks counted by PostgreSQL during the run: {args.deadlocks}. "
        f"Writes answered as applied and then not found in the database: {lost}.",
        *(["", busy] if busy else []),
        "",
        "| Write (answered 2xx) | Applied | Found in the database | Lost |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {a['applied']} | {a['found']} | {a['lost']} |"
            for name, a in actions.items()
        ),
        f"| shares through one status twice (duplicated) | | | {verified.get('duplicated', '?')} |",
        "",
        "| Request | Method | Count | Failed | Median ms | 95 % ms | 99 % ms | Max ms | Req/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = "**All**" if row["Name"] == "Aggregated" else f"`{row['Name']}`"
        lines.append(
            f"| {name} | {row['Type']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {ms(row['Median Response Time'])} | {ms(row['95%'])} | {ms(row['99%'])} "
            f"| {ms(row['Max Response Time'])} | {float(row['Requests/s']):.1f} |"
        )
    if failures:
        lines += ["", "## Failures", ""]
        lines += ["| Request | Method | Error | Count |", "|---|---|---|---:|"]
        for row in failures:
            error = row["Error"].replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"| `{row['Name']}` | {row['Method']} | {error} | {row['Occurrences']} |")
    lines += ["", HOW_TO_RUN]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
