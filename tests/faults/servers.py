"""Throwaway Redis and PostgreSQL servers on spare loopback ports, for the fault tests.

They never touch the machine's shared services: each runs from its own temporary directory on
a port the kernel just handed out, and is stopped (and removed) by the test that started it.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_NO_DISK = ("--save", "", "--appendonly", "no")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def wait_for_port_closed(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            time.sleep(0.05)
        except OSError:
            return
    raise TimeoutError(f"127.0.0.1:{port} still answers after {timeout} s")


def redis_available() -> bool:
    return os.access(REDIS_SERVER, os.X_OK)


class RedisServer:
    """`redis-server` without persistence on a spare port; stop() and start() it at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *REDIS_NO_DISK],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        wait_for_port_closed(self.port)


class SilentServer:
    """Accepts TCP connections and never answers: a hung Redis, as a socket sees it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def postgres_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates or shutil.which("runuser") is None:
        return None
    return Path(candidates[-1]).parent


class PostgresCluster:
    """A PostgreSQL cluster of our own, in a temporary directory, run as the `postgres` user."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cica-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def _as_postgres(self, program: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bindir / program), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        wait_for_port_closed(self.port)

    def createdb(self, name: str) -> None:
        self._as_postgres(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )

    def destroy(self) -> None:
        try:
            self.stop()
        except (subprocess.SubprocessError, TimeoutError):
            pid_file = self.data / "postmaster.pid"
            if pid_file.exists():
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


class PortalNodes:
    """The portal on several nodes, as on several hosts: separate gunicorn masters (each with
    its own workers and port) and separate Celery workers, all on one PostgreSQL and Redis.

    `env` is the whole environment every process gets (DATABASE_URL, REDIS_URL, ...); nothing
    is shared between the processes but those two servers. Used by `scripts/nodes.py` (an
    operator's two-node stack), `make load`, `make faults` and the several-nodes test.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        root: Path,
        log_dir: Path,
        web: int = 2,
        web_workers: int = 2,
        workers: int = 2,
        worker_concurrency: int = 2,
        beat: bool = False,
        ports: list[int] | None = None,
        wsgi: str = "portal_site.wsgi",
        celery_app: str = "portal_site",
    ) -> None:
        self.env = env
        self.root = root
        self.log_dir = log_dir
        self.web, self.web_workers = web, web_workers
        self.workers, self.worker_concurrency, self.beat = workers, worker_concurrency, beat
        self.ports = ports or [free_port() for _ in range(web)]
        self.wsgi, self.celery_app = wsgi, celery_app
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: list = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    @staticmethod
    def _program(name: str) -> str:
        return str(Path(sys.executable).parent / name)  # the virtualenv's gunicorn and celery

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "a")  # noqa: SIM115 - closed in stop()
        self._logs.append(log)
        process = subprocess.Popen(
            command, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def start_worker(self, n: int) -> subprocess.Popen:
        return self.spawn(
            f"worker{n}",
            [
                *(self._program("celery"), "-A", self.celery_app, "worker"),
                *("-n", f"worker{n}@%h", "-c", str(self.worker_concurrency), "-l", "INFO"),
            ],
        )

    def start(self, timeout: float = 90.0) -> None:
        for n, port in enumerate(self.ports):
            self.spawn(
                f"web{n}",
                [
                    *(self._program("gunicorn"), self.wsgi, "-b", f"127.0.0.1:{port}"),
                    *("-w", str(self.web_workers), "--timeout", "30"),
                    *("--error-logfile", "-", "--access-logfile", "/dev/null"),
                ],
            )
        for n in range(self.workers):
            self.start_worker(n)
        if self.beat:
            self.spawn(
                "beat", [self._program("celery"), "-A", self.celery_app, "beat", "-l", "WARNING"]
            )
        for port in self.ports:
            wait_for_port(port, timeout=timeout)
        self.wait_for_workers(timeout)

    def wait_for_workers(self, timeout: float) -> None:
        """Every Celery worker has said it is ready (its log line), so no task waits for one."""
        deadline = time.monotonic() + timeout
        for n in range(self.workers):
            log = self.log_dir / f"worker{n}.log"
            while b"ready" not in (log.read_bytes() if log.exists() else b""):
                if self.processes[f"worker{n}"].poll() is not None:
                    raise RuntimeError(f"worker{n} exited: {log.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"worker{n} not ready after {timeout} s")
                time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()
        self._logs = []


def portal_env(database_url: str, var_dir: str | Path, **extra: str) -> dict[str, str]:
    """The environment of a portal process a fault test starts: production settings (DEBUG
    off, the test audit key) on the given database, without TLS redirects or two-factor, with
    this virtualenv's tools first on the PATH. `extra` adds or overrides variables."""
    from tests.settings import TEST_AUDIT_KEYS, TEST_SHARE_MASTER_KEYS

    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/root"),
        "DJANGO_SETTINGS_MODULE": "tests.faults.portal_settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "fault-tests-not-secret",
        "AUDIT_KEYS": TEST_AUDIT_KEYS,
        "SHARE_MASTER_KEYS": TEST_SHARE_MASTER_KEYS,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "TWO_FACTOR_REQUIRED": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
