"""People and their roles. A user's role and state are the server's records, never a form's."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import State


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that zoneinfo knows (empty is the portal's zone)."""
    if not value:
        return
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError) as error:
        raise ValidationError(
            _("Not a known time zone: %(name)s"), params={"name": value}
        ) from error


class User(AbstractUser):
    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat staff")
        FOCAL_POINT = "focal_point", _("National focal point")
        APPROVER = "approver", _("National release approver")

    role = models.CharField(_("role"), max_length=20, choices=Role, blank=True)
    state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("member state"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    full_name = models.CharField(_("name shown to others"), max_length=200, blank=True)
    calendar_token = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(
        _("language of notifications and emails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Set by the language switcher; the portal writes to the person in it."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("An IANA name, e.g. Europe/Moscow; empty: the portal's zone."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="national_roles_have_a_state",
                condition=~models.Q(role__in=["focal_point", "approver"])
                | models.Q(state__isnull=False),
                violation_error_message=_("Focal points and approvers belong to a state."),
            ),
            models.CheckConstraint(
                name="secretariat_has_no_state",
                condition=~models.Q(role="secretariat") | models.Q(state__isnull=True),
                violation_error_message=_("Secretariat staff do not represent a state."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and self.role == self.Role.SECRETARIAT

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone this person reads instants in: their own, else the portal's."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def is_focal_point(self) -> bool:
        return self.is_active and self.role == self.Role.FOCAL_POINT and self.state_id is not None

    @property
    def is_approver(self) -> bool:
        return self.is_active and self.role == self.Role.APPROVER and self.state_id is not None

    @property
    def is_network_member(self) -> bool:
        """Focal points, approvers and the Secretariat: who may see the directory."""
        return self.is_secretariat or self.is_focal_point or self.is_approver

    @property
    def national_state(self) -> State:
        """The state a focal point or approver acts for, read after `is_focal_point` or
        `is_approver` (both require one); anyone without a state has none to act for."""
        if self.state is None:
            raise PermissionDenied
        return self.state

    @property
    def national_state_id(self) -> int:
        """The id of `national_state`, without loading the state."""
        if self.state_id is None:
            raise PermissionDenied
        return self.state_id
