"""Check the audit log's hash chain; exit non-zero at the first record that does not hold."""

import sys

from django.core.management.base import BaseCommand

from cica_portal.audit import verify_chain
from cica_portal.models import AuditRecord


class Command(BaseCommand):
    help = "Verify the audit log; report the first altered, inserted or removed record."

    def handle(self, *args, **options):
        for problem in verify_chain():
            self.stderr.write(f"Audit log broken at record #{problem.seq}: {problem.reason}")
            sys.exit(1)
        self.stdout.write(f"Audit log intact: {AuditRecord.objects.count()} records verified.")
