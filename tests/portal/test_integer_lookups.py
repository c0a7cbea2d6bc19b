"""Looking rows up by a list of ids never errs, whatever the numbers."""

import pytest
from django.contrib.auth.models import Group, Permission

from cica_portal.models import User
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db


def test_a_list_of_ids_past_64_bits_finds_nothing_instead_of_erring(fp_kz):
    """Before: SQLite raised OverflowError for 2**70 (PostgreSQL compared it and found none)."""
    assert list(User.objects.filter(pk__in=[2**70, -(2**70)])) == []
    assert list(User.objects.filter(pk__in=[2**70, fp_kz.pk])) == [fp_kz]
    assert not User.objects.exclude(pk__in=[2**70]).filter(pk=2**70).exists()


def test_the_admin_refuses_a_permission_id_past_64_bits_as_a_choice(client):
    """Before: a 500 on SQLite when adding a group (found by fuzzing the admin)."""
    client.force_login(SecretariatFactory(username="root", is_superuser=True, is_staff=True))
    before = Group.objects.count()
    response = client.post(
        "/admin/auth/group/add/",
        {"name": "Fuzzed", "permissions": ["99999999999999999999999"], "_save": "Save"},
    )
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert Group.objects.count() == before
    assert Permission.objects.exists()
