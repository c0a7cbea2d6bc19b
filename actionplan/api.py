"""The plan, reports and review cycles over the API, with the same rights as the pages."""

import django_filters
from django import forms
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cica_portal.api import IsNetworkMember

from . import selectors, services
from .models import ImplementationReport, ReviewCycle
from .serializers import (
    PlanAreaSerializer,
    ReportCreateSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    ReturnSerializer,
    ReviewCycleSerializer,
    StateReportStatusSerializer,
)


@extend_schema_view(
    get=extend_schema(
        summary="The four areas of the Action Plan",
        description="Each area with its numbered issues for consideration (`items`), its "
        "activity and the new measures approved by the member states.",
    )
)
class AreaList(generics.ListAPIView):
    permission_classes = [IsNetworkMember]
    serializer_class = PlanAreaSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.plan_areas()


class IntegerFilter(django_filters.NumberFilter):
    """A year is a whole number: 0.5 is refused with a 400 naming the field."""

    field_class = forms.IntegerField


class ReportFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="cycle__year")
    state = django_filters.CharFilter(field_name="state__code", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=ImplementationReport.Status.choices)

    class Meta:
        model = ImplementationReport
        fields = ["year", "state", "status"]


class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Implementation reports: the Secretariat reads all; a state reads its own; its focal
    point creates, edits and submits the draft."""

    permission_classes = [IsNetworkMember]
    filterset_class = ReportFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user).prefetch_related(
            "entries__item__area", "attachments"
        )

    serializer_class = ReportSerializer

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        if not request.user.is_focal_point:
            raise PermissionDenied
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = get_object_or_404(ReviewCycle, year=data.validated_data["year"])
        report = services.start_report(cycle, actor=request.user)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportUpdateSerializer, responses=ReportSerializer)
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        data = ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entries = {
            row["item"]: {k: v for k, v in row.items() if k != "item"}
            for row in data.validated_data["entries"]
        }
        report = services.save_report(report, actor=request.user, entries=entries)
        return Response(ReportSerializer(report).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = services.submit_report(self.get_object(), actor=request.user)
        return Response(ReportSerializer(report).data)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_correction(self, request, pk=None):
        report = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.return_report(
            report, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(ReportSerializer(report).data)


class ReviewCycleViewSet(viewsets.ReadOnlyModelViewSet):
    """The annual review's dates and status; the Secretariat also sees who has reported."""

    permission_classes = [IsNetworkMember]
    serializer_class = ReviewCycleSerializer
    lookup_field = "year"
    lookup_value_regex = r"[0-9]+"
    filter_backends = []

    def get_queryset(self):
        return selectors.cycles_visible_to(self.request.user)

    @extend_schema(responses=StateReportStatusSerializer(many=True))
    @action(detail=True, methods=["get"])
    def states(self, request, year=None):
        if not request.user.is_secretariat:
            raise PermissionDenied
        cycle = self.get_object()
        rows = [
            {
                "state": row.state.code,
                "report": row.status,
                "submitted_at": row.report.submitted_at if row.report else None,
            }
            for row in selectors.state_rows(cycle, user=request.user)
        ]
        return Response(StateReportStatusSerializer(rows, many=True).data)
