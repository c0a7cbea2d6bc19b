"""A report's typed text is never lost: an upload saves the draft with the file, a refused
upload and a failed save keep every typed text in the page (and write nothing) and answer at
the report's own address, the page saves in the background, and submitting warns of entries
with nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplan import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(plan, cycle, fp_kz):
    return services.start_report(cycle, actor=fp_kz)


def _entry_data(report, narrative: str) -> dict:
    item = report.entries.order_by("item_id").first().item_id
    return {f"item-{item}-progress": "in_progress", f"item-{item}-narrative": narrative}


def _narrative(report) -> str:
    return report.entries.order_by("item_id").first().narrative


def test_attaching_a_file_saves_the_typed_narrative_first(client, report, fp_kz):
    client.force_login(fp_kz)
    data = _entry_data(report, "Focal points named in every ministry.")
    data |= {"then": "attach", "file": SimpleUploadedFile("plan.pdf", PDF, "application/pdf")}
    response = client.post(report.get_absolute_url(), data)
    assert response.status_code == 302
    assert _narrative(report) == "Focal points named in every ministry."
    assert report.attachments.get().original_name == "plan.pdf"


def test_a_refused_upload_keeps_the_text_and_the_next_save_posts_to_the_report(
    client, report, fp_kz
):
    client.force_login(fp_kz)
    data = _entry_data(report, "Text typed before a bad file.")
    data |= {
        "then": "attach",
        "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf"),
    }
    response = client.post(report.get_absolute_url(), data)
    assert response.status_code == 400
    assert response.context["attachment_form"].errors["file"]
    assert not report.attachments.exists()
    assert _narrative(report) == ""  # a refusal writes nothing ...
    body = response.content.decode()
    assert "Text typed before a bad file." in body  # ... and the text is still in the page
    assert f'action="{report.get_absolute_url()}"' in body
    again = _entry_data(report, "Text typed before a bad file.")
    assert client.post(report.get_absolute_url(), again).status_code == 302
    assert _narrative(report) == "Text typed before a bad file."


def test_a_failed_save_keeps_every_typed_text(client, report, fp_kz):
    client.force_login(fp_kz)
    items = list(report.entries.order_by("item_id").values_list("item_id", flat=True)[:2])
    response = client.post(
        report.get_absolute_url(),
        {
            f"item-{items[0]}-progress": "not-a-status",
            f"item-{items[0]}-narrative": "First entry's text",
            f"item-{items[1]}-progress": "in_progress",
            f"item-{items[1]}-narrative": "Second entry's text",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "First entry&#x27;s text" in body
    assert "Second entry&#x27;s text" in body
    assert not report.entries.filter(narrative__contains="entry's text").exists()


def test_the_background_save_stores_the_draft_and_answers_json(client, report, fp_kz, fp_ru):
    client.force_login(fp_kz)
    data = _entry_data(report, "Saved while typing.") | {"then": "autosave"}
    response = client.post(report.get_absolute_url(), data)
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert _narrative(report) == "Saved while typing."
    bad = _entry_data(report, "x") | {"then": "autosave"}
    bad[next(k for k in bad if k.endswith("-progress"))] = "nonsense"
    assert client.post(report.get_absolute_url(), bad).status_code == 400
    client.force_login(fp_ru)  # another state's focal point: the report does not exist for them
    assert client.post(report.get_absolute_url(), data).status_code == 404


def test_the_page_has_a_contents_list_a_sticky_save_and_the_background_save(client, report, fp_kz):
    client.force_login(fp_kz)
    body = client.get(report.get_absolute_url()).content.decode()
    first = report.entries.order_by("item_id").first()
    assert f'href="#entry-{first.item_id}"' in body
    assert f'id="entry-{first.item_id}"' in body
    assert "form-actions--sticky" in body
    assert "js/report-autosave.js" in body
    assert 'enctype="multipart/form-data"' in body


def test_submitting_warns_of_entries_with_nothing_written(client, report, fp_kz):
    services.save_report(
        report,
        actor=fp_kz,
        entries={e.item_id: {"narrative": "Done."} for e in report.entries.all()[1:]},
    )
    client.force_login(fp_kz)
    response = client.get(f"/plan/reports/{report.pk}/submit/")
    assert len(response.context["empty"]) == 1
    assert "1 entry has nothing written" in response.content.decode()
