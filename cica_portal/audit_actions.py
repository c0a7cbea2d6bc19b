"""The audit log's names for what the core writes that other code also writes (the scale data)."""

LOGIN = "auth.login"
LOGOUT = "auth.logout"


def approval_answered(decision: str) -> str:
    """A state's answer to a request for approval (`approval.answer.approve`, `...object`)."""
    return f"approval.answer.{decision}"
