"""Guards for pages: who may open a view at all. Objects are then scoped by selectors."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def role_required(*checks: str) -> Callable[[View], View]:
    """Allow users for whom any of the named properties (e.g. "is_approver") is true."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(getattr(request.user, check) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


network_member_required = role_required("is_network_member")
secretariat_required = role_required("is_secretariat")
focal_point_required = role_required("is_focal_point")
approver_required = role_required("is_approver")
