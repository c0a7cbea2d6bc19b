"""OpenID Connect sign-in against a provider the test starts on loopback: it finds only an
account the Secretariat linked, never makes one or changes a role, still asks for the second
factor, and gives up on a provider that does not answer in time."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from cica_portal.models import AuditRecord, OidcIdentity, User
from tests.factories import totp_code

from .oidc_provider import Provider

pytestmark = pytest.mark.django_db
FAILED = "/accounts/login/?oidc=failed"


@pytest.fixture(scope="module")
def provider():
    with Provider() as running:
        yield running


@pytest.fixture(autouse=True)
def _enabled(settings, provider):
    provider.delay = 0.0
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        django_settings.AUTHENTICATION_BACKENDS[0],
        "cica_portal.oidc.PortalOIDCBackend",
        *django_settings.AUTHENTICATION_BACKENDS[1:],
    ]


def _sign_in(client, provider, claims: dict, **grant):
    """The person clicks "Sign in with ...", logs in at the provider, and is sent back."""
    start = client.get("/oidc/authenticate/", {"next": "/focal-points/"})
    assert start.status_code == 302
    assert start["Location"].startswith(provider.url + "/authorize")
    query = parse_qs(urlsplit(start["Location"]).query)
    code = provider.issue_code(nonce=query["nonce"][0], claims=claims, **grant)
    return client.get("/oidc/callback/", {"code": code, "state": query["state"][0]})


def _link(user, provider, **fields) -> OidcIdentity:
    return OidcIdentity.objects.create(user=user, issuer=provider.url, **fields)


def test_it_signs_in_the_account_linked_to_the_subject(client, provider, fp_kz):
    _link(fp_kz, provider, subject="kz-0001")
    response = _sign_in(client, provider, {"sub": "kz-0001", "email": "other@kz.example"})
    assert response.status_code == 302
    assert response["Location"] == "/focal-points/"
    assert client.get("/focal-points/").status_code == 200
    assert int(client.session["_auth_user_id"]) == fp_kz.pk


def test_it_links_once_by_the_verified_email_the_secretariat_entered(client, provider, fp_kz):
    identity = _link(fp_kz, provider, email="fp@kz.example")
    claims = {"sub": "kz-0002", "email": "FP@kz.example", "email_verified": True}
    assert _sign_in(client, provider, claims)["Location"] == "/focal-points/"
    identity.refresh_from_db()
    assert identity.subject == "kz-0002"
    assert identity.linked_at is not None
    assert AuditRecord.objects.filter(action="auth.oidc_linked").count() == 1
    client.logout()
    # From now on only that subject matches: another identity with the same email does not.
    other = {"sub": "intruder", "email": "fp@kz.example", "email_verified": True}
    assert _sign_in(client, provider, other)["Location"] == FAILED
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_email_the_provider_does_not_call_verified(client, provider, fp_kz):
    _link(fp_kz, provider, email="fp@kz.example")
    for verified in (False, "true", None):
        claims = {"sub": "kz-0003", "email": "fp@kz.example", "email_verified": verified}
        assert _sign_in(client, provider, claims)["Location"] == FAILED
    assert OidcIdentity.objects.get().subject == ""


def test_it_never_creates_an_account_or_matches_an_unlinked_one(client, provider, fp_kz):
    before = User.objects.count()
    # fp_kz's own address, verified by the provider: still no link, so no sign-in.
    claims = {"sub": "new-person", "email": fp_kz.email, "email_verified": True}
    assert _sign_in(client, provider, claims)["Location"] == FAILED
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


def test_no_claim_changes_a_role_a_state_or_a_name(client, provider, fp_kz, ru):
    _link(fp_kz, provider, subject="kz-0004")
    claims = {
        "sub": "kz-0004",
        "email": "boss@ru.example",
        "role": "secretariat",
        "state": "RU",
        "name": "Someone Else",
        "groups": ["admin"],
        "is_staff": True,
    }
    assert _sign_in(client, provider, claims)["Location"] == "/focal-points/"
    fp_kz.refresh_from_db()
    assert (fp_kz.role, fp_kz.state.code, fp_kz.email, fp_kz.is_staff) == (
        "focal_point",
        "KZ",
        "fp-kz@example.org",
        False,
    )


@pytest.mark.parametrize(
    "grant", [{"issuer": "http://127.0.0.1:1/other"}, {"audience": "another-client"}]
)
def test_it_refuses_a_token_from_another_issuer_or_for_another_client(
    client, provider, fp_kz, grant
):
    _link(fp_kz, provider, subject="kz-0005")
    assert _sign_in(client, provider, {"sub": "kz-0005"}, **grant).status_code in (302, 400)
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_stays_out(client, provider, fp_kz):
    _link(fp_kz, provider, subject="kz-0006")
    User.objects.filter(pk=fp_kz.pk).update(is_active=False)
    assert _sign_in(client, provider, {"sub": "kz-0006"})["Location"] == FAILED


def test_it_lands_in_the_same_second_factor_step_as_a_password(
    client, provider, settings, approver_kz
):
    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=approver_kz, name="app", confirmed=True)
    _link(approver_kz, provider, subject="approver-kz")
    _sign_in(client, provider, {"sub": "approver-kz"})
    response = client.get("/approvals/")
    assert response.status_code == 302
    assert "/account/two-factor/verify/" in response["Location"]
    assert client.get("/api/v1/approvals/").status_code == 403
    client.post("/account/two-factor/verify/", {"code": totp_code(device)})
    assert client.get("/approvals/").status_code == 200


def test_it_gives_up_on_a_provider_that_does_not_answer_in_time(client, provider, settings, fp_kz):
    settings.OIDC_TIMEOUT = 0.3
    provider.delay = 2.0
    _link(fp_kz, provider, subject="kz-0007")
    response = _sign_in(client, provider, {"sub": "kz-0007"})
    assert response["Location"] == FAILED
    assert AuditRecord.objects.filter(action="auth.oidc_failed").exists()


def test_it_is_off_by_default(client, settings):
    settings.OIDC_ENABLED = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()


def test_the_login_page_offers_the_provider_when_enabled(client, settings):
    settings.OIDC_PROVIDER_NAME = "the Secretariat's directory"
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with the Secretariat&#x27;s directory" in page
    assert "/oidc/authenticate/" in page
