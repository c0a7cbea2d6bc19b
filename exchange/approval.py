"""What the exchange plugs into the core: the release of a share by consent, and which share
links a person may still open."""

from cica_portal import approvals, links

from . import selectors, services
from .models import ReshareRequest, Share, ShareRead


def _record_read(share: Share, user) -> None:
    services.record_read(share, user=user, via=ShareRead.Via.APPROVAL)


RELEASE = approvals.SubjectType(
    purpose=selectors.PURPOSE,
    model=Share,
    # Only the parties to the consent (the originating state, the approvers asked) see the
    # request, its states, the approvers and their comments.
    visible_to=selectors.consent_parties,
    on_closed=services.close_consent,
    # No notice per state's answer: the author hears once, when the consent closes.
    on_viewed=_record_read,
    summary_template="exchange/approval_subject_share.html",
    summary_context=selectors.approval_summary,
)


# Passing a released share on (H2): the originating and concerned states decide on exactly
# that extension; the requesting state follows its request.
RESHARE = approvals.SubjectType(
    purpose=selectors.RESHARE_PURPOSE,
    model=ReshareRequest,
    visible_to=selectors.reshare_parties,
    on_closed=services.close_reshare,
    summary_template="exchange/approval_subject_reshare.html",
    summary_context=selectors.reshare_summary,
)


def register() -> None:
    approvals.register(RELEASE)
    approvals.register(RESHARE)
    links.register(
        "exchange:detail", lambda user, pk: selectors.visible_shares(user).filter(pk=pk).exists()
    )
