"""The silence procedure: adopted at an exact instant unless a state breaks the silence before it.

The clock is frozen (django.utils.timezone.now patched) on SQLite, where the process's clock is
the only one; on PostgreSQL the database's clock decides, and the race at the instant is
tested there with two threads.
"""

import contextlib
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cica_portal import approvals
from cica_portal.approvals import ApprovalError
from cica_portal.models import ApprovalRequest, AuditRecord, Notification, State
from tests.concurrency import run_together

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
UNTIL = T0 + timedelta(hours=6)
closed_log: list[tuple[int, str]] = []


def _closed(subject, request, *, actor):
    closed_log.append((request.pk, request.status))


@pytest.fixture(autouse=True, scope="module")
def _silence_subject():
    """A purpose that allows silence (plan items do; the mechanism is tested on a state)."""

    def readable(user):
        if user.is_authenticated and user.is_network_member:
            return State.objects.all()
        return State.objects.none()

    approvals.register(
        approvals.SubjectType(
            purpose="test.silence",
            model=State,
            visible_to=readable,
            on_closed=_closed,
            allows_silence=True,
        )
    )
    yield
    approvals.registry.unregister("test.silence")


@pytest.fixture(autouse=True)
def _forget_closings():
    closed_log.clear()


class Clock:
    """A frozen clock that the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the database's clock decides; see the race test below")
    frozen = Clock(T0)
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


def _silence(kz, ru, secretariat, until=UNTIL, text="v1"):
    return approvals.open_request(
        kz,
        purpose="test.silence",
        title="A text under silence",
        content={"text": text},
        states=[kz, ru],
        opened_by=secretariat,
        rule=ApprovalRequest.Rule.SILENCE,
        silence_until=until,
    )


def _break(request, approver, *, decision="object", comment="We object to paragraph 2."):
    return approvals.answer_request(
        request,
        approver=approver,
        decision=decision,
        comment=comment,
        seen_hash=request.content_hash,
    )


def _people_told(request, suffix):
    return set(
        Notification.objects.filter(key=f"approval:{request.pk}:{suffix}").values_list(
            "recipient__username", flat=True
        )
    )


pytestmark = pytest.mark.django_db


def test_only_the_secretariat_puts_a_text_under_silence(clock, kz, ru, approver_kz):
    with pytest.raises(ApprovalError) as error:
        _silence(kz, ru, approver_kz)
    assert error.value.code == "forbidden"


def test_a_subject_type_without_the_flag_cannot_be_put_under_silence(clock, kz, ru, secretariat):
    with pytest.raises(ApprovalError) as error:
        approvals.open_request(
            kz,
            purpose="test",
            title="t",
            content={},
            states=[kz],
            opened_by=secretariat,
            rule=ApprovalRequest.Rule.SILENCE,
            silence_until=UNTIL,
        )
    assert error.value.field == "rule"


def test_shares_never_go_under_silence():
    assert not approvals.subject_type_for("exchange.release").allows_silence
    assert approvals.subject_type_for("actionplan.item").allows_silence


def test_a_silence_must_end_in_the_future(clock, kz, ru, secretariat):
    with pytest.raises(ApprovalError) as error:
        _silence(kz, ru, secretariat, until=T0)
    assert error.value.field == "silence_until"
    assert not ApprovalRequest.objects.exists()


def test_a_break_before_the_instant_closes_it_unadopted_and_tells_every_state(
    clock, kz, ru, cn, secretariat, approver_kz, approver_ru, fp_kz, fp_ru, approver_cn
):
    request = _silence(kz, ru, secretariat)
    clock.now = UNTIL - timedelta(microseconds=1)
    _break(request, approver_ru, decision="amend", comment="Replace 'shall' by 'may'.")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED
    assert request.adopted_hash == ""
    assert closed_log == [(request.pk, "rejected")]
    told = _people_told(request, "silence-broken")
    assert told == {"approver-kz", "approver-ru", "fp-kz", "fp-ru", "secretariat"}
    assert "approver-cn" not in told  # China was not among the named states
    answer = request.current_answers().get(state=ru)
    assert (answer.decision, answer.comment) == ("amend", "Replace 'shall' by 'may'.")
    # and the expiry finds nothing to adopt afterwards
    clock.now = UNTIL + timedelta(minutes=5)
    assert approvals.adopt_expired_silences() == 0
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED


def test_a_break_exactly_at_the_instant_is_refused(clock, kz, ru, secretariat, approver_ru):
    request = _silence(kz, ru, secretariat)
    clock.now = UNTIL
    with pytest.raises(ApprovalError) as error:
        _break(request, approver_ru)
    assert error.value.code == "conflict"
    assert "silence ended" in error.value.message
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.OPEN
    assert request.current_answers().get(state=ru).is_pending


def test_a_break_needs_its_text_and_is_an_objection_or_an_amendment(
    clock, kz, ru, secretariat, approver_ru
):
    request = _silence(kz, ru, secretariat)
    with pytest.raises(ApprovalError) as error:
        _break(request, approver_ru, comment="  ")
    assert error.value.field == "comment"
    with pytest.raises(ApprovalError) as error:
        _break(request, approver_ru, decision="approve", comment="fine")
    assert error.value.field == "decision"
    assert request.current_answers().get(state=ru).is_pending


def test_unbroken_it_is_adopted_at_the_instant_bound_to_the_hash_and_everyone_is_told(
    clock, kz, ru, secretariat, approver_kz, fp_ru
):
    request = _silence(kz, ru, secretariat)
    hash_under_silence = request.content_hash
    clock.now = UNTIL - timedelta(seconds=1)
    assert approvals.adopt_expired_silences() == 0
    clock.now = UNTIL
    assert approvals.adopt_expired_silences() == 1
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert request.adopted_hash == hash_under_silence
    assert request.closed_at == UNTIL
    assert closed_log == [(request.pk, "approved")]
    assert _people_told(request, "silence-adopted") == {"approver-kz", "fp-ru", "secretariat"}
    record = AuditRecord.objects.filter(action="approval.approved").latest("seq")
    assert record.data["adopted_hash"] == hash_under_silence


def test_a_late_worker_adopts_dated_by_the_stored_instant_once(
    clock, kz, ru, secretariat, approver_kz
):
    request = _silence(kz, ru, secretariat)
    clock.now = UNTIL + timedelta(hours=5)  # beat was down for five hours
    assert approvals.adopt_expired_silences() == 1
    assert approvals.adopt_expired_silences() == 0  # a second run changes nothing
    request.refresh_from_db()
    assert request.closed_at == UNTIL
    assert Notification.objects.filter(key=f"approval:{request.pk}:silence-adopted").count() == 2
    assert closed_log == [(request.pk, "approved")]


def test_a_break_after_the_instant_is_refused_even_before_the_worker_ran(
    clock, kz, ru, secretariat, approver_ru
):
    request = _silence(kz, ru, secretariat)
    clock.now = UNTIL + timedelta(minutes=3)
    with pytest.raises(ApprovalError):
        _break(request, approver_ru)
    assert approvals.adopt_expired_silences() == 1
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED


def test_the_deadline_sweep_and_reminders_leave_a_silence_alone(
    clock, kz, ru, secretariat, approver_kz
):
    request = _silence(kz, ru, secretariat)
    clock.now = UNTIL - timedelta(days=1)
    assert approvals.remind_pending_answers() == 0
    clock.now = UNTIL + timedelta(minutes=1)
    assert approvals.close_expired_requests() == 0
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.OPEN


def test_the_notices_give_the_instant_in_utc_whatever_zone_it_was_typed_in(
    clock, kz, ru, secretariat, approver_ru
):
    moscow = UNTIL.astimezone(ZoneInfo("Europe/Moscow"))
    request = _silence(kz, ru, secretariat, until=moscow)
    asked = Notification.objects.get(recipient=approver_ru, key=f"approval:{request.pk}:v1:asked")
    assert "2026-12-03 15:00:00 UTC" in asked.subject + asked.body
    clock.now = UNTIL
    approvals.adopt_expired_silences()
    adopted = Notification.objects.get(
        recipient=approver_ru, key=f"approval:{request.pk}:silence-adopted"
    )
    assert "2026-12-03 15:00:00 UTC" in adopted.body


def test_a_broken_silence_names_the_state_in_each_readers_language(
    clock, kz, ru, secretariat, approver_kz, approver_ru
):
    approver_kz.language = "ru"
    approver_kz.save(update_fields=["language"])
    request = _silence(kz, ru, secretariat)
    _break(request, approver_ru)
    told = Notification.objects.get(
        recipient=approver_kz, key=f"approval:{request.pk}:silence-broken"
    )
    assert "Россия" in told.body


def test_a_text_under_silence_cannot_change(clock, kz, ru, secretariat):
    request = _silence(kz, ru, secretariat)
    with pytest.raises(ApprovalError):
        approvals.revise_request(request, content={"text": "v2"}, actor=secretariat)


# --- pages -------------------------------------------------------------------------------


def test_the_page_shows_the_instant_in_the_readers_zone_named_and_in_utc(
    client, clock, kz, ru, secretariat, approver_ru
):
    approver_ru.time_zone = "Europe/Moscow"
    approver_ru.save(update_fields=["time_zone"])
    request = _silence(kz, ru, secretariat)
    client.force_login(approver_ru)
    page = client.get(reverse("approval-detail", args=[request.pk])).content.decode()
    # 15:00 UTC is 18:00 in Moscow
    assert "3 December 2026 18:00:00 (Europe/Moscow)" in page
    assert "2026-12-03 15:00:00 UTC" in page
    assert 'name="confirm_break"' in page


def test_a_break_from_the_page_needs_text_and_confirmation_then_closes_it(
    client, clock, kz, ru, secretariat, approver_ru
):
    request = _silence(kz, ru, secretariat)
    client.force_login(approver_ru)
    url = reverse("approval-detail", args=[request.pk])
    client.get(url)  # shown: the break is bound to this version
    response = client.post(
        url, {"decision": "object", "comment": "", "seen_hash": request.content_hash}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"comment", "confirm_break"}
    response = client.post(
        url,
        {
            "decision": "object",
            "comment": "Not acceptable.",
            "confirm_break": "on",
            "seen_hash": request.content_hash,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED
    page = client.get(url).content.decode()
    assert "The silence was broken" in page
    assert 'name="confirm_break"' not in page  # a second break is not offered


def test_someone_outside_the_named_states_gets_404(client, clock, kz, ru, secretariat, approver_cn):
    request = _silence(kz, ru, secretariat)
    client.force_login(approver_cn)
    assert client.get(reverse("approval-detail", args=[request.pk])).status_code == 404


def test_the_api_refuses_a_break_without_text_naming_the_field(
    api_client, clock, kz, ru, secretariat, approver_ru
):
    request = _silence(kz, ru, secretariat)
    api_client.force_authenticate(approver_ru)
    response = api_client.post(
        f"/api/v1/approvals/{request.pk}/answer/",
        {"decision": "object", "comment": "", "content_hash": request.content_hash},
        format="json",
    )
    assert response.status_code == 400
    assert "comment" in response.json()


# --- the race at the instant, on PostgreSQL ----------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_break_and_the_expiry_at_the_instant_have_exactly_one_outcome(
    kz, ru, secretariat, approver_ru
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and the database's clock are what is tested; SQLite has neither")
    from cica_portal.approvals.silence import database_now

    for attempt in range(6):
        until = database_now() + timedelta(milliseconds=400)
        request = _silence(kz, ru, secretariat, until=until, text=f"v{attempt}")
        approvals.record_view(request, user=approver_ru)
        errors = run_together(
            partial(_break_at, request, approver_ru, until), partial(_expire_at, request, until)
        )
        assert errors == []
        request.refresh_from_db()
        broken = request.current_answers().filter(decision="object").exists()
        # exactly one outcome: adopted and not broken, or broken and not adopted
        assert (request.status, broken) in {("approved", False), ("rejected", True)}
        assert bool(request.adopted_hash) == (request.status == "approved")
        closings = AuditRecord.objects.filter(
            action__in=["approval.approved", "approval.rejected"], object_id=str(request.pk)
        )
        assert closings.count() == 1


def _break_at(request, approver, until):
    _sleep_until(until)
    with contextlib.suppress(ApprovalError):  # refused at or after the instant: adopted then
        _break(request, approver)


def _expire_at(request, until):
    _sleep_until(until)
    while not approvals.adopt_expired_silences():
        if ApprovalRequest.objects.get(pk=request.pk).status != "open":
            break


def _sleep_until(instant):
    delay = (instant - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)
