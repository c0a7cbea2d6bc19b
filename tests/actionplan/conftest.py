import pytest

from actionplan import services


@pytest.fixture
def plan(db):
    """The plan loaded from the document's data file."""
    services.load_plan()


@pytest.fixture
def cycle(db):
    from .factories import ReviewCycleFactory

    return ReviewCycleFactory()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
