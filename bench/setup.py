"""Sessions for the measured users (no password hashing timed) and what each page opens."""

import json
import os
import secrets
from importlib import import_module

import _django  # noqa: F401
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count

from cica_portal.models import User
from exchange.models import Share
from exchange.selectors import shares_for_list
from meetings.models import Meeting

USERS = ["secretariat", "fp-kz", "approver-kz"]


def session_for(user: User) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.create()
    return store.session_key


def main() -> None:
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    fp = users["fp-kz"]
    token = secrets.token_urlsafe(32)
    User.objects.filter(pk=fp.pk).update(calendar_token=token)
    # A share released to KZ by another state (the recipient's view) among the first 1,000.
    share = (
        shares_for_list(fp, box="received")
        .filter(template__slug="lost-stolen-document")
        .order_by("pk")
        .first()
    )
    meeting = (
        Meeting.objects.annotate(n=Count("registrations"))
        .filter(status__in=["planned", "confirmed"])
        .order_by("-n", "pk")
        .first()
    )
    config = {
        "sessions": {name: session_for(user) for name, user in users.items()},
        "calendar_token": token,
        "share": share.pk,
        "document_number": share.content["document_number"],
        "meeting": meeting.pk,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "shares": Share.objects.count(),
    }
    with open(os.path.join(os.environ["BENCH_DIR"], "config.json"), "w") as handle:
        json.dump(config, handle, indent=1)
    print(f"   share #{share.pk}, meeting #{meeting.pk} ({meeting.n} delegations)")


if __name__ == "__main__":
    main()
