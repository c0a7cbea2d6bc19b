"""A clock to freeze, and requests for information made the way the portal makes them."""

import datetime
from contextlib import contextmanager
from unittest import mock

from inquiries import services
from tests.factories import state

UTC = datetime.UTC


@contextmanager
def frozen(moment: datetime.datetime):
    """django.utils.timezone.now() answers `moment` (auto_now fields and services alike)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def send(by, *, to=("RU",), urgency="standard", **extra):
    fields = {
        "subject": "Vehicle KZ-123 seen at the border",
        "purpose": "Investigation of a smuggling network.",
        "legal_grounds": "CICA Action Plan; bilateral agreement of 2010.",
        "questions": "Who owns the vehicle? When did it cross?",
        "urgency": urgency,
        "urgency_reason": "A detention ends tonight." if urgency == "urgent" else "",
        "states": [state(code) for code in to],
        "handling_codes": ["H0"],
    }
    fields.update(extra)
    return services.send_request(by=by, **fields)


def part_of(request, code):
    return request.requested_states.get(state__code=code)
