"""The Secretariat manages templates in the admin; the history cannot be edited there."""

import json

import pytest
from django.urls import reverse

from exchange.models import ShareTemplate, ShareTransition
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def test_editing_a_template_makes_a_new_version(client, superuser, fp_kz):
    share = factories.draft(fp_kz, slug="lost-stolen-document", concerned=())
    old = share.template
    fields = [*old.fields, {"name": "mrz", "label": "MRZ line", "type": "text", "required": False}]
    client.force_login(superuser)
    response = client.post(
        reverse("admin:exchange_sharetemplate_change", args=[old.pk]),
        {"title": old.title, "description": old.description, "fields": json.dumps(fields)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    old.refresh_from_db()
    new = ShareTemplate.objects.get(slug=old.slug, is_current=True)
    assert new.version == old.version + 1 and not old.is_current
    assert "mrz" in new.field_names and "mrz" not in old.field_names
    share.refresh_from_db()
    assert share.template_id == old.pk


def test_a_malformed_template_is_refused(client, superuser):
    old = factories.template("trafficking-case")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:exchange_sharetemplate_change", args=[old.pk]),
        {"title": old.title, "description": "", "fields": json.dumps([{"name": "X"}])},
    )
    assert response.status_code == 200
    assert ShareTemplate.objects.filter(slug=old.slug).count() == 1


def test_transitions_cannot_be_edited_or_deleted(client, superuser, fp_kz):
    share = factories.draft(fp_kz)
    row = ShareTransition.objects.get(share=share)
    client.force_login(superuser)
    url = reverse("admin:exchange_sharetransition_change", args=[row.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"to_status": "released"})
    row.refresh_from_db()
    assert row.to_status == "draft"
    delete = reverse("admin:exchange_sharetransition_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_the_share_admin_shows_no_title_or_content(client, superuser, fp_kz):
    share = factories.draft(fp_kz)
    client.force_login(superuser)
    for url in (
        reverse("admin:exchange_share_changelist"),
        reverse("admin:exchange_share_change", args=[share.pk]),
    ):
        page = client.get(url).content.decode()
        assert share.title not in page and "Concealed" not in page
