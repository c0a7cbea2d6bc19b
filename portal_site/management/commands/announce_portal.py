"""Wait until the portal answers, print where it is and the demo logins, then stay quiet.

It runs beside the server under `make run` (honcho stops everything when any process exits,
so it sleeps after announcing rather than exiting)."""

import time
import urllib.request

from django.core.management.base import BaseCommand

from cica_portal.demo import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = "Print the portal's address and demo logins once /healthz answers."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url: str, **options):
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - our URL
                    break
            except OSError:
                time.sleep(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  The CICA portal is ready at {url}/\n"
                f"  Log in as secretariat, fp-kz or approver-kz (any member state's code works),\n"
                f"  password {DEFAULT_PASSWORD} unless you seeded with --password.\n"
                f"  API docs: {url}/api/v1/docs/   Admin: {url}/admin/   Ctrl-C stops everything.\n"
            )
        )
        while True:
            time.sleep(3600)
