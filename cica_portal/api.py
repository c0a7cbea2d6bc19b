"""What every app's API shares: JSON errors with the field named, and role permissions."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError

STATUS_OF_CODE = {
    "forbidden": status.HTTP_403_FORBIDDEN,
    "conflict": status.HTTP_409_CONFLICT,
    "not_found": status.HTTP_404_NOT_FOUND,
}


def exception_handler(exc, context):
    """DRF's handler, plus domain errors and oversized bodies as JSON instead of 500s."""
    if isinstance(exc, DomainError):
        field = exc.field or "detail"
        body: dict[str, str | list[str]] = (
            {field: [str(exc.message)]} if exc.field else {"detail": str(exc.message)}
        )
        return Response(body, status=STATUS_OF_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST))
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.ValidationError({"detail": ["The request body is too large."]})
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ValidationError({"detail": [str(exc) or "Bad request."]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


class IsSecretariat(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_secretariat)


class IsFocalPoint(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_focal_point)


class IsApprover(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_approver)


class IsNetworkMember(permissions.BasePermission):
    """Active focal points, approvers and Secretariat staff; nobody else."""

    def has_permission(self, request, view):
        return bool(
            request.user and request.user.is_authenticated and request.user.is_network_member
        )
