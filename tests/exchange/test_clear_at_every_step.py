"""Clear at every step (issue 16, point 7): who still has to answer, by when and what next; no
"pending" answers where nothing is pending; a re-asked approver sees what changed; drafts can
be deleted; a declined or expired share can be revised and submitted again; "all member
states" is one choice; a share expires exactly at its deadline."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, AuditRecord, State, StateAnswer
from exchange import selectors, services, versions
from exchange.models import Share, ShareVersion
from tests.exchange import factories
from tests.exchange.test_pages import form_data

pytestmark = pytest.mark.django_db
SHARES = "/api/v1/exchange/shares/"


def frozen_at(when):
    """A frozen clock for every `timezone.now()` the portal reads."""
    return mock.patch("django.utils.timezone.now", return_value=when)


def _decisions(share):
    return {row["state"]: row["decision"] for row in selectors.consents_of(share)}


# --- no "pending" where nothing is pending ------------------------------------------------------


def test_a_draft_shows_no_pending_answers(client, fp_kz):
    share = factories.draft(fp_kz)
    assert selectors.consents_of(share) == []
    client.force_login(fp_kz)
    page = client.get(share.get_absolute_url()).content.decode()
    assert "Pending" not in page
    assert "No state has been asked yet" in page


def test_a_declined_share_shows_no_pending_rows(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    share = factories.decide(share, approver=approver_ru, decision="object")
    assert _decisions(share) == {"KZ": "no_answer", "RU": "decline"}
    client.force_login(fp_kz)
    page = client.get(share.get_absolute_url()).content.decode()
    assert "status--pending" not in page
    assert "No answer" in page


def test_an_expired_share_shows_no_pending_rows(api_client, fp_kz):
    share = factories.pending(fp_kz)
    with frozen_at(share.consent_deadline + timedelta(seconds=1)):
        api_client.force_authenticate(fp_kz)
        data = api_client.get(f"{SHARES}{share.pk}/").json()
    assert data["status"] == "expired"
    assert {c["decision"] for c in data["consents"]} == {"no_answer"}


# --- what happens next ---------------------------------------------------------------------------


def test_the_page_names_the_states_still_to_answer_and_the_deadline_with_its_zone(
    client, fp_kz, approver_kz
):
    share = factories.pending(fp_kz, concerned=("RU", "UZ"))
    factories.decide(share, approver=approver_kz, decision="approve")
    client.force_login(fp_kz)
    page = client.get(share.get_absolute_url()).content.decode()
    box = page[page.index('id="next-heading"') :]
    box = box[: box.index("</section>")]
    assert "Russia" in box
    assert "Uzbekistan" in box
    assert "Kazakhstan" not in box  # it has answered
    assert "Asia/Almaty" in box  # the zone is named; the script shows the reader's own
    assert f'datetime="{timezone.localtime(share.consent_deadline).isoformat()}"' in box
    assert "one objection declines it" in box


@pytest.mark.parametrize(
    ("stage", "words"),
    [("draft", "Submit it"), ("released", "The recipients may read it")],
)
def test_the_next_step_is_said_in_words_for_each_status(
    client, fp_kz, approver_kz, approver_ru, stage, words
):
    share = factories.draft(fp_kz)
    if stage == "released":
        share = factories.submit_and_release(share, fp_kz, [approver_kz, approver_ru])
    client.force_login(fp_kz)
    assert words in client.get(share.get_absolute_url()).content.decode()


# --- an edit of a pending share: a warning, and the approvers see what changed ----------------


def test_editing_a_pending_share_warns_that_every_state_is_asked_again(client, fp_kz):
    share = factories.pending(fp_kz)
    client.force_login(fp_kz)
    page = client.get(reverse("exchange:edit", args=[share.pk])).content.decode()
    assert "voids every consent given so far and asks every state again" in page
    assert "Save and ask every state again" in page


def test_a_reasked_approver_sees_what_changed_since_their_state_answered(
    client, fp_kz, approver_ru, approver_kz
):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_ru, decision="approve")
    content = factories.trafficking_content(route="By rail through the southern crossing")
    services.update_share(share, actor=fp_kz, title="Heroin route, corrected", content=content)
    share.refresh_from_db()
    assert share.versions.count() == 2
    client.force_login(approver_ru)
    for url in (reverse("approval-detail", args=[share.approval_id]), share.get_absolute_url()):
        page = client.get(url).content.decode()
        changes = page[page.index('id="changes-heading"') :]
        assert "which your state answered" in changes
        assert "<del>Heroin route through the northern crossing</del>" in changes
        assert "<ins>Heroin route, corrected</ins>" in changes
        assert "<del>By road through the border crossing</del>" in changes
        assert "Illicit drugs" not in changes  # unchanged fields are not listed


def test_a_long_text_is_compared_word_by_word(fp_kz):
    share = factories.pending(fp_kz)
    old = (
        "Refrigerated lorries registered to new companies, crossing at night, with drivers "
        "who change at the border and papers issued the same week"
    )
    services.update_share(share, actor=fp_kz, content=factories.trafficking_content(indicators=old))
    new = old.replace("at night", "at dawn", 1)
    services.update_share(share, actor=fp_kz, content=factories.trafficking_content(indicators=new))
    share.refresh_from_db()
    row = next(r for r in versions.changes_for(share, fp_kz)["changes"] if "words" in r)
    assert ("-", "night,") in row["words"]
    assert ("+", "dawn,") in row["words"]


def test_the_first_version_shows_no_changes(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    page = client.get(reverse("approval-detail", args=[share.approval_id])).content.decode()
    assert 'id="changes-heading"' not in page


def test_a_red_shares_changes_name_the_field_but_not_the_text(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz, handling={"tlp": "RED"})
    services.update_share(share, actor=fp_kz, title="RED-SECRET-NEW-TITLE")
    client.force_login(approver_ru)
    page = client.get(reverse("approval-detail", args=[share.approval_id])).content.decode()
    assert 'id="changes-heading"' in page
    assert "RED-SECRET-NEW-TITLE" not in page


# --- drafts can be deleted ----------------------------------------------------------------------


def test_a_focal_point_deletes_a_draft_after_confirming(client, fp_kz):
    share = factories.draft(fp_kz)
    url = reverse("exchange:delete", args=[share.pk])
    client.force_login(fp_kz)
    assert "This cannot be undone" in client.get(url).content.decode()
    assert Share.objects.filter(pk=share.pk).exists()  # a GET only asks
    response = client.post(url)
    assert response.status_code == 302
    assert not Share.objects.filter(pk=share.pk).exists()
    record = AuditRecord.objects.get(action="exchange.share.deleted")
    assert record.object_id == str(share.pk)
    assert record.actor == fp_kz


def test_another_states_focal_point_gets_404_for_a_draft(client, fp_kz, fp_ru):
    share = factories.draft(fp_kz)
    client.force_login(fp_ru)
    assert client.post(reverse("exchange:delete", args=[share.pk])).status_code == 404
    assert Share.objects.filter(pk=share.pk).exists()


def test_a_submitted_share_cannot_be_deleted(client, fp_kz):
    share = factories.pending(fp_kz)
    client.force_login(fp_kz)
    assert client.post(reverse("exchange:delete", args=[share.pk])).status_code == 409
    assert Share.objects.filter(pk=share.pk).exists()
    with pytest.raises(services.ExchangeError):
        services.delete_draft(share, by=fp_kz)


# --- revise and submit again --------------------------------------------------------------------


def test_a_declined_share_is_revised_and_submitted_again_as_a_new_version(
    client, fp_kz, approver_ru, approver_kz
):
    share = factories.pending(fp_kz)
    first_request = share.approval_id
    factories.decide(share, approver=approver_ru, decision="object", comment="Name no persons.")
    client.force_login(fp_kz)
    assert "Revise and submit again" in client.get(share.get_absolute_url()).content.decode()
    url = reverse("exchange:revise", args=[share.pk])
    assert "A state objected" in client.get(url).content.decode()
    response = client.post(
        url, form_data(c_persons_involved="2", concerned_states=["RU"], route_confirmed="RU,UZ")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING_CONSENT
    assert share.approval_id != first_request
    old = ApprovalRequest.objects.get(pk=first_request)
    assert old.status == ApprovalRequest.Status.REJECTED  # the first round stays as history
    assert share.transitions.last().note == "revised and submitted again"
    assert _decisions(share) == {"KZ": "pending", "RU": "pending"}
    # The approver asked again sees what changed since the version RU objected to.
    client.force_login(approver_ru)
    page = client.get(reverse("approval-detail", args=[share.approval_id])).content.decode()
    assert "which your state answered" in page


def test_an_expired_share_is_revised_even_before_the_beat_records_it(fp_kz):
    share = factories.pending(fp_kz)
    later = share.consent_deadline + timedelta(minutes=1)
    with frozen_at(later):
        revised = services.resubmit_share(share, actor=fp_kz, title="Second version")
    old = ApprovalRequest.objects.get(pk=share.approval_id)
    assert old.status == ApprovalRequest.Status.EXPIRED
    assert revised.status == Share.Status.PENDING_CONSENT
    assert revised.consent_deadline > later
    moves = list(revised.transitions.values_list("to_status", flat=True))
    assert moves[-2:] == [Share.Status.EXPIRED, Share.Status.PENDING_CONSENT]


def test_only_a_declined_or_expired_share_is_revised(client, fp_kz, fp_kz_colleague):
    share = factories.pending(fp_kz)
    with pytest.raises(services.ExchangeError) as error:
        services.resubmit_share(share, actor=fp_kz)
    assert error.value.code == "conflict"
    client.force_login(fp_kz_colleague)
    assert client.get(reverse("exchange:revise", args=[share.pk])).status_code == 403


# --- all member states, one choice --------------------------------------------------------------


def test_all_member_states_is_one_choice_in_the_form(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    client.post(
        url, form_data(recipient_states=[], all_member_states="on", route_confirmed="RU,UZ")
    )
    share = Share.objects.get()
    members = set(State.objects.members().exclude(code="KZ").values_list("code", flat=True))
    assert set(share.recipient_states.values_list("code", flat=True)) == members
    assert "BY" not in members  # an observer is not a member state


def test_all_member_states_is_one_choice_in_the_api(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    body = {
        "template": "trafficking-case",
        "title": "To everyone",
        "content": factories.trafficking_content(),
        "concerned_states": ["RU"],
        "all_member_states": True,
    }
    data = api_client.post(SHARES, body, format="json").json()
    assert len(data["recipient_states"]) == State.objects.members().count() - 1
    assert "KZ" not in data["recipient_states"]


# --- a share expires exactly at its deadline ------------------------------------------------------


def test_a_share_is_expired_at_its_deadline_before_the_beat_runs(client, fp_kz):
    share = factories.pending(fp_kz)
    with frozen_at(share.consent_deadline - timedelta(seconds=1)):
        assert Share.objects.get(pk=share.pk).effective_status == Share.Status.PENDING_CONSENT
    with frozen_at(share.consent_deadline):
        share = Share.objects.get(pk=share.pk)
        assert share.status == Share.Status.PENDING_CONSENT  # not recorded yet
        assert share.effective_status == Share.Status.EXPIRED
        box = selectors.shares_for_list(fp_kz, box="mine")
        assert list(selectors.filter_status(box, "expired")) == [share]
        assert not selectors.filter_status(box, "pending_consent").exists()
        client.force_login(fp_kz)
        page = client.get(share.get_absolute_url()).content.decode()
    assert "status--expired" in page
    assert "Not every state answered by the deadline" in page


def test_no_answer_after_the_deadline_counts(api_client, fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    approvals.record_view(share.approval, user=approver_ru)
    with frozen_at(share.consent_deadline + timedelta(milliseconds=1)):
        api_client.force_authenticate(approver_ru)
        response = api_client.post(
            f"{SHARES}{share.pk}/decision/",
            {"decision": "approve", "comment": "", "content_hash": share.approval.content_hash},
            format="json",
        )
        assert response.status_code == 409
        assert not selectors.may_decide(approver_ru, Share.objects.get(pk=share.pk))
    answer = StateAnswer.objects.get(request=share.approval, state__code="RU", voided_at=None)
    assert answer.decision == "pending"  # nothing recorded
    assert Share.objects.get(pk=share.pk).status == Share.Status.PENDING_CONSENT


def test_the_beat_then_only_records_the_expiry(fp_kz):
    share = factories.pending(fp_kz)
    with frozen_at(share.consent_deadline):
        assert approvals.close_expired_requests() == 1
    share.refresh_from_db()
    assert share.status == Share.Status.EXPIRED
    assert ShareVersion.objects.filter(share=share).count() == 1
