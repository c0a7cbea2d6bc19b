"""Attachments on shares: the uploads' checks, the share's rights, served only as downloads,
counted as reads, part of what is consented to, and sealed on disk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from exchange import services
from exchange.models import Share, ShareAttachment, ShareRead
from tests.exchange import factories
from tests.exchange.test_pages import form_data

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"Falcon's photo of the courier" * 20


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield tmp_path / "media"


def png(name="courier.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def edit_url(share):
    return reverse("exchange:edit", args=[share.pk])


def download_url(item):
    return reverse("exchange:attachment", args=[item.share_id, item.pk])


def test_the_author_attaches_a_file_on_the_edit_page(client, fp_kz):
    share = factories.draft(fp_kz)
    client.force_login(fp_kz)
    response = client.post(
        edit_url(share), {**form_data(route_confirmed="RU,UZ"), "attachment": png()}
    )
    assert response.status_code == 302
    item = ShareAttachment.objects.get(share=share)
    assert (item.name, item.content_type, item.size) == ("courier.png", "image/png", len(PNG))
    page = client.get(reverse("exchange:detail", args=[share.pk])).content.decode()
    assert "courier.png" in page
    assert download_url(item) in page


def test_a_refused_file_keeps_what_was_typed_and_writes_nothing(client, fp_kz):
    share = factories.draft(fp_kz, title="Heroin route through the northern crossing")
    client.force_login(fp_kz)
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(
        edit_url(share),
        {**form_data(title="A title typed just now", route_confirmed="RU,UZ"), "attachment": bad},
    )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert 'value="A title typed just now"' in response.content.decode()
    assert Share.objects.get(pk=share.pk).title == "Heroin route through the northern crossing"
    assert not ShareAttachment.objects.exists()


def test_the_service_refuses_a_bad_file_before_anything_is_written(fp_kz):
    share = factories.draft(fp_kz, title="Before")
    bad = SimpleUploadedFile("notes.txt", b"plain text, not an accepted type")
    with pytest.raises(services.ExchangeError) as error:
        services.update_share(share, actor=fp_kz, title="After", attachment=bad)
    assert error.value.field == "file"
    assert Share.objects.get(pk=share.pk).title == "Before"
    assert not ShareAttachment.objects.exists()


def test_the_file_on_disk_is_not_the_plaintext(fp_kz, media):
    share = factories.draft(fp_kz)
    services.update_share(share, actor=fp_kz, attachment=png())
    files = [path for path in media.rglob("*") if path.is_file()]
    assert len(files) == 1
    stored = files[0].read_bytes()
    assert b"Falcon" not in stored
    assert b"PNG" not in stored
    assert "courier" not in files[0].name


def test_a_download_is_an_attachment_and_counts_as_a_read(client, fp_kz):
    share = factories.draft(fp_kz)
    services.update_share(share, actor=fp_kz, attachment=png())
    item = ShareAttachment.objects.get()
    client.force_login(fp_kz)
    response = client.get(download_url(item))
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert "courier.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert ShareRead.objects.filter(share=share, user=fp_kz, via="download").count() == 1


def test_an_outsider_gets_404_for_the_file(client, fp_kz, fp_cn):
    share = factories.draft(fp_kz)
    services.update_share(share, actor=fp_kz, attachment=png())
    item = ShareAttachment.objects.get()
    client.force_login(fp_cn)  # a recipient, but the share is a draft
    assert client.get(download_url(item)).status_code == 404
    assert not ShareRead.objects.filter(user=fp_cn).exists()


def test_another_shares_attachment_is_404_under_this_share(client, fp_kz):
    share, other = factories.draft(fp_kz), factories.draft(fp_kz)
    services.update_share(other, actor=fp_kz, attachment=png())
    item = ShareAttachment.objects.get()
    client.force_login(fp_kz)
    url = reverse("exchange:attachment", args=[share.pk, item.pk])
    assert client.get(url).status_code == 404


def test_a_recipient_downloads_once_released(client, fp_kz, approver_kz, approver_ru, fp_cn):
    share = factories.draft(fp_kz)
    services.update_share(share, actor=fp_kz, attachment=png())
    share = services.submit_share(share, actor=fp_kz)
    for approver in (approver_kz, approver_ru):
        share = factories.decide(share, approver=approver, decision="approve")
    assert share.status == Share.Status.RELEASED
    client.force_login(fp_cn)
    assert client.get(download_url(ShareAttachment.objects.get())).content == PNG


def test_a_new_file_on_a_pending_share_is_a_new_version(fp_kz):
    share = factories.pending(fp_kz)
    before = Share.objects.get(pk=share.pk).approval.content_hash
    services.update_share(share, actor=fp_kz, attachment=png())
    after = Share.objects.get(pk=share.pk).approval
    assert after.content_hash != before
    assert after.version == 2


def test_the_api_detail_lists_the_attachments(api_client, fp_kz):
    share = factories.draft(fp_kz)
    services.update_share(share, actor=fp_kz, attachment=png())
    api_client.force_authenticate(fp_kz)
    body = api_client.get(f"/api/v1/exchange/shares/{share.pk}/").json()
    [item] = body["attachments"]
    assert item["name"] == "courier.png"
    assert item["size"] == len(PNG)
    assert item["url"] == download_url(ShareAttachment.objects.get())
