"""`make nodes`: the portal on several nodes on one PostgreSQL and Redis, as on several hosts.

    DATABASE_URL=postgres://... REDIS_URL=redis://... SECRET_KEY=... AUDIT_KEYS=... \
        scripts/nodes.py --web 2 --workers 2 [--beat] [--ports 8101,8102]

Migrates once, then starts N web nodes (each a gunicorn master of its own, with its own
workers, on its own port: nothing shared between them but the two servers) and M Celery
workers (each its own node name), waits until every node answers /healthz and every worker is
ready, prints the nodes' addresses and keeps them running until it is stopped (Ctrl-C or
SIGTERM), then stops them all. Put a reverse proxy in front to balance between the nodes
(deploy/nginx.conf). Sessions, lockouts and throttle counters live in PostgreSQL and Redis,
so a person may land on any node at any request.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.servers import PortalNodes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="web nodes (gunicorn masters)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers")
    parser.add_argument("--beat", action="store_true", help="also run Celery beat (one)")
    parser.add_argument("--ports", default="", help="comma-separated ports, one per web node")
    parser.add_argument("--urls-file", default="", help="write the nodes' addresses here")
    parser.add_argument("--log-dir", default="", help="one log file per process (default: tmp)")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated")
    args = parser.parse_args()

    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        print("Several nodes need DATABASE_URL (PostgreSQL) and REDIS_URL set.", file=sys.stderr)
        return 2
    ports = [int(p) for p in args.ports.split(",") if p] or None
    if ports is not None and len(ports) != args.web:
        print(f"--ports names {len(ports)} ports for {args.web} nodes.", file=sys.stderr)
        return 2
    if not args.no_migrate:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, check=True)
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="cica-nodes-"))
    nodes = PortalNodes(
        dict(os.environ),
        root=ROOT,
        log_dir=log_dir,
        web=args.web,
        web_workers=args.web_workers,
        workers=args.workers,
        beat=args.beat,
        ports=ports,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        nodes.start()
        for url in nodes.urls:
            requests.get(f"{url}/healthz", timeout=10).raise_for_status()
        if args.urls_file:
            Path(args.urls_file).write_text("\n".join(nodes.urls) + "\n")
        print(f"web nodes: {' '.join(nodes.urls)}", flush=True)
        print(f"Celery workers: {args.workers}; logs in {log_dir}; Ctrl-C stops all", flush=True)
        while not stop.is_set():
            for name, process in nodes.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); see {log_dir}", flush=True)
                    return 1
            stop.wait(1)
        return 0
    finally:
        nodes.stop()


if __name__ == "__main__":
    sys.exit(main())
