from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cica_portal.models import Area

from .models import (
    AgendaItem,
    Delegate,
    DocumentVersion,
    Languages,
    Meeting,
    MeetingDocument,
    NeedsAnswer,
    NeedsQuestionnaire,
    NeedsTopic,
    Registration,
    Session,
    TrainingRequest,
)


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
    # An invited body's delegation has no state (its `organisation` is given instead).
    state = serializers.CharField(
        source="state.code", default=None, allow_null=True, read_only=True
    )
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


# --- Delegations, the official list, attendance ------------------------------------------------


class DelegationDelegateSerializer(serializers.ModelSerializer):
    """A delegate as their own state and the Secretariat read them, attendance included."""

    # Empty when no interpretation is needed (a read-only field would not say it may be).
    interpretation = serializers.ChoiceField(
        choices=Delegate._meta.get_field("interpretation").choices,
        allow_blank=True,
        read_only=True,
    )

    class Meta:
        model = Delegate
        fields = [
            "id",
            "name",
            "position",
            "role",
            "interpretation",
            "dietary",
            "access",
            "checked_in_at",
        ]
        read_only_fields = fields


class DelegationSerializer(serializers.ModelSerializer):
    """A delegation to a meeting: a state's (`state`) or an invited body's (`organisation`)."""

    state = serializers.CharField(
        source="state.code", default=None, allow_null=True, read_only=True
    )
    organisation = serializers.CharField(
        source="organisation.code", default=None, allow_null=True, read_only=True
    )
    group = serializers.ChoiceField(choices=["member", "observer", "body"], read_only=True)
    credentials_filed = serializers.SerializerMethodField()
    delegates = DelegationDelegateSerializer(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "meeting",
            "state",
            "organisation",
            "group",
            "status",
            "decision_reason",
            "waitlisted_at",
            "validated_at",
            "credentials_filed",
            "delegates",
            "created_at",
            "confirmed_at",
        ]
        read_only_fields = fields

    def get_credentials_filed(self, registration) -> bool:
        return bool(registration.credentials)


class OfficialListDelegateSerializer(serializers.Serializer):
    """What the official list prints of a delegate: no needs, no attendance."""

    name = serializers.CharField(read_only=True)
    position = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Delegate.Role.choices, read_only=True)


class OfficialListLineSerializer(serializers.Serializer):
    """One line of the list as published (frozen at publication), or as it stands now."""

    participant = serializers.CharField(source="code", read_only=True)
    name = serializers.SerializerMethodField()
    group = serializers.ChoiceField(choices=["member", "observer", "body"], read_only=True)
    delegates = OfficialListDelegateSerializer(many=True, read_only=True)

    def get_name(self, line) -> str:
        russian = (translation.get_language() or "en")[:2] == "ru"
        return line["name_ru"] if russian and line.get("name_ru") else line["name_en"]


class OfficialListSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The publication's number; null before any."
    )
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    delegations = OfficialListLineSerializer(many=True, read_only=True)


class AttendanceLineSerializer(serializers.ModelSerializer):
    delegation = serializers.CharField(source="registration.participant_code", read_only=True)

    class Meta:
        model = Delegate
        fields = ["id", "name", "role", "delegation", "checked_in_at"]
        read_only_fields = fields


class AttendanceSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(read_only=True)
    checked_in = serializers.IntegerField(read_only=True)
    confirmed = serializers.IntegerField(read_only=True)
    delegates = AttendanceLineSerializer(many=True, read_only=True)


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=200, write_only=True, help_text="The code on the delegate's badge."
    )


class CheckInResultSerializer(serializers.Serializer):
    first_time = serializers.BooleanField(
        read_only=True, help_text="False when the delegate had already been checked in."
    )
    delegate = AttendanceLineSerializer(read_only=True)


# --- The timetable ------------------------------------------------------------------------------


class PlanItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(
        read_only=True, help_text='The reference in the plan, e.g. "II.1".'
    )


class SessionAgendaItemSerializer(serializers.ModelSerializer):
    plan_items = PlanItemRefSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "plan_items"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    speakers = serializers.ListField(
        source="speaker_list", child=serializers.CharField(), read_only=True
    )
    agenda_items = SessionAgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = ["id", "title", "start", "end", "chair", "speakers", "agenda_items"]
        read_only_fields = fields


# --- The document library -----------------------------------------------------------------------


class DocumentVersionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "language",
            "number",
            "original_name",
            "content_type",
            "size",
            "note",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, version) -> str:
        return version.get_absolute_url()


class LibraryDocumentSerializer(serializers.ModelSerializer):
    symbol = serializers.CharField(
        source="entry.symbol", default=None, allow_null=True, read_only=True
    )
    title_ru = serializers.CharField(
        source="entry.title_ru", default=None, allow_null=True, read_only=True
    )
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    versions = DocumentVersionSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingDocument
        fields = [
            "id",
            "symbol",
            "title",
            "title_ru",
            "kind",
            "access",
            "meeting",
            "meeting_title",
            "uploaded_at",
            "url",
            "versions",
        ]
        read_only_fields = fields

    def get_url(self, document) -> str:
        return document.get_absolute_url()


# --- Needs assessment ---------------------------------------------------------------------------


class NeedsQuestionnaireSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="area.number", read_only=True)
    topics = serializers.ListField(
        source="topic_list", child=serializers.CharField(), read_only=True
    )
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = NeedsQuestionnaire
        fields = [
            "id",
            "area",
            "title",
            "introduction",
            "topics",
            "answers_due",
            "sent_at",
            "closed_at",
            "is_open",
        ]
        read_only_fields = fields


class NeedsTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = NeedsTopic
        fields = ["topic", "trainees", "language"]
        read_only_fields = fields


class NeedsAnswerSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="state.code", read_only=True)
    topics = NeedsTopicSerializer(many=True, read_only=True)

    class Meta:
        model = NeedsAnswer
        fields = [
            "id",
            "questionnaire",
            "state",
            "status",
            "institutional_capacity",
            "trainers_available",
            "other_needs",
            "topics",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields


class NeedsTopicInputSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=300, help_text="One of the questionnaire's topics.")
    trainees = serializers.IntegerField(
        min_value=0, max_value=10000, help_text="Trainers to train; 0 leaves the topic out."
    )
    language = serializers.ChoiceField(choices=Languages.choices, required=False)


class NeedsAnswerInputSerializer(serializers.Serializer):
    """A state's whole answer, saved as its draft, or submitted with `submit: true`."""

    institutional_capacity = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    trainers_available = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    other_needs = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    topics = NeedsTopicInputSerializer(many=True, required=False, default=list)
    submit = serializers.BooleanField(
        default=False, help_text="Submit to the Secretariat; a submitted answer cannot change."
    )
