"""Guards for pages: who may open a view at all. Objects are then scoped by selectors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*checks: str):
    """Allow users for whom any of the named properties (e.g. "is_approver") is true."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(getattr(request.user, check) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


network_member_required = role_required("is_network_member")
secretariat_required = role_required("is_secretariat")
focal_point_required = role_required("is_focal_point")
approver_required = role_required("is_approver")
