"""Load the demo: the plan, reference data, demo people, meetings, shares. Idempotent."""

from django.core.management.base import BaseCommand

from cica_portal.demo import DEFAULT_PASSWORD, create_demo_people
from portal_site.app_modules import app_modules

# Each app may offer `<app>.seed.seed_demo(*, password, stdout)`; they run in this order.
SEEDED_APPS = ["actionplan", "focalpoints", "meetings", "exchange", "inquiries"]


class Command(BaseCommand):
    help = "Create the demo accounts and data. Running it twice changes nothing the second time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password of every new demo account (default: %(default)s).",
        )

    def handle(self, *args, password: str, **options):
        created = create_demo_people(password)
        self.stdout.write(f"Demo accounts: {created} created.")
        for module in app_modules(SEEDED_APPS, "seed"):
            module.seed_demo(password=password, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo logins (password: %s):\n"
                "  secretariat            Secretariat staff (admin at /admin/)\n"
                "  fp-kz, fp-ru, fp-cn …  national focal point of each member state (fp-<code>)\n"
                "  approver-kz, …         release approver of each member state (approver-<code>)\n"
                % password
            )
        )
