"""The Secretariat's admin, and the demo network."""

import datetime
import io

import pytest
from django.utils import timezone

from cica_portal.demo import create_demo_people
from cica_portal.models import AuditRecord, Organisation
from focalpoints import seed
from focalpoints.models import FocalPoint, FocalPointArea, FocalPointChange, OrganisationContact
from tests.factories import SecretariatAdminFactory
from tests.focalpoints.factories import FocalPointFactory, OrganisationContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    """Secretariat staff as the demo makes them: model permissions, not a superuser."""
    return SecretariatAdminFactory(username="secretariat-staff")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def entry_form(entry, **changes) -> dict:
    data = {
        "name": entry.name,
        "organisation": entry.organisation,
        "position": entry.position,
        "languages": entry.language_codes,
        "email": entry.email,
        "phone": entry.phone,
        "address": entry.address,
        "term_start": entry.term_start.isoformat(),
        "term_end": entry.term_end.isoformat() if entry.term_end else "",
    }
    for prefix in ("coverage", "transitions", "changes", "duty_shifts", "acting_deputies"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_admin_lists_and_filters_by_term(admin_client, kz, ru):
    today = timezone.localdate()
    FocalPointFactory(state=kz, name="Soon", term_end=today + datetime.timedelta(days=10))
    FocalPointFactory(state=ru, name="Later", term_end=today + datetime.timedelta(days=200))
    url = "/admin/focalpoints/focalpoint/"
    assert admin_client.get(url).status_code == 200
    page = admin_client.get(url, {"term": "expiring"}).content.decode()
    assert "Soon" in page
    assert "Later" not in page
    for query in ({"status__exact": "active"}, {"state__id__exact": kz.pk}, {"q": "Later"}):
        assert admin_client.get(url, query).status_code == 200


def test_admin_actions_verify_and_return(admin_client, kz, ru):
    one = FocalPointFactory(state=kz, status="nominated")
    two = FocalPointFactory(state=ru, status="nominated")
    url = "/admin/focalpoints/focalpoint/"
    admin_client.post(url, {"action": "verify_selected", "_selected_action": [one.pk]})
    admin_client.post(url, {"action": "return_selected", "_selected_action": [two.pk]})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == "active"
    assert two.status == "returned"
    assert two.return_reason
    assert admin_client.get(f"{url}{one.pk}/change/").status_code == 200


def test_an_entry_corrected_in_the_admin_is_kept_in_its_history(admin_client, staff, kz):
    entry = FocalPointFactory(state=kz, email="old@kz.example")
    url = f"/admin/focalpoints/focalpoint/{entry.pk}/change/"
    page = admin_client.get(url)
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    data = entry_form(entry, email="new@kz.example", languages=["en", "kk"])
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.email == "new@kz.example"
    assert entry.languages == ",en,kk,"
    changes = {c.field: (c.old_value, c.new_value, c.changed_by) for c in entry.changes.all()}
    assert changes["email"] == ("old@kz.example", "new@kz.example", staff)
    record = AuditRecord.objects.get(action="focalpoints.entry.corrected")
    assert record.actor == staff
    assert sorted(record.data["fields"]) == ["email", "languages"]


def test_the_admin_does_not_change_an_entrys_state_role_account_or_status(
    admin_client, kz, ru, fp_kz, fp_ru
):
    entry = FocalPointFactory(state=kz, user=fp_kz, status="nominated")
    url = f"/admin/focalpoints/focalpoint/{entry.pk}/change/"
    page = admin_client.get(url)
    data = entry_form(entry, state=str(ru.pk), role="deputy", user=str(fp_ru.pk), status="active")
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert admin_client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.role, entry.user, entry.status) == (
        kz,
        "primary",
        fp_kz,
        "nominated",
    )
    assert not FocalPointChange.objects.exists()


def test_a_closed_entry_is_not_changed_or_deleted_in_the_admin(admin_client, kz):
    entry = FocalPointFactory(state=kz, status="withdrawn")
    url = f"/admin/focalpoints/focalpoint/{entry.pk}/change/"
    assert admin_client.post(url, entry_form(entry, name="Renamed")).status_code == 403
    delete = f"/admin/focalpoints/focalpoint/{entry.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.name != "Renamed"


def test_an_organisation_contact_saved_in_the_admin_is_audited(admin_client, staff):
    contact = OrganisationContactFactory()
    url = f"/admin/focalpoints/organisationcontact/{contact.pk}/change/"
    response = admin_client.post(
        url,
        {
            "organisation": str(contact.organisation_id),
            "name": contact.name,
            "position": "Senior programme officer",
            "email": contact.email,
            "phone": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    contact.refresh_from_db()
    assert contact.position == "Senior programme officer"
    assert not contact.active
    record = AuditRecord.objects.get(action="focalpoints.contact.changed")
    assert record.actor == staff
    assert record.data["active"] == {"before": "True", "after": "False"}
    add = admin_client.post(
        "/admin/focalpoints/organisationcontact/add/",
        {
            "organisation": str(Organisation.objects.get(code="IOM").pk),
            "name": "Second contact",
            "email": "second@iom.example",
            "active": "on",
        },
    )
    assert add.status_code == 302
    created = AuditRecord.objects.get(action="focalpoints.contact.created")
    assert created.actor == staff
    delete = f"/admin/focalpoints/organisationcontact/{contact.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_seed_fills_the_network_with_gaps_and_expiring_terms_and_is_idempotent():
    create_demo_people("pw")
    out = io.StringIO()
    seed.seed_demo(password="pw", stdout=out)
    counts = (
        FocalPoint.objects.count(),
        FocalPointArea.objects.count(),
        OrganisationContact.objects.count(),
    )
    kz = FocalPoint.objects.get(state__code="KZ", role="primary")
    assert kz.name == "Focal point, Kazakhstan"
    assert kz.user.username == "fp-kz"
    assert kz.status == "active"
    assert kz.areas.count() == 4
    assert FocalPoint.objects.filter(status="nominated").count() == 1
    assert FocalPoint.objects.filter(status="returned").count() == 1
    assert FocalPoint.objects.filter(role="deputy", status="active").exists()
    today = timezone.localdate()
    assert FocalPoint.objects.filter(term_end__lte=today + datetime.timedelta(days=60)).count() == 3
    assert not FocalPointArea.objects.filter(state__code="PS", area__number=4).exists()
    assert OrganisationContact.objects.count() == 3
    seed.seed_demo(password="pw", stdout=out)
    assert counts == (
        FocalPoint.objects.count(),
        FocalPointArea.objects.count(),
        OrganisationContact.objects.count(),
    )
