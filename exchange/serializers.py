from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cica_portal.models import State
from cica_portal.serializers import ApprovalAnswerSerializer, StateCodeField

from . import handling
from .models import Share, ShareTemplate
from .selectors import consents_of, is_originator, may_see_distribution, proposed_concerned


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
        fields = ["slug", "version", "title", "description", "fields", "observers_may_receive"]
        read_only_fields = fields
        extra_kwargs = {
            "observers_may_receive": {
                "help_text": "Whether a share of this template may name observer and other "
                "non-member states as recipients (set by the Secretariat)."
            }
        }


class ConsentSerializer(serializers.Serializer):
    state = serializers.CharField()
    decision = serializers.ChoiceField(
        choices=["pending", "approve", "decline", "abstain", "no_answer"],
        help_text="pending while the share waits for consent; no_answer once it is closed "
        "(declined, expired, withdrawn) for a state that never answered.",
    )
    decided_at = serializers.DateTimeField(allow_null=True)


def _tlp_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=list(handling.TLP_VALUES),
        help_text="TLP 2.0: " + ", ".join(handling.TLP_VALUES) + ". A RED share's title and "
        "content appear only in its own detail.",
        **kwargs,
    )


def _codes_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=list(handling.HANDLING_CODES)),
        help_text="H0: only for preventing and combating crime; H1: not for judicial "
        "proceedings without the provider's permission; H2: not to be passed on without the "
        "provider's permission; H3: other restrictions (handling_note).",
        **kwargs,
    )


def _source_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=list(handling.SOURCE_RELIABILITY),
        help_text="Evaluation of the source: A, B, C or X (cannot be assessed).",
        **kwargs,
    )


def _information_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=list(handling.INFORMATION_RELIABILITY),
        help_text="Evaluation of the information: 1 to 4.",
        **kwargs,
    )


class HandlingInputMixin(serializers.Serializer):
    """The H3 rule when both the codes and the note are given (else the service checks it)."""

    def validate(self, data):
        data = super().validate(data)
        if "handling_codes" in data:
            data["handling_codes"] = sorted(set(data["handling_codes"]))
            missing_note = not data.get("handling_note", "").strip()
            if (
                handling.H3 in data["handling_codes"]
                and missing_note
                and ("handling_note" in data or not self.partial)
            ):
                raise serializers.ValidationError(
                    {"handling_note": [_("Say in words what H3 restricts.")]}
                )
        return data

    def handling_data(self) -> dict:
        return {
            name: self.validated_data[name]
            for name in (
                "tlp",
                "handling_codes",
                "handling_note",
                "source_reliability",
                "information_reliability",
            )
            if name in self.validated_data
        }


class ShareListSerializer(serializers.ModelSerializer):
    """What a list shows: no content (reading content is logged per share); a RED share's
    title is replaced by a neutral label."""

    template = serializers.CharField(source="template.slug", read_only=True)
    title = serializers.CharField(source="display_title", read_only=True)
    tlp = serializers.CharField(read_only=True, help_text=_tlp_field().help_text)
    handling_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    source_reliability = serializers.CharField(read_only=True)
    information_reliability = serializers.CharField(read_only=True)
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
            "distribution_confidential",
            "tlp",
            "handling_codes",
            "source_reliability",
            "information_reliability",
            "consent_deadline",
            "created_at",
            "updated_at",
            "released_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        """The status as it is now (past its deadline, expired); a confidential distribution
        shown to a recipient as its own state alone."""
        data = super().to_representation(instance)
        data["status"] = instance.effective_status
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if instance.distribution_confidential and (
            user is None or not may_see_distribution(user, instance)
        ):
            own = getattr(getattr(user, "state", None), "code", None)
            data["concerned_states"] = []
            data["recipient_states"] = [c for c in data["recipient_states"] if c == own]
            if "consents" in data:
                data["consents"] = []
        return data


class WithdrawalReceiptSerializer(serializers.Serializer):
    """A recipient state's receipt for a withdrawn share (no content of the share)."""

    id = serializers.IntegerField(read_only=True)
    share = serializers.IntegerField(source="share_id", read_only=True)
    state = serializers.CharField(source="state.code", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, allow_null=True, default=None
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url", help_text="Download (a read).")


class ShareDetailSerializer(ShareListSerializer):
    title = serializers.CharField(read_only=True)
    content = serializers.JSONField(read_only=True)  # decrypted by the model (encrypted at rest)
    consents = serializers.SerializerMethodField()
    withdrawal_receipts = serializers.SerializerMethodField()
    content_hash = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    proposed_concerned_states = serializers.SerializerMethodField()

    class Meta(ShareListSerializer.Meta):
        fields = [
            *ShareListSerializer.Meta.fields,
            "handling_note",
            "content",
            "content_hash",
            "attachments",
            "consents",
            "proposed_concerned_states",
            "withdrawal_receipts",
        ]
        read_only_fields = fields

    @extend_schema_field(WithdrawalReceiptSerializer(many=True, allow_null=True))
    def get_withdrawal_receipts(self, share: Share) -> list[dict] | None:
        """The recipient states' receipts, for the originating state only (null for others)."""
        request = self.context.get("request")
        if request is None or not is_originator(request.user, share):
            return None
        receipts = share.withdrawal_receipts.select_related("state", "acknowledged_by")
        return list(WithdrawalReceiptSerializer(receipts, many=True).data)

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
        """Member states the content names in origin/transit/destination fields: a proposal,
        applied only when the author lists them in `concerned_states`."""
        proposed = proposed_concerned(
            share.template, share.content, originating_state_id=share.originating_state_id
        )
        return [state.code for state in proposed]


ALL_MEMBER_STATES_HELP = (
    "true: the recipients are every member state (recipient_states is then ignored)."
)
CONFIDENTIAL_HELP = (
    "true: recipients (and the Secretariat) see only that their own state received the "
    "share: concerned_states, the other recipients and the consents are hidden from them. "
    "The originating state and the approvers asked for consent see everything."
)


class RecipientsMixin(serializers.Serializer):
    """`all_member_states: true` is one choice for every member state."""

    def validate(self, data):
        data = super().validate(data)
        if data.pop("all_member_states", False):
            data["recipient_states"] = list(State.objects.members())
        return data


class ShareCreateSerializer(RecipientsMixin, HandlingInputMixin, serializers.Serializer):
    """Input only: status, originating state and consents are never taken from a client."""

    template = serializers.SlugRelatedField(
        slug_field="slug", queryset=ShareTemplate.objects.filter(is_current=True)
    )
    title = serializers.CharField(max_length=200)
    content = serializers.JSONField()
    concerned_states = StateCodeField(
        many=True,
        required=False,
        help_text="Codes of member states, each asked to consent. Never filled in for you: "
        "when left out while the content names member states as origin, transit or destination, "
        "the answer is a 400 naming this field, with those states as `proposed_concerned_states`"
        " (send them, or [] for none).",
    )
    recipient_states = StateCodeField(many=True, required=False, default=list)
    all_member_states = serializers.BooleanField(
        required=False, default=False, help_text=ALL_MEMBER_STATES_HELP
    )
    secretariat_may_read = serializers.BooleanField(required=False, default=False)
    distribution_confidential = serializers.BooleanField(
        required=False, default=False, help_text=CONFIDENTIAL_HELP
    )
    tlp = _tlp_field(required=False, default=handling.DEFAULT_TLP)
    handling_codes = _codes_field(required=False, default=handling.default_handling_codes)
    handling_note = serializers.CharField(
        required=False, allow_blank=True, max_length=handling.MAX_NOTE, default=""
    )
    source_reliability = _source_field(required=False, default=handling.DEFAULT_SOURCE)
    information_reliability = _information_field(
        required=False, default=handling.DEFAULT_INFORMATION
    )


class ShareUpdateSerializer(RecipientsMixin, HandlingInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    content = serializers.JSONField(required=False)
    concerned_states = StateCodeField(many=True, required=False)
    recipient_states = StateCodeField(many=True, required=False)
    all_member_states = serializers.BooleanField(required=False, help_text=ALL_MEMBER_STATES_HELP)
    secretariat_may_read = serializers.BooleanField(required=False)
    distribution_confidential = serializers.BooleanField(
        required=False, help_text=CONFIDENTIAL_HELP
    )
    tlp = _tlp_field(required=False)
    handling_codes = _codes_field(required=False)
    handling_note = serializers.CharField(
        required=False, allow_blank=True, max_length=handling.MAX_NOTE
    )
    source_reliability = _source_field(required=False)
    information_reliability = _information_field(required=False)


class SubmitSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField(
        required=False, help_text="When consents not given let the share expire (default 14 days)."
    )


class DecisionSerializer(ApprovalAnswerSerializer):
    """The core's answer to a request, without abstention: a release needs every state's yes."""

    decision = serializers.ChoiceField(choices=["approve", "decline", "object"])


class WithdrawSerializer(serializers.Serializer):
    # Required; checked by the service after the rights, so that a share that may not be
    # withdrawn says so (403/409) before a missing reason does (400 naming `reason`).
    reason = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the share is withdrawn (required).",
    )


class StatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class ReshareRequestSerializer(serializers.Serializer):
    """A recipient state's request to pass a share on (H2), decided by its providers."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    states = StateCodeField(many=True, required=False, default=list)
    authority = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        default="",
        help_text="A national authority of the requesting state, in words.",
    )
    reason = serializers.CharField(max_length=4000)
    requesting_state = serializers.CharField(source="requesting_state.code", read_only=True)
    approval = serializers.IntegerField(source="approval_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["states"] = sorted(s.code for s in instance.states.all())
        return data


class JudicialPermissionSerializer(serializers.Serializer):
    state = StateCodeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
