"""Share lists walk by cursor (the last row shown), in pages and API: every row once, in order,
whatever changes meanwhile; a cursor never widens what the user may see."""

import re

import pytest
from django.urls import reverse

from cica_portal.pagination import NEXT, encode_cursor
from exchange import views
from exchange.models import Share

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sixty_drafts(fp_kz):
    """60 drafts of Kazakhstan's, newest last; some saved in the same microsecond."""
    shares = [factories.draft(fp_kz, title=f"Draft {n}") for n in range(60)]
    same = shares[10].updated_at
    Share.objects.filter(pk__in=[s.pk for s in shares[10:14]]).update(updated_at=same)
    return shares


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/exchange/(\d+)/"', html)]


def _walk_pages(client, **params) -> list[int]:
    seen, url = [], reverse("exchange:index")
    response = client.get(url, params)
    while True:
        assert response.status_code == 200
        html = response.content.decode()
        seen += _ids(html)
        older = re.search(r'href="\?([^"]*cursor=[^"]+)" rel="next"', html)
        if not older:
            return seen
        response = client.get(f"{url}?{older[1].replace('&amp;', '&')}")


def test_it_walks_every_share_once_newest_first_in_pages(client, fp_kz, sixty_drafts):
    client.force_login(fp_kz)
    seen = _walk_pages(client, box="mine")
    expected = list(
        Share.objects.filter(pk__in=[s.pk for s in sixty_drafts])
        .order_by("-updated_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected


def test_it_goes_back_to_the_newer_page(client, fp_kz, sixty_drafts):
    client.force_login(fp_kz)
    first = client.get(reverse("exchange:index"), {"box": "mine"}).content.decode()
    page = client.get(reverse("exchange:index"), {"box": "mine"}).context["page"]
    second = client.get(reverse("exchange:index"), {"box": "mine", "cursor": page.next_cursor})
    back = second.context["page"].previous_cursor
    again = client.get(reverse("exchange:index"), {"box": "mine", "cursor": back})
    assert _ids(again.content.decode()) == _ids(first)


def test_it_keeps_the_box_and_filters_in_the_links(client, fp_kz, sixty_drafts):
    client.force_login(fp_kz)
    html = client.get(reverse("exchange:index"), {"box": "mine", "status": "draft"}).content
    assert re.search(rb'href="\?box=mine&amp;status=draft&amp;cursor=[^"]+" rel="next"', html)


def test_it_answers_a_bad_cursor_with_400_naming_it(client, fp_kz, sixty_drafts):
    client.force_login(fp_kz)
    for cursor in ("nonsense", "bnx8", encode_cursor(NEXT, sixty_drafts[0].updated_at, 0)):
        response = client.get(reverse("exchange:index"), {"cursor": cursor})
        assert response.status_code == 400
        assert b"cursor" in response.content
    response = client.get("/api/v1/exchange/shares/", {"cursor": "nonsense"})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_shows_an_outsider_nothing(client, fp_kz, fp_cn, sixty_drafts):
    client.force_login(fp_kz)
    cursor = client.get(reverse("exchange:index")).context["page"].next_cursor
    client.force_login(fp_cn)
    response = client.get(reverse("exchange:index"), {"cursor": cursor})
    assert response.status_code == 200
    assert _ids(response.content.decode()) == []
    api = client.get("/api/v1/exchange/shares/", {"cursor": cursor}).json()
    assert api["count"] == 0
    assert api["results"] == []


def test_it_counts_up_to_its_limit_and_then_says_more(client, fp_kz, sixty_drafts, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 50)
    client.force_login(fp_kz)
    response = client.get(reverse("exchange:index"), {"box": "mine"})
    assert response.context["count"] == 51
    assert b"More than 50 shares" in response.content
    response = client.get(reverse("exchange:index"), {"box": "mine", "status": "released"})
    assert response.context["count"] == 0


def test_the_api_keeps_its_shape_and_walks_by_next_links(api_client, fp_kz, sixty_drafts):
    api_client.force_authenticate(fp_kz)
    page = api_client.get("/api/v1/exchange/shares/", {"box": "mine"}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 60
    assert page["previous"] is None
    assert "cursor=" in page["next"]
    seen = [row["id"] for row in page["results"]]
    while page["next"]:
        page = api_client.get(page["next"]).json()
        assert page["count"] == 60
        seen += [row["id"] for row in page["results"]]
    assert sorted(seen) == sorted(s.pk for s in sixty_drafts)
    assert len(seen) == 60


def test_the_api_still_answers_page_numbers(api_client, fp_kz, sixty_drafts):
    api_client.force_authenticate(fp_kz)
    by_cursor = api_client.get("/api/v1/exchange/shares/").json()
    by_cursor = api_client.get(by_cursor["next"]).json()
    by_number = api_client.get("/api/v1/exchange/shares/", {"page": 2}).json()
    assert [r["id"] for r in by_number["results"]] == [r["id"] for r in by_cursor["results"]]
    assert "cursor=" in by_number["next"]
    assert "page=" not in by_number["next"]
    assert (
        api_client.get("/api/v1/exchange/shares/", {"page": 4}).status_code == 404
    )  # past the end
    # Past the deepest page served by number (MAX_PAGE): a 400 naming `page`.
    deep = api_client.get("/api/v1/exchange/shares/", {"page": 99})
    assert deep.status_code == 400
    assert "page" in deep.json()
