"""Guards for pages: who may open a view at all. Objects are then scoped by selectors."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from . import rights

View = Callable[..., HttpResponse]


def allowed_by(rule: Callable[[Any], bool]) -> Callable[[View], View]:
    """Allow users the rule (a predicate of rights.py) lets in."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_required(*checks: str) -> Callable[[View], View]:
    """Allow users for whom any of the named properties (e.g. "is_approver") is true."""
    return allowed_by(lambda user: any(getattr(user, check) for check in checks))


network_member_required = allowed_by(rights.may_use_network)
secretariat_required = role_required("is_secretariat")
focal_point_required = role_required("is_focal_point")
approver_required = allowed_by(rights.may_answer_for_state)
