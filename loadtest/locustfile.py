"""A working day on the portal: focal points browse and write shares, approvers answer.

Run it through `scripts/loadtest.sh` (which prepares a PostgreSQL database, two web nodes, a
Celery worker, the demo data and a session and an API token per demo account); by hand, after
`seed_demo`: `locust -f loadtest/locustfile.py --host http://127.0.0.1:8765` (without a sessions
file, every user logs in through the form and the share writers are idle). Demo password
`demo-pass-2008` (or CICA_LOAD_PASSWORD).

Requests alternate between the nodes named in CICA_LOAD_NODES (comma-separated base URLs;
default: the --host), one after the other across all users, so that a share is created on one
node and submitted, answered or withdrawn on another. Every write the portal answered as
applied is written to CICA_LOAD_JOURNAL (JSON lines) when the run stops, for
`loadtest/verify.py` to find in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("CICA_LOAD_PASSWORD", "demo-pass-2008")
SESSIONS_FILE = os.environ.get("CICA_LOAD_SESSIONS", "")
if SESSIONS_FILE:
    with open(SESSIONS_FILE) as handle:
        _prepared = json.load(handle)
    STATE_CODES: list[str] = _prepared["states"]
    SESSIONS: dict[str, str] = _prepared["sessions"]
    TOKENS: dict[str, str] = _prepared.get("tokens", {})
else:
    STATE_CODES = ["kz", "ru", "cn", "in", "tr", "ir", "pk", "mn"]
    SESSIONS = {}
    TOKENS = {}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_state = itertools.count()
NODES = [url.rstrip("/") for url in os.environ.get("CICA_LOAD_NODES", "").split(",") if url]
_next_node = itertools.count()
JOURNAL_FILE = os.environ.get("CICA_LOAD_JOURNAL", "")
JOURNAL: list[dict] = []  # writes the portal answered as applied (2xx)
# The states whose focal points write shares and whose approvers answer them: few enough that
# every share has an approver user for each state asked (the originating and the concerned).
SHARE_STATES = STATE_CODES[:8]
_next_writer = itertools.count()
_next_share_approver = itertools.count()
# Shares waiting for consent: pk -> {"states": codes still to answer, "origin": code}.
PENDING: dict[int, dict] = {}
# Shares their originating state may still withdraw: pk -> originating state's code.
WITHDRAWABLE: dict[int, str] = {}
# Shares whose withdrawal was asked for: from then on an approver may rightly get 404 for them.
WITHDRAWN: set[int] = set()


def on_node(path: str) -> str:
    """The next node's URL for this path (round robin over every request of every user)."""
    if not NODES:
        return path
    return NODES[next(_next_node) % len(NODES)] + path


@events.quitting.add_listener
def write_journal(environment, **kwargs) -> None:
    if JOURNAL_FILE:
        with open(JOURNAL_FILE, "w") as handle:
            handle.writelines(json.dumps(entry) + "\n" for entry in JOURNAL)


def log_in(client, username: str) -> bool:
    """Log in through the real form, as a person would; a failure is counted by locust."""
    page = client.get(on_node("/accounts/login/"), name="/accounts/login/ [form]")
    match = CSRF_INPUT.search(page.text)
    with client.post(
        on_node("/accounts/login/"),
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
        with self.client.get(on_node(path), name=name or path, catch_response=True) as response:
            # A page that sends a signed-in person to the login form has lost the session.
            if "/accounts/login/" in response.url:
                response.failure("sent to the login form: the session was not recognised")


class LoginVisitor(HttpUser):
    """Two people who keep logging in and out through the form (password hashing included)."""

    fixed_count = 2
    wait_time = between(3, 6)

    @task
    def log_in_and_out(self):
        username = f"fp-{random.choice(STATE_CODES)}"
        if log_in(self.client, username):
            self.client.get(on_node("/"), name="/")
            token = self.client.cookies.get("csrftoken", "")
            self.client.post(
                on_node("/accounts/logout/"),
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
            on_node("/api/v1/approvals/?status=open"), name="/api/v1/approvals/?status=open"
        )
        if response.status_code != 200:
            return
        mine = [
            approval
            for approval in response.json().get("results", [])
            # the new measures; shares are answered by ShareApprover, who knows of withdrawals
            if approval["purpose"] == "actionplan.measure"
            and any(
                answer["state"].lower() == self.state_code and answer["decision"] == "pending"
                for answer in approval["answers"]
            )
        ]
        if not mine:
            return
        approval = random.choice(mine)
        decision = "object" if random.random() < 0.05 else "approve"
        self.browse(f"/approvals/{approval['id']}/", name="/approvals/[id]/")
        with self.client.post(
            on_node(f"/api/v1/approvals/{approval['id']}/answer/"),
            json={
                "decision": decision,
                "comment": "Load test answer.",
                "content_hash": approval["content_hash"],
            },
            headers=self.csrf_headers(),
            name="/api/v1/approvals/[id]/answer/",
            catch_response=True,
        ) as answer:
            # 409: another session of the same state answered first, or the request closed.
            if answer.status_code == 200:
                answer.success()
                JOURNAL.append(
                    {
                        "action": "answer",
                        "approval": approval["id"],
                        "state": self.state_code,
                        "decision": decision,
                    }
                )
            elif answer.status_code == 409:
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


def share_content(origin: str, destination: str) -> dict:
    return {
        "kind": "Illicit drugs",
        "origin_state": origin.upper(),
        "transit_states": ["UZ"],
        "destination_states": [destination.upper()],
        "route": "By road through the border crossing",
        "modus_operandi": "Concealed in agricultural produce",
        "indicators": "Refrigerated lorries, new companies",
        "first_detected": "2026-03-01",
        "persons_involved": 4,
    }


class TokenUser(HttpUser):
    """A demo account that writes through the API with its token (as another system would)."""

    abstract = True
    wait_time = between(1, 3)
    prefix = ""
    counter = _next_writer

    def on_start(self) -> None:
        self.state_code = SHARE_STATES[next(self.counter) % len(SHARE_STATES)]
        key = TOKENS.get(f"{self.prefix}-{self.state_code}", "")
        self.headers = {"Authorization": f"Token {key}"} if key else {}

    def write(
        self, path: str, name: str, body: dict, entry: dict, share: int | None = None
    ) -> dict | None:
        """POST; 2xx is applied (journalled), 409 a refusal the portal explains (and 404 for a
        share withdrawn meanwhile, hidden at once from everyone but its state), else a failure."""
        with self.client.post(
            on_node(path), json=body, headers=self.headers, name=name, catch_response=True
        ) as response:
            if 200 <= response.status_code < 300:
                response.success()
                result = response.json()
                JOURNAL.append({**entry, "status": result.get("status")})
                return result
            if response.status_code == 409 or (response.status_code == 404 and share in WITHDRAWN):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
        return None


class ShareWriter(TokenUser):
    """A focal point who drafts a share, submits it for consent, and now and then withdraws one."""

    weight = 3
    prefix = "fp"
    counter = _next_writer

    @task(3)
    def create_and_submit(self):
        if not self.headers:
            return
        others = [code for code in SHARE_STATES if code != self.state_code]
        concerned = random.choice(others)
        recipient = random.choice([c for c in STATE_CODES if c not in (concerned, self.state_code)])
        share = self.write(
            "/api/v1/exchange/shares/",
            "/api/v1/exchange/shares/ [create]",
            {
                "template": "trafficking-case",
                "title": f"Load test case from {self.state_code.upper()}",
                "content": share_content(self.state_code, concerned),
                "concerned_states": [concerned.upper()],
                "recipient_states": [recipient.upper()],
            },
            {"action": "create", "state": self.state_code},
        )
        if share is None:
            return
        JOURNAL[-1]["share"] = share["id"]
        submitted = self.write(
            f"/api/v1/exchange/shares/{share['id']}/submit/",
            "/api/v1/exchange/shares/[id]/submit/",
            {},
            {"action": "submit", "share": share["id"]},
        )
        if submitted is not None:
            PENDING[share["id"]] = {"states": {self.state_code, concerned}}
            WITHDRAWABLE[share["id"]] = self.state_code

    @task(1)
    def withdraw(self):
        mine = [pk for pk, origin in WITHDRAWABLE.items() if origin == self.state_code]
        if not self.headers or not mine:
            return
        pk = random.choice(mine)
        WITHDRAWABLE.pop(pk, None)
        PENDING.pop(pk, None)
        WITHDRAWN.add(pk)
        self.write(
            f"/api/v1/exchange/shares/{pk}/withdraw/",
            "/api/v1/exchange/shares/[id]/withdraw/",
            {"reason": "Load test."},
            {"action": "withdraw", "share": pk},
        )

    @task(1)
    def my_shares(self):
        if self.headers:
            self.client.get(
                on_node("/api/v1/exchange/shares/?box=mine"),
                headers=self.headers,
                name="/api/v1/exchange/shares/?box=mine",
            )


class ShareApprover(TokenUser):
    """A release approver who reads a share waiting for the state's consent and answers it."""

    weight = 3
    prefix = "approver"
    counter = _next_share_approver

    @task(3)
    def consent_or_decline(self):
        asked = [pk for pk, p in PENDING.items() if self.state_code in p["states"]]
        if not self.headers or not asked:
            return
        pk = random.choice(asked)
        PENDING[pk]["states"].discard(self.state_code)
        with self.client.get(
            on_node(f"/api/v1/exchange/shares/{pk}/"),
            headers=self.headers,
            name="/api/v1/exchange/shares/[id]/",
            catch_response=True,
        ) as detail:
            if detail.status_code == 404 and pk in WITHDRAWN:
                detail.success()  # withdrawn meanwhile: hidden from the approvers at once
                return
        if detail.status_code != 200 or detail.json()["status"] != "pending_consent":
            return  # closed meanwhile (released or declined)
        decision = "decline" if random.random() < 0.1 else "approve"
        result = self.write(
            f"/api/v1/exchange/shares/{pk}/decision/",
            "/api/v1/exchange/shares/[id]/decision/",
            {
                "decision": decision,
                "comment": "Load test: not for release." if decision == "decline" else "",
                "content_hash": detail.json()["content_hash"],
            },
            {"action": "decision", "share": pk, "state": self.state_code, "decision": decision},
            share=pk,
        )
        if result is not None and result["status"] != "pending_consent":
            PENDING.pop(pk, None)
            if result["status"] != "released":
                WITHDRAWABLE.pop(pk, None)

    @task(1)
    def asked(self):
        if self.headers:
            self.client.get(
                on_node("/api/v1/exchange/shares/?box=asked"),
                headers=self.headers,
                name="/api/v1/exchange/shares/?box=asked",
            )
