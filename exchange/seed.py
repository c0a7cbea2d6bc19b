"""Demo shares in every stage of their life, so that `fp-kz` and `approver-ru` see the flow.

Idempotent: each demo share is found by its originating state and title; an existing one is
left exactly as it is.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, State, User

from . import services
from .models import Share, ShareTemplate


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _states(*codes: str) -> list[State]:
    return list(State.objects.filter(code__in=codes))


def _members() -> list[State]:
    return list(State.objects.members())


def _make(cc: str, slug: str, title: str, content: dict, concerned, recipients, **kw):
    author = _user(f"fp-{cc}")
    if author is None:
        return None, False
    # Matched on the decrypted title: a RED share's is not in the clear column.
    mine = Share.objects.filter(originating_state=author.state, template__slug=slug)
    existing = next((share for share in mine.order_by("pk") if share.title == title), None)
    if existing:
        return existing, False
    share = services.create_share(
        author=author,
        template=ShareTemplate.objects.get(slug=slug, is_current=True),
        title=title,
        content=content,
        concerned_states=concerned,
        recipient_states=recipients,
        secretariat_may_read=kw.get("secretariat_may_read", False),
        handling=kw.get("handling", {"tlp": "AMBER", "handling_codes": ["H0", "H2"]}),
    )
    return share, True


def _approve(share: Share, *codes: str, decision: str = "approve", comment: str = "") -> Share:
    """The demo approvers answer the version the seed itself wrote (and so has read)."""
    for code in codes:
        approver = _user(f"approver-{code}")
        if approver and share.status == Share.Status.PENDING_CONSENT:
            approvals.answer_request(
                share.approval,
                approver=approver,
                decision=decision,
                comment=comment,
                seen_hash=share.approval.content_hash,
            )
            share = Share.objects.get(pk=share.pk)
    return share


def _trafficking(origin, transit, destination, **extra) -> dict:
    return {
        "kind": "Illicit drugs",
        "origin_state": origin,
        "transit_states": transit,
        "destination_states": destination,
        "route": "Road transport through the main border crossing, then rail to the capital",
        "modus_operandi": "Consignments concealed in refrigerated lorries carrying produce; "
        "companies registered shortly before the first shipment.",
        "indicators": "Newly registered exporters; paperwork for perishable goods that stays "
        "long at the border; payments split across several accounts.",
        "first_detected": "2026-02-10",
        "last_detected": "2026-05-28",
        "persons_involved": 6,
        **extra,
    }


def _document(number: str, issuing: str, **extra) -> dict:
    return {
        "document_number": number,
        "document_type": "Passport",
        "issuing_state": issuing,
        "lost_or_stolen": "Stolen",
        "date_lost_or_stolen": "2026-04-17",
        "place_lost_or_stolen": "International airport, arrivals hall",
        "reported_to_interpol": True,
        "reported_to_interpol_on": "2026-04-18",
        **extra,
    }


@transaction.atomic
def seed_demo(*, password: str, stdout) -> None:
    """Create the demo shares once; `password` is unused (the people exist already)."""
    if not ShareTemplate.objects.exists() or _user("fp-kz") is None:
        stdout.write("Exchange: templates or demo people missing; no demo shares.")
        return
    made = 0

    # Released: a KZ trafficking case concerning RU and UZ, to several states.
    share, new = _make(
        "kz",
        "trafficking-case",
        "Drug consignments on the northern route",
        _trafficking("KZ", ["UZ"], ["RU"]),
        _states("RU", "UZ"),
        _states("RU", "UZ", "CN", "KG", "TJ"),
    )
    if new:
        share = services.submit_share(share, actor=share.author)
        _approve(share, "kz", "ru", "uz")
        made += 1

    # Released to every member state and the Secretariat: a stolen Kazakh passport, and a
    # Russian passport with the same number: two documents, each reported by its issuing state.
    for cc, title in (
        ("kz", "Stolen passport N 0451-9937"),
        ("ru", "Stolen passport reported at the border, N04519937"),
    ):
        share, new = _make(
            cc,
            "lost-stolen-document",
            title,
            _document("N 0451-9937" if cc == "kz" else "n04519937", cc.upper()),
            [],
            _members(),
            secretariat_may_read=True,
        )
        if new:
            share = services.submit_share(share, actor=share.author)
            _approve(share, cc)
            made += 1

    # Pending: KZ has consented, RU's consent is asked.
    share, new = _make(
        "kz",
        "terrorism-information",
        "Recruitment through messaging channels",
        {
            "nature": "Recruitment",
            "summary": "Recruiters approach young workers abroad through closed messaging "
            "channels and offer paid travel.",
            "period_start": "2026-01-01",
            "places": "Border towns; labour migration hubs",
            "related_states": ["RU"],
            "assessment": "Probably an organised network active in at least two states.",
        },
        _states("RU"),
        _states("RU", "KG"),
    )
    if new:
        share = services.submit_share(share, actor=share.author)
        _approve(share, "kz")
        made += 1

    # Draft: still within Kazakhstan.
    share, new = _make(
        "kz",
        "trafficking-case",
        "Migrant smuggling via the southern crossing (draft)",
        _trafficking("UZ", [], ["KZ"], kind="Smuggling of migrants"),
        _states("UZ"),
        _states("UZ"),
    )
    made += new

    # Declined: a Chinese case that Kazakhstan's approver declined.
    share, new = _make(
        "cn",
        "trafficking-case",
        "Precursor chemicals shipped westwards",
        _trafficking("CN", ["KZ"], ["RU"], kind="Other"),
        _states("KZ", "RU"),
        _states("KZ", "RU"),
    )
    if new:
        share = services.submit_share(share, actor=share.author)
        _approve(share, "cn")
        _approve(share, "kz", decision="decline", comment="Not to be released yet.")
        made += 1

    # Withdrawn: a lost identity card, later found.
    share, new = _make(
        "kz",
        "lost-stolen-document",
        "Lost identity card 045 118 220 (found)",
        _document("045118220", "KZ", document_type="Identity card", lost_or_stolen="Lost"),
        [],
        _states("RU", "UZ", "KG"),
    )
    if new:
        share = services.submit_share(share, actor=share.author)
        share = _approve(share, "kz")
        services.withdraw_share(share, actor=share.author)
        made += 1

    # Expired: a Tajik case that Russia did not answer in time.
    share, new = _make(
        "tj",
        "trafficking-case",
        "Counterfeit medicines by air freight",
        _trafficking("TJ", [], ["RU"], kind="Other"),
        _states("RU"),
        _states("RU", "KZ"),
    )
    if new:
        share = services.submit_share(share, actor=share.author)
        _approve(share, "tj")
        ApprovalRequest.objects.filter(pk=share.approval_id).update(
            deadline=timezone.now() - timedelta(minutes=1)
        )
        approvals.close_expired_requests()
        made += 1

    stdout.write(f"Exchange: {made} demo shares created.")
