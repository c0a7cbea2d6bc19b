"""Consent is bound to the version read, on every answering surface, with one vocabulary."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import StateAnswer
from exchange import services
from exchange.models import Share
from tests.exchange import factories

pytestmark = pytest.mark.django_db
SHARES = "/api/v1/exchange/shares/"


def _pending_answers(share):
    share.refresh_from_db()
    return share.approval.current_answers().filter(decision="pending").count()


def test_the_share_detail_gives_the_hash_the_approvals_show(api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    data = api_client.get(f"{SHARES}{share.pk}/").json()
    approval = api_client.get(f"/api/v1/approvals/{share.approval_id}/").json()
    assert data["content_hash"] == approval["content_hash"] == share.approval.content_hash


def test_an_approver_never_shown_the_text_cannot_consent_through_the_api(
    api_client, fp_kz, approver_ru
):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    response = api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 409
    assert _pending_answers(share) == 2  # nothing recorded
    generic = api_client.post(
        f"/api/v1/approvals/{share.approval_id}/answer/", {"decision": "approve"}
    )
    assert generic.status_code == 409
    assert _pending_answers(share) == 2


def test_an_answer_without_a_hash_is_bound_to_the_version_last_read(api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    api_client.get(f"{SHARES}{share.pk}/")  # reads version 1
    services.update_share(share, actor=fp_kz, title="A changed title")  # version 2
    response = api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 409, response.content
    assert _pending_answers(share) == 2
    api_client.get(f"{SHARES}{share.pk}/")  # reads version 2
    response = api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 200
    answer = StateAnswer.objects.get(request=share.approval, state__code="RU", version=2)
    assert answer.decision == "approve"
    assert answer.content_hash == share.approval.content_hash


def test_a_stale_hash_is_refused_with_409_and_nothing_recorded(api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    old = api_client.get(f"{SHARES}{share.pk}/").json()["content_hash"]
    services.update_share(share, actor=fp_kz, title="A changed title")
    for url in (f"{SHARES}{share.pk}/decision/", f"/api/v1/approvals/{share.approval_id}/answer/"):
        response = api_client.post(url, {"decision": "approve", "content_hash": old})
        assert response.status_code == 409, url
    assert _pending_answers(share) == 2


def test_a_reading_on_the_approval_page_binds_an_api_answer(client, api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    assert client.get(reverse("approval-detail", args=[share.approval_id])).status_code == 200
    api_client.force_authenticate(approver_ru)
    assert (
        api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"}).status_code == 200
    )


@pytest.mark.parametrize("word", ["decline", "object"])
def test_an_objection_needs_a_reason_on_every_api(api_client, fp_kz, approver_ru, word):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    hash_ = api_client.get(f"{SHARES}{share.pk}/").json()["content_hash"]
    for url in (f"{SHARES}{share.pk}/decision/", f"/api/v1/approvals/{share.approval_id}/answer/"):
        response = api_client.post(url, {"decision": word, "content_hash": hash_})
        assert response.status_code == 400, url
        assert "comment" in response.json(), url
    assert _pending_answers(share) == 2


@pytest.mark.parametrize("word", ["decline", "object"])
def test_decline_and_object_are_the_same_answer(api_client, fp_kz, approver_ru, word):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    hash_ = api_client.get(f"{SHARES}{share.pk}/").json()["content_hash"]
    response = api_client.post(
        f"{SHARES}{share.pk}/decision/",
        {"decision": word, "comment": "Do not release", "content_hash": hash_},
    )
    assert response.json()["status"] == "declined"
    answer = StateAnswer.objects.get(request=share.approval, state__code="RU")
    assert answer.decision == StateAnswer.Decision.OBJECT


def test_the_web_form_needs_a_reason_and_a_confirmation_to_object(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    url = reverse("approval-detail", args=[share.approval_id])
    client.get(url)
    seen = share.approval.content_hash
    response = client.post(url, {"decision": "object", "comment": "", "seen_hash": seen})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "comment" in errors
    assert "confirm_objection" in errors
    response = client.post(url, {"decision": "object", "comment": "Too early", "seen_hash": seen})
    assert "confirm_objection" in response.context["form"].errors
    assert "Too early" in response.content.decode()  # what was typed is kept
    assert _pending_answers(share) == 2
    response = client.post(
        url,
        {
            "decision": "object",
            "comment": "Too early",
            "seen_hash": seen,
            "confirm_objection": "on",
        },
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == Share.Status.DECLINED


def test_the_share_page_answers_through_the_same_form_and_service(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    page = client.get(share.get_absolute_url())
    form = page.context["decision_form"]
    assert "confirm_objection" in form.fields
    assert form.initial["seen_hash"] == share.approval.content_hash
    response = client.post(
        reverse("exchange:decide", args=[share.pk]),
        {"decision": "object", "comment": "", "seen_hash": share.approval.content_hash},
    )
    assert response.status_code == 200
    assert "comment" in response.context["decision_form"].errors
    response = client.post(
        reverse("exchange:decide", args=[share.pk]),
        {"decision": "approve", "seen_hash": share.approval.content_hash},
    )
    assert response.status_code == 302
    assert _pending_answers(share) == 1


def test_a_stale_web_form_is_refused_and_keeps_the_comment(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    seen = share.approval.content_hash
    services.update_share(share, actor=fp_kz, title="A changed title")
    response = client.post(
        reverse("approval-detail", args=[share.approval_id]),
        {"decision": "approve", "comment": "Agreed, typed carefully", "seen_hash": seen},
    )
    assert response.status_code == 200
    assert "The text changed" in response.content.decode()
    assert "Agreed, typed carefully" in response.content.decode()
    assert _pending_answers(share) == 2


def test_the_exchange_has_no_consent_path_of_its_own():
    from cica_portal.forms import AnswerForm
    from exchange import forms, views

    assert not hasattr(services, "decide")
    assert not hasattr(forms, "DecisionForm")
    assert views.AnswerForm is AnswerForm


def test_rendering_the_subject_on_the_approval_page_writes_nothing(fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    template, context = approvals.summary_for(share.approval, approver_ru)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(template, context)
    assert share.title in html
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert not share.reads.exists()


def test_the_approval_page_records_the_read_in_the_view(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    client.get(reverse("approval-detail", args=[share.approval_id]))
    assert share.reads.filter(user=approver_ru, via="approval").count() == 1
    assert approvals.last_shown_version(share.approval, approver_ru) == share.approval.content_hash
