"""Meetings and seminars of the Action Plan: the calendar, its series, invitations agreed by
member states, training seminars upon request, delegations and documents."""

from __future__ import annotations

import secrets
import string
import zoneinfo
from datetime import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ENDS_AFTER_START = _("A meeting must end after it starts.")


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that zoneinfo knows, e.g. Asia/Almaty."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError) as error:
        # OSError: a name too long for a file name (zoneinfo looks the name up on disk).
        raise ValidationError(
            _("Unknown time zone: %(value)s. Use a name such as Asia/Almaty."),
            params={"value": str(value)[:64]},
            code="invalid_time_zone",
        ) from error


class Kind(models.TextChoices):
    BORDER_EXPERTS = "border_experts", _("Experts meeting on border control and management")
    CHIEFS_OF_POLICE = "chiefs_of_police", _("Chiefs of Police meeting")
    POLICE_SEMINAR = "police_seminar", _("Seminar on police related issues")
    TRAINING_SEMINAR = "training_seminar", _("Training seminar (upon request)")
    TERRORISM_EXPERTS = "terrorism_experts", _("Experts meeting on terrorism")
    CICA_IOM_TRAFFICKING = "cica_iom_trafficking", _("Joint CICA-IOM seminar on human trafficking")
    SWG_SESSION = "swg_session", _("Special Working Group session")
    SOC_SESSION = "soc_session", _("Senior Officials Committee session")
    OTHER = "other", _("Other meeting")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Languages(models.TextChoices):
    EN_RU = "en,ru", _("English and Russian")
    EN = "en", _("English")
    RU = "ru", _("Russian")


class MeetingSeries(models.Model):
    """A recurring meeting, e.g. the twice-yearly police seminars from 2009."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    areas = models.ManyToManyField("cica_portal.Area", blank=True, verbose_name=_("areas"))
    first_date = models.DateField(_("first occurrence"))
    start_time = models.TimeField(_("local start time"), default="09:00")
    duration_days = models.PositiveSmallIntegerField(_("days per occurrence"), default=2)
    interval_months = models.PositiveSmallIntegerField(_("every … months"), default=6)
    occurrences = models.PositiveSmallIntegerField(_("number of occurrences"), default=4)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Almaty", validators=[validate_time_zone]
    )
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.IN_PERSON)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["first_date", "title"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                name="series_has_occurrences",
                condition=models.Q(
                    occurrences__gte=1, interval_months__gte=1, duration_days__gte=1
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        REPORT_PUBLISHED = "report_published", _("Report published")
        CANCELLED = "cancelled", _("Cancelled")
        POSTPONED = "postponed", _("Postponed")

    OPEN_STATUSES = (Status.PLANNED, Status.CONFIRMED)

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, db_index=True)
    areas = models.ManyToManyField(
        "cica_portal.Area", blank=True, related_name="meetings", verbose_name=_("areas")
    )
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Almaty",
        validators=[validate_time_zone],
        help_text=_("The time zone of the venue, e.g. Asia/Almaty or Europe/Istanbul."),
    )
    host_state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host state"),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.IN_PERSON)
    languages = models.CharField(
        _("languages"), max_length=10, choices=Languages, default=Languages.EN_RU
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PLANNED, db_index=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    max_delegates_per_state = models.PositiveSmallIntegerField(
        _("maximum delegates per state"), null=True, blank=True
    )
    max_delegations = models.PositiveSmallIntegerField(
        _("seats (delegations)"),
        null=True,
        blank=True,
        help_text=_(
            "How many delegations may take part; empty for no limit. Past it, a delegation "
            "joins the waiting list and is admitted in order when a seat frees."
        ),
    )
    participants_published_at = models.DateTimeField(
        _("official list published at"), null=True, blank=True, editable=False
    )
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    # iCalendar's SEQUENCE (RFC 5545 3.8.7.4): one more on every change of date or place and on
    # cancellation, so that a calendar that holds the meeting replaces its copy.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_it_starts",
                condition=models.Q(end__gt=models.F("start")),
                violation_error_message=ENDS_AFTER_START,
            ),
            models.UniqueConstraint(
                fields=["series", "start"],
                name="one_occurrence_per_series_and_start",
                condition=models.Q(series__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.start.astimezone(self.zone)

    @property
    def local_end(self):
        return self.end.astimezone(self.zone)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @staticmethod
    def ends_after_start(start: datetime | None, end: datetime | None) -> bool:
        """The one rule of a meeting's times (the database holds it too, as a constraint):
        the model's clean, the forms, the admin and the services all ask here."""
        return start is None or end is None or end > start

    def clean(self) -> None:
        if not self.ends_after_start(self.start, self.end):
            raise ValidationError({"end": ENDS_AFTER_START})
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            raise ValidationError(
                {"registration_deadline": _("Registration must close before the meeting starts.")}
            )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    plan_items = models.ManyToManyField(
        "actionplan.PlanItem",
        blank=True,
        related_name="agenda_items",
        verbose_name=_("action-plan items discussed"),
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Invitation(models.Model):
    """An international body invited to a meeting: sent only once member states agree."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the member states' approval")
        AGREED = "agreed", _("Agreed by the member states, letter to send")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted by the body")
        DECLINED = "declined", _("Declined by the body")
        NOT_AGREED = "not_agreed", _("Not agreed by the member states")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A body may be proposed again (a new request) once its last proposal ended in one of these.
    ENDED_STATUSES = (Status.NOT_AGREED, Status.WITHDRAWN, Status.DECLINED)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "cica_portal.Organisation",
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
        verbose_name=_("organisation"),
    )
    message = models.TextField(_("why they are invited"), blank=True, max_length=4000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.AWAITING_APPROVAL
    )
    approval = models.OneToOneField(
        "cica_portal.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Who at the body receives the letter, and its answer, recorded by the Secretariat.
    contact_name = models.CharField(_("contact point"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact point's email"), blank=True)
    letter = models.OneToOneField(
        "Letter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("letter sent"),
    )
    answer_due = models.DateTimeField(_("answer expected by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.TextField(_("the body's answer"), blank=True, max_length=4000)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_proposal",
        verbose_name=_("earlier proposal"),
    )

    class Meta:
        ordering = ["meeting", "organisation__code", "created_at"]
        verbose_name = _("invitation to an international body")
        verbose_name_plural = _("invitations to international bodies")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=~models.Q(status__in=["not_agreed", "withdrawn", "declined"]),
                name="one_live_invitation_per_meeting_and_body",
            ),
            models.CheckConstraint(
                name="sent_invitation_has_sent_at",
                condition=~models.Q(status__in=["sent", "accepted", "declined"])
                | models.Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code} → {self.meeting}"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url()

    def approval_content(self) -> dict:
        """Exactly what the member states approve."""
        return {
            "meeting": self.meeting_id,
            "meeting_title": self.meeting.title,
            "organisation": self.organisation.code,
            "message": self.message,
        }


class TrainingRequest(models.Model):
    """A member state asks for a training seminar (Area I, 2)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted, to be scheduled")
        DECLINED = "declined", _("Declined")
        SCHEDULED = "scheduled", _("Scheduled")

    state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        related_name="training_requests",
        verbose_name=_("requesting state"),
    )
    requested_by = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    area = models.ForeignKey(
        "cica_portal.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    topic = models.CharField(_("topic"), max_length=300)
    preferred_period = models.CharField(
        _("preferred period"), max_length=100, help_text=_("e.g. second half of 2027")
    )
    expected_participants = models.PositiveSmallIntegerField(_("expected participants"))
    needs = models.TextField(_("needs"), blank=True, max_length=4000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    decision_reason = models.TextField(_("reason given"), blank=True, max_length=4000)
    decided_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_request",
        verbose_name=_("scheduled meeting"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training seminar request")
        verbose_name_plural = _("training seminar requests")

    def __str__(self) -> str:
        return f"{self.state.code}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:training-detail", args=[self.pk])


def credentials_path(instance: Registration, filename: str) -> str:
    """An unguessable name; the original name is kept only in the database."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"credentials/{secrets.token_urlsafe(32)}{suffix}"


class Registration(models.Model):
    """A delegation to one meeting: a member or observer state's, or an invited body's."""

    class Status(models.TextChoices):
        WAITLISTED = "waitlisted", _("On the waiting list")
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed by the Secretariat")
        RETURNED = "returned", _("Returned for changes")
        DECLINED = "declined", _("Declined by the Secretariat")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state"),
    )
    # An invited body's delegation (after it accepted), registered by the Secretariat from what
    # the body's contact point sent; then `state` is empty.
    organisation = models.ForeignKey(
        "cica_portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("international body"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    registered_by = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Why the Secretariat returned or declined it, in words the focal point reads.
    decision_reason = models.TextField(_("reason given"), blank=True, max_length=4000)
    # The state's own check of its line on the official list (its approver or focal point);
    # any change to the delegation clears it.
    validated_by = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    credentials = models.FileField(
        _("credentials"), upload_to=credentials_path, max_length=200, blank=True
    )
    credentials_name = models.CharField(_("credentials file name"), max_length=255, blank=True)
    credentials_type = models.CharField(max_length=100, blank=True, editable=False)
    # When it joined the waiting list: the order seats are given in.
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "state__name_en", "organisation__code"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "state"], name="one_delegation_per_state"),
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_delegation_per_body"
            ),
            models.CheckConstraint(
                name="delegation_of_a_state_or_a_body",
                condition=models.Q(state__isnull=False, organisation__isnull=True)
                | models.Q(state__isnull=True, organisation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_code} · {self.meeting}"

    # Delegations that take seats: on the list of participants and counted against the cap.
    ACTIVE_STATUSES = (Status.SUBMITTED, Status.CONFIRMED, Status.RETURNED)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def participant_name(self) -> str:
        """The state's or the body's name, in the active language."""
        return self.state.name if self.state_id else self.organisation.name

    @property
    def participant_code(self) -> str:
        return self.state.code if self.state_id else self.organisation.code

    @property
    def group(self) -> str:
        """Where it stands on the official list: member states, observer states, bodies."""
        if not self.state_id:
            return "body"
        return "member" if self.state.is_member else "observer"


class OfficialListVersion(models.Model):
    """One publication of a meeting's official list of participants: its lines as published
    (each delegation's group, names in both languages, delegates with position and role), with
    their SHA-256. The page, the PDFs and the CSV of a publication are drawn from these lines,
    so a later change to a delegation changes only the next publication."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="official_lists")
    number = models.PositiveSmallIntegerField(_("version"))
    lines = models.JSONField(_("lines as published"), default=list)
    sha256 = models.CharField(_("SHA-256 of the lines"), max_length=64)
    published_by = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "-number"]
        verbose_name = _("published official list")
        verbose_name_plural = _("published official lists")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="one_official_list_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} (v{self.number})"


class Delegate(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        DELEGATE = "delegate", _("Delegate")
        EXPERT = "expert", _("Expert")
        SUBSTITUTE = "substitute", _("Substitute")
        INTERPRETER = "interpreter", _("Interpreter")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="delegates"
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.DELEGATE)
    interpretation = models.CharField(
        _("interpretation needed into"),
        max_length=10,
        blank=True,
        choices=[("en", _("English")), ("ru", _("Russian"))],
    )
    dietary = models.CharField(_("dietary needs"), max_length=200, blank=True)
    access = models.CharField(_("access needs"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["registration", "order", "pk"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")

    def __str__(self) -> str:
        return self.name


def document_path(instance: MeetingDocument, filename: str) -> str:
    """An unguessable name; the original name is kept only in the database."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"meetings/{secrets.token_urlsafe(32)}{suffix}"


class MeetingDocument(models.Model):
    class DocKind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        CONCEPT_NOTE = "concept_note", _("Concept note")
        PRESENTATION = "presentation", _("Presentation")
        MINUTES = "minutes", _("Minutes")
        REPORT = "report", _("Report")

    class Access(models.TextChoices):
        ALL_MEMBERS = "all_members", _("All network members")
        PARTICIPANTS = "participants", _("Participating states and the Secretariat")
        SECRETARIAT = "secretariat", _("Secretariat only")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocKind)
    title = models.CharField(_("title"), max_length=300)
    access = models.CharField(
        _("who may read it"), max_length=20, choices=Access, default=Access.PARTICIPANTS
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "title"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:document", args=[self.pk])


class LetterKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation letter")
    BODY_INVITATION = "body_invitation", _("Invitation letter to an international body")
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    VISA_SUPPORT = "visa_support", _("Visa support letter")


class LetterLanguage(models.TextChoices):
    EN = "en", _("English")
    RU = "ru", _("Russian")


# The only names a letter template may use, each filled from the meeting, the state or the
# delegate by the letters service (str.format_map: no attribute, index or code in a template).
LETTER_PLACEHOLDERS = (
    "reference",
    "date",
    "recipient",
    "meeting",
    "start",
    "end",
    "venue",
    "host",
    "deadline",
    "delegate",
    "delegate_position",
)


def validate_letter_body(value: str) -> None:
    """A template uses only the fixed placeholders, plainly: {meeting}, never {meeting.x}."""
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as error:
        raise ValidationError(
            _("Braces must come in pairs: write {{ and }} for a brace itself."), code="braces"
        ) from error
    unknown = sorted(
        {
            name
            for _text, name, spec, conversion in parsed
            if name is not None and (name not in LETTER_PLACEHOLDERS or spec or conversion)
        }
    )
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Use only: %(allowed)s."),
            params={
                "names": ", ".join("{%s}" % name for name in unknown)[:200],
                "allowed": ", ".join("{%s}" % name for name in LETTER_PLACEHOLDERS),
            },
            code="placeholder",
        )


class LetterTemplate(models.Model):
    """The wording of one kind of letter in one language; the Secretariat edits it in the
    admin. A letter keeps the text it was made with: editing a template changes later letters."""

    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind)
    language = models.CharField(_("language"), max_length=2, choices=LetterLanguage)
    subject = models.CharField(_("subject"), max_length=300, validators=[validate_letter_body])
    body = models.TextField(
        _("text"),
        max_length=20000,
        validators=[validate_letter_body],
        help_text=_(
            "Placeholders: {reference}, {date}, {recipient}, {meeting}, {start}, {end}, "
            "{venue}, {host}, {deadline}, {delegate}, {delegate_position}. A blank line "
            "starts a new paragraph."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "language"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"], name="one_letter_template_per_kind_and_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class LetterCounter(models.Model):
    """The last number given in one series and year (CICA/SWG/2027/3): locked to take the next."""

    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="one_letter_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"CICA/{self.series}/{self.year}: {self.last}"


class Letter(models.Model):
    """One letter as issued: its text is kept as made, and its PDF is drawn from that text on
    every download (the same PDF each time), so nothing but the database needs a backup."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind)
    language = models.CharField(_("language"), max_length=2, choices=LetterLanguage)
    state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state"),
    )
    # A letter to an international body (its invitation): then `state` is empty.
    organisation = models.ForeignKey(
        "cica_portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("international body"),
    )
    delegate = models.ForeignKey(
        Delegate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("delegate"),
    )
    reference = models.CharField(_("reference number"), max_length=40, unique=True)
    subject = models.CharField(_("subject"), max_length=400)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.TextField(_("sent to"), blank=True)
    # When the email with the PDF left (the task after `sent_at`): one worker wins it.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "kind", "state__name_en", "language", "pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "language", "state"],
                condition=models.Q(delegate__isnull=True),
                name="one_state_letter_per_kind_and_language",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "language", "delegate"],
                condition=models.Q(delegate__isnull=False),
                name="one_delegate_letter_per_kind_and_language",
            ),
            models.CheckConstraint(
                name="letter_to_a_state_or_a_body",
                condition=models.Q(state__isnull=False) | models.Q(organisation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("meetings:letter-pdf", args=[self.pk])

    @property
    def filename(self) -> str:
        return self.reference.replace("/", "-") + f"-{self.language}.pdf"


# --- Needs assessment for "training of the trainers" (Action Plan II.2) ------------------------


class NeedsQuestionnaire(models.Model):
    """The Secretariat asks every member state's focal points what training of trainers their
    state needs in one area: its institutional capacity, trainers available, topics, languages."""

    area = models.ForeignKey(
        "cica_portal.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True, max_length=4000)
    topics = models.TextField(
        _("topics offered"),
        max_length=4000,
        help_text=_("One training topic a line; each state says which it needs and for whom."),
    )
    answers_due = models.DateField(_("answers due"), null=True, blank=True)
    sent_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("needs assessment questionnaire")
        verbose_name_plural = _("needs assessment questionnaires")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:needs-detail", args=[self.pk])

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class NeedsAnswer(models.Model):
    """One state's answer to a questionnaire: a draft its focal points share, then submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    questionnaire = models.ForeignKey(
        NeedsQuestionnaire, on_delete=models.CASCADE, related_name="answers"
    )
    state = models.ForeignKey(
        "cica_portal.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    institutional_capacity = models.TextField(
        _("institutional capacity"),
        blank=True,
        max_length=4000,
        help_text=_("Training institutions, curricula and facilities your state already has."),
    )
    trainers_available = models.PositiveSmallIntegerField(_("trainers available"), default=0)
    other_needs = models.TextField(_("other needs"), blank=True, max_length=4000)
    saved_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "state__name_en"]
        verbose_name = _("needs assessment answer")
        verbose_name_plural = _("needs assessment answers")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "state"], name="one_needs_answer_per_state"
            ),
            models.CheckConstraint(
                name="submitted_needs_answer_has_submitted_at",
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state.code} · {self.questionnaire}"


class NeedsTopic(models.Model):
    """A topic a state needs trainers trained in: how many, in which language."""

    answer = models.ForeignKey(NeedsAnswer, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=300)
    trainees = models.PositiveSmallIntegerField(_("trainers to train"))
    language = models.CharField(
        _("language"), max_length=10, choices=Languages, default=Languages.EN_RU
    )

    class Meta:
        ordering = ["answer", "topic"]
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        constraints = [
            models.UniqueConstraint(fields=["answer", "topic"], name="one_need_per_answer_topic"),
            models.CheckConstraint(name="a_need_has_trainees", condition=models.Q(trainees__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.trainees})"


# --- Timetable and minutes ---------------------------------------------------------------------


class Session(models.Model):
    """One sitting of a meeting's timetable: its times (kept in UTC, entered and shown in the
    venue's zone), its chair, its speakers and the agenda items it takes up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    chair = models.CharField(_("chair"), max_length=300, blank=True)
    speakers = models.TextField(
        _("speakers"), blank=True, max_length=4000, help_text=_("One speaker a line.")
    )
    agenda_items = models.ManyToManyField(
        AgendaItem, blank=True, related_name="sessions", verbose_name=_("agenda items")
    )

    class Meta:
        ordering = ["meeting", "start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_it_starts",
                condition=models.Q(end__gt=models.F("start")),
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]


class MinutesAdoption(models.Model):
    """Draft minutes circulated to the member states for adoption (by consensus or under
    silence): exactly this file, by its hash; adopted, they are published to every member."""

    class Status(models.TextChoices):
        CIRCULATED = "circulated", _("Circulated for adoption")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    document = models.ForeignKey(
        MeetingDocument, on_delete=models.PROTECT, related_name="adoptions"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.CIRCULATED)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64)
    approval = models.OneToOneField(
        "cica_portal.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    circulated_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, related_name="+"
    )
    circulated_at = models.DateTimeField(_("circulated at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-circulated_at", "-pk"]
        verbose_name = _("adoption of minutes")
        verbose_name_plural = _("adoptions of minutes")
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status="circulated"),
                name="one_open_adoption_per_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return self.document.meeting.get_absolute_url()

    def approval_content(self) -> dict:
        """Exactly what the member states adopt: this file of these minutes."""
        return {
            "meeting": self.document.meeting_id,
            "document": self.document_id,
            "title": self.document.title,
            "sha256": self.file_hash,
        }


# --- The document library: symbols, language versions, versions with history ------------------


class DocumentLanguage(models.TextChoices):
    EN = "en", _("English")
    RU = "ru", _("Russian")


class LibraryEntry(models.Model):
    """A meeting document as the organisation keeps it: its symbol (CICA/SWG/2027/DOC/3), its
    title in both working languages, and (in `versions`) each language's files over time."""

    document = models.OneToOneField(MeetingDocument, on_delete=models.CASCADE, related_name="entry")
    symbol = models.CharField(_("document symbol"), max_length=40, unique=True)
    title_ru = models.CharField(_("title in Russian"), max_length=300, blank=True)

    class Meta:
        ordering = ["symbol"]
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")

    def __str__(self) -> str:
        return self.symbol


class DocumentVersion(models.Model):
    """One file of one language version of a document; a new file is a new version and the
    earlier ones stay, with who uploaded them, when and why."""

    document = models.ForeignKey(MeetingDocument, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=2, choices=DocumentLanguage)
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["document", "language", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language", "number"], name="one_version_number_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.language} v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:document-version", args=[self.pk])
