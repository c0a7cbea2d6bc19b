"""Writes of the reference data (states, international organisations, the plan's areas): the
Secretariat keeps them in the admin, each change audited with its before and after values.

A state's or an organisation's code is fixed once made: other records name them by it (the
exchange's per-state groups, e.g. `exchange:state:KZ`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .errors import DomainError
from .models import Area, Organisation, State, User
from .transactions import retry_on_deadlock

Reference = State | Organisation | Area

EDITABLE: dict[type[Reference], tuple[str, ...]] = {
    State: ("name_en", "name_ru", "status"),
    Organisation: ("name_en", "name_ru", "acronym_ru", "kind", "active"),
    Area: ("roman", "title_en", "title_ru"),
}
ON_CREATION: dict[type[Reference], tuple[str, ...]] = {
    State: ("code",),
    Organisation: ("code",),
    Area: ("number",),
}


def _check(by: User) -> None:
    if not (by.is_active and (by.is_secretariat or by.is_superuser)):
        raise DomainError(_("Only the Secretariat keeps the reference data."), code="forbidden")


@retry_on_deadlock
@transaction.atomic
def create_reference(model: type[Reference], *, by: User, **fields: Any) -> Reference:
    """A new state or organisation (the plan's four areas come with the plan)."""
    _check(by)
    if model is Area:
        raise DomainError(_("The areas are those of the Action Plan."), code="forbidden")
    allowed = (*ON_CREATION[model], *EDITABLE[model])
    obj = model.objects.create(**{k: v for k, v in fields.items() if k in allowed})
    audit.log(
        obj,
        f"reference.{model._meta.model_name}.created",
        actor=by,
        data={key: getattr(obj, key) for key in allowed},
    )
    return obj


@retry_on_deadlock
@transaction.atomic
def change_reference(obj: Reference, *, by: User, **fields: Any) -> Reference:
    """Change a reference record's names, status or kind (never its code)."""
    _check(by)
    model = type(obj)
    obj = model.objects.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)
    changes = {
        key: {"before": getattr(obj, key), "after": value}
        for key, value in fields.items()
        if key in EDITABLE[model] and getattr(obj, key) != value
    }
    if not changes:
        return obj
    for key, change in changes.items():
        setattr(obj, key, change["after"])
    obj.save(update_fields=list(changes))
    audit.log(obj, f"reference.{model._meta.model_name}.changed", actor=by, data=changes)
    return obj
