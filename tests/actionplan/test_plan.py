"""The plan from the document, word for word, as a page and over the API."""

import json

import pytest

from actionplan import services
from actionplan.models import ItemStatusChange, PlanItem
from actionplan.services.plan import DATA_FILE

DOC = json.loads(DATA_FILE.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_it_loads_every_activity_and_numbered_item_word_for_word(plan):
    for area in DOC["areas"]:
        activity = PlanItem.objects.get(area__number=area["number"], kind="activity")
        assert activity.text == area["activity"]["text"]
        assert activity.title == area["activity"]["title"]
        texts = list(
            PlanItem.objects.filter(area__number=area["number"], kind="issue")
            .order_by("number")
            .values_list("number", "text")
        )
        assert texts == [(i["number"], i["text"]) for i in area["items"]]
    assert PlanItem.objects.filter(area__number=1, kind="issue").count() == 7
    assert PlanItem.objects.filter(area__number=2, kind="issue").count() == 5
    # Areas III and IV number no issue in the source: what their activities name are topics.
    assert PlanItem.objects.filter(area__number__in=[3, 4], kind="issue").count() == 0
    assert PlanItem.objects.filter(area__number=3, kind="topic").count() == 2
    assert PlanItem.objects.filter(area__number=4, kind="topic").count() == 3


@pytest.mark.django_db
def test_activities_issues_and_topics_have_references_that_never_collide(plan):
    labels = [str(item).split(" ", 1)[0] for item in PlanItem.objects.select_related("area")]
    assert len(labels) == len(set(labels)), labels
    assert {"I.A", "I.1", "II.A", "II.5", "III.A", "III.A(a)", "IV.A(c)"} <= set(labels)
    assert not {"III.1", "IV.1"} & set(labels)


@pytest.mark.django_db
def test_the_plan_page_shows_the_introduction_and_each_areas_own_heading(client, plan, fp_kz):
    client.force_login(fp_kz)
    body = client.get("/plan/").content.decode()
    assert "Introduction" in body
    assert "will be reviewed every year by SWG and SOC" in body
    assert "Issues for possible consideration and approval by Member States:" in body
    assert "Issues for possible consideration:" in body
    assert "Topics the activity names" in body
    area_three = body.split('id="area-3"')[1].split("</section>")[0]
    assert "<table" not in area_three  # no numbered issues where the source numbers none
    assert "III.A(a)" in area_three


@pytest.mark.django_db
def test_it_loads_the_plan_once_however_often_it_runs(plan):
    before = PlanItem.objects.count(), ItemStatusChange.objects.count()
    assert services.load_plan() == {"created": 0, "updated": 0}
    assert (PlanItem.objects.count(), ItemStatusChange.objects.count()) == before


@pytest.mark.django_db
def test_it_keeps_statuses_when_the_plan_is_loaded_again(plan, secretariat):
    item = PlanItem.objects.get(area__number=1, kind="issue", number=1)
    services.change_status(
        item, to_status="approved", actor=secretariat, reason="SOC agreed", basis="SOC 2026"
    )
    services.load_plan()
    item.refresh_from_db()
    assert item.status == "approved"


@pytest.mark.django_db
def test_it_shows_the_plan_to_network_members(client, plan, fp_kz):
    client.force_login(fp_kz)
    response = client.get("/plan/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Establishment of a CICA focal points network" in body
    assert "Convening a CICA Chiefs of Police meeting." in body
    assert "style=" not in body
    assert "<script>" not in body


@pytest.mark.django_db
def test_it_keeps_the_plan_from_anonymous_visitors(client, plan):
    response = client.get("/plan/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_refuses_post_on_the_plan(client, plan, fp_kz):
    client.force_login(fp_kz)
    assert client.post("/plan/").status_code == 405


@pytest.mark.django_db
def test_the_plan_page_does_not_grow_in_queries_with_measures(
    client, plan, fp_kz, django_assert_max_num_queries
):
    client.force_login(fp_kz)
    client.get("/plan/")
    from cica_portal.models import Area

    for n in range(10):
        PlanItem.objects.create(
            area=Area.objects.get(number=1 + n % 4),
            kind="measure",
            number=n + 1,
            title=f"Measure {n}",
            text="text",
            status="approved",
        )
    with django_assert_max_num_queries(12):
        assert client.get("/plan/").status_code == 200


@pytest.mark.django_db
def test_the_item_page_shows_the_item_and_its_history(client, plan, fp_kz):
    item = PlanItem.objects.get(area__number=2, kind="issue", number=3)
    client.force_login(fp_kz)
    response = client.get(f"/plan/items/{item.pk}/")
    assert response.status_code == 200
    assert "Interpol database" in response.content.decode()
    assert "Adopted in the Action Plan" in response.content.decode()


@pytest.mark.django_db
def test_an_item_that_does_not_exist_is_404(client, plan, fp_kz):
    client.force_login(fp_kz)
    assert client.get("/plan/items/999999/").status_code == 404


@pytest.mark.django_db
def test_the_areas_api_follows_the_contract(api_client, plan, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.get("/api/v1/action-plan/areas/")
    assert response.status_code == 200
    areas = response.json()["results"]
    assert [a["number"] for a in areas] == [1, 2, 3, 4]
    assert areas[0]["title"] == "Border Control and Management"
    assert len(areas[0]["items"]) == 7
    assert areas[0]["items"][0] == {
        "number": 1,
        "text": "Establishment of a CICA focal points network",
        "status": "under_consideration",
    }
    assert len(areas[1]["items"]) == 5
    assert areas[1]["activity"]["text"] == "Convening a CICA Chiefs of Police meeting."
    assert areas[3]["measures"] == []


@pytest.mark.django_db
def test_the_areas_api_needs_credentials(api_client, plan):
    assert api_client.get("/api/v1/action-plan/areas/").status_code in (401, 403)


@pytest.mark.django_db
def test_the_schema_documents_the_areas_without_warnings(api_client, secretariat):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/action-plan/areas/" in schema["paths"]
    assert "/api/v1/action-plan/reports/{id}/submit/" in schema["paths"]
