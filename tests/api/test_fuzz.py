"""Fuzz the live API against its own schema: no server error, no response the schema denies.

Schemathesis generates requests for every operation from the OpenAPI document that
drf-spectacular builds, sends them through the WSGI application in this process (so they see
the test database), logged in by token as a focal point and as an approver.
"""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from tests.api.openapi_app import loaded_schema
from tests.factories import api_token_for

MAX_EXAMPLES = 12

# The slowest part of the suite (about three minutes): `make test-fast` leaves it out.
pytestmark = pytest.mark.fuzz


schema = loaded_schema()


@pytest.fixture(autouse=True)
def _connection(keep_the_test_connection, sparse_world):
    """Requests keep the test's connection; the database holds one of each thing, optional
    fields empty, so answers carry the values (nulls) a schema most often gets wrong."""
    return


@pytest.fixture(params=["fp_kz", "approver_kz"])
def token(request):
    user = request.getfixturevalue(request.param)
    return api_token_for(user)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_errs_and_never_contradicts_its_schema(case, token):
    # Business rules may refuse a request the schema allows (an unknown template, a closed
    # approval): that is not a contradiction, so "positive data acceptance" is not checked.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance]
    )
