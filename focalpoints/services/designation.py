"""Designation as states do it: a note verbale the Secretariat checks, and a verified nominee's
account opened by a single-use link, with the role and state of the nomination."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from cica_portal import audit, outbox
from cica_portal.models import User
from cica_portal.transactions import retry_on_deadlock
from cica_portal.uploads import refuse_unless_acceptable

from .. import selectors
from ..models import Activation, FocalPoint
from ._common import FocalPointError

ACTIVATION_VALID_FOR = datetime.timedelta(days=10)


def store_note_verbale(entry: FocalPoint, data: dict[str, Any]) -> list[str]:
    """Take the note verbale's scan out of `data` (checked by what it is), set it on the entry;
    a new scan or reference needs a new check. Returns the fields changed."""
    scan = data.pop("note_verbale_scan", None)
    changed = []
    if scan and hasattr(scan, "read"):
        _extension, content_type = refuse_unless_acceptable(scan, FocalPointError)
        entry.note_verbale_scan.save(scan.name, scan, save=False)
        entry.note_verbale_content_type = content_type
        changed += ["note_verbale_scan", "note_verbale_content_type"]
    reference = data.get("note_verbale_reference", entry.note_verbale_reference)
    renewed = changed or reference != entry.note_verbale_reference
    if renewed and entry.note_verbale_checked_at is not None:
        entry.note_verbale_checked_at, entry.note_verbale_checked_by = None, None
        changed += ["note_verbale_checked_at", "note_verbale_checked_by"]
    return changed


@retry_on_deadlock
@transaction.atomic
def check_note_verbale(entry: FocalPoint, *, actor: User) -> FocalPoint:
    """The Secretariat records that it checked the nomination's note verbale."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not actor.is_secretariat:
        raise FocalPointError(_("Only the Secretariat checks notes verbales."), code="forbidden")
    if not entry.note_verbale_complete:
        raise FocalPointError(
            _("The nomination has no note verbale yet: its reference and scan are needed."),
            code="conflict",
        )
    if not selectors.may_check_note_verbale(actor, entry):
        raise FocalPointError(_("There is no note verbale to check."), code="conflict")
    entry.note_verbale_checked_at, entry.note_verbale_checked_by = timezone.now(), actor
    entry.save(update_fields=["note_verbale_checked_at", "note_verbale_checked_by", "updated_at"])
    audit.log(
        entry,
        "focalpoints.note_verbale.checked",
        actor=actor,
        data={"reference": entry.note_verbale_reference},
    )
    return entry


def refuse_unchecked_note_verbale(entry: FocalPoint) -> None:
    """A nomination is verified only once its note verbale was checked."""
    if entry.status == FocalPoint.Status.NOMINATED and entry.note_verbale_checked_at is None:
        raise FocalPointError(
            _("Check the note verbale (its reference and scan) before verifying the nomination."),
            code="conflict",
        )


def invite_to_activate(entry: FocalPoint) -> Activation | None:
    """After verification: a nominee without an account gets a single-use link (in the
    verifying transaction; the email leaves after the commit)."""
    if entry.user_id is not None or entry.is_office:
        return None
    activation = Activation.objects.create(
        entry=entry, expires_at=timezone.now() + ACTIVATION_VALID_FOR
    )
    outbox.enqueue("focalpoints.send_activation", activation.pk)
    return activation


def activation_token(activation: Activation) -> str:
    return signing.dumps(
        {"a": activation.pk, "n": activation.nonce}, salt=selectors.ACTIVATION_SALT
    )


ACTIVATION_SUBJECT = gettext_lazy("[CICA] Open your account as a focal point")
ACTIVATION_BODY = gettext_lazy(
    "The Secretariat verified you as a focal point of %(state)s. Open your portal account "
    "within 10 days with this link (it works once):\n\n%(link)s"
)


def send_activation(activation_id: int) -> bool:
    """Email the activation link once (the worker that marks it sent sends it)."""
    claimed = Activation.objects.filter(
        pk=activation_id, sent_at__isnull=True, used_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    activation = Activation.objects.select_related("entry__state").get(pk=activation_id)
    entry = activation.entry
    link = settings.SITE_URL + reverse("focalpoints:activate", args=[activation_token(activation)])
    language = "ru" if "ru" in entry.language_codes and "en" not in entry.language_codes else "en"
    try:
        with override(language):
            send_mail(
                str(ACTIVATION_SUBJECT),
                str(ACTIVATION_BODY) % {"state": entry.state.name, "link": link},
                settings.DEFAULT_FROM_EMAIL,
                [entry.email],
            )
    except Exception:
        Activation.objects.filter(pk=activation_id).update(sent_at=None)  # the retry sends it
        raise
    return True


def _free_username(email: str) -> str:
    base = email.strip().lower()[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@retry_on_deadlock
@transaction.atomic
def activate(activation: Activation, *, password: str) -> User:
    """Open the nominee's account: focal point of the nomination's state, linked to the entry.
    Nothing but the password comes from the person."""
    activation = (
        Activation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("entry__state")
        .get(pk=activation.pk)
    )
    if activation.used_at is not None or activation.expires_at <= timezone.now():
        raise FocalPointError(
            _(
                "This activation link was already used or has expired. Ask the Secretariat "
                "for a new one."
            ),
            code="conflict",
        )
    entry = FocalPoint.objects.select_for_update(of=("self",), no_key=True).get(
        pk=activation.entry_id
    )
    if entry.user_id is not None or not entry.is_current:
        raise FocalPointError(_("This entry already has an account."), code="conflict")
    user = User(
        username=_free_username(entry.email),
        email=entry.email,
        full_name=entry.name,
        role=User.Role.FOCAL_POINT,
        state_id=entry.state_id,
    )
    user.set_password(password)
    user.save()
    entry.user = user
    entry.save(update_fields=["user", "updated_at"])
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    audit.log(entry, "focalpoints.account.activated", actor=user, data={"user": user.pk})
    return user
