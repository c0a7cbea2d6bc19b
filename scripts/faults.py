# ruff: noqa: E501, S603  (the shell scripts below read as scripts; every command is ours)
"""`make faults`: the fault drill an operator can run.

Starts its own PostgreSQL and Redis on spare loopback ports (tests/faults/servers.py), the
portal on two gunicorn nodes, a Celery worker and beat, then runs the experiments below and
prints one table: fault, actions attempted, applied, refused, lost, duplicated, recovery time.

- races on two nodes: the last two approvals and a withdrawal of each share at once, split
  over the two nodes (no fault: this is the deadlock experiment);
- Redis killed, then restarted empty, while shares are submitted (each asks two approvers);
- the worker killed (SIGKILL) in the middle of a batch of emails, then started again;
- the mail server refusing for FAULT_SMTP_SECONDS (120 by default) while shares are submitted;
- 24 token requests at once over the two nodes, against a limit of 10 a minute.

"Lost" is an action answered with a server error or no answer, or a notice never emailed;
"duplicated" is an action applied twice or a notice emailed more than once. The machine's own
PostgreSQL and Redis are never touched. Needs root (the cluster runs as `postgres`).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.servers import (  # noqa: E402
    PostgresCluster,
    RedisServer,
    free_port,
    postgres_bindir,
    wait_for_port,
)

VENV_BIN = Path(sys.executable).parent
SHARES = int(os.environ.get("FAULT_SHARES", "30"))
AUDIT_KEYS = "drill:" + secrets.token_urlsafe(32)  # a throwaway log, a throwaway key
SHARE_MASTER_KEYS = "drill:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
SMTP_SECONDS = float(os.environ.get("FAULT_SMTP_SECONDS", "120"))
DELIVERY_WAIT = float(os.environ.get("FAULT_DELIVERY_WAIT", "180"))

SETUP = r"""
import base64
import json
from cica_portal.tokens import issue_token
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from cica_portal.models import State, User
from exchange import services
from exchange.models import ShareTemplate

def person(name, role, code):
    user = User.objects.create_user(name, email=f"{name}@example.org", password="drill-pass-2008",
                                    role=role, state=State.objects.get(code=code))
    services.sync_exchange_groups(user)
    return user

fp = person("fp-kz", User.Role.FOCAL_POINT, "KZ")
people = {"fp": fp, "kz": person("approver-kz", User.Role.APPROVER, "KZ"),
          "ru": person("approver-ru", User.Role.APPROVER, "RU")}
template = ShareTemplate.objects.get(slug="trafficking-case", is_current=True)
content = {"kind": "Illicit drugs", "origin_state": "KZ", "transit_states": ["UZ"],
           "destination_states": ["RU"], "route": "By road", "modus_operandi": "Concealed",
           "indicators": "Lorries", "first_detected": "2026-03-01", "persons_involved": 4}
def draft(i):
    return services.create_share(author=fp, template=template, title=f"Drill {i}", content=content,
        concerned_states=State.objects.filter(code="RU"), recipient_states=State.objects.filter(code="CN"))
pending = []
for i in range(N):
    share = services.submit_share(draft(i), actor=fp)
    pending.append({"pk": share.pk, "hash": share.approval.content_hash})
drafts = {name: [draft(f"{name}-{i}").pk for i in range(N)] for name in ("redis", "worker", "smtp")}
every, _ = IntervalSchedule.objects.get_or_create(every=5, period="seconds")
PeriodicTask.objects.filter(task="cica_portal.sweep_unsent_emails").update(interval=every)
print("JSON" + json.dumps({"tokens": {k: issue_token(u, name="drill")[1] for k, u in people.items()},
                           "pending": pending, "drafts": drafts}))
"""

COUNT = r"""
import base64
import json
from cica_portal.models import Notification
from exchange.models import Share, ShareTransition
pks = PKS
URLS = {f"/approvals/{Share.objects.get(pk=pk).approval_id}/" for pk in pks}
notices = [
    {"email": n.recipient.email, "url": n.url, "status": n.email_status}
    for n in Notification.objects.filter(key__startswith="approval:").select_related("recipient")
    if n.url in URLS
]
released = {pk: ShareTransition.objects.filter(share_id=pk, to_status="released").count() for pk in pks}
withdrawn = {pk: ShareTransition.objects.filter(share_id=pk, to_status="withdrawn").count() for pk in pks}
print("JSON" + json.dumps({"notices": notices, "released": released, "withdrawn": withdrawn,
}))
"""


class Drill:
    def __init__(self) -> None:
        self.var = Path(tempfile.mkdtemp(prefix="cica-drill-"))
        self.cluster = PostgresCluster(postgres_bindir())
        self.redis = RedisServer()
        self.processes: dict[str, subprocess.Popen] = {}
        self.rows: list[tuple] = []

    # --- the stack ----------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        return {
            "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/root"),
            "DJANGO_SETTINGS_MODULE": "tests.faults.portal_settings",
            "FAULT_DRILL": "1",
            "DATABASE_URL": self.cluster.url("cica_drill"),
            "REDIS_URL": self.redis.url,
            "SECRET_KEY": "fault-drill-not-secret",
            "AUDIT_KEYS": AUDIT_KEYS,
            "SHARE_MASTER_KEYS": SHARE_MASTER_KEYS,
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "TWO_FACTOR_REQUIRED": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "VAR_DIR": str(self.var),
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args: str, script: str | None = None) -> dict | None:
        command = [sys.executable, "manage.py", *args]
        if script is not None:
            command += ["shell", "-c", script]
        done = subprocess.run(
            command, cwd=ROOT, env=self.env(), check=True, capture_output=True, text=True
        )
        for line in done.stdout.splitlines():
            if line.startswith("JSON"):
                return json.loads(line[4:])
        return None

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.var / f"{name}.log", "a")  # noqa: SIM115 - lives as long as the process
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def start_worker(self) -> None:
        self.start(
            "worker",
            [str(VENV_BIN / "celery"), "-A", "portal_site", "worker", "-c", "2", "-l", "WARNING"],
        )

    def up(self) -> None:
        self.cluster.start()
        self.cluster.createdb("cica_drill")
        self.redis.start()
        self.manage("migrate", "--noinput")
        self.data = self.manage(script=SETUP.replace("range(N)", f"range({SHARES})"))
        self.nodes = []
        for n in range(2):
            port = free_port()
            self.start(
                f"web{n}",
                [
                    *(str(VENV_BIN / "gunicorn"), "portal_site.wsgi", "-b", f"127.0.0.1:{port}"),
                    *("-w", "2", "--timeout", "30"),
                ],
            )
            self.nodes.append(f"http://127.0.0.1:{port}")
        self.start_worker()
        self.start("beat", [str(VENV_BIN / "celery"), "-A", "portal_site", "beat", "-l", "WARNING"])
        for node in self.nodes:
            wait_for_port(int(node.rsplit(":", 1)[1]), timeout=60)

    def down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        try:
            self.redis.stop()
        finally:
            self.cluster.destroy()
            shutil.rmtree(self.var, ignore_errors=True)

    # --- actions and counts ---------------------------------------------------------------------

    def post(self, node: int, path: str, who: str, data: dict) -> int:
        try:
            response = requests.post(
                f"{self.nodes[node % 2]}/api/v1{path}",
                json=data,
                headers={"Authorization": f"Token {self.data['tokens'][who]}"},
                timeout=30,
            )
            return response.status_code
        except requests.RequestException:
            return 0

    def emails(self) -> dict[tuple[str, str], int]:
        """(recipient, link) -> how many times the mail server accepted it."""
        counts: dict[tuple[str, str], int] = {}
        for path in (self.var / "mail").glob("*"):
            for message in path.read_text(errors="replace").split("-" * 79):
                to = [line[4:].strip() for line in message.splitlines() if line.startswith("To: ")]
                links = [w for w in message.split() if "/approvals/" in w]
                for address in to:
                    for link in links:
                        key = (address, "/" + link.split("/", 3)[3])
                        counts[key] = counts.get(key, 0) + 1
        return counts

    def delivery(self, pks: list[int], since: float) -> tuple[int, int, float | None]:
        """Wait until every notice of these shares is emailed; (lost, duplicated, seconds)."""
        deadline = time.monotonic() + DELIVERY_WAIT
        while True:
            state = self.manage(script=COUNT.replace("PKS", repr(pks)))
            emails = self.emails()
            wanted = [(n["email"], n["url"]) for n in state["notices"]]
            lost = sum(1 for key in wanted if emails.get(key, 0) == 0)
            duplicated = sum(1 for key in wanted if emails.get(key, 0) > 1)
            if lost == 0 or time.monotonic() > deadline:
                return lost, duplicated, (time.monotonic() - since) if lost == 0 else None
            time.sleep(1)

    def record(self, fault, statuses, lost, duplicated, recovery) -> None:
        applied = sum(1 for s in statuses if 200 <= s < 300)
        refused = sum(1 for s in statuses if 400 <= s < 500)
        failed = len(statuses) - applied - refused
        self.rows.append(
            (
                fault,
                len(statuses),
                applied,
                refused,
                lost + failed,
                duplicated,
                "-" if recovery is None else f"{recovery:.1f} s",
            )
        )

    # --- experiments ----------------------------------------------------------------------------

    def races(self) -> None:
        calls = []
        for n, share in enumerate(self.data["pending"]):
            answer = {"decision": "approve", "content_hash": share["hash"], "comment": ""}
            path = f"/exchange/shares/{share['pk']}"
            calls += [
                (0, f"{path}/decision/", "kz", answer),
                (1, f"{path}/decision/", "ru", answer),
                (n, f"{path}/withdraw/", "fp", {"reason": "Drill."}),
            ]
        barrier_groups = [calls[i : i + 3] for i in range(0, len(calls), 3)]
        statuses: list[int] = []
        with ThreadPoolExecutor(max_workers=6) as pool:
            for group in barrier_groups:
                statuses += list(pool.map(lambda c: self.post(*c), group))
        pks = [share["pk"] for share in self.data["pending"]]
        state = self.manage(script=COUNT.replace("PKS", repr(pks)))
        twice = sum(
            1 for pk in map(str, pks) if state["released"][pk] > 1 or state["withdrawn"][pk] > 1
        )
        undecided = sum(
            1 for pk in map(str, pks) if not (state["released"][pk] or state["withdrawn"][pk])
        )
        self.record("races: 2 approvals + withdrawal, 2 nodes", statuses, undecided, twice, None)

    def submit_all(self, name: str) -> list[int]:
        pks = self.data["drafts"][name]
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(
                pool.map(
                    lambda p: self.post(p[0], f"/exchange/shares/{p[1]}/submit/", "fp", {}),
                    enumerate(pks),
                )
            )

    def redis_killed(self) -> None:
        self.redis.stop()
        statuses = self.submit_all("redis")
        started = time.monotonic()
        self.redis.start()  # empty: no persistence
        lost, duplicated, seconds = self.delivery(self.data["drafts"]["redis"], started)
        self.record(
            "Redis stopped (no persistence), restarted empty", statuses, lost, duplicated, seconds
        )

    def worker_killed(self) -> None:
        statuses = self.submit_all("worker")
        time.sleep(0.3)
        self.processes["worker"].send_signal(signal.SIGKILL)
        self.processes["worker"].wait()
        started = time.monotonic()
        self.start_worker()
        lost, duplicated, seconds = self.delivery(self.data["drafts"]["worker"], started)
        self.record("worker SIGKILLed mid-batch", statuses, lost, duplicated, seconds)

    def smtp_refusing(self) -> None:
        flag = self.var / "smtp-down"
        flag.touch()
        statuses = self.submit_all("smtp")
        time.sleep(SMTP_SECONDS)
        flag.unlink()
        started = time.monotonic()
        lost, duplicated, seconds = self.delivery(self.data["drafts"]["smtp"], started)
        self.record(
            f"mail server refusing {SMTP_SECONDS:.0f} s", statuses, lost, duplicated, seconds
        )

    def throttle(self) -> None:
        barrier = threading.Barrier(24)

        def attempt(n: int) -> int:
            barrier.wait()
            try:
                return requests.post(
                    f"{self.nodes[n % 2]}/api/v1/auth/token/",
                    json={"username": f"nobody-{n}", "password": "wrong"},
                    timeout=30,
                ).status_code
            except requests.RequestException:
                return 0

        with ThreadPoolExecutor(max_workers=24) as pool:
            statuses = list(pool.map(attempt, range(24)))
        through = sum(1 for s in statuses if s != 429)
        self.rows.append(
            ("24 token requests at once, 2 nodes, limit 10", 24, through, 24 - through, 0, 0, "-")
        )

    def table(self) -> str:
        header = ("fault", "attempted", "applied", "refused", "lost", "duplicated", "recovery")
        widths = [max(len(str(row[i])) for row in [header, *self.rows]) for i in range(7)]
        lines = [
            " | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))
            for row in [header]
        ]
        lines.append("-+-".join("-" * w for w in widths))
        lines += [
            " | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))
            for row in self.rows
        ]
        return "\n".join(lines)


def main() -> int:
    if os.geteuid() != 0 or postgres_bindir() is None:
        print("make faults needs root and the PostgreSQL server binaries (initdb).")
        return 2
    drill = Drill()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        drill.up()
        for experiment in (
            drill.races,
            drill.throttle,
            drill.redis_killed,
            drill.worker_killed,
            drill.smtp_refusing,
        ):
            experiment()
            print(f"done: {experiment.__name__}", flush=True)
    finally:
        print(
            f"\nFault drill, {started}, {SHARES} shares per experiment, two gunicorn nodes "
            f"(2 workers each), one Celery worker (2 processes) and beat\n"
        )
        print(drill.table())
        drill.down()
    bad = [row for row in drill.rows if row[4] or row[5]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
