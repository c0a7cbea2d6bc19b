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
def sparse_world(fp_kz, approver_kz, approver_cn, fp_cn, secretariat):
    """One of each thing a Kazakh focal point or approver can read, with every optional field
    left empty: a meeting with no host, link, deadline or cap, a training request not yet
    scheduled, a focal point without a term end, a share waiting for consent and one released;
    for the meeting, a delegation (and an invited body's) on a published official list, a
    session, a library document, a needs questionnaire and a draft answer."""
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
    meeting_parts = _meeting_parts(meeting, fp_kz, approver_kz, secretariat)
    return {"meeting": meeting, "training": training, "shares": shares, **meeting_parts}


def _meeting_parts(meeting, fp_kz, approver_kz, secretariat) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cica_portal.models import Area, Organisation
    from meetings import services
    from meetings.models import MeetingDocument, Registration
    from tests.meetings.test_documents import PDF

    registration = services.register_delegation(meeting, by=fp_kz, delegates=[{"name": "A"}])
    services.confirm_registration(registration, by=secretariat)
    services.validate_delegation(registration, by=approver_kz)
    Registration.objects.create(
        meeting=meeting,
        organisation=Organisation.objects.order_by("pk").first(),
        registered_by=secretariat,
        status=Registration.Status.CONFIRMED,
    )
    services.publish_participants(meeting, by=secretariat)
    services.save_timetable(
        meeting,
        by=secretariat,
        sessions=[{"title": "Opening", "start": meeting.start, "end": meeting.end}],
    )
    services.upload_document(
        meeting,
        by=secretariat,
        upload=SimpleUploadedFile("a.pdf", PDF),
        kind=MeetingDocument.DocKind.AGENDA,
        title="Agenda",
        access=MeetingDocument.Access.ALL_MEMBERS,
    )
    questionnaire = services.send_needs_questionnaire(
        by=secretariat, area=Area.objects.get(number=2), title="Needs", topics="Trainers"
    )
    answer = services.save_needs_answer(
        questionnaire, by=fp_kz, institutional_capacity="", trainers_available=0, needs=[]
    )
    return {"registration": registration, "questionnaire": questionnaire, "answer": answer}
