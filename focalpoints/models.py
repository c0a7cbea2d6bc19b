"""The focal-point network: who each member state names for each area, and their history."""

from __future__ import annotations

import datetime
import re
import secrets
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cica_portal.models.people import validate_time_zone
from cica_portal.uploads import validate_upload


class Language(models.TextChoices):
    """Languages a focal point works in; English and Russian are CICA's working languages."""

    EN = "en", _("English")
    RU = "ru", _("Russian")
    AR = "ar", _("Arabic")
    ZH = "zh", _("Chinese")
    FA = "fa", _("Persian")
    TR = "tr", _("Turkish")
    KK = "kk", _("Kazakh")
    UZ = "uz", _("Uzbek")
    HI = "hi", _("Hindi")
    KO = "ko", _("Korean")


# Inside this window before the end of a term, the entry counts as "expiring".
EXPIRY_WINDOW_DAYS = 60
# An entry nobody confirmed for this many months is marked stale (WHO confirms yearly).
STALE_AFTER_MONTHS = 13


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` earlier (the last day of a shorter month)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def stale_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Entries last confirmed before this moment are stale."""
    return months_before(now, STALE_AFTER_MONTHS)


def note_verbale_path(instance: FocalPoint, filename: str) -> str:
    """An unguessable name; the scan is only ever served through a view that checks rights."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"focalpoints/notes-verbales/{secrets.token_urlsafe(32)}{suffix}"


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def script_of(text: str) -> str:
    """How a name is written: "cyrillic", "latin" or "" (neither)."""
    if _CYRILLIC.search(text or ""):
        return "cyrillic"
    return "latin" if _LATIN.search(text or "") else ""


def scripts_pair(name: str, other: str) -> bool:
    """A name and its other-script form: one in Cyrillic, the other in Latin letters."""
    return {script_of(name), script_of(other)} == {"cyrillic", "latin"}


def languages_to_db(codes) -> str:
    """Store languages as ",en,ru," so that one language matches with a plain `contains`."""
    codes = [code for code in dict.fromkeys(codes) if code in Language.values]
    return f",{','.join(codes)}," if codes else ""


class FocalPointQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None) -> FocalPointQuerySet:
        """Verified entries within their term: the directory."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(status__in=FocalPoint.CURRENT_STATUSES, term_start__lte=today).filter(
            models.Q(term_end__isnull=True) | models.Q(term_end__gte=today)
        )


class FocalPoint(models.Model):
    """One person a member state names as its focal point for one or more areas."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated, awaiting verification")
        ACTIVE = "active", _("Verified and active")
        CHANGES_TO_VERIFY = "changes_to_verify", _("Active, changes to verify")
        RETURNED = "returned", _("Returned to the state")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ENDED = "ended", _("Term ended")

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary focal point")
        DEPUTY = "deputy", _("Deputy")

    class Kind(models.TextChoices):
        PERSON = "person", _("A person")
        OFFICE = "office", _("An office (functional mailbox, duty roster)")

    CURRENT_STATUSES = (Status.ACTIVE, Status.CHANGES_TO_VERIFY)
    FINAL_STATUSES = (Status.WITHDRAWN, Status.ENDED)
    # What the Secretariat checks; a focal point's change to one of these waits for it.
    VERIFIED_FIELDS = ("name", "name_other_script", "organisation", "position", "email")
    # What a focal point may change about themselves.
    SELF_SERVICE_FIELDS = (
        "name",
        "name_other_script",
        "organisation",
        "position",
        "email",
        "phone",
        "address",
        "languages",
    )

    state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("member state"),
        on_delete=models.PROTECT,
        related_name="focal_points",
    )
    name = models.CharField(_("name"), max_length=200)
    # A name in Latin letters and in Cyrillic where both exist (contact cards carry both).
    name_other_script = models.CharField(
        _("name in the other script"),
        max_length=200,
        blank=True,
        help_text=_(
            "The same name in Cyrillic if it is written above in Latin letters, or in Latin "
            "letters if it is written in Cyrillic."
        ),
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    areas = models.ManyToManyField(
        "cica_portal.Area",
        through="FocalPointArea",
        related_name="focal_points",
        verbose_name=_("areas"),
    )
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    role = models.CharField(
        _("role in the state"), max_length=10, choices=Role, default=Role.PRIMARY
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_point_entries",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOMINATED, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PERSON)
    # The roster's hours are read and entered in this zone (the state's, or the office's own).
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The time zone of the duty roster, for example Asia/Almaty."),
    )
    note_verbale_reference = models.CharField(
        _("note verbale reference"), max_length=100, blank=True
    )
    note_verbale_scan = models.FileField(
        _("note verbale scan"),
        upload_to=note_verbale_path,
        max_length=200,
        blank=True,
        validators=[validate_upload],
    )
    note_verbale_content_type = models.CharField(max_length=100, blank=True, editable=False)
    note_verbale_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note_verbale_checked_at = models.DateTimeField(
        _("note verbale checked at"), null=True, blank=True
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=2000)
    # Verified-field changes a focal point made, shown to others only once verified.
    pending_changes = models.JSONField(_("changes to verify"), default=dict, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FocalPointQuerySet.as_manager()

    class Meta:
        ordering = ["state__name_en", "-role", "name"]  # "primary" sorts after "deputy"
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.CheckConstraint(
                name="focal_point_term_in_order",
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["state", "status"]), models.Index(fields=["term_end"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.state.code})"

    @property
    def other_script_language(self) -> str:
        """The language tag a page or a card gives the name in the other script."""
        return "ru" if script_of(self.name_other_script) == "cyrillic" else "en"

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.language_codes]

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT_STATUSES

    @property
    def is_office(self) -> bool:
        return self.kind == self.Kind.OFFICE

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def confirmed_at(self) -> datetime.datetime | None:
        """When the entry was last known to be right: confirmed, else verified."""
        return self.last_confirmed_at or self.verified_at or self.created_at

    def is_stale(self, now: datetime.datetime) -> bool:
        """Not confirmed for STALE_AFTER_MONTHS months: computed from the clock, no job needed."""
        confirmed = self.confirmed_at
        return confirmed is not None and confirmed < stale_cutoff(now)

    @property
    def note_verbale_complete(self) -> bool:
        return bool(self.note_verbale_reference and self.note_verbale_scan)


class FocalPointArea(models.Model):
    """An entry covering an area. `holds_primary` marks the one current primary per state and
    area, which the database keeps unique; services set it as an entry becomes or stops being
    current."""

    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="coverage")
    area = models.ForeignKey("cica_portal.Area", on_delete=models.PROTECT, related_name="+")
    state = models.ForeignKey("cica_portal.State", on_delete=models.PROTECT, related_name="+")
    holds_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("area covered")
        verbose_name_plural = _("areas covered")
        constraints = [
            models.UniqueConstraint(fields=["entry", "area"], name="focal_point_area_once"),
            models.UniqueConstraint(
                fields=["state", "area"],
                condition=models.Q(holds_primary=True),
                name="one_primary_focal_point_per_state_and_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.area_id}"


class FocalPointTransition(models.Model):
    """One change of an entry's status: who, when, from, to and why."""

    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=FocalPoint.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=FocalPoint.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_status or '-'} → {self.to_status}"


class FocalPointChange(models.Model):
    """One field a person changed on an entry, with the old and new value."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome, default=Outcome.APPLIED
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of details")
        verbose_name_plural = _("changes of details")

    def __str__(self) -> str:
        return f"{self.entry_id}.{self.field}"


class OrganisationContact(models.Model):
    """A contact point of an international organisation (IOM, INTERPOL, ...)."""

    organisation = models.ForeignKey(
        "cica_portal.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    areas = models.ManyToManyField(
        "cica_portal.Area", related_name="+", verbose_name=_("areas"), blank=True
    )
    active = models.BooleanField(_("shown in the directory"), default=True)

    class Meta:
        ordering = ["organisation__code", "name"]
        verbose_name = _("organisation contact point")
        verbose_name_plural = _("organisation contact points")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.code})"


class DutyShift(models.Model):
    """Who answers an office's urgent items from one moment to another (stored in UTC, entered
    and shown in the office's time zone)."""

    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="duty_shifts")
    person = models.CharField(_("person on duty"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    starts_at = models.DateTimeField(_("on duty from"))
    ends_at = models.DateTimeField(_("on duty until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        constraints = [
            models.CheckConstraint(
                name="duty_shift_in_order",
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                violation_error_message=_("A shift must end after it starts."),
            )
        ]
        indexes = [models.Index(fields=["entry", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.entry_id})"


class ActingDeputy(models.Model):
    """Someone acting for an entry until an end date: the acting period ends by itself, since
    whether it holds is computed from the date (no job has to close it)."""

    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="acting_deputies")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    starts_on = models.DateField(_("acting from"))
    ends_on = models.DateField(_("acting until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("acting deputy")
        verbose_name_plural = _("acting deputies")
        constraints = [
            models.CheckConstraint(
                name="acting_deputy_in_order",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The acting period cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.entry_id})"

    def acts_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Activation(models.Model):
    """A verified nominee's invitation to open their account: single use, expiring. The link
    carries a signed id and nonce; the role and state come from the entry, never from a form."""

    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="activations")
    nonce = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("account activation")
        verbose_name_plural = _("account activations")

    def __str__(self) -> str:
        return f"activation {self.pk} ({self.entry_id})"


class ConfirmationCampaign(models.Model):
    """The yearly round in which every current entry is confirmed or corrected."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("confirmation campaign")
        verbose_name_plural = _("confirmation campaigns")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Confirmation(models.Model):
    """One entry confirmed (as it is, or after a correction) in one campaign."""

    campaign = models.ForeignKey(
        ConfirmationCampaign, on_delete=models.CASCADE, related_name="confirmations"
    )
    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="confirmations")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    corrected = models.BooleanField(_("corrected"), default=False)

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "entry"], name="one_confirmation_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.entry_id}"


class CommunicationTest(models.Model):
    """A test message to every current focal point and office; each should acknowledge it."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled (twice a year)")
        AD_HOC = "ad_hoc", _("Ad hoc")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    # "2026-H1" for a scheduled test: unique, so two beats open one test per half-year.
    period = models.CharField(max_length=10, null=True, blank=True, unique=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("communication test")
        verbose_name_plural = _("communication tests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class TestMessage(models.Model):
    """The test message to one entry's address, and its acknowledgement."""

    __test__ = False  # not a pytest class

    class Channel(models.TextChoices):
        EMAIL = "email", _("the link in the email")
        PORTAL = "portal", _("the portal")

    test = models.ForeignKey(CommunicationTest, on_delete=models.CASCADE, related_name="messages")
    entry = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="test_messages")
    address = models.EmailField(_("address"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(
        _("acknowledged through"), max_length=10, choices=Channel, blank=True
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["entry__state__name_en", "entry__name", "pk"]
        verbose_name = _("test message")
        verbose_name_plural = _("test messages")
        constraints = [
            models.UniqueConstraint(fields=["test", "entry"], name="one_test_message_per_entry")
        ]
        indexes = [models.Index(fields=["acknowledged_at", "escalated_at", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.test_id}: {self.address}"

    @property
    def latency(self) -> datetime.timedelta | None:
        if self.sent_at and self.acknowledged_at:
            return self.acknowledged_at - self.sent_at
        return None


class UrgentMail(models.Model):
    """One urgent item's email to one address that answers for a state (an office's mailbox,
    the person on duty, an acting deputy): one per item and address, sent once."""

    key = models.CharField(_("occasion"), max_length=200)
    state = models.ForeignKey(
        "cica_portal.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    address = models.EmailField(_("address"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("urgent email")
        verbose_name_plural = _("urgent emails")
        constraints = [
            models.UniqueConstraint(
                "key", Lower("address"), name="one_urgent_mail_per_item_and_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.address}"
