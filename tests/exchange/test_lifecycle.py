"""Draft → pending consent → released / declined / expired; withdrawn by the originating state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, AuditRecord, Notification
from exchange import services
from exchange.models import Share, ShareGroupObjectPermission, ShareTransition
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def test_it_asks_the_originating_and_every_concerned_state(fp_kz, kz, ru, uz):
    share = factories.pending(fp_kz, concerned=("RU", "UZ"))
    request = share.approval
    assert request.purpose == "exchange.release"
    assert request.rule == ApprovalRequest.Rule.CONSENSUS
    assert {s.code for s in request.required_states.all()} == {"KZ", "RU", "UZ"}
    assert request.deadline > timezone.now() + timedelta(days=13)


def test_the_request_title_names_no_content(fp_kz):
    share = factories.pending(fp_kz, title="Secret operation Northern Lights")
    assert share.approval.title == (
        f"Release of a trafficking-case share from Kazakhstan (#{share.pk})"
    )
    assert "Northern" not in share.approval.title


def test_it_releases_when_the_last_state_approves(fp_kz, approver_kz, approver_ru, fp_cn):
    share = factories.pending(fp_kz)
    share = factories.decide(share, approver=approver_kz, decision="approve")
    assert share.status == Share.Status.PENDING_CONSENT
    assert not ShareGroupObjectPermission.objects.filter(content_object=share).exists()
    share = factories.decide(share, approver=approver_ru, decision="approve")
    assert share.status == Share.Status.RELEASED
    assert share.released_at is not None
    assert list(
        ShareGroupObjectPermission.objects.filter(content_object=share).values_list(
            "group__name", flat=True
        )
    ) == ["exchange:state:CN"]
    assert Notification.objects.filter(
        recipient=fp_cn, key=f"exchange:share:{share.pk}:released"
    ).exists()


def test_one_refusal_declines_and_nothing_is_released(fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    share = factories.decide(share, approver=approver_ru, decision="decline", comment="Not yet")
    assert share.status == Share.Status.DECLINED
    assert not ShareGroupObjectPermission.objects.exists()
    with pytest.raises(approvals.ApprovalError) as error:
        factories.decide(share, approver=approver_kz, decision="approve")
    assert error.value.code == "conflict"


def test_the_author_hears_once_when_the_consent_closes_with_every_answer(
    fp_kz, approver_kz, approver_ru
):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    assert not fp_kz.notifications.exists()  # no notice per state's answer
    factories.decide(share, approver=approver_ru, decision="decline")
    notice = fp_kz.notifications.get()
    assert notice.subject == f"Your share #{share.pk} is declined"
    assert "KZ: approve" in notice.body
    assert "RU: object" in notice.body
    assert notice.url == share.get_absolute_url()


def test_an_answer_on_the_shared_approval_page_counts_too(fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    approvals.answer_request(
        share.approval,
        approver=approver_kz,
        decision="approve",
        seen_hash=share.approval.content_hash,
    )
    approvals.answer_request(
        share.approval,
        approver=approver_ru,
        decision="approve",
        seen_hash=share.approval.content_hash,
    )
    share.refresh_from_db()
    assert share.status == Share.Status.RELEASED


def test_an_edit_while_pending_voids_the_consents_given(fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    services.update_share(
        share, actor=fp_kz, content=factories.trafficking_content(persons_involved=5)
    )
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING_CONSENT
    assert share.approval.version == 2
    assert all(a.is_pending for a in share.approval.current_answers())
    factories.decide(share, approver=approver_ru, decision="approve")
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING_CONSENT  # KZ must consent again
    factories.decide(share, approver=approver_kz, decision="approve")
    share.refresh_from_db()
    assert share.status == Share.Status.RELEASED


def test_a_new_concerned_state_while_pending_opens_a_new_request(fp_kz, approver_kz, uz):
    share = factories.pending(fp_kz)
    old = share.approval
    factories.decide(share, approver=approver_kz, decision="approve")
    services.update_share(share, actor=fp_kz, concerned_states=factories.codes("RU", "UZ"))
    share.refresh_from_db()
    old.refresh_from_db()
    assert old.status == ApprovalRequest.Status.WITHDRAWN
    assert {s.code for s in share.approval.required_states.all()} == {"KZ", "RU", "UZ"}
    assert all(a.is_pending for a in share.approval.current_answers())


def test_consents_not_given_by_the_deadline_let_it_expire(fp_kz, approver_kz):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    approvals.close_expired_requests(now=timezone.now() + timedelta(days=15))
    share.refresh_from_db()
    assert share.status == Share.Status.EXPIRED
    assert not ShareGroupObjectPermission.objects.exists()


def test_approvers_are_reminded_before_the_deadline(fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    sent = approvals.remind_pending_answers(now=timezone.now() + timedelta(days=12))
    assert sent >= 1
    assert approver_ru.notifications.filter(
        key=f"approval:{share.approval_id}:v1:reminder"
    ).exists()


def test_withdrawal_removes_every_right_and_tells_who_had_access(
    fp_kz, approver_kz, approver_ru, fp_cn, approver_uz
):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    services.withdraw_share(share, actor=fp_kz)
    share.refresh_from_db()
    assert share.status == Share.Status.WITHDRAWN
    assert not ShareGroupObjectPermission.objects.filter(content_object=share).exists()
    key = f"exchange:share:{share.pk}:withdrawn"
    told = set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))
    assert {"fp-kz", "approver-kz", "approver-ru", "fp-cn"} <= told
    assert "approver-uz" not in told


def test_withdrawing_a_pending_share_closes_its_request(fp_kz):
    share = factories.pending(fp_kz)
    services.withdraw_share(share, actor=fp_kz)
    share.approval.refresh_from_db()
    assert share.approval.status == ApprovalRequest.Status.WITHDRAWN


def test_only_the_originating_state_withdraws(fp_kz, fp_cn, approver_kz, approver_ru):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    with pytest.raises(services.ExchangeError) as error:
        services.withdraw_share(share, actor=fp_cn)
    assert error.value.code == "forbidden"
    services.withdraw_share(share, actor=approver_kz)  # the state, not only the author


def test_every_transition_is_recorded_and_audited(fp_kz, approver_kz, approver_ru):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    services.withdraw_share(share, actor=fp_kz)
    rows = list(ShareTransition.objects.filter(share=share).values_list("from_status", "to_status"))
    assert rows == [
        ("", "draft"),
        ("draft", "pending_consent"),
        ("pending_consent", "released"),
        ("released", "withdrawn"),
    ]
    actions = set(
        AuditRecord.objects.filter(
            object_type="exchange.share", object_id=str(share.pk)
        ).values_list("action", flat=True)
    )
    assert {"exchange.share.pending_consent", "exchange.share.released"} <= actions
    assert "exchange.share.withdrawn" in actions


def test_a_share_keeps_its_template_version(fp_kz):
    share = factories.draft(fp_kz)
    old = share.template
    old.is_current = False
    old.save(update_fields=["is_current"])
    new = factories.ShareTemplate.objects.create(
        slug=old.slug, version=old.version + 1, title=old.title, fields=old.fields
    )
    share.refresh_from_db()
    assert share.template_id == old.pk != new.pk


def test_a_user_who_moves_state_moves_group(fp_kz, ru):
    assert list(fp_kz.groups.values_list("name", flat=True)) == ["exchange:state:KZ"]
    fp_kz.state = ru
    fp_kz.save()
    assert list(fp_kz.groups.values_list("name", flat=True)) == ["exchange:state:RU"]
    fp_kz.is_active = False
    fp_kz.save(update_fields=["is_active"])
    assert not fp_kz.groups.exists()
