import pytest

from tests.factories import ApproverFactory, FocalPointUserFactory, SecretariatFactory, state


@pytest.fixture
def uz(db):
    return state("UZ")


@pytest.fixture
def fp_kz_colleague(db):
    return FocalPointUserFactory(username="fp-kz-2", state=state("KZ"))


@pytest.fixture
def approver_uz(db):
    return ApproverFactory(username="approver-uz", state=state("UZ"))


@pytest.fixture
def superuser(db):
    return SecretariatFactory(username="root", is_superuser=True, is_staff=True)
