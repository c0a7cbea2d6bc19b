"""The production settings for the portal that the PostgreSQL fault test runs under gunicorn.

Two differences, both for speed and independence of the lead's wiring:
- static files are not collected and compressed (90 s) first: plain storage, no manifest;
- the 503 middleware is put in place if settings.py does not list it yet.
"""

from cica_portal.settings import *  # noqa: F403
from cica_portal.settings import MIDDLEWARE, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

_MIDDLEWARE = "cica_portal.middleware.DatabaseUnavailableMiddleware"
if _MIDDLEWARE not in MIDDLEWARE:
    MIDDLEWARE = [MIDDLEWARE[0], _MIDDLEWARE, *MIDDLEWARE[1:]]
