"""factory_boy factories shared by every app's tests. Apps add theirs in their own module
(tests/<app>/factories.py) and import the people from here."""

import factory
from factory.django import DjangoModelFactory

from cica_portal.models import State, User

TEST_PASSWORD = "correct-horse-battery-2008"


def state(code: str) -> State:
    """Reference data comes from the migration; tests look states up by code."""
    return State.objects.get(code=code.upper())


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    full_name = factory.LazyAttribute(lambda u: u.username.replace("-", " ").title())
    password = factory.django.Password(TEST_PASSWORD)


class FocalPointUserFactory(UserFactory):
    role = User.Role.FOCAL_POINT
    state = factory.LazyFunction(lambda: state("KZ"))


class ApproverFactory(UserFactory):
    role = User.Role.APPROVER
    state = factory.LazyFunction(lambda: state("KZ"))


class SecretariatFactory(UserFactory):
    role = User.Role.SECRETARIAT
    is_staff = True


class SecretariatAdminFactory(SecretariatFactory):
    """Secretariat staff as `seed_demo` makes them: staff, with the Secretariat group's model
    permissions (every model of the portal's apps), not a superuser."""

    @factory.post_generation
    def admin_rights(user, create, extracted, **kwargs):
        if create:
            from cica_portal.demo import secretariat_group

            user.groups.add(secretariat_group())


def api_token_for(user: User, name: str = "test") -> str:
    """A new API token's key for the user, made the way the portal makes one."""
    from cica_portal import tokens

    return tokens.issue_token(user, name=name)[1]


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code the device's app shows now (or that many 30-second steps later).

    django-otp refuses a code whose step was already used, so a test that passes a second code
    with the same device asks for the next step's (within the one-step tolerance).
    """
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_totp_code(device) -> str:
    """Six digits that no step the device would accept right now can show."""
    valid = {totp_code(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1, 10) if f"{n:06d}" not in valid)
