import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def keep_the_test_connection():
    """Like Django's test client: a request must not close the connection that holds the
    test's transaction (a real WSGI request does, at request_finished)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def sparse_world(fp_kz, approver_kz, approver_cn, fp_cn):
    """One of each thing a Kazakh focal point or approver can read, with every optional field
    left empty: a meeting with no host, link, deadline or cap, a training request not yet
    scheduled, a focal point without a term end, a share waiting for consent and one released."""
    from meetings.services.training import request_training
    from tests.exchange.factories import pending, released
    from tests.focalpoints.factories import FocalPointFactory, area
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(registration_deadline=None, venue="", online_link="")
    training = request_training(
        by=fp_kz,
        area=area(2),
        topic="Training of the trainers",
        preferred_period="2027",
        expected_participants=12,
    )
    FocalPointFactory(state=fp_kz.state, term_end=None, phone="")
    shares = [
        pending(fp_kz, concerned=("RU",), recipients=("CN",)),
        released(fp_cn, [approver_cn, approver_kz], concerned=("KZ",), recipients=("KZ",)),
    ]
    return {"meeting": meeting, "training": training, "shares": shares}
