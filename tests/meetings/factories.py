"""Meetings for tests: a confirmed meeting next year unless told otherwise."""

from datetime import UTC, datetime, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.models import Delegate, Kind, Meeting, Registration

from ..factories import FocalPointUserFactory


def in_days(days: int, hour: int = 9) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Seminar on police related issues {n}")
    kind = Kind.POLICE_SEMINAR
    start = factory.LazyFunction(lambda: in_days(60))
    end = factory.LazyAttribute(lambda m: m.start + timedelta(days=1, hours=8))
    time_zone = "Asia/Almaty"
    venue = "CICA Secretariat, Astana"
    status = Meeting.Status.CONFIRMED
    registration_deadline = factory.LazyAttribute(lambda m: m.start - timedelta(days=14))


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    state = factory.LazyAttribute(lambda r: r.registered_by.state)
    registered_by = factory.SubFactory(FocalPointUserFactory)


class DelegateFactory(DjangoModelFactory):
    class Meta:
        model = Delegate

    registration = factory.SubFactory(RegistrationFactory)
    name = factory.Sequence(lambda n: f"Delegate {n}")
    position = "Police colonel"
    role = Delegate.Role.DELEGATE


__all__ = ["UTC", "DelegateFactory", "MeetingFactory", "RegistrationFactory", "in_days"]
