"""A working day on the portal: focal points browse, approvers read their inbox and answer.

Run it through `scripts/loadtest.sh` (which prepares a PostgreSQL database, gunicorn, the demo
data and a session per demo account); by hand, after `seed_demo`:
`locust -f loadtest/locustfile.py --host http://127.0.0.1:8765` (without a sessions file, every
user logs in through the form). Demo password `demo-pass-2008` (or CICA_LOAD_PASSWORD).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("CICA_LOAD_PASSWORD", "demo-pass-2008")
SESSIONS_FILE = os.environ.get("CICA_LOAD_SESSIONS", "")
if SESSIONS_FILE:
    with open(SESSIONS_FILE) as handle:
        _prepared = json.load(handle)
    STATE_CODES: list[str] = _prepared["states"]
    SESSIONS: dict[str, str] = _prepared["sessions"]
else:
    STATE_CODES = ["kz", "ru", "cn", "in", "tr", "ir", "pk", "mn"]
    SESSIONS = {}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_state = itertools.count()


def log_in(client, username: str) -> bool:
    """Log in through the real form, as a person would; a failure is counted by locust."""
    page = client.get("/accounts/login/", name="/accounts/login/ [form]")
    match = CSRF_INPUT.search(page.text)
    with client.post(
        "/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": match.group(1) if match else "",
        },
        name="/accounts/login/ [post]",
        catch_response=True,
    ) as response:
        # A good login redirects to the dashboard; a refused one shows the form again (200).
        if "/accounts/login/" in response.url:
            response.failure(f"login of {username} refused")
            return False
    return True


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    prefix = ""

    def on_start(self) -> None:
        self.state_code = STATE_CODES[next(_next_state) % len(STATE_CODES)]
        self.username = f"{self.prefix}-{self.state_code}"
        if self.username in SESSIONS:
            self.client.cookies.set("sessionid", SESSIONS[self.username])
        else:
            log_in(self.client, self.username)

    def csrf_headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    def browse(self, path: str, name: str | None = None) -> None:
        self.client.get(path, name=name or path)


class LoginVisitor(HttpUser):
    """Two people who keep logging in and out through the form (password hashing included)."""

    fixed_count = 2
    wait_time = between(3, 6)

    @task
    def log_in_and_out(self):
        username = f"fp-{random.choice(STATE_CODES)}"
        if log_in(self.client, username):
            self.client.get("/", name="/")
            token = self.client.cookies.get("csrftoken", "")
            self.client.post(
                "/accounts/logout/",
                data={"csrfmiddlewaretoken": token},
                headers={"X-CSRFToken": token},
                name="/accounts/logout/",
            )
        self.client.cookies.clear()


class FocalPoint(PortalUser):
    """A national focal point: the directory, the calendar, notifications, the plan, the API."""

    weight = 3
    prefix = "fp"

    @task(3)
    def directory(self):
        self.browse("/focal-points/")

    @task(3)
    def calendar(self):
        self.browse("/meetings/")

    @task(2)
    def notifications(self):
        self.browse("/notifications/")

    @task(2)
    def member_states_api(self):
        self.browse("/api/v1/member-states/")

    @task(1)
    def dashboard(self):
        self.browse("/")

    @task(1)
    def action_plan(self):
        self.browse("/plan/")

    @task(1)
    def exchange(self):
        self.browse("/exchange/")

    @task(1)
    def approvals(self):
        self.browse("/approvals/")


class Approver(PortalUser):
    """A national release approver: the inbox, the open requests, an answer for the state."""

    weight = 2
    prefix = "approver"

    @task(3)
    def inbox(self):
        self.browse("/approvals/inbox/")

    @task(3)
    def answer_an_open_request(self):
        response = self.client.get(
            "/api/v1/approvals/?status=open", name="/api/v1/approvals/?status=open"
        )
        if response.status_code != 200:
            return
        mine = [
            approval
            for approval in response.json().get("results", [])
            if any(
                answer["state"].lower() == self.state_code and answer["decision"] == "pending"
                for answer in approval["answers"]
            )
        ]
        if not mine:
            return
        approval = random.choice(mine)
        self.browse(f"/approvals/{approval['id']}/", name="/approvals/[id]/")
        with self.client.post(
            f"/api/v1/approvals/{approval['id']}/answer/",
            json={
                "decision": "object" if random.random() < 0.05 else "approve",
                "comment": "Load test answer.",
                "content_hash": approval["content_hash"],
            },
            headers=self.csrf_headers(),
            name="/api/v1/approvals/[id]/answer/",
            catch_response=True,
        ) as answer:
            # 409: another session of the same state answered first, or the request closed.
            if answer.status_code in (200, 409):
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task(1)
    def calendar(self):
        self.browse("/meetings/")

    @task(1)
    def directory(self):
        self.browse("/focal-points/")

    @task(1)
    def notifications(self):
        self.browse("/notifications/")

    @task(1)
    def approvals_api(self):
        self.browse("/api/v1/approvals/", name="/api/v1/approvals/")
