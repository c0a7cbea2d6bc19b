"""Badges carry a QR code of a signed code (no personal data); the Secretariat checks delegates
in at the door from it; attendance shows in the participants' list and the annual review."""

import pytest
from django.urls import reverse

from cica_portal import review_sections
from cica_portal.models import AuditRecord
from meetings import services
from meetings.badges import badge_code, read_badge_code
from meetings.models import Delegate
from meetings.services import MeetingError

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory(title="SOC in Astana")


@pytest.fixture
def delegate(meeting, fp_kz, secretariat):
    registration = RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    services.confirm_registration(registration, by=secretariat)
    return DelegateFactory(registration=registration, name="Head of the Kazakh delegation")


def test_a_badge_code_holds_no_personal_data_and_reads_back(delegate):
    code = badge_code(delegate)
    assert delegate.name.split()[0] not in code
    assert read_badge_code(code) == (delegate.registration.meeting_id, delegate.pk)
    assert read_badge_code(code.upper()) == (delegate.registration.meeting_id, delegate.pk)


def test_a_forged_code_is_refused(meeting, delegate, secretariat):
    meeting_pk, delegate_pk, signature = badge_code(delegate).split("-")
    forged = [
        f"{meeting_pk}-{delegate_pk + '1'}-{signature}",
        f"{meeting_pk}-{delegate_pk}-{signature[:-1]}a",
        f"{meeting_pk}-{delegate_pk}",
        "",
        "'; drop table --",
    ]
    for code in forged:
        assert read_badge_code(code) is None
        with pytest.raises(MeetingError):
            services.check_in(meeting, code, by=secretariat)
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None


def test_a_badge_of_another_meeting_is_refused(delegate, secretariat):
    other = MeetingFactory()
    with pytest.raises(MeetingError, match="not a badge of this meeting"):
        services.check_in(other, badge_code(delegate), by=secretariat)


def test_checking_in_twice_is_harmless(meeting, delegate, secretariat):
    first = services.check_in(meeting, badge_code(delegate), by=secretariat)
    delegate.refresh_from_db()
    when = delegate.checked_in_at
    second = services.check_in(meeting, badge_code(delegate), by=secretariat)
    delegate.refresh_from_db()
    assert first.first_time is True
    assert second.first_time is False
    assert delegate.checked_in_at == when
    assert AuditRecord.objects.filter(action="meetings.delegate.checked_in").count() == 1


def test_only_the_secretariat_checks_in(meeting, delegate, fp_kz, client):
    with pytest.raises(MeetingError):
        services.check_in(meeting, badge_code(delegate), by=fp_kz)
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:check-in", args=[meeting.pk])).status_code == 403


def test_a_withdrawn_delegations_badge_no_longer_opens_the_door(
    meeting, delegate, fp_kz, secretariat
):
    services.withdraw_registration(delegate.registration, by=fp_kz)
    with pytest.raises(MeetingError, match="not confirmed"):
        services.check_in(meeting, badge_code(delegate), by=secretariat)


def test_the_door_page_checks_in_by_a_typed_code_and_answers_json_for_the_queue(
    meeting, delegate, secretariat, client
):
    client.force_login(secretariat)
    url = reverse("meetings:check-in", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "meetings/check-in.js" in body
    assert "<script>" not in body  # no inline script: the CSP allows none
    response = client.post(url, {"code": badge_code(delegate)})
    assert response.status_code == 200
    assert "Checked in." in response.content.decode()
    again = client.post(url, {"code": badge_code(delegate)}, headers={"accept": "application/json"})
    assert again.json() == {
        "ok": True,
        "first_time": False,
        "name": delegate.name,
        "delegation": "Kazakhstan",
    }
    refused = client.post(url, {"code": "1-2-abc"}, headers={"accept": "application/json"})
    assert refused.status_code == 400
    assert "code" in refused.json()["errors"]
    empty = client.post(url, {})
    assert empty.status_code == 400


def test_badges_carry_a_qr_code_and_the_list_shows_attendance(
    meeting, delegate, secretariat, client
):
    services.check_in(meeting, badge_code(delegate), by=secretariat)
    client.force_login(secretariat)
    page = client.get(reverse("meetings:participants", args=[meeting.pk])).content.decode()
    assert "<svg" in page
    assert badge_code(delegate) in page
    assert "Present (" in page


def test_attendance_is_counted_in_the_annual_review(meeting, delegate, secretariat):
    DelegateFactory(registration=delegate.registration, name="Kazakh delegate")
    services.check_in(meeting, badge_code(delegate), by=secretariat)
    [section] = [
        s for s in review_sections.sections_for(meeting.start.year)
        if s.section.name == "meetings.attendance"
    ]  # fmt: skip
    assert section.figures["confirmed"] == 2
    assert section.figures["present"] == 1
    assert section.figures["lines"] == [
        {"who": "Kazakhstan", "meetings": 1, "confirmed": 2, "present": 1}
    ]
    assert Delegate.objects.filter(checked_in_at__isnull=False).count() == 1
