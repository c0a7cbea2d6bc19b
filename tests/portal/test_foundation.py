"""The ground every app stands on: settings, real services, health, reference data, demo data."""

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.utils import OperationalError

from cica_portal.models import Area, Organisation, State, User

ROOT = Path(__file__).resolve().parents[2]
PRINT_DEFAULTS = (
    "import portal_site.settings as s; d = s.DATABASES['default'];"
    "print(d['ENGINE'], d['NAME'], s.TIME_ZONE, s.CELERY_BROKER_URL, s.USE_TZ)"
)


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal_site.settings",
        ],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_has_an_embedded_default_that_needs_no_server():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PRINT_DEFAULTS,
        ],
        env={**env, "DEBUG": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    engine, name, zone, broker, use_tz = result.stdout.split()
    assert engine == "django.db.backends.sqlite3" and name.endswith("var/cica.sqlite3")
    assert zone == "Asia/Almaty" and use_tz == "True"
    assert broker.startswith("sqla+sqlite:///")


@pytest.mark.services
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_when_database_url_says_so():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("DATABASE_URL does not name PostgreSQL; this run uses SQLite")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_sent_through_celery_is_run_by_a_real_worker():
    from celery.contrib.testing.worker import start_worker
    from django.core.cache import cache

    from cica_portal.tasks import ping
    from portal_site.celery import app

    if os.environ.get("REDIS_URL"):
        assert app.connection_for_write().transport.driver_type == "redis"
    marker = uuid.uuid4().hex
    queue = f"test-{marker}"  # its own queue: parallel test processes share the broker
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
    ):
        ping.apply_async(args=[marker], queue=queue)
        for _ in range(100):
            if cache.get(f"ping:{marker}") == "pong":
                break
            time.sleep(0.1)
    assert cache.get(f"ping:{marker}") == "pong"


@pytest.mark.django_db
def test_healthz_ready_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["cache"]) == (
        "ok",
        "ok",
        "ok",
        "ok",
    )
    assert "emails" not in body  # how busy the exchange is: for the operator only


@pytest.mark.django_db
def test_healthz_ready_gives_the_operator_the_delivery_figures(client):
    from cica_portal.models import Notification
    from tests.factories import FocalPointUserFactory, SecretariatFactory, state

    person = FocalPointUserFactory(username="fp-x", state=state("KZ"))
    Notification.objects.create(recipient=person, key="k", subject="S", body="B")
    Notification.objects.create(
        recipient=person, key="k2", subject="S", body="B", email_status="failed"
    )
    client.force_login(SecretariatFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get("/healthz/ready").json()["emails"] == {"overdue": 0, "failed": 1}


@pytest.mark.django_db
def test_healthz_ready_says_degraded_not_down_when_the_shared_broker_is_down(client):
    """A broker every node shares must not take every node out of the load balancer."""
    from kombu import Connection

    from portal_site.celery import app

    refused = Connection("redis://127.0.0.1:1/0", connect_timeout=1)
    with mock.patch.object(app, "connection_for_write", return_value=refused):
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"].startswith("down")
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_ready_is_503_when_the_database_is_down_and_liveness_stays_200(client):
    with mock.patch("portal_site.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz/ready")
        live = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")
    assert live.status_code == 200 and live.json() == {"status": "ok"}


@pytest.mark.django_db
def test_reference_data_holds_the_28_member_states_by_iso_code():
    members = State.objects.members()
    assert members.count() == 28
    assert {"KZ", "RU", "CN", "TR", "KR", "VN", "PS", "AE"} <= set(
        members.values_list("code", flat=True)
    )
    assert State.objects.filter(status="observer").count() == 9
    assert set(Organisation.objects.values_list("code", flat=True)) >= {"IOM", "INTERPOL", "UNODC"}
    assert list(Area.objects.values_list("roman", flat=True)) == ["I", "II", "III", "IV"]
    assert all(State.objects.values_list("name_ru", flat=True))


@pytest.mark.django_db
def test_reference_data_is_shown_in_the_active_language():
    from django.utils import translation

    russia = State.objects.get(code="RU")
    with translation.override("ru"):
        assert russia.name == russia.name_ru != russia.name_en
    with translation.override("en"):
        assert russia.name == "Russia"


@pytest.mark.django_db
def test_seed_demo_creates_the_contracted_accounts_and_changes_nothing_the_second_time():
    call_command("seed_demo", password="another-demo-pass", stdout=io.StringIO())
    assert User.objects.get(username="secretariat").is_secretariat
    fp = User.objects.get(username="fp-kz")
    assert fp.is_focal_point and fp.state.code == "KZ"
    assert fp.full_name == "Focal point, Kazakhstan"
    assert User.objects.get(username="approver-vn").is_approver
    assert fp.check_password("another-demo-pass")
    before = User.objects.count(), fp.password
    call_command("seed_demo", stdout=io.StringIO())
    fp.refresh_from_db()
    assert (User.objects.count(), fp.password) == before
    assert User.objects.filter(username__startswith="fp-").count() == 28


@pytest.mark.django_db
def test_a_national_role_needs_a_state():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nobody", role=User.Role.FOCAL_POINT)


def test_docker_compose_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert all("healthcheck" in service for service in services.values())
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert "gunicorn" in services["web"]["command"]


def test_static_files_are_local():
    base = (ROOT / "templates" / "base.html").read_text()
    assert "http://" not in base and "https://" not in base
    assert settings.STATIC_URL.strip("/") == "static"
