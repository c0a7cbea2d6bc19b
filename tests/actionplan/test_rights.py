"""Each "may I" rule of the plan is one predicate: pages offer an action exactly when it says
yes and the services refuse exactly when it says no."""

import pytest
from django.urls import reverse

from actionplan import selectors, services
from actionplan.models import ImplementationReport, PlanItem
from actionplan.services import ActionPlanError
from cica_portal.models import Area

pytestmark = pytest.mark.django_db


def _done(act) -> bool:
    try:
        act()
    except ActionPlanError:
        return False
    return True


@pytest.mark.parametrize("status", list(PlanItem.Status))
def test_it_offers_putting_to_approval_exactly_when_the_service_does_it(
    client, plan, status, secretariat, fp_kz
):
    item = PlanItem.objects.get(area__number=1, kind="issue", number=2)
    PlanItem.objects.filter(pk=item.pk).update(status=status)
    item.refresh_from_db()
    url = reverse("actionplan:item-approval", args=[item.pk])
    for user in (secretariat, fp_kz):
        allowed = selectors.may_put_to_approval(user, item, selectors.open_request_of(item))
        assert allowed == (user == secretariat and status in selectors.APPROVABLE_STATUSES)
        client.force_login(user)
        page = client.get(reverse("actionplan:item", args=[item.pk]))
        # A proposed measure is not in the plan's pages (its proposal page asks the states).
        assert page.status_code == (404 if status == PlanItem.Status.PROPOSED else 200)
        assert (url in page.text) == (allowed and page.status_code == 200)
        assert _done(lambda u=user: services.put_to_approval(item, actor=u)) == allowed


def test_it_offers_withdrawing_only_an_open_request_and_not_asking_twice(client, plan, secretariat):
    item = PlanItem.objects.get(area__number=1, kind="issue", number=2)
    services.put_to_approval(item, actor=secretariat)
    rights = selectors.item_rights(secretariat, item, selectors.open_request_of(item))
    assert rights == {"change_status": True, "put_to_approval": False, "withdraw_approval": True}
    client.force_login(secretariat)
    page = client.get(reverse("actionplan:item", args=[item.pk])).text
    assert reverse("actionplan:item-approval-withdraw", args=[item.pk]) in page
    assert not _done(lambda: services.put_to_approval(item, actor=secretariat))
    services.withdraw_item_approval(item, actor=secretariat)
    assert not selectors.may_withdraw_item_approval(secretariat, selectors.open_request_of(item))


def test_it_offers_withdrawing_a_proposal_to_its_state_while_pending(
    client, plan, fp_kz, approver_kz, fp_ru
):
    proposal = services.propose_measure(
        proposer=fp_kz, area=Area.objects.get(number=4), title="Hotline", text="A hotline."
    )
    url = reverse("actionplan:proposal-withdraw", args=[proposal.pk])
    assert selectors.may_withdraw_proposal(approver_kz, proposal)
    for user in (fp_ru, fp_kz):
        allowed = selectors.may_withdraw_proposal(user, proposal)
        client.force_login(user)
        assert (url in client.get(proposal.get_absolute_url()).text) == allowed
    assert not _done(lambda: services.withdraw_proposal(proposal, actor=fp_ru))
    assert _done(lambda: services.withdraw_proposal(proposal, actor=fp_kz))
    proposal.refresh_from_db()
    assert not selectors.may_withdraw_proposal(fp_kz, proposal)
    assert url not in client.get(proposal.get_absolute_url()).text


def test_it_offers_proposing_to_focal_points_and_approvers_only(
    client, plan, fp_kz, approver_kz, secretariat
):
    propose_url = reverse("actionplan:propose")
    for user, allowed in ((fp_kz, True), (approver_kz, True), (secretariat, False)):
        assert selectors.may_propose(user) == allowed
        client.force_login(user)
        assert (propose_url in client.get(reverse("actionplan:proposals")).text) == allowed


def test_the_report_is_edited_by_its_state_and_returned_only_once_submitted(
    client, plan, cycle, fp_kz, fp_ru, secretariat
):
    report = services.start_report(cycle, actor=fp_kz)
    return_url = reverse("actionplan:report-return", args=[report.pk])
    assert selectors.may_edit_report(fp_kz, report)
    assert not selectors.may_edit_report(fp_ru, report)
    assert not selectors.may_return_report(secretariat, report)
    assert not _done(lambda: services.return_report(report, actor=secretariat, reason="Fix"))
    assert not _done(lambda: services.start_report(cycle, actor=secretariat))
    services.submit_report(report, actor=fp_kz)
    report.refresh_from_db()
    assert report.status == ImplementationReport.Status.SUBMITTED
    assert not selectors.may_edit_report(fp_kz, report)
    assert selectors.may_return_report(secretariat, report)
    client.force_login(secretariat)
    assert return_url in client.get(report.get_absolute_url()).text
    client.force_login(fp_kz)
    assert return_url not in client.get(report.get_absolute_url()).text
    assert _done(lambda: services.return_report(report, actor=secretariat, reason="Fix it"))
