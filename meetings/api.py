"""The meetings API: the calendar (fixed by the contract), delegations, documents, training."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from cica_portal.api import IsFocalPoint, IsNetworkMember

from . import selectors, services
from .filters import MeetingApiFilter
from .ics import calendar_for
from .serializers import (
    DocumentSerializer,
    MeetingSerializer,
    RegistrationSerializer,
    TrainingRequestSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter("after", OpenApiTypes.DATE, description="Meetings starting on or after."),
        OpenApiParameter(
            "before", OpenApiTypes.DATE, description="Meetings starting on or before."
        ),
    ]
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """The meeting calendar; every network member sees it."""

    permission_classes = [IsNetworkMember]
    serializer_class = MeetingSerializer
    lookup_value_regex = r"\d+"
    filterset_class = MeetingApiFilter
    ordering_fields = ["start", "title"]
    ordering = ["start"]

    def get_queryset(self):
        return selectors.meetings_visible_to(self.request.user).order_by("start", "pk")

    @extend_schema(
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCalendar")
        },
        parameters=[],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ics(self, request, pk=None):
        meeting = selectors.get_meeting_for(request.user, pk)
        response = HttpResponse(
            calendar_for([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response

    @extend_schema(responses=DocumentSerializer(many=True), parameters=[])
    @action(detail=True, methods=["get"], filter_backends=[])
    def documents(self, request, pk=None):
        """The documents of this meeting that the caller may read."""
        meeting = selectors.get_meeting_for(request.user, pk)
        queryset = selectors.documents_readable_by(request.user).filter(meeting=meeting)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)


class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Delegations: a focal point registers their own state's; the Secretariat sees all."""

    serializer_class = RegistrationSerializer
    filterset_fields = ["meeting", "status"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsNetworkMember()]
        return [IsFocalPoint()]

    def get_queryset(self):
        return (
            selectors.registrations_visible_to(self.request.user)
            .prefetch_related("delegates")
            .order_by("-created_at")
        )

    def get_serializer(self, *args, **kwargs):
        kwargs["meetings"] = selectors.meetings_visible_to(self.request.user)
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.register_delegation(
            serializer.validated_data["meeting"],
            by=request.user,
            delegates=serializer.validated_data["delegates"],
        )
        registration = self.get_queryset().get(pk=registration.pk)
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)


class TrainingRequestList(generics.ListCreateAPIView):
    """Training seminars upon request: focal points ask, and follow their state's requests."""

    serializer_class = TrainingRequestSerializer
    filterset_fields = ["status"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsNetworkMember()]
        return [IsFocalPoint()]

    def get_queryset(self):
        return selectors.training_requests_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.request_training(
            by=self.request.user, **serializer.validated_data
        )


class TrainingRequestDetail(generics.RetrieveAPIView):
    permission_classes = [IsNetworkMember]
    serializer_class = TrainingRequestSerializer

    def get_queryset(self):
        return selectors.training_requests_visible_to(self.request.user)
