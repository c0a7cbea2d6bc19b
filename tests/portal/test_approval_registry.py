"""One approval mechanism, deny by default: subjects are registered, and nothing else is asked."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_save

from cica_portal import approvals
from cica_portal.approvals import registry
from cica_portal.models import ApprovalRequest, State, StateAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_purpose():
    """A purpose whose subjects nobody may read."""
    approvals.register(
        approvals.SubjectType(
            purpose="test.hidden",
            model=State,
            visible_to=lambda user: State.objects.none(),
            on_closed=lambda subject, request, actor=None: None,
        )
    )
    yield "test.hidden"
    registry.unregister("test.hidden")


def test_every_app_registers_its_subjects_from_its_app_config():
    purposes = {subject_type.purpose for subject_type in approvals.registered()}
    assert {
        "actionplan.item",
        "actionplan.measure",
        "meetings.invitation",
        "exchange.release",
    } <= purposes


def test_no_model_carries_hooks_the_core_would_look_for_by_name():
    for model in apps.get_models():
        assert not hasattr(model, "on_approval_closed"), model
        assert not hasattr(model, "approval_subject_visible_to"), model


def test_opening_a_request_for_an_unregistered_purpose_fails_loudly(kz, secretariat):
    with pytest.raises(approvals.UnknownPurpose, match="No approval subject type"):
        approvals.open_request(
            kz,
            purpose="nobody.registered.this",
            title="T",
            content={},
            states=[kz],
            opened_by=secretariat,
        )
    assert not ApprovalRequest.objects.exists()


def test_a_subject_of_another_model_than_its_purpose_is_refused(kz, secretariat):
    with pytest.raises(approvals.UnknownPurpose, match="registered for"):
        approvals.open_request(
            secretariat,
            purpose="test",
            title="T",
            content={},
            states=[kz],
            opened_by=secretariat,
        )


def test_a_subject_type_without_a_visibility_rule_cannot_be_registered():
    with pytest.raises(ImproperlyConfigured):
        approvals.SubjectType(
            purpose="test.blind", model=State, visible_to=None, on_closed=lambda *a, **k: None
        )


def test_a_request_whose_purpose_is_no_longer_registered_shows_nothing(
    kz, secretariat, approver_kz, client
):
    request = approvals.open_request(
        kz, purpose="test", title="T", content={}, states=[kz], opened_by=secretariat
    )
    assert approvals.requests_visible_to(approver_kz).filter(pk=request.pk).exists()
    test_type = approvals.subject_type_for("test")
    registry.unregister("test")
    try:
        assert not approvals.requests_visible_to(approver_kz).exists()
        assert not approvals.requests_visible_to(secretariat).exists()
        client.force_login(approver_kz)
        assert client.get(f"/approvals/{request.pk}/").status_code == 404
    finally:
        approvals.register(test_type)


def test_a_subject_nobody_may_read_shows_no_request_and_takes_no_answer(
    hidden_purpose, kz, secretariat, approver_kz, client
):
    request = approvals.open_request(
        kz, purpose=hidden_purpose, title="T", content={}, states=[kz], opened_by=secretariat
    )
    for user in (approver_kz, secretariat):
        assert not approvals.requests_visible_to(user).exists()
        assert not approvals.inbox_for(user).exists()
    client.force_login(approver_kz)
    assert client.get(f"/approvals/{request.pk}/").status_code == 404
    with pytest.raises(approvals.ApprovalError) as error:
        approvals.answer_request(
            request, approver=approver_kz, decision="approve", seen_hash=request.content_hash
        )
    assert error.value.code == "forbidden"
    assert request.current_answers().get().is_pending


def test_nothing_outside_the_core_listens_for_answers():
    """The exchange once had its own signal receiver on answers; hooks are registered now."""
    assert not post_save.has_listeners(StateAnswer)
