"""Less noise: one notice per person per event, notices about one subject within minutes merged
into one email, and a notifications page that filters and marks read in bulk."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cica_portal import notice_preferences, notifications
from cica_portal.models import Notification, User

pytestmark = pytest.mark.django_db

SHARE = "/exchange/shares/8/"


def tell(user, key, subject="S", url=SHARE):
    return notifications.notify(
        [user], key=key, notice=notifications.Notice(subject, f"Body: {subject}"), url=url
    )


def test_one_event_gives_one_notice_per_person(fp_kz, fp_ru):
    again = User.objects.get(pk=fp_kz.pk)  # the same person, found twice by two rules
    created = notifications.notify_many(
        [
            (
                [fp_kz, again, fp_ru],
                "exchange:share:8:released",
                notifications.Notice("S", "B"),
                SHARE,
            ),
            ([fp_kz], "exchange:share:8:released", notifications.Notice("S", "B"), SHARE),
        ]
    )
    assert sorted(n.recipient_id for n in created) == sorted([fp_kz.pk, fp_ru.pk])
    assert Notification.objects.filter(recipient=fp_kz).count() == 1


def test_a_second_notice_on_the_subject_is_merged_into_the_unsent_email(fp_kz):
    (first,) = tell(fp_kz, "exchange:share:8:released", "Released")
    (second,) = tell(fp_kz, "exchange:share:8:reshared:3", "Passed on")
    assert second.email_status == "merged"
    assert second.merged_into_id == first.pk
    assert notifications.email_notification(second.pk) is False  # no email of its own
    assert notifications.email_notification(first.pk) is True
    (message,) = mail.outbox
    assert message.subject == "[CICA] Passed on (and 1 more update)"
    assert message.body.index("Body: Passed on") < message.body.index("Body: Released")
    second.refresh_from_db()
    assert second.emailed_at is not None


def test_nothing_is_merged_after_the_window(fp_kz, settings):
    settings.NOTICE_MERGE_MINUTES = 10
    (first,) = tell(fp_kz, "exchange:share:8:released")
    Notification.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    (second,) = tell(fp_kz, "exchange:share:8:reshared:3")
    assert second.email_status == "pending"


def test_merging_can_be_turned_off(fp_kz, settings):
    settings.NOTICE_MERGE_MINUTES = 0
    tell(fp_kz, "exchange:share:8:released")
    (second,) = tell(fp_kz, "exchange:share:8:reshared:3")
    assert second.email_status == "pending"


def test_an_email_being_sent_takes_no_more(fp_kz):
    (first,) = tell(fp_kz, "exchange:share:8:released")
    Notification.objects.filter(pk=first.pk).update(
        email_claimed_until=timezone.now() + timedelta(minutes=5), email_attempts=1
    )
    (second,) = tell(fp_kz, "exchange:share:8:reshared:3")
    assert second.email_status == "pending"
    assert Notification.objects.get(pk=first.pk).merged_count == 0


def test_another_subject_or_person_is_not_merged(fp_kz, fp_ru):
    tell(fp_kz, "exchange:share:8:released")
    (other_subject,) = tell(fp_kz, "exchange:share:9:released", url="/exchange/shares/9/")
    (other_person,) = tell(fp_ru, "exchange:share:8:reshared:3")
    assert other_subject.email_status == other_person.email_status == "pending"


def test_what_needs_action_and_unregistered_kinds_are_never_merged(approver_kz):
    url = "/approvals/5/"
    tell(approver_kz, "approval:5:closed", url=url)
    (asked,) = tell(approver_kz, "approval:5:v2:asked", url=url)
    tell(approver_kz, "somebody-new:5:one", url=url)
    (unknown,) = tell(approver_kz, "somebody-new:5:two", url=url)
    assert asked.email_status == "pending"
    assert asked.merged_into_id is None
    assert unknown.email_status == "pending"
    assert unknown.merged_into_id is None


def test_a_held_notice_is_not_merged_into_an_email(fp_kz):
    tell(fp_kz, "exchange:share:8:released")
    notice_preferences.set_notice_preference(fp_kz, "exchange.released", "daily", by=fp_kz)
    (later,) = tell(fp_kz, "exchange:share:8:reshared:3")
    assert later.email_status == "daily"


# --- the notifications page ------------------------------------------------------------------


def test_the_page_shows_a_merged_notice_once_under_the_first(fp_kz, client):
    tell(fp_kz, "exchange:share:8:released", "Released")
    tell(fp_kz, "exchange:share:8:reshared:3", "Passed on")
    client.force_login(fp_kz)
    page = client.get(reverse("notifications"))
    assert [n.subject for n in page.context["page"].object_list] == ["Released"]
    assert "Passed on" in page.content.decode()
    assert "1 more update on the same subject" in page.content.decode()


def test_the_page_filters_by_kind_and_by_read_state(fp_kz, client):
    (_share,) = tell(fp_kz, "exchange:share:8:released", "Share")
    (meeting,) = tell(fp_kz, "meetings:4:upcoming", "Meeting", url="/meetings/4/")
    (_other,) = tell(fp_kz, "something-another-helper-adds:1", "Other", url="")
    Notification.objects.filter(pk=meeting.pk).update(read_at=timezone.now())
    client.force_login(fp_kz)

    def shown(**query):
        response = client.get(reverse("notifications"), query)
        assert response.status_code == 200
        return {n.subject for n in response.context["page"].object_list}

    assert shown() == {"Share", "Meeting", "Other"}
    assert shown(kind="exchange.released") == {"Share"}
    assert shown(kind="other") == {"Other"}
    assert shown(state="unread") == {"Share", "Other"}
    assert shown(state="read", kind="meetings.upcoming") == {"Meeting"}
    bad = client.get(reverse("notifications"), {"kind": "nonsense"})
    assert bad.status_code == 200
    assert "kind" in bad.context["filters"].errors


def test_marking_read_in_bulk_marks_the_ticked_ones_and_those_merged_into_them(fp_kz, client):
    (first,) = tell(fp_kz, "exchange:share:8:released")
    (merged,) = tell(fp_kz, "exchange:share:8:reshared:3")
    (untouched,) = tell(fp_kz, "meetings:4:upcoming", url="/meetings/4/")
    client.force_login(fp_kz)
    response = client.post(
        reverse("notifications-read"), {"notice": [first.pk], "query": "state=unread"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?state=unread"
    assert set(Notification.objects.exclude(read_at=None).values_list("pk", flat=True)) == {
        first.pk,
        merged.pk,
    }
    untouched.refresh_from_db()
    assert untouched.read_at is None


def test_nobody_marks_anothers_notices_read(fp_kz, fp_ru, client):
    (theirs,) = tell(fp_ru, "exchange:share:8:released")
    (mine,) = tell(fp_kz, "exchange:share:8:released")
    client.force_login(fp_kz)
    response = client.post(reverse("notifications-read"), {"notice": [mine.pk, theirs.pk]})
    assert response.status_code == 400
    assert "notice" in response.context["mark_form"].errors
    assert not Notification.objects.exclude(read_at=None).exists()  # nothing half-done


def test_marking_read_needs_a_post_and_sane_input(fp_kz, client):
    client.force_login(fp_kz)
    assert client.get(reverse("notifications-read")).status_code == 405
    assert client.post(reverse("notifications-read"), {"notice": ["abc"]}).status_code == 400
    assert client.post(reverse("notifications-read"), {}).status_code == 400


def test_opening_a_notice_marks_those_merged_into_it_read(fp_kz, client):
    (first,) = tell(fp_kz, "exchange:share:8:released")
    (merged,) = tell(fp_kz, "exchange:share:8:reshared:3")
    client.force_login(fp_kz)
    client.post(reverse("notification-open", args=[first.pk]))
    merged.refresh_from_db()
    assert merged.read_at is not None


def test_the_unread_count_counts_a_merged_notice_once(fp_kz, client):
    tell(fp_kz, "exchange:share:8:released")
    tell(fp_kz, "exchange:share:8:reshared:3")
    tell(fp_kz, "meetings:4:upcoming", url="/meetings/4/")
    client.force_login(fp_kz)
    assert client.get(reverse("notifications")).context["unread_notifications"] == 2
