"""How each person receives each kind of notice, and the one-click unsubscribe links."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import audit, notice_kinds
from .errors import DomainError
from .models import Delivery, NoticePreference, User

UNSUBSCRIBE_SALT = "cica_portal.notices.unsubscribe"
UNSUBSCRIBE_MAX_AGE_DAYS = 60  # a digest's link keeps working for two months


class PreferenceError(DomainError):
    pass


def may_set_preferences(by: User, user: User) -> bool:
    """A person sets their own; the Secretariat (in the admin) may set anyone's."""
    return by.is_active and (by.pk == user.pk or by.is_secretariat or by.is_superuser)


def choices_for(user: User) -> dict[str, str]:
    """The person's delivery per registered kind (an email at once where they chose nothing,
    and always for a kind that needs their action)."""
    chosen = dict(user.notice_preferences.values_list("kind", "delivery"))
    return {
        kind.name: Delivery.IMMEDIATE
        if kind.needs_action
        else chosen.get(kind.name, Delivery.IMMEDIATE)
        for kind in notice_kinds.registered()
    }


@transaction.atomic
def set_notice_preference(user: User, kind_name: str, delivery: str, *, by: User) -> bool:
    """Set how `user` receives notices of one kind; True when it changed. A kind that needs
    action can only be emailed at once."""
    if not may_set_preferences(by, user):
        raise PreferenceError(_("You may only choose your own notifications."), code="forbidden")
    kind = notice_kinds.find(kind_name)
    if kind is None:
        raise PreferenceError(_("There is no such kind of notification."), field="kind")
    if delivery not in Delivery.values:
        raise PreferenceError(_("Choose one of the ways offered."), field="delivery")
    if kind.needs_action and delivery != Delivery.IMMEDIATE:
        raise PreferenceError(
            _("What needs your action is always emailed at once."), field="delivery"
        )
    current = (
        NoticePreference.objects.select_for_update()
        .filter(user=user, kind=kind.name)
        .values_list("delivery", flat=True)
        .first()
    )
    if (current or Delivery.IMMEDIATE) == delivery:
        return False
    NoticePreference.objects.update_or_create(
        user=user, kind=kind.name, defaults={"delivery": delivery}
    )
    audit.log(
        user,
        "notifications.preference_changed",
        actor=by,
        data={"kind": kind.name, "before": current or Delivery.IMMEDIATE, "after": delivery},
    )
    return True


def set_notice_preferences(user: User, choices: dict[str, str], *, by: User) -> int:
    """Several kinds at once (the preferences page); how many changed. One transaction."""
    with transaction.atomic():
        return sum(
            set_notice_preference(user, name, delivery, by=by) for name, delivery in choices.items()
        )


def unsubscribe_token(user: User, kind_name: str) -> str:
    """A link's token that stops one kind's emails for one person, and only that."""
    return signing.dumps({"u": user.pk, "k": kind_name}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, notice_kinds.NoticeKind] | None:
    """The person and kind a genuine, unexpired token names; None for anything else."""
    max_age = getattr(settings, "NOTICE_UNSUBSCRIBE_MAX_AGE_DAYS", UNSUBSCRIBE_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age * 86400)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict):
        return None
    kind = notice_kinds.find(str(data.get("k", "")))
    user_id = data.get("u")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if kind is None or kind.needs_action or user is None:
        return None
    return user, kind


def unsubscribe(token: str) -> tuple[User, notice_kinds.NoticeKind]:
    """Apply a link's unsubscribe: that kind in the portal only."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise PreferenceError(_("This link is not valid or has expired."))
    user, kind = found
    set_notice_preference(user, kind.name, Delivery.PORTAL, by=user)
    return user, kind
