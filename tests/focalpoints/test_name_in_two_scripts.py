"""A focal point's name in Latin letters and in Cyrillic: kept on the entry, entered by the
state, the focal point and the Secretariat, served by the API, carried by both vCard versions."""

import pytest
import vobject
from django.urls import reverse

from focalpoints import services
from focalpoints.models import FocalPoint
from tests.focalpoints.factories import FocalPointFactory
from tests.focalpoints.test_admin_and_seed import admin_client, entry_form, staff  # noqa: F401
from tests.focalpoints.test_nomination import _form, _nominate
from tests.focalpoints.test_self_service import _details

pytestmark = pytest.mark.django_db

LATIN, CYRILLIC = "Focal point, Kazakhstan", "Координатор, Казахстан"


@pytest.fixture
def entry(kz, fp_kz):
    return FocalPointFactory(
        state=kz, user=fp_kz, name=LATIN, name_other_script=CYRILLIC, areas=[1]
    )


def _card(client, entry, version):
    response = client.get(reverse("focalpoints:vcard", args=[entry.pk]), {"version": version})
    assert response.status_code == 200
    (card,) = vobject.readComponents(response.content.decode())
    return card


def test_vcard_4_0_carries_the_name_in_both_scripts_as_alternatives(client, fp_ru, entry):
    client.force_login(fp_ru)
    card = _card(client, entry, "4.0")
    names = {line.params["LANGUAGE"][0]: line.value for line in card.contents["fn"]}
    assert names == {"en": LATIN, "ru": CYRILLIC}
    assert {line.params["ALTID"][0] for line in card.contents["fn"]} == {"2"}
    structured = {line.params["LANGUAGE"][0]: line.value for line in card.contents["n"]}
    assert set(structured) == {"en", "ru"}
    assert structured["ru"].family == CYRILLIC
    assert {line.params["ALTID"][0] for line in card.contents["n"]} == {"3"}


def test_vcard_4_0_tags_a_cyrillic_name_and_its_latin_form(client, fp_ru, kz):
    other = FocalPointFactory(state=kz, name=CYRILLIC, name_other_script=LATIN)
    client.force_login(fp_ru)
    card = _card(client, other, "4.0")
    names = {line.params["LANGUAGE"][0]: line.value for line in card.contents["fn"]}
    assert names == {"ru": CYRILLIC, "en": LATIN}


def test_vcard_3_0_keeps_one_name_and_says_the_other_script_in_the_note(client, fp_ru, entry):
    client.force_login(fp_ru)
    card = _card(client, entry, "3.0")
    assert [line.value for line in card.contents["fn"]] == [LATIN]
    assert len(card.contents["n"]) == 1
    assert f"Name in Cyrillic: {CYRILLIC}" in card.note.value


def test_without_another_script_the_card_has_one_name(client, fp_ru, kz):
    single = FocalPointFactory(state=kz, name=LATIN)
    client.force_login(fp_ru)
    card = _card(client, single, "4.0")
    assert [line.value for line in card.contents["fn"]] == [LATIN]
    assert "ALTID" not in card.fn.params
    assert "Name in" not in _card(client, single, "3.0").note.value


def test_an_approver_nominates_with_the_name_in_cyrillic(client, approver_kz):
    client.force_login(approver_kz)
    response = client.post(reverse("focalpoints:nominate"), _form(name_other_script=CYRILLIC))
    assert response.status_code == 302
    assert FocalPoint.objects.get(email="police@kz.example").name_other_script == CYRILLIC


def test_a_name_in_the_same_script_is_a_form_error_with_nothing_lost(client, approver_kz):
    client.force_login(approver_kz)
    response = client.post(
        reverse("focalpoints:nominate"), _form(name_other_script="Focal point again")
    )
    assert response.status_code == 200
    assert "name_other_script" in response.context["form"].errors
    assert 'value="Focal point again"' in response.content.decode()
    assert not FocalPoint.objects.filter(email="police@kz.example").exists()


def test_the_service_refuses_a_name_in_the_same_script(approver_kz):
    with pytest.raises(services.FocalPointError, match="other script") as error:
        _nominate(approver_kz, name="Координатор", name_other_script="Наблюдатель")
    assert error.value.field == "name_other_script"


def test_the_focal_point_changes_it_and_the_secretariat_verifies(client, fp_kz, kz, secretariat):
    entry = FocalPointFactory(state=kz, user=fp_kz, name=LATIN)
    client.force_login(fp_kz)
    url = reverse("focalpoints:my-details", args=[entry.pk])
    assert "name_other_script" in client.get(url).context["form"].fields
    response = client.post(url, _details(entry, name_other_script=CYRILLIC))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.pending_changes == {"name_other_script": CYRILLIC}  # it is the name: verified
    services.verify(entry, actor=secretariat)
    entry.refresh_from_db()
    assert entry.name_other_script == CYRILLIC


def test_the_secretariat_corrects_it_in_the_admin(admin_client, kz):  # noqa: F811
    entry = FocalPointFactory(state=kz, name=LATIN)
    url = f"/admin/focalpoints/focalpoint/{entry.pk}/change/"
    assert 'name="name_other_script"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, entry_form(entry, name_other_script=CYRILLIC))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name_other_script == CYRILLIC
    assert entry.changes.get(field="name_other_script").new_value == CYRILLIC


def test_the_api_and_the_pages_show_both_names(api_client, client, fp_ru, entry):
    api_client.force_authenticate(fp_ru)
    rows = api_client.get("/api/v1/focal-points/", {"state": "KZ"}).json()["results"]
    assert {row["name"]: row["name_other_script"] for row in rows}[LATIN] == CYRILLIC
    detail = api_client.get(f"/api/v1/focal-points/{entry.pk}/").json()
    assert detail["name_other_script"] == CYRILLIC
    client.force_login(fp_ru)
    page = client.get(reverse("focalpoints:detail", args=[entry.pk])).content.decode()
    assert f'<p class="lead" lang="ru">{CYRILLIC}</p>' in page
    directory = client.get(reverse("focalpoints:directory")).content.decode()
    assert f'lang="ru">{CYRILLIC}' in directory


def test_the_demo_gives_a_few_focal_points_their_name_in_cyrillic():
    import io

    from cica_portal.demo import create_demo_people
    from focalpoints import seed

    create_demo_people("pw")
    seed.seed_demo(password="pw", stdout=io.StringIO())
    kz = FocalPoint.objects.get(state__code="KZ", role="primary")
    assert kz.name_other_script == "Координатор, Казахстан"
    named = FocalPoint.objects.exclude(name_other_script="")
    assert 3 <= named.count() < FocalPoint.objects.count()
