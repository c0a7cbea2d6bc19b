"""Needs assessment for "training of the trainers" (Action Plan II.2): the Secretariat sends a
questionnaire, each member state's focal points answer it as a draft and submit it, and the
consolidated needs feed training requests and the annual review."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit, outbox
from cica_portal.models import Area, State, User
from cica_portal.notifications import Notice, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import Languages, NeedsAnswer, NeedsQuestionnaire, NeedsTopic
from .errors import MeetingError

MAX_TRAINEES = 500


@retry_on_deadlock
@transaction.atomic
def send_needs_questionnaire(
    *,
    by: User,
    area: Area,
    title: str,
    topics: str,
    introduction: str = "",
    answers_due: date | None = None,
) -> NeedsQuestionnaire:
    """Send a questionnaire on an area to the member states' focal points for that area, as
    the focal-point directory lists them (accounts told in the portal, mailboxes by email);
    the states it lists no one for are recorded, for the Secretariat to see."""
    if not selectors.may_send_needs_questionnaire(by):
        raise MeetingError(_("Only the Secretariat sends a questionnaire."), code="forbidden")
    listed = [line.strip() for line in topics.splitlines() if line.strip()]
    if not listed:
        raise MeetingError(_("Name at least one training topic, one a line."), field="topics")
    if len({topic.casefold() for topic in listed}) != len(listed):
        raise MeetingError(_("Each topic may be named only once."), field="topics")
    if any(len(topic) > 300 for topic in listed):
        raise MeetingError(_("A topic may have at most 300 characters."), field="topics")
    if answers_due and answers_due < timezone.localdate():
        raise MeetingError(_("The answers cannot be due in the past."), field="answers_due")
    questionnaire = NeedsQuestionnaire.objects.create(
        area=area,
        title=title,
        introduction=introduction,
        topics="\n".join(listed),
        answers_due=answers_due,
        sent_by=by,
    )
    addressees = selectors.needs_addressees(area)
    audit.log(
        questionnaire,
        "meetings.needs.sent",
        actor=by,
        data={
            "area": area.number,
            "topics": listed,
            "states": [state.code for state in addressees.reached],
            "accounts": len(addressees.users),
            "mailboxes": len(addressees.mailboxes),
            "without_focal_point": [state.code for state in addressees.without_focal_point],
        },
    )
    notice = _questionnaire_notice(questionnaire)
    notify(
        addressees.users,
        key=f"meetings:needs:{questionnaire.pk}:sent",
        notice=notice,
        url=questionnaire.get_absolute_url(),
    )
    _email_mailboxes(questionnaire, addressees.mailboxes, notice)
    return questionnaire


def _questionnaire_notice(questionnaire: NeedsQuestionnaire) -> Notice:
    return Notice(
        gettext_lazy("Training of the trainers: what does your state need?"),
        gettext_lazy(
            "The Secretariat asks each member state about its needs for training of the "
            "trainers (%(title)s): institutional capacity, trainers available, topics and "
            "languages. Save a draft and submit your state's answer."
        ),
        {"title": questionnaire.title},
    )


def _email_mailboxes(
    questionnaire: NeedsQuestionnaire, addresses: list[str], notice: Notice
) -> None:
    """The addresses the directory lists that no portal account reads (an office's mailbox):
    one email each, in both working languages, relayed after the commit."""
    if not addresses:
        return
    url = f"{settings.SITE_URL}{questionnaire.get_absolute_url()}"
    texts = []
    for language in ("en", "ru"):
        with translation.override(language):
            texts.append(notice.render())
    subject = f"[CICA] {texts[0][0]} / {texts[1][0]}"
    body = f"{texts[0][1]}\n{url}\n\n{texts[1][1]}\n{url}\n"
    outbox.enqueue_many(
        "focalpoints.send_email", [[address, subject, body] for address in addresses]
    )


def _clean_needs(questionnaire: NeedsQuestionnaire, needs: list[dict[str, Any]]) -> list[dict]:
    offered = set(questionnaire.topic_list)
    cleaned: dict[str, dict] = {}
    for need in needs:
        topic, trainees = need.get("topic"), int(need.get("trainees") or 0)
        if trainees <= 0:
            continue
        if topic not in offered:
            raise MeetingError(_("Choose topics from the questionnaire."), field="topics")
        if trainees > MAX_TRAINEES:
            raise MeetingError(
                _("At most %(n)d trainers per topic.") % {"n": MAX_TRAINEES}, field="topics"
            )
        language = need.get("language") or Languages.EN_RU
        if language not in Languages.values:
            raise MeetingError(_("Choose a language the portal knows."), field="topics")
        cleaned[topic] = {"topic": topic, "trainees": trainees, "language": language}
    return list(cleaned.values())


@retry_on_deadlock
@transaction.atomic
def save_needs_answer(
    questionnaire: NeedsQuestionnaire,
    *,
    by: User,
    institutional_capacity: str,
    trainers_available: int,
    other_needs: str = "",
    needs: list[dict[str, Any]],
    submit: bool = False,
) -> NeedsAnswer:
    """Save the user's state's answer as a draft, or save and submit it to the Secretariat."""
    questionnaire = NeedsQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not selectors.may_answer_needs(by, questionnaire):
        raise MeetingError(
            _("Only a focal point of a member state answers, while the questionnaire is open."),
            code="forbidden",
        )
    state: State = by.national_state
    answer, _created = NeedsAnswer.objects.select_for_update().get_or_create(
        questionnaire=questionnaire, state=state, defaults={"saved_by": by}
    )
    if answer.status == NeedsAnswer.Status.SUBMITTED:
        raise MeetingError(
            _("Your state's answer is already submitted; it can no longer be changed."),
            code="conflict",
        )
    if not 0 <= trainers_available <= 10000:
        raise MeetingError(_("Give a number of trainers."), field="trainers_available")
    wanted = _clean_needs(questionnaire, needs)
    if submit and not wanted and not other_needs.strip():
        raise MeetingError(
            _("Say which topics your state needs (or what else) before submitting."),
            field="topics",
        )
    answer.institutional_capacity = institutional_capacity
    answer.trainers_available = trainers_available
    answer.other_needs = other_needs
    answer.saved_by = by
    fields = ["institutional_capacity", "trainers_available", "other_needs", "saved_by"]
    if submit:
        answer.status, answer.submitted_by = NeedsAnswer.Status.SUBMITTED, by
        answer.submitted_at = timezone.now()
        fields += ["status", "submitted_by", "submitted_at"]
    answer.save(update_fields=[*fields, "updated_at"])
    answer.topics.all().delete()
    NeedsTopic.objects.bulk_create(NeedsTopic(answer=answer, **need) for need in wanted)
    audit.log(
        answer,
        "meetings.needs.submitted" if submit else "meetings.needs.saved",
        actor=by,
        data={"questionnaire": questionnaire.pk, "needs": wanted},
    )
    if submit:
        notify(
            secretariat_users(),
            key=f"meetings:needs:{answer.pk}:submitted",
            notice=Notice(
                gettext_lazy("Training needs submitted by %(state)s"),
                gettext_lazy("%(state)s submitted its answer to “%(title)s”."),
                {"state": state.name_en, "title": questionnaire.title},
            ),
            url=questionnaire.get_absolute_url(),
        )
    return answer


@retry_on_deadlock
@transaction.atomic
def close_needs_questionnaire(questionnaire: NeedsQuestionnaire, *, by: User) -> NeedsQuestionnaire:
    """Close the questionnaire: drafts stay drafts, and no state answers any more."""
    if not selectors.may_send_needs_questionnaire(by):
        raise MeetingError(_("Only the Secretariat closes a questionnaire."), code="forbidden")
    questionnaire = NeedsQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.closed_at is not None:
        return questionnaire
    questionnaire.closed_at = timezone.now()
    questionnaire.save(update_fields=["closed_at"])
    audit.log(questionnaire, "meetings.needs.closed", actor=by, data={})
    return questionnaire
