"""Sessions for the measured users (no password hashing timed) and what each page opens."""

import argparse
import json
import os
import secrets
import time
from importlib import import_module

import _django  # noqa: F401
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from django.utils import timezone

from cica_portal.middleware import SESSION_STARTED_KEY
from cica_portal.models import User
from cica_portal.pagination import NEXT, encode_cursor
from exchange.models import Share
from exchange.selectors import shares_for_list
from meetings.models import Meeting

USERS = ["secretariat", "fp-kz", "approver-kz"]


def session_for(user: User, key: str | None = None) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_STARTED_KEY] = int(time.time())  # as the login sets it (the 12-hour limit)
    store.set_expiry(24 * 3600)
    if key:
        # The same cookie on both data sets (set last: reading a missing key clears it).
        store._session_key = key
        store.save(must_create=True)
    else:
        store.create()
    return store.session_key


def same_as(path: str) -> None:
    """The sessions and the feed token of the other data set's config, in this database."""
    with open(path) as handle:
        config = json.load(handle)
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    for name, key in config["sessions"].items():
        session_for(users[name], key)
    User.objects.filter(pk=users["fp-kz"].pk).update(calendar_token=config["calendar_token"])


def deep(path: str) -> None:
    """A cursor to page 301 of the recipient's list (rows 7,501 to 7,525), where the data has it."""
    with open(path) as handle:
        config = json.load(handle)
    fp = User.objects.get(username="fp-kz")
    rows = shares_for_list(fp, box="received").values_list("updated_at", "pk")[7499:7500]
    config["deep_cursor"] = encode_cursor(NEXT, *rows[0]) if rows else ""
    with open(path, "w") as handle:
        json.dump(config, handle, indent=1)
    print(f"   page 301 of the recipient's list: {'yes' if rows else 'not in this data'}")


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
    upcoming = Meeting.objects.filter(start__gt=timezone.now()).order_by("start").first()
    config = {
        "sessions": {name: session_for(user) for name, user in users.items()},
        "calendar_token": token,
        "share": share.pk,
        "document_number": share.content["document_number"],
        "meeting": meeting.pk,
        # What changes between rounds: this share (released to KZ) and the next meeting move to
        # the top of their lists, as a new release or a changed meeting would put them.
        "touch_share": share.pk,
        "touch_meeting": upcoming.pk,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "shares": Share.objects.count(),
    }
    with open(os.path.join(os.environ["BENCH_DIR"], "config.json"), "w") as handle:
        json.dump(config, handle, indent=1)
    print(f"   share #{share.pk}, meeting #{meeting.pk} ({meeting.n} delegations)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--same-as", help="config.json of the other data set")
    parser.add_argument("--deep", help="config.json to add the deep page's cursor to")
    args = parser.parse_args()
    if args.same_as:
        same_as(args.same_as)
    elif args.deep:
        deep(args.deep)
    else:
        main()
