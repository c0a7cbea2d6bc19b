from cica_portal.errors import DomainError


class MeetingError(DomainError):
    """A rule of the meetings app said no; the message is for a person."""
