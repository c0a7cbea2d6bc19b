"""The API as a whole: every route refuses anonymous callers, and the schema is warning-free."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {"/api/v1/auth/token/"}  # the one door that takes a password instead of a token


def _api_paths(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            # Fill every converter with a plausible value: ids exist or not, either way no data.
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # router regex groups
            path = re.sub(r"<(?:int:)?\w+>", "1", path)
            path = re.sub(r"<\w+:\w+>", "x", path)
            if "(?P<format>" in route or "\\.(?P" in route:
                continue
            yield "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def test_there_are_api_routes_to_walk():
    assert len(set(_api_paths())) >= 5


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(set(_api_paths()) - PUBLIC))
def test_every_api_route_refuses_anonymous_callers(client, path):
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code in (401, 403, 405), (method, path, response.status_code)
        assert response.status_code != 200


def test_the_schema_has_no_warnings(tmp_path):
    out = io.StringIO()
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--file",
        str(tmp_path / "schema.yml"),
        stdout=out,
        stderr=out,
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


@pytest.mark.django_db
def test_the_schema_and_docs_are_served_to_a_logged_in_user_without_a_cdn(client, fp_kz):
    client.force_login(fp_kz)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs.lower()
    assert "cdn" not in docs.lower()
    assert "https://" not in docs


@pytest.mark.django_db
def test_errors_are_json_with_the_field_named(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.post("/api/v1/auth/token/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.get("/api/v1/no-such-thing/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
