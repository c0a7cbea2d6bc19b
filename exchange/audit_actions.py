"""The audit log's names for what happens to a share: written by the services and the scale data."""

SHARE_CREATED = "exchange.share.created"
SHARE_EDITED = "exchange.share.edited"
SHARE_READ = "exchange.share.read"
SHARE_DELETED = "exchange.share.deleted"
SAME_DOCUMENT_NUMBER = "exchange.document.same_number"


def share_moved_to(status: str) -> str:
    """A share's move to a status (`exchange.share.pending_consent`, `...released`, ...)."""
    return f"exchange.share.{status}"


SHARE_KEYS_ROTATED = "exchange.share_keys.rotated"
