"""The scale data is what the services would have written: the same audit action names, the
same consent content, and each app's part found beside its seed."""

import datetime

import pytest
from django.utils import timezone

from cica_portal import approvals, audit
from cica_portal.models import AuditRecord, User
from exchange import services as exchange_services
from exchange.models import Share
from focalpoints import services as focalpoint_services
from meetings import services as meeting_services
from portal_site.management.commands.generate_scale_data import generate, scale_modules
from tests.exchange import factories as share_factories
from tests.focalpoints.factories import area, with_checked_note_verbale
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
STATES = ["KZ", "RU", "CN"]


def _actions_of_the_services(client, fp_kz, fp_cn, approver_kz, approver_ru, secretariat) -> set:
    """Everything the generator imitates, done once through the services as people would."""
    share = share_factories.released(fp_kz, [approver_kz, approver_ru])
    exchange_services.record_read(share, user=fp_cn, via=share.reads.model.Via.PAGE)
    meeting = MeetingFactory()
    registration = meeting_services.register_delegation(
        meeting, by=fp_kz, delegates=[{"name": "Head", "position": "General", "role": "head"}]
    )
    meeting_services.confirm_registration(registration, by=secretariat)
    today = timezone.localdate()
    entry = focalpoint_services.nominate(
        approver=approver_kz,
        areas=[area(1)],
        name="Focal point, test",
        organisation="Ministry",
        email="x@example.org",
        term_start=today,
        term_end=today + datetime.timedelta(days=400),
        role="primary",
        languages=["en"],
    )
    focalpoint_services.verify(with_checked_note_verbale(entry), actor=secretariat)
    client.force_login(fp_kz)
    return set(AuditRecord.objects.values_list("action", "object_type"))


def test_it_writes_only_audit_actions_the_services_write(
    client, fp_kz, fp_cn, approver_kz, approver_ru, secretariat
):
    written = _actions_of_the_services(client, fp_kz, fp_cn, approver_kz, approver_ru, secretariat)
    before = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first()

    generate(shares=20, focal_points=20, meetings=5, audit=90, seed=7, states=STATES)

    generated = set(AuditRecord.objects.filter(seq__gt=before).values_list("action", "object_type"))
    assert len(generated) == 9
    assert generated <= written, generated - written
    assert next(audit.verify_chain(), None) is None


def test_its_consent_requests_hold_the_content_the_services_would_ask_about(fp_kz):
    generate(shares=40, seed=11, states=STATES)

    asked = Share.objects.exclude(status=Share.Status.DRAFT).select_related("approval")
    assert asked.exists()
    for share in asked:
        content = exchange_services._approval_content(share)
        assert share.approval.content_hash == approvals.content_hash(content)
        assert share.approval.title == exchange_services.approval_title(share)


def test_it_finds_each_apps_part_beside_its_seed():
    modules = {m.__name__: m.KNOB for m in scale_modules()}
    assert modules == {
        "focalpoints.scale": "focal_points",
        "meetings.scale": "meetings",
        "exchange.scale": "shares",
    }


def test_the_users_it_adds_are_in_their_states_exchange_group():
    generate(focal_points=30, seed=13, states=STATES)

    added = User.objects.filter(username__contains="-scale-")
    assert added.exists()
    for user in added:
        assert list(user.groups.values_list("name", flat=True)) == [
            f"exchange:state:{user.state.code}"
        ]
