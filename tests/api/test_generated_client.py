"""A client generated from the OpenAPI document runs the README's share example end to end.

The client is generated at test time into a temporary folder (openapi-python-client, as a user
would), not committed: it then always matches the schema the portal serves now, and a change
that breaks generated clients fails here instead of in a ministry's integration. Its models
parse every answer strictly (a required field missing, a null where the schema promises a
value, a date that is not one all raise), so the journey also checks the answers' shapes.
"""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.wsgi import get_wsgi_application

from tests.api.openapi_app import schema_document
from tests.factories import TEST_PASSWORD, ApproverFactory, FocalPointUserFactory, state

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def cica_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    (folder / "schema.json").write_text(json.dumps(schema_document()))
    # No post hooks: the generator would format its output with ruff, which is not needed here.
    (folder / "config.yml").write_text("post_hooks: []\npackage_name_override: cica_client\n")
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--output-path",
            str(folder / "cica_client"),
            "--meta",
            "none",
            "--config",
            str(folder / "config.yml"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("cica_client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == "cica_client" or m.startswith("cica_client.")]:
            del sys.modules[name]


@pytest.fixture
def people(db):
    names = {"fp-kz": FocalPointUserFactory, "fp-tj": FocalPointUserFactory}
    names |= {"fp-cn": FocalPointUserFactory}
    names |= {f"approver-{c}": ApproverFactory for c in ("kz", "ru", "uz")}
    return {n: f(username=n, state=state(n.split("-")[1].upper())) for n, f in names.items()}


def test_it_runs_the_readme_share_example_through_a_generated_client(
    cica_client, people, keep_the_test_connection
):
    from cica_client import AuthenticatedClient, Client
    from cica_client.api.auth import auth_token_create
    from cica_client.api.exchange import (
        exchange_shares_create,
        exchange_shares_decision_create,
        exchange_shares_retrieve,
        exchange_shares_submit_create,
    )
    from cica_client.models import (
        DecisionDecisionEnum,
        DecisionRequest,
        HandlingCodesEnum,
        InformationReliabilityEnum,
        ShareCreateRequest,
        ShareDetail,
        SourceReliabilityEnum,
        TlpEnum,
        Token,
        TokenRequestRequest,
    )

    transport = {"transport": httpx.WSGITransport(app=get_wsgi_application())}
    base = "http://localhost"

    def login(username: str) -> AuthenticatedClient:
        anonymous = Client(base_url=base, httpx_args=transport, raise_on_unexpected_status=True)
        token = auth_token_create.sync(
            client=anonymous,
            body=TokenRequestRequest(username=username, password=TEST_PASSWORD, name="example"),
        )
        assert isinstance(token, Token), token
        return AuthenticatedClient(
            base_url=base,
            token=token.token,
            prefix="Token",
            httpx_args=transport,
            raise_on_unexpected_status=True,
        )

    focal_point = login("fp-kz")
    share = exchange_shares_create.sync(
        client=focal_point,
        body=ShareCreateRequest(
            template="trafficking-case",
            title="Recruitment through fake job offers",
            content={
                "kind": "Trafficking in human beings",
                "origin_state": "KZ",
                "transit_states": ["RU"],
                "destination_states": ["UZ"],
                "modus_operandi": "Victims recruited online with offers of seasonal work.",
            },
            tlp=TlpEnum("AMBER"),
            handling_codes=[HandlingCodesEnum("H0"), HandlingCodesEnum("H2")],
            source_reliability=SourceReliabilityEnum("B"),
            information_reliability=InformationReliabilityEnum("2"),
            concerned_states=["RU", "UZ"],
            recipient_states=["RU", "UZ", "TJ"],
        ),
    )
    assert isinstance(share, ShareDetail), share
    assert share.status == "draft"
    assert (share.tlp, share.handling_codes) == ("AMBER", ["H0", "H2"])
    assert exchange_shares_submit_create.sync(share.id, client=focal_point).status == (
        "pending_consent"
    )
    statuses = []
    for code in ("kz", "ru", "uz"):
        approver = login(f"approver-{code}")
        read = exchange_shares_retrieve.sync(share.id, client=approver)
        answer = exchange_shares_decision_create.sync(
            share.id,
            client=approver,
            body=DecisionRequest(
                decision=DecisionDecisionEnum.APPROVE,
                comment="Agreed.",
                content_hash=read.content_hash,
            ),
        )
        statuses.append(answer.status)
    assert statuses[-1] == "released"
    recipient = exchange_shares_retrieve.sync(share.id, client=login("fp-tj"))
    assert recipient.status == "released"
    assert set(recipient.recipient_states) == {"RU", "TJ", "UZ"}
    outsider = exchange_shares_retrieve.sync_detailed(share.id, client=login("fp-cn"))
    assert outsider.status_code == 404
