"""Turn locust's CSV statistics into docs/LOAD.md: the result table and how to run it again."""

from __future__ import annotations

import argparse
import csv
import os
import platform
from datetime import UTC, datetime

HOW_TO_RUN = """\
## How to run it

```sh
make install                # once: the virtualenv with locust
scripts/loadtest.sh         # about 2 minutes; rewrites this file; exit status 1 on any failure
```

It needs PostgreSQL on 127.0.0.1:5432 (user `postgres`, trust or `PGPASSWORD`) and, unless
`LOAD_REDIS_URL=` is set empty, Redis on 127.0.0.1:6379 (database 12). The script drops and
recreates the database `cica_load`, migrates, runs `seed_demo` (password `demo-pass-2008`),
opens approval requests that every member state must answer, starts gunicorn with 4 workers on
127.0.0.1:8765 (`DEBUG=0`, `TWO_FACTOR_REQUIRED=0`, `SECURE_SSL_REDIRECT=0`,
`AXES_FAILURE_LIMIT=1000`, `API_USER_RATE=100000/minute`, so that the load test measures the
portal rather than its brakes) and one Celery worker, then runs
`locust --headless -u 50 -r 10 -t 60s`. Knobs: `LOAD_USERS`, `LOAD_SPAWN_RATE`, `LOAD_DURATION`,
`LOAD_PORT`, `LOAD_DB`, `LOAD_REDIS_URL`, `LOAD_OPEN_REQUESTS`, `LOAD_OUTPUT`.

The mix (`loadtest/locustfile.py`): three focal points for every two approvers, each working as a
demo account (`fp-<cc>`, `approver-<cc>`), waiting 1 to 3 s between actions, plus two people who
keep logging in and out through the login form. (The 48 others start from a session the script
made for their account: 50 logins in the first 5 s would measure PBKDF2's deliberate second of
CPU per password, not the portal.) Focal points read
the directory, the calendar, notifications, the member-states API, the dashboard, the Action Plan,
the exchange and the approvals list. Approvers read their inbox, find open requests waiting for
their state through `/api/v1/approvals/?status=open`, read one and answer it through
`POST /api/v1/approvals/{id}/answer/` (95 % approve, 5 % object). A 409 there (another session of
the same state answered first, or an objection closed the request) is the portal's correct
answer and counts as a success; any other status is a failure.
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
    args = parser.parse_args()

    with open(args.stats, newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(args.failures, newline="") as handle:
        failures = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failed = int(total["Failure Count"])

    lines = [
        "# Load test: last result",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs), gunicorn 4 workers, PostgreSQL, broker {args.redis}; "
        f"{args.users} users (spawn {args.spawn_rate}/s) for {args.duration}. Load average of the "
        f"machine before the run (other processes): {args.load_before or 'not measured'}.",
        "",
        f"**{'PASS' if failed == 0 else 'FAIL'}**: {total['Request Count']} requests, "
        f"{failed} failed, {float(total['Requests/s']):.1f} requests/s, median "
        f"{ms(total['Median Response Time'])} ms, 95th percentile {ms(total['95%'])} ms, "
        f"99th {ms(total['99%'])} ms, slowest {ms(total['Max Response Time'])} ms. "
        f"State answers recorded during the run: {args.answers}.",
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
