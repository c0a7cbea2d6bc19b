"""The REST API of requests for information: the same selectors and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cica_portal.api import IsNetworkMember

from . import selectors, services
from .models import RequestedState, Urgency
from .serializers import AnswerSerializer, RequestCreateSerializer, RequestSerializer

FILTERS = {
    "box": selectors.BOXES,
    "status": tuple(RequestedState.Status.values),
    "urgency": tuple(Urgency.values),
}


def _filters(query) -> dict[str, str]:
    """The list's filters; a value it does not understand is a 400 naming the filter."""
    chosen = {}
    for name, allowed in FILTERS.items():
        value = query.get(name, "")
        if value and value not in allowed:
            raise exceptions.ValidationError({name: [f"Choose one of: {', '.join(allowed)}."]})
        chosen[name] = value
    return chosen


class RequestListCreate(generics.ListCreateAPIView):
    """Requests the caller may see (`?box=sent|received`, `?status=`, `?urgency=`); a focal
    point sends one."""

    permission_classes = [IsNetworkMember]
    serializer_class = RequestSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.requests_for_list(self.request.user, **_filters(self.request.GET))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = selectors.attach_parts(request.user, list(page if page is not None else []))
        data = RequestSerializer(rows, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, enum=list(allowed)) for name, allowed in FILTERS.items()
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestSerializer})
    def post(self, request, *args, **kwargs):
        if not selectors.may_send(request.user):
            raise exceptions.PermissionDenied("Only a focal point sends requests for information.")
        serializer = RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = services.send_request(by=request.user, **serializer.validated_data)
        sent = selectors.get_request_for(request.user, sent.pk)
        body = RequestSerializer(sent, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class RequestDetail(APIView):
    permission_classes = [IsNetworkMember]

    @extend_schema(responses=RequestSerializer)
    def get(self, request, pk: int):
        found = selectors.get_request_for(request.user, pk)
        return Response(RequestSerializer(found, context={"request": request}).data)


class RequestAnswer(APIView):
    """The requested state's focal point answers, answers in part, or refuses with a reason."""

    permission_classes = [IsNetworkMember]

    @extend_schema(request=AnswerSerializer, responses=RequestSerializer)
    def post(self, request, pk: int):
        part = selectors.part_to_answer(request.user, pk)
        if not selectors.may_send(request.user):
            raise exceptions.PermissionDenied("Only a focal point of the requested state answers.")
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.answer_request(part, by=request.user, **serializer.validated_data)
        found = selectors.get_request_for(request.user, pk)
        return Response(RequestSerializer(found, context={"request": request}).data)
