"""Deadlines: urgent 8 hours, 7 and 14 days (configurable), counted in the requested state's
working time where the Secretariat set one (calendar time otherwise), with a frozen clock; a
late answer says why; overdue requests are reminded and escalated once."""

import datetime

import pytest
from django.urls import reverse

from cica_portal import review_sections
from cica_portal.models import Notification
from inquiries import services, tasks, working_time
from inquiries.models import WorkingTime
from inquiries.services import InquiryError
from tests.factories import state

from .factories import UTC, frozen, part_of, send

pytestmark = pytest.mark.django_db

FRIDAY_1300_UTC = datetime.datetime(2026, 12, 4, 13, 0, tzinfo=UTC)  # 16:00 in Moscow


def _works(code, zone, days="12345", starts="09:00", ends="18:00"):
    return WorkingTime.objects.create(
        state=state(code),
        time_zone=zone,
        working_days=days,
        day_starts=datetime.time.fromisoformat(starts),
        day_ends=datetime.time.fromisoformat(ends),
    )


def test_without_working_time_an_urgent_request_is_due_in_8_calendar_hours(fp_kz):
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, urgency="urgent")
    assert part_of(request, "RU").due_at == FRIDAY_1300_UTC + datetime.timedelta(hours=8)


def test_without_working_time_the_other_urgencies_are_7_and_14_calendar_days(fp_kz):
    with frozen(FRIDAY_1300_UTC):
        standard = send(fp_kz, urgency="standard")
        routine = send(fp_kz, urgency="routine")
    assert part_of(standard, "RU").due_at == FRIDAY_1300_UTC + datetime.timedelta(days=7)
    assert part_of(routine, "RU").due_at == FRIDAY_1300_UTC + datetime.timedelta(days=14)


def test_urgent_hours_run_across_the_weekend_in_working_time(fp_kz):
    _works("RU", "Europe/Moscow")
    with frozen(FRIDAY_1300_UTC):  # 16:00 Friday in Moscow: 2 hours left that day
        request = send(fp_kz, urgency="urgent")
    # ... and 6 more from Monday 09:00: Monday 15:00 in Moscow, 12:00 UTC.
    assert part_of(request, "RU").due_at == datetime.datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_each_requested_state_counts_in_its_own_time_zone(fp_kz):
    _works("RU", "Europe/Moscow")
    _works("CN", "Asia/Shanghai")
    sent_at = datetime.datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # 10:00 Shanghai, 05:00 Moscow
    with frozen(sent_at):
        request = send(fp_kz, to=("RU", "CN"), urgency="urgent")
    # Shanghai: 10:00 + 8 h = 18:00 (10:00 UTC).
    # Moscow: not open yet, so 09:00 + 8 h = 17:00 (14:00 UTC).
    assert part_of(request, "CN").due_at == datetime.datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert part_of(request, "RU").due_at == datetime.datetime(2026, 12, 4, 14, 0, tzinfo=UTC)


def test_seven_days_are_seven_working_days_skipping_the_weekend(fp_kz):
    _works("RU", "Europe/Moscow")
    wednesday = datetime.datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    with frozen(wednesday):
        request = send(fp_kz, urgency="standard")
    # Thu 3, Fri 4, Mon 7, Tue 8, Wed 9, Thu 10, Fri 11: Friday 11th, 10:00 Moscow.
    assert part_of(request, "RU").due_at == datetime.datetime(2026, 12, 11, 7, 0, tzinfo=UTC)


def test_a_friday_to_saturday_working_week_is_respected():
    schedule = working_time.Schedule(
        zone=working_time.zoneinfo.ZoneInfo("Asia/Riyadh"),
        weekdays=frozenset({7, 1, 2, 3, 4}),  # Sunday to Thursday
        starts=datetime.time(8),
        ends=datetime.time(15),
    )
    thursday_1400 = datetime.datetime(2026, 12, 3, 14, 0, tzinfo=schedule.zone)
    due = working_time.add(thursday_1400, working_time.Period(8, "h"), schedule)
    # 1 hour on Thursday, 7 on Sunday (08:00 to 15:00): Sunday the 6th, 15:00.
    assert due == datetime.datetime(2026, 12, 6, 15, 0, tzinfo=schedule.zone)


def test_the_periods_come_from_the_setting(fp_kz, settings):
    settings.INFORMATION_REQUEST_DEADLINES = {"urgent": "4h", "standard": "3d", "routine": "10d"}
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, urgency="urgent")
    assert part_of(request, "RU").due_at == FRIDAY_1300_UTC + datetime.timedelta(hours=4)


def test_a_late_answer_needs_a_reason(fp_kz, fp_ru):
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, urgency="urgent")
    late = FRIDAY_1300_UTC + datetime.timedelta(hours=9)
    with frozen(late):
        with pytest.raises(InquiryError) as refused:
            services.answer_request(part_of(request, "RU"), by=fp_ru, outcome="answer", answer="x")
        assert refused.value.field == "late_reason"
        part = services.answer_request(
            part_of(request, "RU"),
            by=fp_ru,
            outcome="answer",
            answer="x",
            late_reason="The database was down.",
        )
    assert part.was_late
    assert part.late_reason == "The database was down."


def test_the_answer_page_shows_the_missing_late_reason_as_a_form_error(fp_kz, fp_ru, client):
    from django.utils import timezone

    with frozen(timezone.now() - datetime.timedelta(hours=9)):  # sent 9 hours ago: overdue
        request = send(fp_kz, urgency="urgent")
    client.force_login(fp_ru)
    response = client.post(
        reverse("inquiries:answer", args=[request.pk]), {"outcome": "answer", "answer": "x"}
    )
    assert response.status_code == 200
    assert "late_reason" in response.context["form"].errors
    assert response.context["form"].data["answer"] == "x"  # nothing lost


def test_an_answer_in_time_needs_no_reason(fp_kz, fp_ru):
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, urgency="urgent")
        part = services.answer_request(
            part_of(request, "RU"), by=fp_ru, outcome="answer", answer="x"
        )
    assert not part.was_late


def test_an_overdue_request_is_reminded_and_escalated_once(fp_kz, fp_ru, approver_ru):
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, urgency="urgent")
    part = part_of(request, "RU")
    with frozen(FRIDAY_1300_UTC + datetime.timedelta(hours=7)):
        assert services.remind_overdue() == 0  # not due yet
    with frozen(FRIDAY_1300_UTC + datetime.timedelta(hours=9)):
        assert services.remind_overdue() == 2
        assert services.remind_overdue() == 0
        assert tasks.remind_overdue.run() == 0  # the task is the same service, run again
    assert (
        Notification.objects.filter(recipient=fp_ru, key=f"inquiries:{part.pk}:overdue").count()
        == 1
    )
    assert (
        Notification.objects.filter(
            recipient=approver_ru, key=f"inquiries:{part.pk}:escalated"
        ).count()
        == 1
    )
    part.refresh_from_db()
    assert part.reminded_at is not None
    assert part.escalated_at is not None


def test_an_answered_request_is_not_reminded(fp_kz, fp_ru, approver_ru):
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, urgency="urgent")
        services.answer_request(part_of(request, "RU"), by=fp_ru, outcome="answer", answer="x")
    with frozen(FRIDAY_1300_UTC + datetime.timedelta(days=2)):
        assert services.remind_overdue() == 0


def test_the_annual_review_shows_each_states_answer_times(fp_kz, fp_ru, fp_cn):
    with frozen(FRIDAY_1300_UTC):
        request = send(fp_kz, to=("RU", "CN"), urgency="urgent")
    with frozen(FRIDAY_1300_UTC + datetime.timedelta(hours=2)):
        services.answer_request(part_of(request, "RU"), by=fp_ru, outcome="answer", answer="x")
    with frozen(FRIDAY_1300_UTC + datetime.timedelta(hours=10)):
        services.answer_request(
            part_of(request, "CN"),
            by=fp_cn,
            outcome="refuse",
            refusal_reason="not_held",
            late_reason="Holiday.",
        )
    section = next(
        s for s in review_sections.sections_for(2026) if s.section.name == "inquiries.answer_times"
    )
    rows = {row["code"]: row for row in section.figures["states"]}
    assert rows["RU"]["answered"] == 1
    assert rows["RU"]["late"] == 0
    assert rows["RU"]["median_hours"] == 2.0
    assert rows["CN"]["refused"] == 1
    assert rows["CN"]["late"] == 1
    assert rows["CN"]["median_hours"] == 10.0
    sheet = section.section.rows(section.figures)
    assert len(sheet) == 3  # the headings and one row per state


def test_the_secretariat_sets_a_working_time_through_the_service(secretariat, fp_kz):
    with pytest.raises(InquiryError):
        services.set_working_time(
            state("RU"),
            by=fp_kz,
            time_zone="Europe/Moscow",
            working_days="12345",
            day_starts=datetime.time(9),
            day_ends=datetime.time(18),
        )
    row = services.set_working_time(
        state("RU"),
        by=secretariat,
        time_zone="Europe/Moscow",
        working_days="12345",
        day_starts=datetime.time(9),
        day_ends=datetime.time(18),
    )
    assert row.weekdays == {1, 2, 3, 4, 5}
