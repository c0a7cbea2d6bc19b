"""The portal on two web nodes and two Celery workers, one PostgreSQL and one Redis.

Two separate gunicorn masters (as on two hosts) and two Celery workers are started on the
suite's PostgreSQL test database and on a `redis-server` of their own (a spare port, so the
suite's Redis databases are not disturbed). Requests alternate between the nodes: what one
node does, the other shows at once; sessions, lockouts and throttle counters are the same on
both; each notice is emailed once although two workers take tasks.

Runs when DATABASE_URL is PostgreSQL and REDIS_URL is set (as CI runs `make test`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from cica_portal.models import Notification
from exchange.models import Share
from tests.exchange import factories
from tests.factories import api_token_for

from .servers import PortalNodes, RedisServer, portal_env, redis_available

ROOT = Path(__file__).resolve().parents[2]
ON_SERVICES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) and bool(
    os.environ.get("REDIS_URL")
)
PASSWORD = "two-nodes-pass-2008"
LOGIN_LIMIT = 3
USER_RATE = 20  # API requests a minute per user (the first test makes 10 as one person)

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not ON_SERVICES,
        reason="several nodes share PostgreSQL and Redis: set DATABASE_URL (PostgreSQL) and "
        "REDIS_URL, as CI does",
    ),
    pytest.mark.skipif(not redis_available(), reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def nodes(django_db_setup, django_db_blocker):
    """Two web nodes and two workers on the test database and a Redis of their own."""
    with django_db_blocker.unblock():
        url = database_url()  # the test database's name, once pytest-django has made it
    redis = RedisServer()
    redis.start()
    var_dir = Path(tempfile.mkdtemp(prefix="cica-nodes-"))
    env = portal_env(
        url,
        var_dir,
        REDIS_URL=redis.url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        AXES_FAILURE_LIMIT=str(LOGIN_LIMIT),
        API_USER_RATE=f"{USER_RATE}/minute",
    )
    stack = PortalNodes(env, root=ROOT, log_dir=var_dir / "logs", web=2, web_workers=1, workers=2)
    stack.worker_concurrency = 1
    try:
        stack.start(timeout=60)
        stack.mail = var_dir / "mail"
        yield stack
    finally:
        stack.stop()
        redis.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def api(nodes, n: int, method: str, path: str, user_token: str, **kwargs) -> requests.Response:
    return requests.request(
        method,
        f"{nodes.urls[n % 2]}/api/v1{path}",
        headers={"Authorization": f"Token {user_token}"},
        timeout=30,
        **kwargs,
    )


def ids(response: requests.Response) -> set[int]:
    assert response.status_code == 200, response.text[:300]
    return {row["id"] for row in response.json()["results"]}


def test_it_shows_a_release_on_one_node_at_once_on_the_other_and_a_withdrawal_too(
    nodes, fp_kz, approver_kz, approver_ru, fp_cn
):
    share = factories.pending(fp_kz)
    token = {u.username: api_token_for(u) for u in (fp_kz, approver_kz, approver_ru, fp_cn)}
    received = "/exchange/shares/?box=received"
    for n in (0, 1):  # each node has read (and may have cached) the recipient's list
        assert share.pk not in ids(api(nodes, n, "GET", received, token["fp-cn"]))
        assert (
            api(nodes, n, "GET", f"/exchange/shares/{share.pk}/", token["fp-cn"]).status_code == 404
        )

    for n, approver in ((0, "approver-kz"), (1, "approver-ru")):
        detail = api(nodes, n, "GET", f"/exchange/shares/{share.pk}/", token[approver]).json()
        answer = {"decision": "approve", "comment": "", "content_hash": detail["content_hash"]}
        decided = api(
            nodes, n, "POST", f"/exchange/shares/{share.pk}/decision/", token[approver], json=answer
        )
        assert decided.status_code == 200, decided.text[:300]
    assert decided.json()["status"] == "released"  # released by the answer on node 1

    for n in (0, 1):  # visible on both at once: no node serves its earlier list
        assert share.pk in ids(api(nodes, n, "GET", received, token["fp-cn"]))
        assert (
            api(nodes, n, "GET", f"/exchange/shares/{share.pk}/", token["fp-cn"]).status_code == 200
        )

    withdrawn = api(
        nodes,
        1,
        "POST",
        f"/exchange/shares/{share.pk}/withdraw/",
        token["fp-kz"],
        json={"reason": "Sent by mistake."},
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    for n in (0, 1):  # gone on both at once, the other node's list included
        assert share.pk not in ids(api(nodes, n, "GET", received, token["fp-cn"]))
        assert (
            api(nodes, n, "GET", f"/exchange/shares/{share.pk}/", token["fp-cn"]).status_code == 404
        )
    assert Share.objects.get(pk=share.pk).status == Share.Status.WITHDRAWN


def log_in(base: str, session: requests.Session, password: str) -> requests.Response:
    page = session.get(f"{base}/accounts/login/", timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{base}/accounts/login/",
        data={"username": "fp-kz", "password": password, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )


def with_password(user) -> None:
    """A password the nodes' hashers read (the suite's own MD5 is not among them), cheaply."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "twonodessalt", iterations=1000)
    user.save(update_fields=["password"])


def test_it_keeps_a_session_made_on_one_node_on_the_other(nodes, fp_kz, settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"  # not in a process
    with_password(fp_kz)
    session = requests.Session()
    assert log_in(nodes.urls[0], session, PASSWORD).status_code == 302
    page = session.get(f"{nodes.urls[1]}/exchange/", timeout=30, allow_redirects=False)
    assert (
        page.status_code == 200
    )  # signed in on node 1 with node 0's session: it is in the database
    assert session.post(
        f"{nodes.urls[1]}/accounts/logout/",
        data={"csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
        headers={
            "Referer": f"{nodes.urls[1]}/",
            "X-CSRFToken": session.cookies.get("csrftoken", ""),
        },
        timeout=30,
        allow_redirects=False,
    ).status_code in (200, 302)
    # Logged out on node 1: node 0 no longer knows the session either.
    after = session.get(f"{nodes.urls[0]}/exchange/", timeout=30, allow_redirects=False)
    assert after.status_code == 302
    assert "/accounts/login/" in after.headers["Location"]


def test_it_locks_an_account_after_failed_logins_spread_over_both_nodes(nodes, fp_kz):
    with_password(fp_kz)
    for n in range(LOGIN_LIMIT):  # the failures alternate: no node alone sees the limit
        refused = log_in(nodes.urls[n % 2], requests.Session(), "wrong-password")
        assert refused.status_code != 302
    for base in nodes.urls:  # now even the right password is refused on either node
        locked = log_in(base, requests.Session(), PASSWORD)
        assert locked.status_code == 429, locked.status_code
        assert "Too many failed logins" in locked.text


def test_it_holds_one_throttle_limit_across_both_nodes(nodes, fp_ru):
    token = api_token_for(fp_ru)
    for _attempt in range(2):  # a fixed window: if the burst straddles a minute, once more
        window = time.time() // 60
        statuses = [
            api(nodes, n, "GET", "/member-states/", token).status_code for n in range(USER_RATE + 4)
        ]
        if time.time() // 60 == window:
            break
        time.sleep(max(0.0, 60 - time.time() % 60) + 0.5)  # the next window, from its start
    assert statuses.count(200) == USER_RATE, statuses  # a count per node would let 2 x 20 through
    assert statuses.count(429) == 4, statuses


def emails(mail_dir: Path) -> list[str]:
    messages: list[str] = []
    for path in mail_dir.glob("*") if mail_dir.exists() else []:
        messages += [m for m in path.read_text(errors="replace").split("-" * 79) if m.strip()]
    return messages


def test_it_emails_each_notice_once_with_two_workers(nodes, fp_kz, approver_kz, approver_ru):
    token = api_token_for(fp_kz)
    drafts = [factories.draft(fp_kz, title=f"Two nodes {n}") for n in range(4)]
    for n, share in enumerate(drafts):  # submitted through both nodes in turn
        submitted = api(nodes, n, "POST", f"/exchange/shares/{share.pk}/submit/", token)
        assert submitted.status_code == 200, submitted.text[:300]
    urls = {f"/approvals/{Share.objects.get(pk=s.pk).approval_id}/" for s in drafts}
    notices = [
        (n.recipient.email, n.url)
        for n in Notification.objects.filter(url__in=urls).select_related("recipient")
    ]
    assert {email for email, _ in notices} == {approver_kz.email, approver_ru.email}
    assert len(notices) == 2 * len(drafts)

    def count(email: str, url: str) -> int:
        return sum(
            1
            for m in emails(nodes.mail)
            if re.search(rf"^To: .*{re.escape(email)}", m, re.M) and url in m
        )

    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and any(count(*notice) == 0 for notice in notices):
        time.sleep(0.5)
    time.sleep(2)  # a second copy, if a second worker also ran the task, would be here by now
    assert [count(*notice) for notice in notices] == [1] * len(notices)
