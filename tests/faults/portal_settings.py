"""The production settings for the portal that the PostgreSQL fault test runs under gunicorn.

Two differences, both for speed and independence of the lead's wiring:
- static files are not collected and compressed (90 s) first: plain storage, no manifest;
- the 503 middleware is put in place if settings.py does not list it yet.
"""

from portal_site.settings import *  # noqa: F403
from portal_site.settings import MIDDLEWARE, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

_MIDDLEWARE = "cica_portal.middleware.DatabaseUnavailableMiddleware"
if _MIDDLEWARE not in MIDDLEWARE:
    MIDDLEWARE = [MIDDLEWARE[0], _MIDDLEWARE, *MIDDLEWARE[1:]]

# The fault drill (scripts/faults.py) runs its experiments in minutes, not hours: it shortens
# the delivery timings and sends mail through a file backend it can make refuse.
import os as _os  # noqa: E402

if _os.environ.get("FAULT_DRILL") == "1":
    EMAIL_BACKEND = "tests.faults.drill_mail.RefusingFileBackend"
    NOTICE_FIRST_SWEEP_SECONDS = 5
    NOTICE_EMAIL_LEASE_SECONDS = 20
    NOTICE_BACKOFF_BASE_SECONDS = 2
