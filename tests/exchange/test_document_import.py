"""The CSV import of a state's list of lost and stolen documents: a dry run names every wrong
line and writes nothing; a real run goes through the services of a single document, all in
one transaction; the issuing state is the importer's own."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cica_portal.models import ApprovalRequest, AuditRecord
from exchange import document_import
from exchange.models import DocumentNotice, Share
from tests.exchange import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/exchange/documents/import/"
HEADER = "document_number,document_type,lost_or_stolen,date_lost_or_stolen,reported_to_interpol"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "lost-stolen-documents.csv"


def csv_file(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def run(data: bytes, user, *, dry_run: bool, **kwargs):
    kwargs.setdefault("recipient_states", factories.codes("RU", "CN"))
    return document_import.import_documents(data, by=user, dry_run=dry_run, **kwargs)


def _upload(data: bytes, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_dry_run_of_a_correct_file_reports_what_it_would_do_and_writes_nothing(fp_kz):
    before = (Share.objects.count(), ApprovalRequest.objects.count(), AuditRecord.objects.count())
    report = run(
        csv_file("N1,Passport,Stolen,2026-10-01,yes", "N2,Identity card,Lost,2026-10-02,no"),
        fp_kz,
        dry_run=True,
    )
    assert report.errors == []
    assert (report.lines, report.new) == (2, [2, 3])
    assert not report.imported
    after = (Share.objects.count(), ApprovalRequest.objects.count(), AuditRecord.objects.count())
    assert after == before


def test_a_real_run_drafts_each_document_of_the_importers_state_and_asks_its_consent(
    fp_kz, approver_kz
):
    report = run(csv_file("N1,passport,stolen,2026-10-01,yes"), fp_kz, dry_run=False)
    assert report.imported
    assert report.errors == []
    share = Share.objects.get(pk=report.share_ids[0])
    assert share.status == Share.Status.PENDING_CONSENT
    assert share.content["issuing_state"] == "KZ"
    assert (share.content["document_type"], share.content["lost_or_stolen"]) == (
        "Passport",
        "Stolen",
    )
    assert share.content["reported_to_interpol"] is True
    share = factories.decide(share, approver=approver_kz, decision="approve")
    notice = DocumentNotice.objects.get(share=share)
    assert (notice.issuing_state.code, notice.status) == ("KZ", "stolen")


def test_one_wrong_line_is_named_and_nothing_is_imported(fp_kz):
    before = Share.objects.count()
    report = run(
        csv_file(
            "N1,Passport,Stolen,2026-10-01,yes",
            "N2,Spaceship,Stolen,2026-10-01,yes",
            "N3,Passport,Stolen,01.10.2026,maybe",
            "N4,Passport,Stolen,2026-10-01,yes",
        ),
        fp_kz,
        dry_run=False,
    )
    assert not report.imported
    found = {(e.line, e.field) for e in report.errors}
    assert (3, "document_type") in found
    assert (4, "reported_to_interpol") in found
    assert all(e.line in (3, 4) for e in report.errors)
    assert Share.objects.count() == before


def test_a_document_twice_in_the_file_is_named_on_its_second_line(fp_kz):
    report = run(
        csv_file("N 1-2,Passport,Stolen,2026-10-01,yes", "n12,Passport,Lost,2026-10-01,yes"),
        fp_kz,
        dry_run=True,
    )
    [error] = report.errors
    assert (error.line, error.field) == (3, "document_number")
    assert "line 2" in error.message


def test_the_issuing_state_is_never_taken_from_the_file(fp_kz):
    header = HEADER + ",issuing_state"
    report = run(
        csv_file("N1,Passport,Stolen,2026-10-01,yes,RU", header=header), fp_kz, dry_run=True
    )
    assert [(e.line, e.field) for e in report.errors] == [(1, "issuing_state")]


def test_wrong_and_missing_columns_are_named_on_the_header_line(fp_kz):
    report = run(
        csv_file("N1,Passport,2026-10-01,yes", header="number,document_type,date_lost_or_stolen,x"),
        fp_kz,
        dry_run=True,
    )
    fields = {e.field for e in report.errors if e.line == 1}
    assert {"number", "x", "document_number", "lost_or_stolen", "reported_to_interpol"} <= fields


def test_a_line_with_the_wrong_number_of_values_is_named(fp_kz):
    report = run(csv_file("N1,Passport,Stolen,2026-10-01"), fp_kz, dry_run=True)
    assert [e.line for e in report.errors] == [2]


def test_excel_files_with_a_byte_order_mark_semicolons_or_windows_1251_are_read(fp_kz):
    line = "N1;Passport;Stolen;2026-10-01;да"
    with_bom = b"\xef\xbb\xbf" + csv_file(line, header=HEADER.replace(",", ";"))
    assert run(with_bom, fp_kz, dry_run=True).errors == []
    cyrillic = csv_file(
        "N1,Passport,Stolen,2026-10-01,нет",
        header=HEADER + ",remarks",
        encoding="utf-8",
    )
    assert run(cyrillic, fp_kz, dry_run=True).errors[0].line == 2  # one value short
    cp1251 = csv_file(
        "N1,Passport,Stolen,2026-10-01,нет,Утерян в автобусе", header=HEADER + ",remarks"
    )
    cp1251 = cp1251.decode().encode("windows-1251")
    with pytest.raises(document_import.DocumentImportError) as refused:
        run(cp1251, fp_kz, dry_run=True)
    assert refused.value.field == "file"
    assert run(cp1251, fp_kz, dry_run=True, encoding="windows-1251").errors == []


def test_a_file_over_the_limits_is_refused_with_the_limit(fp_kz, settings):
    settings.DOCUMENT_IMPORT_MAX_BYTES = 100
    with pytest.raises(document_import.DocumentImportError) as refused:
        run(
            csv_file(*["N%s,Passport,Stolen,2026-10-01,yes" % i for i in range(10)]),
            fp_kz,
            dry_run=True,
        )
    assert refused.value.field == "file"
    assert "100" in str(refused.value.message)
    settings.DOCUMENT_IMPORT_MAX_BYTES = 10_000
    settings.DOCUMENT_IMPORT_MAX_ROWS = 3
    with pytest.raises(document_import.DocumentImportError) as refused:
        run(
            csv_file(*["N%s,Passport,Stolen,2026-10-01,yes" % i for i in range(4)]),
            fp_kz,
            dry_run=True,
        )
    assert "at most 3" in str(refused.value.message)


def test_a_noticed_document_is_changed_through_its_notice_and_an_unchanged_one_left(
    fp_kz, approver_kz
):
    share = factories.released(
        fp_kz, [approver_kz], slug="lost-stolen-document", concerned=(), recipients=("CN",)
    )
    header = HEADER + ",status,recovered_on"
    same = run(
        csv_file("N 1234-567,Passport,Stolen,2026-04-17,yes,,", header=header), fp_kz, dry_run=False
    )
    assert (same.unchanged, same.new, same.errors) == ([2], [], [])
    changed = run(
        csv_file("N 1234-567,Passport,Stolen,2026-04-17,yes,recovered,2026-11-20", header=header),
        fp_kz,
        dry_run=False,
    )
    assert changed.changed == [2]
    assert changed.imported
    notice = DocumentNotice.objects.get(share=share)
    assert (notice.status, str(notice.recovered_on)) == ("recovered", "2026-11-20")
    assert AuditRecord.objects.filter(action="exchange.document.changed").exists()


def test_a_change_the_notice_refuses_is_a_line_error(fp_kz, approver_kz):
    factories.released(
        fp_kz, [approver_kz], slug="lost-stolen-document", concerned=(), recipients=("CN",)
    )
    header = HEADER + ",status,recovered_on"
    report = run(
        csv_file("N 1234-567,Passport,Stolen,2026-04-17,yes,recovered,", header=header),
        fp_kz,
        dry_run=True,
    )
    assert [(e.line, e.field) for e in report.errors] == [(2, "recovered_on")]


def test_only_a_focal_point_imports(approver_kz):
    with pytest.raises(document_import.DocumentImportError) as refused:
        run(csv_file("N1,Passport,Stolen,2026-10-01,yes"), approver_kz, dry_run=True)
    assert refused.value.code == "forbidden"


def test_the_example_file_of_the_readme_is_correct(fp_kz, approver_kz):
    factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        content=factories.document_content("N 0451-9937"),
    )
    report = run(EXAMPLE.read_bytes(), fp_kz, dry_run=True)
    assert report.errors == []
    assert (len(report.new), report.changed) == (3, [5])


# --- the API -----------------------------------------------------------------------------------


def test_the_api_dry_runs_by_default_and_lists_errors_by_line_with_a_400(fp_kz, api_client):
    api_client.force_authenticate(fp_kz)
    good = api_client.post(
        API,
        {
            "file": _upload(csv_file("N1,Passport,Stolen,2026-10-01,yes")),
            "recipient_states": ["RU"],
        },
        format="multipart",
    )
    assert good.status_code == 200, good.content
    assert good.json()["dry_run"] is True
    assert good.json()["new"] == 1
    assert not Share.objects.exists()
    bad = api_client.post(
        API,
        {
            "file": _upload(
                csv_file("N1,Passport,Stolen,2026-10-01,yes", "N2,Passport,Stolen,x,yes")
            ),
            "all_member_states": "true",
            "dry_run": "false",
        },
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"line": 3, "field": "date_lost_or_stolen", "message": bad.json()["errors"][0]["message"]}
    ]
    assert not Share.objects.exists()


def test_the_api_imports_when_asked(fp_kz, api_client):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(
        API,
        {
            "file": _upload(csv_file("N1,Passport,Stolen,2026-10-01,yes")),
            "all_member_states": "true",
            "dry_run": "false",
        },
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json()["imported"] is True
    [share_id] = response.json()["shares"]
    assert Share.objects.get(pk=share_id).originating_state.code == "KZ"


def test_the_api_refuses_an_approver_and_a_file_too_big(approver_kz, fp_kz, api_client, settings):
    api_client.force_authenticate(approver_kz)
    data = csv_file("N1,Passport,Stolen,2026-10-01,yes")
    assert api_client.post(API, {"file": _upload(data)}, format="multipart").status_code == 403
    api_client.force_authenticate(fp_kz)
    settings.DOCUMENT_IMPORT_MAX_BYTES = 10
    response = api_client.post(
        API, {"file": _upload(data), "recipient_states": ["RU"]}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


# --- the page ----------------------------------------------------------------------------------


def test_the_page_checks_the_file_and_lists_its_errors(fp_kz, client):
    client.force_login(fp_kz)
    url = reverse("exchange:import-documents")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": _upload(csv_file("N1,Passport,Stolen,2026-10-01,maybe")),
            "encoding": "utf-8",
            "all_member_states": "on",
            "check": "",
        },
    )
    assert response.status_code == 200
    assert response.context["report"].errors[0].field == "reported_to_interpol"
    assert "reported_to_interpol" in response.content.decode()
    assert not Share.objects.exists()


def test_the_page_imports_and_says_what_it_did(fp_kz, client):
    client.force_login(fp_kz)
    response = client.post(
        reverse("exchange:import-documents"),
        {
            "file": _upload(csv_file("N1,Passport,Stolen,2026-10-01,yes")),
            "encoding": "utf-8",
            "all_member_states": "on",
            "import": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Share.objects.filter(status=Share.Status.PENDING_CONSENT).count() == 1


def test_the_page_is_for_focal_points_only(approver_kz, client):
    client.force_login(approver_kz)
    assert client.get(reverse("exchange:import-documents")).status_code == 403
    assert client.delete(reverse("exchange:import-documents")).status_code in (403, 405)


def test_every_wrong_value_of_a_line_is_named_at_once(fp_kz):
    report = run(csv_file("N1,Spaceship,Stolen,01.10.2026,maybe"), fp_kz, dry_run=True)
    assert {(e.line, e.field) for e in report.errors} == {
        (2, "document_type"),
        (2, "date_lost_or_stolen"),
        (2, "reported_to_interpol"),
    }
