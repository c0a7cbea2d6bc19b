"""The core's admin: staff create and deactivate accounts but give no rights; a superuser gives
them, audited; groups (the exchange's per-state groups carry the right to read a state's
shares) are nobody's to edit by hand; each person reads only their own notifications."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cica_portal.models import AuditRecord, Notification, User
from cica_portal.notifications import Notice, notify
from tests.factories import (
    TEST_PASSWORD,
    SecretariatAdminFactory,
    SecretariatFactory,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return SecretariatAdminFactory(username="secretariat-staff")


@pytest.fixture
def root(db):
    return SecretariatFactory(username="root", role="", is_superuser=True)


def change_url(user) -> str:
    return reverse("admin:cica_portal_user_change", args=[user.pk])


def form_data(client, url: str) -> dict:
    """What a browser would post back unchanged (a multiple choice: the offered ones)."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            offered = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
            data[name] = [str(v) for v in value if str(v) in offered]
        else:
            data[name] = str(value)
    return data


def _errors(response) -> str:
    context = response.context or {}
    form = context.get("adminform")
    return str(form.form.errors) if form else str(response.status_code)


def crafted_rights(group: Group) -> dict:
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(group.pk)],
        "user_permissions": [str(Permission.objects.get(codename="view_share").pk)],
        "role": "focal_point",
        "state": str(state("KZ").pk),
    }


def rights(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.is_staff,
        user.role,
        user.state_id,
        sorted(user.groups.values_list("name", flat=True)),
        list(user.user_permissions.all()),
    )


def test_staff_cannot_make_themselves_superuser(client, staff):
    kz_group = Group.objects.get_or_create(name="exchange:state:KZ")[0]
    client.force_login(staff)
    before = rights(staff)
    data = {**form_data(client, change_url(staff)), **crafted_rights(kz_group)}
    data["full_name"] = "Secretariat, registry"
    response = client.post(change_url(staff), data)
    assert response.status_code == 302, _errors(response)
    staff.refresh_from_db()
    assert staff.full_name == "Secretariat, registry"  # the save went through...
    assert rights(staff) == before  # ...and gave nothing


def test_staff_cannot_change_anyones_rights_but_can_deactivate(client, staff, fp_kz):
    client.force_login(staff)
    before = rights(fp_kz)
    data = {**form_data(client, change_url(fp_kz)), **crafted_rights(Group.objects.first())}
    data.update(role="approver", state=str(state("RU").pk), email="mine@example.org")
    data.pop("is_active")
    response = client.post(change_url(fp_kz), data)
    assert response.status_code == 302, _errors(response)
    fp_kz.refresh_from_db()
    assert not fp_kz.is_active
    assert fp_kz.email == "fp-kz@example.org"  # else a reset would sign staff in as fp-kz
    after = rights(fp_kz)
    assert after[:4] == before[:4]
    assert after[5] == before[5]
    assert AuditRecord.objects.filter(action="auth.deactivated", object_id=str(fp_kz.pk)).exists()


def test_staff_cannot_set_another_persons_password(client, staff, fp_kz):
    client.force_login(staff)
    url = reverse("admin:auth_user_password_change", args=[fp_kz.pk])
    response = client.post(
        url, {"password1": "Another-pass-2008", "password2": "Another-pass-2008"}
    )
    assert response.status_code == 403
    fp_kz.refresh_from_db()
    assert fp_kz.check_password(TEST_PASSWORD)
    own = reverse("admin:auth_user_password_change", args=[staff.pk])
    assert client.get(own).status_code == 200


def test_staff_cannot_edit_a_superuser_account(client, staff, root):
    client.force_login(staff)
    data = {**form_data(client, change_url(root)), "full_name": "Taken over"}
    data.pop("is_active", None)
    assert client.post(change_url(root), data).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(password, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    root.refresh_from_db()
    assert root.is_active
    assert root.full_name != "Taken over"
    delete = reverse("admin:cica_portal_user_delete", args=[root.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_staff_create_accounts_without_rights_or_a_password_they_know(client, staff):
    client.force_login(staff)
    group = Group.objects.get_or_create(name="exchange:state:KZ")[0]
    response = client.post(
        reverse("admin:cica_portal_user_add"),
        {
            "username": "new-fp",
            "full_name": "New focal point",
            "email": "new-fp@kz.example",
            "language": "en",
            "usable_password": "true",
            "password1": "Known-to-staff-2008",
            "password2": "Known-to-staff-2008",
            **crafted_rights(group),
        },
    )
    assert response.status_code == 302, _errors(response)
    user = User.objects.get(username="new-fp")
    assert rights(user) == (False, False, "", None, [], [])
    assert user.has_usable_password()
    assert not user.check_password("Known-to-staff-2008")
    record = AuditRecord.objects.get(action="auth.user.created", object_id=str(user.pk))
    assert record.actor == staff
    assert record.data["rights"]["role"] == ""


def test_a_superuser_gives_rights_and_it_is_audited(client, root, fp_kz):
    client.force_login(root)
    data = form_data(client, change_url(fp_kz))
    data.update(role="approver", state=str(state("RU").pk), is_staff="on")
    response = client.post(change_url(fp_kz), data)
    assert response.status_code == 302, _errors(response)
    fp_kz.refresh_from_db()
    assert (fp_kz.role, fp_kz.state.code, fp_kz.is_staff) == ("approver", "RU", True)
    record = AuditRecord.objects.get(action="auth.user.rights_changed")
    assert record.actor == root
    assert record.object_id == str(fp_kz.pk)
    assert record.data["role"] == {"before": "focal_point", "after": "approver"}
    assert record.data["state"] == {"before": "KZ", "after": "RU"}
    assert record.data["is_staff"] == {"before": False, "after": True}
    assert record.data["groups"] == {
        "before": ["exchange:state:KZ"],
        "after": ["exchange:state:RU"],
    }
    assert "password" not in str(record.data)


def test_the_exchange_groups_are_given_by_role_and_state_not_by_hand(client, root, fp_kz):
    cn_group = Group.objects.get_or_create(name="exchange:state:CN")[0]
    client.force_login(root)
    page = client.get(change_url(fp_kz))
    offered = page.context["adminform"].form.fields["groups"].queryset
    assert not offered.filter(name__startswith="exchange:").exists()
    data = {**form_data(client, change_url(fp_kz)), "groups": [str(cn_group.pk)]}
    response = client.post(change_url(fp_kz), data)
    assert response.status_code == 200  # not a choice: refused
    assert sorted(fp_kz.groups.values_list("name", flat=True)) == ["exchange:state:KZ"]
    data["groups"] = []
    assert client.post(change_url(fp_kz), data).status_code == 302
    assert sorted(fp_kz.groups.values_list("name", flat=True)) == ["exchange:state:KZ"]


def test_staff_cannot_edit_groups(client, staff):
    group = Group.objects.get_or_create(name="exchange:state:KZ")[0]
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    staff = User.objects.get(pk=staff.pk)
    client.force_login(staff)
    change = reverse("admin:auth_group_change", args=[group.pk])
    response = client.post(change, {"name": "exchange:state:KZ", "permissions": []})
    assert response.status_code == 403
    add = client.post(reverse("admin:auth_group_add"), {"name": "Mine"})
    assert add.status_code == 403
    assert not Group.objects.filter(name="Mine").exists()
    delete = reverse("admin:auth_group_delete", args=[group.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_a_superuser_edits_other_groups_audited_but_not_the_exchanges(client, root):
    exchange_group = Group.objects.get_or_create(name="exchange:state:KZ")[0]
    client.force_login(root)
    change = reverse("admin:auth_group_change", args=[exchange_group.pk])
    assert client.post(change, {"name": "renamed"}).status_code == 403
    delete = reverse("admin:auth_group_delete", args=[exchange_group.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    permission = Permission.objects.get(codename="view_meeting")
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "Readers", "permissions": [permission.pk]}
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="auth.group.permissions_changed")
    assert record.actor == root
    assert record.data["after"] == ["view_meeting"]


def test_no_admin_page_grants_object_rights_or_permissions():
    """Guardian's rows and the permission table are not in the admin: nobody grants a right
    to a share by hand (a regression guard)."""
    registered = {model._meta.label for model in admin.site._registry}
    assert not {m for m in registered if m.startswith("guardian.")}
    assert not {"auth.Permission", "exchange.ShareUserObjectPermission"} & registered
    assert "exchange.ShareGroupObjectPermission" not in registered


def test_the_notifications_admin_shows_deliveries_but_only_ones_own_notices_content(
    client, staff, fp_ru
):
    notify([fp_ru], key="x:1", notice=Notice("Information released to you: a share", ""), url="/")
    notify([staff], key="x:2", notice=Notice("The review is open", ""), url="/")
    client.force_login(staff)
    response = client.get(reverse("admin:cica_portal_notification_changelist"))
    page = response.content.decode()
    assert len(response.context["cl"].result_list) == 2  # every delivery, for the operator
    assert "The review is open" in page
    assert "Information released to you" not in page
    assert "another person" in page
    searched = client.get(
        reverse("admin:cica_portal_notification_changelist"), {"q": "Information released"}
    )
    assert len(searched.context["cl"].result_list) == 0  # no search by what others were told
    other = Notification.objects.get(recipient=fp_ru)
    page = client.get(reverse("admin:cica_portal_notification_change", args=[other.pk]))
    assert page.status_code == 403
    assert "Information released" not in page.content.decode()


def test_reference_data_changed_in_the_admin_is_audited_and_its_code_fixed(client, staff):
    kz = state("KZ")
    client.force_login(staff)
    url = reverse("admin:cica_portal_state_change", args=[kz.pk])
    response = client.post(
        url, {"code": "KX", "name_en": kz.name_en, "name_ru": "Казахстан", "status": "observer"}
    )
    assert response.status_code == 302
    kz.refresh_from_db()
    assert (kz.code, kz.status, kz.name_ru) == ("KZ", "observer", "Казахстан")
    record = AuditRecord.objects.get(action="reference.state.changed")
    assert record.actor == staff
    assert record.data["status"] == {
        "before": "member",
        "after": "observer",
    }
    delete = reverse("admin:cica_portal_organisation_delete", args=[1])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    added = client.post(
        reverse("admin:cica_portal_organisation_add"),
        {"code": "unodc", "name_en": "UNODC", "kind": "partner", "active": "on"},
    )
    assert added.status_code == 302
    assert AuditRecord.objects.get(action="reference.organisation.created").actor == staff
