from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cica_portal.models import Area

from .models import Delegate, Meeting, MeetingDocument, Registration, TrainingRequest


class OptionalURLField(serializers.URLField):
    """A URL or null: the model keeps "" for none, which is not a URI a client could open."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class MeetingSerializer(serializers.ModelSerializer):
    areas = serializers.SerializerMethodField()
    host_state = serializers.CharField(
        source="host_state.code", default=None, allow_null=True, read_only=True
    )
    online_link = OptionalURLField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "start",
            "end",
            "time_zone",
            "status",
            "areas",
            "host_state",
            "venue",
            "online_link",
            "format",
            "languages",
            "registration_deadline",
            "max_delegates_per_state",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_areas(self, meeting) -> list[int]:
        return sorted(area.number for area in meeting.areas.all())


class DelegateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delegate
        fields = ["name", "position", "role", "interpretation", "dietary", "access"]


class RegistrationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="state.code", read_only=True)
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    delegates = DelegateSerializer(many=True)

    class Meta:
        model = Registration
        fields = ["id", "meeting", "state", "status", "delegates", "created_at", "confirmed_at"]
        read_only_fields = ["id", "state", "status", "created_at", "confirmed_at"]

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["meeting"].queryset = meetings


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingDocument
        fields = [
            "id",
            "meeting",
            "kind",
            "title",
            "access",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, document) -> str:
        return document.get_absolute_url()


class TrainingRequestSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="state.code", read_only=True)
    area = serializers.SlugRelatedField(slug_field="number", queryset=Area.objects.all())
    meeting = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = TrainingRequest
        fields = [
            "id",
            "state",
            "area",
            "topic",
            "preferred_period",
            "expected_participants",
            "needs",
            "status",
            "decision_reason",
            "decided_at",
            "meeting",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "status",
            "decision_reason",
            "decided_at",
            "meeting",
            "created_at",
        ]
