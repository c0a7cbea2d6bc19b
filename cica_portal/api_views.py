from collections.abc import Mapping

from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from . import approvals, twofactor
from .api import IsApprover, IsNetworkMember
from .models import Notification, State
from .serializers import (
    ApprovalAnswerSerializer,
    ApprovalRequestSerializer,
    NotificationSerializer,
    StateSerializer,
)
from .throttling import ScopedRateThrottle  # atomic: the limit holds across nodes


class ObtainToken(ObtainAuthToken):
    """Exchange a username and password for an API token with exactly that user's rights.

    Failed attempts count towards the same temporary lockout as the login pages (django-axes
    does not watch DRF's view by itself); a locked account gets 429 with a clear message.
    """

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password"),
            429: OpenApiResponse(description="Locked for a while after repeated failures"),
        }
    )
    def post(self, request, *args, **kwargs):
        if not isinstance(request.data, Mapping):
            return Response(
                {"non_field_errors": ["Send an object with username and password."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        credentials = {"username": str(request.data.get("username", ""))[:150]}
        if not AxesProxyHandler.is_allowed(request._request, credentials):
            return _locked_out()
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except AxesBackendPermissionDenied:
            return _locked_out()
        user = serializer.validated_data["user"]
        if not twofactor.token_code_ok(user, request.data.get("otp_token")):
            return Response(
                {"otp_token": ["This account needs the six-digit code from its authenticator."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def _locked_out() -> Response:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return Response(
        {
            "detail": f"Too many failed logins: this account is locked from your address for "
            f"{minutes} minutes."
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS,
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
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user)


class ApprovalList(generics.ListAPIView):
    """Approval requests the caller may see: the Secretariat all, a state's people its own."""

    serializer_class = ApprovalRequestSerializer
    permission_classes = [IsNetworkMember]
    filterset_fields = ["status", "purpose"]
    ordering_fields = ["opened_at", "deadline"]

    def get_queryset(self):
        return approvals.requests_visible_to(self.request.user).prefetch_related(
            "answers__state", "answers__answered_by"
        )


class ApprovalDetail(generics.RetrieveAPIView):
    """One request; showing it to an approver binds a later answer to this version."""

    serializer_class = ApprovalRequestSerializer
    permission_classes = [IsNetworkMember]

    def get_queryset(self):
        return approvals.requests_visible_to(self.request.user).prefetch_related(
            "answers__state", "answers__answered_by"
        )

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
