"""One object of each kind, owned by or related to state A (Kazakhstan), made through the apps'
own services and factories; and the people who try to reach them.

State A is KZ, state B is RU. Shares go to B once released; China is the concerned state whose
approver consents alongside A's, so B's people have no part in a share before its release.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actionplan import services as plan_services
from actionplan.models import PlanItem
from actionplan.services import proposals
from cica_portal import decisions, envelope, tokens
from cica_portal.models import Area, Notification, Organisation, RegisteredDecision
from cica_portal.notifications import Notice, notify
from exchange import attachments as exchange_attachments
from exchange import document_services
from exchange import services as exchange_services
from exchange.models import DocumentHit, DocumentNotice
from focalpoints import services as fp_services
from focalpoints.models import Activation
from meetings.models import MeetingDocument
from meetings.services import documents, invitations, letters, needs, registrations, training
from meetings.services import meetings as meeting_services
from tests.actionplan.factories import ReviewCycleFactory
from tests.exchange import factories as share_factories
from tests.factories import (
    ApproverFactory,
    FocalPointUserFactory,
    SecretariatFactory,
    api_token_for,
    state,
)
from tests.focalpoints.factories import FocalPointFactory, OrganisationContactFactory
from tests.meetings.factories import MeetingFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ROLES = ("anon", "fp_a", "fp_b", "ap_a", "ap_b", "sec", "off")


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    token_of_off: str = ""

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]


def build_world() -> World:
    """Everything the matrix walks, in every status that changes who may see it."""
    w = World()
    kz, ru = state("KZ"), state("RU")
    users = w.users
    users["fp_a"] = FocalPointUserFactory(username="fp-kz", state=kz)
    users["fp_b"] = FocalPointUserFactory(username="fp-ru", state=ru)
    users["ap_a"] = ApproverFactory(username="approver-kz", state=kz)
    users["ap_b"] = ApproverFactory(username="approver-ru", state=ru)
    users["sec"] = SecretariatFactory(username="secretariat")
    users["off"] = FocalPointUserFactory(username="fp-kz-former", state=kz)
    approver_cn = ApproverFactory(username="approver-cn", state=state("CN"))
    o = w.objects

    # --- action plan
    plan_services.load_plan()
    item = PlanItem.objects.filter(status=PlanItem.Status.UNDER_CONSIDERATION).order_by("pk")[0]
    o["item"] = item
    o["item_approval"] = plan_services.put_to_approval(item, actor=users["sec"])
    o["plain_item"] = PlanItem.objects.exclude(pk=item.pk).order_by("pk")[0]
    area = Area.objects.get(number=1)
    o["proposal"] = plan_services.propose_measure(
        proposer=users["fp_a"], area=area, title="Joint border patrol exercise", text="Annual."
    )
    o["proposal_approval"] = proposals.request_of(o["proposal"])
    cycle = ReviewCycleFactory()
    o["cycle"] = cycle
    o["report"] = plan_services.start_report(cycle, actor=users["fp_a"])
    o["attachment"] = plan_services.add_attachment(
        o["report"], actor=users["fp_a"], upload=SimpleUploadedFile("annex.pdf", PDF)
    )

    # --- focal points
    o["fp_entry"] = FocalPointFactory(state=kz, user=users["fp_a"], areas=[1])
    o["fp_nominated"] = fp_services.nominate(
        approver=users["ap_a"],
        areas=[Area.objects.get(number=2)],
        name="Deputy focal point MARK-NOMINATION",
        organisation="Ministry of Internal Affairs",
        email="deputy@example.kz",
        term_start=timezone.localdate(),
        role="deputy",
    )
    o["contact"] = OrganisationContactFactory()
    # The network's checks: an acting deputy, a communication test, the links its emails carry.
    o["fp_deputy"] = fp_services.add_acting_deputy(
        o["fp_entry"],
        actor=users["ap_a"],
        name="Acting focal point",
        email="acting@example.kz",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    o["fp_commtest"] = fp_services.start_communication_test(actor=users["sec"])
    o["fp_campaign"] = fp_services.open_campaign(actor=users["sec"])
    o["fp_test_message"] = o["fp_commtest"].messages.get(entry=o["fp_entry"])
    activation = Activation.objects.create(
        entry=o["fp_entry"], expires_at=timezone.now() + datetime.timedelta(days=10)
    )
    o["fp_links"] = SimpleNamespace(
        acknowledge=fp_services.message_token(o["fp_test_message"]),
        activate=fp_services.activation_token(activation),
    )

    # --- meetings
    meeting = MeetingFactory()
    o["meeting"] = meeting
    o["registration"] = registrations.register_delegation(
        meeting,
        by=users["fp_a"],
        delegates=[{"name": "Head of delegation MARK-DELEGATE", "role": "head", "position": "x"}],
    )
    for access in MeetingDocument.Access.values:
        o[f"doc_{access}"] = documents.upload_document(
            meeting,
            by=users["sec"],
            upload=SimpleUploadedFile(f"{access}.pdf", PDF),
            kind="report",
            title=f"Report MARK-DOC-{access}",
            access=access,
        )
    o["invitation"] = invitations.invite_organisation(
        meeting, Organisation.objects.get(code="IOM"), by=users["sec"]
    )
    o["invitation_approval"] = o["invitation"].approval
    o["letter"] = next(
        letter
        for letter in letters.generate_state_letters(
            meeting, by=users["sec"], kind="note_verbale", languages=["en"]
        )
        if letter.state_id == kz.pk
    )
    o["series"] = meeting_services.create_series(
        by=users["sec"],
        title="Seminars on police related issues",
        kind="police_seminar",
        first_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    o["training"] = training.request_training(
        by=users["fp_a"],
        area=area,
        topic="Document security MARK-TRAINING",
        preferred_period="Spring",
        expected_participants=12,
    )
    # --- meetings, issue 23 (agenda): the library's kept versions; training needs, A's draft
    for access in MeetingDocument.Access.values:
        o[f"version_{access}"] = o[f"doc_{access}"].versions.get()
    o["minutes"] = documents.upload_document(  # its page offers the circulation form
        meeting,
        by=users["sec"],
        upload=SimpleUploadedFile("minutes.pdf", PDF),
        kind="minutes",
        title="Draft minutes",
        access="secretariat",
    )
    o["questionnaire"] = needs.send_needs_questionnaire(
        by=users["sec"], area=Area.objects.get(number=2), title="Training needs", topics="Topic"
    )
    o["needs_answer"] = needs.save_needs_answer(
        o["questionnaire"],
        by=users["fp_a"],
        institutional_capacity="Police academy MARK-NEEDS",
        trainers_available=3,
        needs=[{"topic": "Topic", "trainees": 4}],
    )

    # --- exchange: A's shares, released to B; China consents with A.
    fp_a = users["fp_a"]

    def marked(stage: str) -> dict:
        return {
            "concerned": ("CN",),
            "recipients": ("RU",),
            "title": f"Share title {stage} MARK-TITLE-{stage}",
            "content": share_factories.trafficking_content(modus_operandi=f"MARK-CONTENT-{stage}"),
        }

    consenting = [users["ap_a"], approver_cn]
    o["share_draft"] = share_factories.draft(fp_a, **marked("draft"))
    o["share_pending"] = share_factories.pending(fp_a, **marked("pending"))
    o["share_released"] = share_factories.released(fp_a, consenting, **marked("released"))
    withdrawn = share_factories.released(fp_a, consenting, **marked("withdrawn"))
    o["share_withdrawn"] = exchange_services.withdraw_share(withdrawn, actor=fp_a)
    o["receipt"] = o["share_withdrawn"].withdrawal_receipts.get()  # B's, not yet acknowledged
    o["share_approval"] = o["share_pending"].approval
    for stage in ("draft", "released"):  # a file on each: downloads have the share's rights
        upload = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        o[f"attachment_{stage}"] = exchange_attachments.attach(
            o[f"share_{stage}"], upload, actor=fp_a, error_class=exchange_services.ExchangeError
        )

    # --- lost and stolen documents: a notice on A's released share (made as the release of a
    # lost/stolen share makes it, without adding a share), B's hit on it, and B's report of a
    # document of A that it found
    o["notice"] = DocumentNotice.objects.create(
        share=o["share_released"],
        issuing_state=kz,
        document_type="Passport",
        number_key=envelope.keyed_hash("MARKDOC1"),
        skeleton_key=envelope.keyed_hash("skeleton:MARKD0C1"),
        status=DocumentNotice.Status.STOLEN,
    )
    o["hit"] = DocumentHit.objects.create(
        share=o["share_released"],
        issuing_state=kz,
        checked_by=users["fp_b"],
        checked_by_state=ru,
        channel=DocumentHit.Channel.API,
    )
    o["found"] = document_services.report_found_document(
        by=users["fp_b"],
        issuing_state=kz,
        document_type="Passport",
        number="MARK-FOUND-doc",
        found_on=timezone.localdate(),
    )

    # --- the decision register: a meeting's decision (read by every network member) and the
    # released share's consent (read only by its parties, A and China)
    o["decision"] = decisions.record_decision(
        meeting,
        source="meetings.meeting",
        kind=RegisteredDecision.Kind.MEETING_DECISION,
        title="A meeting decision every network member reads",
        text="The meeting agreed the calendar of seminars.",
        origin="security:decision",
        by=users["sec"],
    )
    o["share_decision"] = RegisteredDecision.objects.get(approval=o["share_released"].approval)

    # --- requests for information: A asks China (B and the Secretariat see nothing of it);
    # B asks A, who answers (the Secretariat was not allowed to read either).
    from tests.inquiries.factories import send as send_inquiry

    FocalPointUserFactory(username="fp-cn", state=state("CN"))
    o["inquiry"] = send_inquiry(fp_a, to=("CN",))
    o["inquiry_to_a"] = send_inquiry(users["fp_b"], to=("KZ",))

    # --- a notification of A's focal point
    notify(
        [fp_a], key="security:test", notice=Notice("A test notice MARK-NOTICE", "Body."), url="/"
    )
    o["notification"] = Notification.objects.get(recipient=fp_a, key="security:test")

    # --- the deactivated user had a token; their session is made by the caller.
    w.token_of_off = api_token_for(users["off"])
    # --- an API token of A's focal point: only its owner sees or revokes it
    o["api_token"] = tokens.issue_token(users["fp_a"], name="A's export script")[0]
    return w
