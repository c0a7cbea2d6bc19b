"""Letters of a meeting: invitations and notes verbales to the member states, visa support
letters per confirmed delegate, each with its reference number, and their sending."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cica_portal import audit, outbox
from cica_portal.models import Organisation, State, User
from cica_portal.transactions import retry_on_deadlock

from ..letters import fill, letter_values, render_pdf
from ..models import (
    Delegate,
    Kind,
    Letter,
    LetterCounter,
    LetterKind,
    LetterLanguage,
    LetterTemplate,
    Meeting,
    Registration,
    validate_letter_body,
)
from .errors import MeetingError

# The series of a reference number (CICA/SWG/2027/3), by the kind of meeting.
SERIES = {
    Kind.SWG_SESSION: "SWG",
    Kind.SOC_SESSION: "SOC",
    Kind.BORDER_EXPERTS: "EXP",
    Kind.TERRORISM_EXPERTS: "EXP",
    Kind.CHIEFS_OF_POLICE: "POL",
    Kind.POLICE_SEMINAR: "POL",
    Kind.TRAINING_SEMINAR: "TRN",
    Kind.CICA_IOM_TRAFFICKING: "TIP",
}
STATE_LETTERS = (LetterKind.INVITATION, LetterKind.NOTE_VERBALE)


def _check_secretariat(by: User) -> None:
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat makes and sends letters."), code="forbidden")


def _check_languages(languages: Iterable[str]) -> list[str]:
    chosen = [code for code in LetterLanguage.values if code in set(languages)]
    if not chosen:
        raise MeetingError(_("Choose at least one language."), field="languages")
    return chosen


def _templates(kind: str, languages: list[str]) -> dict[str, LetterTemplate]:
    found = {
        t.language: t for t in LetterTemplate.objects.filter(kind=kind, language__in=languages)
    }
    missing = [code for code in languages if code not in found]
    if missing:
        raise MeetingError(
            _("There is no template of this letter in %(languages)s: add it in the administration.")
            % {"languages": ", ".join(missing)},
            field="kind",
        )
    return found


def series_of(meeting: Meeting) -> str:
    return SERIES.get(Kind(meeting.kind), "GEN")


def _next_references(meeting: Meeting, count: int) -> list[str]:
    """`count` new numbers of the meeting's series and year, taken under the counter's lock, so
    two Secretariat officers making letters at once never get the same number."""
    series, year = series_of(meeting), meeting.local_start.year
    try:
        with transaction.atomic():  # a savepoint: a concurrent first letter of the year wins
            LetterCounter.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass
    counter = LetterCounter.objects.select_for_update().get(series=series, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"CICA/{series}/{year}/{number}" for number in range(first, first + count)]


def _make(
    meeting: Meeting,
    wanted: list[tuple[State, Delegate | None, str]],
    *,
    kind: str,
    by: User,
) -> list[Letter]:
    """One letter for each (state, delegate, language) wanted, from the kind's templates."""
    templates = _templates(kind, sorted({language for _s, _d, language in wanted}))
    references = _next_references(meeting, len(wanted)) if wanted else []
    letters = []
    for (state, delegate, language), reference in zip(wanted, references, strict=True):
        values = letter_values(
            meeting,
            language=language,
            reference=reference,
            recipient=state.in_their_language("name"),
            delegate=delegate,
        )
        template = templates[language]
        letters.append(
            Letter(
                meeting=meeting,
                kind=kind,
                language=language,
                state=state,
                delegate=delegate,
                reference=reference,
                subject=fill(template.subject, values),
                body=fill(template.body, values),
                created_by=by,
            )
        )
    Letter.objects.bulk_create(letters)
    return letters


def _already(meeting: Meeting, kind: str) -> set[tuple[int, int | None, str]]:
    return set(
        Letter.objects.filter(meeting=meeting, kind=kind).values_list(
            "state_id", "delegate_id", "language"
        )
    )


@retry_on_deadlock
@transaction.atomic
def generate_state_letters(
    meeting: Meeting, *, by: User, kind: str, languages: Iterable[str]
) -> list[Letter]:
    """An invitation or a note verbale to every member state, in each language chosen; a state
    that already has this letter in a language keeps it (a second click makes nothing new)."""
    _check_secretariat(by)
    if kind not in STATE_LETTERS:
        raise MeetingError(_("Choose an invitation or a note verbale."), field="kind")
    chosen = _check_languages(languages)
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    done = _already(meeting, kind)
    wanted: list[tuple[State, Delegate | None, str]] = [
        (state, None, language)
        for state in State.objects.members().order_by("name_en")
        for language in chosen
        if (state.pk, None, language) not in done
    ]
    letters = _make(meeting, wanted, kind=kind, by=by)
    if letters:
        audit.log(
            meeting,
            "meetings.letters.generated",
            actor=by,
            data={"kind": kind, "references": [letter.reference for letter in letters]},
        )
    return letters


@retry_on_deadlock
@transaction.atomic
def generate_visa_letters(meeting: Meeting, *, by: User, languages: Iterable[str]) -> list[Letter]:
    """A visa support letter for every delegate of a confirmed delegation, in each language
    chosen; a delegate who has one in a language keeps it."""
    _check_secretariat(by)
    chosen = _check_languages(languages)
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    done = _already(meeting, LetterKind.VISA_SUPPORT)
    delegates = Delegate.objects.filter(
        registration__meeting=meeting,
        registration__status=Registration.Status.CONFIRMED,
        registration__state__isnull=False,
    ).select_related("registration__state")
    wanted: list[tuple[State, Delegate | None, str]] = [
        (delegate.registration.state, delegate, language)  # type: ignore[misc]  # filtered: a state's
        for delegate in delegates.order_by("registration__state__name_en", "order", "pk")
        for language in chosen
        if (delegate.registration.state_id, delegate.pk, language) not in done
    ]
    if not wanted and not done:
        raise MeetingError(_("No delegation of this meeting is confirmed yet."), field="kind")
    letters = _make(meeting, wanted, kind=LetterKind.VISA_SUPPORT, by=by)
    if letters:
        audit.log(
            meeting,
            "meetings.letters.generated",
            actor=by,
            data={"kind": "visa_support", "references": [x.reference for x in letters]},
        )
    return letters


def make_body_letter(
    meeting: Meeting, organisation: Organisation, *, by: User, language: str, contact: str = ""
) -> Letter:
    """The invitation letter to an international body, in one language, from its template
    (a body proposed again gets a new letter with a new number)."""
    _check_secretariat(by)
    [language] = _check_languages([language])
    template = _templates(LetterKind.BODY_INVITATION, [language])[language]
    [reference] = _next_references(meeting, 1)
    with translation.override(language):
        recipient = organisation.name
    values = letter_values(meeting, language=language, reference=reference, recipient=recipient)
    values["delegate"] = contact
    return Letter.objects.create(
        meeting=meeting,
        kind=LetterKind.BODY_INVITATION,
        language=language,
        organisation=organisation,
        reference=reference,
        subject=fill(template.subject, values),
        body=fill(template.body, values),
        created_by=by,
    )


def letter_recipients(letter: Letter) -> QuerySet[User]:
    """Who receives a letter: its state's focal points, with an email address."""
    if letter.state_id is None:
        return User.objects.none()
    return User.objects.filter(
        role=User.Role.FOCAL_POINT, state_id=letter.state_id, is_active=True
    ).exclude(email="")


@retry_on_deadlock
@transaction.atomic
def send_letter(letter: Letter, *, by: User) -> Letter:
    """Email the letter, its PDF attached, to its state's focal points; logged when and to
    whom. Sent once: a second click says it was sent already."""
    _check_secretariat(by)
    letter = Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk)
    if letter.state is None:
        raise MeetingError(
            _("A body's letter is sent from its invitation, to its contact point."),
            code="conflict",
        )
    if letter.sent_at is not None:
        raise MeetingError(
            _("This letter was sent already, on %(when)s.")
            % {"when": timezone.localtime(letter.sent_at).strftime("%Y-%m-%d %H:%M")},
            code="conflict",
        )
    emails = sorted(letter_recipients(letter).values_list("email", flat=True))
    if not emails:
        raise MeetingError(
            _("%(state)s has no focal point with an email address to send it to.")
            % {"state": letter.state.name},
            code="conflict",
        )
    letter.sent_at = timezone.now()
    letter.sent_to = ", ".join(emails)
    letter.save(update_fields=["sent_at", "sent_to"])
    audit.log(
        letter,
        "meetings.letter.sent",
        actor=by,
        data={"reference": letter.reference, "to": emails},
    )
    outbox.enqueue("meetings.email_letter", letter.pk)
    return letter


def email_letter(letter_pk: int) -> bool:
    """The email of a sent letter, its PDF attached (the task after `send_letter`). Only one
    run wins the conditional update; a failed delivery gives the letter back to the retry."""
    won = Letter.objects.filter(
        pk=letter_pk, sent_at__isnull=False, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not won:
        return False
    letter = Letter.objects.select_related("meeting").get(pk=letter_pk)
    try:
        with translation.override(letter.language):
            message = EmailMessage(
                subject=letter.subject,
                body=_(
                    "Please find attached the letter %(reference)s of the CICA Secretariat "
                    "on %(meeting)s."
                )
                % {"reference": letter.reference, "meeting": letter.meeting.title},
                to=[address.strip() for address in letter.sent_to.split(",") if address.strip()],
            )
        message.attach(letter.filename, render_pdf(letter), "application/pdf")
        message.send()
    except Exception:
        Letter.objects.filter(pk=letter_pk).update(emailed_at=None)
        raise
    return True


@retry_on_deadlock
@transaction.atomic
def change_letter_template(
    template: LetterTemplate, *, by: User, subject: str, body: str
) -> LetterTemplate:
    """New wording for one kind of letter in one language: letters made later use it."""
    _check_secretariat(by)
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    for name, value in (("subject", subject), ("body", body)):
        try:
            validate_letter_body(value)
        except ValidationError as error:
            raise MeetingError(error.messages[0], field=name) from error
    changed = {
        name: True
        for name, value in (("subject", subject), ("body", body))
        if getattr(template, name) != value
    }
    if changed:
        template.subject, template.body = subject, body
        template.save(update_fields=["subject", "body", "updated_at"])
        audit.log(
            template,
            "meetings.letter_template.changed",
            actor=by,
            data={"kind": template.kind, "language": template.language, "changed": sorted(changed)},
        )
    return template
