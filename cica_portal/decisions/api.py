"""The decision register over the REST API: the same entries, the same search, the same rule."""

from typing import cast

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers

from cica_portal.api import IsNetworkMember
from cica_portal.models import RegisteredDecision, User  # IsNetworkMember: signed in

from . import selectors


class RegisteredDecisionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area = serializers.IntegerField(source="area.number", read_only=True, allow_null=True)
    subject = serializers.SerializerMethodField()
    approval: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = RegisteredDecision
        fields = [
            "id",
            "number",
            "year",
            "sequence",
            "decided_at",
            "kind",
            "kind_label",
            "area",
            "title",
            "text",
            "text_hash",
            "basis",
            "approval",
            "subject",
        ]

    @extend_schema_field(
        inline_serializer(
            "DecisionSubject",
            {
                "type": serializers.CharField(),
                "id": serializers.IntegerField(),
                "url": serializers.CharField(),
            },
        )
    )
    def get_subject(self, entry: RegisteredDecision) -> dict:
        return {
            "type": f"{entry.subject_type.app_label}.{entry.subject_type.model}",
            "id": entry.subject_id,
            "url": selectors.subject_url(entry),
        }


FILTERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description="A number (CICA/DEC/2027/12) or words of the title or text",
    ),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=RegisteredDecision.Kind.values),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("area", OpenApiTypes.INT, description="The area's number, 1 to 4"),
]


def _refuse_bad_filters(params) -> None:
    """A filter the schema types is checked as typed: a 400 naming the field, never ignored."""
    refused = selectors.filters_not_understood(params)
    if refused:
        raise serializers.ValidationError(
            {name: [_("Not a value this filter understands.")] for name in refused}
        )


@extend_schema_view(get=extend_schema(parameters=FILTERS))
class DecisionList(generics.ListAPIView):
    """The decision register's entries the caller may read, newest number first."""

    serializer_class = RegisteredDecisionSerializer
    permission_classes = [IsNetworkMember]
    filter_backends: list = []

    def get_queryset(self):
        _refuse_bad_filters(self.request.query_params)
        queryset, _used = selectors.search_register(
            cast(User, self.request.user), self.request.query_params
        )
        # Each row links its subject: read them per kind of subject, not one query a row.
        return queryset.select_related("subject_type").prefetch_related("subject")


class DecisionDetail(generics.RetrieveAPIView):
    """One entry; 404 if the caller may not read what it is about."""

    serializer_class = RegisteredDecisionSerializer
    permission_classes = [IsNetworkMember]

    def get_queryset(self):
        return selectors.decisions_visible_to(cast(User, self.request.user)).select_related(
            "subject_type"
        )
