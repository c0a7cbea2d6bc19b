"""Fuzz the live API against its own schema: no server error, no response the schema denies.

Schemathesis generates requests for every operation from the OpenAPI document that
drf-spectacular builds, sends them through the WSGI application in this process (so they see
the test database), logged in by token as a focal point and as an approver.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from tests.factories import api_token_for

MAX_EXAMPLES = 12


class _Application:
    """The WSGI application, built at the first request, after the test settings apply (the
    security middleware reads them once, when it is built)."""

    handler = None

    def __call__(self, environ, start_response):
        if self.handler is None:
            self.handler = get_wsgi_application()
        return self.handler(environ, start_response)


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    loaded.app = _Application()
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request must not close the connection that holds the
    test's transaction (a real WSGI request does, at request_finished)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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
