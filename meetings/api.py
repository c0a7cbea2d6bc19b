"""The meetings API: the calendar (fixed by the contract), delegations, documents, training,
and a meeting's new parts: its delegations and official list, attendance, timetable, the
document library and the needs assessment."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from cica_portal.api import IsFocalPoint, IsNetworkMember

from . import selectors, services
from .filters import MeetingApiFilter, NeedsQuestionnaireApiFilter
from .ics import calendar_for
from .models import DocumentLanguage, MeetingDocument, Registration
from .serializers import (
    AttendanceSerializer,
    CheckInResultSerializer,
    CheckInSerializer,
    DelegationSerializer,
    DocumentSerializer,
    LibraryDocumentSerializer,
    MeetingSerializer,
    NeedsAnswerInputSerializer,
    NeedsAnswerSerializer,
    NeedsQuestionnaireSerializer,
    OfficialListSerializer,
    RegistrationSerializer,
    SessionSerializer,
    TrainingRequestSerializer,
)


# On the list only: the meeting's own operations (its delegations, timetable, ...) take no dates.
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "after", OpenApiTypes.DATE, description="Meetings starting on or after."
            ),
            OpenApiParameter(
                "before", OpenApiTypes.DATE, description="Meetings starting on or before."
            ),
        ]
    )
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

    @extend_schema(
        responses=DelegationSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=Registration.Status.values,
                description="Only the delegations in this status.",
            )
        ],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def delegations(self, request, pk=None):
        """The meeting's delegations: the caller's own state's; every one for the Secretariat."""
        meeting = selectors.get_meeting_for(request.user, pk)
        query = DelegationQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        queryset = selectors.delegations_of(request.user, meeting)
        if query.validated_data.get("status"):
            queryset = queryset.filter(status=query.validated_data["status"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DelegationSerializer(page, many=True).data)

    @extend_schema(responses=OfficialListSerializer, parameters=[])
    @action(
        detail=True,
        methods=["get"],
        url_path="official-list",
        filter_backends=[],
        pagination_class=None,
    )
    def official_list(self, request, pk=None):
        """The official list of participants as last published (frozen at publication): for
        the member states' people (and a taking-part observer state's) once published, 404
        before; the Secretariat reads the list as it stands until a first publication."""
        meeting = selectors.get_meeting_for(request.user, pk)
        if not selectors.may_read_official_list(request.user, meeting):
            raise Http404
        # As the page: the latest publication, frozen as published; before any, the list as it
        # stands (which only the Secretariat may read).
        version = selectors.published_official_list(meeting)
        body = {
            "meeting": meeting.pk,
            "version": version.number if version else None,
            "published_at": version.published_at if version else None,
            "delegations": version.lines if version else selectors.official_list_lines(meeting),
        }
        return Response(OfficialListSerializer(body).data)

    @extend_schema(responses=AttendanceSerializer, parameters=[])
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def attendance(self, request, pk=None):
        """Who of the confirmed delegates came in, and when (the Secretariat's; 403 to others)."""
        meeting = selectors.get_meeting_for(request.user, pk)
        if not selectors.may_check_in(request.user):
            raise exceptions.PermissionDenied(_("Only the Secretariat follows attendance."))
        lines = list(selectors.attendance_lines(meeting))
        body = {
            "meeting": meeting.pk,
            "checked_in": sum(1 for line in lines if line.checked_in_at is not None),
            "confirmed": len(lines),
            "delegates": lines,
        }
        return Response(AttendanceSerializer(body).data)

    @extend_schema(request=CheckInSerializer, responses=CheckInResultSerializer, parameters=[])
    @action(
        detail=True,
        methods=["post"],
        url_path="check-in",
        filter_backends=[],
        pagination_class=None,
    )
    def check_in(self, request, pk=None):
        """Check a delegate in at the door from the code on their badge (the Secretariat); a
        second scan changes nothing and answers `first_time: false`."""
        meeting = selectors.get_meeting_for(request.user, pk)
        if not selectors.may_check_in(request.user):
            raise exceptions.PermissionDenied(_("Only the Secretariat checks delegates in."))
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = services.check_in(meeting, serializer.validated_data["code"], by=request.user)
        return Response(
            CheckInResultSerializer({"first_time": done.first_time, "delegate": done.delegate}).data
        )

    @extend_schema(responses=SessionSerializer(many=True), parameters=[])
    @action(detail=True, methods=["get"], filter_backends=[])
    def sessions(self, request, pk=None):
        """The meeting's timetable: its sessions in order, times in UTC (the meeting's
        `time_zone` is the venue's), with chairs, speakers and agenda items."""
        meeting = selectors.get_meeting_for(request.user, pk)
        page = self.paginate_queryset(selectors.sessions_of(meeting))
        return self.get_paginated_response(SessionSerializer(page, many=True).data)


class DelegationQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Registration.Status.choices, required=False, allow_blank=True
    )


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
        if self.request.method in SAFE_METHODS or self.action == "validate":
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

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def validate(self, request, pk=None):
        """The state's focal point or approver confirms that its line on the official list is
        right (once the delegation takes a seat; any change to it clears the validation).
        Another state's delegation is a 404; the Secretariat validates none (403)."""
        registration = self.get_object()
        services.validate_delegation(registration, by=request.user)
        registration = selectors.delegations_of(request.user, registration.meeting).get(
            pk=registration.pk
        )
        return Response(DelegationSerializer(registration).data)


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


class LibraryQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words of the title, in English or Russian, or a document symbol.",
    )
    kind = serializers.ChoiceField(
        choices=MeetingDocument.DocKind.choices, required=False, allow_blank=True
    )
    language = serializers.ChoiceField(
        choices=DocumentLanguage.choices,
        required=False,
        allow_blank=True,
        help_text="Only documents with a version in this language.",
    )


class LibraryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The library of every meeting document the caller may read, newest meeting first; found
    by words of the title in English or Russian (full-text search on PostgreSQL) or by symbol."""

    permission_classes = [IsNetworkMember]
    serializer_class = LibraryDocumentSerializer
    filter_backends: list = []

    @extend_schema(parameters=[LibraryQuery])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        query = LibraryQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.library_documents(
            self.request.user,
            text=query.validated_data.get("q", ""),
            kind=query.validated_data.get("kind", ""),
            language=query.validated_data.get("language", ""),
        )


class FollowsNeeds(permissions.BasePermission):
    """The Secretariat and the member states' focal points (who answer for their state)."""

    def has_permission(self, request, view):
        return selectors.may_follow_needs(request.user)


class NeedsQuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """Needs assessment questionnaires for "training of the trainers" (Action Plan II.2)."""

    permission_classes = [FollowsNeeds]
    serializer_class = NeedsQuestionnaireSerializer
    lookup_value_regex = r"\d+"
    filterset_class = NeedsQuestionnaireApiFilter
    ordering_fields = ["sent_at"]

    def get_queryset(self):
        return selectors.questionnaires_visible_to(self.request.user).order_by("-sent_at", "-pk")

    @extend_schema(
        request=NeedsAnswerInputSerializer,
        responses=NeedsAnswerSerializer,
        parameters=[],
    )
    @action(detail=True, methods=["put"], filter_backends=[], pagination_class=None)
    def answer(self, request, pk=None):
        """A member state's focal point saves their state's whole answer as a draft, or submits
        it (`submit: true`) while the questionnaire is open; a submitted answer is a 409."""
        questionnaire = self.get_object()
        serializer = NeedsAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answer = services.save_needs_answer(
            questionnaire,
            by=request.user,
            institutional_capacity=data["institutional_capacity"],
            trainers_available=data["trainers_available"],
            other_needs=data["other_needs"],
            needs=[dict(need) for need in data["topics"]],
            submit=data["submit"],
        )
        answer = selectors.get_needs_answer_for(request.user, answer.pk)
        return Response(NeedsAnswerSerializer(answer).data)


class NeedsAnswerViewSet(viewsets.ReadOnlyModelViewSet):
    """States' answers to the questionnaires: a focal point reads their own state's (draft or
    submitted); the Secretariat every state's. Another state's answer is a 404."""

    permission_classes = [FollowsNeeds]
    serializer_class = NeedsAnswerSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["questionnaire", "status"]
    ordering_fields = ["updated_at"]

    def get_queryset(self):
        return selectors.needs_answers_visible_to(self.request.user).order_by(
            "questionnaire_id", "state__name_en", "pk"
        )
