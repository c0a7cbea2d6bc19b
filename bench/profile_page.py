"""The queries one page runs, with their times (for finding the slow one). Usage:
DATABASE_URL=... bench/profile_page.py USERNAME PATH [PATH ...]. Each page is requested twice
in-process (Django's test client, signed in as USERNAME); the second run is printed."""

import sys
import time

import _django  # noqa: F401
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cica_portal.models import User


def main() -> None:
    username, paths = sys.argv[1], sys.argv[2:]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - began) * 1000
        total = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"== {path}: HTTP {response.status_code}, {elapsed:.1f} ms, "
            f"{len(queries)} queries, {total:.1f} ms in SQL"
        )
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}")


if __name__ == "__main__":
    main()
