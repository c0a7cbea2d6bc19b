"""The directory: members only, searchable, vCards for all, exports for the Secretariat."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cica_portal.models import Area, State
from focalpoints.models import FocalPoint, FocalPointArea
from focalpoints.vcard import escape, fold
from tests.factories import UserFactory
from tests.focalpoints.factories import FocalPointFactory, OrganisationContactFactory

pytestmark = pytest.mark.django_db
URL = "/focal-points/"


@pytest.fixture
def network(kz, ru, cn):
    today = timezone.localdate()
    return {
        "kz": FocalPointFactory(
            state=kz,
            name="Focal point, Kazakhstan",
            areas=[1, 2, 3, 4],
            organisation="Border Service",
            languages=",en,ru,kk,",
        ),
        "ru": FocalPointFactory(
            state=ru,
            name="Focal point, Russia",
            areas=[2],
            organisation="Ministry of Internal Affairs",
            languages=",ru,",
        ),
        "cn_deputy": FocalPointFactory(
            state=cn, name="Deputy, China", role="deputy", areas=[3], languages=",zh,en,"
        ),
        "nominated": FocalPointFactory(state=cn, name="Nominee, China", status="nominated"),
        "withdrawn": FocalPointFactory(
            state=kz, name="Gone, Kazakhstan", status="withdrawn", role="deputy"
        ),
        "future": FocalPointFactory(
            state=ru,
            name="Future, Russia",
            role="deputy",
            term_start=today + datetime.timedelta(days=5),
        ),
    }


def _names(response):
    return sorted(entry.name for entry in response.context["page"].object_list)


def test_anonymous_is_sent_to_login(client, network):
    for name, args in [
        ("directory", []),
        ("detail", [network["kz"].pk]),
        ("vcard", [network["kz"].pk]),
        ("directory-vcard", []),
        ("export-csv", []),
        ("coverage", []),
    ]:
        response = client.get(reverse(f"focalpoints:{name}", args=args))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response.url, name


def test_a_logged_in_outsider_is_refused(client, network):
    client.force_login(UserFactory(username="visitor"))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("focalpoints:detail", args=[network["kz"].pk])).status_code == 403


def test_it_lists_only_verified_entries_in_their_term(client, fp_cn, network):
    client.force_login(fp_cn)
    response = client.get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Deputy, China", "Focal point, Kazakhstan", "Focal point, Russia"]
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "border"}, ["Focal point, Kazakhstan"]),
        ({"q": "russia"}, ["Focal point, Russia"]),
        ({"state": "kz"}, ["Focal point, Kazakhstan"]),
        ({"area": "3"}, ["Deputy, China", "Focal point, Kazakhstan"]),
        ({"language": "zh"}, ["Deputy, China"]),
        ({"language": "ru", "area": "2"}, ["Focal point, Kazakhstan", "Focal point, Russia"]),
        ({"role": "deputy"}, ["Deputy, China"]),
        ({"state": "XX"}, []),
    ],
)
def test_it_searches_and_filters(client, fp_kz, network, query, expected):
    client.force_login(fp_kz)
    assert _names(client.get(URL, query)) == expected


def test_contact_card_shows_details_to_members(client, approver_ru, network):
    client.force_login(approver_ru)
    page = client.get(reverse("focalpoints:detail", args=[network["kz"].pk])).content.decode()
    assert network["kz"].email in page
    assert "History" not in page


def test_the_card_of_an_unverified_entry_is_hidden_from_other_states(
    client, fp_kz, approver_cn, network
):
    url = reverse("focalpoints:detail", args=[network["nominated"].pk])
    client.force_login(fp_kz)
    assert client.get(url).status_code == 404
    client.force_login(approver_cn)
    assert client.get(url).status_code == 200  # their own state's nomination


def test_vcard_per_person_is_escaped(client, fp_kz, kz):
    entry = FocalPointFactory(
        state=kz, name="Focal point, Kazakhstan", organisation="A; B\\C", address="Line 1\nLine 2"
    )
    client.force_login(fp_kz)
    response = client.get(reverse("focalpoints:vcard", args=[entry.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/vcard")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    assert "FN:Focal point\\, Kazakhstan\r\n" in text
    assert "ORG:A\\; B\\\\C;Kazakhstan" in text
    assert "Line 1\\nLine 2" in text


def test_vcard_for_the_filtered_list(client, fp_kz, network):
    client.force_login(fp_kz)
    text = client.get(reverse("focalpoints:directory-vcard"), {"area": "2"}).content.decode()
    assert text.count("BEGIN:VCARD") == 2
    assert "Deputy" not in text
    assert client.get(reverse("focalpoints:directory-vcard"), {"state": "XX"}).status_code == 400


def test_vcard_lines_fold_at_75_octets_without_splitting_characters():
    line = "NOTE:" + "Казахстан " * 20
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode()) <= 75
    assert folded.replace("\r\n ", "") == line
    assert escape("a,b;c\\d\r\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_secretariat_exports_csv_and_xlsx(client, secretariat, network):
    network["kz"].organisation = "=HYPERLINK(1)"
    network["kz"].save()
    client.force_login(secretariat)
    response = client.get(reverse("focalpoints:export-csv"), {"state": "KZ"})
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("state,state name,name")
    assert "'=HYPERLINK(1)" in text
    assert "Russia" not in text
    response = client.get(reverse("focalpoints:export-xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4  # header + 3 directory entries


def test_only_the_secretariat_exports(client, fp_kz, approver_kz, network):
    for user in (fp_kz, approver_kz):
        client.force_login(user)
        assert client.get(reverse("focalpoints:export-csv")).status_code == 403
        assert client.get(reverse("focalpoints:export-xlsx")).status_code == 403


def test_organisation_contact_points_have_their_own_section(client, fp_kz):
    contact = OrganisationContactFactory()
    contact.areas.set([Area.objects.get(number=4)])
    client.force_login(fp_kz)
    page = client.get(URL).content.decode()
    assert "International organisations" in page
    assert "contact@iom.example" in page
    text = client.get(reverse("focalpoints:contact-vcard", args=[contact.pk])).content.decode()
    assert "EMAIL;TYPE=INTERNET,WORK:contact@iom.example" in text


def _bulk_entries(count: int) -> None:
    states = list(State.objects.members())
    areas = list(Area.objects.all())
    today = timezone.localdate()
    entries = FocalPoint.objects.bulk_create(
        FocalPoint(
            state=states[i % len(states)],
            name=f"Deputy {i}",
            organisation="Ministry",
            email=f"d{i}@example.org",
            languages=",en,",
            role="deputy",
            status="active",
            term_start=today - datetime.timedelta(days=1),
            term_end=today + datetime.timedelta(days=10 + i % 100),
        )
        for i in range(count)
    )
    FocalPointArea.objects.bulk_create(
        FocalPointArea(entry=e, area=areas[i % 4], state=e.state) for i, e in enumerate(entries)
    )


def _count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path", [URL, "/api/v1/focal-points/", "/focal-points/coverage/", "/focal-points/nominations/"]
)
def test_list_pages_issue_the_same_queries_for_10_and_1000_entries(client, secretariat, path):
    client.force_login(secretariat)
    _bulk_entries(10)
    client.get(path)  # warm caches (content types, sessions)
    small = _count_queries(lambda: client.get(path))
    _bulk_entries(990)
    assert FocalPoint.objects.count() == 1000
    response = client.get(path)
    assert response.status_code == 200
    large = _count_queries(lambda: client.get(path))
    assert small == large
