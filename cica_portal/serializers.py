from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import ApprovalRequest, Area, Notification, State, StateAnswer


class StateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = State
        fields = ["code", "name", "name_en", "name_ru", "status"]


class AreaSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = ["number", "roman", "title", "title_en", "title_ru"]


class StateCodeField(serializers.SlugRelatedField):
    """A state given and shown by its ISO alpha-2 code; unknown codes are a 400 naming it."""

    default_error_messages = {
        "does_not_exist": "Unknown state code: {value}.",
        "invalid": "A state is given by its two-letter ISO code.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", State.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.strip().upper())


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at"]


class StateAnswerSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="state.code", read_only=True)
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = StateAnswer
        fields = ["state", "decision", "comment", "answered_by", "answered_at", "version"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_answered_by(self, answer) -> str | None:
        return str(answer.answered_by) if answer.answered_by_id else None


class ApprovalRequestSerializer(serializers.ModelSerializer):
    subject_type = serializers.CharField(source="subject_type.model", read_only=True)
    answers = StateAnswerSerializer(source="current_answer_list", many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "purpose",
            "title",
            "subject_type",
            "subject_id",
            "version",
            "content_hash",
            "rule",
            "deadline",
            "status",
            "opened_at",
            "closed_at",
            "answers",
        ]
        read_only_fields = fields


class ApprovalAnswerSerializer(serializers.Serializer):
    """One state's answer; "decline" is the same answer as "object" and needs a reason."""

    decision = serializers.ChoiceField(choices=["approve", "object", "decline", "abstain"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    content_hash = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        required=False,
        help_text="The SHA-256 of the version you read; refused with 409 if it is not current.",
    )

    def validate(self, data):
        if data["decision"] in {"object", "decline"} and not data.get("comment", "").strip():
            raise serializers.ValidationError(
                {"comment": [_("Give the reason for your objection.")]}
            )
        return data
