"""Focal-point entries for tests. People come from tests/factories.py."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cica_portal.models import Area, Organisation
from focalpoints.models import FocalPoint, FocalPointArea, OrganisationContact
from tests.factories import state


def area(number: int) -> Area:
    return Area.objects.get(number=number)


class FocalPointFactory(DjangoModelFactory):
    """An active entry; pass `areas=[1, 2]` (numbers) to cover areas, primary seat included."""

    class Meta:
        model = FocalPoint
        skip_postgeneration_save = True

    state = factory.LazyFunction(lambda: state("KZ"))
    name = factory.Sequence(lambda n: f"Focal point {n}")
    organisation = "Ministry of Foreign Affairs"
    position = "Coordinator"
    email = factory.Sequence(lambda n: f"fp{n}@example.org")
    phone = "+7 7172 000000"
    languages = ",en,ru,"
    term_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    term_end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    role = FocalPoint.Role.PRIMARY
    status = FocalPoint.Status.ACTIVE
    # Designated as states do it: a note verbale the Secretariat has checked.
    note_verbale_reference = factory.Sequence(lambda n: f"NV/{n}/2026")
    note_verbale_scan = "focalpoints/notes-verbales/test.pdf"
    note_verbale_checked_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if not create:
            return
        holds = self.status in FocalPoint.CURRENT_STATUSES and self.role == "primary"
        FocalPointArea.objects.bulk_create(
            [
                FocalPointArea(entry=self, area=area(n), state=self.state, holds_primary=holds)
                for n in (extracted or [1])
            ]
        )


class OrganisationContactFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationContact
        skip_postgeneration_save = True

    organisation = factory.LazyFunction(lambda: Organisation.objects.get(code="IOM"))
    name = "Contact point, IOM"
    position = "Programme officer"
    email = "contact@iom.example"


def with_checked_note_verbale(entry: FocalPoint) -> FocalPoint:
    """A nomination made through the service, given a note verbale the Secretariat checked
    (what verification requires)."""
    FocalPoint.objects.filter(pk=entry.pk).update(
        note_verbale_reference=f"NV/{entry.pk}/2026",
        note_verbale_scan="focalpoints/notes-verbales/test.pdf",
        note_verbale_checked_at=timezone.now(),
    )
    entry.refresh_from_db()
    return entry
