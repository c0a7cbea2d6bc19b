"""Point 6 of issue 23: documents as an organisation keeps them. A symbol (CICA/SWG/2027/DOC/3),
language versions (English and Russian of the same document), versions with history, and a
library of every meeting document the reader may read, searched in both languages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from cica_portal.models import AuditRecord
from meetings import selectors, services
from meetings.models import DocumentVersion, Kind, MeetingDocument
from meetings.services import MeetingError

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="document.pdf", extra=b""):
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


@pytest.fixture
def swg(db):
    return MeetingFactory(title="Special Working Group session", kind=Kind.SWG_SESSION)


def upload(meeting, by, title, access=MeetingDocument.Access.ALL_MEMBERS, **extra):
    return services.upload_document(
        meeting,
        by=by,
        upload=pdf(),
        kind=MeetingDocument.DocKind.CONCEPT_NOTE,
        title=title,
        access=access,
        **extra,
    )


def test_each_document_gets_the_next_symbol_of_its_meetings_series_and_year(swg, secretariat):
    year = swg.local_start.year
    first = upload(swg, secretariat, "Concept note")
    second = upload(swg, secretariat, "Provisional agenda")
    assert first.entry.symbol == f"CICA/SWG/{year}/DOC/1"
    assert second.entry.symbol == f"CICA/SWG/{year}/DOC/2"


def test_the_russian_version_and_a_revision_are_kept_with_their_history(
    client, swg, secretariat, fp_kz
):
    document = upload(swg, secretariat, "Concept note", title_ru="Концептуальная записка")
    services.add_document_version(
        document, by=secretariat, upload=pdf("ru.pdf", b"ru"), language="ru"
    )
    services.add_document_version(
        document,
        by=secretariat,
        upload=pdf("en-rev.pdf", b"rev"),
        language="en",
        note="Paragraph 3 corrected",
    )
    history = selectors.versions_of(document)
    assert [v.number for v in history["en"]] == [2, 1]
    assert [v.number for v in history["ru"]] == [1]
    document.refresh_from_db()
    assert document.original_name == "en-rev.pdf"  # the English file is its newest version
    assert AuditRecord.objects.filter(action="meetings.document.version_added").count() == 2
    client.force_login(fp_kz)
    page = client.get(reverse("meetings:document-versions", args=[document.pk]))
    text = page.content.decode()
    assert "Концептуальная записка" in text
    assert "Paragraph 3 corrected" in text
    first = DocumentVersion.objects.get(document=document, language="en", number=1)
    download = client.get(reverse("meetings:document-version", args=[first.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_version_of_a_document_the_reader_may_not_read_is_a_404(swg, secretariat, fp_kz):
    hidden = upload(swg, secretariat, "Internal note", access=MeetingDocument.Access.SECRETARIAT)
    version = hidden.versions.get()
    client = Client()
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:document-version", args=[version.pk])).status_code == 404
    assert client.get(reverse("meetings:document-versions", args=[hidden.pk])).status_code == 404


def test_only_the_secretariat_adds_a_version(client, swg, secretariat, fp_kz):
    document = upload(swg, secretariat, "Concept note")
    with pytest.raises(MeetingError):
        services.add_document_version(document, by=fp_kz, upload=pdf(), language="ru")
    client.force_login(fp_kz)
    url = reverse("meetings:document-versions", args=[document.pk])
    assert client.post(url, {"language": "ru", "file": pdf()}).status_code == 403


def test_a_version_in_an_unknown_language_is_a_form_error(client, swg, secretariat):
    document = upload(swg, secretariat, "Concept note")
    client.force_login(secretariat)
    url = reverse("meetings:document-versions", args=[document.pk])
    response = client.post(url, {"language": "fr", "file": pdf()})
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert document.versions.count() == 1


def test_the_library_lists_only_what_the_reader_may_read_and_finds_it_by_words_or_symbol(
    client, swg, secretariat, fp_kz, fp_ru
):
    RegistrationFactory(meeting=swg, registered_by=fp_kz)
    public = upload(swg, secretariat, "Concept note on border management")
    upload(swg, secretariat, "Delegations' papers", access=MeetingDocument.Access.PARTICIPANTS)
    upload(swg, secretariat, "Internal note", access=MeetingDocument.Access.SECRETARIAT)
    client.force_login(fp_ru)
    titles = [d.title for d in client.get(reverse("meetings:library")).context["page"]]
    assert titles == ["Concept note on border management"]
    client.force_login(fp_kz)
    titles = {d.title for d in client.get(reverse("meetings:library")).context["page"]}
    assert titles == {"Concept note on border management", "Delegations' papers"}
    found = client.get(reverse("meetings:library"), {"q": "border"}).context["page"]
    assert [d.pk for d in found] == [public.pk]
    by_symbol = client.get(reverse("meetings:library"), {"q": public.entry.symbol})
    assert [d.pk for d in by_symbol.context["page"]] == [public.pk]
    client.force_login(secretariat)
    assert len(client.get(reverse("meetings:library")).context["page"]) == 3


def test_the_library_finds_a_document_by_its_russian_title(client, swg, secretariat, fp_kz):
    document = upload(
        swg, secretariat, "Concept note", title_ru="Концептуальная записка о пограничном контроле"
    )
    client.force_login(fp_kz)
    word = "пограничном" if connection.vendor != "postgresql" else "пограничный контроль"
    found = client.get(reverse("meetings:library"), {"q": word}).context["page"]
    assert [d.pk for d in found] == [document.pk]


def test_a_bad_filter_is_a_400_naming_the_field(client, fp_kz):
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:library"), {"kind": "poem"})
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors


def test_postgresql_searches_each_language_with_its_stemming_and_a_gin_index(
    swg, secretariat, fp_kz
):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search in English and Russian is PostgreSQL's")
    english = upload(swg, secretariat, "Managing the borders of member states")
    russian = upload(swg, secretariat, "Agenda", title_ru="Управление границами")
    assert [d.pk for d in selectors.library_documents(fp_kz, text="border management")] == [
        english.pk
    ]
    assert [d.pk for d in selectors.library_documents(fp_kz, text="границы")] == [russian.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%%USING gin%%' "
            "AND indexname LIKE 'meetings_%%_fts'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "meetings_document_title_en_fts",
            "meetings_library_title_ru_fts",
        }
