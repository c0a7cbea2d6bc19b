"""What may be put to the member states' approval: an explicit registry of subject types.

Each app registers its subjects from its `AppConfig.ready()`, like `admin.site.register`:

    approvals.register(SubjectType(
        purpose="exchange.release", model=Share,
        visible_to=selectors.consent_parties,        # deny by default: required
        on_closed=services.close_consent,
    ))

The core refuses to open a request for a purpose that nobody registered, and a request whose
purpose is not (or no longer) registered is shown to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cica_portal.registries import Registry

if TYPE_CHECKING:
    from cica_portal.models import ApprovalRequest, StateAnswer, User

Hook = Callable[..., None]


@dataclass(frozen=True)
class SubjectType:
    """What the core needs to know of one kind of subject.

    - `visible_to(user)`: the subjects (a queryset of `model`) that this user may read. A
      request, its states, its answers, the approvers' names and comments are shown only to
      people who may read its subject.
    - `on_closed(subject, request, actor=...)`: runs in the closing transaction (approved, rejected,
      expired), so the subject moves with the outcome.
    - `on_answered(answer)`: runs in the answering transaction after each state's answer.
    - `on_withdrawn(request, actor=...)`: runs when the request is withdrawn.
    - `on_viewed(subject, user)`: a person was shown the subject on the approval page or API.
    - `summary_template` and `summary_context(subject, user)`: the subject as the approval page
      shows it to those who may read it.
    - `allows_silence`: the Secretariat may put such a subject's text under the silence
      procedure (plan items, measures); never a share, whose consent is each party's own.
    - `content_of(subject)`: the subject's text as a request approves it; given, a refused or
      expired request may be tabled again by whoever opened it, as a new request (`previous`).
    """

    purpose: str
    model: type[models.Model]
    visible_to: Callable[[User], models.QuerySet]
    on_closed: Hook
    on_answered: Hook | None = None
    on_withdrawn: Hook | None = None
    on_viewed: Hook | None = None
    summary_template: str = "portal/approvals/subject_default.html"
    summary_context: Callable[[Any, User], dict] | None = None
    allows_silence: bool = False
    content_of: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if not self.purpose or not callable(self.visible_to) or not callable(self.on_closed):
            raise ImproperlyConfigured(
                "An approval subject type needs a purpose, visible_to and on_closed."
            )

    def visible_ids(self, user: User) -> models.QuerySet:
        return self.visible_to(user).values("pk")

    def readable_subject(self, user: User) -> models.Exists:
        """A condition on a request (`subject_id`): its subject is one this user may read.

        Correlated on the request's subject, so that PostgreSQL may check the few requests a
        page or an inbox walks one index lookup each, instead of first gathering every subject
        the user may read (every share an approver may see, at 100,000 shares); for a count
        over many requests it may still choose to hash the set once.
        """
        return models.Exists(self.visible_to(user).filter(pk=models.OuterRef("subject_id")))

    def may_read(self, user: User, request: ApprovalRequest) -> bool:
        return self.visible_to(user).filter(pk=request.subject_id).exists()


class UnknownPurpose(ImproperlyConfigured):
    pass


_subject_types: Registry[SubjectType] = Registry(
    "Approval subject type",
    name_of=lambda subject_type: subject_type.purpose,
    model_of=lambda subject_type: subject_type.model,
    unknown=UnknownPurpose,
)
# Registering the same purpose twice with another model is an error.
register = _subject_types.register
unregister = _subject_types.unregister
# The registered type of this purpose; an unknown purpose fails loudly.
subject_type_for = _subject_types.get
# The registered type of this purpose, or None (for reads: an unknown purpose shows nothing
# rather than failing).
find = _subject_types.find
registered = _subject_types.registered


def answered(answer: StateAnswer) -> None:
    subject_type = find(answer.request.purpose)
    if subject_type and subject_type.on_answered:
        subject_type.on_answered(answer)
