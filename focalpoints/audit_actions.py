"""The audit log's names for what happens to a focal-point entry (services, scale data)."""

NOMINATION_UPDATED = "focalpoints.nomination.updated"
ENTRY_CORRECTED = "focalpoints.entry.corrected"


def entry_moved_to(status: str) -> str:
    """An entry's move to a status (`focalpoints.entry.active` when the Secretariat verifies)."""
    return f"focalpoints.entry.{status}"
