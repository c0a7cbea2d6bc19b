"""Start signing the audit log with a new key; the old keys stay in the keyring and only verify.

The records are never re-signed: re-signing would let whoever holds the new key rewrite all of
history at that moment, and every anchor already written or mailed would stop matching.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cica_portal import audit, audit_anchors, audit_keys


class Command(BaseCommand):
    help = (
        "Make a new audit key, record the rotation in the log (signed with the current key) and "
        "anchor it, and print the keyring to put in the environment: the new key first, then "
        "every old one, which keeps verifying the records it signed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--id", help="the new key's id (default: the next number)")

    def handle(self, *args, **options):
        ring = dict(settings.AUDIT_KEYS)
        current_id = next(iter(ring))
        new_id = options["id"] or audit_keys.next_id(ring)
        if not audit_keys.KEY_ID.fullmatch(new_id) or new_id in ring:
            raise CommandError(f"Choose a new key id, not {new_id!r}: up to 16 letters or digits.")
        new_key = audit_keys.new_key()
        record = audit.log(
            None,
            "audit.key_rotated",
            data={
                "new_key_id": new_id,
                "new_key_fingerprint": audit_keys.fingerprint(new_key.encode()),
                "previous_key_id": current_id,
            },
        )
        anchored = audit_anchors.anchor()
        new_ring = {new_id: new_key, **ring}
        self.stdout.write(
            f"Rotation recorded as audit record #{record.seq}, signed with key {current_id}"
            + (f" and anchored in {settings.AUDIT_ANCHOR_FILE}." if anchored else ".")
            + "\n\nPut this keyring in the environment of the web server, the worker and beat "
            "(or in the file AUDIT_KEY_FILE names), in place of the current AUDIT_KEYS, "
            "AUDIT_KEY or AUDIT_KEY_FILE, and restart them:\n\n"
            f"AUDIT_KEYS={audit_keys.format_ring(new_ring)}\n\n"
            f"Key {new_id} then signs new records. Keep every old key in the keyring, where it "
            "only verifies: the records it signed need it. This output holds secrets: do not "
            "leave it in a log."
        )
