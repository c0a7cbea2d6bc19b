"""The demo people of `seed_demo`: a contract that tests and people rely on."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import State, User

DEFAULT_PASSWORD = "demo-pass-2008"  # noqa: S105 - the documented demo password
SECRETARIAT_GROUP = "Secretariat"
# What Secretariat staff may do in the admin: run the plan, meetings, the network, templates.
SECRETARIAT_APPS = [
    "cica_portal",
    "actionplan",
    "focalpoints",
    "meetings",
    "exchange",
    "django_celery_beat",
]


def secretariat_group() -> Group:
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS)
    group.permissions.set(permissions)
    return group


def _ensure_user(username: str, *, password_hash: str, **fields) -> tuple[User, bool]:
    return User.objects.get_or_create(
        username=username, defaults={**fields, "password": password_hash}
    )


@transaction.atomic
def create_demo_people(password: str = DEFAULT_PASSWORD) -> int:
    """Create `secretariat`, `fp-cc` and `approver-cc` for every member state; return how many
    were new. Existing accounts are left exactly as they are."""
    created_count = 0
    # One hash for all the demo accounts: they share the documented password anyway, and
    # hashing 57 times would add seconds to every fresh `make run`.
    password_hash = make_password(password)
    secretariat, created = _ensure_user(
        "secretariat",
        password_hash=password_hash,
        role=User.Role.SECRETARIAT,
        is_staff=True,
        full_name="CICA Secretariat",
        email="secretariat@cica.example",
    )
    created_count += created
    if created:
        secretariat.groups.add(secretariat_group())
    for state in State.objects.members().order_by("code"):
        code = state.code.lower()
        for prefix, role, label in (
            ("fp", User.Role.FOCAL_POINT, "Focal point"),
            ("approver", User.Role.APPROVER, "Release approver"),
        ):
            _, created = _ensure_user(
                f"{prefix}-{code}",
                password_hash=password_hash,
                role=role,
                state=state,
                full_name=f"{label}, {state.name_en}",
                email=f"{prefix}-{code}@{code}.cica.example",
            )
            created_count += created
    return created_count
