"""A request from Kazakhstan to Russia, with the people who are told of it."""

import pytest

from .factories import send


@pytest.fixture
def sent(fp_kz, fp_ru, approver_ru):
    return send(fp_kz)
