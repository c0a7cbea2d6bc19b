"""The API of lost and stolen documents: the check, the hits, the notices, found documents."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cica_portal.api import IsFocalPoint, IsNetworkMember
from cica_portal.models import State
from cica_portal.serializers import StateCodeField

from . import document_import, document_services, mrz, services
from . import document_selectors as docs
from .models import DocumentHit, DocumentNotice, FoundDocument
from .validation import normalise_document_number

MAX_BULK = 1000


def notice_data(notice: DocumentNotice, hit: DocumentHit | None) -> dict[str, Any]:
    share = notice.share
    # A RED notice's content stays on its own page: the hit says only where to read it.
    content = {} if share.is_red else share.content
    return {
        "share_id": share.pk,
        "share": share.pk,
        "hit": hit.pk if hit is not None else None,
        "title": share.display_title,
        "originating_state": share.originating_state.code,
        "issuing_state": notice.issuing_state.code,
        "document_type": notice.document_type,
        "document_number": content.get("document_number", ""),
        "status": notice.status,
        "lost_or_stolen": content.get("lost_or_stolen"),
        "date_lost_or_stolen": content.get("date_lost_or_stolen"),
        "reported_to_interpol": notice.reported_to_sltd,
        "released_at": share.released_at,
    }


def blind_data(notice: DocumentNotice, hit: DocumentHit | None) -> dict[str, Any]:
    """All a state the notice was not released to learns of it (Prüm's "hit / no hit")."""
    return {
        "reference": notice.share_id,
        "hit": hit.pk if hit is not None else None,
        "issuing_state": notice.issuing_state.code,
        "message": _(
            "The issuing state has a notice on this document. Contact %(state)s, quoting "
            "reference #%(id)s; it decides whether to release the notice to you."
        )
        % {"state": notice.issuing_state.name, "id": notice.share_id},
    }


def result_data(result: docs.CheckResult) -> dict[str, Any]:
    records = result.hit_records
    return {
        "number": result.query.number,
        "hits": [notice_data(n, records.get(n.share_id)) for n in result.hits],
        "possible_hits": [notice_data(n, None) for n in result.possible_hits],
        "blind_hits": [blind_data(n, records.get(n.share_id)) for n in result.blind_hits],
    }


def query_from_mrz(text: str) -> docs.DocumentQuery:
    """The number an MRZ holds, checked against its issuing state's notices only."""
    zone = mrz.parse(text)
    return docs.DocumentQuery(
        number=zone.document_number, issuing_state=zone.issuing_state or zone.issuing_state_alpha3
    )


class _Text(serializers.CharField):
    """Text only: a number or a list given for a document number is a 400, not coerced."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _CheckItem(serializers.Serializer):
    number = _Text(max_length=100, allow_blank=True)
    issuing_state = _Text(max_length=3, required=False, allow_blank=True)
    document_type = _Text(max_length=40, required=False, allow_blank=True)


class ReleaseSerializer(serializers.Serializer):
    reason = _Text(max_length=4000, required=False, allow_blank=True, default="")


class BulkCheckSerializer(serializers.Serializer):
    documents = _CheckItem(many=True, allow_empty=False)

    def validate_documents(self, value):
        if len(value) > MAX_BULK:
            raise serializers.ValidationError(f"At most {MAX_BULK} documents a request.")
        for index, item in enumerate(value):
            if not normalise_document_number(item["number"]):
                raise serializers.ValidationError(f"Document {index + 1}: enter a number.")
        return value


class DocumentCheck(APIView):
    """Released lost/stolen document notices with this number: exact hits, possible hits (only
    easily confused characters differ) and blind hits; every hit is recorded and told."""

    permission_classes = [IsNetworkMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str),
            OpenApiParameter("issuing_state", str),
            OpenApiParameter("document_type", str),
            OpenApiParameter("mrz", str),
        ],
        responses={200: dict},
    )
    def get(self, request):
        text = request.GET.get("mrz", "")
        if text:
            try:
                query = query_from_mrz(text)
            except mrz.MRZError as error:
                raise exceptions.ValidationError({"mrz": [error.message]}) from error
        else:
            number = request.GET.get("number", "")
            if not normalise_document_number(number):
                raise exceptions.ValidationError({"number": [_("Enter a document number.")]})
            query = docs.DocumentQuery(
                number=number,
                issuing_state=request.GET.get("issuing_state") or None,
                document_type=request.GET.get("document_type") or None,
            )
        [result] = document_services.check_documents(
            request.user, [query], channel=DocumentHit.Channel.API
        )
        return Response(result_data(result))

    @extend_schema(request=BulkCheckSerializer, responses={200: dict})
    def post(self, request):
        serializer = BulkCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        queries = [
            docs.DocumentQuery(
                number=item["number"],
                issuing_state=item.get("issuing_state") or None,
                document_type=item.get("document_type") or None,
            )
            for item in serializer.validated_data["documents"]
        ]
        results = document_services.check_documents(
            request.user, queries, channel=DocumentHit.Channel.BULK
        )
        return Response({"results": [result_data(r) for r in results]})


class HitSerializer(serializers.ModelSerializer):
    share_id = serializers.IntegerField(read_only=True)
    issuing_state = serializers.CharField(source="issuing_state.code", read_only=True)
    checked_by_state = serializers.SerializerMethodField()

    class Meta:
        model = DocumentHit
        fields = [
            "id", "share_id", "issuing_state", "checked_by_state", "checked_at", "channel",
            "blind", "outcome", "outcome_note", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_checked_by_state(self, hit: DocumentHit) -> str | None:
        return hit.checked_by_state.code if hit.checked_by_state else None


class HitList(APIView):
    """For a user of the issuing state: the hits on its documents and their outcomes
    (`?side=checker`: the hits of its own checks, to close)."""

    permission_classes = [IsNetworkMember]

    @extend_schema(
        parameters=[OpenApiParameter("side", str, enum=["issuer", "checker"])],
        responses=HitSerializer(many=True),
    )
    def get(self, request):
        side = request.GET.get("side", "issuer")
        if side not in ("issuer", "checker"):
            raise exceptions.ValidationError({"side": ["Choose one of: issuer, checker."]})
        rows = (
            docs.hits_on_my_documents(request.user)
            if side == "issuer"
            else docs.hits_of_my_checks(request.user)
        )
        return Response(HitSerializer(rows[:500], many=True).data)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DocumentHit.Outcome.choices)
    note = _Text(max_length=500, required=False, allow_blank=True, default="")


class HitOutcome(APIView):
    permission_classes = [IsNetworkMember]

    @extend_schema(request=OutcomeSerializer, responses=HitSerializer)
    def post(self, request, pk: int):
        hit = docs.get_hit_for(request.user, pk)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hit = document_services.close_hit(hit, by=request.user, **serializer.validated_data)
        return Response(HitSerializer(docs.get_hit_for(request.user, hit.pk)).data)


class HitRelease(APIView):
    """After a blind hit, the issuing state asks (through consent) to release the notice."""

    permission_classes = [IsNetworkMember]

    @extend_schema(request=ReleaseSerializer, responses={201: dict})
    def post(self, request, pk: int):
        hit = docs.get_hit_for(request.user, pk)
        serializer = ReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reshare = services.release_notice_to_checker(
            hit, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(
            {"reshare_request": reshare.pk, "status": reshare.status},
            status=status.HTTP_201_CREATED,
        )


class NoticeSerializer(serializers.ModelSerializer):
    share_id = serializers.IntegerField(read_only=True)
    issuing_state = serializers.CharField(source="issuing_state.code", read_only=True)

    class Meta:
        model = DocumentNotice
        fields = [
            "share_id", "issuing_state", "document_type", "status", "recovered_on",
            "reported_to_sltd", "checkable_by_all", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["share_id", "issuing_state", "document_type", "updated_at"]
        extra_kwargs = {f: {"required": False} for f in fields}


class NoticeDetail(APIView):
    """A notice (by its share's id); the issuing state's focal points change it."""

    permission_classes = [IsNetworkMember]
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(responses=NoticeSerializer)
    def get(self, request, pk: int):
        return Response(NoticeSerializer(docs.get_notice_for(request.user, pk)).data)

    @extend_schema(request=NoticeSerializer, responses=NoticeSerializer)
    def patch(self, request, pk: int):
        notice = docs.get_notice_for(request.user, pk)
        serializer = NoticeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        notice = document_services.change_notice(
            notice, by=request.user, **serializer.validated_data
        )
        return Response(NoticeSerializer(docs.get_notice_for(request.user, notice.share_id)).data)


class FoundDocumentSerializer(serializers.ModelSerializer):
    issuing_state = StateCodeField()
    finding_state = serializers.CharField(source="finding_state.code", read_only=True)
    number = _Text(max_length=100, write_only=True)
    place = _Text(max_length=300, required=False, allow_blank=True, write_only=True)
    remarks = _Text(max_length=2000, required=False, allow_blank=True, write_only=True)
    document_type = serializers.ChoiceField(
        choices=[
            "Passport",
            "Identity card",
            "Travel document",
            "Visa",
            "Residence permit",
            "Blank document",
            "Other",
        ]
    )

    class Meta:
        model = FoundDocument
        fields = [
            "id", "issuing_state", "finding_state", "document_type", "number", "found_on",
            "place", "remarks", "status", "decision_note", "decided_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "finding_state", "status", "decision_note", "decided_at",
                            "created_at"]  # fmt: skip

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["issuing_state"] = instance.issuing_state.code
        data.update(instance.details)  # only its two states ever read a report
        return data


class FoundDocuments(APIView):
    """Found document reports of the caller's state (found by it, or issued by it)."""

    permission_classes = [IsNetworkMember]

    @extend_schema(responses=FoundDocumentSerializer(many=True))
    def get(self, request):
        rows = docs.found_documents_for(request.user)[:500]
        return Response(FoundDocumentSerializer(rows, many=True).data)

    @extend_schema(request=FoundDocumentSerializer, responses={201: FoundDocumentSerializer})
    def post(self, request):
        if not request.user.is_focal_point:
            raise exceptions.PermissionDenied("Only a focal point reports a found document.")
        serializer = FoundDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = document_services.report_found_document(
            by=request.user,
            issuing_state=data["issuing_state"],
            document_type=data["document_type"],
            number=data["number"],
            found_on=data["found_on"],
            place=data.get("place", ""),
            remarks=data.get("remarks", ""),
        )
        return Response(FoundDocumentSerializer(report).data, status=status.HTTP_201_CREATED)


class FoundDocumentDetail(APIView):
    permission_classes = [IsNetworkMember]

    @extend_schema(responses=FoundDocumentSerializer)
    def get(self, request, pk: int):
        return Response(FoundDocumentSerializer(docs.get_found_document_for(request.user, pk)).data)


class FoundDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "reject"])
    note = _Text(max_length=500, required=False, allow_blank=True, default="")


class FoundDocumentDecision(APIView):
    """The issuing state confirms or rejects that a found document is one of its own."""

    permission_classes = [IsNetworkMember]

    @extend_schema(request=FoundDecisionSerializer, responses=FoundDocumentSerializer)
    def post(self, request, pk: int):
        report = docs.get_found_document_for(request.user, pk)
        serializer = FoundDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = document_services.decide_found_document(
            report,
            by=request.user,
            confirm=serializer.validated_data["decision"] == "confirm",
            note=serializer.validated_data["note"],
        )
        return Response(FoundDocumentSerializer(report).data)


class DocumentImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)
    encoding = serializers.ChoiceField(choices=list(document_import.ENCODINGS), default="utf-8")
    recipient_states = StateCodeField(many=True, required=False, default=list)
    all_member_states = serializers.BooleanField(default=False)
    secretariat_may_read = serializers.BooleanField(default=False)


class DocumentImport(APIView):
    """A focal point's CSV list of its own state's lost and stolen documents (multipart, field
    `file`): `dry_run` (the default) only checks it; any wrong line is a 400 listing every
    error by line, and nothing is imported."""

    permission_classes = [IsFocalPoint]

    @extend_schema(request=DocumentImportSerializer, responses={200: dict, 400: dict})
    def post(self, request):
        serializer = DocumentImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        document_import.refuse_too_big(upload.size)  # before reading it into memory
        recipients = (
            list(State.objects.members()) if data["all_member_states"] else data["recipient_states"]
        )
        report = document_import.import_documents(
            upload.read(),
            by=request.user,
            dry_run=data["dry_run"],
            recipient_states=recipients,
            secretariat_may_read=data["secretariat_may_read"],
            encoding=data["encoding"],
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK,
        )
