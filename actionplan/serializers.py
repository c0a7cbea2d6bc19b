"""The plan, reports and review cycles over the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    ImplementationReport,
    PlanItem,
    ReportAttachment,
    ReportEntry,
    ReviewCycle,
)


class PlanIssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["number", "text", "status"]


# One enum component for the plan's statuses (PlanIssue's); here the same values as text.
STATUS_HELP = "One of: " + ", ".join(PlanItem.Status.values) + "."


class PlanActivitySerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = PlanItem
        fields = ["id", "title", "text", "status"]


class PlanMeasureSerializer(serializers.ModelSerializer):
    proposed_by = serializers.CharField(
        source="proposed_by_state.code", read_only=True, default=None, allow_null=True
    )
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = PlanItem
        fields = ["id", "number", "title", "text", "status", "proposed_by"]


class PlanAreaSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Area number, 1-4.")
    roman = serializers.CharField()
    title = serializers.CharField()
    activity = serializers.SerializerMethodField(
        help_text="The area's activity: the meeting the plan asks to convene (null if none)."
    )
    items = serializers.SerializerMethodField(
        help_text="The numbered issues for possible consideration under the area, in order "
        "(areas III and IV number none: see `topics`)."
    )
    topics = serializers.SerializerMethodField(
        help_text="What the area's activity names for discussion, unnumbered in the source "
        "(areas III and IV; referenced as III.A(a), III.A(b), ...)."
    )
    measures = serializers.SerializerMethodField(
        help_text="New confidence-building measures the member states approved under the area. "
        "A proposed measure appears here only once every member state has approved it."
    )

    @extend_schema_field(PlanActivitySerializer(allow_null=True))
    def get_activity(self, area):
        activity = next((i for i in area.plan if i.kind == PlanItem.Kind.ACTIVITY), None)
        return PlanActivitySerializer(activity).data if activity else None

    @extend_schema_field(PlanIssueSerializer(many=True))
    def get_items(self, area):
        return PlanIssueSerializer(
            [i for i in area.plan if i.kind == PlanItem.Kind.ISSUE], many=True
        ).data

    @extend_schema_field(PlanIssueSerializer(many=True))
    def get_topics(self, area):
        return PlanIssueSerializer(
            [i for i in area.plan if i.kind == PlanItem.Kind.TOPIC], many=True
        ).data

    @extend_schema_field(PlanMeasureSerializer(many=True))
    def get_measures(self, area):
        return PlanMeasureSerializer(
            [i for i in area.plan if i.kind == PlanItem.Kind.MEASURE], many=True
        ).data


class ReportEntrySerializer(serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(read_only=True)
    item_label = serializers.CharField(source="item.label", read_only=True)

    class Meta:
        model = ReportEntry
        fields = ["item", "item_label", "progress", "narrative"]


class ReportAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    item = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ReportAttachment
        fields = ["id", "original_name", "content_type", "size", "item", "uploaded_at", "url"]


class ReportSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    state = serializers.CharField(source="state.code", read_only=True)
    entries = ReportEntrySerializer(many=True, read_only=True)
    attachments = ReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ImplementationReport
        fields = [
            "id",
            "year",
            "state",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "returned_at",
            "return_reason",
            "entries",
            "attachments",
        ]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text="The review cycle's year; it must be open."
    )


class EntryInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        min_value=1, help_text="The plan item's id (see `entries` of the report)."
    )
    progress = serializers.ChoiceField(choices=ReportEntry.Progress.choices, required=False)
    narrative = serializers.CharField(
        allow_blank=True, required=False, max_length=10000, trim_whitespace=False
    )


class ReportUpdateSerializer(serializers.Serializer):
    entries = EntryInputSerializer(many=True)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReviewCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewCycle
        fields = [
            "year",
            "status",
            "opens_on",
            "report_deadline",
            "swg_start",
            "swg_end",
            "soc_start",
            "soc_end",
        ]
        read_only_fields = fields


class StateReportStatusSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="ISO alpha-2 code.")
    report = serializers.CharField(help_text="draft, submitted, returned or missing.")
    submitted_at = serializers.DateTimeField(allow_null=True)
