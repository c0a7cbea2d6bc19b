"""Each "may I" rule of the calendar is one predicate: pages offer an action exactly when it
says yes and the services refuse exactly when it says no; a meeting's times have one rule."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import Area
from meetings import selectors, services
from meetings.models import Meeting, Registration, TrainingRequest
from meetings.services import MeetingError

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
HEAD = {"name": "Head of the national police", "position": "General", "role": "head"}

MEETINGS = {
    "open": {},
    "past its deadline": {"registration_deadline": timezone.now() - timedelta(hours=1)},
    "cancelled": {"status": Meeting.Status.CANCELLED},
    "started": {
        "start": timezone.now() - timedelta(hours=1),
        "end": timezone.now() + timedelta(hours=7),
        "registration_deadline": None,
    },
}


@pytest.mark.parametrize("case", list(MEETINGS))
def test_it_offers_registration_exactly_when_the_service_takes_it(
    client, case, fp_kz, approver_kz, secretariat
):
    meeting = MeetingFactory(**MEETINGS[case])
    for user in (fp_kz, approver_kz, secretariat):
        allowed = selectors.may_register(user, meeting)
        client.force_login(user)
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).text
        assert (reverse("meetings:register", args=[meeting.pk]) in page) == allowed
        try:
            services.register_delegation(meeting, by=user, delegates=[HEAD])
        except MeetingError:
            done = False
        else:
            done = True
        assert done == allowed, (case, user.username)
    assert selectors.may_register(fp_kz, MeetingFactory()) is True
    assert case == "open" or not selectors.may_register(fp_kz, meeting)


@pytest.mark.parametrize("status", list(Registration.Status))
def test_it_offers_confirmation_exactly_when_the_service_confirms(
    client, status, fp_kz, secretariat
):
    registration = RegistrationFactory(registered_by=fp_kz, status=status)
    url = reverse("meetings:registration-confirm", args=[registration.pk])
    client.force_login(secretariat)
    page = client.get(reverse("meetings:detail", args=[registration.meeting_id])).text
    allowed = selectors.may_confirm_registration(secretariat, registration)
    assert allowed == (status == Registration.Status.SUBMITTED)
    assert (url in page) == allowed
    try:
        services.confirm_registration(registration, by=secretariat)
    except MeetingError:
        done = False
    else:
        done = True
    assert done == allowed
    assert not selectors.may_confirm_registration(fp_kz, registration)


def test_it_offers_withdrawal_to_the_states_focal_point_until_withdrawn(client, fp_kz, fp_ru):
    registration = RegistrationFactory(registered_by=fp_kz)
    url = reverse("meetings:registration-withdraw", args=[registration.pk])
    assert selectors.may_withdraw_registration(fp_kz, registration)
    assert not selectors.may_withdraw_registration(fp_ru, registration)
    client.force_login(fp_kz)
    assert url in client.get(reverse("meetings:detail", args=[registration.meeting_id])).text
    with pytest.raises(MeetingError):
        services.withdraw_registration(registration, by=fp_ru)
    services.withdraw_registration(registration, by=fp_kz)
    registration.refresh_from_db()
    assert not selectors.may_withdraw_registration(fp_kz, registration)
    assert url not in client.get(reverse("meetings:detail", args=[registration.meeting_id])).text


def _training(fp_kz, status) -> TrainingRequest:
    training = services.request_training(
        by=fp_kz,
        area=Area.objects.get(number=1),
        topic="Risk analysis",
        preferred_period="2027",
        expected_participants=5,
    )
    TrainingRequest.objects.filter(pk=training.pk).update(status=status)
    training.refresh_from_db()
    return training


def _schedule(training, by):
    start = datetime(2030, 4, 12, 9, tzinfo=UTC)
    services.schedule_training_request(
        training,
        by=by,
        title="Training seminar",
        start=start,
        end=start + timedelta(days=1),
        time_zone="Asia/Almaty",
        venue="Almaty",
        format="in_person",
        online_link="",
    )


TRAINING_ACTIONS = {
    "accept": (selectors.may_accept_training, services.accept_training_request, {}),
    "decline": (
        selectors.may_decline_training,
        services.decline_training_request,
        {"reason": "No"},
    ),
    "schedule": (selectors.may_schedule_training, None, {}),
}


@pytest.mark.parametrize("status", list(TrainingRequest.Status))
@pytest.mark.parametrize("action", list(TRAINING_ACTIONS))
def test_it_offers_a_training_decision_exactly_when_the_service_takes_it(
    client, status, action, fp_kz, secretariat
):
    may, act, kwargs = TRAINING_ACTIONS[action]
    for user in (secretariat, fp_kz):
        training = _training(fp_kz, status)
        allowed = may(user, training)
        client.force_login(user)
        page = client.get(training.get_absolute_url()).text
        assert (reverse("meetings:training-decide", args=[training.pk, action]) in page) == allowed
        try:
            if act is None:
                _schedule(training, user)
            else:
                act(training, by=user, **kwargs)
        except MeetingError:
            done = False
        else:
            done = True
        assert done == allowed, (status, user.username)


def test_a_meeting_ends_after_it_starts_by_one_rule_everywhere(secretariat):
    start = timezone.now() + timedelta(days=30)
    assert Meeting.ends_after_start(start, start + timedelta(hours=1))
    assert not Meeting.ends_after_start(start, start)
    with pytest.raises(ValidationError) as error:
        Meeting(title="x", start=start, end=start, time_zone="Asia/Almaty").clean()
    assert "end" in error.value.message_dict
    with pytest.raises(MeetingError) as refused:
        services.create_meeting(
            by=secretariat, title="x", kind="other", start=start, end=start, time_zone="UTC"
        )
    assert refused.value.field == "end"
    meeting = MeetingFactory()
    with pytest.raises(MeetingError):
        services.update_meeting(meeting, by=secretariat, end=meeting.start - timedelta(hours=1))
