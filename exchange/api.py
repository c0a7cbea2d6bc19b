"""The exchange API: exactly the paths of the REST API contract, with the pages' rights."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cica_portal import approvals
from cica_portal.api import IsNetworkMember
from cica_portal.errors import DomainError
from cica_portal.pagination import NewestFirstPagination

from . import selectors, services
from .models import Share, ShareRead
from .serializers import (
    DecisionSerializer,
    JudicialPermissionSerializer,
    ReshareRequestSerializer,
    ShareCreateSerializer,
    ShareDetailSerializer,
    ShareListSerializer,
    ShareTemplateSerializer,
    ShareUpdateSerializer,
    StatusSerializer,
    SubmitSerializer,
    WithdrawalReceiptSerializer,
    WithdrawSerializer,
)


def _content_errors(call):
    """Run a service; content that does not fit comes back as {"content": {field: [...]}}."""
    try:
        return call()
    except services.ShareContentError as error:
        raise exceptions.ValidationError({"content": dict(error.errors)}) from error


def _detail(request, share: Share) -> dict:
    return ShareDetailSerializer(share, context={"request": request}).data


def _require_confirmed_route(data: dict, author) -> None:
    """Concerned states left out while the case names member states: a 400 with the proposal,
    never the proposal applied behind the client's back (nor silently dropped)."""
    if "concerned_states" in data:
        return
    proposed = selectors.proposed_concerned(
        data["template"], data["content"], originating_state_id=author.national_state_id
    )
    if proposed:
        codes = [state.code for state in proposed]
        raise exceptions.ValidationError(
            {
                "concerned_states": [
                    _(
                        "The case names %(codes)s as origin, transit or destination. List the "
                        "states that must consent (those, some of them, or none: [])."
                    )
                    % {"codes": ", ".join(codes)}
                ],
                "proposed_concerned_states": codes,
            }
        )


class TemplateList(generics.ListAPIView):
    """The current version of every template, with its fields."""

    permission_classes = [IsNetworkMember]
    serializer_class = ShareTemplateSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.current_templates()


class _ShareFilterForm(forms.Form):
    def clean_status(self):
        # An empty status is none of the schema's values: refused (400), not read as "any".
        if self.data.get("status", None) == "":
            raise forms.ValidationError(_("Choose one of the statuses."))
        return self.cleaned_data["status"]


class ShareFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Share.Status.choices)
    template = django_filters.CharFilter(field_name="template__slug")
    originating_state = django_filters.CharFilter(
        field_name="originating_state__code", lookup_expr="iexact"
    )

    class Meta:
        model = Share
        fields = ["status", "template", "originating_state"]
        form = _ShareFilterForm


BOXES = ("mine", "asked", "received")


class ShareListCreate(generics.ListCreateAPIView):
    """Shares the caller may see (`?box=mine|asked|received`); a focal point drafts one."""

    permission_classes = [IsNetworkMember]
    filterset_class = ShareFilter
    ordering_fields = ["updated_at", "created_at", "id"]
    pagination_class = NewestFirstPagination

    def get_queryset(self):
        box = self.request.GET.get("box", "")
        if box not in {"", *BOXES}:
            raise exceptions.ValidationError({"box": [f"Choose one of: {', '.join(BOXES)}."]})
        return selectors.with_lists(selectors.shares_for_list(self.request.user, box=box))

    def count_rows(self, queryset):
        """The contract's exact `count`, cached under the caller's visibility scopes."""
        return selectors.list_count(self.request.user, queryset)

    def get_serializer_class(self):
        return ShareCreateSerializer if self.request.method == "POST" else ShareListSerializer

    @extend_schema(
        parameters=[OpenApiParameter("box", str, enum=list(BOXES))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ShareCreateSerializer, responses={201: ShareDetailSerializer})
    def post(self, request, *args, **kwargs):
        if not request.user.is_focal_point:
            raise exceptions.PermissionDenied("Only a focal point drafts shares.")
        serializer = ShareCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require_confirmed_route(data, request.user)
        share = _content_errors(
            lambda: services.create_share(
                author=request.user,
                template=data["template"],
                title=data["title"],
                content=data["content"],
                concerned_states=data.get("concerned_states"),
                recipient_states=data.get("recipient_states", []),
                secretariat_may_read=data.get("secretariat_may_read", False),
                distribution_confidential=data.get("distribution_confidential", False),
                handling=serializer.handling_data(),
            )
        )
        share = selectors.get_share_for(request.user, share.pk)
        return Response(_detail(request, share), status=status.HTTP_201_CREATED)


class ShareDetail(APIView):
    """One share with its content (each read is logged); the author edits a draft or pending."""

    permission_classes = [IsNetworkMember]
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(responses=ShareDetailSerializer)
    def get(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        services.record_read(share, user=request.user, via=ShareRead.Via.API)
        return Response(_detail(request, share))

    @extend_schema(request=ShareUpdateSerializer, responses=ShareDetailSerializer)
    def patch(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        if share.author_id != request.user.pk:
            raise exceptions.PermissionDenied("Only the author can edit this share.")
        serializer = ShareUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _content_errors(
            lambda: services.update_share(
                share,
                actor=request.user,
                title=data.get("title"),
                content=data.get("content"),
                concerned_states=data.get("concerned_states"),
                recipient_states=data.get("recipient_states"),
                secretariat_may_read=data.get("secretariat_may_read"),
                distribution_confidential=data.get("distribution_confidential"),
                handling=serializer.handling_data(),
            )
        )
        return Response(_detail(request, selectors.get_share_for(request.user, pk)))


class ShareSubmit(APIView):
    permission_classes = [IsNetworkMember]

    @extend_schema(request=SubmitSerializer, responses=ShareDetailSerializer)
    def post(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.submit_share(
            share, actor=request.user, deadline=serializer.validated_data.get("deadline")
        )
        return Response(_detail(request, selectors.get_share_for(request.user, pk)))


class ShareDecision(APIView):
    """An approver of a state asked for consent approves or declines its release."""

    permission_classes = [IsNetworkMember]

    @extend_schema(request=DecisionSerializer, responses=StatusSerializer)
    def post(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        if not request.user.is_approver:
            raise exceptions.PermissionDenied("Only a release approver decides.")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if share.status != Share.Status.PENDING_CONSENT or share.approval_id is None:
            raise DomainError(_("This share is no longer waiting for consent."), code="conflict")
        data = serializer.validated_data
        approvals.answer_request(  # the one answering service of every surface
            share.approval,
            approver=request.user,
            decision=data["decision"],
            comment=data["comment"],
            seen_hash=data.get("content_hash"),
        )
        share = selectors.get_share_for(request.user, pk)
        return Response({"id": share.pk, "status": share.status})


class ShareWithdraw(APIView):
    permission_classes = [IsNetworkMember]

    @extend_schema(request=WithdrawSerializer, responses=StatusSerializer)
    def post(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        share = services.withdraw_share(
            share, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response({"id": share.pk, "status": share.status})


class ReceiptAcknowledge(APIView):
    """A recipient state confirms that its copies of a withdrawn share are removed; a second
    confirmation changes nothing (200 with `already_acknowledged: true`)."""

    permission_classes = [IsNetworkMember]

    @extend_schema(request=None, responses=WithdrawalReceiptSerializer)
    def post(self, request, pk: int):
        receipt = selectors.get_receipt_for(request.user, pk)
        done = services.acknowledge_withdrawal(receipt, by=request.user)
        receipt = selectors.get_receipt_for(request.user, pk)
        data = dict(WithdrawalReceiptSerializer(receipt).data)
        data["already_acknowledged"] = not done
        return Response(data)


class ShareReshareRequests(APIView):
    """Requests to pass a released share on (H2): a recipient state's focal point asks for named
    states (or a national authority); the originating and concerned states decide."""

    permission_classes = [IsNetworkMember]

    @extend_schema(responses=ReshareRequestSerializer(many=True))
    def get(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        rows = selectors.reshare_requests_for(request.user, share)
        return Response(ReshareRequestSerializer(rows, many=True).data)

    @extend_schema(request=ReshareRequestSerializer, responses={201: ReshareRequestSerializer})
    def post(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        if share.status != Share.Status.RELEASED:
            raise DomainError(_("Only a released share can be passed on."), code="conflict")
        if not selectors.may_request_reshare(request.user, share):
            raise exceptions.PermissionDenied(
                "Only a focal point of a recipient state asks to pass a share on."
            )
        serializer = ReshareRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reshare = services.request_reshare(
            share,
            by=request.user,
            states=data.get("states", []),
            authority=data.get("authority", ""),
            reason=data["reason"],
        )
        return Response(ReshareRequestSerializer(reshare).data, status=status.HTTP_201_CREATED)


class ShareJudicialPermissions(APIView):
    """The provider records permission (H1) for a recipient state's judicial use."""

    permission_classes = [IsNetworkMember]

    @extend_schema(
        request=JudicialPermissionSerializer, responses={201: JudicialPermissionSerializer}
    )
    def post(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        if not selectors.may_grant_judicial_use(request.user, share):
            raise exceptions.PermissionDenied(
                "Only the originating state records permission for judicial use (H1)."
            )
        serializer = JudicialPermissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.grant_judicial_use(
            share,
            by=request.user,
            state=serializer.validated_data["state"],
            note=serializer.validated_data["note"],
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class ShareExport(APIView):
    """The share as a document to keep (`?purpose=intelligence|judicial`); never a RED share,
    and with H1 not for judicial use until the provider's permission is recorded (403)."""

    permission_classes = [IsNetworkMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("purpose", str, enum=list(selectors.EXPORT_PURPOSES), required=True)
        ],
        responses={200: dict},
    )
    def get(self, request, pk: int):
        share = selectors.get_share_for(request.user, pk)
        if share.status != Share.Status.RELEASED:
            raise exceptions.PermissionDenied("Only a released share is exported.")
        purpose = request.GET.get("purpose", "")
        return Response(services.export_share(share, user=request.user, purpose=purpose))
