import math
from collections.abc import Mapping

from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import approvals, tokens, twofactor
from .api import IsApprover, IsNetworkMember
from .models import ApprovalRequest, Notification, State, User
from .serializers import (
    ApprovalAnswerSerializer,
    ApprovalRequestSerializer,
    NotificationSerializer,
    StateSerializer,
)
from .throttling import ScopedRateThrottle  # atomic: the limit holds across nodes


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_token = serializers.CharField(
        max_length=12, required=False, help_text="The six-digit code, where 2FA is required."
    )
    name = serializers.CharField(
        max_length=100, required=False, help_text="What the token is for, shown in the portal."
    )


class ObtainToken(APIView):
    """Exchange a username and password for a new API token with exactly that user's rights.

    Each call makes a new token (named by `name`, expiring after API_TOKEN_DAYS days); the key
    is in this answer only. Failed attempts count towards the same temporary lockouts as the
    login pages (django-axes does not watch DRF's views by itself); a locked client gets 429.
    """

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "Token",
                {
                    "token": serializers.CharField(),
                    "name": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                },
            ),
            400: OpenApiResponse(description="Wrong username or password, or a code is missing"),
            429: OpenApiResponse(description="Locked for a while after repeated failures"),
        },
    )
    def post(self, request, *args, **kwargs):
        if not isinstance(request.data, Mapping):
            return Response(
                {"non_field_errors": [_("Send an object with username and password.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        credentials = {"username": str(request.data.get("username", ""))[:150]}
        if not AxesProxyHandler.is_allowed(request._request, credentials):
            return _locked_out()
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = authenticate(
                request._request, username=data["username"], password=data["password"]
            )
        except AxesBackendPermissionDenied:
            return _locked_out()
        if user is None:
            return Response(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if twofactor.needs_code_for_token(user):
            check = twofactor.check_code(
                user, data.get("otp_token", ""), ip_address=get_client_ip_address(request._request)
            )
            if check.locked_until is not None:
                return _locked_out(until=check.locked_until)
            if not check.passed:
                return Response(
                    {
                        "otp_token": [
                            "This account needs the six-digit code from its authenticator."
                        ]
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
        token, key = tokens.issue_token(user, name=data.get("name", ""), via="api")
        return Response({"token": key, "name": token.name, "expires_at": token.expires_at})


def _locked_out(until=None) -> Response:
    if until is not None:
        minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
        detail = ngettext(
            "Too many wrong codes: this account's codes are locked for %(minutes)d minute.",
            "Too many wrong codes: this account's codes are locked for %(minutes)d minutes.",
            minutes,
        )
    else:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        detail = ngettext(
            "Too many failed logins: logins from your address are locked for %(minutes)d minute.",
            "Too many failed logins: logins from your address are locked for %(minutes)d minutes.",
            minutes,
        )
    return Response(
        {"detail": detail % {"minutes": minutes}}, status=status.HTTP_429_TOO_MANY_REQUESTS
    )


class MemberStateList(generics.ListAPIView):
    """The member states of CICA, by ISO alpha-2 code."""

    serializer_class = StateSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = State.objects.members().order_by("code")
    ordering_fields = ["code", "name_en"]


class NotificationList(generics.ListAPIView):
    """Your own notifications, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # typed for the schema; the real one is per user

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not isinstance(user, User):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=user)


def _requests_visible_to(user: User | AnonymousUser) -> QuerySet[ApprovalRequest]:
    if not isinstance(user, User):  # the schema generator asks as nobody
        return ApprovalRequest.objects.none()
    return approvals.requests_visible_to(user).prefetch_related(
        "answers__state", "answers__answered_by"
    )


class ApprovalList(generics.ListAPIView):
    """Approval requests the caller may see: the Secretariat all, a state's people its own."""

    serializer_class = ApprovalRequestSerializer
    permission_classes = [IsNetworkMember]
    filterset_fields = ["status", "purpose"]
    ordering_fields = ["opened_at", "deadline"]

    def get_queryset(self):
        return _requests_visible_to(self.request.user)


class ApprovalDetail(generics.RetrieveAPIView):
    """One request; showing it to an approver binds a later answer to this version."""

    serializer_class = ApprovalRequestSerializer
    permission_classes = [IsNetworkMember]

    def get_queryset(self):
        return _requests_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        approval = self.get_object()
        approvals.record_view(approval, user=request.user)
        return Response(self.get_serializer(approval).data)


class ApprovalAnswer(APIView):
    """Answer for your state, once: approve, object, or abstain where the rule allows."""

    permission_classes = [IsApprover]

    @extend_schema(
        request=ApprovalAnswerSerializer,
        responses={
            200: ApprovalRequestSerializer,
            400: OpenApiResponse(description="Bad input"),
            403: OpenApiResponse(description="Not your state's to answer"),
            404: OpenApiResponse(description="No such request"),
            409: OpenApiResponse(description="Closed or already answered"),
        },
    )
    def post(self, request, pk: int):
        approval = approvals.get_request_for(request.user, pk)
        serializer = ApprovalAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approval = approvals.answer_request(
            approval,
            approver=request.user,
            decision=serializer.validated_data["decision"],
            comment=serializer.validated_data["comment"],
            seen_hash=serializer.validated_data.get("content_hash"),
        )
        return Response(ApprovalRequestSerializer(approval).data, status=status.HTTP_200_OK)
