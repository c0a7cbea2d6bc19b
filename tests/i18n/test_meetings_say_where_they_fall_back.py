"""The meetings' pages in Russian show a meeting's, an agenda item's and a document's Russian
version, and where there is none the English one, marked as such (as the plan's pages do)."""

import pytest
from django.urls import reverse

from meetings.models import AgendaItem

from ..meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

FALLBACK = "(на английском: русской версии нет)"


def _page_in_russian(client, user, url) -> str:
    user.language = "ru"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    return response.content.decode()


def test_it_marks_a_meeting_with_no_russian_title_as_shown_in_english(client, fp_kz):
    meeting = MeetingFactory(title="Seminar on border control")
    AgendaItem.objects.create(meeting=meeting, position=1, title="Opening", title_ru="Открытие")
    html = _page_in_russian(client, fp_kz, reverse("meetings:detail", args=[meeting.pk]))
    assert '<span lang="en">Seminar on border control</span>' in html
    assert FALLBACK in html
    assert "Открытие" in html
    assert '<span lang="en">Opening</span>' not in html


def test_it_shows_the_russian_title_unmarked_where_there_is_one(client, fp_kz):
    meeting = MeetingFactory(
        title="Seminar on border control",
        title_ru="Семинар по пограничному контролю",
        ru_status="official",
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Opening", title_ru="Открытие")
    for url in (reverse("meetings:detail", args=[meeting.pk]), reverse("meetings:list")):
        html = _page_in_russian(client, fp_kz, url)
        assert "Семинар по пограничному контролю" in html, url
        assert FALLBACK not in html, url
