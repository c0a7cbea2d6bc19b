"""Every answer the API gives matches its OpenAPI document, so a generated client can trust it.

The fuzzing test (test_fuzz.py) sends odd requests to an almost empty database; here the
database holds one of each thing with every optional field empty (the cases that used to
contradict the schema: a training request not yet scheduled, a meeting without an online
link), and every read operation is called as each role and checked against the schema.
"""

import pytest

from tests.api.openapi_app import loaded_schema
from tests.factories import api_token_for

schema = loaded_schema()


def _read_operations():
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET":
            yield operation


def _path_values(operation, world) -> list[dict]:
    """Ids that exist for the operation's parameters (and one that does not: the 404 is
    documented too)."""
    names = [p.name for p in operation.path_parameters]
    if not names:
        return [{}]
    path = operation.path
    if path.startswith("/api/v1/meetings/training-requests/"):
        ids = [world["training"].pk]
    elif path.startswith("/api/v1/meetings/registrations/"):
        ids = [world["registration"].pk]
    elif path.startswith("/api/v1/meetings/needs/questionnaires/"):
        ids = [world["questionnaire"].pk]
    elif path.startswith("/api/v1/meetings/needs/answers/"):
        ids = [world["answer"].pk]
    elif path.startswith("/api/v1/meetings/"):
        ids = [world["meeting"].pk]
    elif path.startswith("/api/v1/exchange/shares/"):
        ids = [share.pk for share in world["shares"]]
    elif "review-cycles" in path:
        return [{names[0]: 2026}]
    else:
        ids = []
    return [{names[0]: pk} for pk in [*ids, 999999]]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["fp_kz", "approver_kz", "secretariat"])
def test_it_answers_every_read_as_its_schema_says(
    request, who, sparse_world, keep_the_test_connection
):
    token = api_token_for(request.getfixturevalue(who))
    checked = 0
    for operation in _read_operations():
        for path_parameters in _path_values(operation, sparse_world):
            case = operation.Case(path_parameters=path_parameters)
            response = case.call_and_validate(headers={"Authorization": f"Token {token}"})
            assert response.status_code < 500
            checked += 1
    assert checked > 30
