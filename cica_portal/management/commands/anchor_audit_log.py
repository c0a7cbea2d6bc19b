"""Anchor the audit log's last record now (the schedule does it every 15 minutes)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from cica_portal import audit_anchors


class Command(BaseCommand):
    help = "Append the audit log's last record (seq, hash), signed, to AUDIT_ANCHOR_FILE."

    def handle(self, *args, **options):
        path = settings.AUDIT_ANCHOR_FILE
        try:
            anchor = audit_anchors.anchor(path=path)
        except (audit_anchors.AnchorRefused, audit_anchors.AnchorFileError) as error:
            self.stderr.write(f"Not anchored: {error}")
            sys.exit(1)
        if anchor is None:
            self.stdout.write(f"Nothing new to anchor: the log is empty or its end is in {path}.")
        else:
            self.stdout.write(f"Anchored record #{anchor.seq} in {path}.")
