from cica_portal.errors import DomainError


class ActionPlanError(DomainError):
    """A rule of the Action Plan said no."""
