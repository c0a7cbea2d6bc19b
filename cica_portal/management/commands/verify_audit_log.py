"""Check the audit log's keyed chain and every anchor; exit 1 at the first thing that fails."""

import sys

from django.core.management.base import BaseCommand

from cica_portal.audit import verify


class Command(BaseCommand):
    help = (
        "Verify the audit log with the keys in AUDIT_KEYS and against every anchor in "
        "AUDIT_ANCHOR_FILE; name the first altered, inserted, removed or cut-off record."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor-file",
            help="the anchors to check against (default: AUDIT_ANCHOR_FILE); a backup's copy "
            "after a restore",
        )

    def handle(self, *args, **options):
        result = verify(anchor_file=options["anchor_file"])
        if result.problem is not None:
            self.stderr.write(str(result.problem))
            sys.exit(1)
        keys = ", ".join(f"{key_id} ({n})" for key_id, n in sorted(result.signed_by.items()))
        last = result.last_anchor
        if last is None or result.anchors is None:
            anchors = (
                f"no anchors in {result.anchor_file} yet, so a cut-off end could not be checked"
            )
        else:
            anchors = (
                f"{len(result.anchors)} anchors in {result.anchor_file} hold, the last "
                f"at #{last.seq} ({last.at})"
            )
        signed = f", signed with keys {keys}" if keys else ""
        verified = f"{result.records} records verified{signed}"
        self.stdout.write(f"Audit log intact: {verified}; {anchors}.")
