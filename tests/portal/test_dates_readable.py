"""Dates readable everywhere: one format per language, the time zone named, in pages and emails."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

from cica_portal import dates, notifications
from cica_portal.models import Notification
from tests.exchange import factories

pytestmark = pytest.mark.django_db

# 10:46 UTC is 15:46 in Astana and Almaty (the portal's zone: TIME_ZONE, Asia/Almaty).
MOMENT = dt.datetime(2026, 12, 2, 10, 46, tzinfo=dt.UTC)


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load portal_dates %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "2 December 2026, 15:46"), ("ru", "2 декабря 2026 г., 15:46")],
)
def test_each_language_has_one_date_and_time_format(language, expected):
    local = timezone.localtime(MOMENT)
    with translation.override(language):
        assert date_format(local, "DATETIME_FORMAT") == expected
        assert date_format(local, "SHORT_DATETIME_FORMAT") == expected
        assert date_format(local.date(), "SHORT_DATE_FORMAT") == expected.split(",")[0]


def test_when_names_the_zone_and_keeps_the_moment_for_machines():
    html = render("{{ moment|when }}", "en", moment=MOMENT)
    assert html == (
        '<time datetime="2026-12-02T10:46:00+00:00">'
        "2 December 2026, 15:46 (Asia/Almaty, UTC+05:00)</time>"
    )
    assert "декабря" in render("{{ moment|when }}", "ru", moment=MOMENT)
    assert render("{{ nothing|when|default:'—' }}", "en", nothing=None) == "—"


def test_when_follows_the_zone_it_is_given():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    assert dates.when(MOMENT, tokyo) == "2 December 2026, 19:46 (Asia/Tokyo, UTC+09:00)"
    assert dates.when(MOMENT, dt.UTC).endswith("10:46 (UTC+00:00)")


def test_a_share_page_uses_one_format_with_the_zone_named(client, fp_kz, approver_kz, approver_ru):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    client.force_login(fp_kz)
    page = client.get(share.get_absolute_url()).content.decode()
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", page)  # no 12/02/2026
    assert "a.m." not in page
    assert "p.m." not in page
    assert "(Asia/Almaty, UTC+05:00)</time>" in page
    released = timezone.localtime(share.released_at)
    assert f'<time datetime="{share.released_at.isoformat()}">' in page
    with translation.override("en"):
        assert date_format(released, "DATETIME_FORMAT") in page


def test_an_email_names_the_deadline_in_the_readers_language_and_zone(fp_kz, approver_ru):
    approver_ru.language = "ru"
    approver_ru.save(update_fields=["language"])
    with translation.override("en"):
        share = factories.pending(fp_kz)
    notice = Notification.objects.get(recipient=approver_ru, key__endswith=":asked")
    deadline = timezone.localtime(share.approval.deadline)
    with translation.override("ru"):
        expected = date_format(deadline, "DATETIME_FORMAT")
    assert f"{expected} (Asia/Almaty, UTC+05:00)" in notice.body
    assert " UTC" not in notice.body.replace("UTC+05:00", "")
    notifications.email_notification(notice.pk)
    assert expected in mail.outbox[-1].body
