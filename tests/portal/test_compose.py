"""docker-compose.yml works as written: migrations first, replicas behind the proxy, health
checks that pass with the README's ALLOWED_HOSTS, an image without the development files.

`docker compose config` (or Debian's `docker-compose`, which `.ci/run` installs) validates the
file; where neither is installed the structure is still checked from the YAML alone.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.http.request import validate_host

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PORTAL = ("migrate", "web", "worker", "beat")
ENV = {
    "SECRET_KEY": "compose-test-not-secret",
    "AUDIT_KEYS": "t:compose-test-audit-key-not-secret-0123",
    "SHARE_MASTER_KEYS": "t:Y29tcG9zZS10ZXN0LXNoYXJlLWtleS1ub3Qtc2VjcmU",
    "POSTGRES_PASSWORD": "compose-test",
    "ALLOWED_HOSTS": "portal.example.org",
}


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "deploy/healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    compose_command() is None,
    reason="Docker Compose is not installed here (neither `docker compose` nor `docker-compose`); "
    "the structure tests below check the file instead",
)
def test_it_passes_docker_compose_config_with_the_readme_settings(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in ENV.items()))
    done = subprocess.run(
        [
            *compose_command(),
            "--env-file",
            str(env_file),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def test_it_runs_migrations_once_before_the_web_nodes_workers_and_beat_start():
    migrate = SERVICES["migrate"]
    assert "migrate" in migrate["command"]
    assert migrate["restart"] == "no"
    assert "migrate" not in " ".join(SERVICES["web"]["command"])  # not once per replica
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
    assert "migrate" not in SERVICES["migrate"]["depends_on"]


def test_it_lets_web_and_worker_scale_behind_the_proxy():
    for name in ("web", "worker"):  # a fixed host port or name would stop a second replica
        assert "ports" not in SERVICES[name], name
        assert "container_name" not in SERVICES[name], name
    proxy = SERVICES["proxy"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert any("deploy/nginx.conf" in volume for volume in proxy["volumes"])
    conf = (ROOT / "deploy/nginx.conf").read_text()
    assert "server web:8000 resolve" in conf  # every replica, re-resolved as they come and go
    assert "X-Forwarded-Proto https" in conf
    assert "X-Forwarded-For $remote_addr" in conf


def test_it_names_the_smtp_settings_for_every_portal_process():
    for name in PORTAL:
        environment = SERVICES[name]["environment"]
        for key in (
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_TLS",
            "DEFAULT_FROM_EMAIL",
        ):
            assert key in environment, (name, key)


@pytest.mark.parametrize(
    "allowed_hosts",
    ["portal.example.org", "portal.example.org,www.example.org", ".example.org", "*", "localhost"],
)
def test_it_health_checks_web_with_a_host_that_allowed_hosts_accepts(allowed_hosts):
    assert SERVICES["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py"]
    host = healthcheck().host_to_send(allowed_hosts)
    assert validate_host(host, [h.strip() for h in allowed_hosts.split(",")])
    # What a plain request to 127.0.0.1 sends, and the README's setting refuses (a 400):
    assert not validate_host("127.0.0.1", ["portal.example.org"])


def test_it_reports_an_unhealthy_web_node(monkeypatch):
    monkeypatch.setenv("PORT", "9")  # nothing listens on the discard port
    assert healthcheck().main() == 1


def test_it_keeps_the_virtualenv_history_and_development_data_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".git", "var", "*.sqlite3", ".env"} <= ignored
