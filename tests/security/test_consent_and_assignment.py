"""Consent-gated content against global permissions and staff status; mass assignment; rights
removed with their objects; deactivated users.

State A is KZ, B is RU; shares come from world.py (released to B, China consenting with A).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.urls import reverse
from guardian.shortcuts import get_objects_for_user
from rest_framework.test import APIClient

from cica_portal.models import StateAnswer, User
from cica_portal.tokens import tokens_of
from exchange import selectors as share_selectors
from exchange import services as exchange_services
from exchange.models import Share, ShareGroupObjectPermission, ShareUserObjectPermission
from focalpoints.models import FocalPoint
from meetings.models import Registration
from tests.factories import FocalPointUserFactory, SecretariatFactory, api_token_for, state

from .world import build_world

pytestmark = pytest.mark.django_db
UNRELEASED = ("share_draft", "share_pending", "share_withdrawn")


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


@pytest.fixture
def mighty(db):
    """Staff, superuser, and the global right to view every share: still a Secretariat user."""
    user = SecretariatFactory(username="mighty", is_staff=True, is_superuser=True)
    user.user_permissions.add(Permission.objects.get(codename="view_share"))
    return User.objects.get(pk=user.pk)  # drop the permission cache


def test_global_permissions_and_superuser_open_no_unreleased_share(world, mighty, client):
    api = APIClient()
    api.force_authenticate(mighty)
    client.force_login(mighty)
    assert mighty.has_perm("exchange.view_share")  # Django itself would say yes...
    # ...and so would guardian's defaults (accept_global_perms=True, with_superuser=True):
    assert get_objects_for_user(mighty, "exchange.view_share", Share).count() == 4
    # The portal does not ask guardian's defaults; its one selector gives nothing.
    assert not share_selectors.visible_shares(mighty).exists()
    for key in (*UNRELEASED, "share_released"):
        share = world[key]
        assert client.get(reverse("exchange:detail", args=[share.pk])).status_code == 404
        assert api.get(f"/api/v1/exchange/shares/{share.pk}/").status_code == 404
    assert api.get("/api/v1/exchange/shares/").json()["count"] == 0
    assert "MARK-" not in client.get(reverse("exchange:index")).content.decode()
    answer = api.get("/api/v1/exchange/documents/check/", {"number": "N1234567"})
    assert answer.status_code == 200
    assert answer.json()["hits"] == []
    # Nor does the admin: a share the portal does not show is, there too, as if missing.
    for key in (*UNRELEASED, "share_released"):
        page = client.get(reverse("admin:exchange_share_change", args=[world[key].pk]))
        assert page.status_code == 302
        assert page["Location"] == reverse("admin:index")
        assert "MARK-" not in page.content.decode()
    listing = client.get(reverse("admin:exchange_share_changelist")).content.decode()
    assert "MARK-" not in listing


def test_a_share_released_to_the_secretariat_is_read_through_its_row_not_through_staff(world):
    sec = world.users["sec"]
    fp_a = world.users["fp_a"]
    share = exchange_services.update_share(
        world["share_draft"], actor=fp_a, secretariat_may_read=True
    )
    assert share.pk not in share_selectors.visible_shares(sec).values_list("pk", flat=True)


# --- mass assignment ---------------------------------------------------------------------------


def test_patching_a_share_cannot_set_status_state_author_or_consents(world):
    fp_a, fp_b = world.users["fp_a"], world.users["fp_b"]
    api = APIClient()
    api.force_authenticate(fp_a)
    for key in ("share_draft", "share_pending"):
        share = world[key]
        before = (share.status, share.originating_state_id, share.author_id)
        answers = list(
            StateAnswer.objects.filter(request__subject_id=share.pk).values_list(
                "decision", flat=True
            )
        )
        response = api.patch(
            f"/api/v1/exchange/shares/{share.pk}/",
            {
                "status": "released",
                "originating_state": "RU",
                "author": fp_b.pk,
                "consents": [
                    {"state": "KZ", "decision": "approve"},
                    {"state": "CN", "decision": "approve"},
                ],
                "released_at": "2026-01-01T00:00:00Z",
            },
            format="json",
        )
        assert response.status_code in (200, 400)
        share.refresh_from_db()
        assert (share.status, share.originating_state_id, share.author_id) == before
        assert not ShareGroupObjectPermission.objects.filter(content_object=share).exists()
        after = list(
            StateAnswer.objects.filter(request__subject_id=share.pk).values_list(
                "decision", flat=True
            )
        )
        assert "approve" not in set(after) - set(answers)


def test_creating_a_share_takes_the_state_from_the_author(world):
    api = APIClient()
    api.force_authenticate(world.users["fp_a"])
    response = api.post(
        "/api/v1/exchange/shares/",
        {
            "template": "lost-stolen-document",
            "title": "Passport",
            "content": {
                "document_number": "X 1",
                "document_type": "Passport",
                "issuing_state": "KZ",
                "lost_or_stolen": "Stolen",
                "date_lost_or_stolen": "2026-05-02",
                "reported_to_interpol": False,
            },
            "concerned_states": [],
            "recipient_states": ["RU"],
            "status": "released",
            "originating_state": "RU",
            "author": world.users["fp_b"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    share = Share.objects.get(pk=response.json()["id"])
    assert share.status == Share.Status.DRAFT
    assert share.originating_state.code == "KZ"
    assert share.author == world.users["fp_a"]


def test_registering_cannot_name_another_state_or_status(world):
    fp_b = world.users["fp_b"]
    api = APIClient()
    api.force_authenticate(fp_b)
    response = api.post(
        "/api/v1/meetings/registrations/",
        {
            "meeting": world["meeting"].pk,
            "state": "KZ",
            "status": "confirmed",
            "registered_by": world.users["fp_a"].pk,
            "delegates": [{"name": "Head of delegation, Russia", "role": "head"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    mine = Registration.objects.get(pk=response.json()["id"])
    assert (mine.state.code, mine.status, mine.registered_by) == ("RU", "submitted", fp_b)
    theirs = Registration.objects.get(pk=world["registration"].pk)
    assert (theirs.state.code, theirs.registered_by, theirs.status) == (
        "KZ",
        world.users["fp_a"],
        "submitted",
    )


def test_the_self_service_form_ignores_state_status_and_owner(world, client):
    entry = world["fp_entry"]
    client.force_login(world.users["fp_a"])
    response = client.post(
        reverse("focalpoints:my-details", args=[entry.pk]),
        {
            "name": entry.name,
            "organisation": entry.organisation,
            "email": entry.email,
            "languages": ["en"],
            "state": state("RU").pk,
            "status": "active",
            "role": "primary",
            "user": world.users["fp_b"].pk,
            "nominated_by": world.users["ap_b"].pk,
            "verified_by": world.users["sec"].pk,
        },
    )
    assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.state.code == "KZ"
    assert entry.user == world.users["fp_a"]
    assert entry.nominated_by_id is None
    assert entry.verified_by_id is None


def test_an_answer_is_given_for_the_approvers_own_state_only(world):
    approval = world["proposal_approval"]
    api = APIClient()
    api.force_authenticate(world.users["ap_a"])
    api.get(f"/api/v1/approvals/{approval.pk}/")  # read first: the answer is bound to it
    response = api.post(
        f"/api/v1/approvals/{approval.pk}/answer/",
        {"decision": "approve", "state": "RU", "answered_by": world.users["ap_b"].pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    answers = {
        a.state.code: (a.decision, a.answered_by_id)
        for a in StateAnswer.objects.filter(request=approval, voided_at__isnull=True)
        if a.decision != "pending"
    }
    assert answers == {"KZ": ("approve", world.users["ap_a"].pk)}


def test_a_focal_point_cannot_answer_or_decide(world):
    api = APIClient()
    api.force_authenticate(world.users["fp_a"])
    share = world["share_pending"]
    assert (
        api.post(
            f"/api/v1/exchange/shares/{share.pk}/decision/", {"decision": "approve"}
        ).status_code
        == 403
    )
    assert (
        api.post(
            f"/api/v1/approvals/{share.approval_id}/answer/", {"decision": "approve"}
        ).status_code
        == 403
    )
    assert (
        not StateAnswer.objects.filter(request_id=share.approval_id)
        .exclude(decision="pending")
        .exists()
    )


# --- no orphans --------------------------------------------------------------------------------


def _orphans() -> int:
    """Guardian rows pointing at a share, user or group that no longer exists."""
    return (
        ShareGroupObjectPermission.objects.exclude(content_object__in=Share.objects.all()).count()
        + ShareUserObjectPermission.objects.exclude(content_object__in=Share.objects.all()).count()
        + ShareUserObjectPermission.objects.exclude(user__in=User.objects.all()).count()
        + ShareGroupObjectPermission.objects.exclude(group__in=Group.objects.all()).count()
    )


def test_rights_go_with_their_share_and_their_user(world):
    released = world["share_released"]
    assert ShareGroupObjectPermission.objects.filter(content_object=released).count() == 1
    permission = Permission.objects.get(codename="view_share")
    extra = FocalPointUserFactory(username="fp-ru-2", state=state("RU"))
    ShareUserObjectPermission.objects.create(
        user=extra, permission=permission, content_object=released
    )

    # withdrawing a released share removes every row it gave
    other = Share.objects.get(pk=released.pk)
    exchange_services.withdraw_share(other, actor=world.users["fp_a"])
    assert not ShareGroupObjectPermission.objects.filter(content_object=released).exists()
    assert not ShareUserObjectPermission.objects.filter(content_object=released).exists()

    # deleting a share or a user removes rows by the database's cascade (direct foreign keys)
    again = ShareUserObjectPermission.objects.create(
        user=extra, permission=permission, content_object=world["share_draft"]
    )
    world["share_draft"].delete()
    assert not ShareUserObjectPermission.objects.filter(pk=again.pk).exists()
    ShareUserObjectPermission.objects.create(
        user=extra, permission=permission, content_object=world["share_pending"]
    )
    extra.delete()
    assert not ShareUserObjectPermission.objects.filter(user_id=extra.pk).exists()
    assert _orphans() == 0


def test_the_rights_tables_cascade_in_the_database():
    for model in (ShareUserObjectPermission, ShareGroupObjectPermission):
        fk = model._meta.get_field("content_object")
        assert fk.related_model is Share
        assert fk.remote_field.on_delete.__name__ == "CASCADE"
    assert (
        ShareUserObjectPermission._meta.get_field("user").remote_field.on_delete.__name__
        == "CASCADE"
    )
    assert (
        ShareGroupObjectPermission._meta.get_field("group").remote_field.on_delete.__name__
        == "CASCADE"
    )


def test_a_deactivated_user_leaves_their_state_group(world):
    fp_b = world.users["fp_b"]
    share = world["share_released"]
    assert share_selectors.visible_shares(fp_b).filter(pk=share.pk).exists()
    fp_b.is_active = False
    fp_b.save()
    assert not fp_b.groups.filter(name__startswith="exchange:").exists()
    fp_b.is_active = True
    fp_b.state = state("CN")  # moved to another state: reads what CN was given, not RU
    fp_b.save()
    assert not share_selectors.visible_shares(fp_b).filter(pk=share.pk).exists()


# --- deactivated users ------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens(world, client):
    fp_a = world.users["fp_a"]
    client.force_login(fp_a)
    token = api_token_for(fp_a)
    assert client.get(reverse("exchange:index")).status_code == 200
    sessions_before = Session.objects.count()
    fp_a.is_active = False
    fp_a.save()
    assert Session.objects.count() < sessions_before
    assert client.get(reverse("exchange:index")).status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/exchange/shares/").status_code == 401
    assert not tokens_of(fp_a).exists()
    # A bulk deactivation (queryset update, no signals) still refuses the old session and token.
    ap_a = world.users["ap_a"]
    other = APIClient()
    other_token = api_token_for(ap_a)
    client.force_login(ap_a)
    User.objects.filter(pk=ap_a.pk).update(is_active=False)
    assert client.get(reverse("exchange:index")).status_code == 302
    other.credentials(HTTP_AUTHORIZATION=f"Token {other_token}")
    assert other.get("/api/v1/exchange/shares/").status_code == 401
    assert FocalPoint.objects.filter(user=fp_a).exists()  # the entry stays; only access ends
