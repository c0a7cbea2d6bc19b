"""Consent-gated information exchange: templates, shares, who read them, how they moved.

A share's content reaches other states only once every concerned state has consented. The
right to read a released share is a per-object row (django-guardian, direct foreign keys) given
to a per-state group at release and removed at withdrawal; the originating state and the
approvers asked for consent see it by rule (see `selectors.visible_shares`).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cica_portal import envelope

from . import handling

FIELD_TYPES = ("text", "long_text", "date", "number", "boolean", "choice", "state", "states")
LOST_STOLEN_SLUG = "lost-stolen-document"


class ShareTemplate(models.Model):
    """One version of a template; a share points at the exact version it was written in."""

    slug = models.SlugField(_("slug"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    fields = models.JSONField(
        _("fields"),
        default=list,
        help_text=_(
            'A list of {"name", "label", "type", "required", "choices", "help_text"}; type is '
            "text, long_text, date, number, boolean, choice, state or states. "
            '"propose_concerned": true on a state field proposes its states as concerned.'
        ),
    )
    observers_may_receive = models.BooleanField(
        _("observer states may receive"),
        default=False,
        help_text=_(
            "Set by the Secretariat: shares of this template may name observer and other "
            "non-member states as recipients. They never consent: only member states do."
        ),
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name = _("share template")
        verbose_name_plural = _("share templates")
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="template_slug_version"),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.fields]


class Share(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_CONSENT = "pending_consent", _("Pending consent")
        RELEASED = "released", _("Released")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    EDITABLE = (Status.DRAFT, Status.PENDING_CONSENT)
    WITHDRAWABLE = (Status.PENDING_CONSENT, Status.RELEASED)

    template = models.ForeignKey(
        ShareTemplate, on_delete=models.PROTECT, related_name="shares", verbose_name=_("template")
    )
    # The title in clear, for lists and search; empty for a RED share, whose title is only in
    # `sealed_content`. Read and written through the `title` and `content` properties.
    listed_title = models.CharField(_("title"), max_length=200, blank=True, db_column="title")
    # {"title", "content"} as JSON, AES-256-GCM under this share's data key (`data_key`,
    # wrapped by a master key kept outside the database): cica_portal/envelope.py.
    sealed_content = models.TextField(_("content (encrypted)"), blank=True, editable=False)
    data_key = models.CharField(_("data key (wrapped)"), max_length=200, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_shares",
        verbose_name=_("author"),
    )
    originating_state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("originating state"),
    )
    concerned_states = models.ManyToManyField(
        "cica_portal.State",
        related_name="+",
        blank=True,
        verbose_name=_("concerned states"),
    )
    recipient_states = models.ManyToManyField(
        "cica_portal.State",
        related_name="+",
        blank=True,
        verbose_name=_("recipient states"),
    )
    secretariat_may_read = models.BooleanField(_("the Secretariat may read it"), default=False)
    # Hidden from recipients (as MISP's sharing groups): each sees only that it received it.
    distribution_confidential = models.BooleanField(
        _("keep the distribution confidential"), default=False
    )
    # Handling and evaluation (exchange/handling.py): chosen by the author, part of what is
    # consented to, shown wherever the share is.
    tlp = models.CharField(
        "TLP", max_length=12, choices=handling.tlp_choices(), default=handling.DEFAULT_TLP
    )
    handling_codes = models.JSONField(
        _("handling codes"), default=handling.default_handling_codes, blank=True
    )
    handling_note = models.TextField(_("other restrictions (H3)"), blank=True)
    source_reliability = models.CharField(
        _("reliability of the source"),
        max_length=1,
        choices=[(v, v) for v in handling.SOURCE_RELIABILITY],
        default=handling.DEFAULT_SOURCE,
    )
    information_reliability = models.CharField(
        _("reliability of the information"),
        max_length=1,
        choices=[(v, v) for v in handling.INFORMATION_RELIABILITY],
        default=handling.DEFAULT_INFORMATION,
    )
    approval = models.OneToOneField(
        "cica_portal.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current consent request"),
    )
    consent_deadline = models.DateTimeField(_("consent deadline"), null=True, blank=True)
    # A keyed hash (`id:hmac`, cica_portal/envelope.py) of the normalised number, never the
    # number itself: found by equality, unreadable without the master key.
    document_number_normalised = models.CharField(
        _("document number (keyed hash)"), max_length=100, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [
            models.Index(fields=["originating_state", "status"]),
            # The lists' order, walked from the newest until a page is full; with the columns
            # the visibility rule reads (the state, the status, the consent request), so that
            # counting what a user may see is an index-only scan on PostgreSQL.
            models.Index(
                fields=["-updated_at", "-id"],
                include=["status", "originating_state", "approval"],
                name="share_recent_idx",
            ),
            # Shares waiting for consent, by their request: what an approver's dashboard
            # counts (joined to the states the request asks), read from the index alone.
            models.Index(
                fields=["approval"],
                condition=models.Q(status="pending_consent"),
                name="share_pending_idx",
            ),
            # Released shares only: what the per-object rights are checked against.
            models.Index(
                fields=["id"], condition=models.Q(status="released"), name="share_released_idx"
            ),
        ]

    def __str__(self) -> str:
        return _("Share #%(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("exchange:detail", args=[self.pk])

    # The fields the `title` and `content` setters write (for `save(update_fields=...)`).
    SEALED_FIELDS = ("listed_title", "sealed_content", "data_key")
    _SEAL_CONTEXT = b"cica-portal share content"

    def _opened(self) -> dict[str, Any]:
        """{"title", "content"} decrypted (once per stored value); EnvelopeError without the key."""
        sealed = self.sealed_content
        if not sealed:
            return {"title": self.listed_title, "content": {}}
        cached = self.__dict__.get("_opened_payload")
        if cached is None or cached[0] != sealed:  # refresh_from_db brings a new value
            key = envelope.unwrap(self.data_key)
            text = envelope.unseal(key, sealed, context=self._SEAL_CONTEXT)
            cached = (sealed, json.loads(text))
            self.__dict__["_opened_payload"] = cached
        opened: dict[str, Any] = cached[1]
        return opened

    def _seal(self, payload: dict[str, Any]) -> None:
        if not self.data_key:
            self.data_key = envelope.wrap(envelope.new_data_key())
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
        key = envelope.unwrap(self.data_key)
        self.sealed_content = envelope.seal(key, text.encode(), context=self._SEAL_CONTEXT)
        self.__dict__["_opened_payload"] = (self.sealed_content, payload)
        self.sync_listed_title()

    def sync_listed_title(self) -> None:
        """The clear title column after a change of title or TLP: empty for a RED share."""
        self.listed_title = "" if self.is_red else self._opened()["title"]

    @property
    def title(self) -> str:
        return str(self._opened()["title"]) if self.is_red else self.listed_title

    @title.setter
    def title(self, value: str) -> None:
        self._seal({**self._opened(), "title": value})

    @property
    def content(self) -> dict[str, Any]:
        content: dict[str, Any] = self._opened()["content"]
        return content

    @content.setter
    def content(self, value: dict[str, Any]) -> None:
        self._seal({**self._opened(), "content": value})

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_past_deadline(self) -> bool:
        """Waiting for consent after its deadline: expired now, whether or not the beat task
        has recorded it yet."""
        return (
            self.status == self.Status.PENDING_CONSENT
            and self.consent_deadline is not None
            and self.consent_deadline <= timezone.now()
        )

    @property
    def effective_status(self) -> str:
        return self.Status.EXPIRED if self.is_past_deadline else self.status

    def get_effective_status_display(self) -> str:
        return str(self.Status(self.effective_status).label)

    @property
    def is_red(self) -> bool:
        return self.tlp == handling.TLP_RED

    @property
    def tlp_label(self) -> str:
        return f"TLP:{self.tlp}"

    @property
    def tlp_css(self) -> str:
        return self.tlp.lower().replace("+", "-")

    @property
    def tlp_meaning(self) -> str:
        return handling.TLP_MEANINGS.get(self.tlp, "")

    @property
    def handling_list(self) -> list[tuple[str, str]]:
        """(code, meaning) for each handling code, in order."""
        return [(code, handling.HANDLING_MEANINGS[code]) for code in self.handling_codes or ()]

    @property
    def evaluation(self) -> str:
        return handling.evaluation(self.source_reliability, self.information_reliability)

    @property
    def evaluation_meanings(self) -> tuple[str, str]:
        return (
            handling.SOURCE_MEANINGS.get(self.source_reliability, ""),
            handling.INFORMATION_MEANINGS.get(self.information_reliability, ""),
        )

    @property
    def display_title(self) -> str:
        """The title where a RED share may not show it (lists, notices): a neutral label."""
        return self.neutral_label if self.is_red else self.title

    @property
    def neutral_label(self) -> str:
        """A label that names no content: safe for approval titles, emails and the admin. The
        state is named in the language the label is rendered in (a title written in both)."""
        return _("a %(template)s share from %(state)s (#%(id)s)") % {
            "template": self.template.slug,
            "state": self.originating_state.name,
            "id": self.pk,
        }


class ShareVersion(models.Model):
    """A version of a share that consent was asked for, as the approvers were shown it: what
    a re-asked approver compares the current version with."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="versions")
    content_hash = models.CharField(_("SHA-256 of the version"), max_length=64)
    # What the consent covered (title, content, states, handling), sealed with the share's own
    # data key like the share itself: a dump of this table reveals no version either.
    sealed_content = models.TextField(_("what the consent covers (encrypted)"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("version of a share")
        verbose_name_plural = _("versions of shares")
        constraints = [
            models.UniqueConstraint(fields=["share", "content_hash"], name="one_share_version")
        ]

    def __str__(self) -> str:
        return f"#{self.share_id} {self.content_hash[:12]}"

    SEAL_CONTEXT = b"cica-portal share version"

    @property
    def content(self) -> dict[str, Any]:
        key = envelope.unwrap(self.share.data_key)
        opened: dict[str, Any] = json.loads(
            envelope.unseal(key, self.sealed_content, context=self.SEAL_CONTEXT)
        )
        return opened

    def seal(self, content: dict[str, Any]) -> None:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
        key = envelope.unwrap(self.share.data_key)
        self.sealed_content = envelope.seal(key, text.encode(), context=self.SEAL_CONTEXT)


class ShareUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Share, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("share right of a user")
        verbose_name_plural = _("share rights of users")


class ShareGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Share, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("share right of a group")
        verbose_name_plural = _("share rights of groups")


class ShareRead(models.Model):
    class Via(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        APPROVAL = "approval", _("Approval page")
        CHECK = "check", _("Document check")
        EXPORT = "export", _("Export")
        TAXII = "taxii", _("TAXII feed")
        DOWNLOAD = "download", _("Download of an attachment")

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("read at"), auto_now_add=True, db_index=True)
    via = models.CharField(_("via"), max_length=10, choices=Via)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("read of a share")
        verbose_name_plural = _("reads of shares")

    def __str__(self) -> str:
        return f"#{self.share_id} read by {self.user_id} ({self.via})"


class ShareTransition(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Share.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Share.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("share transition")
        verbose_name_plural = _("share transitions")

    def __str__(self) -> str:
        return f"#{self.share_id}: {self.from_status or '∅'} → {self.to_status}"


class ReshareRequest(models.Model):
    """A recipient state asks to pass a share on: to named states, or to a national authority.

    Decided by the originating and concerned states through the shared approvals, on exactly
    this extension of exactly the released version (`share_hash`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="reshare_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requesting_state = models.ForeignKey(
        "cica_portal.State", on_delete=models.PROTECT, related_name="+"
    )
    states = models.ManyToManyField(
        "cica_portal.State", related_name="+", blank=True, verbose_name=_("new recipient states")
    )
    authority = models.CharField(_("national authority"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    share_hash = models.CharField(_("version of the share"), max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    approval = models.OneToOneField(
        "cica_portal.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("re-share request")
        verbose_name_plural = _("re-share requests")

    def __str__(self) -> str:
        return _("Re-share request #%(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("exchange:detail", args=[self.share_id])


class JudicialPermission(models.Model):
    """The provider's permission (H1) for one state to use a share in judicial proceedings."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="judicial_permissions")
    state = models.ForeignKey("cica_portal.State", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("permission for judicial use")
        verbose_name_plural = _("permissions for judicial use")
        constraints = [
            models.UniqueConstraint(fields=["share", "state"], name="one_judicial_permission")
        ]

    def __str__(self) -> str:
        return f"#{self.share_id} judicial use by {self.state_id}"


class WithdrawalReceipt(models.Model):
    """One recipient state's receipt for a withdrawn share: told at withdrawal, reminded daily
    until one of its focal points or approvers confirms that local copies were removed."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="withdrawal_receipts")
    state = models.ForeignKey(
        "cica_portal.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["share_id", "state__name_en"]
        verbose_name = _("withdrawal receipt")
        verbose_name_plural = _("withdrawal receipts")
        constraints = [
            models.UniqueConstraint(fields=["share", "state"], name="one_withdrawal_receipt")
        ]
        indexes = [
            models.Index(
                fields=["last_reminded_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="receipt_unacknowledged",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.share_id} withdrawal receipt of {self.state_id}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:receipt", args=[self.pk])


def _attachment_path(attachment: ShareAttachment, filename: str) -> str:
    return f"exchange/attachments/{attachment.share_id}/{filename}"


class ShareAttachment(models.Model):
    """A file on a share (a photo, a scanned document, a spreadsheet): its bytes on disk and its
    name in the database are sealed with the share's data key; read under the share's rights."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="attachments")
    # The file's name, sealed like the share's content (a name can say what the file holds).
    sealed_name = models.TextField(_("name (encrypted)"), editable=False)
    file = models.FileField(_("file (encrypted)"), upload_to=_attachment_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    # SHA-256 of the file as uploaded: part of what a consent covers (approval_content).
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment of a share")
        verbose_name_plural = _("attachments of shares")

    def __str__(self) -> str:
        return f"#{self.share_id} attachment {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:attachment", args=[self.share_id, self.pk])

    _NAME_CONTEXT = b"cica-portal share attachment name"
    FILE_CONTEXT = b"cica-portal share attachment"

    @property
    def name(self) -> str:
        key = envelope.unwrap(self.share.data_key)
        return envelope.unseal(key, self.sealed_name, context=self._NAME_CONTEXT).decode()

    def seal_name(self, name: str, key: bytes) -> None:
        self.sealed_name = envelope.seal(key, name.encode(), context=self._NAME_CONTEXT)


# --- lost and stolen documents -----------------------------------------------------------------


class DocumentNotice(models.Model):
    """The index entry of a released lost/stolen document share: what a check looks up.

    The share keeps the content sealed (the number in clear, where and when it was lost); the
    notice holds only what a check needs and what the issuing state changes without a new
    consent: keyed hashes of the number and of its confusable skeleton, the issuing state, the
    type, and the document's status. It exists while the share is released."""

    class Status(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        STOLEN_BLANK = "stolen_blank", _("Stolen blank")
        REVOKED = "revoked", _("Revoked")
        INVALID = "invalid", _("Invalid")
        RECOVERED = "recovered", _("Recovered")

    share = models.OneToOneField(
        Share, on_delete=models.CASCADE, related_name="document_notice", verbose_name=_("share")
    )
    issuing_state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing state"),
    )
    document_type = models.CharField(_("type of document"), max_length=40)
    number_key = models.CharField(_("document number (keyed hash)"), max_length=100)
    skeleton_key = models.CharField(
        _("confusable skeleton of the number (keyed hash)"), max_length=100, db_index=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.STOLEN)
    recovered_on = models.DateField(_("recovered on"), null=True, blank=True)
    reported_to_sltd = models.BooleanField(_("reported to INTERPOL's SLTD database"), default=False)
    sltd_reminded_at = models.DateTimeField(_("last reminded of SLTD"), null=True, blank=True)
    checkable_by_all = models.BooleanField(
        _("checkable by every member state"),
        default=False,
        help_text=_(
            "A state the notice was not released to learns only that there is a hit, its "
            "reference and whom to contact."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lost or stolen document notice")
        verbose_name_plural = _("lost or stolen document notices")
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_state", "document_type", "number_key"],
                name="one_notice_per_document",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="recovered") | models.Q(recovered_on__isnull=False),
                name="recovered_notice_has_its_date",
            ),
        ]
        indexes = [models.Index(fields=["number_key"], name="notice_number_idx")]

    def __str__(self) -> str:
        return _("Document notice #%(id)s") % {"id": self.share_id}

    def get_absolute_url(self) -> str:
        return reverse("exchange:detail", args=[self.share_id])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.RECOVERED


class DocumentHit(models.Model):
    """A check that found a notice: a lead to close. The issuing state is told at once; the
    checking state records what came of it."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web page")
        API = "api", _("API")
        BULK = "bulk", _("Bulk check")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed with the issuing state")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
        RETAINED = "retained", _("Document retained")

    share = models.ForeignKey(
        Share, on_delete=models.CASCADE, related_name="document_hits", verbose_name=_("notice")
    )
    issuing_state = models.ForeignKey(
        "cica_portal.State", on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_by_state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by state"),
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    # The checking state could not read the notice: it learned only that there is one.
    blind = models.BooleanField(_("blind hit"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("hit on a document notice")
        verbose_name_plural = _("hits on document notices")
        indexes = [
            models.Index(fields=["issuing_state", "-checked_at"], name="hit_issuer_idx"),
            models.Index(fields=["checked_by_state", "-checked_at"], name="hit_checker_idx"),
            models.Index(
                fields=["checked_at"],
                condition=models.Q(closed_at__isnull=True),
                name="hit_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return _("Hit #%(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("exchange:hits")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class DocumentCheckTally(models.Model):
    """How many documents a state checked on a day (for the annual review), counted without
    keeping what was checked."""

    state = models.ForeignKey("cica_portal.State", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    checks = models.PositiveIntegerField(_("checks"), default=0)

    class Meta:
        verbose_name = _("document checks of a day")
        verbose_name_plural = _("document checks per day")
        constraints = [models.UniqueConstraint(fields=["state", "day"], name="one_tally_a_day")]

    def __str__(self) -> str:
        return f"{self.state_id} {self.day}: {self.checks}"


class FoundDocument(models.Model):
    """A state found a document another state issued: the issuing state confirms or rejects
    that it is one of its lost or stolen documents. The number is sealed like a share's content."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the issuing state")
        CONFIRMED = "confirmed", _("Confirmed by the issuing state")
        REJECTED = "rejected", _("Rejected by the issuing state")

    issuing_state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing state"),
    )
    finding_state = models.ForeignKey(
        "cica_portal.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("finding state"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.CharField(_("type of document"), max_length=40)
    number_key = models.CharField(_("document number (keyed hash)"), max_length=100)
    # {"number", "place", "remarks"}, sealed under this report's own data key.
    sealed_details = models.TextField(editable=False)
    data_key = models.CharField(max_length=200, editable=False)
    found_on = models.DateField(_("found on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("found document report")
        verbose_name_plural = _("found document reports")

    def __str__(self) -> str:
        return _("Found document #%(id)s") % {"id": self.pk}

    _CONTEXT = b"cica-portal found document"

    @property
    def details(self) -> dict[str, Any]:
        key = envelope.unwrap(self.data_key)
        opened: dict[str, Any] = json.loads(
            envelope.unseal(key, self.sealed_details, context=self._CONTEXT)
        )
        return opened

    def seal_details(self, details: dict[str, Any]) -> None:
        if not self.data_key:
            self.data_key = envelope.wrap(envelope.new_data_key())
        text = json.dumps(details, ensure_ascii=False, separators=(",", ":"))
        key = envelope.unwrap(self.data_key)
        self.sealed_details = envelope.seal(key, text.encode(), context=self._CONTEXT)


class ScopeGeneration(models.Model):
    """How often what one visibility scope may see has changed: a state's (its own shares and
    those asked of it), a group's or a person's (per-object rights).

    Every service that changes which shares a scope sees moves its generation up in the same
    transaction (`exchange.scopes.touch`); a value computed from the shares (the API list's
    exact `count`) is cached under the generations of the asker's scopes, so it can neither
    outlive a change nor come back after one (a generation only grows)."""

    scope = models.CharField(_("scope"), max_length=40, primary_key=True)
    generation = models.PositiveBigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("visibility scope generation")
        verbose_name_plural = _("visibility scope generations")

    def __str__(self) -> str:
        return f"{self.scope}@{self.generation}"
