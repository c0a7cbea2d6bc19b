"""The web container's health check: GET /healthz on this container, as one of its own hosts.

Django answers 400 to a Host header that ALLOWED_HOSTS does not name (`portal.example.org` in
the README's set-up does not name 127.0.0.1), so the check sends the first allowed host name,
and the X-Forwarded-Proto the TLS proxy would send, so that no HTTPS redirect answers it.
Exit status 0 when the node serves, 1 otherwise. Standard library only, no Django start-up.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def host_to_send(allowed_hosts: str) -> str:
    """A Host header ALLOWED_HOSTS accepts: its first entry (".example.org" means any subdomain)."""
    for entry in (part.strip() for part in allowed_hosts.split(",")):
        if entry and entry != "*":
            return entry.lstrip(".")
    return "localhost"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={
            "Host": host_to_send(os.environ.get("ALLOWED_HOSTS", "localhost")),
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own node
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
