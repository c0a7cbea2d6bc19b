"""Named people whose roles are obvious, and the switches that make CI strict."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import ApproverFactory, FocalPointUserFactory, SecretariatFactory, state

# Property-based tests (tests/security/test_form_fuzz.py): few examples per form so the suite
# stays quick, no deadline (a request's time varies with the machine), no example database on
# disk; CI (CICA_STRICT=1) runs the same examples every time. HYPOTHESIS_PROFILE=thorough digs
# deeper by hand.
hypothesis_settings.register_profile(
    "dev",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("dev"), derandomize=True
)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("dev"), max_examples=500
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CICA_STRICT") == "1" else "dev")
)


@pytest.fixture(autouse=True, scope="session")
def _test_approval_subject():
    """The purpose "test": a state as the subject of an approval, readable by the network,
    for tests of the mechanism itself (every real purpose is registered by its app)."""
    from cica_portal import approvals
    from cica_portal.models import State

    def readable(user):
        if user.is_authenticated and user.is_network_member:
            return State.objects.all()
        return State.objects.none()

    approvals.register(
        approvals.SubjectType(
            purpose="test", model=State, visible_to=readable, on_closed=lambda *a, **k: None
        )
    )
    yield
    approvals.registry.unregister("test")


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Throttle counts and cached values must not leak from one test into the next.

    On Redis, each test process gets a database of its own for the cache, next to the one
    that `REDIS_URL` names for the broker: clearing it (FLUSHDB) must neither empty the other
    process's cache in the middle of its test nor drop the tasks queued on the broker.
    """
    from django.core.cache import caches

    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache"):
        url = urlsplit(default["LOCATION"])
        number = int(url.path.strip("/") or 0)
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        location = urlunsplit(url._replace(path=f"/{number + 1 + worker}"))
        settings.CACHES = {**settings.CACHES, "default": {**default, "LOCATION": location}}
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Russian leaves Russian active in the thread (the locale middleware does
    not switch back): the next test starts in the default language, whatever ran before it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashing_and_mail(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    # Tests log people in with force_login; the two-factor tests turn this back on.
    settings.TWO_FACTOR_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(settings, tmp_path_factory):
    """Each test anchors the audit log in a file of its own, as each database is its own log."""
    settings.AUDIT_ANCHOR_FILE = tmp_path_factory.mktemp("anchors") / "audit-anchors.jsonl"


@pytest.fixture
def kz(db):
    return state("KZ")


@pytest.fixture
def ru(db):
    return state("RU")


@pytest.fixture
def cn(db):
    return state("CN")


@pytest.fixture
def fp_kz(db):
    return FocalPointUserFactory(username="fp-kz", state=state("KZ"))


@pytest.fixture
def fp_ru(db):
    return FocalPointUserFactory(username="fp-ru", state=state("RU"))


@pytest.fixture
def fp_cn(db):
    return FocalPointUserFactory(username="fp-cn", state=state("CN"))


@pytest.fixture
def approver_kz(db):
    return ApproverFactory(username="approver-kz", state=state("KZ"))


@pytest.fixture
def approver_ru(db):
    return ApproverFactory(username="approver-ru", state=state("RU"))


@pytest.fixture
def approver_cn(db):
    return ApproverFactory(username="approver-cn", state=state("CN"))


@pytest.fixture
def secretariat(db):
    return SecretariatFactory(username="secretariat")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# What `make test-fast` leaves out besides the browser journeys and the tests that start their
# own servers: the fault drills (servers stopped, hung and restarted under the portal), the
# fuzzers (every form, filter and API route fed generated values) and the slow sweeps (every
# route as seven roles, query counts at 1,000 rows). Marked here by where they live, so a new
# file there is marked too.
MARKED_BY_PLACE = {
    "faults": ("faults/",),
    "fuzz": ("api/test_fuzz.py", "security/test_form_fuzz.py"),
    "slow": ("performance/", "security/test_rights_matrix.py"),
}
TESTS_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Under CI (CICA_STRICT=1) a browser or service test must run: a skip becomes a failure."""
    config._cica_strict = os.environ.get("CICA_STRICT") == "1"
    for item in items:
        place = Path(item.fspath).resolve().relative_to(TESTS_DIR).as_posix()
        for marker, prefixes in MARKED_BY_PLACE.items():
            if place.startswith(prefixes):
                item.add_marker(marker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    strict = item.config._cica_strict
    required = item.get_closest_marker("browser") or item.get_closest_marker("services")
    if strict and required and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"Skipped under CICA_STRICT=1, which forbids it: {report.longrepr}"
