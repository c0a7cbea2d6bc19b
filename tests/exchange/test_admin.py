"""The exchange's admin shows each user only what the portal shows them: the Secretariat, only
the shares released to it, never who read a share or how it moved; staff and superuser status
open nothing. Templates are maintained there, each change a new version, audited."""

import json

import pytest
from django.urls import reverse

from cica_portal.models import AuditRecord
from exchange import services
from exchange.models import Share, ShareRead, ShareTemplate, ShareTransition
from tests.exchange import factories
from tests.factories import SecretariatAdminFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:exchange_share_changelist"


@pytest.fixture
def staff(db):
    """Secretariat staff with every model permission of the portal's apps (as in the demo)."""
    return SecretariatAdminFactory(username="secretariat-staff")


@pytest.fixture
def shares(fp_kz, fp_ru, approver_kz, approver_ru, approver_cn):
    """Kazakhstan's shares kept from the Secretariat, and one Russia released to it."""
    kept = {
        "draft": factories.draft(fp_kz, slug="lost-stolen-document", concerned=()),
        "pending": factories.pending(fp_kz, secretariat_may_read=True),
        "released": factories.released(fp_kz, [approver_kz, approver_ru]),
    }
    withdrawn = factories.released(fp_kz, [approver_kz, approver_ru], secretariat_may_read=True)
    kept["withdrawn"] = services.withdraw_share(withdrawn, actor=fp_kz)
    given = factories.released(
        fp_ru,
        [approver_ru, approver_cn],
        concerned=("CN",),
        recipients=("KZ",),
        secretariat_may_read=True,
        title="Released to the Secretariat",
    )
    return kept, given


def changelist(client, **query):
    response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    return response.context["cl"]


def test_the_secretariat_does_not_see_a_share_kept_from_it_in_the_admin(client, staff, shares):
    _kept, given = shares
    client.force_login(staff)
    cl = changelist(client)
    assert [share.pk for share in cl.result_list] == [given.pk]
    assert cl.result_count == 1
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "1 share" in page and "Kazakhstan" not in page


def test_a_hidden_shares_pages_answer_as_a_missing_ones_do(client, staff, shares):
    kept, given = shares
    client.force_login(staff)
    missing = Share.objects.order_by("-pk").first().pk + 100
    for action in ("change", "history"):
        absent = client.get(reverse(f"admin:exchange_share_{action}", args=[missing]))
        assert absent.status_code == 302 and absent["Location"] == reverse("admin:index")
        for share in kept.values():
            response = client.get(reverse(f"admin:exchange_share_{action}", args=[share.pk]))
            assert (response.status_code, response["Location"]) == (302, absent["Location"])
        shown = client.get(reverse(f"admin:exchange_share_{action}", args=[given.pk]))
        assert shown.status_code == 200
    for share in [*kept.values(), given]:
        delete = reverse("admin:exchange_share_delete", args=[share.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Share.objects.count() == 5


def test_search_and_filters_of_the_share_admin_name_only_visible_shares(client, staff, shares):
    kept, given = shares
    client.force_login(staff)
    for share in kept.values():
        assert changelist(client, q=str(share.pk)).result_count == 0
    assert changelist(client, q=str(given.pk)).result_count == 1
    assert changelist(client, status__exact="draft").result_count == 0
    # The filter by state offers the states of visible rows only: here one, so no filter at all
    # (the templates' filter lists the templates, which every network member knows).
    specs = {spec.title: spec for spec in changelist(client).filter_specs}
    states = [label for _pk, label in getattr(specs.get("originating state"), "lookup_choices", [])]
    assert "Kazakhstan" not in states
    assert "Kazakhstan" not in client.get(reverse(CHANGELIST)).content.decode()


def test_a_superuser_opens_no_share_in_the_admin(client, shares):
    kept, given = shares
    root = SecretariatFactory(username="root", role="", is_superuser=True)
    client.force_login(root)
    assert changelist(client).result_count == 0
    for share in [*kept.values(), given]:
        response = client.get(reverse("admin:exchange_share_change", args=[share.pk]))
        assert response.status_code == 302


def test_the_secretariat_sees_no_read_or_transition_of_any_share(client, staff, shares):
    """The share's page shows who read it and how it moved to its originating state only."""
    _kept, given = shares
    services.record_read(given, user=staff, via=ShareRead.Via.PAGE)
    client.force_login(staff)
    for model in ("shareread", "sharetransition"):
        response = client.get(reverse(f"admin:exchange_{model}_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0
    for row in [*ShareTransition.objects.all(), *ShareRead.objects.all()]:
        name = row._meta.model_name
        response = client.get(reverse(f"admin:exchange_{name}_change", args=[row.pk]))
        assert response.status_code == 302
    search = client.get(reverse("admin:exchange_shareread_changelist"), {"q": str(given.pk)})
    assert search.context["cl"].result_count == 0


def test_the_originating_state_sees_its_shares_history_read_only(client, fp_kz, shares):
    kept, _given = shares
    fp_kz.is_staff = fp_kz.is_superuser = True
    fp_kz.save()
    client.force_login(fp_kz)
    listed = client.get(reverse("admin:exchange_sharetransition_changelist")).context["cl"]
    assert {row.share_id for row in listed.result_list} == {s.pk for s in kept.values()}
    row = ShareTransition.objects.filter(share=kept["draft"]).get()
    url = reverse("admin:exchange_sharetransition_change", args=[row.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"to_status": "released"})
    row.refresh_from_db()
    assert row.to_status == "draft"
    delete = reverse("admin:exchange_sharetransition_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_the_audit_log_admin_keeps_the_exchange_from_the_secretariat(client, staff, shares):
    """Who created, read or was asked to consent to a share is the share's history."""
    _kept, _given = shares
    assert AuditRecord.objects.filter(object_type="exchange.share").exists()
    assert AuditRecord.objects.filter(action="approval.opened").exists()
    client.force_login(staff)
    response = client.get(reverse("admin:cica_portal_auditrecord_changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].queryset)
    assert shown, "the log's other records stay visible"
    assert not [r for r in shown if r.object_type == "exchange.share"]
    assert not [r for r in shown if r.object_type == "cica_portal.approvalrequest"]
    hidden = AuditRecord.objects.filter(object_type="exchange.share").first()
    page = client.get(reverse("admin:cica_portal_auditrecord_change", args=[hidden.pk]))
    assert page.status_code == 302
    search = client.get(reverse("admin:cica_portal_auditrecord_changelist"), {"q": "exchange"})
    assert not [r for r in search.context["cl"].queryset if r.object_type == "exchange.share"]


def test_the_share_admin_shows_no_title_or_content(client, staff, shares):
    _kept, given = shares
    client.force_login(staff)
    for url in (
        reverse(CHANGELIST),
        reverse("admin:exchange_share_change", args=[given.pk]),
    ):
        page = client.get(url).content.decode()
        assert given.title not in page and "Concealed" not in page


def test_editing_a_template_makes_a_new_version(client, staff, fp_kz):
    share = factories.draft(fp_kz, slug="lost-stolen-document", concerned=())
    old = share.template
    fields = [*old.fields, {"name": "mrz", "label": "MRZ line", "type": "text", "required": False}]
    client.force_login(staff)
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
    record = AuditRecord.objects.get(action="exchange.template.versioned")
    assert record.actor == staff and record.object_id == str(new.pk)
    assert record.data["from"] == old.version and record.data["to"] == new.version


def test_a_template_saved_unchanged_stays_as_it_is(client, staff):
    old = factories.template("trafficking-case")
    versions = ShareTemplate.objects.filter(slug=old.slug).count()
    client.force_login(staff)
    response = client.post(
        reverse("admin:exchange_sharetemplate_change", args=[old.pk]),
        {"title": old.title, "description": old.description, "fields": json.dumps(old.fields)},
    )
    assert response.status_code == 302
    assert ShareTemplate.objects.filter(slug=old.slug).count() == versions
    assert not AuditRecord.objects.filter(action__startswith="exchange.template").exists()


def test_a_template_added_in_the_admin_is_audited(client, staff):
    fields = [{"name": "summary", "label": "Summary", "type": "long_text", "required": True}]
    client.force_login(staff)
    response = client.post(
        reverse("admin:exchange_sharetemplate_add"),
        {"slug": "cyber-incident", "title": "Cyber incident", "fields": json.dumps(fields)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ShareTemplate.objects.get(slug="cyber-incident")
    assert template.version == 1 and template.is_current
    record = AuditRecord.objects.get(action="exchange.template.created")
    assert record.actor == staff and record.object_id == str(template.pk)


def test_a_malformed_template_is_refused(client, staff):
    old = factories.template("trafficking-case")
    versions = ShareTemplate.objects.filter(slug=old.slug).count()
    client.force_login(staff)
    response = client.post(
        reverse("admin:exchange_sharetemplate_change", args=[old.pk]),
        {"title": old.title, "description": "", "fields": json.dumps([{"name": "X"}])},
    )
    assert response.status_code == 200
    assert ShareTemplate.objects.filter(slug=old.slug).count() == versions


def test_a_refusal_at_save_time_is_a_message_with_nothing_written(client, staff, monkeypatch):
    """E.g. a version saved by someone else between the form and the lock."""
    from exchange import template_versions

    old = factories.template("trafficking-case")

    def refuse(*args, **kwargs):
        ShareTemplate.objects.filter(pk=old.pk).update(title="half-written")
        raise template_versions.TemplateError("A newer version was saved meanwhile.")

    monkeypatch.setattr(template_versions, "save_new_version", refuse)
    client.force_login(staff)
    url = reverse("admin:exchange_sharetemplate_change", args=[old.pk])
    response = client.post(
        url, {"title": "Mine", "description": "", "fields": json.dumps(old.fields)}
    )
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "A newer version was saved meanwhile." in page
    old.refresh_from_db()
    assert old.title != "half-written"
