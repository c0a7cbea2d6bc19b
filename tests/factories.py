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
