"""Re-wrap every share's data key under the newest master key (SHARE_MASTER_KEYS' first).

Put the new master key first in SHARE_MASTER_KEYS (keep the old ones after it), restart the web
server, the worker and beat, then run this. When it reports every share current, the old keys
may leave the keyring (keep them with the backups made before: those need them).
"""

from django.core.management.base import BaseCommand

from cica_portal import envelope
from exchange.key_rotation import rotate_share_keys


class Command(BaseCommand):
    help = (
        "Re-wrap every share's data key, and re-hash every document number, under the newest "
        "master key in SHARE_MASTER_KEYS; safe to run again. --new-key only prints a new key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="print a new master key and change nothing"
        )

    def handle(self, *args, **options):
        if options["new_key"]:
            ring = envelope.keyring()
            numbers = [int(key_id) for key_id in ring if key_id.isdigit()]
            new_id = str(max(numbers, default=0) + 1)
            self.stdout.write(
                f"{new_id}:{envelope.new_key_text()}\n\nPut it first in SHARE_MASTER_KEYS, before "
                "the keys there now, restart, and run this command again without --new-key. "
                "This output is a secret: do not leave it in a log."
            )
            return
        counts = rotate_share_keys()
        self.stdout.write(
            f"Master key {envelope.newest_id()}: {counts.rewrapped} data keys re-wrapped, "
            f"{counts.rehashed} document numbers re-hashed, {counts.current} shares already "
            "current."
        )
