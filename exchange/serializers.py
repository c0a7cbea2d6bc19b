from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cica_portal.serializers import StateCodeField

from .models import Share, ShareTemplate
from .selectors import consents_of
from .validation import proposed_concerned_states


class TemplateFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(
        choices=["text", "long_text", "date", "number", "boolean", "choice", "state", "states"]
    )
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    help_text = serializers.CharField(required=False)
    propose_concerned = serializers.BooleanField(
        required=False,
        help_text="The states named in this field are proposed as concerned states.",
    )


class ShareTemplateSerializer(serializers.ModelSerializer):
    fields = TemplateFieldSerializer(many=True, read_only=True)

    class Meta:
        model = ShareTemplate
        fields = ["slug", "version", "title", "description", "fields"]
        read_only_fields = fields


class ConsentSerializer(serializers.Serializer):
    state = serializers.CharField()
    decision = serializers.ChoiceField(choices=["pending", "approve", "decline", "abstain"])
    decided_at = serializers.DateTimeField(allow_null=True)


class ShareListSerializer(serializers.ModelSerializer):
    """What a list shows: no content (reading content is logged per share)."""

    template = serializers.CharField(source="template.slug", read_only=True)
    # Text with the values listed, not an enum component: "status" enums of other apps collide.
    status = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(Share.Status.values) + "."
    )
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    originating_state = serializers.CharField(source="originating_state.code", read_only=True)
    concerned_states = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    recipient_states = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Share
        fields = [
            "id",
            "template",
            "template_version",
            "title",
            "status",
            "originating_state",
            "concerned_states",
            "recipient_states",
            "secretariat_may_read",
            "consent_deadline",
            "created_at",
            "updated_at",
            "released_at",
        ]
        read_only_fields = fields


class ShareDetailSerializer(ShareListSerializer):
    consents = serializers.SerializerMethodField()
    content_hash = serializers.SerializerMethodField()
    proposed_concerned_states = serializers.SerializerMethodField()

    class Meta(ShareListSerializer.Meta):
        fields = [
            *ShareListSerializer.Meta.fields,
            "content",
            "content_hash",
            "consents",
            "proposed_concerned_states",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsentSerializer(many=True))
    def get_consents(self, share: Share) -> list[dict]:
        return [
            {"state": c["state"], "decision": c["decision"], "decided_at": c["decided_at"]}
            for c in consents_of(share)
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_content_hash(self, share: Share) -> str | None:
        """The SHA-256 of the version consent is now asked for (as the approvals show it)."""
        return share.approval.content_hash if share.approval_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_proposed_concerned_states(self, share: Share) -> list[str]:
        """States the content names in origin/transit/destination fields (a proposal)."""
        return [
            code
            for code in proposed_concerned_states(share.template, share.content)
            if code != share.originating_state.code
        ]


class ShareCreateSerializer(serializers.Serializer):
    """Input only: status, originating state and consents are never taken from a client."""

    template = serializers.SlugRelatedField(
        slug_field="slug", queryset=ShareTemplate.objects.filter(is_current=True)
    )
    title = serializers.CharField(max_length=200)
    content = serializers.JSONField()
    concerned_states = StateCodeField(
        many=True,
        required=False,
        help_text="Codes; when left out, the states the content names as origin, transit or "
        "destination are used.",
    )
    recipient_states = StateCodeField(many=True, required=False, default=list)
    secretariat_may_read = serializers.BooleanField(required=False, default=False)


class ShareUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    content = serializers.JSONField(required=False)
    concerned_states = StateCodeField(many=True, required=False)
    recipient_states = StateCodeField(many=True, required=False)
    secretariat_may_read = serializers.BooleanField(required=False)


class SubmitSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField(
        required=False, help_text="When consents not given let the share expire (default 14 days)."
    )


class DecisionSerializer(serializers.Serializer):
    """One state's answer; "decline" and "object" are the same answer and need a reason."""

    decision = serializers.ChoiceField(choices=["approve", "decline", "object"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    content_hash = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        required=False,
        help_text="The SHA-256 of the version you read; refused with 409 if it is not current.",
    )

    def validate(self, data):
        if data["decision"] in {"decline", "object"} and not data.get("comment", "").strip():
            raise serializers.ValidationError(
                {"comment": [_("Give the reason for your objection.")]}
            )
        return data


class StatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class DocumentHitSerializer(serializers.Serializer):
    share = serializers.IntegerField()
    title = serializers.CharField()
    originating_state = serializers.CharField()
    document_number = serializers.CharField()
    document_type = serializers.CharField(allow_null=True)
    issuing_state = serializers.CharField(allow_null=True)
    lost_or_stolen = serializers.CharField(allow_null=True)
    date_lost_or_stolen = serializers.CharField(allow_null=True)
    reported_to_interpol = serializers.BooleanField(allow_null=True)
    released_at = serializers.DateTimeField()


class DocumentCheckSerializer(serializers.Serializer):
    number = serializers.CharField()
    hits = DocumentHitSerializer(many=True)
