"""Create, submit and approve a trafficking-case share through the REST API with `requests`.

Run it against `make run` (demo data): python docs/examples/share_with_requests.py
"""

import requests

API = "http://127.0.0.1:8000/api/v1"


def login(username: str, password: str = "demo-pass-2008") -> requests.Session:  # noqa: S107
    """A session that sends a new API token of the user's; it has exactly that user's rights.

    Each call makes a named token valid for 90 days (listed and revoked on /account/api-tokens/);
    a script that runs often should keep its token rather than ask for a new one each time.
    """
    response = requests.post(
        f"{API}/auth/token/",
        json={"username": username, "password": password, "name": "share example"},
        timeout=10,
    )
    response.raise_for_status()
    session = requests.Session()
    session.headers["Authorization"] = f"Token {response.json()['token']}"
    return session


# 1. Kazakhstan's focal point drafts a trafficking case concerning Russia and Uzbekistan.
focal_point = login("fp-kz")
draft = focal_point.post(
    f"{API}/exchange/shares/",
    json={
        "template": "trafficking-case",
        "title": "Recruitment through fake job offers",
        "content": {
            "kind": "Trafficking in human beings",
            "origin_state": "KZ",
            "transit_states": ["RU"],
            "destination_states": ["UZ"],
            "modus_operandi": "Victims recruited online with offers of seasonal work.",
        },
        "tlp": "AMBER",
        "handling_codes": ["H0", "H2"],
        "source_reliability": "B",
        "information_reliability": "2",
        "concerned_states": ["RU", "UZ"],
        "recipient_states": ["RU", "UZ", "TJ"],
    },
)
draft.raise_for_status()  # 400 names the field when the content does not fit the template
share = draft.json()
print("created", share["id"], share["status"])  # draft

# 2. Submitting asks the originating state and every concerned state for consent.
submitted = focal_point.post(f"{API}/exchange/shares/{share['id']}/submit/")
submitted.raise_for_status()
print("submitted:", submitted.json()["status"])  # pending_consent

# 3. Each state's release approver reads the share, then answers for their state. The answer
#    names the version read (`content_hash`): if the text changed since, it is refused with 409.
for code in ("kz", "ru", "uz"):
    approver = login(f"approver-{code}")
    read = approver.get(f"{API}/exchange/shares/{share['id']}/").json()
    answer = approver.post(
        f"{API}/exchange/shares/{share['id']}/decision/",
        json={"decision": "approve", "comment": "Agreed.", "content_hash": read["content_hash"]},
    )
    answer.raise_for_status()
    print(f"approver-{code}:", answer.json()["status"])  # released after the last one

# 4. A recipient state's focal point can now read it; any other state gets 404.
print(login("fp-tj").get(f"{API}/exchange/shares/{share['id']}/").json()["status"])
print(login("fp-cn").get(f"{API}/exchange/shares/{share['id']}/").status_code)
