"""Shares in each stage of their life, made through the services as people would."""

from __future__ import annotations

from cica_portal import approvals
from cica_portal.models import State
from exchange import services
from exchange.models import Share, ShareTemplate


def template(slug: str) -> ShareTemplate:
    return ShareTemplate.objects.get(slug=slug, is_current=True)


def trafficking_content(**overrides) -> dict:
    content = {
        "kind": "Illicit drugs",
        "origin_state": "KZ",
        "transit_states": ["UZ"],
        "destination_states": ["RU"],
        "route": "By road through the border crossing",
        "modus_operandi": "Concealed in agricultural produce",
        "indicators": "Refrigerated lorries, new companies",
        "first_detected": "2026-03-01",
        "persons_involved": 4,
    }
    content.update(overrides)
    return content


def document_content(number: str = "N 1234-567", **overrides) -> dict:
    content = {
        "document_number": number,
        "document_type": "Passport",
        "issuing_state": "KZ",
        "lost_or_stolen": "Stolen",
        "date_lost_or_stolen": "2026-05-02",
        "reported_to_interpol": True,
        "reported_to_interpol_on": "2026-05-03",
    }
    content.update(overrides)
    return content


def codes(*values: str) -> list[State]:
    return list(State.objects.filter(code__in=values))


def draft(
    author,
    *,
    slug: str = "trafficking-case",
    content: dict | None = None,
    concerned=("RU",),
    recipients=("CN",),
    secretariat_may_read: bool = False,
    title: str = "Heroin route through the northern crossing",
    handling: dict | None = None,
) -> Share:
    if content is None:
        content = trafficking_content() if slug == "trafficking-case" else document_content()
    return services.create_share(
        author=author,
        template=template(slug),
        title=title,
        content=content,
        concerned_states=codes(*concerned),
        recipient_states=codes(*recipients),
        secretariat_may_read=secretariat_may_read,
        handling=handling,
    )


def pending(author, **kwargs) -> Share:
    share = draft(author, **kwargs)
    return services.submit_share(share, actor=author)


def released(author, approvers, **kwargs) -> Share:
    share = pending(author, **kwargs)
    for approver in approvers:
        share = decide(share, approver=approver, decision="approve")
    assert share.status == Share.Status.RELEASED, share.status
    return share


def decide(share, *, approver, decision: str, comment: str = "", seen_hash=None) -> Share:
    """An approver who has read the current version answers for their state (the core's one
    answering service); an objection without a reason gets one."""
    if decision in {"decline", "object"} and not comment:
        comment = "Not to be released."
    share.refresh_from_db()
    approvals.answer_request(
        share.approval,
        approver=approver,
        decision=decision,
        comment=comment,
        seen_hash=seen_hash or share.approval.content_hash,
    )
    return Share.objects.get(pk=share.pk)


def submit(share: Share, author) -> Share:
    return services.submit_share(share, actor=author)


def submit_and_release(share: Share, author, approvers) -> Share:
    share = submit(share, author)
    for approver in approvers:
        share = decide(share, approver=approver, decision="approve")
    assert share.status == Share.Status.RELEASED, share.status
    return share
