"""With PostgreSQL stopped, requests fail fast with a bare 503; once it is back, they work again.

The test starts its own PostgreSQL cluster on a spare loopback port and the portal under
gunicorn against it, then stops and restarts that cluster; the machine's PostgreSQL is untouched.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from .servers import PostgresCluster, free_port, portal_env, postgres_bindir, wait_for_port

BINDIR = postgres_bindir()
ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "fault-drill-pass-2008"

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(BINDIR is None, reason="PostgreSQL server binaries (initdb) are absent"),
    pytest.mark.skipif(os.geteuid() != 0, reason="runs the cluster as `postgres`: needs root"),
]

CREATE_USER = f"""
from cica_portal.models import State, User
User.objects.create_user(
    "fp-kz", email="fp-kz@example.org", password="{PASSWORD}",
    role=User.Role.FOCAL_POINT, state=State.objects.get(code="KZ"),
)
"""
LEAKS = re.compile(r"Traceback|OperationalError|psycopg|SELECT|connection to server|line \d+", re.I)


@pytest.fixture(scope="module")
def cluster():
    cluster = PostgresCluster(BINDIR)
    try:
        cluster.start()
        cluster.createdb("cica_fault")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def portal(cluster):
    var_dir = tempfile.mkdtemp(prefix="cica-fault-var-")
    env = portal_env(cluster.url("cica_fault"), var_dir)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run([*manage, "shell", "-c", CREATE_USER], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = open(Path(var_dir) / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "portal_site.wsgi",
            *("-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "30"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=30)
        yield {"url": f"http://127.0.0.1:{port}", "log": Path(var_dir) / "gunicorn.log"}
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
        shutil.rmtree(var_dir, ignore_errors=True)


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": "fp-kz", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def timed_get(session: requests.Session, url: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = session.get(url, timeout=30, allow_redirects=False)
    return response, time.monotonic() - started


def test_postgres_down_gives_a_fast_bare_503_and_recovery_is_immediate(cluster, portal):
    base = portal["url"]
    session = logged_in(base)
    pages = [f"{base}/notifications/", f"{base}/approvals/", f"{base}/api/v1/member-states/"]
    for url in pages:
        assert timed_get(session, url)[0].status_code == 200, url
    assert requests.get(f"{base}/healthz/ready", timeout=10).status_code == 200

    cluster.stop()
    for url in pages:
        response, seconds = timed_get(session, url)
        assert response.status_code == 503, (url, response.status_code, response.text[:300])
        assert seconds < 5, (url, seconds)
        assert not LEAKS.search(response.text), response.text
        assert response.headers["Retry-After"] == "30"
    assert "temporarily unavailable" in timed_get(session, pages[0])[0].text
    assert timed_get(session, pages[2])[0].json()["detail"].startswith("The service is")
    # A login attempt, too: refused with the same 503, fast, and without details.
    started = time.monotonic()
    login = requests.post(f"{base}/accounts/login/", data={"username": "x"}, timeout=30)
    assert login.status_code in {403, 503}
    assert time.monotonic() - started < 5
    assert not LEAKS.search(login.text)
    health, seconds = timed_get(requests.Session(), f"{base}/healthz/ready")
    assert health.status_code == 503
    assert seconds < 5
    assert health.json()["database"].startswith("down")
    # The process itself still serves: liveness stays 200, so nothing restarts it.
    assert timed_get(requests.Session(), f"{base}/healthz")[0].status_code == 200

    cluster.start()
    for url in pages:
        response, _ = timed_get(session, url)
        assert response.status_code == 200, (url, response.status_code)
    assert requests.get(f"{base}/healthz/ready", timeout=10).json()["database"] == "ok"
