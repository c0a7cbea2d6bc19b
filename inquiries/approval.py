"""What requests for information plug into the core: the third states' consent to an answer
(purpose "inquiries.answer"), the review's answer times, and which links a person may open."""

from django.utils.translation import gettext_lazy as _

from cica_portal import approvals, links, review_sections

from . import selectors, services
from .models import RequestedState

ANSWER = approvals.SubjectType(
    purpose=selectors.PURPOSE,
    model=RequestedState,
    # The answering state and the approvers of the third states asked: never the requester,
    # who reads the answer only once it is released.
    visible_to=selectors.consent_parties,
    on_closed=services.close_consent,
    summary_template="inquiries/approval_subject_answer.html",
    summary_context=selectors.approval_summary,
)

ANSWER_TIMES = review_sections.ReviewSection(
    name="inquiries.answer_times",
    model=RequestedState,
    order=110,  # after the sections of the plan's own apps (documents: 40; default: 100)
    title=_("Requests for information: answer times"),
    template="inquiries/review_section.html",
    figures=selectors.answer_times_for_year,
    rows=selectors.answer_time_rows,
)


def register() -> None:
    approvals.register(ANSWER)
    review_sections.register(ANSWER_TIMES)
    links.register(
        "inquiries:detail",
        lambda user, pk: selectors.visible_requests(user).filter(pk=pk).exists(),
    )
