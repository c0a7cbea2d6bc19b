"""The API's shapes of requests for information. A named state's answer is shown only to whom
`selectors.may_read_answer` allows; the other parts only to the requester and the Secretariat."""

from __future__ import annotations

from rest_framework import serializers

from cica_portal.serializers import StateCodeField
from exchange import handling

from . import selectors
from .models import InformationRequest, RefusalReason, RequestedState, Urgency


class PartSerializer(serializers.ModelSerializer):
    state = serializers.SlugRelatedField(read_only=True, slug_field="code")
    answer = serializers.SerializerMethodField()
    refusal_reason = serializers.SerializerMethodField()
    late_reason = serializers.SerializerMethodField()
    answered_at = serializers.SerializerMethodField()
    third_states = serializers.SerializerMethodField()

    class Meta:
        model = RequestedState
        fields = [
            "state",
            "status",
            "due_at",
            "answered_at",
            "answer",
            "refusal_reason",
            "late_reason",
            "consent",
            "third_states",
        ]
        read_only_fields = fields

    def _readable(self, part: RequestedState) -> bool:
        return selectors.may_read_answer(self.context["request"].user, part)

    def get_answer(self, part: RequestedState) -> str | None:
        return part.answer if self._readable(part) else None

    def get_refusal_reason(self, part: RequestedState) -> str | None:
        return (part.refusal_reason or None) if self._readable(part) else None

    def get_late_reason(self, part: RequestedState) -> str | None:
        return (part.late_reason or None) if self._readable(part) else None

    def get_answered_at(self, part: RequestedState) -> str | None:
        if not self._readable(part) or part.answered_at is None:
            return None
        return serializers.DateTimeField().to_representation(part.answered_at)

    def get_third_states(self, part: RequestedState) -> list[str]:
        if not self._readable(part):
            return []
        return sorted(state.code for state in part.third_states.all())


class RequestSerializer(serializers.ModelSerializer):
    requesting_state = serializers.SlugRelatedField(read_only=True, slug_field="code")
    requested_states = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "subject",
            "requesting_state",
            "urgency",
            "urgency_reason",
            "purpose",
            "legal_grounds",
            "questions",
            "handling_codes",
            "handling_note",
            "share_id",
            "secretariat_may_read",
            "created_at",
            "requested_states",
        ]
        read_only_fields = fields

    def get_requested_states(self, request: InformationRequest) -> list[dict]:
        user = self.context["request"].user
        parts = getattr(request, "visible_parts", None)
        if parts is None:
            parts = selectors.parts_for(user, request)
        return PartSerializer(parts, many=True, context=self.context).data


class RequestCreateSerializer(serializers.Serializer):
    states = StateCodeField(many=True, allow_empty=False)
    subject = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=4000)
    legal_grounds = serializers.CharField(max_length=4000)
    questions = serializers.CharField(max_length=8000)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    urgency_reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
    handling_codes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(handling.HANDLING_CODES)),
        required=False,
        default=list,
        max_length=len(handling.HANDLING_CODES),
    )
    handling_note = serializers.CharField(
        max_length=handling.MAX_NOTE, required=False, allow_blank=True, default=""
    )
    share_id = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, required=False, allow_null=True, default=None
    )
    secretariat_may_read = serializers.BooleanField(required=False, default=False)


class AnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RequestedState.Outcome.choices)
    answer = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    refusal_reason = serializers.ChoiceField(
        choices=RefusalReason.choices, required=False, allow_blank=True, default=""
    )
    refusal_note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
    third_states = StateCodeField(many=True, required=False, default=list)
    late_reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
