class DomainError(Exception):
    """A business rule said no. The message is for a person; views show it as a form error or
    a 400, never as a 500."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
